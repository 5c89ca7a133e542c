//! The preview2 (`wasm32-wasip2`, `wasi:cli/command`) host functions, on
//! the same core as preview1: each is carried out by the preview1 functions
//! of [`crate::syscalls`] on the run's one [`WasiCtx`] — its descriptor
//! table, filesystem, limits and streams — so both worlds share every rule
//! (how wasmtime shares one core between them; there preview1 sits on
//! preview2, here the other way round, preview1 being the core that
//! exists).
//!
//! A preview1 function reads its arguments from guest memory; here that
//! memory is a [`Scratch`] buffer of the host's, so nothing of the
//! component's own memory is touched but through the canonical ABI
//! (`browser-wasi-component`), which lifts the arguments and lowers the
//! results. Resources are numbers in tables of this module ([`Tables`]);
//! the component's handles for them are the canonical ABI's business.
//!
//! [`bind`] maps each function a component imports to a [`HostFn`], and
//! names those that have none, so that a component importing something
//! unknown is refused before it runs. Only the `wasi:cli/command` world's
//! interfaces are here; `wasi:sockets` is, with the errors a host without
//! a network gives.

mod cli;
mod filesystem;
mod io;
mod scratch;
mod sockets;

use std::collections::BTreeMap;

use browser_wasi_component::plan::{unversioned, Plan};
use browser_wasi_component::types::ResourceType;
use browser_wasi_component::value::Val;

use crate::ctx::WasiCtx;
use crate::syscalls::Stop;

pub use scratch::Scratch;

/// Why a host function did not return.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostStop {
    /// What preview1 would do: exit, wait, fail as the host.
    Stop(Stop),
    /// The guest broke a rule (a handle of the wrong kind); the run traps.
    Trap(String),
}

impl From<Stop> for HostStop {
    fn from(s: Stop) -> HostStop {
        HostStop::Stop(s)
    }
}

/// What a host function gives back.
pub type HostResult = Result<Option<Val>, HostStop>;

pub(crate) fn trap<T>(msg: impl Into<String>) -> Result<T, HostStop> {
    Err(HostStop::Trap(msg.into()))
}

/// A host function, as bound to an import.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostFn {
    Cli(cli::Fn),
    Io(io::Fn),
    Fs(filesystem::Fn),
    Sockets(sockets::Fn),
}

impl HostFn {
    /// Whether the function may wait (for the clock or stdin): where the
    /// edge can suspend the guest, it answers `Pending` and is called again.
    pub fn may_wait(self) -> bool {
        matches!(
            self,
            HostFn::Io(
                io::Fn::PollableBlock
                    | io::Fn::Poll
                    | io::Fn::Read { blocking: true }
                    | io::Fn::Skip { blocking: true }
                    | io::Fn::Splice { blocking: true }
            )
        )
    }
}

/// The resources this host implements, as [`Tables`] keeps them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResourceKind {
    Pollable,
    Error,
    InputStream,
    OutputStream,
    TerminalInput,
    TerminalOutput,
    Descriptor,
    DirectoryEntryStream,
    /// A socket resource: none can be made (no network), so none is held.
    Socket,
}

fn resource_kind(interface: &str, name: &str) -> Option<ResourceKind> {
    Some(match (unversioned(interface), name) {
        ("wasi:io/poll", "pollable") => ResourceKind::Pollable,
        ("wasi:io/error", "error") => ResourceKind::Error,
        ("wasi:io/streams", "input-stream") => ResourceKind::InputStream,
        ("wasi:io/streams", "output-stream") => ResourceKind::OutputStream,
        ("wasi:cli/terminal-input", "terminal-input") => ResourceKind::TerminalInput,
        ("wasi:cli/terminal-output", "terminal-output") => ResourceKind::TerminalOutput,
        ("wasi:filesystem/types", "descriptor") => ResourceKind::Descriptor,
        ("wasi:filesystem/types", "directory-entry-stream") => ResourceKind::DirectoryEntryStream,
        (i, _) if i.starts_with("wasi:sockets/") => ResourceKind::Socket,
        _ => return None,
    })
}

/// The host function for `func` of the imported instance `interface`
/// (with or without its version).
pub fn host_fn(interface: &str, func: &str) -> Option<HostFn> {
    let i = unversioned(interface);
    cli::bind(i, func)
        .map(HostFn::Cli)
        .or_else(|| io::bind(i, func).map(HostFn::Io))
        .or_else(|| filesystem::bind(i, func).map(HostFn::Fs))
        .or_else(|| sockets::bind(i, func).map(HostFn::Sockets))
}

/// A component's imports, bound: a host function for each lowered import
/// (by [`Plan::lowered`] index) and the kind of each resource type.
#[derive(Clone, Debug)]
pub struct Bindings {
    pub funcs: Vec<HostFn>,
    pub resources: Vec<Option<ResourceKind>>,
}

