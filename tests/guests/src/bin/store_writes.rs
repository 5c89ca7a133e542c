//! What a directory kept in a store (a browser's directory handle) must
//! hold: files written in blocks and made durable by `fd_sync` and
//! `fd_close` (their errnos printed, so a full store shows as ENOSPC), a
//! large file read back block by block, and a tree changed by mkdir,
//! rename, unlink and rmdir. Commands, from argv, one after another:
//!   write PATH KIB   create PATH, write KIB KiB of a pattern, sync, close
//!   check PATH       read PATH to its end and check the pattern
//!   tree             change a tree below the first preopen
//!   scan PATH        read PATH to its end; print its size and its non-zero
//!                    runs (for a large, mostly empty file)
//!   mvdir FROM TO    rename a directory, printing the errno
//!   loop DIR         write file after file into DIR, forever (to be stopped)
use guests::wasi::*;
use guests::*;

const BLOCK: usize = 64 * 1024;

fn pattern(at: u64) -> u8 {
    ((at * 31 + 7) % 251) as u8
}

fn write_file(path: &str, kib: u64) {
    let Some(fd) = check("create", open(DIR, path, OFLAGS_CREAT | OFLAGS_TRUNC, 0)) else { return };
    let mut block = vec![0u8; BLOCK];
    let mut at = 0u64;
    let mut failed = None;
    while at < kib << 10 {
        let n = BLOCK.min(((kib << 10) - at) as usize);
        for (i, b) in block[..n].iter_mut().enumerate() {
            *b = pattern(at + i as u64);
        }
        if let Err(e) = write(fd, &block[..n]) {
            failed = Some(e);
            break;
        }
        at += n as u64;
    }
    match failed {
        Some(e) => println!("write: {} after {at} bytes", e.name()),
        None => println!("write: ok {at} bytes"),
    }
    show("sync", unsafe { fd_sync(fd) });
    show("close", unsafe { fd_close(fd) });
}

fn check_file(path: &str) {
    let Some(fd) = check("open", open_read(DIR, path)) else { return };
    let mut buf = vec![0u8; BLOCK];
    let mut at = 0u64;
    let mut bad = None;
    loop {
        let iov = Iovec { buf: buf.as_mut_ptr(), buf_len: buf.len() };
        match unsafe { fd_read(fd, &[iov]) } {
            Ok(0) => break,
            Ok(n) => {
                if bad.is_none() {
                    bad = buf[..n]
                        .iter()
                        .enumerate()
                        .find(|(i, &b)| b != pattern(at + *i as u64))
                        .map(|(i, _)| at + i as u64);
                }
                at += n as u64;
            }
            Err(e) => {
                println!("read: {} at {at}", e.name());
                return;
            }
        }
    }
    match bad {
        Some(i) => println!("check: {at} bytes, wrong from byte {i}"),
        None => println!("check: {at} bytes, all as written"),
    }
    show("close", unsafe { fd_close(fd) });
}

fn tree() {
    show("mkdir a", unsafe { path_create_directory(DIR, "a") });
    show("mkdir a/b", unsafe { path_create_directory(DIR, "a/b") });
    if let Some(fd) = check("create a/b/f", open(DIR, "a/b/f", OFLAGS_CREAT, 0)) {
        show("write a/b/f", write(fd, b"hello"));
        show("close a/b/f", unsafe { fd_close(fd) });
    }
    show("rename a/b/f a/g", unsafe { path_rename(DIR, "a/b/f", DIR, "a/g") });
    if let Some(fd) = check("create a/h", open(DIR, "a/h", OFLAGS_CREAT, 0)) {
        show("write a/h", write(fd, b"replaced"));
        show("close a/h", unsafe { fd_close(fd) });
    }
    show("rename a/g over a/h", unsafe { path_rename(DIR, "a/g", DIR, "a/h") });
    show("mkdir c", unsafe { path_create_directory(DIR, "c") });
    show("rmdir c", unsafe { path_remove_directory(DIR, "c") });
    show("rmdir a/b", unsafe { path_remove_directory(DIR, "a/b") });
    show("unlink old", unsafe { path_unlink_file(DIR, "old") });
    show("append kept", {
        let fd = open(DIR, "kept", 0, FDFLAGS_APPEND).unwrap();
        let r = write(fd, b" and more");
        unsafe { fd_close(fd) }.unwrap();
        r
    });
    println!("a/h: {}", kind(DIR, "a/h"));
    show("read a/h", {
        let fd = open_read(DIR, "a/h").unwrap();
        read(fd, 100)
    });
}

fn scan(path: &str) {
    let Some(fd) = check("open", open_read(DIR, path)) else { return };
    let mut buf = vec![0u8; 1 << 20];
    let (mut at, mut run): (u64, Option<(u64, Vec<u8>)>) = (0, None);
    loop {
        let iov = Iovec { buf: buf.as_mut_ptr(), buf_len: buf.len() };
        let n = match unsafe { fd_read(fd, &[iov]) } {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) => {
                println!("read: {} at {at}", e.name());
                return;
            }
        };
        for (i, &b) in buf[..n].iter().enumerate() {
            match (&mut run, b) {
                (Some((_, bytes)), b) if b != 0 => bytes.push(b),
                (None, b) if b != 0 => run = Some((at + i as u64, vec![b])),
                (Some(_), _) => {
                    let (start, bytes) = run.take().unwrap();
                    println!("at {start}: {}", String::from_utf8_lossy(&bytes));
                }
                (None, _) => {}
            }
        }
        at += n as u64;
    }
    if let Some((start, bytes)) = run {
        println!("at {start}: {}", String::from_utf8_lossy(&bytes));
    }
    println!("scan: {at} bytes");
}

fn write_forever(dir: &str) {
    for i in 0u64.. {
        let path = format!("{dir}/f{i}");
        let fd = open(DIR, &path, OFLAGS_CREAT | OFLAGS_TRUNC, 0).unwrap();
        let text = format!("file {i}\n").repeat(512);
        write(fd, text.as_bytes()).unwrap();
        unsafe { fd_close(fd) }.unwrap();
        println!("wrote f{i}");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut rest = args.as_slice();
    while let Some(command) = rest.first() {
        rest = match (command.as_str(), &rest[1..]) {
            ("write", [path, kib, more @ ..]) => {
                write_file(path, kib.parse().unwrap());
                more
            }
            ("check", [path, more @ ..]) => {
                check_file(path);
                more
            }
            ("tree", more) => {
                tree();
                more
            }
            ("scan", [path, more @ ..]) => {
                scan(path);
                more
            }
            ("mvdir", [from, to, more @ ..]) => {
                show(&format!("rename {from} {to}"), unsafe { path_rename(DIR, from, DIR, to) });
                more
            }
            ("loop", [dir, ..]) => {
                write_forever(dir);
                &[]
            }
            _ => {
                println!("usage: store_writes [write PATH KIB | check PATH | tree | scan PATH | mvdir FROM TO | loop DIR]...");
                &[]
            }
        };
    }
}
