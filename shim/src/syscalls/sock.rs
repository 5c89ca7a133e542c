//! The `sock_*` functions. The browser host has no sockets, so no
//! descriptor is ever a socket: open descriptors give `ENOTSOCK`, closed
//! ones `EBADF`, as in wasmtime for non-socket descriptors.

use super::{Env, SysResult};
use crate::abi::Errno;

fn not_a_socket(e: &Env, fd: u32) -> SysResult {
    e.ctx.fds.get(fd)?;
    Err(Errno::Notsock.into())
}

/// `sock_accept`.
pub fn sock_accept(e: &mut Env, fd: u32, _flags: u32, _fd_out: u32) -> SysResult {
    not_a_socket(e, fd)
}

/// `sock_recv`.
pub fn sock_recv(e: &mut Env, fd: u32, _d: u32, _l: u32, _f: u32, _n: u32, _of: u32) -> SysResult {
    not_a_socket(e, fd)
}

/// `sock_send`.
pub fn sock_send(e: &mut Env, fd: u32, _d: u32, _l: u32, _f: u32, _n: u32) -> SysResult {
    not_a_socket(e, fd)
}

/// `sock_shutdown`.
pub fn sock_shutdown(e: &mut Env, fd: u32, _how: u32) -> SysResult {
    not_a_socket(e, fd)
}
