//! [`JsMemory`]: [`GuestMemory`] over the guest's exported
//! `WebAssembly.Memory`, through the number-only helpers of
//! `shim/js/memory.js`.

use std::any::Any;
use std::cell::Cell;

use js_sys::{Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;

use super::page_bytes::{JsBytes, JsLazyBytes};
use crate::abi::Errno;
use crate::memory::GuestMemory;
use crate::vfs::ExternalBytes;

#[wasm_bindgen(module = "/js/memory.js")]
extern "C" {
    /// Tells the helpers where the shim's own memory is.
    fn set_shim_memory(m: &JsValue);
    /// A run's view object `{ memory, u8, dv }`.
    fn guest_view(memory: &WebAssembly::Memory) -> JsValue;
    /// The guest memory's current size in bytes.
    fn guest_size(c: &JsValue) -> f64;
    /// Copies guest bytes into the shim's memory at `dst`.
    fn guest_read(c: &JsValue, ptr: u32, len: u32, dst: u32);
    /// Copies shim bytes at `src` into the guest's memory.
    fn guest_write(c: &JsValue, ptr: u32, src: u32, len: u32);
    fn guest_read_u32(c: &JsValue, ptr: u32) -> u32;
    fn guest_write_u32(c: &JsValue, ptr: u32, v: u32);
    fn guest_write_u64(c: &JsValue, ptr: u32, lo: u32, hi: u32);
    /// Copies part of a page's array into the guest's memory; false if the
    /// array was detached meanwhile.
    fn guest_write_js(c: &JsValue, ptr: u32, bytes: &Uint8Array, from: u32, len: u32) -> bool;
    /// Zeroes `len` bytes of the guest's memory at `ptr`.
    fn guest_fill_zero(c: &JsValue, ptr: u32, len: u32);
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
        ensure_shim_memory();
        let view = guest_view(memory);
        let size = guest_size(&view) as u64;
        JsMemory { view: Some(view), size: Cell::new(size) }
    }
}

/// Tells memory.js where the shim's own memory is (once), which output
/// capture copies from.
pub(crate) fn ensure_shim_memory() {
    if !SHIM_MEMORY_SET.with(Cell::get) {
        set_shim_memory(&wasm_bindgen::memory());
        SHIM_MEMORY_SET.with(|s| s.set(true));
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
        let lazy = src.as_any().downcast_ref::<JsLazyBytes>().map(JsLazyBytes::array).transpose()?;
        let array = lazy.as_ref().or_else(|| src.as_any().downcast_ref::<JsBytes>().map(JsBytes::array));
        match (array, &self.view) {
            (Some(array), Some(view)) => {
                if len > 0 && !guest_write_js(view, ptr, array, offset as u32, len as u32) {
                    return Err(Errno::Io);
                }
                Ok(())
            }
            _ => match src.as_any().downcast_ref::<Vec<u8>>() {
                Some(v) => self.write(ptr, &v[offset..offset + len]),
                None => {
                    let mut tmp = vec![0; len];
                    src.read(offset, &mut tmp)?;
                    self.write(ptr, &tmp)
                }
            },
        }
    }

    fn fill_zero(&mut self, ptr: u32, len: u32) -> Result<(), Errno> {
        self.check(ptr, u64::from(len))?;
        if let (Some(v), true) = (&self.view, len > 0) {
            guest_fill_zero(v, ptr, len);
        }
        Ok(())
    }
}
