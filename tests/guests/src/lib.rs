//! Raw preview1 imports for fixtures that need calls `std` does not make.
#![allow(clippy::missing_safety_doc)]

#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    pub fn fd_prestat_get(fd: u32, buf: *mut u8) -> u16;
    pub fn fd_prestat_dir_name(fd: u32, path: *mut u8, len: u32) -> u16;
    pub fn clock_time_get(id: u32, precision: u64, time: *mut u64) -> u16;
    pub fn clock_res_get(id: u32, res: *mut u64) -> u16;
    pub fn random_get(buf: *mut u8, len: u32) -> u16;
    pub fn fd_fdstat_get(fd: u32, buf: *mut u8) -> u16;
}

/// The preopened directories, by descriptor, as `fd_prestat_*` report them.
pub fn preopens() -> Vec<(u32, String)> {
    let mut out = Vec::new();
    for fd in 3.. {
        let mut prestat = [0u8; 8];
        if unsafe { fd_prestat_get(fd, prestat.as_mut_ptr()) } != 0 {
            break;
        }
        let len = u32::from_le_bytes([prestat[4], prestat[5], prestat[6], prestat[7]]);
        let mut name = vec![0u8; len as usize];
        let errno = unsafe { fd_prestat_dir_name(fd, name.as_mut_ptr(), len) };
        assert_eq!(errno, 0);
        out.push((fd, String::from_utf8_lossy(&name).into_owned()));
    }
    out
}
