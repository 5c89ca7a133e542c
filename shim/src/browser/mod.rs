//! The browser edge: compiles and instantiates the guest with the browser's
//! `WebAssembly`, builds its import object from the core's syscalls, and
//! reports how the run ended.

mod host;
pub mod js;
mod memory;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub use host::BrowserHost;
pub use memory::{Captured, JsBytes, JsCapture, JsListener, JsMemory};

use crate::abi::{Errno, Flavor};
use crate::ctx::{Filesystem, InputReady, InputSource, Output, OutputSink, WasiConfig, WasiCtx};
use crate::module::{self, ModuleError};
use crate::syscalls::{self, Env, Stop, Wait};

/// How a guest run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Termination {
    /// `_start` returned (0) or the guest called `proc_exit`.
    Exit(u32),
    /// The guest trapped (or threw); the browser's message.
    Trap(String),
}

/// What a finished run leaves behind.
#[derive(Clone, Debug)]
pub struct RunOutput {
    pub termination: Termination,
    /// Everything written to fd 1 (`stdout.to_vec()` for one buffer).
    pub stdout: Captured,
    /// Everything written to fd 2.
    pub stderr: Captured,
    /// The preopens after the run (`fs.trees()`, `fs.preopen("/data")`).
    pub fs: Filesystem,
}

impl RunOutput {
    /// The exit code, or `None` after a trap.
    pub fn exit_code(&self) -> Option<u32> {
        match self.termination {
            Termination::Exit(c) => Some(c),
            Termination::Trap(_) => None,
        }
    }
}

/// Why a guest could not be run at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The bytes are not a runnable wasip1 module (see [`ModuleError`]).
    Module(ModuleError),
    /// The configuration is invalid (a NUL in an argument, say).
    Config(Errno),
    /// The browser refused to compile the module.
    Compile(String),
    /// The browser refused to instantiate the module (a trap in its start
    /// function is reported as [`Termination::Trap`] instead).
    Instantiate(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Module(e) => e.fmt(f),
            RunError::Config(e) => write!(f, "invalid configuration: {e}"),
            RunError::Compile(m) => write!(f, "the browser could not compile the module: {m}"),
            RunError::Instantiate(m) => {
                write!(f, "the browser could not instantiate the module: {m}")
            }
        }
    }
}

impl std::error::Error for RunError {}

impl From<ModuleError> for RunError {
    fn from(e: ModuleError) -> Self {
        RunError::Module(e)
    }
}

/// Interactive stdin: called whenever the guest reads and everything given
/// so far has been consumed; resolves to the next bytes, or `None` at the
/// end of the input. The guest waits meanwhile (this needs JSPI).
pub type StdinFeed = Box<dyn FnMut() -> Pin<Box<dyn Future<Output = Option<Vec<u8>>>>>>;

/// Optional hooks for a run.
#[derive(Default)]
pub struct RunOptions {
    /// Receives stdout as it is written.
    pub on_stdout: Option<Box<dyn OutputSink>>,
    /// Receives stderr as it is written.
    pub on_stderr: Option<Box<dyn OutputSink>>,
    /// Interactive stdin, instead of the configuration's fixed bytes.
    pub stdin: Option<StdinFeed>,
}

/// Whether this browser can suspend a guest while it waits (JSPI:
/// `WebAssembly.Suspending` and `WebAssembly.promising`). Then sleeping
/// costs no CPU and stdin can be interactive.
pub fn can_suspend() -> bool {
    jspi_available()
}

