//! `clock_res_get` and `clock_time_get`.

use super::{Env, SysResult};
use crate::abi::ClockId;

/// Reads a clock (realtime, or the monotonic one for the others).
pub(crate) fn now(e: &Env, id: ClockId) -> u64 {
    match id {
        ClockId::Realtime => e.ctx.host.realtime_ns(),
        _ => e.ctx.host.monotonic_ns(),
    }
}

/// The CPU-time clocks have no source in a browser; wasmtime refuses them
/// with `EBADF` too.
fn clock(raw: u32) -> Result<ClockId, crate::abi::Errno> {
    match ClockId::from_raw(raw)? {
        ClockId::ProcessCputime | ClockId::ThreadCputime => Err(crate::abi::Errno::Badf),
        id => Ok(id),
    }
}

/// `clock_res_get`.
pub fn clock_res_get(e: &mut Env, id: u32, resolution: u32) -> SysResult {
    let id = clock(id)?;
    let res = e.ctx.host.resolution_ns(id);
    e.mem.write_u64(resolution, res)?;
    Ok(())
}

/// `clock_time_get`; `precision` is only a hint.
pub fn clock_time_get(e: &mut Env, id: u32, _precision: u64, time: u32) -> SysResult {
    let t = now(e, clock(id)?);
    e.mem.write_u64(time, t)?;
    Ok(())
}