/// Binds what `plan` imports, or names every import (`interface#func`)
/// this host has nothing for.
pub fn bind(plan: &Plan) -> Result<Bindings, Vec<String>> {
    let mut missing = Vec::new();
    let mut funcs = Vec::new();
    for l in &plan.lowered {
        match host_fn(&l.interface, &l.func) {
            Some(f) => funcs.push(f),
            None => missing.push(format!("{}#{}", l.interface, l.func)),
        }
    }
    let resources = plan.resources.iter().map(|r| resource_kind(&r.interface, &r.name)).collect();
    if missing.is_empty() {
        Ok(Bindings { funcs, resources })
    } else {
        Err(missing)
    }
}

/// A resource table: reps are indices, reused after a drop.
#[derive(Debug)]
pub struct Table<T> {
    slots: Vec<Option<T>>,
    free: Vec<u32>,
}

impl<T> Default for Table<T> {
    fn default() -> Self {
        Table { slots: Vec::new(), free: Vec::new() }
    }
}

/// Entries a table holds at most (the guest's handle table is bounded
/// too; this keeps a host table from growing where a guest never drops).
const MAX_ENTRIES: usize = 1 << 20;

impl<T> Table<T> {
    fn push(&mut self, v: T) -> Result<u32, HostStop> {
        if let Some(i) = self.free.pop() {
            self.slots[i as usize] = Some(v);
            return Ok(i);
        }
        if self.slots.len() >= MAX_ENTRIES {
            return trap(format!("the guest holds {MAX_ENTRIES} host resources of one kind"));
        }
        self.slots.push(Some(v));
        Ok(self.slots.len() as u32 - 1)
    }

    fn get(&self, rep: u32) -> Result<&T, HostStop> {
        match self.slots.get(rep as usize) {
            Some(Some(v)) => Ok(v),
            _ => trap(format!("resource {rep} does not exist")),
        }
    }

    fn get_mut(&mut self, rep: u32) -> Result<&mut T, HostStop> {
        match self.slots.get_mut(rep as usize) {
            Some(Some(v)) => Ok(v),
            _ => trap(format!("resource {rep} does not exist")),
        }
    }

    fn remove(&mut self, rep: u32) -> Result<T, HostStop> {
        match self.slots.get_mut(rep as usize).and_then(Option::take) {
            Some(v) => {
                self.free.push(rep);
                Ok(v)
            }
            None => trap(format!("resource {rep} does not exist")),
        }
    }
}

/// The host's resources of one component run.
#[derive(Debug, Default)]
pub struct Tables {
    pub(crate) pollables: Table<io::Pollable>,
    pub(crate) errors: Table<io::IoError>,
    pub(crate) inputs: Table<io::Input>,
    pub(crate) outputs: Table<io::Output>,
    pub(crate) descriptors: Table<filesystem::Desc>,
    pub(crate) dir_streams: Table<filesystem::DirStream>,
    /// The streams (input, output, directory entries) each fd has open,
    /// and whether its descriptor was dropped meanwhile: it is closed when
    /// the last such stream is. Counted, so a drop costs no scan of the
    /// tables.
    pub(crate) fd_streams: BTreeMap<u32, FdStreams>,
}

/// What [`Tables::fd_streams`] keeps of one fd.
#[derive(Debug, Default)]
pub(crate) struct FdStreams {
    streams: u32,
    closing: bool,
}

impl Tables {
    /// A stream of `fd` was made.
    pub(crate) fn hold(&mut self, fd: u32) {
        self.fd_streams.entry(fd).or_default().streams += 1;
    }

    /// A stream of `fd` was dropped: whether `fd` is to be closed now (its
    /// descriptor went first and this was its last stream).
    pub(crate) fn release(&mut self, fd: u32) -> bool {
        let Some(u) = self.fd_streams.get_mut(&fd) else { return false };
        u.streams = u.streams.saturating_sub(1);
        if u.streams > 0 {
            return false;
        }
        self.fd_streams.remove(&fd).is_some_and(|u| u.closing)
    }

    /// `fd`'s descriptor was dropped: whether to close it now (no stream
    /// has it open), else it is closed with its last stream.
    pub(crate) fn close_when_unused(&mut self, fd: u32) -> bool {
        match self.fd_streams.get_mut(&fd) {
            Some(u) => {
                u.closing = true;
                false
            }
            None => true,
        }
    }
}

/// A component run's preview2 state beside its [`WasiCtx`].
#[derive(Debug, Default)]
pub struct Preview2 {
    pub tables: Tables,
    pub scratch: Scratch,
    /// Stdin read to answer whether a stdin pollable is ready, and not
    /// yet read by the guest.
    pub(crate) stdin_peek: Option<Vec<u8>>,
}

