//! Running a command: [`run`], [`run_with`], [`run_compiled`],
//! [`run_sync`] and the page-bytes path `runWasi` takes. Each prepares the
//! run's state and import object, instantiates the guest, calls its entry
//! point and collects the output.

use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::api::{RunError, RunOptions, RunOutput, Termination};
use super::dispatch::names;
use super::error_message;
use super::threads::run_threads;
use super::wasi::{instantiate_failed, Wasi};
use crate::abi::Flavor;
use crate::config::{ConfigError, WasiConfig};
use crate::module::{self, ModuleError, START_EXPORT};

#[wasm_bindgen(module = "/js/imports.js")]
extern "C" {
    /// Whether this browser has JSPI.
    pub(super) fn jspi_available() -> bool;
    /// `WebAssembly.instantiate(bytes, imports)`.
    fn instantiate_bytes(bytes: &Uint8Array, imports: &Object) -> js_sys::Promise;
    /// The imports of a module the shim does not provide.
    fn unsupported_imports(
        module: &WebAssembly::Module,
        preview1: &JsValue,
        unstable: &JsValue,
    ) -> js_sys::Array;
}

/// Runs a `wasm32-wasip1` command to completion and returns its output. A
/// `wasm32-wasip1-threads` program runs too, every thread in a worker (the
/// page must be cross-origin isolated); with the `preview2` feature, a
/// `wasm32-wasip2` component too ([`run_component`](super::run_component)).
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
    #[cfg(feature = "preview2")]
    if super::component::is_component(module_bytes) {
        return super::component::run_component(module_bytes, config, options).await;
    }
    let info = module::inspect(module_bytes)?;
    info.check_runnable()?;
    if let Some(memory) = info.threads() {
        return run_threads(&Uint8Array::from(module_bytes), memory.clone(), config, options).await;
    }
    let rewritten = module::without_start_function(module_bytes);
    let compiled = compile(rewritten.as_deref().unwrap_or(module_bytes)).await?;
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
/// checks signatures when it links). A start function runs while the
/// browser instantiates, before the shim has the module's memory: give
/// [`run`] the bytes instead and the shim calls it afterwards. A threads
/// program must be given as bytes (the browser does not say a compiled
/// module's memory limits).
pub async fn run_compiled(
    compiled: &WebAssembly::Module,
    config: WasiConfig,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    check_import_names(compiled)?;
    let session = Wasi::with_jspi(config, options, jspi_available())?;
    session.decide_suspending(compiled);
    let instance = JsFuture::from(WebAssembly::instantiate_module(compiled, session.imports())).await;
    let termination = match instance {
        Err(e) => instantiate_failed(&session, e)?,
        Ok(instance) => start(&session, &instance.unchecked_into()).await?,
    };
    let store_error = session.write_back().await;
    session.finish_with(termination, store_error)
}

/// Runs module bytes the page handed over (a JS array: compiled and
/// instantiated in one step, the browser's fastest path).
pub(crate) async fn run_js_bytes(
    bytes: &Uint8Array,
    config: WasiConfig,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    let sections = Sections::of(bytes);
    if let Some(memory) = sections.shared_memory_import(bytes) {
        return run_threads(bytes, memory, config, options).await;
    }
    let session = Wasi::with_jspi(config, options, jspi_available())?;
    let bytes = match sections.has_start() {
        true => {
            let rewritten = module::without_start_function(&bytes.to_vec());
            rewritten.map_or_else(|| bytes.clone(), |b| Uint8Array::from(&b[..]))
        }
        false => bytes.clone(),
    };
    let result = JsFuture::from(instantiate_bytes(&bytes, session.imports())).await;
    let termination = match result {
        Err(e) if e.is_instance_of::<WebAssembly::LinkError>() => {
            // Say which imports are missing, when that is the reason.
            if let Ok(m) = JsFuture::from(WebAssembly::compile(&bytes)).await {
                check_import_names(&m.unchecked_into())?;
            }
            return Err(RunError::Instantiate(error_message(&e)));
        }
        Err(e) if e.is_instance_of::<WebAssembly::CompileError>() => {
            return Err(RunError::Compile(error_message(&e)))
        }
        Err(e) => instantiate_failed(&session, e)?,
        Ok(result) => {
            let module: WebAssembly::Module =
                Reflect::get(&result, &"module".into()).unwrap_or_default().unchecked_into();
            let instance: WebAssembly::Instance =
                Reflect::get(&result, &"instance".into()).unwrap_or_default().unchecked_into();
            session.decide_suspending(&module);
            start(&session, &instance).await?
        }
    };
    let store_error = session.write_back().await;
    session.finish_with(termination, store_error)
}

