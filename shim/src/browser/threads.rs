//! Running a wasi-threads program (`wasm32-wasip1-threads`): every guest
//! thread, the main one included, in a Web Worker of its own on one shared
//! memory, and their WASI calls served here by the kernel
//! (`shim/js/threads.js`) on the run's one [`Wasi`] state: one descriptor
//! table, one filesystem, one stdout. `shim/js/thread_worker.js` is a
//! thread's worker. Single-threaded modules never come here: they keep the
//! direct path of `run.rs`.

use js_sys::{Array, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::api::{RunError, RunOptions, RunOutput, Termination};
use super::dispatch::{names, PENDING};
use super::error_message;
use super::run::unsupported_import_names;
use super::wasi::Wasi;
use crate::adapter::RAISE;
use crate::config::{ConfigError, WasiConfig};
use crate::module::{MemoryImport, ModuleError};
use crate::syscalls::{self, ValType};

#[wasm_bindgen(module = "/js/imports.js")]
extern "C" {
    /// Whether shared memory can be made here (`crossOriginIsolated`).
    fn threads_available() -> bool;
    /// `import(url)`.
    fn import_module(url: &str) -> js_sys::Promise;
}

/// Checks a compiled threads program's imports and exports (as
/// `ModuleInfo::check_runnable` does for a parsed one, from what the
/// browser says) and finds its entry point.
fn entry_point(module: &WebAssembly::Module, memory: &MemoryImport) -> Result<&'static str, RunError> {
    let memory_name = format!("{}.{}", memory.module, memory.name);
    let mut spawns = false;
    let missing: Vec<String> = unsupported_import_names(module)
        .into_iter()
        .filter(|name| {
            let spawn = name == "wasi.thread-spawn";
            spawns |= spawn;
            !spawn && *name != memory_name
        })
        .collect();
    if !missing.is_empty() {
        return Err(RunError::Module(ModuleError::UnsupportedImports(missing)));
    }
    let exports: Vec<String> = WebAssembly::Module::exports(module)
        .iter()
        .filter_map(|e| Reflect::get(&e, &"name".into()).ok()?.as_string())
        .collect();
    let exported = |name: &str| exports.iter().any(|e| e == name);
    if spawns && !exported("wasi_thread_start") {
        return Err(ModuleError::NotAThreadsModule("does not export wasi_thread_start").into());
    }
    match (exported("_start"), exported("_initialize")) {
        (true, _) => Ok("_start"),
        (false, true) => Ok("_initialize"),
        (false, false) => Err(ModuleError::NoEntryPoint.into()),
    }
}

/// The id `thread-spawn` calls are posted under (after every WASI
/// function's).
fn spawn_id() -> u32 {
    (syscalls::SIGNATURES.len() * syscalls::MODULES.len()) as u32
}

/// `[table, ids]`: the functions a worker may post, by id, as `[module
/// index, name, parameter count, mask of i64 parameters]`, and the id of
/// each by import module and name (`thread-spawn` included).
fn function_table() -> (Array, Object) {
    let table = Array::new();
    let ids = Object::new();
    for (index, (module, flavor)) in syscalls::MODULES.iter().enumerate() {
        let by_name = Object::new();
        for name in Array::from(&names(*flavor)).iter() {
            let Some(sig) = name.as_string().and_then(|n| syscalls::signature(*flavor, &n)) else { continue };
            let wide = sig
                .params
                .iter()
                .enumerate()
                .filter(|(_, t)| **t == ValType::I64)
                .fold(0u32, |m, (i, _)| m | 1 << i);
            let _ = Reflect::set(&by_name, &name, &JsValue::from(table.length()));
            table.push(&Array::of4(
                &JsValue::from(index as u32),
                &name,
                &JsValue::from(sig.params.len() as u32),
                &JsValue::from(wide),
            ));
        }
        let _ = Reflect::set(&ids, &(*module).into(), &by_name);
    }
    let spawn = Object::new();
    let _ = Reflect::set(&spawn, &"thread-spawn".into(), &JsValue::from(spawn_id()));
    let _ = Reflect::set(&ids, &"wasi".into(), &spawn);
    (table, ids)
}

