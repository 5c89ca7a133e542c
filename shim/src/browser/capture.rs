//! Output capture at the edge: stdout and stderr are copied once, from the
//! guest's memory straight into JS arrays (`shim/js/memory.js`), and
//! streamed to a JS callback or a Rust sink if one is given.

use std::any::Any;

use js_sys::Uint8Array;
use wasm_bindgen::prelude::*;

use super::guest_memory::JsMemory;
use crate::memory::{gather, GuestMemory, Iovec};
use crate::stdio::{OutputSink, SinkError};

#[wasm_bindgen(module = "/js/memory.js")]
extern "C" {
    /// A new, empty capture that keeps up to `limit` bytes.
    fn capture_new(limit: f64) -> JsValue;
    /// Appends `n` guest buffers, described by iovecs in the shim's memory;
    /// 1 if the listener threw.
    fn capture_iovecs(c: &JsValue, cap: &JsValue, iovs: u32, n: u32, total: u32, listener: &JsValue) -> u32;
    /// Appends one guest buffer; 1 if the listener threw.
    fn capture_one(c: &JsValue, cap: &JsValue, ptr: u32, len: u32, listener: &JsValue) -> u32;
    /// Appends bytes from the shim's own memory; 1 if the listener threw.
    fn capture_bytes(cap: &JsValue, ptr: u32, len: u32, listener: &JsValue) -> u32;
    /// Everything captured, as one array.
    fn capture_take(cap: &JsValue) -> Uint8Array;
    /// Bytes not kept (past the limit).
    fn capture_dropped(cap: &JsValue) -> f64;
    /// What the listener threw, or null.
    fn capture_error(cap: &JsValue) -> JsValue;
}

/// Output a run wrote, held in a JS array (copied once, from the guest's
/// memory, never through the shim's), and how much of it was not kept.
#[derive(Clone, Debug)]
pub struct Captured(Uint8Array, u64);

impl Captured {
    /// Bytes written past the limit: streamed to the listener, not kept.
    pub fn dropped(&self) -> u64 {
        self.1
    }
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
    /// A capture keeping up to `limit` bytes; `listener` gets every chunk
    /// as it is written.
    pub fn new(listener: Option<Box<dyn OutputSink>>, limit: u64) -> JsCapture {
        let js = listener.as_ref().and_then(|l| l.as_any()).and_then(|a| a.downcast_ref::<JsListener>());
        let js_listener = js.map_or(JsValue::UNDEFINED, |j| j.0.clone().into());
        let rust_listener = if js.is_some() { None } else { listener };
        JsCapture { cap: capture_new(limit as f64), js_listener, rust_listener }
    }

    /// A handle on what is captured, to take it after the run.
    pub fn handle(&self) -> JsValue {
        self.cap.clone()
    }
}

/// Takes what a capture (by its handle) holds.
pub fn take_captured(handle: &JsValue) -> Captured {
    Captured(capture_take(handle), capture_dropped(handle) as u64)
}

/// What a capture's listener threw, if it did.
pub fn listener_error(handle: &JsValue) -> Option<JsValue> {
    Some(capture_error(handle)).filter(|e| !e.is_null() && !e.is_undefined())
}

/// A listener's status as a sink's result.
fn status(threw: u32) -> Result<(), SinkError> {
    if threw == 0 {
        Ok(())
    } else {
        Err(SinkError::Fault)
    }
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
        // A listener that throws here is noticed on the next guest write.
        let _ = capture_bytes(&self.cap, bytes.as_ptr() as u32, bytes.len() as u32, &self.js_listener);
        if let Some(l) = &mut self.rust_listener {
            l.write(bytes);
        }
    }

    fn write_guest(&mut self, mem: &dyn GuestMemory, iovs: &[Iovec], total: u32) -> Result<(), SinkError> {
        // (A listener that threw before makes the capture answer 1 at once.)
        let view = mem.as_any().and_then(|a| a.downcast_ref::<JsMemory>()).and_then(|m| m.view());
        let Some(view) = view else {
            let bytes = gather(mem, iovs, total)?;
            let threw =
                capture_bytes(&self.cap, bytes.as_ptr() as u32, bytes.len() as u32, &self.js_listener);
            if let Some(l) = &mut self.rust_listener {
                l.write(&bytes);
            }
            return status(threw);
        };
        let threw = match iovs {
            [one] => capture_one(view, &self.cap, one.ptr, one.len, &self.js_listener),
            _ => capture_iovecs(
                view,
                &self.cap,
                iovs.as_ptr() as u32,
                iovs.len() as u32,
                total,
                &self.js_listener,
            ),
        };
        if let Some(l) = &mut self.rust_listener {
            l.write(&gather(mem, iovs, total)?);
        }
        status(threw)
    }

    fn dropped(&self) -> u64 {
        capture_dropped(&self.cap) as u64
    }
}
