//! A directory that was removed while open is dead: nothing can be made
//! in it, and it does not lead back to where it was. The sequence that used
//! to hang the shim: mkdir P, P/D; open D; rmdir D; rmdir P; mkdirat(D,
//! "E"); mkdirat(D, "Z"); renameat(D, "Z", D, "E/Z2").
use guests::wasi::*;
use guests::*;

fn main() {
    check("mkdir p", unsafe { path_create_directory(DIR, "p") });
    check("mkdir p/d", unsafe { path_create_directory(DIR, "p/d") });
    let d = open_read(DIR, "p/d").unwrap();
    check("rmdir p/d", unsafe { path_remove_directory(DIR, "p/d") });
    check("rmdir p", unsafe { path_remove_directory(DIR, "p") });
    check("mkdirat d e", unsafe { path_create_directory(d, "e") });
    check("mkdirat d z", unsafe { path_create_directory(d, "z") });
    check("rename d z -> d e/z2", unsafe { path_rename(d, "z", d, "e/z2") });
    check("create file in d", open(d, "f", OFLAGS_CREAT, 0));
    check("symlink in d", unsafe { path_symlink("x", d, "l") });
    check("open d/..", open(d, "..", 0, 0));
    check("stat d/.", unsafe { path_filestat_get(d, 0, ".") }.map(|s| s.nlink));
    check("readdir d", unsafe { fd_readdir(d, [0u8; 256].as_mut_ptr(), 256, 0) });
    check("mkdir p again", unsafe { path_create_directory(DIR, "p") });
    check("rename d . into preopen", unsafe { path_rename(d, ".", DIR, "moved") });
    println!("preopen: {:?}", listing(DIR));
}

fn listing(dir: Fd) -> Vec<String> {
    let mut buf = vec![0u8; 4096];
    let n = unsafe { fd_readdir(dir, buf.as_mut_ptr(), buf.len(), 0) }.unwrap();
    let mut names = Vec::new();
    let mut at = 0;
    while at + 24 <= n {
        let namlen = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
        names.push(String::from_utf8_lossy(&buf[at + 24..at + 24 + namlen]).into_owned());
        at += 24 + namlen;
    }
    names.sort();
    names
}
