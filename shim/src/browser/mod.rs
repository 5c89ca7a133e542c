//! The browser edge: compiles and instantiates the guest with the browser's
//! `WebAssembly`, builds its import object from the core's syscalls, and
//! reports how the run ended. The JavaScript it relies on lives in
//! `shim/js/` (wasm-bindgen snippets); `ARCHITECTURE.md` traces a call.

mod api;
mod capture;
#[cfg(feature = "preview2")]
mod component;
mod dispatch;
mod guest_memory;
mod host;
pub mod js;
mod page_bytes;
mod run;
mod threads;
mod wasi;

use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;

pub use api::{RunError, RunOptions, RunOutput, StdinFeed, Termination};
pub use capture::{Captured, JsCapture, JsListener};
#[cfg(feature = "preview2")]
pub use component::{is_component, run_component};
pub use guest_memory::JsMemory;
pub use host::BrowserHost;
pub use page_bytes::{JsBytes, JsLazyBytes};
pub use run::{compile, run, run_compiled, run_sync, run_with};
pub use wasi::{Wasi, WasiError, WasiVersion};

/// Whether this browser can suspend a guest while it waits (JSPI:
/// `WebAssembly.Suspending` and `WebAssembly.promising`). Then sleeping
/// costs no CPU and stdin can be interactive.
pub fn can_suspend() -> bool {
    run::jspi_available()
}

/// A readable message for a thrown JS value: `Name: message`.
pub(crate) fn error_message(e: &JsValue) -> String {
    if let Some(err) = e.dyn_ref::<js_sys::Error>() {
        let name = err.name().as_string().unwrap_or_default();
        let msg = err.message().as_string().unwrap_or_default();
        if name.is_empty() {
            msg
        } else {
            format!("{name}: {msg}")
        }
    } else {
        // Not an Error: what String(e) gives (no Debug formatting, which
        // would pull in a good deal of code).
        e.as_string().unwrap_or_else(|| String::from(js_sys::JsString::from(e.clone())))
    }
}
