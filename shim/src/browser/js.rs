//! The JavaScript API: `runWasi(module, options)`.

use std::collections::BTreeMap;

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::{JsBytes, JsListener};
use super::{RunError, RunOptions, RunOutput, Termination};
use crate::ctx::{OutputSink, Preopen, WasiConfig};
use crate::vfs::FileData;
use crate::vfs::Tree;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = r#"
/**
 * A directory's contents: a name maps to file bytes, text (stored as UTF-8),
 * a `File` (from an <input type="file"> or a drop), `{ symlink: "target" }`,
 * or a nested directory (`null` is an empty one).
 */
export type DirSpec = { [name: string]: Uint8Array | ArrayBuffer | string | File | { symlink: string } | DirSpec | null };

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
   * Directories to expose, by guest path (e.g. "/data"): a DirSpec, or a
   * FileList (such as a folder picked with <input webkitdirectory>), laid
   * out by each file's webkitRelativePath.
   */
  preopens?: Record<string, DirSpec | FileList | File[]>;
  /** Guest paths of preopens the program may read but not change. */
  readonly?: string[];
  /** Called with each chunk written to stdout, as it is written. */
  onStdout?: (chunk: Uint8Array) => void;
  /** Called with each chunk written to stderr, as it is written. */
  onStderr?: (chunk: Uint8Array) => void;
}

