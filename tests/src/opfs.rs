//! The origin private file system (OPFS) from the browser tests: a fresh
//! directory, a [`Tree`] written into one, and one read back, through the
//! browser's own `FileSystemDirectoryHandle` calls (made by name, so the
//! test crate needs no snippet of its own for them).

use std::future::Future;
use std::pin::Pin;

use browser_wasi::Tree;
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Calls `obj.method(...args)` and awaits it if it gives a promise.
pub async fn call(obj: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(obj, &method.into())?.dyn_into()?;
    let r = f.apply(obj, &args.iter().collect::<Array>())?;
    match r.dyn_into::<js_sys::Promise>() {
        Ok(p) => JsFuture::from(p).await,
        Err(v) => Ok(v),
    }
}

fn create() -> JsValue {
    let o = Object::new();
    let _ = Reflect::set(&o, &"create".into(), &true.into());
    o.into()
}

/// OPFS's root directory.
pub async fn root() -> JsValue {
    let storage = Reflect::get(&js_sys::global(), &"navigator".into())
        .and_then(|n| Reflect::get(&n, &"storage".into()))
        .expect("navigator.storage");
    call(&storage, "getDirectory", &[]).await.expect("OPFS")
}

/// An empty directory `name` at OPFS's root (removed first if it exists).
pub async fn fresh_dir(name: &str) -> JsValue {
    let root = root().await;
    let recursive = Object::new();
    let _ = Reflect::set(&recursive, &"recursive".into(), &true.into());
    let _ = call(&root, "removeEntry", &[name.into(), recursive.into()]).await;
    call(&root, "getDirectoryHandle", &[name.into(), create()]).await.expect("a directory")
}

/// Writes `bytes` into file `name` of `dir` (created if needed).
pub async fn write_file(dir: &JsValue, name: &str, bytes: &[u8]) {
    let file = call(dir, "getFileHandle", &[name.into(), create()]).await.expect("a file");
    let w = call(&file, "createWritable", &[]).await.expect("a writable");
    call(&w, "write", &[Uint8Array::from(bytes).into()]).await.expect("written");
    call(&w, "close", &[]).await.expect("closed");
}

/// Writes a directory tree's entries into `dir` (no symlinks: a handle
/// has none).
pub fn write_tree<'a>(dir: &'a JsValue, tree: &'a Tree) -> Pin<Box<dyn Future<Output = ()> + 'a>> {
    Box::pin(async move {
        let Tree::Dir(entries) = tree else { panic!("not a directory") };
        for (name, child) in entries {
            match child {
                Tree::File(data) => write_file(dir, name, &data.to_vec().expect("a small file")).await,
                Tree::Dir(_) => {
                    let sub = call(dir, "getDirectoryHandle", &[name.into(), create()]).await.expect("a dir");
                    write_tree(&sub, child).await;
                }
                Tree::Symlink(_) => panic!("a directory handle has no symlinks"),
            }
        }
    })
}

/// What `dir` holds now, as a tree.
pub fn read_tree(dir: &JsValue) -> Pin<Box<dyn Future<Output = Tree> + '_>> {
    Box::pin(async move {
        let mut tree = Tree::dir();
        let entries = call(dir, "entries", &[]).await.expect("entries");
        loop {
            let next = call(&entries, "next", &[]).await.expect("next entry");
            if Reflect::get(&next, &"done".into()).ok().and_then(|d| d.as_bool()) == Some(true) {
                break;
            }
            let pair: Array = Reflect::get(&next, &"value".into()).expect("an entry").unchecked_into();
            let (name, handle) = (pair.get(0).as_string().expect("a name"), pair.get(1));
            let kind = Reflect::get(&handle, &"kind".into()).ok().and_then(|k| k.as_string());
            let child = if kind.as_deref() == Some("directory") {
                read_tree(&handle).await
            } else {
                Tree::file(read_file(&handle).await)
            };
            tree = tree.with(&name, child);
        }
        tree
    })
}

/// A file handle's bytes.
pub async fn read_file(handle: &JsValue) -> Vec<u8> {
    let file = call(handle, "getFile", &[]).await.expect("a file");
    let buf = call(&file, "arrayBuffer", &[]).await.expect("its bytes");
    Uint8Array::new(&buf).to_vec()
}

/// The handle at a `/`-separated path below `dir`.
pub async fn handle_at(dir: &JsValue, path: &str) -> Option<JsValue> {
    let mut at = dir.clone();
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    for (i, part) in parts.iter().enumerate() {
        let method = if i + 1 == parts.len() { "getFileHandle" } else { "getDirectoryHandle" };
        at = match call(&at, method, &[(*part).into()]).await {
            Ok(h) => h,
            Err(_) if i + 1 == parts.len() => {
                call(&at, "getDirectoryHandle", &[(*part).into()]).await.ok()?
            }
            Err(_) => return None,
        };
    }
    Some(at)
}