#[wasm_bindgen(inline_js = r#"
export function jspi_available() {
  return typeof WebAssembly.Suspending === "function" && typeof WebAssembly.promising === "function";
}
// An import that may have to wait: a plain call while the shim answers at
// once; when it answers PENDING, a promise that waits (dispatch.wait()) and
// asks again, so JSPI suspends the guest meanwhile. Both importable calls
// that can wait (fd_read, poll_oneoff) take four arguments.
export function suspending(dispatch, name, pending) {
  const f = dispatch[name].bind(dispatch);
  return new WebAssembly.Suspending(function (a, b, c, d) {
    const r = f(a, b, c, d);
    if (r !== pending) return r;
    return (async () => {
      let v = r;
      while (v === pending) {
        await dispatch.wait();
        v = f(a, b, c, d);
      }
      return v;
    })();
  });
}
export function promising(f) { return WebAssembly.promising(f); }
// The import object. Most functions come from an instance of the adapter
// module (wasm calling the shim's exports directly); proc_exit, which must
// throw, and under JSPI the calls that may wait, are JS functions.
let shimExports = null;
// Adapter instances, kept for the next run once a run is over.
const adapterPool = [];
function takeAdapter(adapter, ptr) {
  let a = adapterPool.pop();
  if (!a) {
    const global = new WebAssembly.Global({ value: "i32", mutable: true }, 0);
    a = { global, exports: new WebAssembly.Instance(adapter, { s: shimExports, r: { p: global } }).exports };
  }
  a.global.value = ptr;
  return a;
}
export function release_adapters(used, reuse) {
  for (const a of used) {
    a.global.value = 0; // a stray call now fails instead of reaching a run
    if (reuse) adapterPool.push(a);
  }
}
// random_get straight into the guest's memory: randomness is the browser's
// to give, and this is the guest's hottest way of asking for it.
function randomGet(memory) {
  return (ptr, len) => {
    ptr >>>= 0;
    len >>>= 0;
    const c = memory.c;
    if (c === null) return len === 0 ? 0 : 21;
    if (c.u8.byteLength === 0) {
      c.u8 = new Uint8Array(c.memory.buffer);
      c.dv = new DataView(c.memory.buffer);
    }
    if (ptr + len > c.u8.byteLength) return 21; // EFAULT
    for (let at = 0; at < len; at += 65536) {
      crypto.getRandomValues(new Uint8Array(c.u8.buffer, ptr + at, Math.min(65536, len - at)));
    }
    return 0;
  };
}
// The import object, and the adapters it uses (to release after the run).
// Most functions come from an adapter instance (wasm calling the shim's
// exports directly); proc_exit, which must throw, the calls that may wait
// under JSPI, and random_get are JS functions.
export function make_imports(modules, dispatchers, names, jspi, interactive, pending, adapter, raw, memory) {
  if (shimExports === null) {
    shimExports = {};
    for (const name of names[0]) if (raw["dispatch_" + name]) shimExports[name] = raw["dispatch_" + name];
  }
  const imports = {}, used = [];
  for (let i = 0; i < modules.length; i++) {
    const d = dispatchers[i], ns = {};
    // wasm-bindgen keeps the address of a Rust object in __wbg_ptr.
    const a = takeAdapter(adapter, d.__wbg_ptr);
    used.push(a);
    for (const name of names[i]) {
      if (jspi && (name === "poll_oneoff" || (name === "fd_read" && interactive))) ns[name] = suspending(d, name, pending);
      else if (name === "random_get") ns[name] = randomGet(memory);
      else ns[name] = a.exports[name] ?? d[name].bind(d);
    }
    imports[modules[i]] = ns;
  }
  return [imports, used];
}
export function instantiate_bytes(bytes, imports) { return WebAssembly.instantiate(bytes, imports); }
// Whether a module imports poll_oneoff, the one call that may wait when
// stdin is not interactive.
export function may_wait(module) {
  return WebAssembly.Module.imports(module).some((i) => i.name === "poll_oneoff");
}
const provided = {};
// The imports of a compiled module the shim does not provide, as
// "module.name".
export function unsupported_imports(module, preview1, unstable) {
  provided.wasi_snapshot_preview1 ??= new Set(preview1);
  provided.wasi_unstable ??= new Set(unstable);
  return WebAssembly.Module.imports(module)
    .filter((i) => i.kind !== "function" || !provided[i.module]?.has(i.name))
    .map((i) => `${i.module}.${i.name}`);
}
"#)]
extern "C" {
    fn jspi_available() -> bool;
    fn instantiate_bytes(bytes: &Uint8Array, imports: &Object) -> js_sys::Promise;
    fn may_wait(module: &WebAssembly::Module) -> bool;
    fn promising(f: &Function) -> Function;
    #[wasm_bindgen(catch)]
    fn make_imports(
        modules: &js_sys::Array,
        dispatchers: &js_sys::Array,
        names: &js_sys::Array,
        jspi: bool,
        interactive: bool,
        pending: u32,
        adapter: &WebAssembly::Module,
        raw: &JsValue,
        memory: &Object,
    ) -> Result<js_sys::Array, JsValue>;
    fn release_adapters(used: &JsValue, reuse: bool);
    fn unsupported_imports(
        module: &WebAssembly::Module,
        preview1: &JsValue,
        unstable: &JsValue,
    ) -> js_sys::Array;
}

