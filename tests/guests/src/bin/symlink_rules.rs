//! path_symlink and path_readlink, and how links are followed: relative
//! and absolute targets, dangling links, loops, links out of the sandbox.
use guests::wasi::*;
use guests::*;

fn readlink(path: &str, n: usize) -> Result<String, Errno> {
    let mut b = vec![0u8; n];
    let used = unsafe { path_readlink(DIR, path, b.as_mut_ptr(), n)? };
    Ok(String::from_utf8_lossy(&b[..used]).into_owned())
}

fn main() {
    show("relative", unsafe { path_symlink("file", DIR, "rel") });
    show("readlink", readlink("rel", 64));
    show("readlink short buffer", readlink("rel", 2));
    show("readlink a file", readlink("file", 64));
    show("readlink missing", readlink("missing", 64));
    show("readlink trailing slash", readlink("rel/", 64));
    show("absolute target", unsafe { path_symlink("/etc/passwd", DIR, "abs") });
    println!("abs kind: {}", kind(DIR, "abs"));
    show("follow absolute", open(DIR, "abs", 0, 0));
    show("escaping target", unsafe { path_symlink("../outside", DIR, "esc") });
    show("follow escaping", open(DIR, "esc", 0, 0));
    show("follow escaping via dir", unsafe { path_symlink("dir/../..", DIR, "esc2") });
    show("open through it", open(DIR, "esc2/x", 0, 0));
    show("dangling", unsafe { path_symlink("nothing", DIR, "dang") });
    show("stat dangling nofollow", unsafe { path_filestat_get(DIR, 0, "dang") }.map(|s| s.filetype.name()));
    show(
        "stat dangling follow",
        unsafe { path_filestat_get(DIR, LOOKUPFLAGS_SYMLINK_FOLLOW, "dang") }.map(|s| s.filetype.name()),
    );
    show("loop a", unsafe { path_symlink("loop_b", DIR, "loop_a") });
    show("loop b", unsafe { path_symlink("loop_a", DIR, "loop_b") });
    show("follow loop", open(DIR, "loop_a", 0, 0));
    show("stat loop", unsafe { path_filestat_get(DIR, LOOKUPFLAGS_SYMLINK_FOLLOW, "loop_a") }.map(|_| ()));
    show("self loop", unsafe { path_symlink("self", DIR, "self") });
    show("open self loop dir", open_read(DIR, "self/x"));
    show("existing name", unsafe { path_symlink("file", DIR, "file") });
    show("trailing slash new", unsafe { path_symlink("file", DIR, "ts/") });
    show("empty target", unsafe { path_symlink("", DIR, "empty") });
    show("into missing dir", unsafe { path_symlink("file", DIR, "nodir/x") });
    show("link to dir", unsafe { path_symlink("dir", DIR, "dl") });
    show("open dir via link", open_read(DIR, "dl"));
    show("file in dir via link", open(DIR, "dl/new", OFLAGS_CREAT, 0).map(|_| ()));
    println!("dir/new kind: {}", kind(DIR, "dir/new"));
    show("chain", unsafe { path_symlink("rel", DIR, "chain") });
    show("read via chain", open_read(DIR, "chain").and_then(|f| read(f, 10)));
    show("unlink link", unsafe { path_unlink_file(DIR, "rel") });
    println!("target survives: {}", kind(DIR, "file"));
    show("rmdir a link to dir", unsafe { path_remove_directory(DIR, "dl") });
    show("unlink link to dir with slash", unsafe { path_unlink_file(DIR, "dl/") });
}
