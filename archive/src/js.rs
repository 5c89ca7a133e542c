//! The JavaScript face of the archive package (`pkg/archive/`), which the
//! shim's `index.js` loads the first time `importArchive` or
//! `exportArchive` is called: entries as plain objects,
//! `{ path, type: "file" | "directory" | "symlink", bytes?, target?, mtime }`
//! (`mtime` in milliseconds since the epoch, as `listFiles()` gives it).

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

use crate::{read, write, Entry, Format, Kind, Limits};

fn error(message: &str) -> JsValue {
    let e = js_sys::Error::new(message);
    e.set_name("ArchiveError");
    e.into()
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED)
}

/// Reads a `.zip`, `.tar` or `.tar.gz` (told by its first bytes) into its
/// entries, in archive order; throws an `ArchiveError` for anything else,
/// a damaged archive, a path outside it, or more than `maxBytes` (default
/// 1 GiB) unpacked.
#[wasm_bindgen(js_name = readArchive)]
pub fn read_archive(bytes: &[u8], max_bytes: Option<f64>) -> Result<Array, JsValue> {
    let mut limits = Limits::default();
    if let Some(max) = max_bytes {
        limits.bytes = max as u64;
    }
    let entries = read(bytes, limits).map_err(|e| error(&e.to_string()))?;
    let out = Array::new();
    for e in entries {
        let o = Object::new();
        let (kind, extra) = match e.kind {
            Kind::File(b) => ("file", Some(("bytes", JsValue::from(Uint8Array::from(&b[..]))))),
            Kind::Dir => ("directory", None),
            Kind::Symlink(t) => ("symlink", Some(("target", JsValue::from(t)))),
        };
        let _ = Reflect::set(&o, &"path".into(), &e.path.into());
        let _ = Reflect::set(&o, &"type".into(), &kind.into());
        if let Some((k, v)) = extra {
            let _ = Reflect::set(&o, &k.into(), &v);
        }
        let _ = Reflect::set(&o, &"mtime".into(), &((e.mtime as f64) * 1000.0).into());
        out.push(&o);
    }
    Ok(out)
}

/// Writes entries (as `readArchive` gives them; `mtime` optional) as a
/// `"zip"`, `"tar"` or `"tar.gz"` archive.
#[wasm_bindgen(js_name = writeArchive)]
pub fn write_archive(entries: Array, format: &str) -> Result<Uint8Array, JsValue> {
    let format =
        Format::parse(format).ok_or_else(|| error("format must be \"zip\", \"tar\" or \"tar.gz\""))?;
    let mut list = Vec::with_capacity(entries.length() as usize);
    for e in entries.iter() {
        let path = get(&e, "path").as_string().ok_or_else(|| error("an entry has no path"))?;
        let kind = match get(&e, "type").as_string().as_deref() {
            Some("directory") => Kind::Dir,
            Some("symlink") => Kind::Symlink(get(&e, "target").as_string().unwrap_or_default()),
            Some("file") => Kind::File(
                get(&e, "bytes")
                    .dyn_into::<Uint8Array>()
                    .map(|b| b.to_vec())
                    .map_err(|_| error("a file entry needs its bytes"))?,
            ),
            _ => return Err(error("an entry's type must be \"file\", \"directory\" or \"symlink\"")),
        };
        let mtime = (get(&e, "mtime").as_f64().unwrap_or(0.0).max(0.0) / 1000.0) as u64;
        list.push(Entry { path: path.trim_end_matches('/').to_string(), kind, mtime });
    }
    let bytes = write(&list, format).map_err(|e| error(&e.to_string()))?;
    Ok(Uint8Array::from(&bytes[..]))
}
