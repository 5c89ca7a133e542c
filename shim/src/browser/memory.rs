//! [`GuestMemory`] over the guest's exported `WebAssembly.Memory`.

use js_sys::{Uint8Array, WebAssembly};

use crate::abi::Errno;
use crate::memory::GuestMemory;

/// The guest's memory, seen through a cached `Uint8Array`.
///
/// `memory.grow` detaches the old `ArrayBuffer` (its views then have length
/// 0), so [`JsMemory::refresh`] runs at the start of every call and takes a
/// new view only when that has happened.
pub struct JsMemory {
    memory: Option<WebAssembly::Memory>,
    view: Uint8Array,
    len: u64,
}

impl JsMemory {
    /// No memory yet (before instantiation, or a guest that exports none).
    pub fn none() -> JsMemory {
        JsMemory { memory: None, view: Uint8Array::new_with_length(0), len: 0 }
    }

    /// Wraps the guest's exported memory.
    pub fn new(memory: WebAssembly::Memory) -> JsMemory {
        let mut m = JsMemory { memory: Some(memory), view: Uint8Array::new_with_length(0), len: 0 };
        m.reacquire();
        m
    }

    fn reacquire(&mut self) {
        if let Some(mem) = &self.memory {
            self.view = Uint8Array::new(&mem.buffer());
            self.len = u64::from(self.view.length());
        }
    }

    /// Takes a fresh view if the memory grew since the last call.
    pub fn refresh(&mut self) {
        if self.memory.is_some() && (self.len == 0 || self.view.length() == 0) {
            self.reacquire();
        }
    }

    /// The current view (valid until the guest runs again).
    pub fn view(&self) -> &Uint8Array {
        &self.view
    }
}

impl GuestMemory for JsMemory {
    fn size(&self) -> u64 {
        self.len
    }

    fn read(&self, ptr: u32, dst: &mut [u8]) -> Result<(), Errno> {
        self.check(ptr, dst.len() as u64)?;
        if !dst.is_empty() {
            self.view.subarray(ptr, ptr + dst.len() as u32).copy_to(dst);
        }
        Ok(())
    }

    fn write(&mut self, ptr: u32, src: &[u8]) -> Result<(), Errno> {
        self.check(ptr, src.len() as u64)?;
        if !src.is_empty() {
            // SAFETY: the view of our own memory is used at once, before
            // anything can allocate and move or grow it.
            let from = unsafe { Uint8Array::view(src) };
            self.view.set(&from, ptr);
        }
        Ok(())
    }
}
