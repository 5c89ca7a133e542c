//! [`Wasi`]: one guest's WASI at the edge, as node:wasi's `WASI` offers it:
//! its state, the import object an instance the caller made links against,
//! and the calls that start it (`start`, `initialize`, `start_async`). The
//! run functions (`run.rs`) are built on it, and so is the JavaScript
//! `WASI` class (`js/wasi_class.rs`).

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::api::{RunError, RunOptions, RunOutput, Termination};
use super::capture::{take_captured, Captured, JsCapture};
use super::dispatch::{
    import_object, serve_store, set_modes, Borrowed, Ended, QueueInput, Shared, State, StdinQueue, StoreEdge,
};
use super::error_message;
use super::guest_memory::JsMemory;
use super::host::BrowserHost;
use crate::config::{ConfigError, WasiConfig};
use crate::ctx::WasiCtx;
use crate::filesystem::FsView;
use crate::stdio::Output;
use crate::vfs::StoreAbilities;

#[wasm_bindgen(module = "/js/imports.js")]
extern "C" {
    /// Whether a module imports `poll_oneoff`.
    fn may_wait(module: &WebAssembly::Module) -> bool;
    /// `WebAssembly.promising(f)`.
    fn promising(f: &Function) -> Function;
    /// The shim's stack pointer, if the shim exports it (-1 if not).
    fn shim_stack_pointer(raw: &JsValue) -> f64;
    /// Sets the shim's stack pointer back.
    fn set_shim_stack_pointer(raw: &JsValue, value: f64);
    /// Calls `dispatcher.stop()` when `signal` aborts; returns the function
    /// that stops watching.
    fn watch_abort(signal: &web_sys::AbortSignal, dispatcher: &JsValue) -> Function;
    /// Whether directory handles can be moved.
    fn can_move_directories() -> bool;
}

/// Watches a run's signal while the run's dispatchers live: stops
/// watching when dropped, with the [`Wasi`] that holds it.
struct AbortWatch(Function);

impl Drop for AbortWatch {
    fn drop(&mut self) {
        let _ = self.0.call0(&JsValue::UNDEFINED);
    }
}

/// Which WASI a guest imports: `wasi_snapshot_preview1` (preview1) or
/// `wasi_unstable` (snapshot 0), as node:wasi's `version` option says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum WasiVersion {
    #[default]
    Preview1,
    Unstable,
}

impl WasiVersion {
    /// The import module's name.
    pub fn module(self) -> &'static str {
        match self {
            WasiVersion::Preview1 => "wasi_snapshot_preview1",
            WasiVersion::Unstable => "wasi_unstable",
        }
    }
}

/// Why `start`, `initialize` or `start_async` did not run the guest to
/// its end; the JS class throws these as node:wasi names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WasiError {
    /// `start`/`initialize` was called before (node's
    /// `ERR_WASI_ALREADY_STARTED`).
    AlreadyStarted,
    /// The instance lacks what the call needs, or has what it must not:
    /// `start` needs `_start`, `initialize` refuses it, both need a memory
    /// (node's `ERR_INVALID_ARG_TYPE`).
    InvalidInstance(String),
    /// Interactive stdin was given, but this call cannot wait for it.
    NeedsAsync,
    /// The guest called `proc_exit` and the object was made with
    /// `returnOnExit: false`.
    Exit(u32),
    /// The guest trapped, with the browser's message.
    Trap(String),
    /// The host failed (an output listener threw).
    Fault(String),
    /// The run was stopped by its signal (the Rust `Wasi`'s options).
    Stopped,
}

impl std::fmt::Display for WasiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WasiError::AlreadyStarted => write!(f, "WASI instance has already started"),
            WasiError::InvalidInstance(m) => write!(f, "{m}"),
            WasiError::NeedsAsync => write!(
                f,
                "stdin is a function, or a preopen is a directory handle: only startAsync can wait for those (a reactor cannot use a handle yet)"
            ),
            WasiError::Exit(code) => write!(f, "the program exited with code {code}"),
            WasiError::Trap(m) => write!(f, "{m}"),
            WasiError::Fault(m) => write!(f, "{m}"),
            WasiError::Stopped => write!(f, "the run was stopped"),
        }
    }
}

