//! fd_* calls on the wrong kind of descriptor, and on closed ones.
use guests::wasi::*;
use guests::*;

fn main() {
    let file = open(DIR, "file", 0, 0).unwrap();
    let ro = open_read(DIR, "file").unwrap();
    let dir = open_read(DIR, "dir").unwrap();
    let mut buf = [0u8; 8];
    let iov = [Iovec { buf: buf.as_mut_ptr(), buf_len: 8 }];
    let ciov = [Ciovec { buf: b"x".as_ptr(), buf_len: 1 }];
    for (name, fd) in
        [("bad", 77), ("stdin", 0), ("stdout", 1), ("dir", dir), ("readonly file", ro), ("file", file)]
    {
        show(&format!("{name} fd_read"), unsafe { fd_read(fd, &iov) });
        show(&format!("{name} fd_write"), unsafe { fd_write(fd, &ciov) }.map(|_| ()));
        show(&format!("{name} fd_pread"), unsafe { fd_pread(fd, &iov, 0) });
        show(&format!("{name} fd_pwrite"), unsafe { fd_pwrite(fd, &ciov, 0) });
        show(&format!("{name} fd_seek"), unsafe { fd_seek(fd, 0, WHENCE_CUR) });
        show(&format!("{name} fd_tell"), unsafe { fd_tell(fd) });
        show(&format!("{name} fd_sync"), unsafe { fd_sync(fd) });
        show(&format!("{name} fd_datasync"), unsafe { fd_datasync(fd) });
        show(&format!("{name} fd_advise"), unsafe { fd_advise(fd, 0, 1, ADVICE_NORMAL) });
        show(&format!("{name} fd_allocate"), unsafe { fd_allocate(fd, 0, 1) });
        show(&format!("{name} fd_filestat_set_size"), unsafe { fd_filestat_set_size(fd, 5) });
        show(&format!("{name} fd_filestat_set_times"), unsafe {
            fd_filestat_set_times(fd, 0, 0, FSTFLAGS_MTIM_NOW)
        });
        let mut dbuf = [0u8; 64];
        show(&format!("{name} fd_readdir"), unsafe { fd_readdir(fd, dbuf.as_mut_ptr(), 64, 0) }.map(|_| ()));
        show(&format!("{name} fd_prestat_get"), unsafe { fd_prestat_get(fd) }.map(|_| ()));
        show(&format!("{name} filetype"), unsafe { fd_filestat_get(fd) }.map(|s| s.filetype.name()));
    }
    show("seek negative", unsafe { fd_seek(file, -1, WHENCE_SET) });
    show("close", unsafe { fd_close(file) });
    show("close again", unsafe { fd_close(file) });
    show("close preopen", unsafe { fd_close(DIR) });
    show("use closed preopen", open(DIR, "file", 0, 0));
}
