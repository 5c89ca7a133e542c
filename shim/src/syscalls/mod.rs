//! The preview1 functions, platform-independent.
//!
//! Each function takes an [`Env`] (the run's state, the guest's memory and
//! the import module it was called through) and the raw wasm arguments, and
//! returns `Ok(())` or a [`Stop`]. Edges (the browser, the native test
//! runner) wire them up from the single list in [`for_each_syscall!`].

pub mod args;
pub mod clock;
pub mod fd;
pub mod path;
pub mod poll;
pub mod proc;
pub mod random;
pub mod sock;

use crate::abi::{Errno, Flavor};
use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;

/// Why a call did not simply succeed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Return this errno to the guest.
    Errno(Errno),
    /// The guest called `proc_exit` (or `proc_raise` ended it): unwind and
    /// end the run with this exit code.
    Exit(u32),
    /// The call cannot complete yet; an edge that can suspend the guest
    /// waits for this and calls again, one that cannot returns `EAGAIN`.
    Pending(Wait),
    /// The host failed while serving the call (an output listener threw):
    /// the run ends, as a fault of the host, not of the guest.
    Fault,
}

/// What a pending call waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// More stdin to arrive.
    Stdin,
    /// The monotonic clock to reach this many nanoseconds.
    Until(u64),
    /// The store of a preopen kept in one: what the call needs from it, or
    /// the changes it made, to be carried out (see [`crate::vfs::store`]).
    Store,
}

impl From<Errno> for Stop {
    fn from(e: Errno) -> Stop {
        Stop::Errno(e)
    }
}

impl From<crate::stdio::SinkError> for Stop {
    fn from(e: crate::stdio::SinkError) -> Stop {
        match e {
            crate::stdio::SinkError::Errno(e) => Stop::Errno(e),
            crate::stdio::SinkError::Fault => Stop::Fault,
        }
    }
}

impl From<core::num::TryFromIntError> for Stop {
    fn from(e: core::num::TryFromIntError) -> Stop {
        Stop::Errno(e.into())
    }
}

/// The result of a preview1 function.
pub type SysResult = Result<(), Stop>;

/// Everything one call sees.
pub struct Env<'a> {
    pub ctx: &'a mut WasiCtx,
    pub mem: &'a mut dyn GuestMemory,
    pub flavor: Flavor,
}

impl Env<'_> {
    /// The realtime clock, for timestamps.
    pub fn now(&self) -> u64 {
        self.ctx.host.realtime_ns()
    }
}

/// Runs one call, `f`, with the store in mind, when a preopen is kept in
/// one; edges call every syscall through this. A call that needs what the
/// store has not given yet is `Pending(Wait::Store)` (its changes were
/// none: it is made again once the edge has handed the need in). A call
/// that changed what the store keeps is `Pending(Wait::Store)` too, its
/// answer kept: the edge carries the changes out, then makes the call
/// again, which then answers at once (with the errno of a change the
/// store refused, if one did).
pub fn with_store(e: &mut Env, f: impl FnOnce(&mut Env) -> SysResult) -> SysResult {
    if let Some(r) = store_before(e.ctx) {
        return r;
    }
    let r = f(e);
    store_after(e.ctx, r)
}

/// The answer kept for a call whose changes were carried out, if any (the
/// first half of [`with_store`]).
fn store_before(ctx: &WasiCtx) -> Option<SysResult> {
    Some(ctx.vfs.store()?.take_deferred()?.map_err(Stop::Errno))
}

/// A call's result, or `Pending(Wait::Store)` when the store must be
/// served first (the second half of [`with_store`]).
fn store_after(ctx: &WasiCtx, r: SysResult) -> SysResult {
    let Some(store) = ctx.vfs.store() else { return r };
    if store.has_ops() {
        store.clear_need();
        match r {
            Ok(()) => store.defer(Ok(())),
            Err(Stop::Errno(errno)) => store.defer(Err(errno)),
            // The run ends: its changes are carried out with the rest.
            other => return other,
        }
        return Err(Stop::Pending(Wait::Store));
    }
    if store.has_need() {
        return Err(Stop::Pending(Wait::Store));
    }
    store.call_done();
    r
}