impl std::error::Error for WasiError {}

/// How a guest's calls reach its state.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// Through the import object, on this thread. With `jspi` the calls
    /// that may wait can suspend the guest; `switchable`: one import object
    /// for both a plain `start` and a suspending `start_async` (the WASI
    /// object's case).
    Direct { jspi: bool, switchable: bool },
    /// From a threads program's workers, through the kernel.
    Kernel,
}

/// One guest's WASI: its state and import object, kept between calls into
/// the guest (a reactor's exports may be called any number of times).
pub struct Wasi {
    shared: Rc<Shared>,
    imports: Object,
    /// The dispatchers and adapter instances, given back at the end.
    borrowed: Borrowed,
    /// The switches' mode globals (empty unless switchable under JSPI).
    modes: JsValue,
    /// The calls that may wait can suspend the guest (JSPI).
    jspi: bool,
    /// Stdin is fed interactively.
    interactive: bool,
    /// Where stdout and stderr are captured.
    captures: [JsValue; 2],
    version: WasiVersion,
    return_on_exit: bool,
    started: std::cell::Cell<bool>,
    _abort_watch: Option<AbortWatch>,
    /// What [`Wasi::write_back`] said at the end of `start_async`.
    store_error: RefCell<Option<String>>,
}

impl Wasi {
    /// Sets up the state and import object. With `jspi` the calls that may
    /// wait are wrapped so that they can suspend the guest; whether a run
    /// actually may suspend is decided once the module is known
    /// ([`Session::decide_suspending`]).
    pub(crate) fn with_jspi(config: WasiConfig, options: RunOptions, jspi: bool) -> Result<Wasi, RunError> {
        Wasi::make(config, options, Edge::Direct { jspi, switchable: false })
    }

    /// The state a threads program's kernel serves (`threads.rs`): its
    /// guest runs in workers that block while a call waits, so every call
    /// that must wait answers `PENDING` here and the kernel waits without
    /// blocking (JSPI is not needed, interactive stdin works without it).
    pub(crate) fn for_kernel(config: WasiConfig, options: RunOptions) -> Result<Wasi, RunError> {
        Wasi::make(config, options, Edge::Kernel)
    }

    /// The dispatchers, one per import module in `syscalls::MODULES` order.
    pub(crate) fn dispatchers(&self) -> &[JsValue] {
        self.borrowed.dispatchers()
    }

