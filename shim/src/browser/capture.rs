//! Output capture at the edge: stdout and stderr are copied once, from the
//! guest's memory straight into JS arrays (`shim/js/memory.js`), and
//! streamed to a JS callback or a Rust sink if one is given.

use std::any::Any;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::guest_memory::JsMemory;
use crate::abi::Errno;
use crate::memory::{gather, GuestMemory, Iovec};
use crate::stdio::OutputSink;

#[wasm_bindgen(module = "/js/memory.js")]
extern "C" {
    /// A new, empty capture.
    fn capture_new() -> JsValue;
    /// Appends `n` guest buffers, described by iovecs in the shim's memory.
    fn capture_iovecs(c: &JsValue, cap: &JsValue, iovs: u32, n: u32, total: u32, listener: &JsValue);
    /// Appends one guest buffer.
    fn capture_one(c: &JsValue, cap: &JsValue, ptr: u32, len: u32, listener: &JsValue);
    /// Appends bytes from the shim's own memory.
    fn capture_bytes(cap: &JsValue, ptr: u32, len: u32, listener: &JsValue);
    /// Everything captured, as one array.
    fn capture_take(cap: &JsValue) -> Uint8Array;
}

/// Output a run wrote, held in a JS array (copied once, from the guest's
/// memory, never through the shim's).
#[derive(Clone, Debug)]
pub struct Captured(Uint8Array);

impl Captured {
    /// All the bytes, as one JS array (the same one on every call).
    pub fn as_js(&self) -> &Uint8Array {
        &self.0
    }
    /// The bytes, copied into a vector.
    pub fn to_vec(&self) -> Vec<u8> {
        self.0.to_vec()
    }
    /// The number of bytes.
    pub fn len(&self) -> usize {
        self.0.length() as usize
    }
    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The sink the browser edge puts behind stdout and stderr: captures into
/// JS arrays, and streams to a JS callback or a Rust sink if given one.
pub struct JsCapture {
    cap: JsValue,
    js_listener: JsValue,
    rust_listener: Option<Box<dyn OutputSink>>,
}

impl JsCapture {
    /// A capture; `listener` gets every chunk as it is written.
    pub fn new(listener: Option<Box<dyn OutputSink>>) -> JsCapture {
        let js = listener.as_ref().and_then(|l| l.as_any()).and_then(|a| a.downcast_ref::<JsListener>());
        let js_listener = js.map_or(JsValue::UNDEFINED, |j| j.0.clone().into());
        let rust_listener = if js.is_some() { None } else { listener };
        JsCapture { cap: capture_new(), js_listener, rust_listener }
    }

    /// A handle on what is captured, to take it after the run.
    pub fn handle(&self) -> JsValue {
        self.cap.clone()
    }
}

/// Takes what a capture (by its handle) holds.
pub fn take_captured(handle: &JsValue) -> Captured {
    Captured(capture_take(handle))
}

/// A JS function as an output listener: it gets each chunk as a
/// `Uint8Array` of its own.
pub struct JsListener(pub js_sys::Function);

impl OutputSink for JsListener {
    fn write(&mut self, bytes: &[u8]) {
        let _ = self.0.call1(&JsValue::NULL, &Uint8Array::from(bytes));
    }
    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }
}

impl OutputSink for JsCapture {
    fn write(&mut self, bytes: &[u8]) {
        capture_bytes(&self.cap, bytes.as_ptr() as u32, bytes.len() as u32, &self.js_listener);
        if let Some(l) = &mut self.rust_listener {
            l.write(bytes);
        }
    }

    fn write_guest(&mut self, mem: &dyn GuestMemory, iovs: &[Iovec], total: u32) -> Result<(), Errno> {
        let view = mem.as_any().and_then(|a| a.downcast_ref::<JsMemory>()).and_then(|m| m.view());
        let Some(view) = view else {
            self.write(&gather(mem, iovs, total)?);
            return Ok(());
        };
        match iovs {
            [one] => capture_one(view, &self.cap, one.ptr, one.len, &self.js_listener),
            _ => capture_iovecs(
                view,
                &self.cap,
                iovs.as_ptr() as u32,
                iovs.len() as u32,
                total,
                &self.js_listener,
            ),
        }
        if let Some(l) = &mut self.rust_listener {
            l.write(&gather(mem, iovs, total)?);
        }
        Ok(())
    }
}