impl Preview2 {
    /// A fresh state.
    pub fn new() -> Self {
        Preview2::default()
    }

    /// Calls host function `f` with the arguments the guest passed (lifted).
    pub fn call(&mut self, ctx: &mut WasiCtx, f: HostFn, args: &[Val]) -> HostResult {
        let mut cx = Cx { ctx, p2: self };
        match f {
            HostFn::Cli(f) => cli::call(&mut cx, f, args),
            HostFn::Io(f) => io::call(&mut cx, f, args),
            HostFn::Fs(f) => filesystem::call(&mut cx, f, args),
            HostFn::Sockets(f) => sockets::call(&mut cx, f, args),
        }
    }

    /// `resource.drop` of an own handle: the guest let go of `rep`.
    pub fn drop_resource(&mut self, ctx: &mut WasiCtx, kind: ResourceKind, rep: u32) -> Result<(), HostStop> {
        let mut cx = Cx { ctx, p2: self };
        match kind {
            ResourceKind::Pollable => cx.p2.tables.pollables.remove(rep).map(drop),
            ResourceKind::Error => cx.p2.tables.errors.remove(rep).map(drop),
            ResourceKind::InputStream => {
                let s = cx.p2.tables.inputs.remove(rep)?;
                io::release(&mut cx, s.fd())
            }
            ResourceKind::OutputStream => {
                let s = cx.p2.tables.outputs.remove(rep)?;
                io::release(&mut cx, s.fd())
            }
            ResourceKind::TerminalInput | ResourceKind::TerminalOutput => Ok(()),
            ResourceKind::Descriptor => filesystem::drop_descriptor(&mut cx, rep),
            ResourceKind::DirectoryEntryStream => {
                let s = cx.p2.tables.dir_streams.remove(rep)?;
                io::release(&mut cx, Some(s.fd))
            }
            ResourceKind::Socket => trap("no socket exists to drop"),
        }
    }

    /// The resource kind of resource type `rt`, as bound.
    pub fn kind(bindings: &Bindings, rt: ResourceType) -> Option<ResourceKind> {
        bindings.resources.get(rt as usize).copied().flatten()
    }
}

/// What a host function works with.
pub(crate) struct Cx<'a> {
    pub ctx: &'a mut WasiCtx,
    pub p2: &'a mut Preview2,
}

// ---- reading arguments ----

pub(crate) fn arg(args: &[Val], i: usize) -> Result<&Val, HostStop> {
    args.get(i).map_or_else(|| trap(format!("argument {i} is missing")), Ok)
}

pub(crate) fn u32_arg(args: &[Val], i: usize) -> Result<u32, HostStop> {
    match arg(args, i)? {
        Val::U32(v) => Ok(*v),
        v => trap(format!("argument {i} is {v:?}, not a u32")),
    }
}

pub(crate) fn u64_arg(args: &[Val], i: usize) -> Result<u64, HostStop> {
    match arg(args, i)? {
        Val::U64(v) => Ok(*v),
        v => trap(format!("argument {i} is {v:?}, not a u64")),
    }
}

pub(crate) fn borrow_arg(args: &[Val], i: usize) -> Result<u32, HostStop> {
    match arg(args, i)? {
        Val::Borrow(rep) | Val::Own(rep) => Ok(*rep),
        v => trap(format!("argument {i} is {v:?}, not a resource")),
    }
}

pub(crate) fn str_arg(args: &[Val], i: usize) -> Result<&str, HostStop> {
    match arg(args, i)? {
        Val::String(s) => Ok(s),
        v => trap(format!("argument {i} is {v:?}, not a string")),
    }
}

pub(crate) fn bytes_arg(args: &[Val], i: usize) -> Result<&[u8], HostStop> {
    match arg(args, i)? {
        Val::Bytes(b) => Ok(b),
        v => trap(format!("argument {i} is {v:?}, not a list<u8>")),
    }
}

/// Flags, as the bits of their first word.
pub(crate) fn flags_arg(args: &[Val], i: usize) -> Result<u32, HostStop> {
    match arg(args, i)? {
        Val::Flags(w) => Ok(w.first().copied().unwrap_or(0)),
        v => trap(format!("argument {i} is {v:?}, not flags")),
    }
}

/// A case (variant, enum): its index and payload.
pub(crate) fn case_arg(args: &[Val], i: usize) -> Result<(u32, Option<&Val>), HostStop> {
    match arg(args, i)? {
        Val::Case(c, p) => Ok((*c, p.as_deref())),
        v => trap(format!("argument {i} is {v:?}, not a case")),
    }
}
