//! `DirSpec`: a directory as a plain JS object (names to text, bytes,
//! `File`s, `{ symlink }` or nested objects), to and from a [`Tree`].

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::options::{file_data, get};
use crate::browser::JsBytes;
use crate::filesystem::{Filesystem, Visit};
use crate::vfs::{FileData, Ino, Node, Segment, Tree};

/// A preopen's value: a DirSpec, or a FileList / array of `File`s laid out
/// by their `webkitRelativePath`.
pub(super) async fn preopen_from_js(v: JsValue, path: &str) -> Result<Tree, String> {
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
    Ok(FileData::external(Rc::new(JsBytes::new(Uint8Array::new(&buf)))))
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
                    base.read(from, &mut tmp);
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
pub(super) fn dir_to_js(fs: &Filesystem, dir: Ino) -> Object {
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
pub(super) fn node_to_js(fs: &Filesystem, ino: Ino) -> JsValue {
    match fs.inode(ino).map(|i| &i.node) {
        Some(Node::File(data)) => file_to_js(data),
        Some(Node::Symlink(target)) => symlink_to_js(target),
        Some(Node::Dir(_)) => dir_to_js(fs, ino).into(),
        None => JsValue::UNDEFINED,
    }
}

/// Every preopen as `{ "/data": DirSpec }` (a map without a prototype).
pub(super) fn preopens_to_js(fs: &Filesystem) -> Object {
    let out = dir_object();
    for (path, ino) in fs.roots() {
        let _ = Reflect::set(&out, &path.into(), &dir_to_js(fs, *ino));
    }
    out
}
