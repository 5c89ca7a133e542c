//! The JavaScript `WASI` class, shaped like node:wasi's so that code written
//! for it ports by changing the import: `new WASI(options)`,
//! `getImportObject()`, `wasiImport`, `start`, `initialize`, and
//! `startAsync` for JSPI; plus reading the files and output back.

use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use super::dir_spec::{entries_to_js, node_to_js, preopens_to_js};
use super::options::{get, parse_options, read_pending};
use super::{error, js_error};
use crate::browser::wasi::{Wasi, WasiError, WasiVersion};

#[wasm_bindgen(typescript_custom_section)]
const TS_WASI: &str = r#"
/** Options of `new WASI(options)`: node:wasi's, plus what a page needs. */
export interface WASIOptions extends RunOptions {
  /** "preview1" (imports wasi_snapshot_preview1, the default) or "unstable" (wasi_unstable). */
  version?: "preview1" | "unstable";
  /** Called with each chunk of stdout (node:wasi's name for onStdout); a number (a host fd) means: capture it. */
  stdout?: number | ((chunk: Uint8Array) => void);
  /** As stdout, for stderr. */
  stderr?: number | ((chunk: Uint8Array) => void);
  /** start() returns proc_exit's code (default true); false: it throws a WasiExitError. */
  returnOnExit?: boolean;
  /** The memory, for a module that imports it instead of exporting it. */
  memory?: WebAssembly.Memory;
}
"#;

/// node:wasi's `WASI`, in a browser: one guest's WASI state and the
/// import object its instance links against; the files and descriptors it
/// has stay between calls into it.
#[wasm_bindgen(js_name = WASI)]
pub struct WasiObject {
    wasi: Rc<Wasi>,
}

/// Reads the options a `WASI` takes beyond `runWasi`'s.
fn make(
    options: &JsValue,
    config: crate::config::WasiConfig,
    run: crate::browser::RunOptions,
) -> Result<WasiObject, JsValue> {
    let mut wasi = Wasi::new(config, run).map_err(js_error)?;
    if let Some(v) = get(options, "version") {
        match v.as_string().as_deref() {
            Some("preview1") => {}
            Some("unstable") => wasi.set_version(WasiVersion::Unstable),
            _ => return Err(error("ConfigError", "version must be \"preview1\" or \"unstable\"")),
        }
    }
    if let Some(r) = get(options, "returnOnExit") {
        wasi.set_return_on_exit(
            r.as_bool().ok_or_else(|| error("ConfigError", "returnOnExit must be a boolean"))?,
        );
    }
    if let Some(m) = get(options, "memory") {
        let m = m
            .dyn_into::<WebAssembly::Memory>()
            .map_err(|_| error("ConfigError", "memory must be a WebAssembly.Memory"))?;
        wasi.use_memory(&m);
    }
    Ok(WasiObject { wasi: Rc::new(wasi) })
}

/// A `WasiError` as node:wasi throws it: an `Error` with a `code` (and, for
/// `proc_exit`, the exit code).
fn wasi_error(e: WasiError) -> JsValue {
    let (name, code) = match &e {
        WasiError::AlreadyStarted => ("Error", Some("ERR_WASI_ALREADY_STARTED")),
        WasiError::InvalidInstance(_) => ("TypeError", Some("ERR_INVALID_ARG_TYPE")),
        WasiError::NeedsAsync => ("Error", Some("ERR_WASI_NEEDS_ASYNC")),
        WasiError::Exit(_) => ("WasiExitError", None),
        WasiError::Trap(_) => ("RuntimeError", None),
        WasiError::Fault(_) => ("WasiHostError", None),
        WasiError::Stopped => ("AbortError", None),
    };
    let err = error(name, &e.to_string());
    if let Some(code) = code {
        let _ = Reflect::set(&err, &"code".into(), &code.into());
    }
    if let WasiError::Exit(c) = e {
        let _ = Reflect::set(&err, &"code".into(), &c.into());
    }
    err
}