/// What a dispatch method returns when the call must wait (never an errno).
const PENDING: u32 = 0xffff;

/// The bytes interactive stdin has delivered and the guest not yet read.
#[derive(Default)]
struct StdinQueue {
    data: VecDeque<u8>,
    eof: bool,
}

struct QueueInput(Rc<RefCell<StdinQueue>>);

impl InputSource for QueueInput {
    fn read(&mut self, buf: &mut [u8]) -> InputReady {
        let mut q = self.0.borrow_mut();
        if q.data.is_empty() {
            return if q.eof { InputReady::Read(0) } else { InputReady::WouldBlock };
        }
        let n = buf.len().min(q.data.len());
        for (dst, src) in buf.iter_mut().zip(q.data.drain(..n)) {
            *dst = src;
        }
        InputReady::Read(n)
    }
}

/// Runs a `wasm32-wasip1` command to completion and returns its output.
///
/// ```ignore
/// let config = WasiConfig::new().args(["hello"]).preopen("/data", Tree::dir());
/// let out = browser_wasi::browser::run(&wasm, config).await?;
/// assert_eq!(out.exit_code(), Some(0));
/// ```
pub async fn run(module_bytes: &[u8], config: WasiConfig) -> Result<RunOutput, RunError> {
    run_with(module_bytes, config, RunOptions::default()).await
}

/// [`run`] with streaming output and interactive stdin.
pub async fn run_with(
    module_bytes: &[u8],
    config: WasiConfig,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    module::inspect(module_bytes)?.check_runnable()?;
    let compiled = compile(module_bytes).await?;
    run_compiled(&compiled, config, options).await
}

/// Compiles module bytes with the browser's engine (asynchronously: Chrome
/// refuses to compile more than 8 MB synchronously on the main thread).
pub async fn compile(module_bytes: &[u8]) -> Result<WebAssembly::Module, RunError> {
    // SAFETY: `WebAssembly.compile` copies the bytes before it returns.
    let view = unsafe { Uint8Array::view(module_bytes) };
    let compiled = JsFuture::from(WebAssembly::compile(&view.into()))
        .await
        .map_err(|e| RunError::Compile(error_message(&e)))?;
    Ok(compiled.unchecked_into())
}

/// Runs an already compiled module. Its imports are checked against the
/// shim's through `WebAssembly.Module.imports` (names only: the browser
/// checks signatures when it links).
pub async fn run_compiled(
    compiled: &WebAssembly::Module,
    config: WasiConfig,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    check_import_names(compiled)?;
    let prepared = prepare(config, options, jspi_available())?;
    prepared.state.borrow_mut().ctx.can_suspend = prepared.suspends(compiled);
    let instance = JsFuture::from(WebAssembly::instantiate_module(compiled, &prepared.imports)).await;
    let termination = match instance {
        Err(e) => instantiate_failed(e)?,
        Ok(instance) => prepared.start(&instance.unchecked_into()).await,
    };
    prepared.finish(termination)
}

