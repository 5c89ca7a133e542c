//! path_open: which errno for which mistake, and O_CREAT/O_EXCL/O_TRUNC/
//! O_DIRECTORY semantics. The preopen holds `file` ("abc"), `dir/`,
//! `link_to_file` -> file, `link_to_dir` -> dir, `dangling` -> missing.
use guests::wasi::*;
use guests::*;

fn main() {
    check("existing file", open(DIR, "file", 0, 0));
    show("missing file", open(DIR, "missing", 0, 0));
    show("missing parent", open(DIR, "nodir/x", OFLAGS_CREAT, 0));
    show("creat|excl on existing", open(DIR, "file", OFLAGS_CREAT | OFLAGS_EXCL, 0));
    check("creat|excl new", open(DIR, "new1", OFLAGS_CREAT | OFLAGS_EXCL, 0));
    show("directory flag on file", open(DIR, "file", OFLAGS_DIRECTORY, 0));
    check("directory flag on dir", open(DIR, "dir", OFLAGS_DIRECTORY, 0));
    show("trailing slash on file", open(DIR, "file/", 0, 0));
    check("trailing slash on dir", open(DIR, "dir/", 0, 0));
    show("creat with trailing slash", open(DIR, "newdir/", OFLAGS_CREAT, 0));
    show("creat|directory new", open(DIR, "new2", OFLAGS_CREAT | OFLAGS_DIRECTORY, 0));
    show("trunc on dir", open(DIR, "dir", OFLAGS_TRUNC, 0));
    show("dir opened for writing", unsafe { path_open(DIR, 0, "dir", 0, RIGHTS_FD_WRITE, 0, 0) });
    check("dir opened read-only", unsafe { path_open(DIR, 0, "dir", 0, RIGHTS_FD_READ, 0, 0) });
    show("dotdot escape", open(DIR, "..", 0, 0));
    show("dotdot escape deeper", open(DIR, "dir/../../file", 0, 0));
    check("dotdot inside", open(DIR, "dir/../file", 0, 0));
    show("absolute path", open(DIR, "/file", 0, 0));
    check("dot", open(DIR, ".", 0, 0));
    show("empty path", open(DIR, "", 0, 0));
    check("follow link to file", open(DIR, "link_to_file", 0, 0));
    show("nofollow link to file", unsafe { path_open(DIR, 0, "link_to_file", 0, ALL_RIGHTS, ALL_RIGHTS, 0) });
    show("nofollow link to dir with directory flag", unsafe {
        path_open(DIR, 0, "link_to_dir", OFLAGS_DIRECTORY, ALL_RIGHTS, ALL_RIGHTS, 0)
    });
    check("link in the middle", open(DIR, "link_to_dir/../file", 0, 0));
    show("dangling link", open(DIR, "dangling", 0, 0));
    check("creat through dangling link", open(DIR, "dangling", OFLAGS_CREAT, 0));
    println!("dangling target now: {}", kind(DIR, "missing_target"));
    show("path through a file", open(DIR, "file/x", 0, 0));
    show("bad fd", open(99, "file", 0, 0));
    show("fd is a file", {
        let f = open(DIR, "file", 0, 0).unwrap();
        open(f, "x", 0, 0)
    });
    show("stdout as dir", open(1, "file", 0, 0));
    // O_TRUNC empties, O_APPEND keeps the cursor at the end.
    let f = open(DIR, "file", OFLAGS_TRUNC, 0).unwrap();
    show("size after trunc", unsafe { fd_filestat_get(f) }.map(|s| s.size));
    let a = open(DIR, "file", 0, FDFLAGS_APPEND).unwrap();
    write(a, b"one").unwrap();
    unsafe { fd_seek(a, 0, WHENCE_SET) }.unwrap();
    write(a, b"two").unwrap();
    show("append cursor", unsafe { fd_tell(a) });
    show("append content", {
        unsafe { fd_seek(a, 0, WHENCE_SET) }.unwrap();
        read(a, 100)
    });
    show("long name", open(DIR, &"n".repeat(300), OFLAGS_CREAT, 0));
}