    fn make(config: WasiConfig, options: RunOptions, edge: Edge) -> Result<Wasi, RunError> {
        let (jspi, switchable) = match edge {
            Edge::Direct { jspi, switchable } => (jspi, switchable),
            Edge::Kernel => (false, false),
        };
        if options.stdin.is_some() && edge != Edge::Kernel && !jspi {
            return Err(ConfigError::InteractiveStdinNeedsJspi.into());
        }
        let in_store = config.preopens.iter().filter(|p| p.in_store).count();
        let handles = options.directory_handles;
        if in_store != handles.len() {
            return Err(
                ConfigError::DirectoryHandlesMismatch { preopens: in_store, handles: handles.len() }.into()
            );
        }
        match edge {
            _ if in_store == 0 => {}
            Edge::Kernel => return Err(ConfigError::DirectoryHandlesWithThreads.into()),
            Edge::Direct { jspi: false, .. } => return Err(ConfigError::DirectoryHandlesNeedJspi.into()),
            Edge::Direct { .. } => {}
        }
        let mut config = config;
        config.store_abilities = StoreAbilities { move_dirs: can_move_directories() };
        let limits = config.limits;
        let mut ctx = WasiCtx::new(config, Box::new(BrowserHost))?;
        // Each store root's key → its handle, for store.js.
        let store = (in_store > 0).then(|| {
            let map = js_sys::Map::new();
            let mut handles = handles.iter();
            for (_, root) in &ctx.preopens {
                match ctx.vfs.get(*root) {
                    Ok(i) if i.store != 0 => {
                        map.set(&i.store.into(), handles.next().unwrap_or(&JsValue::NULL));
                    }
                    _ => {}
                }
            }
            StoreEdge { handles: map, dispatcher: JsValue::NULL }
        });
        // Output is captured in JS arrays, straight from the guest's memory.
        let stdout = JsCapture::new(options.on_stdout, limits.stdout_bytes);
        let stderr = JsCapture::new(options.on_stderr, limits.stderr_bytes);
        let captures = [stdout.handle(), stderr.handle()];
        ctx.stdout = Output { listener: Some(Box::new(stdout)), ..Output::default() };
        ctx.stderr = Output { listener: Some(Box::new(stderr)), ..Output::default() };
        ctx.can_suspend = jspi || edge == Edge::Kernel;
        let interactive = options.stdin.is_some();
        let queue = Rc::new(RefCell::new(StdinQueue::default()));
        if interactive {
            ctx.stdin = Box::new(QueueInput(queue.clone()));
        }
        let memory_holder = Object::new();
        let _ = Reflect::set(&memory_holder, &"c".into(), &JsValue::NULL);
        let shared = Rc::new(Shared::new(State {
            ctx,
            mem: JsMemory::none(),
            ended: None,
            pending: None,
            stdin_feed: options.stdin,
            stdin_queue: queue,
            memory_holder,
            captures: captures.clone(),
            signal: options.signal.clone(),
            store,
        }));
        let (imports, borrowed, modes) =
            import_object(&shared, switchable).map_err(|e| RunError::Instantiate(error_message(&e)))?;
        // The dispatchers share one state: stopping one stops the run.
        let abort_watch = options
            .signal
            .as_ref()
            .zip(borrowed.dispatchers().first())
            .map(|(signal, dispatcher)| AbortWatch(watch_abort(signal, dispatcher)));
        Ok(Wasi {
            shared,
            imports,
            borrowed,
            modes,
            jspi,
            interactive,
            captures,
            version: WasiVersion::Preview1,
            return_on_exit: true,
            started: std::cell::Cell::new(false),
            _abort_watch: abort_watch,
            store_error: RefCell::default(),
        })
    }

    /// The import object to instantiate the guest with.
    pub(crate) fn imports(&self) -> &Object {
        &self.imports
    }

    /// Decides from the module whether its calls may suspend: with JSPI,
    /// when stdin is interactive or it imports `poll_oneoff` (a guest that
    /// cannot wait runs as a plain call, which is cheaper).
    pub(crate) fn decide_suspending(&self, module: &WebAssembly::Module) {
        let suspends = self.jspi && (self.interactive || self.has_store() || may_wait(module));
        self.shared.with(|s| s.ctx.can_suspend = suspends);
    }

    /// A preopen is kept in a directory handle.
    fn has_store(&self) -> bool {
        self.shared.with(|s| s.store.is_some()).unwrap_or(false)
    }

    /// Writes back to the directory handles what the guest left unsynced
    /// (once its entry point is over, however it ended), so that they hold
    /// its final tree. Why they refused, if they did (a full quota).
    pub(crate) async fn write_back(&self) -> Option<String> {
        let store = self.shared.with(|s| {
            let store = s.ctx.vfs.store().cloned();
            s.ctx.vfs.sync_all();
            store
        })??;
        if !store.has_ops() {
            return None;
        }
        // A deferred answer collects the first failure of the changes.
        store.defer(Ok(()));
        let served = serve_store(&self.shared).await;
        match (served, store.take_deferred()) {
            (Err(e), _) => Some(error_message(&e)),
            (_, Some(Err(errno))) => Some(errno.to_string()),
            _ => None,
        }
    }

