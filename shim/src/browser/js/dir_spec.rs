//! `DirSpec`: a directory as a plain JS object (names to text, bytes,
//! `File`s, `{ symlink }` or nested objects), to and from a [`Tree`].

use std::collections::BTreeMap;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::options::{file_data, get};
use crate::browser::{JsBytes, JsLazyBytes};
use crate::filesystem::{Entry, FsView, Visit};
use crate::vfs::{FileData, Ino, Node, Segment, Tree};

/// `File`s met while reading a preopen, to read afterwards (only async code
/// can): each with the path of its entry below the preopen. Their entries
/// hold empty files until then.
pub(super) type PendingFiles = Vec<(Vec<String>, web_sys::File)>;

/// A preopen's value: a DirSpec, or a FileList / array of `File`s laid out
/// by their `webkitRelativePath`.
pub(super) fn preopen_from_js(v: &JsValue, path: &str, files: &mut PendingFiles) -> Result<Tree, String> {
    let list: Option<Vec<web_sys::File>> = if let Some(list) = v.dyn_ref::<web_sys::FileList>() {
        Some((0..list.length()).filter_map(|i| list.get(i)).collect())
    } else if Array::is_array(v) {
        Array::from(v).iter().map(|f| f.dyn_into::<web_sys::File>().ok()).collect()
    } else {
        None
    };
    let Some(list) = list else { return tree_from_js(v, path, &mut Vec::new(), files) };
    let mut root = Tree::dir();
    for file in list {
        let rel = Reflect::get(&file, &"webkitRelativePath".into())
            .ok()
            .and_then(|p| p.as_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| file.name());
        let parts: Vec<String> = rel.split('/').filter(|p| !p.is_empty()).map(String::from).collect();
        insert_path(&mut root, &parts, Tree::File(FileData::default()));
        files.push((parts, file));
    }
    Ok(root)
}

/// Puts `leaf` at a path inside a directory tree.
fn insert_path(root: &mut Tree, parts: &[String], leaf: Tree) {
    let Some((last, dirs)) = parts.split_last() else { return };
    let mut dir = root;
    for part in dirs {
        let Tree::Dir(entries) = dir else { return };
        dir = entries.entry(part.clone()).or_insert_with(Tree::dir);
    }
    if let Tree::Dir(entries) = dir {
        entries.insert(last.clone(), leaf);
    }
}

/// Reads the `File`s a preopen's tree waits for into it (each read into a
/// buffer of our own, then used in place).
pub(super) async fn read_files(tree: &mut Tree, files: PendingFiles) -> Result<(), String> {
    for (parts, file) in files {
        let buf = JsFuture::from(file.array_buffer())
            .await
            .map_err(|_| format!("could not read {}", file.name()))?;
        let data = FileData::external(Rc::new(JsBytes::new(Uint8Array::new(&buf))));
        insert_path(tree, &parts, Tree::File(data));
    }
    Ok(())
}

/// A `DirSpec` value to a tree: bytes or text are files, a `File` one to
/// read later, `{ symlink }` a link, other objects (or `null`) directories.
/// `at` is the entry's path below the preopen.
fn tree_from_js(
    v: &JsValue,
    path: &str,
    at: &mut Vec<String>,
    files: &mut PendingFiles,
) -> Result<Tree, String> {
    if v.is_null() || v.is_undefined() {
        return Ok(Tree::dir());
    }
    if let Some(file) = v.dyn_ref::<web_sys::File>() {
        files.push((at.clone(), file.clone()));
        return Ok(Tree::File(FileData::default()));
    }
    if v.as_string().is_some()
        || v.is_instance_of::<Uint8Array>()
        || v.is_instance_of::<js_sys::ArrayBuffer>()
    {
        return Ok(Tree::File(file_data(v, path)?));
    }
    // Any object (one without a prototype too) is a directory.
    if !v.is_object() {
        return Err(format!("{path}: not a file or directory"));
    }
    let obj: &Object = v.unchecked_ref();
    if let Some(target) = get(v, "symlink").and_then(|t| t.as_string()) {
        return Ok(Tree::Symlink(target));
    }
    // `{ size, read }`: a file whose bytes `read` gives when first needed.
    if let (Some(size), Some(read)) = (get(v, "size").and_then(|s| s.as_f64()), get(v, "read")) {
        let read =
            read.dyn_into::<js_sys::Function>().map_err(|_| format!("{path}: read must be a function"))?;
        if !(size >= 0.0 && size.fract() == 0.0 && size <= u32::MAX as f64) {
            return Err(format!("{path}: size must be a whole number of bytes"));
        }
        return Ok(Tree::File(FileData::external(Rc::new(JsLazyBytes::new(size as usize, read)))));
    }
    let mut entries = BTreeMap::new();
    for entry in Object::entries(obj).iter() {
        let entry: Array = entry.unchecked_into();
        let name = entry.get(0).as_string().unwrap_or_default();
        at.push(name.clone());
        let child = tree_from_js(&entry.get(1), &format!("{path}/{name}"), at, files)?;
        at.pop();
        entries.insert(name, child);
    }
    Ok(Tree::Dir(entries))
}

