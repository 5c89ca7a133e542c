//! `random_get`.

use super::{Env, SysResult};

/// `random_get`: fills the guest buffer from the host's secure source.
pub fn random_get(e: &mut Env, buf: u32, buf_len: u32) -> SysResult {
    e.mem.fill_random(buf, buf_len, &mut *e.ctx.host)?;
    Ok(())
}