    /// Gives the guest's memory to the run.
    pub(crate) fn attach_memory(&self, memory: &WebAssembly::Memory) {
        self.shared.with(|st| {
            st.mem = JsMemory::new(memory);
            // The JS-side imports (random_get) see the memory through this.
            let _ = Reflect::set(&st.memory_holder, &"c".into(), st.mem.view().unwrap_or(&JsValue::NULL));
        });
    }

    /// Gives the run an instance's exported `memory`, if it has one.
    pub(crate) fn attach_instance_memory(&self, instance: &WebAssembly::Instance) -> bool {
        let mem = Reflect::get(&instance.exports(), &"memory".into()).ok();
        match mem.and_then(|m| m.dyn_into::<WebAssembly::Memory>().ok()) {
            Some(m) => {
                self.attach_memory(&m);
                true
            }
            None => false,
        }
    }

    /// Calls an export of the guest with no arguments (an entry point): as
    /// a promise under JSPI when the run may suspend. Returns how the call
    /// ended, by `proc_exit`, a fault, a trap or a return.
    pub(crate) async fn call_entry(&self, entry: &Function) -> Result<JsValue, JsValue> {
        let raw = wasm_bindgen::exports();
        let sp = shim_stack_pointer(&raw);
        let suspends = self.shared.with(|s| s.ctx.can_suspend).unwrap_or(false);
        let outcome = if suspends {
            match promising(entry).call0(&JsValue::UNDEFINED) {
                Ok(promise) => JsFuture::from(js_sys::Promise::from(promise)).await,
                Err(e) => Err(e),
            }
        } else {
            entry.call0(&JsValue::UNDEFINED)
        };
        if self.shared.recover() && sp >= 0.0 {
            // A call was cut short inside the shim: its frames never popped
            // the shim's stack.
            set_shim_stack_pointer(&raw, sp);
        }
        outcome
    }

    /// How a call into the guest ended, as a run's termination.
    pub(crate) fn termination(&self, outcome: Result<JsValue, JsValue>) -> Termination {
        let ended = self.shared.with(|s| s.ended.clone()).flatten();
        match (ended, outcome) {
            (Some(Ended::Exit(code)), _) => Termination::Exit(code),
            (Some(Ended::Fault(thrown)), _) => Termination::Trap(format!(
                "browser-wasi: an output listener threw, so the run was ended: {}",
                error_message(&thrown)
            )),
            (Some(Ended::Stopped), _) => Termination::Stopped,
            (None, Ok(_)) => Termination::Exit(0),
            (None, Err(e)) if self.shared.recover() => Termination::Trap(format!(
                "{} (the engine stopped the program inside a WASI call; the files are as that call left them)",
                error_message(&e)
            )),
            (None, Err(e)) => Termination::Trap(error_message(&e)),
        }
    }

    /// Ends the session: frees the dispatchers (the guest can no longer
    /// call them) and takes the run's output and files, with what [`Wasi::write_back`] said.
    pub(crate) fn finish_with(
        mut self,
        termination: Termination,
        store_error: Option<String>,
    ) -> Result<RunOutput, RunError> {
        // A dispatcher the engine cut short stays borrowed on the JS side
        // and cannot be freed: its adapters are retired, not pooled.
        let interrupted = self.shared.recover();
        self.borrowed.release(!interrupted);
        let state =
            self.shared.take().ok_or_else(|| RunError::Instantiate("the run is still in a call".into()))?;
        let (_, _, fs) = state.ctx.finish();
        let [stdout, stderr] = self.captures.each_ref().map(take_captured);
        Ok(RunOutput { termination, stdout, stderr, fs, threads: 0, store_error })
    }
}

