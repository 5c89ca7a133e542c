//! Bytes in and out through the browser: fetching a URL, reading a picked
//! or dropped file, offering bytes as a download.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

/// Fetches a URL's bytes.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| format!("{e:?}"))?.unchecked_into();
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Reads a picked or dropped file. The error, for the user, names the file
/// and says why it could not be read (moved or deleted since it was picked,
/// permission withdrawn, ...).
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    match JsFuture::from(file.array_buffer()).await {
        Ok(buf) => Ok(js_sys::Uint8Array::new(&buf).to_vec()),
        Err(e) => Err(format!("could not read {}: {}", file.name(), error_text(&e))),
    }
}

/// A thrown JavaScript value as a sentence: an `Error`'s (or a
/// `DOMException`'s) message, else the value itself.
fn error_text(e: &JsValue) -> String {
    match e.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => e.as_string().unwrap_or_else(|| format!("{e:?}")),
    }
}

/// The files chosen in a file input.
pub fn files_of(input: &HtmlInputElement) -> Vec<web_sys::File> {
    input.files().map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect()).unwrap_or_default()
}

/// Offers `bytes` as a download named after the last part of `name`.
pub fn download_bytes(name: &str, bytes: &[u8]) -> Result<(), JsValue> {
    download(&js_sys::Uint8Array::from(bytes), name.rsplit('/').next().unwrap_or("file"));
    Ok(())
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/page.js")]
extern "C" {
    /// Offers bytes as a download (see page.js for Firefox's needs).
    fn download(bytes: &js_sys::Uint8Array, name: &str);
    /// Removes everything in the persistent workspace.
    #[wasm_bindgen(catch)]
    pub async fn clear_workspace() -> Result<(), JsValue>;
    /// How many entries the workspace's top holds.
    #[wasm_bindgen(catch)]
    pub async fn workspace_entries() -> Result<JsValue, JsValue>;
    /// The browser can open a local folder (`showDirectoryPicker`).
    pub fn can_pick_folder() -> bool;
    /// Asks the user for a folder to open read-write; null if they cancel.
    #[wasm_bindgen(catch)]
    pub async fn pick_folder() -> Result<JsValue, JsValue>;
    /// A .zip, .tar or .tar.gz's entries (the package's `readArchive`).
    #[wasm_bindgen(catch)]
    pub async fn read_archive(bytes: js_sys::Uint8Array) -> Result<JsValue, JsValue>;
    /// Entries as an archive: `format` is "zip", "tar" or "tar.gz".
    #[wasm_bindgen(catch)]
    pub async fn write_archive(entries: js_sys::Array, format: &str) -> Result<JsValue, JsValue>;
    /// A directory handle (null: the workspace), read now, as an archive.
    #[wasm_bindgen(catch)]
    pub async fn handle_archive(handle: &JsValue, format: &str) -> Result<JsValue, JsValue>;
}

/// What a JS error says (its message), for the user.
pub fn js_error_text(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &"message".into())
        .ok()
        .and_then(|m| m.as_string())
        .unwrap_or_else(|| format!("{e:?}"))
}

/// The page's saved setting `key` (localStorage), if any.
pub fn setting(key: &str) -> Option<String> {
    let storage = js_sys::Reflect::get(&js_sys::global(), &"localStorage".into()).ok()?;
    let get: js_sys::Function = js_sys::Reflect::get(&storage, &"getItem".into()).ok()?.dyn_into().ok()?;
    get.call1(&storage, &key.into()).ok()?.as_string()
}

/// Saves setting `key` (localStorage) for the next visit.
pub fn save_setting(key: &str, value: &str) {
    let Ok(storage) = js_sys::Reflect::get(&js_sys::global(), &"localStorage".into()) else { return };
    if let Ok(set) =
        js_sys::Reflect::get(&storage, &"setItem".into()).and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        let _ = set.call2(&storage, &key.into(), &value.into());
    }
}
