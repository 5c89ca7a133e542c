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
use crate::vfs::{FileData, Tree};

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

pub(super) fn tree_to_js(t: &Tree) -> JsValue {
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
