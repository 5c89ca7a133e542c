//! fd_fdstat_set_rights narrows a descriptor's rights and never widens
//! them, and a narrowed descriptor refuses what it lost.
use guests::wasi::*;
use guests::*;

fn main() {
    let f = open(DIR, "file", 0, 0).unwrap();
    show("narrow to read", unsafe { fd_fdstat_set_rights(f, RIGHTS_FD_READ | RIGHTS_FD_SEEK, 0) });
    show("rights now", unsafe { fd_fdstat_get(f) }.map(|s| (s.fs_rights_base, s.fs_rights_inheriting)));
    show("widen", unsafe { fd_fdstat_set_rights(f, RIGHTS_FD_READ | RIGHTS_FD_WRITE, 0) });
    show("write", write(f, b"x"));
    show("read", read(f, 10));
    show("bad fd", unsafe { fd_fdstat_set_rights(42, 0, 0) });
    unsafe { path_unlink_file(DIR, "file") }.unwrap();
}