/// What an edge does once a call returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Return this errno to the guest (0 is success).
    Errno(u32),
    /// Suspend the guest until this has come, then call again.
    Wait(Wait),
    /// Unwind the guest and end the run with this exit code.
    Exit(u32),
    /// Unwind the guest and end the run: the host failed.
    Fault,
}

/// The one mapping from a call's result to what the edge does with it. A
/// pending call becomes `EAGAIN` where the edge cannot suspend the guest.
pub fn answer(r: SysResult, can_suspend: bool) -> Answer {
    match r {
        Ok(()) => Answer::Errno(0),
        Err(Stop::Errno(e)) => Answer::Errno(e as u32),
        Err(Stop::Pending(w)) if can_suspend => Answer::Wait(w),
        Err(Stop::Pending(_)) => Answer::Errno(Errno::Again as u32),
        Err(Stop::Exit(code)) => Answer::Exit(code),
        Err(Stop::Fault) => Answer::Fault,
    }
}

/// Invokes `$m! { name(param: type, ...) => path; ... }` with every
/// preview1 function. Parameter types are the wasm types as Rust sees them
/// (`u32` for `i32`, `u64` for `i64`); every function returns an errno as
/// `i32` except `proc_exit`, which returns nothing. `sock_accept` exists in
/// preview1 only.
#[macro_export]
macro_rules! for_each_syscall {
    ($m:ident) => {
        $m! {
            args_get(argv: u32, argv_buf: u32) => args::args_get;
            args_sizes_get(argc: u32, argv_buf_size: u32) => args::args_sizes_get;
            environ_get(environ: u32, environ_buf: u32) => args::environ_get;
            environ_sizes_get(count: u32, buf_size: u32) => args::environ_sizes_get;
            clock_res_get(id: u32, resolution: u32) => clock::clock_res_get;
            clock_time_get(id: u32, precision: u64, time: u32) => clock::clock_time_get;
            fd_advise(fd: u32, offset: u64, len: u64, advice: u32) => fd::fd_advise;
            fd_allocate(fd: u32, offset: u64, len: u64) => fd::fd_allocate;
            fd_close(fd: u32) => fd::fd_close;
            fd_datasync(fd: u32) => fd::fd_datasync;
            fd_fdstat_get(fd: u32, stat: u32) => fd::fd_fdstat_get;
            fd_fdstat_set_flags(fd: u32, flags: u32) => fd::fd_fdstat_set_flags;
            fd_fdstat_set_rights(fd: u32, base: u64, inheriting: u64) => fd::fd_fdstat_set_rights;
            fd_filestat_get(fd: u32, buf: u32) => fd::fd_filestat_get;
            fd_filestat_set_size(fd: u32, size: u64) => fd::fd_filestat_set_size;
            fd_filestat_set_times(fd: u32, atim: u64, mtim: u64, fst_flags: u32) => fd::fd_filestat_set_times;
            fd_pread(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nread: u32) => fd::fd_pread;
            fd_prestat_get(fd: u32, buf: u32) => fd::fd_prestat_get;
            fd_prestat_dir_name(fd: u32, path: u32, path_len: u32) => fd::fd_prestat_dir_name;
            fd_pwrite(fd: u32, iovs: u32, iovs_len: u32, offset: u64, nwritten: u32) => fd::fd_pwrite;
            fd_read(fd: u32, iovs: u32, iovs_len: u32, nread: u32) => fd::fd_read;
            fd_readdir(fd: u32, buf: u32, buf_len: u32, cookie: u64, bufused: u32) => fd::fd_readdir;
            fd_renumber(fd: u32, to: u32) => fd::fd_renumber;
            fd_seek(fd: u32, offset: u64, whence: u32, newoffset: u32) => fd::fd_seek;
            fd_sync(fd: u32) => fd::fd_sync;
            fd_tell(fd: u32, offset: u32) => fd::fd_tell;
            fd_write(fd: u32, iovs: u32, iovs_len: u32, nwritten: u32) => fd::fd_write;
            path_create_directory(fd: u32, path: u32, path_len: u32) => path::path_create_directory;
            path_filestat_get(fd: u32, flags: u32, path: u32, path_len: u32, buf: u32) => path::path_filestat_get;
            path_filestat_set_times(fd: u32, flags: u32, path: u32, path_len: u32, atim: u64, mtim: u64, fst_flags: u32) => path::path_filestat_set_times;
            path_link(old_fd: u32, old_flags: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32) => path::path_link;
            path_open(fd: u32, dirflags: u32, path: u32, path_len: u32, oflags: u32, rights_base: u64, rights_inheriting: u64, fdflags: u32, opened_fd: u32) => path::path_open;
            path_readlink(fd: u32, path: u32, path_len: u32, buf: u32, buf_len: u32, bufused: u32) => path::path_readlink;
            path_remove_directory(fd: u32, path: u32, path_len: u32) => path::path_remove_directory;
            path_rename(fd: u32, old_path: u32, old_path_len: u32, new_fd: u32, new_path: u32, new_path_len: u32) => path::path_rename;
            path_symlink(old_path: u32, old_path_len: u32, fd: u32, new_path: u32, new_path_len: u32) => path::path_symlink;
            path_unlink_file(fd: u32, path: u32, path_len: u32) => path::path_unlink_file;
            poll_oneoff(subscriptions: u32, events: u32, nsubscriptions: u32, nevents: u32) => poll::poll_oneoff;
            proc_raise(sig: u32) => proc::proc_raise;
            sched_yield() => proc::sched_yield;
            random_get(buf: u32, buf_len: u32) => random::random_get;
            sock_accept(fd: u32, flags: u32, fd_out: u32) => sock::sock_accept;
            sock_recv(fd: u32, ri_data: u32, ri_data_len: u32, ri_flags: u32, ro_datalen: u32, ro_flags: u32) => sock::sock_recv;
            sock_send(fd: u32, si_data: u32, si_data_len: u32, si_flags: u32, so_datalen: u32) => sock::sock_send;
            sock_shutdown(fd: u32, how: u32) => sock::sock_shutdown;
        }
    };
}

