//! fd_fdstat_get of every kind of descriptor, fd_fdstat_set_rights (only
//! narrowing) and fd_fdstat_set_flags.
use guests::wasi::*;
use guests::*;

fn stat(label: &str, fd: Fd) {
    match unsafe { fd_fdstat_get(fd) } {
        Ok(s) => println!(
            "{label}: {} flags={:#x} base={:#x} inheriting={:#x}",
            s.fs_filetype.name(),
            s.fs_flags,
            s.fs_rights_base,
            s.fs_rights_inheriting
        ),
        Err(e) => println!("{label}: {}", e.name()),
    }
}

fn main() {
    stat("stdin", 0);
    stat("stdout", 1);
    stat("stderr", 2);
    stat("preopen", DIR);
    stat("bad", 42);
    let f = open(DIR, "file", 0, 0).unwrap();
    stat("file all rights", f);
    let r = open_read(DIR, "file").unwrap();
    stat("file read rights", r);
    let d = open_read(DIR, "dir").unwrap();
    stat("dir all rights", d);
    let a = open(DIR, "file", 0, FDFLAGS_APPEND).unwrap();
    stat("file append", a);
    show("set append", unsafe { fd_fdstat_set_flags(r, FDFLAGS_APPEND) });
    stat("after set append", r);
    show("set nonblock", unsafe { fd_fdstat_set_flags(r, FDFLAGS_NONBLOCK) });
    show("set sync", unsafe { fd_fdstat_set_flags(r, FDFLAGS_SYNC) });
    show("set flags on stdout", unsafe { fd_fdstat_set_flags(1, FDFLAGS_APPEND) });
    show("set flags on dir", unsafe { fd_fdstat_set_flags(d, FDFLAGS_APPEND) });
    show("set flags bad fd", unsafe { fd_fdstat_set_flags(42, 0) });
    show("set rights bad fd", unsafe { fd_fdstat_set_rights(42, 0, 0) });
}
