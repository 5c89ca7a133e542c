//! Lengths a guest controls: a path longer than PATH_MAX, a link target
//! that long, a NUL inside a link target; a write of nothing at a far
//! offset (the size stays), and a write of one byte there (the size grows,
//! and only that byte is stored).
use guests::wasi::*;
use guests::*;

fn size(fd: Fd) -> u64 {
    unsafe { fd_filestat_get(fd) }.unwrap().size
}

fn main() {
    let long = "a/".repeat(2100);
    check("open a 4200-byte path", open(DIR, &long, 0, 0));
    check("mkdir a 4200-byte path", unsafe { path_create_directory(DIR, &long) });
    let target = "./".repeat(2100);
    check("symlink to a 4200-byte target", unsafe { path_symlink(&target, DIR, "long") });
    let fits = "./".repeat(2000);
    check("symlink to a 4000-byte target", unsafe { path_symlink(&fits, DIR, "fits") });
    check("symlink to a target with a NUL", unsafe { path_symlink("a\0b", DIR, "nul") });
    check("open a path with a NUL", open(DIR, "fi\0le", 0, 0));
    let f = open(DIR, "file", OFLAGS_CREAT, 0).unwrap();
    write(f, b"abc").unwrap();
    show("pwrite nothing far away", unsafe { fd_pwrite(f, &[], 1 << 30) });
    println!("size: {}", size(f));
    unsafe { fd_seek(f, 1 << 31, WHENCE_SET) }.unwrap();
    show("write nothing after a far seek", write(f, b""));
    println!("size: {}", size(f));
    show("write a byte after a far seek", write(f, b"!"));
    println!("size: {}", size(f));
    let mut tail = [7u8; 4];
    let got = unsafe { fd_pread(f, &[Iovec { buf: tail.as_mut_ptr(), buf_len: 4 }], (1 << 31) - 3) }.unwrap();
    println!("tail: {:?}", &tail[..got]);
    unsafe { fd_filestat_set_size(f, 3) }.unwrap();
    println!("size after truncating: {}", size(f));
}