/// Runs module bytes the page handed over (a JS array: compiled and
/// instantiated in one step, the browser's fastest path).
pub(crate) async fn run_js_bytes(
    bytes: &Uint8Array,
    config: WasiConfig,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    let prepared = prepare(config, options, jspi_available())?;
    let result = JsFuture::from(instantiate_bytes(bytes, &prepared.imports)).await;
    let termination = match result {
        Err(e) if e.is_instance_of::<WebAssembly::LinkError>() => {
            // Say which imports are missing, when that is the reason.
            if let Ok(m) = JsFuture::from(WebAssembly::compile(bytes)).await {
                check_import_names(&m.unchecked_into())?;
            }
            return Err(RunError::Instantiate(error_message(&e)));
        }
        Err(e) if e.is_instance_of::<WebAssembly::CompileError>() => {
            return Err(RunError::Compile(error_message(&e)))
        }
        Err(e) => instantiate_failed(e)?,
        Ok(result) => {
            let module: WebAssembly::Module =
                Reflect::get(&result, &"module".into()).unwrap_or_default().unchecked_into();
            let instance: WebAssembly::Instance =
                Reflect::get(&result, &"instance".into()).unwrap_or_default().unchecked_into();
            prepared.state.borrow_mut().ctx.can_suspend = prepared.suspends(&module);
            prepared.start(&instance).await
        }
    };
    prepared.finish(termination)
}

/// Runs a module synchronously: compiles, instantiates and runs it before
/// returning, without JSPI (a sleep blocks the thread: `Atomics.wait` in a
/// cross-origin isolated worker, a spin elsewhere; stdin is the
/// configuration's bytes). Chrome refuses to compile modules over 8 MB this
/// way on the main thread; use [`run`] there.
pub fn run_sync(module_bytes: &[u8], config: WasiConfig, options: RunOptions) -> Result<RunOutput, RunError> {
    module::inspect(module_bytes)?.check_runnable()?;
    // SAFETY: `new WebAssembly.Module` copies the bytes before it returns.
    let view = unsafe { Uint8Array::view(module_bytes) };
    let compiled =
        WebAssembly::Module::new(&view.into()).map_err(|e| RunError::Compile(error_message(&e)))?;
    check_import_names(&compiled)?;
    let prepared = prepare(config, options, false)?;
    let termination = match WebAssembly::Instance::new(&compiled, &prepared.imports) {
        Err(e) => instantiate_failed(e)?,
        Ok(instance) => match entry_point(&prepared.state, &instance) {
            Err(t) => t,
            Ok(entry) => ended(&prepared.state, entry.call0(&JsValue::UNDEFINED)),
        },
    };
    prepared.finish(termination)
}

/// A run ready to instantiate: its state and import object.
struct Prepared {
    state: Rc<RefCell<State>>,
    imports: Object,
    /// The dispatchers and adapter instances, given back when the run ends.
    borrowed: Borrowed,
    /// The calls that may wait can suspend the guest (JSPI).
    jspi: bool,
    /// Stdin is fed interactively.
    interactive: bool,
    /// Where stdout and stderr are captured.
    captures: [JsValue; 2],
}

/// What a run borrows on the JS side: its dispatchers and adapter
/// instances. A run that finishes frees the dispatchers and returns the
/// adapters to the pool; one abandoned midway (its future dropped) frees
/// them too but retires its adapters, so a late call from its guest fails
/// instead of reaching another run.
struct Borrowed {
    dispatchers: Vec<JsValue>,
    adapters: JsValue,
    done: bool,
}

impl Borrowed {
    fn release(&mut self, reuse: bool) {
        if !self.done {
            self.done = true;
            free(&self.dispatchers);
            release_adapters(&self.adapters, reuse);
        }
    }
}

impl Drop for Borrowed {
    fn drop(&mut self) {
        self.release(false);
    }
}