/// A new object without a prototype: a guest's file named `__proto__` (or
/// `constructor`) is then an entry like any other.
fn dir_object() -> Object {
    Object::create(JsValue::NULL.unchecked_ref())
}

/// A file's bytes as a new `Uint8Array`, filled piece by piece (a page's
/// buffer straight from the page, a hole left as zeros); `undefined` if the
/// browser cannot allocate that much (a huge sparse file).
pub(super) fn file_to_js(data: &FileData) -> JsValue {
    let Ok(len) = u32::try_from(data.len()) else { return JsValue::UNDEFINED };
    let Ok(ctor) = Reflect::get(&js_sys::global(), &"Uint8Array".into()) else { return JsValue::UNDEFINED };
    let Ok(array) = Reflect::construct(ctor.unchecked_ref::<js_sys::Function>(), &Array::of1(&len.into()))
    else {
        return JsValue::UNDEFINED;
    };
    let array: Uint8Array = array.unchecked_into();
    let mut at = 0u32;
    for seg in data.segments(0, data.len()) {
        let n = seg.len() as u32;
        match seg {
            Segment::Bytes(b) => array.subarray(at, at + n).copy_from(b),
            Segment::Base(base, from, k) => match base.as_any().downcast_ref::<JsBytes>() {
                Some(js) => array.set(&js.array().subarray(from as u32, (from + k) as u32), at),
                None => {
                    let mut tmp = vec![0; k];
                    if base.read(from, &mut tmp).is_err() {
                        return JsValue::UNDEFINED;
                    }
                    array.subarray(at, at + n).copy_from(&tmp);
                }
            },
            Segment::Zeros(_) => {}
        }
        at += n;
    }
    array.into()
}

fn symlink_to_js(target: &str) -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(&o, &"symlink".into(), &target.into());
    o.into()
}

/// The directory `dir` as a `DirSpec`, built with a stack of its own (a
/// guest's tree may be as deep as its inode limit allows).
pub(crate) fn dir_to_js(fs: FsView<'_>, dir: Ino) -> Object {
    let top = dir_object();
    let mut stack = vec![top.clone()];
    fs.walk(dir, |visit, _| {
        let Some(here) = stack.last() else { return };
        match visit {
            Visit::File(name, data) => {
                let _ = Reflect::set(here, &name.into(), &file_to_js(data));
            }
            Visit::Symlink(name, target) => {
                let _ = Reflect::set(here, &name.into(), &symlink_to_js(target));
            }
            Visit::Dir(name) => {
                let child = dir_object();
                let _ = Reflect::set(here, &name.into(), &child);
                stack.push(child);
            }
            Visit::Leave => {
                stack.pop();
            }
        }
    });
    top
}

/// What the inode `ino` holds, as JS: bytes, a `DirSpec` or `{ symlink }`.
pub(crate) fn node_to_js(fs: FsView<'_>, ino: Ino) -> JsValue {
    match fs.inode(ino).map(|i| &i.node) {
        Some(Node::File(data)) => file_to_js(data),
        Some(Node::Symlink(target)) => symlink_to_js(target),
        Some(Node::Dir(_)) => dir_to_js(fs, ino).into(),
        None => JsValue::UNDEFINED,
    }
}

/// Every preopen as `{ "/data": DirSpec }` (a map without a prototype).
pub(crate) fn preopens_to_js(fs: FsView<'_>) -> Object {
    let out = dir_object();
    for (path, ino) in fs.roots() {
        let _ = Reflect::set(&out, &path.into(), &dir_to_js(fs, *ino));
    }
    out
}

/// A listing as JS: `[{ path, type: "file" | "directory" | "symlink", size,
/// mtime, target? }]`, `mtime` in milliseconds since the epoch, `target` a
/// link's.
pub(crate) fn entries_to_js(entries: &[Entry]) -> Array {
    entries
        .iter()
        .map(|e| {
            let o = Object::new();
            let kind = match e.filetype {
                crate::abi::Filetype::Directory => "directory",
                crate::abi::Filetype::SymbolicLink => "symlink",
                _ => "file",
            };
            let _ = Reflect::set(&o, &"path".into(), &e.path.as_str().into());
            let _ = Reflect::set(&o, &"type".into(), &kind.into());
            let _ = Reflect::set(&o, &"size".into(), &(e.size as f64).into());
            let _ = Reflect::set(&o, &"mtime".into(), &(e.mtim as f64 / 1e6).into());
            if let Some(t) = &e.target {
                let _ = Reflect::set(&o, &"target".into(), &t.as_str().into());
            }
            JsValue::from(o)
        })
        .collect()
}
