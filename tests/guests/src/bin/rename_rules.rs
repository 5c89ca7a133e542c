//! path_rename: POSIX rename(2) rules on files, directories and links.
use guests::wasi::*;
use guests::*;

fn rename(a: &str, b: &str) -> Result<(), Errno> {
    unsafe { path_rename(DIR, a, DIR, b) }
}

fn mkdir(p: &str) {
    unsafe { path_create_directory(DIR, p) }.unwrap();
}

fn touch(p: &str) {
    open(DIR, p, OFLAGS_CREAT, 0).unwrap();
}

fn main() {
    touch("a");
    touch("b");
    mkdir("d1");
    mkdir("d2");
    mkdir("full");
    touch("full/x");
    show("file to new name", rename("a", "a2"));
    show("file over file", rename("a2", "b"));
    println!("a2: {}, b: {}", kind(DIR, "a2"), kind(DIR, "b"));
    show("file over dir", rename("b", "d1"));
    show("dir over file", rename("d1", "b"));
    show("dir over empty dir", rename("d1", "d2"));
    println!("d1: {}, d2: {}", kind(DIR, "d1"), kind(DIR, "d2"));
    show("dir over non-empty dir", rename("d2", "full"));
    show("dir into itself", rename("full", "full/sub"));
    show("dir to same name", rename("full", "full"));
    show("file to itself", rename("b", "b"));
    show("missing source", rename("nope", "x"));
    show("into missing dir", rename("b", "nodir/x"));
    show("file with trailing slash", rename("b/", "c"));
    show("to trailing slash", rename("b", "c/"));
    show("dir with trailing slashes", rename("full/", "full2/"));
    println!("full2: {}", kind(DIR, "full2"));
    show("dot", rename(".", "x"));
    show("to dot", rename("b", "."));
    show("dotdot escape", rename("b", "../b"));
    show("between dirs", rename("b", "full2/b"));
    println!("full2/b: {}", kind(DIR, "full2/b"));
    show("rename a symlink", unsafe { path_symlink("full2", DIR, "ln") }.and_then(|_| rename("ln", "ln2")));
    println!("ln2: {}", kind(DIR, "ln2"));
    show(
        "hard links to same inode",
        unsafe { path_link(DIR, 0, "full2/b", DIR, "h") }.and_then(|_| rename("h", "full2/b")),
    );
    println!("h: {}, full2/b: {}", kind(DIR, "h"), kind(DIR, "full2/b"));
    show("bad new fd", unsafe { path_rename(DIR, "h", 77, "x") });
}