/// Sets up a run's state and import object. With `jspi` the calls that may
/// wait are wrapped so that they can suspend the guest; whether the run
/// actually may suspend is decided once the module is known.
fn prepare(config: WasiConfig, options: RunOptions, jspi: bool) -> Result<Prepared, RunError> {
    if options.stdin.is_some() && !jspi {
        return Err(RunError::Config(Errno::Nosys));
    }
    let mut ctx = WasiCtx::new(config, Box::new(BrowserHost)).map_err(RunError::Config)?;
    // Output is captured in JS arrays, straight from the guest's memory.
    let stdout = JsCapture::new(options.on_stdout);
    let stderr = JsCapture::new(options.on_stderr);
    let captures = [stdout.handle(), stderr.handle()];
    ctx.stdout = Output { captured: None, listener: Some(Box::new(stdout)) };
    ctx.stderr = Output { captured: None, listener: Some(Box::new(stderr)) };
    ctx.can_suspend = jspi;
    let interactive = options.stdin.is_some();
    let queue = Rc::new(RefCell::new(StdinQueue::default()));
    if options.stdin.is_some() {
        ctx.stdin = Box::new(QueueInput(queue.clone()));
    }
    let memory_holder = Object::new();
    let _ = Reflect::set(&memory_holder, &"c".into(), &JsValue::NULL);
    let state = Rc::new(RefCell::new(State {
        ctx,
        mem: JsMemory::none(),
        exit: None,
        pending: None,
        stdin_feed: options.stdin,
        stdin_queue: queue,
        memory_holder: memory_holder.clone(),
    }));
    let (imports, dispatchers, adapters) =
        import_object(&state, &memory_holder).map_err(|e| RunError::Instantiate(error_message(&e)))?;
    let borrowed = Borrowed { dispatchers, adapters, done: false };
    Ok(Prepared { state, imports, borrowed, jspi, interactive, captures })
}

impl Prepared {
    /// Whether this module's run should be able to suspend: with JSPI, when
    /// stdin is interactive or it imports `poll_oneoff` (a guest that cannot
    /// wait runs as a plain call, which is cheaper).
    fn suspends(&self, module: &WebAssembly::Module) -> bool {
        self.jspi && (self.interactive || may_wait(module))
    }

    /// Runs the entry point: as a promise when the guest may be suspended.
    async fn start(&self, instance: &WebAssembly::Instance) -> Termination {
        let entry = match entry_point(&self.state, instance) {
            Err(t) => return t,
            Ok(entry) => entry,
        };
        let suspends = self.state.borrow().ctx.can_suspend;
        let outcome = if suspends {
            match promising(&entry).call0(&JsValue::UNDEFINED) {
                Ok(promise) => JsFuture::from(js_sys::Promise::from(promise)).await,
                Err(e) => Err(e),
            }
        } else {
            entry.call0(&JsValue::UNDEFINED)
        };
        ended(&self.state, outcome)
    }

    /// Frees the dispatchers (the guest can no longer call them) and takes
    /// the run's output.
    fn finish(mut self, termination: Termination) -> Result<RunOutput, RunError> {
        self.borrowed.release(true);
        let state = Rc::try_unwrap(self.state)
            .map_err(|_| RunError::Instantiate("the run is still referenced".into()))?;
        let (_, _, fs) = state.into_inner().ctx.finish();
        let [stdout, stderr] = self.captures.each_ref().map(memory::take_captured);
        Ok(RunOutput { termination, stdout, stderr, fs })
    }
}

/// A failed instantiation: a trap in the module's start function ends the
/// run as a trap; anything else (a link error) is an error.
fn instantiate_failed(e: JsValue) -> Result<Termination, RunError> {
    if e.is_instance_of::<WebAssembly::RuntimeError>() {
        Ok(Termination::Trap(error_message(&e)))
    } else {
        Err(RunError::Instantiate(error_message(&e)))
    }
}

/// Hands the guest's memory to the run and finds `_start` (or
/// `_initialize` for a reactor).
fn entry_point(
    state: &Rc<RefCell<State>>,
    instance: &WebAssembly::Instance,
) -> Result<Function, Termination> {
    let exports = instance.exports();
    if let Ok(mem) = Reflect::get(&exports, &"memory".into()) {
        if let Ok(mem) = mem.dyn_into::<WebAssembly::Memory>() {
            let mut st = state.borrow_mut();
            st.mem = JsMemory::new(&mem);
            // The JS-side imports (random_get) see the memory through this.
            let _ = Reflect::set(&st.memory_holder, &"c".into(), st.mem.view().unwrap_or(&JsValue::NULL));
        }
    }
    ["_start", "_initialize"]
        .iter()
        .find_map(|name| Reflect::get(&exports, &(*name).into()).ok()?.dyn_into::<Function>().ok())
        .ok_or_else(|| Termination::Trap("the module exports no `_start`".into()))
}

