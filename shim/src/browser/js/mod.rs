//! The JavaScript API: `runWasi(module, options)` and its result.

use js_sys::{Array, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

mod dir_spec;
mod options;
mod wasi_class;

pub use wasi_class::WasiObject;

use super::{RunError, RunOutput, Termination};
use dir_spec::{entries_to_js, node_to_js, preopens_to_js};
use options::{parse_options, read_pending};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/**
 * A directory's contents: a name maps to file bytes, text (stored as UTF-8),
 * a `File` (from an <input type="file"> or a drop), `{ symlink: "target" }`,
 * `{ size, read }` (a file whose bytes `read(0, size)` returns, called once,
 * synchronously, when the program first reads it), or a nested directory
 * (`null` is an empty one).
 */
export type DirSpec = {
  [name: string]: Uint8Array | ArrayBuffer | string | File | { symlink: string }
    | { size: number, read: (offset: number, length: number) => Uint8Array } | DirSpec | null
};

/** How to run a WASI program. */
export interface RunOptions {
  /** argv, including argv[0]. */
  args?: string[];
  /** Environment variables, in order. */
  env?: Record<string, string>;
  /**
   * What the program reads on stdin: fixed bytes or text, or a function
   * called whenever the program wants more input, returning (a promise of)
   * the next chunk, or null at the end. A function needs JSPI
   * (WebAssembly.Suspending), which Chrome and Firefox have.
   */
  stdin?: Uint8Array | string | (() => Uint8Array | string | null | Promise<Uint8Array | string | null>);
  /**
   * Directories to expose, by guest path (e.g. "/data"): a DirSpec, a
   * FileList (such as a folder picked with <input webkitdirectory>), laid
   * out by each file's webkitRelativePath, or a FileSystemDirectoryHandle
   * (OPFS: `await navigator.storage.getDirectory()`, or a folder from
   * `showDirectoryPicker()`), which the program reads and writes in place:
   * entries are read when it reaches them, a file's writes go back when it
   * syncs or closes it and when the run ends. A handle needs JSPI.
   */
  preopens?: Record<string, DirSpec | FileList | File[] | FileSystemDirectoryHandle>;
  /** Guest paths of preopens the program may read but not change. */
  readonly?: string[];
  /** Called with each chunk written to stdout, as it is written. */
  onStdout?: (chunk: Uint8Array) => void;
  /** Called with each chunk written to stderr, as it is written. */
  onStderr?: (chunk: Uint8Array) => void;
  /** What the program may use; see Limits. */
  limits?: Limits;
  /**
   * Stops the run when aborted; it resolves with `stopped` set, its output
   * and files kept. A threads program is stopped at once (its workers are
   * terminated); any other program at its next WASI call, or in a call
   * that waits (a sleep, stdin). A program spinning without WASI calls
   * cannot be stopped on its own thread: run it in a worker and terminate
   * the worker.
   */
  signal?: AbortSignal;
}

/**
 * What a run may use. A program at a limit gets an errno, as on a full disk
 * (ENOSPC) or with too many open files (EMFILE); output past its limit still
 * goes to onStdout/onStderr but is not kept (stdoutDropped counts it).
 */
export interface Limits {
  /** Bytes the program's files may hold together (default 1 GiB; bytes the page gave do not count). */
  fileBytes?: number;
  /** Files, directories and links, preopens included (default 100,000). */
  inodes?: number;
  /** Bytes of stdout kept in the result (default 64 MiB). */
  stdoutBytes?: number;
  /** Bytes of stderr kept in the result (default 64 MiB). */
  stderrBytes?: number;
  /** Open descriptors (default 65,536). */
  descriptors?: number;
  /**
   * Threads a wasi-threads program may run at once besides its main thread,
   * each a Web Worker; thread-spawn fails beyond (default 64).
   */
  threads?: number;
}

/**
 * Runs a wasm32-wasip1 program, or a wasm32-wasip2 component of the
 * wasi:cli/command world (the package's index.js loads the component
 * support, a package of its own, the first time it is given one). `module`
 * is its bytes, a compiled module, or a fetch() response.
 * Rejects with an Error whose `name` is `ModuleError` (not a runnable
 * wasip1 module, or imports the shim lacks, a component's too: each
 * named), `ComponentError` (a component that cannot run here otherwise:
 * the message says why),
 * `ConfigError`, `CompileError` or `InstantiateError`; a trap during the
 * run resolves, with `trap` set. A component's run has no interactive
 * stdin and no directory handles yet (ComponentError).
 */
export function runWasi(
  module: Uint8Array | ArrayBuffer | WebAssembly.Module | Response | Promise<Response>,
  options?: RunOptions,
): Promise<RunResult>;
"#;

/// The outcome of [`run_wasi`]: exit code or trap, captured output, and
/// the preopens' contents after the run.
#[wasm_bindgen]
pub struct RunResult {
    inner: RunOutput,
}

#[wasm_bindgen]
impl RunResult {
    /// The exit code (`_start` returning is 0); `undefined` after a trap or
    /// a stop.
    #[wasm_bindgen(getter, js_name = exitCode)]
    pub fn exit_code(&self) -> Option<u32> {
        self.inner.exit_code()
    }

    /// The trap message if the program trapped, else `undefined`.
    #[wasm_bindgen(getter)]
    pub fn trap(&self) -> Option<String> {
        match &self.inner.termination {
            Termination::Trap(m) => Some(m.clone()),
            Termination::Exit(_) | Termination::Stopped => None,
        }
    }

    /// Whether the run was stopped by its `signal`.
    #[wasm_bindgen(getter)]
    pub fn stopped(&self) -> bool {
        self.inner.termination == Termination::Stopped
    }

    /// All bytes written to stdout (the same array on every access).
    #[wasm_bindgen(getter)]
    pub fn stdout(&self) -> Uint8Array {
        self.inner.stdout.as_js().clone()
    }

    /// Bytes of stdout written past the `stdoutBytes` limit: streamed to
    /// `onStdout`, not kept in `stdout`.
    #[wasm_bindgen(getter, js_name = stdoutDropped)]
    pub fn stdout_dropped(&self) -> f64 {
        self.inner.stdout.dropped() as f64
    }

    /// Bytes of stderr written past the `stderrBytes` limit.
    #[wasm_bindgen(getter, js_name = stderrDropped)]
    pub fn stderr_dropped(&self) -> f64 {
        self.inner.stderr.dropped() as f64
    }

    /// How many threads a wasi-threads program started; 0 for any other.
    #[wasm_bindgen(getter)]
    pub fn threads(&self) -> u32 {
        self.inner.threads
    }

    /// Why a directory handle refused what the program left unsynced when
    /// it ended (written back then): `"ENOSPC (51)"` for a full quota, or
    /// the browser's error; `undefined` when everything was written.
    #[wasm_bindgen(getter, js_name = storeError)]
    pub fn store_error(&self) -> Option<String> {
        self.inner.store_error.clone()
    }

    /// All bytes written to stderr (the same array on every access).
    #[wasm_bindgen(getter)]
    pub fn stderr(&self) -> Uint8Array {
        self.inner.stderr.as_js().clone()
    }

    /// The preopens after the run: `{ "/data": DirSpec }`, files as
    /// `Uint8Array`, symlinks as `{ symlink: target }`.
    #[wasm_bindgen(unchecked_return_type = "Record<string, DirSpec>")]
    pub fn preopens(&self) -> Object {
        preopens_to_js(self.inner.fs.view())
    }

    /// Every file, directory and link below the preopens after the run:
    /// `[{ path, type: "file" | "directory" | "symlink", size, mtime }]`,
    /// `mtime` in milliseconds since the epoch.
    #[wasm_bindgen(js_name = listFiles, unchecked_return_type = "Array<{ path: string, type: string, size: number, mtime: number, target?: string }>")]
    pub fn list_files(&self) -> Array {
        entries_to_js(&self.inner.fs.entries())
    }

    /// What an absolute guest path holds after the run: a file's bytes, a
    /// directory as a DirSpec, `{ symlink }`; `undefined` if nothing.
    #[wasm_bindgen(js_name = readPath, unchecked_return_type = "Uint8Array | DirSpec | undefined")]
    pub fn read_path(&self, path: &str) -> JsValue {
        let fs = self.inner.fs.view();
        fs.lookup(path).map_or(JsValue::UNDEFINED, |ino| node_to_js(fs, ino))
    }
}

/// Runs a wasm32-wasip1 program in this page or worker.
#[wasm_bindgen(js_name = runWasi, skip_typescript)]
pub async fn run_wasi(module: JsValue, options: JsValue) -> Result<RunResult, JsValue> {
    let (mut config, opts, pending) = parse_options(&options).map_err(|m| error("ConfigError", &m))?;
    read_pending(&mut config, pending).await.map_err(|m| error("ConfigError", &m))?;
    let result = match module_source(module).await? {
        Source::Compiled(m) => super::run::run_compiled(&m, config, opts).await,
        Source::Bytes(b) => super::run::run_js_bytes(&b, config, opts).await,
        #[cfg(feature = "preview2")]
        Source::Component(b) => super::component::run_component(&b.to_vec(), config, opts).await,
    };
    result.map(|inner| RunResult { inner }).map_err(js_error)
}

/// Makes the browser compile the shim's common paths now rather than
/// during the first real run, by running a tiny WASI module once (its
/// calls: args, environ, preopens, open/write/seek/read/close, readdir,
/// rename, unlink, clocks, randomness). The package's `init()` calls it; it
/// takes a few milliseconds and saves them on the first run.
#[wasm_bindgen]
pub async fn prime() -> Result<(), JsValue> {
    let bytes = Uint8Array::from(&include_bytes!(concat!(env!("OUT_DIR"), "/prime.wasm"))[..]);
    let options = Object::new();
    Reflect::set(&options, &"args".into(), &Array::of2(&"prime".into(), &"x".into()))?;
    let env = Object::new();
    Reflect::set(&env, &"K".into(), &"V".into())?;
    Reflect::set(&options, &"env".into(), &env)?;
    let dir = Object::new();
    Reflect::set(&dir, &"f".into(), &"x".into())?;
    let pre = Object::new();
    Reflect::set(&pre, &"/p".into(), &dir)?;
    Reflect::set(&options, &"preopens".into(), &pre)?;
    let result = run_wasi(bytes.into(), options.into()).await?;
    let _ = (result.stdout(), result.stderr(), result.exit_code());
    Ok(())
}

enum Source {
    Compiled(WebAssembly::Module),
    Bytes(Uint8Array),
    /// A wasip2 component's bytes (the component package only).
    #[cfg(feature = "preview2")]
    Component(Uint8Array),
}

/// What `runWasi` was given, as a compiled module or bytes whose header was
/// checked (so that a component or a non-wasm file gets a clear error).
async fn module_source(mut module: JsValue) -> Result<Source, JsValue> {
    if module.has_type::<js_sys::Promise>() {
        module = JsFuture::from(js_sys::Promise::from(module)).await?;
    }
    if let Some(m) = module.dyn_ref::<WebAssembly::Module>() {
        return Ok(Source::Compiled(m.clone()));
    }
    if module.has_type::<web_sys::Response>() {
        let response: web_sys::Response = module.unchecked_into();
        if !response.ok() {
            return Err(error(
                "ModuleError",
                &format!("fetching the module failed: HTTP {}", response.status()),
            ));
        }
        module = JsFuture::from(response.array_buffer()?).await?;
    }
    if !module.is_instance_of::<Uint8Array>() && !module.is_instance_of::<js_sys::ArrayBuffer>() {
        return Err(error(
            "TypeError",
            "module must be a Uint8Array, an ArrayBuffer, a WebAssembly.Module or a Response",
        ));
    }
    let bytes = if module.is_instance_of::<Uint8Array>() {
        module.unchecked_into::<Uint8Array>()
    } else {
        Uint8Array::new(&module)
    };
    let head = bytes.subarray(0, 8.min(bytes.length())).to_vec();
    #[cfg(feature = "preview2")]
    if super::component::is_component(&head) {
        return Ok(Source::Component(bytes));
    }
    crate::module::check_header(&head).map_err(|e| js_error(RunError::Module(e)))?;
    Ok(Source::Bytes(bytes))
}

pub(super) fn js_error(e: RunError) -> JsValue {
    let name = match e {
        RunError::Module(_) => "ModuleError",
        RunError::Config(_) => "ConfigError",
        RunError::Compile(_) => "CompileError",
        RunError::Instantiate(_) => "InstantiateError",
        RunError::Component(_) => "ComponentError",
    };
    error(name, &e.to_string())
}

pub(super) fn error(name: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    e.into()
}