/// A failed instantiation: a trap in the module's start function (or its
/// `proc_exit`) ends the run; anything else (a link error) is an error.
pub(crate) fn instantiate_failed(session: &Wasi, e: JsValue) -> Result<Termination, RunError> {
    session.shared.recover();
    let exited = session.shared.with(|s| s.ended.is_some()).unwrap_or(false);
    if exited || e.is_instance_of::<WebAssembly::RuntimeError>() {
        Ok(session.termination(Err(e)))
    } else {
        Err(RunError::Instantiate(error_message(&e)))
    }
}

/// The public face: what node:wasi's `WASI` does, for Rust callers.
impl Wasi {
    /// A WASI for one guest the caller instantiates: give it
    /// [`Wasi::import_object`], then [`Wasi::start`] a command or
    /// [`Wasi::initialize`] a reactor. `options` may stream output and feed
    /// stdin interactively (which needs [`Wasi::start_async`]).
    ///
    /// ```ignore
    /// let wasi = Wasi::new(WasiConfig::new().args(["prog"]), RunOptions::default())?;
    /// let instance = WebAssembly::Instance::new(&module, &wasi.import_object())?;
    /// let code = wasi.start(&instance)?;
    /// ```
    pub fn new(config: WasiConfig, options: RunOptions) -> Result<Wasi, RunError> {
        Wasi::make(config, options, Edge::Direct { jspi: super::run::jspi_available(), switchable: true })
    }

    /// Whether calls that wait suspend the guest (JSPI) or block.
    fn set_suspending(&self, suspending: bool) {
        let suspending = suspending && self.jspi;
        set_modes(&self.modes, suspending);
        self.shared.with(|s| s.ctx.can_suspend = suspending);
    }

    /// Which import module the guest links against (default preview1).
    pub fn set_version(&mut self, version: WasiVersion) {
        self.version = version;
    }

    /// Whether `start` returns the exit code of `proc_exit` (default, as
    /// node:wasi) or fails with [`WasiError::Exit`].
    pub fn set_return_on_exit(&mut self, return_on_exit: bool) {
        self.return_on_exit = return_on_exit;
    }

    /// The functions of the import module (node:wasi's `wasiImport`).
    pub fn wasi_import(&self) -> Object {
        Reflect::get(&self.imports, &self.version.module().into())
            .map(JsCast::unchecked_into)
            .unwrap_or_default()
    }

    /// `{ wasi_snapshot_preview1: wasiImport }` (or `wasi_unstable`), to
    /// spread into an import object with the guest's other imports.
    pub fn import_object(&self) -> Object {
        let o = Object::new();
        let _ = Reflect::set(&o, &self.version.module().into(), &self.wasi_import());
        o
    }

    /// Uses a memory the guest imports (rather than exports).
    pub fn use_memory(&self, memory: &WebAssembly::Memory) {
        self.attach_memory(memory);
    }

    /// Runs a command's `_start` and returns its exit code (0 when it
    /// returns). Calls that wait block the thread (`Atomics.wait` in an
    /// isolated worker, a spin elsewhere); for JSPI, [`Wasi::start_async`].
    pub fn start(&self, instance: &WebAssembly::Instance) -> Result<u32, WasiError> {
        if self.interactive || self.has_store() {
            return Err(WasiError::NeedsAsync);
        }
        let entry = self.begin(instance, true)?;
        self.set_suspending(false);
        let outcome = entry.call0(&JsValue::UNDEFINED);
        self.shared.recover();
        self.exit_code(outcome)
    }

    /// As [`Wasi::start`], but calls that wait (a sleep, interactive
    /// stdin) suspend the guest through JSPI and leave the event loop free.
    pub async fn start_async(&self, instance: &WebAssembly::Instance) -> Result<u32, WasiError> {
        let entry = self.begin(instance, true)?;
        self.set_suspending(true);
        let outcome = self.call_entry(&entry).await;
        *self.store_error.borrow_mut() = self.write_back().await;
        self.exit_code(outcome)
    }