/// How the entry point's call ended: `proc_exit` (recorded before it threw
/// to unwind the guest), a return (exit 0), or a trap.
fn ended(state: &Rc<RefCell<State>>, outcome: Result<JsValue, JsValue>) -> Termination {
    let exit = state.borrow().exit;
    match (exit, outcome) {
        (Some(code), _) => Termination::Exit(code),
        (None, Ok(_)) => Termination::Exit(0),
        (None, Err(e)) => Termination::Trap(error_message(&e)),
    }
}

/// Rejects a module whose imports the shim cannot satisfy (by name: the
/// browser checks signatures when it links).
fn check_import_names(compiled: &WebAssembly::Module) -> Result<(), RunError> {
    let missing: Vec<String> =
        unsupported_imports(compiled, &names(Flavor::Preview1), &names(Flavor::Snapshot0))
            .iter()
            .filter_map(|v| v.as_string())
            .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(RunError::Module(ModuleError::UnsupportedImports(missing)))
    }
}

thread_local! {
    static NAMES: [JsValue; 2] = [Flavor::Preview1, Flavor::Snapshot0].map(|flavor| {
        syscall_names()
            .iter()
            .filter(|n| syscalls::signature(flavor, n).is_some())
            .map(|n| JsValue::from_str(n))
            .collect::<js_sys::Array>()
            .into()
    });
}

/// The names of the functions an import module provides, as a JS array
/// (built once).
fn names(flavor: Flavor) -> JsValue {
    NAMES.with(|n| n[if flavor == Flavor::Preview1 { 0 } else { 1 }].clone())
}

/// A readable message for a thrown JS value: `Name: message`.
pub(crate) fn error_message(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        let name = err.name().as_string().unwrap_or_default();
        let msg = err.message().as_string().unwrap_or_default();
        if name.is_empty() {
            msg
        } else {
            format!("{name}: {msg}")
        }
    } else {
        e.as_string().unwrap_or_else(|| format!("{e:?}"))
    }
}

/// The run's state, shared by the import functions of both modules.
struct State {
    ctx: WasiCtx,
    mem: JsMemory,
    /// Set by `proc_exit` before it throws to unwind the guest.
    exit: Option<u32>,
    /// What the last call that answered `PENDING` waits for.
    pending: Option<Wait>,
    stdin_feed: Option<StdinFeed>,
    stdin_queue: Rc<RefCell<StdinQueue>>,
    /// `{ c }`: the guest memory's view object, once it exists, for the
    /// imports implemented in JS.
    memory_holder: Object,
}

/// The import functions of one module (`wasi_snapshot_preview1` or
/// `wasi_unstable`): a method per syscall. The import object holds these
/// methods bound to the instance, so a guest call costs one JS-to-wasm call.
#[wasm_bindgen(skip_typescript)]
pub struct Dispatch {
    state: Rc<RefCell<State>>,
    flavor: Flavor,
}

impl Dispatch {
    fn call(&self, f: impl FnOnce(&mut Env) -> syscalls::SysResult) -> u32 {
        let Ok(mut st) = self.state.try_borrow_mut() else {
            return Errno::Busy as u32;
        };
        let State { ctx, mem, exit, pending, .. } = &mut *st;
        let mut env = Env { ctx, mem, flavor: self.flavor };
        match f(&mut env) {
            Ok(()) => Errno::Success as u32,
            Err(Stop::Errno(e)) => e as u32,
            Err(Stop::Pending(w)) if env.ctx.can_suspend => {
                *pending = Some(w);
                PENDING
            }
            Err(Stop::Pending(_)) => Errno::Again as u32,
            Err(Stop::Exit(code)) => {
                *exit = Some(code);
                Errno::Success as u32
            }
        }
    }
}

