//! Timestamps (explicit, NOW, flag validation, updates on write) and sizes
//! (set_size, pread/pwrite leaving the cursor alone, append).
use guests::wasi::*;
use guests::*;

fn stat(p: &str) -> Filestat {
    unsafe { path_filestat_get(DIR, 0, p) }.unwrap()
}

fn now() -> u64 {
    unsafe { clock_time_get(CLOCKID_REALTIME, 1) }.unwrap()
}

fn main() {
    let f = open(DIR, "file", 0, 0).unwrap();
    show("set explicit times", unsafe {
        fd_filestat_set_times(f, 1_000_000_123, 2_000_000_456, FSTFLAGS_ATIM | FSTFLAGS_MTIM)
    });
    let s = stat("file");
    println!("atim {} mtim {}", s.atim, s.mtim);
    show("atim and atim_now", unsafe { fd_filestat_set_times(f, 1, 1, FSTFLAGS_ATIM | FSTFLAGS_ATIM_NOW) });
    show("mtim and mtim_now", unsafe { fd_filestat_set_times(f, 1, 1, FSTFLAGS_MTIM | FSTFLAGS_MTIM_NOW) });
    show("no flags", unsafe { fd_filestat_set_times(f, 5, 5, 0) });
    let s2 = stat("file");
    println!("no flags leaves times: {}", s2.atim == s.atim && s2.mtim == s.mtim);
    let before = now();
    show("mtim now", unsafe { fd_filestat_set_times(f, 0, 0, FSTFLAGS_MTIM_NOW) });
    let s3 = stat("file");
    println!("mtim now is recent: {}, atim kept: {}", s3.mtim + 1_000_000_000 >= before, s3.atim == s.atim);
    show("path set times", unsafe {
        path_filestat_set_times(DIR, 0, "file", 7_000_000_000, 8_000_000_000, FSTFLAGS_ATIM | FSTFLAGS_MTIM)
    });
    let s4 = stat("file");
    println!("atim {} mtim {}", s4.atim, s4.mtim);
    show("path set times missing", unsafe {
        path_filestat_set_times(DIR, 0, "missing", 0, 0, FSTFLAGS_MTIM_NOW)
    });
    show("set times on symlink nofollow", unsafe {
        path_filestat_set_times(DIR, 0, "link_to_file", 9_000_000_000, 9_000_000_000, FSTFLAGS_MTIM)
    });
    println!("link mtim {} file mtim {}", stat("link_to_file").mtim, stat("file").mtim);
    show("set times follow", unsafe {
        path_filestat_set_times(
            DIR,
            LOOKUPFLAGS_SYMLINK_FOLLOW,
            "link_to_file",
            0,
            10_000_000_000,
            FSTFLAGS_MTIM,
        )
    });
    println!("file mtim {}", stat("file").mtim);
    // writing moves mtime forward
    write(f, b"hello").unwrap();
    println!("write updates mtim: {}", stat("file").mtim >= before);
    // creating a file updates the directory's mtime
    unsafe { path_filestat_set_times(DIR, 0, "dir", 0, 1_000_000_000, FSTFLAGS_MTIM) }.unwrap();
    open(DIR, "dir/new", OFLAGS_CREAT, 0).unwrap();
    println!("create updates dir mtim: {}", stat("dir").mtim >= before);

    show("grow", unsafe { fd_filestat_set_size(f, 10) });
    println!("size {}", stat("file").size);
    show("read zero fill", {
        unsafe { fd_seek(f, 5, WHENCE_SET) }.unwrap();
        read(f, 10).map(|s| s.into_bytes())
    });
    show("shrink", unsafe { fd_filestat_set_size(f, 2) });
    show("read after shrink", {
        unsafe { fd_seek(f, 0, WHENCE_SET) }.unwrap();
        read(f, 10)
    });
    unsafe { fd_seek(f, 1, WHENCE_SET) }.unwrap();
    let mut b = [0u8; 4];
    show("pread", unsafe { fd_pread(f, &[Iovec { buf: b.as_mut_ptr(), buf_len: 4 }], 0) });
    show("pwrite past end", unsafe { fd_pwrite(f, &[Ciovec { buf: b"XY".as_ptr(), buf_len: 2 }], 6) });
    show("cursor unmoved", unsafe { fd_tell(f) });
    show("content", {
        unsafe { fd_seek(f, 0, WHENCE_SET) }.unwrap();
        read(f, 20).map(|s| s.into_bytes())
    });
    show("pread past end", unsafe { fd_pread(f, &[Iovec { buf: b.as_mut_ptr(), buf_len: 4 }], 100) });
    let a = open(DIR, "file", 0, FDFLAGS_APPEND).unwrap();
    show("pwrite on append fd", unsafe { fd_pwrite(a, &[Ciovec { buf: b"P".as_ptr(), buf_len: 1 }], 0) });
    show("after append pwrite", {
        unsafe { fd_seek(f, 0, WHENCE_SET) }.unwrap();
        read(f, 20).map(|s| s.into_bytes())
    });
    show("seek past end then write", unsafe { fd_seek(f, 12, WHENCE_SET) }.and_then(|_| write(f, b"Z")));
    println!("size {}", stat("file").size);
    show("empty iovec write", write(f, b""));
    show("size huge", unsafe { fd_filestat_set_size(f, u64::MAX) });
}
