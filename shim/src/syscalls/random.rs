//! `random_get`.

use super::{Env, SysResult};
use crate::memory::GuestMemory;

/// The most bytes asked of the host at once (the browser's
/// `getRandomValues` limit).
const CHUNK: u32 = 65536;

/// `random_get`: fills the guest buffer from the host's secure source,
/// 64 KiB at a time.
pub fn random_get(e: &mut Env, buf: u32, buf_len: u32) -> SysResult {
    e.mem.check(buf, u64::from(buf_len))?;
    let mut chunk = vec![0u8; buf_len.min(CHUNK) as usize];
    let mut done = 0u32;
    while done < buf_len {
        let n = (buf_len - done).min(CHUNK) as usize;
        e.ctx.host.fill_random(&mut chunk[..n])?;
        GuestMemory::write(&mut *e.mem, buf + done, &chunk[..n])?;
        done += n as u32;
    }
    Ok(())
}