    /// Initializes a reactor: runs its `_initialize` if it has one; its
    /// other exports may then be called any number of times, on this
    /// state (files written in one call are there in the next).
    pub fn initialize(&self, instance: &WebAssembly::Instance) -> Result<(), WasiError> {
        if self.has_store() {
            return Err(WasiError::NeedsAsync);
        }
        let init = self.begin(instance, false)?;
        self.set_suspending(false);
        let outcome = init.call0(&JsValue::UNDEFINED);
        self.shared.recover();
        self.exit_code(outcome).map(|_| ())
    }

    /// Checks and marks the start, attaches the memory and finds the entry
    /// point: `_start` for a command, `_initialize` (or nothing) for a
    /// reactor.
    fn begin(&self, instance: &WebAssembly::Instance, command: bool) -> Result<Function, WasiError> {
        if self.started.replace(true) {
            return Err(WasiError::AlreadyStarted);
        }
        let exports = instance.exports();
        let get = |name: &str| Reflect::get(&exports, &name.into()).ok().filter(|v| !v.is_undefined());
        let has_memory = self.shared.with(|s| s.mem.view().is_some()).unwrap_or(false);
        if !has_memory && !self.attach_instance_memory(instance) {
            return Err(WasiError::InvalidInstance(
                "The \"instance.exports.memory\" property must be a WebAssembly.Memory (or pass `memory` for a module that imports it)".into(),
            ));
        }
        let start = get("_start");
        if command {
            return start.and_then(|f| f.dyn_into().ok()).ok_or_else(|| {
                WasiError::InvalidInstance(
                    "The \"instance.exports._start\" property must be of type function".into(),
                )
            });
        }
        if start.is_some() {
            return Err(WasiError::InvalidInstance(
                "The \"instance.exports._start\" property must be undefined: this is a command; call start()"
                    .into(),
            ));
        }
        match get("_initialize") {
            None => Ok(Function::new_no_args("")),
            Some(f) => f.dyn_into().map_err(|_| {
                WasiError::InvalidInstance(
                    "The \"instance.exports._initialize\" property must be of type function".into(),
                )
            }),
        }
    }

    /// The exit code a call into the guest ended with, or why it has none.
    fn exit_code(&self, outcome: Result<JsValue, JsValue>) -> Result<u32, WasiError> {
        match self.termination(outcome) {
            Termination::Exit(code) => {
                let by_proc_exit = matches!(self.ended(), Some(Ended::Exit(_)));
                if by_proc_exit && !self.return_on_exit {
                    Err(WasiError::Exit(code))
                } else {
                    Ok(code)
                }
            }
            Termination::Trap(m) if matches!(self.ended(), Some(Ended::Fault(_))) => Err(WasiError::Fault(m)),
            Termination::Trap(m) => Err(WasiError::Trap(m)),
            Termination::Stopped => Err(WasiError::Stopped),
        }
    }

    /// How the run ended before its entry point returned, if it did.
    pub(super) fn ended(&self) -> Option<Ended> {
        self.shared.with(|s| s.ended.clone()).flatten()
    }

    /// Why the directory handles refused what the guest left unsynced when
    /// `start_async` ended (see [`RunOutput::store_error`]), if they did.
    pub fn store_error(&self) -> Option<String> {
        self.store_error.borrow().clone()
    }

    /// Everything written to stdout so far (the guest may write more).
    pub fn stdout(&self) -> Captured {
        take_captured(&self.captures[0])
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> Captured {
        take_captured(&self.captures[1])
    }

    /// Reads the filesystem as it is now (between calls into a reactor,
    /// after a command): `None` while the guest is inside a WASI call.
    pub fn with_filesystem<R>(&self, f: impl FnOnce(FsView<'_>) -> R) -> Option<R> {
        self.shared.with(|s| f(s.ctx.filesystem()))
    }
}
