//! `runWasi`'s options object, read into a [`WasiConfig`] and
//! [`RunOptions`].

use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::dir_spec::{preopen_from_js, read_files, PendingFiles};
use crate::browser::{JsBytes, JsListener, RunOptions, StdinFeed};
use crate::config::{Limits, PreopenDir, WasiConfig};
use crate::stdio::OutputSink;
use crate::vfs::{FileData, Tree};

#[wasm_bindgen(module = "/js/imports.js")]
extern "C" {
    /// Whether a value is a `FileSystemDirectoryHandle`.
    fn is_directory_handle(value: &JsValue) -> bool;
}

pub(super) fn get(obj: &JsValue, key: &str) -> Option<JsValue> {
    if obj.is_undefined() || obj.is_null() {
        return None;
    }
    Reflect::get(obj, &key.into()).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// A file's contents from a string (UTF-8, copied in) or a `Uint8Array` /
/// `ArrayBuffer` (used in place until the program changes the file: the
/// page's buffer is never written to).
pub(super) fn file_data(v: &JsValue, what: &str) -> Result<FileData, String> {
    if let Some(a) = v.dyn_ref::<Uint8Array>() {
        Ok(FileData::external(Rc::new(JsBytes::new(a.clone()))))
    } else if v.is_instance_of::<js_sys::ArrayBuffer>() {
        Ok(FileData::external(Rc::new(JsBytes::new(Uint8Array::new(v)))))
    } else {
        bytes_or_text(v, what).map(FileData::from_vec)
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

/// An object (also one without a prototype, as a map of names should be).
fn object(v: &JsValue) -> Option<&Object> {
    v.is_object().then(|| v.unchecked_ref())
}

/// Reads `runWasi`'s (or `new WASI`'s) options. What it cannot read at once
/// (`File`s in preopens) is left for [`read_pending`], per preopen.
pub(super) fn parse_options(o: &JsValue) -> Result<(WasiConfig, RunOptions, Vec<PendingFiles>), String> {
    let mut config = WasiConfig::new();
    let mut pending = Vec::new();
    let mut handles = Vec::new();
    if let Some(args) = get(o, "args") {
        let args: Array = args.dyn_into().map_err(|_| "args must be an array of strings")?;
        for a in args.iter() {
            config.args.push(a.as_string().ok_or("args must be an array of strings")?);
        }
    }
    if let Some(env) = get(o, "env") {
        for entry in Object::entries(object(&env).ok_or("env must be an object")?).iter() {
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
        for entry in Object::entries(object(&pre).ok_or("preopens must be an object")?).iter() {
            let entry: Array = entry.unchecked_into();
            let path = entry.get(0).as_string().unwrap_or_default();
            let mut files = PendingFiles::new();
            if is_directory_handle(&entry.get(1)) {
                // Kept in the handle: read and written there as the run goes.
                handles.push(entry.get(1));
                pending.push(files);
                config = config.preopen_store(path.clone(), readonly.contains(&path));
                continue;
            }
            let tree = preopen_from_js(&entry.get(1), &path, &mut files)?;
            pending.push(files);
            if !matches!(tree, Tree::Dir(_)) {
                return Err(format!("preopen {path} must be a directory object"));
            }
            config.preopens.push(PreopenDir {
                readonly: readonly.contains(&path),
                guest_path: path,
                tree,
                in_store: false,
            });
        }
    }
    // A listener: `onStdout` (runWasi) or `stdout` (node:wasi's name; a
    // number there is a host descriptor, which a page has not: captured).
    let sink = |keys: &[&str]| -> Result<Option<Box<dyn OutputSink>>, String> {
        for k in keys {
            match get(o, k) {
                Some(n) if n.as_f64().is_some() => {}
                Some(f) => {
                    let f = f.dyn_into().map_err(|_| format!("{k} must be a function"))?;
                    return Ok(Some(Box::new(JsListener(f))));
                }
                None => {}
            }
        }
        Ok(None)
    };
    if let Some(limits) = get(o, "limits") {
        config.limits = parse_limits(&limits)?;
    }
    let signal = match get(o, "signal") {
        Some(s) => Some(s.dyn_into::<web_sys::AbortSignal>().map_err(|_| "signal must be an AbortSignal")?),
        None => None,
    };
    let opts = RunOptions {
        on_stdout: sink(&["onStdout", "stdout"])?,
        on_stderr: sink(&["onStderr", "stderr"])?,
        stdin: feed,
        signal,
        directory_handles: handles,
    };
    Ok((config, opts, pending))
}

/// Reads the `File`s [`parse_options`] left, into their preopens.
pub(super) async fn read_pending(config: &mut WasiConfig, pending: Vec<PendingFiles>) -> Result<(), String> {
    for (preopen, files) in config.preopens.iter_mut().zip(pending) {
        read_files(&mut preopen.tree, files).await?;
    }
    Ok(())
}

/// `limits: { fileBytes, inodes, stdoutBytes, stderrBytes, descriptors,
/// threads }`:
/// each a non-negative integer; unset ones keep their defaults.
fn parse_limits(v: &JsValue) -> Result<Limits, String> {
    let mut limits = Limits::default();
    let number = |key: &str| -> Result<Option<u64>, String> {
        match get(v, key) {
            None => Ok(None),
            Some(n) => match n.as_f64() {
                Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64 => Ok(Some(f as u64)),
                _ => Err(format!("limits.{key} must be a non-negative integer")),
            },
        }
    };
    if let Some(n) = number("fileBytes")? {
        limits.file_bytes = n;
    }
    if let Some(n) = number("inodes")? {
        limits.inodes = n;
    }
    if let Some(n) = number("stdoutBytes")? {
        limits.stdout_bytes = n;
    }
    if let Some(n) = number("stderrBytes")? {
        limits.stderr_bytes = n;
    }
    if let Some(n) = number("descriptors")? {
        limits.descriptors = u32::try_from(n).map_err(|_| "limits.descriptors is too large")?;
    }
    if let Some(n) = number("threads")? {
        limits.threads = u32::try_from(n).map_err(|_| "limits.threads is too large")?;
    }
    Ok(limits)
}

/// Interactive stdin from a JS function returning (a promise of) the next
/// chunk, or `null` at the end.
fn stdin_feed(f: Function) -> StdinFeed {
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