#[wasm_bindgen(js_class = WASI)]
impl WasiObject {
    /// `new WASI(options)`: `args`, `env`, `preopens` (DirSpecs: text,
    /// bytes, nested objects, `{ symlink }`), `stdin`, `stdout`/`stderr`
    /// listeners, `readonly`, `limits`, `version`, `returnOnExit`,
    /// `memory`. A `File` in a preopen has to be read first, which only
    /// `await WASI.create(options)` can do.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "WASIOptions")] options: JsValue,
    ) -> Result<WasiObject, JsValue> {
        let (config, run, pending) = parse_options(&options).map_err(|m| error("ConfigError", &m))?;
        if pending.iter().any(|p| !p.is_empty()) {
            return Err(error(
                "ConfigError",
                "a File in preopens must be read first: use `await WASI.create(options)`",
            ));
        }
        make(&options, config, run)
    }

    /// `await WASI.create(options)`: as `new WASI(options)`, and preopens
    /// may hold `File`s and `FileList`s (read before it resolves).
    pub async fn create(
        #[wasm_bindgen(unchecked_param_type = "WASIOptions")] options: JsValue,
    ) -> Result<WasiObject, JsValue> {
        let (mut config, run, pending) = parse_options(&options).map_err(|m| error("ConfigError", &m))?;
        read_pending(&mut config, pending).await.map_err(|m| error("ConfigError", &m))?;
        make(&options, config, run)
    }

    /// `{ wasi_snapshot_preview1: wasiImport }` (`wasi_unstable` for
    /// version "unstable"), to spread into an import object with the
    /// module's own imports.
    #[wasm_bindgen(js_name = getImportObject)]
    pub fn get_import_object(&self) -> Object {
        self.wasi.import_object()
    }

    /// The WASI functions, an object to import as `wasi_snapshot_preview1`.
    #[wasm_bindgen(getter, js_name = wasiImport)]
    pub fn wasi_import(&self) -> Object {
        self.wasi.wasi_import()
    }

    /// Runs a command's `_start`; returns its exit code (0 when it returns,
    /// `proc_exit`'s code otherwise). Throws, as node:wasi does, when
    /// called twice or on an instance without `_start` or memory; a trap is
    /// rethrown. Calls that wait block: use `startAsync` for JSPI.
    pub fn start(&self, instance: WebAssembly::Instance) -> Result<u32, JsValue> {
        self.wasi.start(&instance).map_err(wasi_error)
    }

    /// As `start`, but calls that wait (a sleep, interactive stdin)
    /// suspend the program through JSPI, leaving the page's event loop
    /// free; resolves to the exit code.
    #[wasm_bindgen(js_name = startAsync)]
    pub fn start_async(&self, instance: WebAssembly::Instance) -> js_sys::Promise {
        let wasi = self.wasi.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            wasi.start_async(&instance).await.map(JsValue::from).map_err(wasi_error)
        })
    }

    /// Initializes a reactor (runs `_initialize` if it has one); then call
    /// `instance.exports.*` freely. A `proc_exit` inside an export ends
    /// that call with a `WasiExitError` carrying the code.
    pub fn initialize(&self, instance: WebAssembly::Instance) -> Result<(), JsValue> {
        self.wasi.initialize(&instance).map_err(wasi_error)
    }

    /// What an absolute guest path holds now: a file's bytes, a directory
    /// as a DirSpec, `{ symlink }`; `undefined` if nothing.
    #[wasm_bindgen(js_name = readPath, unchecked_return_type = "Uint8Array | DirSpec | undefined")]
    pub fn read_path(&self, path: &str) -> JsValue {
        let found = self
            .wasi
            .with_filesystem(|fs| fs.lookup(path).map_or(JsValue::UNDEFINED, |ino| node_to_js(fs, ino)));
        found.unwrap_or(JsValue::UNDEFINED)
    }

    /// Every file, directory and link below the preopens now, as
    /// `runWasi`'s result lists them.
    #[wasm_bindgen(js_name = listFiles, unchecked_return_type = "Array<{ path: string, type: string, size: number, mtime: number, target?: string }>")]
    pub fn list_files(&self) -> Array {
        self.wasi.with_filesystem(|fs| entries_to_js(&fs.entries())).unwrap_or_default()
    }

    /// The preopens now: `{ "/data": DirSpec }`.
    #[wasm_bindgen(unchecked_return_type = "Record<string, DirSpec>")]
    pub fn preopens(&self) -> Object {
        self.wasi.with_filesystem(preopens_to_js).unwrap_or_default()
    }

    /// Why a directory handle refused what the program left unsynced when
    /// `startAsync` ended, as `runWasi`'s `storeError`; else `undefined`.
    #[wasm_bindgen(getter, js_name = storeError)]
    pub fn store_error(&self) -> Option<String> {
        self.wasi.store_error()
    }

    /// Everything written to stdout so far (not what a listener was given
    /// past the `stdoutBytes` limit).
    pub fn stdout(&self) -> Uint8Array {
        self.wasi.stdout().as_js().clone()
    }

    /// Everything written to stderr so far.
    pub fn stderr(&self) -> Uint8Array {
        self.wasi.stderr().as_js().clone()
    }
}
