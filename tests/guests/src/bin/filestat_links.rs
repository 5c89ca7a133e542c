//! Link counts, sizes, file types, and inode identity across stat,
//! fd_filestat_get and fd_readdir; hard links (path_link).
use guests::wasi::*;
use guests::*;

fn st(label: &str, path: &str, follow: bool) -> Option<Filestat> {
    let flags = if follow { LOOKUPFLAGS_SYMLINK_FOLLOW } else { 0 };
    match unsafe { path_filestat_get(DIR, flags, path) } {
        Ok(s) => {
            println!(
                "{label}: {} nlink={} size={}",
                s.filetype.name(),
                s.nlink,
                if s.filetype == FILETYPE_DIRECTORY { 0 } else { s.size }
            );
            Some(s)
        }
        Err(e) => {
            println!("{label}: {}", e.name());
            None
        }
    }
}

fn main() {
    st("file", "file", false);
    st("dir", "dir", false);
    st("symlink nofollow", "link_to_file", false);
    st("symlink follow", "link_to_file", true);
    st("dangling follow", "dangling", true);
    st("trailing slash on file", "file/", false);
    let a = st("before link", "file", false).unwrap();
    show("link", unsafe { path_link(DIR, 0, "file", DIR, "hard") });
    let b = st("after link (new name)", "hard", false).unwrap();
    println!("same inode: {}", a.ino == b.ino && a.dev == b.dev);
    st("after link (old name)", "file", false);
    show("link over existing", unsafe { path_link(DIR, 0, "file", DIR, "dir") });
    show("link a dir", unsafe { path_link(DIR, 0, "dir", DIR, "dirlink") });
    show("link missing", unsafe { path_link(DIR, 0, "missing", DIR, "x") });
    show("link to trailing slash", unsafe { path_link(DIR, 0, "file", DIR, "y/") });
    show("link symlink nofollow", unsafe { path_link(DIR, 0, "link_to_file", DIR, "ln2") });
    st("linked symlink", "ln2", false);
    show("unlink old", unsafe { path_unlink_file(DIR, "file") });
    st("survivor", "hard", false);
    show("mkdir", unsafe { path_create_directory(DIR, "dir/sub") });
    st("dir with subdir", "dir", false);
    let f = open(DIR, "hard", 0, 0).unwrap();
    let fs = unsafe { fd_filestat_get(f) }.unwrap();
    println!("fd stat matches path stat: {}", fs.ino == b.ino && fs.nlink == 1 && fs.size == b.size);
    // the inode fd_readdir reports is the one stat reports
    let d = open_read(DIR, ".").unwrap();
    let mut buf = vec![0u8; 4096];
    let used = unsafe { fd_readdir(d, buf.as_mut_ptr(), buf.len(), 0) }.unwrap();
    let mut at = 0;
    let mut found = false;
    while at + 24 <= used {
        let ino = u64::from_le_bytes(buf[at + 8..at + 16].try_into().unwrap());
        let namlen = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
        let name = String::from_utf8_lossy(&buf[at + 24..(at + 24 + namlen).min(used)]).into_owned();
        if name == "hard" {
            found = ino == b.ino;
        }
        at += 24 + namlen;
    }
    println!("readdir inode matches stat: {found}");
}
