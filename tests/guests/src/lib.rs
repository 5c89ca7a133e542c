//! Helpers shared by the fixtures: raw preview1 imports for calls `std`
//! does not make, and a way to print a call's result as one stable line
//! (`label: ok ...` or `label: <errno name>`), so that wasmtime's output and
//! browser-wasi's can be compared line by line.
#![allow(clippy::missing_safety_doc)]

use std::fmt::Debug;

pub use wasi;

/// Raw imports, for fixtures that pass exactly what they want.
pub mod raw {
    #[link(wasm_import_module = "wasi_snapshot_preview1")]
    extern "C" {
        pub fn fd_prestat_get(fd: u32, buf: *mut u8) -> u16;
        pub fn fd_prestat_dir_name(fd: u32, path: *mut u8, len: u32) -> u16;
        pub fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> u16;
        pub fn clock_res_get(id: u32, res: *mut u64) -> u16;
        pub fn random_get(buf: *mut u8, len: u32) -> u16;
        pub fn fd_fdstat_get(fd: u32, buf: *mut u8) -> u16;
    }
}

/// The first preopened directory.
pub const DIR: wasi::Fd = 3;

/// Every right a file descriptor can have.
pub const ALL_RIGHTS: wasi::Rights = (1 << 30) - 1;

/// Prints `label: ok <value>` or `label: <errno>`.
pub fn show<T: Debug>(label: &str, r: Result<T, wasi::Errno>) -> Option<T> {
    match r {
        Ok(v) => {
            println!("{label}: ok {v:?}");
            Some(v)
        }
        Err(e) => {
            println!("{label}: {}", e.name());
            None
        }
    }
}

/// Prints `label: ok` or `label: <errno>` (for values that differ between
/// hosts, such as descriptors or inode numbers).
pub fn check<T>(label: &str, r: Result<T, wasi::Errno>) -> Option<T> {
    match r {
        Ok(v) => {
            println!("{label}: ok");
            Some(v)
        }
        Err(e) => {
            println!("{label}: {}", e.name());
            None
        }
    }
}

/// `path_open` below `dir` with every right requested.
pub fn open(
    dir: wasi::Fd,
    path: &str,
    oflags: wasi::Oflags,
    fdflags: wasi::Fdflags,
) -> Result<wasi::Fd, wasi::Errno> {
    unsafe {
        wasi::path_open(dir, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, ALL_RIGHTS, ALL_RIGHTS, fdflags)
    }
}

/// `path_open` for reading only.
pub fn open_read(dir: wasi::Fd, path: &str) -> Result<wasi::Fd, wasi::Errno> {
    let r = wasi::RIGHTS_FD_READ
        | wasi::RIGHTS_FD_SEEK
        | wasi::RIGHTS_FD_TELL
        | wasi::RIGHTS_FD_FILESTAT_GET
        | wasi::RIGHTS_FD_READDIR;
    unsafe { wasi::path_open(dir, wasi::LOOKUPFLAGS_SYMLINK_FOLLOW, path, 0, r, ALL_RIGHTS, 0) }
}

/// Writes `data` through `fd`.
pub fn write(fd: wasi::Fd, data: &[u8]) -> Result<usize, wasi::Errno> {
    unsafe { wasi::fd_write(fd, &[wasi::Ciovec { buf: data.as_ptr(), buf_len: data.len() }]) }
}

/// Reads up to `n` bytes from `fd`.
pub fn read(fd: wasi::Fd, n: usize) -> Result<String, wasi::Errno> {
    let mut buf = vec![0u8; n];
    let got = unsafe { wasi::fd_read(fd, &[wasi::Iovec { buf: buf.as_mut_ptr(), buf_len: n }])? };
    Ok(String::from_utf8_lossy(&buf[..got]).into_owned())
}

/// The file type name of a path (no follow), or the errno.
pub fn kind(dir: wasi::Fd, path: &str) -> String {
    match unsafe { wasi::path_filestat_get(dir, 0, path) } {
        Ok(st) => st.filetype.name().to_string(),
        Err(e) => e.name().to_string(),
    }
}

/// The preopened directories, by descriptor, as `fd_prestat_*` report them.
pub fn preopens() -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for fd in 3.. {
        let mut prestat = [0u8; 8];
        if unsafe { raw::fd_prestat_get(fd, prestat.as_mut_ptr()) } != 0 {
            break;
        }
        let len = u32::from_le_bytes([prestat[4], prestat[5], prestat[6], prestat[7]]);
        let mut name = vec![0u8; len as usize];
        let errno = unsafe { raw::fd_prestat_dir_name(fd, name.as_mut_ptr(), len) };
        assert_eq!(errno, 0);
        out.push((fd, String::from_utf8_lossy(&name).into_owned()));
    }
    out
}
