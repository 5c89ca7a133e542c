//! A read-only preopen cannot be written through another preopen: a hard
//! link from it into a writable one is refused, and so is every change
//! through what the link would have been.
use guests::wasi::*;
use guests::*;

/// The read-only preopen is the first (fd 3), the writable one the second.
const RO: Fd = 3;
const RW: Fd = 4;

fn main() {
    check("link ro/file -> rw/alias", unsafe { path_link(RO, 0, "file", RW, "alias") });
    check("link rw/own -> rw/own2", unsafe { path_link(RW, 0, "own", RW, "own2") });
    check("link rw/own -> ro/x", unsafe { path_link(RW, 0, "own", RO, "x") });
    check("open rw/alias for writing", open(RW, "alias", 0, 0));
    check("set times ro/file", unsafe {
        path_filestat_set_times(RO, 0, "file", 1, 1, FSTFLAGS_ATIM | FSTFLAGS_MTIM)
    });
    check("rename ro/file -> rw/moved", unsafe { path_rename(RO, "file", RW, "moved") });
    let r = open_read(RO, "file").unwrap();
    check("write through a read-only fd", write(r, b"x"));
    check("set times through a read-only fd", unsafe { fd_filestat_set_times(r, 1, 1, FSTFLAGS_MTIM) });
    check("read ro/file", read(r, 16));
}
