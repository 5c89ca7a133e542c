//! [`GuestMemory`] over the guest's exported `WebAssembly.Memory`.
//!
//! Every access is one call into a small JS helper that takes only numbers
//! and the run's view object, and copies straight between the guest's
//! memory and the shim's own: no typed-array objects cross into Rust, and
//! small values go through a `DataView`. `memory.grow` detaches the old
//! `ArrayBuffer` (its views then have length 0); the helpers notice that
//! and take fresh views, for the guest's memory and for the shim's own.

use std::any::Any;
use std::cell::Cell;

use js_sys::{Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;

use crate::abi::Errno;
use crate::ctx::OutputSink;
use crate::memory::{GuestMemory, Iovec};
use crate::vfs::ExternalBytes;

#[wasm_bindgen(inline_js = r#"
let shimMemory = null, shimU8 = null;
function shim() {
  if (shimU8 === null || shimU8.byteLength === 0) shimU8 = new Uint8Array(shimMemory.buffer);
  return shimU8;
}
export function set_shim_memory(m) { shimMemory = m; shimU8 = null; }
export function guest_view(memory) {
  return { memory, u8: new Uint8Array(memory.buffer), dv: new DataView(memory.buffer) };
}
function g(c) {
  if (c.u8.byteLength === 0) {
    c.u8 = new Uint8Array(c.memory.buffer);
    c.dv = new DataView(c.memory.buffer);
  }
  return c;
}
export function guest_size(c) { return g(c).u8.byteLength; }
// Small copies go byte by byte: creating a subarray costs more than that.
export function guest_read(c, ptr, len, dst) {
  const from = g(c).u8, to = shim();
  if (len <= 64) for (let i = 0; i < len; i++) to[dst + i] = from[ptr + i];
  else to.set(from.subarray(ptr, ptr + len), dst);
}
export function guest_write(c, ptr, src, len) {
  const from = shim(), to = g(c).u8;
  if (len <= 64) for (let i = 0; i < len; i++) to[ptr + i] = from[src + i];
  else to.set(from.subarray(src, src + len), ptr);
}
export function guest_read_u32(c, ptr) { return g(c).dv.getUint32(ptr, true); }
export function guest_write_u32(c, ptr, v) { g(c).dv.setUint32(ptr, v, true); }
export function guest_write_u64(c, ptr, lo, hi) {
  const dv = g(c).dv;
  dv.setUint32(ptr, lo, true);
  dv.setUint32(ptr + 4, hi, true);
}
// Copies part of a byte array the page gave (a file's contents) into the
// guest's memory; false if the array was detached (transferred) meanwhile.
export function guest_write_js(c, ptr, bytes, from, len) {
  if (from + len > bytes.length) return false;
  g(c).u8.set(bytes.subarray(from, from + len), ptr);
  return true;
}
// Output capture: one fd_write's iovecs (n pairs of u32 in the shim's
// memory at iovs) copied once, from guest memory into JS arrays. Small writes
// are packed into shared 64 KiB blocks; a listener gets its own copy.
export function capture_new() { return { chunks: [], length: 0, block: null, at: 0 }; }
function seal(cap) {
  if (cap.at > 0) cap.chunks.push(cap.block.subarray(0, cap.at));
  cap.block = null;
  cap.at = 0;
}
// The common case, one buffer, passed as numbers.
export function capture_one(c, cap, ptr, len, listener) {
  const u8 = g(c).u8;
  cap.length += len;
  if (len <= 4096) {
    if (cap.block === null || cap.at + len > cap.block.length) {
      seal(cap);
      cap.block = new Uint8Array(65536);
    }
    const block = cap.block, start = cap.at;
    if (len <= 64) for (let i = 0; i < len; i++) block[start + i] = u8[ptr + i];
    else block.set(u8.subarray(ptr, ptr + len), start);
    cap.at = start + len;
    if (listener) listener(block.slice(start, start + len));
    return;
  }
  seal(cap);
  const chunk = u8.slice(ptr, ptr + len);
  cap.chunks.push(chunk);
  if (listener) listener(chunk.slice());
}
export function capture_iovecs(c, cap, iovs, n, total, listener) {
  const u8 = g(c).u8;
  const v = new Uint32Array(shim().buffer, iovs, n * 2);
  cap.length += total;
  if (total <= 4096) {
    if (cap.block === null || cap.at + total > cap.block.length) {
      seal(cap);
      cap.block = new Uint8Array(65536);
    }
    const start = cap.at;
    for (let i = 0; i < n; i++) {
      cap.block.set(u8.subarray(v[2 * i], v[2 * i] + v[2 * i + 1]), cap.at);
      cap.at += v[2 * i + 1];
    }
    if (listener) listener(cap.block.slice(start, cap.at));
    return;
  }
  seal(cap);
  let chunk;
  if (n === 1) {
    chunk = u8.slice(v[0], v[0] + v[1]);
  } else {
    chunk = new Uint8Array(total);
    let at = 0;
    for (let i = 0; i < n; i++) {
      chunk.set(u8.subarray(v[2 * i], v[2 * i] + v[2 * i + 1]), at);
      at += v[2 * i + 1];
    }
  }
  cap.chunks.push(chunk);
  if (listener) listener(chunk.slice());
}
export function capture_bytes(cap, ptr, len, listener) {
  const chunk = shim().slice(ptr, ptr + len);
  seal(cap);
  cap.chunks.push(chunk);
  cap.length += len;
  if (listener) listener(chunk.slice());
}
// Everything captured, as one array.
export function capture_take(cap) {
  seal(cap);
  if (cap.chunks.length === 1) return cap.chunks[0];
  const out = new Uint8Array(cap.length);
  let at = 0;
  for (const c of cap.chunks) {
    out.set(c, at);
    at += c.length;
  }
  cap.chunks = [out];
  return out;
}
"#)]
extern "C" {
    fn set_shim_memory(m: &JsValue);
    fn guest_view(memory: &WebAssembly::Memory) -> JsValue;
    fn guest_size(c: &JsValue) -> f64;
    fn guest_read(c: &JsValue, ptr: u32, len: u32, dst: u32);
    fn guest_write(c: &JsValue, ptr: u32, src: u32, len: u32);
    fn guest_read_u32(c: &JsValue, ptr: u32) -> u32;
    fn guest_write_u32(c: &JsValue, ptr: u32, v: u32);
    fn guest_write_u64(c: &JsValue, ptr: u32, lo: u32, hi: u32);
    fn guest_write_js(c: &JsValue, ptr: u32, bytes: &Uint8Array, from: u32, len: u32) -> bool;
    fn capture_new() -> JsValue;
    fn capture_iovecs(c: &JsValue, cap: &JsValue, iovs: u32, n: u32, total: u32, listener: &JsValue);
    fn capture_one(c: &JsValue, cap: &JsValue, ptr: u32, len: u32, listener: &JsValue);
    fn capture_bytes(cap: &JsValue, ptr: u32, len: u32, listener: &JsValue);
    fn capture_take(cap: &JsValue) -> Uint8Array;
}

/// Output a run writes, held in JS arrays (copied once, from the guest's
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
        let view = mem.as_any().and_then(|a| a.downcast_ref::<JsMemory>()).and_then(|m| m.view.as_ref());
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

/// One write's buffers, copied into the shim.
fn gather(mem: &dyn GuestMemory, iovs: &[Iovec], total: u32) -> Result<Vec<u8>, Errno> {
    let mut buf = vec![0; total as usize];
    let mut at = 0;
    for iov in iovs {
        mem.read(iov.ptr, &mut buf[at..at + iov.len as usize])?;
        at += iov.len as usize;
    }
    Ok(buf)
}

/// A file's contents as the page gave them: a `Uint8Array` read in place.
#[derive(Debug)]
pub struct JsBytes {
    array: Uint8Array,
    /// Its length when it was handed over.
    len: usize,
}

impl JsBytes {
    /// Wraps a page's array.
    pub fn new(array: Uint8Array) -> JsBytes {
        let len = array.length() as usize;
        JsBytes { array, len }
    }
}

impl ExternalBytes for JsBytes {
    fn len(&self) -> usize {
        self.len
    }

    fn read(&self, offset: usize, dst: &mut [u8]) {
        let end = (offset + dst.len()).min(self.array.length() as usize);
        if offset < end {
            self.array.subarray(offset as u32, end as u32).copy_to(&mut dst[..end - offset]);
        }
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

thread_local! {
    static SHIM_MEMORY_SET: Cell<bool> = const { Cell::new(false) };
}

/// The guest's memory, as one run sees it.
pub struct JsMemory {
    /// The run's view object (`{ memory, u8, dv }`), or `None` before
    /// instantiation or for a guest that exports no memory.
    view: Option<JsValue>,
    /// The size last seen. Memory only grows, so a check that passes
    /// against it is right; one that fails asks the browser again.
    size: Cell<u64>,
}

impl JsMemory {
    /// The run's view object (`{ memory, u8, dv }`).
    pub fn view(&self) -> Option<&JsValue> {
        self.view.as_ref()
    }

    /// No memory yet.
    pub fn none() -> JsMemory {
        JsMemory { view: None, size: Cell::new(0) }
    }

    /// Wraps the guest's exported memory.
    pub fn new(memory: &WebAssembly::Memory) -> JsMemory {
        if !SHIM_MEMORY_SET.with(Cell::get) {
            set_shim_memory(&wasm_bindgen::memory());
            SHIM_MEMORY_SET.with(|s| s.set(true));
        }
        let view = guest_view(memory);
        let size = guest_size(&view) as u64;
        JsMemory { view: Some(view), size: Cell::new(size) }
    }
}

impl GuestMemory for JsMemory {
    fn as_any(&self) -> Option<&dyn Any> {
        Some(self)
    }

    fn size(&self) -> u64 {
        if let Some(v) = &self.view {
            self.size.set(guest_size(v) as u64);
        }
        self.size.get()
    }

    fn check(&self, ptr: u32, len: u64) -> Result<(), Errno> {
        let end = u64::from(ptr).checked_add(len).ok_or(Errno::Fault)?;
        // The cached size answers unless the guest may have grown since.
        if end <= self.size.get() || end <= self.size() {
            Ok(())
        } else {
            Err(Errno::Fault)
        }
    }

    fn read(&self, ptr: u32, dst: &mut [u8]) -> Result<(), Errno> {
        self.check(ptr, dst.len() as u64)?;
        if let (Some(v), false) = (&self.view, dst.is_empty()) {
            guest_read(v, ptr, dst.len() as u32, dst.as_mut_ptr() as u32);
        }
        Ok(())
    }

    fn write(&mut self, ptr: u32, src: &[u8]) -> Result<(), Errno> {
        self.check(ptr, src.len() as u64)?;
        if let (Some(v), false) = (&self.view, src.is_empty()) {
            guest_write(v, ptr, src.as_ptr() as u32, src.len() as u32);
        }
        Ok(())
    }

    fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        self.check(ptr, 4)?;
        Ok(self.view.as_ref().map_or(0, |v| guest_read_u32(v, ptr)))
    }

    fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.check(ptr, 4)?;
        if let Some(view) = &self.view {
            guest_write_u32(view, ptr, v);
        }
        Ok(())
    }

    fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.check(ptr, 8)?;
        if let Some(view) = &self.view {
            guest_write_u64(view, ptr, v as u32, (v >> 32) as u32);
        }
        Ok(())
    }

    /// A page's byte array straight into the guest's memory: one copy.
    fn write_external(
        &mut self,
        ptr: u32,
        src: &dyn ExternalBytes,
        offset: usize,
        len: usize,
    ) -> Result<(), Errno> {
        self.check(ptr, len as u64)?;
        match (src.as_any().downcast_ref::<JsBytes>(), &self.view) {
            (Some(js), Some(view)) => {
                if len > 0 && !guest_write_js(view, ptr, &js.array, offset as u32, len as u32) {
                    return Err(Errno::Io);
                }
                Ok(())
            }
            _ => {
                let mut tmp = vec![0; len];
                src.read(offset, &mut tmp);
                self.write(ptr, &tmp)
            }
        }
    }
}