/// Runs a module synchronously: compiles, instantiates and runs it before
/// returning, without JSPI (a sleep blocks the thread: `Atomics.wait` in a
/// cross-origin isolated worker, a spin elsewhere; stdin is the
/// configuration's bytes). Chrome refuses to compile modules over 8 MB this
/// way on the main thread; use [`run`] there.
pub fn run_sync(module_bytes: &[u8], config: WasiConfig, options: RunOptions) -> Result<RunOutput, RunError> {
    let info = module::inspect(module_bytes)?;
    info.check_runnable()?;
    if info.threads().is_some() {
        return Err(ConfigError::ThreadsNeedAsync.into());
    }
    let rewritten = module::without_start_function(module_bytes);
    let bytes = rewritten.as_deref().unwrap_or(module_bytes);
    // SAFETY: `new WebAssembly.Module` copies the bytes before it returns.
    let view = unsafe { Uint8Array::view(bytes) };
    let compiled =
        WebAssembly::Module::new(&view.into()).map_err(|e| RunError::Compile(error_message(&e)))?;
    check_import_names(&compiled)?;
    let session = Wasi::with_jspi(config, options, false)?;
    let termination = match WebAssembly::Instance::new(&compiled, session.imports()) {
        Err(e) => instantiate_failed(&session, e)?,
        Ok(instance) => {
            let (start_fn, entry) = entry_points(&session, &instance)?;
            let mut outcome = Ok(JsValue::UNDEFINED);
            for f in start_fn.iter().chain([&entry]) {
                outcome = f.call0(&JsValue::UNDEFINED);
                if outcome.is_err() {
                    break;
                }
            }
            session.termination(outcome)
        }
    };
    session.finish_with(termination, None)
}

/// Hands the guest's memory to the session and finds what to call: the
/// start function taken out of the module (if any), then `_start` (or
/// `_initialize` for a reactor).
fn entry_points(
    session: &Wasi,
    instance: &WebAssembly::Instance,
) -> Result<(Option<Function>, Function), RunError> {
    session.attach_instance_memory(instance);
    let exports = instance.exports();
    let get = |name: &str| Reflect::get(&exports, &name.into()).ok()?.dyn_into::<Function>().ok();
    let entry =
        get("_start").or_else(|| get("_initialize")).ok_or(RunError::Module(ModuleError::NoEntryPoint))?;
    Ok((get(START_EXPORT), entry))
}

/// Runs the start function (if it was taken out) and the entry point.
async fn start(session: &Wasi, instance: &WebAssembly::Instance) -> Result<Termination, RunError> {
    let (start_fn, entry) = entry_points(session, instance)?;
    if let Some(f) = start_fn {
        let outcome = session.call_entry(&f).await;
        if outcome.is_err() {
            return Ok(session.termination(outcome));
        }
    }
    let outcome = session.call_entry(&entry).await;
    Ok(session.termination(outcome))
}

/// Where a module's sections are, read from their headers only, without
/// copying the module: `(id, start, end)` of each, the header's bytes
/// included.
struct Sections(Vec<(u8, u32, u32)>);

impl Sections {
    fn of(bytes: &Uint8Array) -> Sections {
        let len = bytes.length();
        let byte = |i: u32| if i < len { Some(bytes.get_index(i)) } else { None };
        let mut found = Vec::new();
        let mut at = 8;
        while let Some(id) = byte(at) {
            let start = at;
            at += 1;
            let mut size = 0u32;
            for shift in (0..35).step_by(7) {
                let Some(b) = byte(at) else { return Sections(found) };
                at += 1;
                size |= u32::from(b & 0x7f).checked_shl(shift).unwrap_or(0);
                if b & 0x80 == 0 {
                    break;
                }
            }
            let Some(end) = at.checked_add(size).filter(|&e| e <= len) else { return Sections(found) };
            found.push((id, start, end));
            at = end;
        }
        Sections(found)
    }

    fn has_start(&self) -> bool {
        self.0.iter().any(|s| s.0 == 8)
    }

    /// The shared memory the module imports, if it does (a threads
    /// program): only the import section is copied to find out.
    fn shared_memory_import(&self, bytes: &Uint8Array) -> Option<module::MemoryImport> {
        self.0.iter().filter(|s| s.0 == 2).find_map(|&(_, start, end)| {
            let section = bytes.subarray(start, end).to_vec();
            // The contents follow the id and the size's LEB bytes.
            let skip = 1 + section[1..].iter().position(|b| b & 0x80 == 0).map_or(section.len(), |p| p + 1);
            module::shared_memory_import(section.get(skip..).unwrap_or_default())
        })
    }
}

/// The imports of a compiled module the shim does not provide, as
/// `module.name` (by name: the browser checks signatures when it links).
pub(super) fn unsupported_import_names(compiled: &WebAssembly::Module) -> Vec<String> {
    unsupported_imports(compiled, &names(Flavor::Preview1), &names(Flavor::Snapshot0))
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

/// Rejects a module whose imports the shim cannot satisfy.
fn check_import_names(compiled: &WebAssembly::Module) -> Result<(), RunError> {
    let missing = unsupported_import_names(compiled);
    if missing.is_empty() {
        Ok(())
    } else if missing.iter().any(|m| m == "wasi.thread-spawn") {
        Err(ConfigError::ThreadsNeedBytes.into())
    } else {
        Err(RunError::Module(ModuleError::UnsupportedImports(missing)))
    }
}