/**
 * Runs a wasm32-wasip1 program. `module` is its bytes, a compiled module,
 * or a fetch() response.
 * Rejects with an Error whose `name` is `ModuleError` (not a runnable
 * wasip1 module), `ConfigError`, `CompileError` or `InstantiateError`; a
 * trap during the run resolves, with `trap` set.
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
    /// The exit code (`_start` returning is 0); `undefined` after a trap.
    #[wasm_bindgen(getter, js_name = exitCode)]
    pub fn exit_code(&self) -> Option<u32> {
        self.inner.exit_code()
    }

    /// The trap message if the program trapped, else `undefined`.
    #[wasm_bindgen(getter)]
    pub fn trap(&self) -> Option<String> {
        match &self.inner.termination {
            Termination::Trap(m) => Some(m.clone()),
            Termination::Exit(_) => None,
        }
    }

    /// All bytes written to stdout (the same array on every access).
    #[wasm_bindgen(getter)]
    pub fn stdout(&self) -> Uint8Array {
        self.inner.stdout.as_js().clone()
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
        let out = Object::new();
        for (path, tree) in self.inner.fs.trees() {
            let _ = Reflect::set(&out, &path.into(), &tree_to_js(&tree));
        }
        out
    }

    /// Every file, directory and link below the preopens after the run:
    /// `[{ path, type: "file" | "directory" | "symlink", size, mtime }]`,
    /// `mtime` in milliseconds since the epoch.
    #[wasm_bindgen(js_name = listFiles, unchecked_return_type = "Array<{ path: string, type: string, size: number, mtime: number }>")]
    pub fn list_files(&self) -> Array {
        self.inner
            .fs
            .entries()
            .into_iter()
            .map(|e| {
                let o = Object::new();
                let kind = match e.filetype {
                    crate::abi::Filetype::Directory => "directory",
                    crate::abi::Filetype::SymbolicLink => "symlink",
                    _ => "file",
                };
                let _ = Reflect::set(&o, &"path".into(), &e.path.into());
                let _ = Reflect::set(&o, &"type".into(), &kind.into());
                let _ = Reflect::set(&o, &"size".into(), &(e.size as f64).into());
                let _ = Reflect::set(&o, &"mtime".into(), &(e.mtim as f64 / 1e6).into());
                JsValue::from(o)
            })
            .collect()
    }

    /// What an absolute guest path holds after the run: a file's bytes, a
    /// directory as a DirSpec, `{ symlink }`; `undefined` if nothing.
    #[wasm_bindgen(js_name = readPath, unchecked_return_type = "Uint8Array | DirSpec | undefined")]
    pub fn read_path(&self, path: &str) -> JsValue {
        self.inner.fs.get(path).map_or(JsValue::UNDEFINED, |t| tree_to_js(&t))
    }
}

/// Runs a wasm32-wasip1 program in this page or worker.
#[wasm_bindgen(js_name = runWasi, skip_typescript)]
pub async fn run_wasi(module: JsValue, options: JsValue) -> Result<RunResult, JsValue> {
    let (config, opts) = parse_options(&options).await.map_err(|m| error("ConfigError", &m))?;
    let result = match module_source(module).await? {
        Source::Compiled(m) => super::run_compiled(&m, config, opts).await,
        Source::Bytes(b) => super::run_js_bytes(&b, config, opts).await,
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
    crate::module::check_header(&head).map_err(|e| js_error(RunError::Module(e)))?;
    Ok(Source::Bytes(bytes))
}

fn js_error(e: RunError) -> JsValue {
    let name = match e {
        RunError::Module(_) => "ModuleError",
        RunError::Config(_) => "ConfigError",
        RunError::Compile(_) => "CompileError",
        RunError::Instantiate(_) => "InstantiateError",
    };
    error(name, &e.to_string())
}

fn error(name: &str, message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name(name);
    e.into()
}

fn get(obj: &JsValue, key: &str) -> Option<JsValue> {
    if obj.is_undefined() || obj.is_null() {
        return None;
    }
    Reflect::get(obj, &key.into()).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// A file's contents from a string (UTF-8, copied in) or a `Uint8Array` /
/// `ArrayBuffer` (used in place until the program changes the file: the
/// page's buffer is never written to).
fn file_data(v: &JsValue, what: &str) -> Result<FileData, String> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        Ok(FileData::External(Rc::new(JsBytes::new(a.clone()))))
    } else if v.is_instance_of::<js_sys::ArrayBuffer>() {
        Ok(FileData::External(Rc::new(JsBytes::new(Uint8Array::new(v)))))
    } else {
        bytes_or_text(v, what).map(FileData::Owned)
    }
}

/// Bytes from a string (UTF-8), a `Uint8Array` or an `ArrayBuffer`, copied
/// once into the shim (`new Uint8Array(typedArray)` would copy twice).
fn bytes_or_text(v: &JsValue, what: &str) -> Result<Vec<u8>, String> {
    if let Some(s) = v.as_string() {
        Ok(s.into_bytes())
    } else if let Some(a) = v.dyn_ref::<Uint8Array>() {
        Ok(a.to_vec())
    } else if v.is_instance_of::<js_sys::ArrayBuffer>() {
        Ok(Uint8Array::new(v).to_vec())
    } else {
        Err(format!("{what} must be a string or a Uint8Array"))
    }
}

async fn parse_options(o: &JsValue) -> Result<(WasiConfig, RunOptions), String> {
    let mut config = WasiConfig::new();
    if let Some(args) = get(o, "args") {
        let args: Array = args.dyn_into().map_err(|_| "args must be an array of strings")?;
        for a in args.iter() {
            config.args.push(a.as_string().ok_or("args must be an array of strings")?);
        }
    }
    if let Some(env) = get(o, "env") {
        for entry in Object::entries(env.dyn_ref::<Object>().ok_or("env must be an object")?).iter() {
            let entry: Array = entry.unchecked_into();
            let value = entry.get(1).as_string().ok_or("env values must be strings")?;
            config.env.push((entry.get(0).as_string().unwrap_or_default(), value));
        }
    }
    let mut feed = None;
    if let Some(stdin) = get(o, "stdin") {
        match stdin.dyn_into::<Function>() {
            Ok(f) => feed = Some(stdin_feed(f)),
            Err(stdin) => config.stdin = bytes_or_text(&stdin, "stdin")?,
        }
    }
    let readonly: Vec<String> = match get(o, "readonly") {
        Some(r) => r
            .dyn_into::<Array>()
            .map_err(|_| "readonly must be an array")?
            .iter()
            .filter_map(|v| v.as_string())
            .collect(),
        None => Vec::new(),
    };
    if let Some(pre) = get(o, "preopens") {
        for entry in Object::entries(pre.dyn_ref::<Object>().ok_or("preopens must be an object")?).iter() {
            let entry: Array = entry.unchecked_into();
            let path = entry.get(0).as_string().unwrap_or_default();
            let tree = preopen_from_js(entry.get(1), &path).await?;
            if !matches!(tree, Tree::Dir(_)) {
                return Err(format!("preopen {path} must be a directory object"));
            }
            config.preopens.push(Preopen { readonly: readonly.contains(&path), guest_path: path, tree });
        }
    }
    let sink = |k: &str| -> Result<Option<Box<dyn OutputSink>>, String> {
        match get(o, k) {
            Some(f) => {
                Ok(Some(Box::new(JsListener(f.dyn_into().map_err(|_| format!("{k} must be a function"))?))))
            }
            None => Ok(None),
        }
    };
    let opts = RunOptions { on_stdout: sink("onStdout")?, on_stderr: sink("onStderr")?, stdin: feed };
    Ok((config, opts))
}

/// Interactive stdin from a JS function returning (a promise of) the next
/// chunk, or `null` at the end.
fn stdin_feed(f: Function) -> super::StdinFeed {
    Box::new(move || {
        let result = f.call0(&JsValue::NULL);
        Box::pin(async move {
            let value = match result {
                Ok(v) if v.has_type::<js_sys::Promise>() => {
                    JsFuture::from(js_sys::Promise::from(v)).await.ok()?
                }
                Ok(v) => v,
                Err(_) => return None,
            };
            if value.is_null() || value.is_undefined() {
                return None;
            }
            bytes_or_text(&value, "stdin chunk").ok()
        })
    })
}

/// A preopen's value: a DirSpec, or a FileList / array of `File`s laid out
/// by their `webkitRelativePath`.
async fn preopen_from_js(v: JsValue, path: &str) -> Result<Tree, String> {
    let files: Option<Vec<web_sys::File>> = if let Some(list) = v.dyn_ref::<web_sys::FileList>() {
        Some((0..list.length()).filter_map(|i| list.get(i)).collect())
    } else if Array::is_array(&v) {
        Array::from(&v).iter().map(|f| f.dyn_into::<web_sys::File>().ok()).collect()
    } else {
        None
    };
    let Some(files) = files else { return tree_from_js(v, path.to_string()).await };
    let mut root = Tree::dir();
    for file in files {
        let rel = Reflect::get(&file, &"webkitRelativePath".into())
            .ok()
            .and_then(|p| p.as_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| file.name());
        let bytes = file_bytes(&file).await?;
        insert_path(&mut root, &rel, Tree::File(bytes));
    }
    Ok(root)
}

/// Puts `leaf` at a `/`-separated path inside a directory tree.
fn insert_path(root: &mut Tree, path: &str, leaf: Tree) {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    let Some((last, dirs)) = parts.split_last() else { return };
    let mut dir = root;
    for part in dirs {
        let Tree::Dir(entries) = dir else { return };
        dir = entries.entry(part.to_string()).or_insert_with(Tree::dir);
    }
    if let Tree::Dir(entries) = dir {
        entries.insert(last.to_string(), leaf);
    }
}

/// A `File`'s contents (read into a buffer of our own, used in place).
async fn file_bytes(file: &web_sys::File) -> Result<FileData, String> {
    let buf =
        JsFuture::from(file.array_buffer()).await.map_err(|_| format!("could not read {}", file.name()))?;
    Ok(FileData::External(Rc::new(JsBytes::new(Uint8Array::new(&buf)))))
}

/// A `DirSpec` value to a tree: bytes, text or a `File` are files,
/// `{ symlink }` a link, other objects (or `null`) directories.
fn tree_from_js(v: JsValue, path: String) -> Pin<Box<dyn Future<Output = Result<Tree, String>>>> {
    Box::pin(async move {
        if v.is_null() || v.is_undefined() {
            return Ok(Tree::dir());
        }
        if let Some(file) = v.dyn_ref::<web_sys::File>() {
            return Ok(Tree::File(file_bytes(file).await?));
        }
        if v.as_string().is_some()
            || v.is_instance_of::<Uint8Array>()
            || v.is_instance_of::<js_sys::ArrayBuffer>()
        {
            return Ok(Tree::File(file_data(&v, &path)?));
        }
        let obj = v.dyn_ref::<Object>().ok_or_else(|| format!("{path}: not a file or directory"))?;
        if let Some(target) = get(&v, "symlink").and_then(|t| t.as_string()) {
            return Ok(Tree::Symlink(target));
        }
        let mut entries = BTreeMap::new();
        for entry in Object::entries(obj).iter() {
            let entry: Array = entry.unchecked_into();
            let name = entry.get(0).as_string().unwrap_or_default();
            let child = tree_from_js(entry.get(1), format!("{path}/{name}")).await?;
            entries.insert(name, child);
        }
        Ok(Tree::Dir(entries))
    })
}

fn tree_to_js(t: &Tree) -> JsValue {
    match t {
        Tree::File(data) => Uint8Array::from(&data.to_vec()[..]).into(),
        Tree::Symlink(target) => {
            let o = Object::new();
            let _ = Reflect::set(&o, &"symlink".into(), &target.into());
            o.into()
        }
        Tree::Dir(entries) => {
            let o = Object::new();
            for (name, child) in entries {
                let _ = Reflect::set(&o, &name.into(), &tree_to_js(child));
            }
            o.into()
        }
    }
}
