//! `random_get`.

use super::{Env, SysResult};

/// Bytes filled per round: the browser's `getRandomValues` limit.
const CHUNK: usize = 65536;

/// `random_get`: fills the guest buffer from the host's secure source.
pub fn random_get(e: &mut Env, buf: u32, buf_len: u32) -> SysResult {
    e.mem.check(buf, u64::from(buf_len))?;
    let mut chunk = vec![0u8; (buf_len as usize).min(CHUNK)];
    let mut done = 0u32;
    while done < buf_len {
        let n = ((buf_len - done) as usize).min(CHUNK);
        e.ctx.host.fill_random(&mut chunk[..n])?;
        e.mem.write(buf + done, &chunk[..n])?;
        done += n as u32;
    }
    Ok(())
}
