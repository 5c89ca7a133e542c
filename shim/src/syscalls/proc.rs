//! `proc_exit`, `proc_raise` and `sched_yield`.

use super::{Env, Stop, SysResult};
use crate::abi::Errno;

/// `proc_exit`: ends the run with `code`. The edge unwinds the guest.
pub fn proc_exit(code: u32) -> Stop {
    Stop::Exit(code)
}

/// `proc_raise`: there are no signals; `ENOTSUP`, as in wasmtime.
pub fn proc_raise(_e: &mut Env, _sig: u32) -> SysResult {
    Err(Errno::Notsup.into())
}

/// `sched_yield`: there is nothing to yield to; success, as in wasmtime.
pub fn sched_yield(_e: &mut Env) -> SysResult {
    Ok(())
}
