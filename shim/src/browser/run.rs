//! Running a command: [`run`], [`run_with`], [`run_compiled`],
//! [`run_sync`] and the page-bytes path `runWasi` takes. Each prepares the
//! run's state and import object, instantiates the guest, calls its entry
//! point and collects the output.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::api::{RunError, RunOptions, RunOutput, Termination};
use super::capture::{take_captured, JsCapture};
use super::dispatch::{import_object, names, Borrowed, QueueInput, State, StdinQueue};
use super::error_message;
use super::guest_memory::JsMemory;
use super::host::BrowserHost;
use crate::abi::Flavor;
use crate::config::{ConfigError, WasiConfig};
use crate::ctx::WasiCtx;
use crate::module::{self, ModuleError};
use crate::stdio::Output;

#[wasm_bindgen(module = "/js/imports.js")]
extern "C" {
    /// Whether this browser has JSPI.
    pub(super) fn jspi_available() -> bool;
    /// `WebAssembly.instantiate(bytes, imports)`.
    fn instantiate_bytes(bytes: &Uint8Array, imports: &Object) -> js_sys::Promise;
    /// Whether a module imports `poll_oneoff`.
    fn may_wait(module: &WebAssembly::Module) -> bool;
    /// `WebAssembly.promising(f)`.
    fn promising(f: &Function) -> Function;
    /// The imports of a module the shim does not provide.
    fn unsupported_imports(
        module: &WebAssembly::Module,
        preview1: &JsValue,
        unstable: &JsValue,
    ) -> js_sys::Array;
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

/// Sets up a run's state and import object. With `jspi` the calls that may
/// wait are wrapped so that they can suspend the guest; whether the run
/// actually may suspend is decided once the module is known.
fn prepare(config: WasiConfig, options: RunOptions, jspi: bool) -> Result<Prepared, RunError> {
    if options.stdin.is_some() && !jspi {
        return Err(ConfigError::InteractiveStdinNeedsJspi.into());
    }
    let mut ctx = WasiCtx::new(config, Box::new(BrowserHost))?;
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
        memory_holder,
    }));
    let (imports, borrowed) = import_object(&state).map_err(|e| RunError::Instantiate(error_message(&e)))?;
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
        let [stdout, stderr] = self.captures.each_ref().map(take_captured);
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
