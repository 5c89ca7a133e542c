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
use crate::ctx::Host;
use crate::memory::GuestMemory;
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
export function guest_read(c, ptr, len, dst) { shim().set(g(c).u8.subarray(ptr, ptr + len), dst); }
export function guest_write(c, ptr, src, len) { g(c).u8.set(shim().subarray(src, src + len), ptr); }
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
// crypto.getRandomValues refuses more than 65,536 bytes at once.
export function guest_fill_random(c, ptr, len) {
  const buffer = g(c).u8.buffer;
  for (let at = 0; at < len; at += 65536) {
    crypto.getRandomValues(new Uint8Array(buffer, ptr + at, Math.min(65536, len - at)));
  }
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
    fn guest_fill_random(c: &JsValue, ptr: u32, len: u32);
    fn guest_write_js(c: &JsValue, ptr: u32, bytes: &Uint8Array, from: u32, len: u32) -> bool;
}

/// A file's contents as the page gave them: a `Uint8Array` read in place.
#[derive(Debug)]
pub struct JsBytes(pub Uint8Array);

impl ExternalBytes for JsBytes {
    fn len(&self) -> usize {
        self.0.length() as usize
    }

    fn read(&self, offset: usize, dst: &mut [u8]) {
        let end = (offset + dst.len()).min(self.len());
        if offset < end {
            self.0.subarray(offset as u32, end as u32).copy_to(&mut dst[..end - offset]);
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
                if len > 0 && !guest_write_js(view, ptr, &js.0, offset as u32, len as u32) {
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

    /// `crypto.getRandomValues` straight into the guest's memory (the
    /// browser's source is the host's anyway).
    fn fill_random(&mut self, ptr: u32, len: u32, _host: &mut dyn Host) -> Result<(), Errno> {
        self.check(ptr, u64::from(len))?;
        if let Some(v) = &self.view {
            guest_fill_random(v, ptr, len);
        }
        Ok(())
    }
}
