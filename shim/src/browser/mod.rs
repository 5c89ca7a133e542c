//! The browser edge: compiles and instantiates the guest with the browser's
//! `WebAssembly`, builds its import object from the core's syscalls, and
//! reports how the run ended.

mod host;
pub mod js;
mod memory;

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub use host::BrowserHost;
pub use memory::JsMemory;

use crate::abi::{Errno, Flavor};
use crate::ctx::{OutputSink, WasiConfig, WasiCtx};
use crate::module::{self, ModuleError};
use crate::syscalls::{self, errno_of, Env, Stop};
use crate::vfs::Tree;

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
    /// Everything written to fd 1.
    pub stdout: Vec<u8>,
    /// Everything written to fd 2.
    pub stderr: Vec<u8>,
    /// Each preopen's contents after the run, by guest path.
    pub preopens: Vec<(String, Tree)>,
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

/// Optional hooks for a run.
#[derive(Default)]
pub struct RunOptions {
    /// Receives stdout as it is written.
    pub on_stdout: Option<Box<dyn OutputSink>>,
    /// Receives stderr as it is written.
    pub on_stderr: Option<Box<dyn OutputSink>>,
}

/// Runs a `wasm32-wasip1` command to completion and returns its output.
pub async fn run(module_bytes: &[u8], config: &WasiConfig) -> Result<RunOutput, RunError> {
    run_with(module_bytes, config, RunOptions::default()).await
}

/// [`run`] with streaming hooks.
pub async fn run_with(
    module_bytes: &[u8],
    config: &WasiConfig,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    module::inspect(module_bytes)?.check_runnable()?;
    let compiled = JsFuture::from(WebAssembly::compile(&Uint8Array::from(module_bytes).into()))
        .await
        .map_err(|e| RunError::Compile(error_message(&e)))?;
    let compiled: WebAssembly::Module = compiled.unchecked_into();
    run_compiled(&compiled, config, options).await
}

/// Runs an already compiled module. Its imports are checked against the
/// shim's through `WebAssembly.Module.imports` (names only: the browser
/// checks signatures when it links).
pub async fn run_compiled(
    compiled: &WebAssembly::Module,
    config: &WasiConfig,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    check_import_names(compiled)?;
    let mut ctx = WasiCtx::new(config, Box::new(BrowserHost)).map_err(RunError::Config)?;
    ctx.stdout.listener = options.on_stdout;
    ctx.stderr.listener = options.on_stderr;
    let state = Rc::new(RefCell::new(State {
        ctx,
        mem: JsMemory::none(),
        exit: None,
    }));

    let (imports, dispatchers) =
        import_object(&state).map_err(|e| RunError::Instantiate(error_message(&e)))?;
    let result = JsFuture::from(WebAssembly::instantiate_module(compiled, &imports)).await;
    let termination = match result {
        Err(e) => {
            free(&dispatchers);
            if e.is_instance_of::<WebAssembly::RuntimeError>() {
                Termination::Trap(error_message(&e))
            } else {
                return Err(RunError::Instantiate(error_message(&e)));
            }
        }
        Ok(instance) => {
            let instance: WebAssembly::Instance = instance.unchecked_into();
            let termination = start(&state, &instance);
            free(&dispatchers);
            termination
        }
    };
    let state = Rc::try_unwrap(state)
        .map_err(|_| RunError::Instantiate("the run is still referenced".into()))?;
    let mut ctx = state.into_inner().ctx;
    Ok(RunOutput {
        termination,
        stdout: ctx.stdout.captured.take().unwrap_or_default(),
        stderr: ctx.stderr.captured.take().unwrap_or_default(),
        preopens: ctx.preopen_trees(),
    })
}

/// Calls `_start` (or `_initialize` for a reactor) and turns how it ended
/// into a [`Termination`].
fn start(state: &Rc<RefCell<State>>, instance: &WebAssembly::Instance) -> Termination {
    let exports = instance.exports();
    if let Ok(mem) = Reflect::get(&exports, &"memory".into()) {
        if let Ok(mem) = mem.dyn_into::<WebAssembly::Memory>() {
            state.borrow_mut().mem = JsMemory::new(mem);
        }
    }
    let entry = ["_start", "_initialize"].iter().find_map(|name| {
        Reflect::get(&exports, &(*name).into())
            .ok()?
            .dyn_into::<Function>()
            .ok()
    });
    let Some(entry) = entry else {
        return Termination::Trap("the module exports no `_start`".into());
    };
    let outcome = entry.call0(&JsValue::UNDEFINED);
    let exit = state.borrow().exit;
    match (exit, outcome) {
        (Some(code), _) => Termination::Exit(code),
        (None, Ok(_)) => Termination::Exit(0),
        (None, Err(e)) => Termination::Trap(error_message(&e)),
    }
}

/// Rejects a module whose imports the shim cannot satisfy.
fn check_import_names(compiled: &WebAssembly::Module) -> Result<(), RunError> {
    let mut missing = Vec::new();
    for desc in WebAssembly::Module::imports(compiled).iter() {
        let get = |k: &str| {
            Reflect::get(&desc, &k.into())
                .ok()
                .and_then(|v| v.as_string())
                .unwrap_or_default()
        };
        let (module, name, kind) = (get("module"), get("name"), get("kind"));
        let flavor = syscalls::MODULES
            .iter()
            .find(|m| m.0 == module)
            .map(|m| m.1);
        let ok =
            kind == "function" && flavor.is_some_and(|f| syscalls::signature(f, &name).is_some());
        if !ok {
            missing.push(format!("{module}.{name}"));
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(RunError::Module(ModuleError::UnsupportedImports(missing)))
    }
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
        let State { ctx, mem, exit } = &mut *st;
        mem.refresh();
        let mut env = Env {
            ctx,
            mem,
            flavor: self.flavor,
        };
        match errno_of(f(&mut env)) {
            Ok(errno) => errno,
            Err(Stop::Exit(code)) => {
                *exit = Some(code);
                Errno::Success as u32
            }
            Err(_) => Errno::Io as u32,
        }
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
fn import_object(state: &Rc<RefCell<State>>) -> Result<(Object, Vec<JsValue>), JsValue> {
    let imports = Object::new();
    let mut dispatchers = Vec::new();
    for (module, flavor) in syscalls::MODULES {
        let obj: JsValue = Dispatch {
            state: state.clone(),
            flavor,
        }
        .into();
        let ns = Object::new();
        for name in syscall_names() {
            if syscalls::signature(flavor, name).is_none() {
                continue;
            }
            let method: Function = Reflect::get(&obj, &(*name).into())?.dyn_into()?;
            Reflect::set(&ns, &(*name).into(), &method.bind0(&obj))?;
        }
        Reflect::set(&imports, &module.into(), &ns)?;
        dispatchers.push(obj);
    }
    Ok((imports, dispatchers))
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
