//! A read-only preopen: reading works, every change is refused.
use guests::wasi::*;
use guests::*;

fn main() {
    show("preopen rights", unsafe { fd_fdstat_get(DIR) }.map(|s| (s.fs_rights_base, s.fs_rights_inheriting)));
    let r = check("open for reading", open_read(DIR, "file"));
    show("read", read(r.unwrap(), 10));
    show("open for writing", open(DIR, "file", 0, 0));
    show("create", open(DIR, "new", OFLAGS_CREAT, 0));
    show("truncate", unsafe { path_open(DIR, 0, "file", OFLAGS_TRUNC, RIGHTS_FD_READ, 0, 0) });
    show("mkdir", unsafe { path_create_directory(DIR, "newdir") });
    show("unlink", unsafe { path_unlink_file(DIR, "file") });
    show("rmdir", unsafe { path_remove_directory(DIR, "dir") });
    show("rename", unsafe { path_rename(DIR, "file", DIR, "moved") });
    show("symlink", unsafe { path_symlink("file", DIR, "ln") });
    show("link", unsafe { path_link(DIR, 0, "file", DIR, "hard") });
    show("set times", unsafe { path_filestat_set_times(DIR, 0, "file", 0, 0, FSTFLAGS_MTIM_NOW) });
    show("stat", unsafe { path_filestat_get(DIR, 0, "file") }.map(|s| s.size));
    show("readlink", {
        let mut b = [0u8; 16];
        unsafe { path_readlink(DIR, "link_to_file", b.as_mut_ptr(), 16) }
    });
    let d = open_read(DIR, "dir").unwrap();
    show("subdir rights", unsafe { fd_fdstat_get(d) }.map(|s| (s.fs_rights_base, s.fs_rights_inheriting)));
    show("create in subdir", open(d, "x", OFLAGS_CREAT, 0));
    show("fd set times", unsafe { fd_filestat_set_times(r.unwrap(), 0, 0, FSTFLAGS_MTIM_NOW) });
}