/// The shared memory the program imports, as its import declares it.
fn shared_memory(import: &MemoryImport) -> Result<WebAssembly::Memory, RunError> {
    let descriptor = Object::new();
    let _ = Reflect::set(&descriptor, &"initial".into(), &JsValue::from(import.initial as f64));
    if let Some(max) = import.maximum {
        let _ = Reflect::set(&descriptor, &"maximum".into(), &JsValue::from(max as f64));
    }
    let _ = Reflect::set(&descriptor, &"shared".into(), &JsValue::TRUE);
    WebAssembly::Memory::new(&descriptor).map_err(|e| {
        RunError::Instantiate(format!(
            "the program's shared memory ({} pages, at most {}) could not be made: {}",
            import.initial,
            import.maximum.unwrap_or(0),
            error_message(&e)
        ))
    })
}

/// Runs a threads program from its bytes.
pub(crate) async fn run_threads(
    bytes: &Uint8Array,
    memory_import: MemoryImport,
    config: WasiConfig,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    if !threads_available() {
        return Err(ConfigError::ThreadsNeedCrossOriginIsolation.into());
    }
    let module: WebAssembly::Module = JsFuture::from(WebAssembly::compile(bytes))
        .await
        .map_err(|e| RunError::Compile(error_message(&e)))?
        .unchecked_into();
    let entry = entry_point(&module, &memory_import)?;
    let max_threads = config.limits.threads;
    let signal = options.signal.clone();
    let session = Wasi::for_kernel(config, options)?;
    let memory = shared_memory(&memory_import)?;
    session.attach_memory(&memory);

    let kernel = JsFuture::from(import_module(&wasm_bindgen::link_to!(module = "/js/threads.js")))
        .await
        .map_err(|e| {
            RunError::Instantiate(format!("the threads kernel could not be loaded: {}", error_message(&e)))
        })?;
    let run: js_sys::Function =
        Reflect::get(&kernel, &"run_threads".into()).unwrap_or_default().unchecked_into();
    let (table, ids) = function_table();
    let p = Object::new();
    let dispatchers: Array = session.dispatchers().iter().collect();
    for (key, value) in [
        ("module", JsValue::from(&module)),
        ("memory", memory.into()),
        ("memoryModule", memory_import.module.as_str().into()),
        ("memoryName", memory_import.name.as_str().into()),
        ("entry", entry.into()),
        ("workerUrl", wasm_bindgen::link_to!(module = "/js/thread_worker.js").into()),
        ("dispatchers", dispatchers.into()),
        ("table", table.into()),
        ("ids", ids.into()),
        ("spawnId", spawn_id().into()),
        ("maxThreads", max_threads.into()),
        ("pending", PENDING.into()),
        ("raise", RAISE.into()),
        ("signal", signal.map_or(JsValue::UNDEFINED, JsValue::from)),
    ] {
        let _ = Reflect::set(&p, &key.into(), &value);
    }
    let outcome = run
        .call1(&JsValue::UNDEFINED, &p)
        .map(js_sys::Promise::from)
        .map_err(|e| RunError::Instantiate(error_message(&e)))?;
    let outcome = JsFuture::from(outcome).await.map_err(|e| RunError::Instantiate(error_message(&e)))?;
    let kind = Reflect::get(&outcome, &"kind".into()).ok().and_then(|k| k.as_string()).unwrap_or_default();
    // "returned" or "ended": the state says whether proc_exit or a fault
    // ended it (and it wins over a trap that came after).
    let termination = match kind.as_str() {
        "trap" if session.ended().is_none() => {
            let message = Reflect::get(&outcome, &"message".into()).ok().and_then(|m| m.as_string());
            Termination::Trap(message.unwrap_or_default())
        }
        _ => session.termination(Ok(JsValue::UNDEFINED)),
    };
    let threads = Reflect::get(&outcome, &"spawned".into()).ok().and_then(|n| n.as_f64()).unwrap_or(0.0);
    let mut output = session.finish_with(termination, None)?;
    output.threads = threads as u32;
    Ok(output)
}