/// A wasm value type in an import signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValType {
    I32,
    I64,
}

/// The wasm signature of one import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Signature {
    pub name: &'static str,
    pub params: &'static [ValType],
    /// Every function returns an `i32` errno except `proc_exit`.
    pub returns_errno: bool,
}

#[doc(hidden)]
pub trait WasmTy {
    const TY: ValType;
}
impl WasmTy for u32 {
    const TY: ValType = ValType::I32;
}
impl WasmTy for u64 {
    const TY: ValType = ValType::I64;
}

macro_rules! signature_table {
    ($($name:ident($($p:ident: $t:ty),*) => $path:path;)*) => {
        /// Every function of `wasi_snapshot_preview1` with its signature.
        pub const SIGNATURES: &[Signature] = &[
            $(Signature { name: stringify!($name), params: &[$(<$t as WasmTy>::TY),*], returns_errno: true },)*
            Signature { name: "proc_exit", params: &[ValType::I32], returns_errno: false },
        ];
    };
}
for_each_syscall!(signature_table);

/// The import modules the shim provides.
pub const MODULES: [(&str, Flavor); 2] =
    [("wasi_snapshot_preview1", Flavor::Preview1), ("wasi_unstable", Flavor::Snapshot0)];

/// The signature of `name` in the import module of `flavor`, if the shim
/// provides it.
pub fn signature(flavor: Flavor, name: &str) -> Option<&'static Signature> {
    if flavor == Flavor::Snapshot0 && name == "sock_accept" {
        return None;
    }
    SIGNATURES.iter().find(|s| s.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preview1_function_has_a_signature() {
        assert_eq!(SIGNATURES.len(), 46);
        let open = signature(Flavor::Preview1, "path_open").unwrap();
        assert_eq!(open.params.len(), 9);
        assert_eq!(open.params[5], ValType::I64);
        assert!(signature(Flavor::Snapshot0, "sock_accept").is_none());
        assert!(!signature(Flavor::Preview1, "proc_exit").unwrap().returns_errno);
    }
}
