//! `wasi:sockets`: present, with the errors of a host that has no network
//! (as preview1's `sock_*` answer). No socket can be made, so a method of
//! one can only be called with a handle the guest does not hold: the
//! canonical ABI traps on that before it gets here.

use browser_wasi_component::value::Val;

use super::{trap, Cx, HostResult};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fn {
    /// `instance-network`: the one network resource, which permits nothing.
    InstanceNetwork,
    /// `create-tcp-socket`, `create-udp-socket`, `resolve-addresses`:
    /// `error-code.access-denied`.
    Refused,
    /// A method of a socket, a network or a resolve stream.
    Method,
}

pub fn bind(interface: &str, func: &str) -> Option<Fn> {
    if !interface.starts_with("wasi:sockets/") {
        return None;
    }
    Some(match func {
        "instance-network" => Fn::InstanceNetwork,
        "create-tcp-socket" | "create-udp-socket" | "resolve-addresses" => Fn::Refused,
        f if f.starts_with("[method]") => Fn::Method,
        _ => return None,
    })
}

pub fn call(_cx: &mut Cx, f: Fn, _args: &[Val]) -> HostResult {
    match f {
        // One network, rep 0: every use of it is refused below.
        Fn::InstanceNetwork => Ok(Some(Val::Own(0))),
        // `error-code`'s first case: access-denied.
        Fn::Refused => Ok(Some(Val::err(Some(Val::Case(1, None))))),
        Fn::Method => trap("a socket method was called, but no socket exists"),
    }
}
