//! path_unlink_file, path_remove_directory and path_create_directory.
use guests::wasi::*;
use guests::*;

fn main() {
    show("mkdir", unsafe { path_create_directory(DIR, "d") });
    show("mkdir existing", unsafe { path_create_directory(DIR, "d") });
    show("mkdir over file", unsafe { path_create_directory(DIR, "file") });
    show("mkdir trailing slash", unsafe { path_create_directory(DIR, "e/") });
    show("mkdir missing parent", unsafe { path_create_directory(DIR, "x/y") });
    show("mkdir dot", unsafe { path_create_directory(DIR, ".") });
    show("mkdir escape", unsafe { path_create_directory(DIR, "../z") });
    show("mkdir over dangling link", unsafe { path_create_directory(DIR, "dangling") });
    show("unlink dir", unsafe { path_unlink_file(DIR, "d") });
    show("unlink missing", unsafe { path_unlink_file(DIR, "missing") });
    show("unlink file trailing slash", unsafe { path_unlink_file(DIR, "file/") });
    show("rmdir file", unsafe { path_remove_directory(DIR, "file") });
    show("rmdir symlink to dir", unsafe { path_remove_directory(DIR, "link_to_dir") });
    open(DIR, "d/inner", OFLAGS_CREAT, 0).unwrap();
    show("rmdir non-empty", unsafe { path_remove_directory(DIR, "d") });
    show("rmdir dot", unsafe { path_remove_directory(DIR, ".") });
    show("rmdir d/..", unsafe { path_remove_directory(DIR, "d/..") });
    show("rmdir missing", unsafe { path_remove_directory(DIR, "missing") });
    show("unlink inner", unsafe { path_unlink_file(DIR, "d/inner") });
    show("rmdir now empty with slash", unsafe { path_remove_directory(DIR, "d/") });
    show("unlink symlink", unsafe { path_unlink_file(DIR, "link_to_file") });
    show("unlink dangling symlink", unsafe { path_unlink_file(DIR, "dangling") });
    println!("file still there: {}", kind(DIR, "file"));
    // an open file survives its unlink
    let f = open(DIR, "file", 0, 0).unwrap();
    show("unlink open file", unsafe { path_unlink_file(DIR, "file") });
    show("read unlinked", {
        unsafe { fd_seek(f, 0, WHENCE_SET) }.unwrap();
        read(f, 10)
    });
    show("nlink of unlinked", unsafe { fd_filestat_get(f) }.map(|s| s.nlink));
    println!("gone from dir: {}", kind(DIR, "file"));
}