#[wasm_bindgen]
impl Dispatch {
    /// Resolves when what the last `PENDING` call waits for has come: the
    /// deadline has passed, or stdin has more bytes (or ended).
    #[doc(hidden)]
    pub fn wait(&self) -> js_sys::Promise {
        let state = self.state.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let pending = state.try_borrow_mut().ok().and_then(|mut s| s.pending.take());
            match pending {
                Some(Wait::Until(deadline)) => {
                    let ms = (deadline as f64 / 1e6 - host::monotonic_ms()).max(0.0);
                    JsFuture::from(host::sleep_ms(ms)).await?;
                }
                Some(Wait::Stdin) => {
                    let next =
                        state.try_borrow_mut().ok().and_then(|mut s| s.stdin_feed.as_mut().map(|f| f()));
                    let chunk = match next {
                        Some(fut) => fut.await,
                        None => None,
                    };
                    let queue = state.borrow().stdin_queue.clone();
                    let mut q = queue.borrow_mut();
                    match chunk {
                        Some(bytes) => q.data.extend(bytes),
                        None => q.eof = true,
                    }
                }
                None => {}
            }
            Ok(JsValue::UNDEFINED)
        })
    }
}

macro_rules! dispatch_methods {
    ($($name:ident($($p:ident: $t:ty),*) => $module:ident::$func:ident;)*) => {
        #[wasm_bindgen]
        impl Dispatch {
            $(
                #[doc(hidden)]
                pub fn $name(&self, $($p: $t),*) -> u32 {
                    self.call(|e| syscalls::$module::$func(e, $($p),*))
                }
            )*

            /// Ends the run: records the code and throws to unwind the guest.
            #[doc(hidden)]
            pub fn proc_exit(&self, code: u32) -> Result<(), JsValue> {
                if let Ok(mut st) = self.state.try_borrow_mut() {
                    if let Stop::Exit(code) = syscalls::proc::proc_exit(code) {
                        st.exit = Some(code);
                    }
                }
                Err(JsValue::from_str("proc_exit"))
            }
        }

        /// The names of the functions each import module provides.
        fn syscall_names() -> &'static [&'static str] {
            &[$(stringify!($name),)* "proc_exit"]
        }
    };
}
crate::for_each_syscall!(dispatch_methods);

/// Builds `{ wasi_snapshot_preview1: {...}, wasi_unstable: {...} }`.
fn import_object(
    state: &Rc<RefCell<State>>,
    memory: &Object,
) -> Result<(Object, Vec<JsValue>, JsValue), JsValue> {
    let (jspi, interactive) = {
        let st = state.borrow();
        (st.ctx.can_suspend, st.stdin_feed.is_some())
    };
    let modules = js_sys::Array::new();
    let dispatchers = js_sys::Array::new();
    let names_by_module = js_sys::Array::new();
    let mut held = Vec::new();
    for (module, flavor) in syscalls::MODULES {
        let d: JsValue = Dispatch { state: state.clone(), flavor }.into();
        modules.push(&module.into());
        dispatchers.push(&d);
        names_by_module.push(&names(flavor));
        held.push(d);
    }
    let adapter = ADAPTER.with(|a| a.clone())?;
    let made = make_imports(
        &modules,
        &dispatchers,
        &names_by_module,
        jspi,
        interactive,
        PENDING,
        &adapter,
        &wasm_bindgen::exports(),
        memory,
    )?;
    Ok((made.get(0).unchecked_into(), held, made.get(1)))
}

thread_local! {
    /// The adapter module (see `crate::adapter`), compiled once: it is a
    /// few kilobytes, so synchronous compilation is fine everywhere.
    static ADAPTER: Result<WebAssembly::Module, JsValue> = {
        let bytes = crate::adapter::module_bytes();
        WebAssembly::Module::new(&Uint8Array::from(&bytes[..]).into())
    };
}

/// Releases the dispatchers' hold on the run's state once the guest can no
/// longer call them.
fn free(dispatchers: &[JsValue]) {
    for d in dispatchers {
        if let Ok(f) = Reflect::get(d, &"free".into()).and_then(|f| f.dyn_into::<Function>()) {
            let _ = f.call0(d);
        }
    }
}
