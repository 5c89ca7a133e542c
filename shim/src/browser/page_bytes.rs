//! [`JsBytes`]: a file's contents as the page gave them, a `Uint8Array`
//! read in place until the guest changes the file.

use std::any::Any;

use js_sys::Uint8Array;

use crate::abi::Errno;
use crate::vfs::ExternalBytes;

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

    /// The page's array.
    pub fn array(&self) -> &Uint8Array {
        &self.array
    }
}

impl ExternalBytes for JsBytes {
    fn len(&self) -> usize {
        self.len
    }

    fn read(&self, offset: usize, dst: &mut [u8]) -> Result<(), Errno> {
        let end = (offset + dst.len()).min(self.array.length() as usize);
        if offset < end {
            self.array.subarray(offset as u32, end as u32).copy_to(&mut dst[..end - offset]);
        }
        Ok(())
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A file whose bytes a page function gives when the guest first needs
/// them (`{ size, read }` in a DirSpec): `read(0, size)` is called once,
/// synchronously, and must return them all (in a worker, a synchronous
/// `XMLHttpRequest` can; that is how `browser-wasi-runner` mirrors host
/// directories without copying what the guest never reads).
#[derive(Debug)]
pub struct JsLazyBytes {
    len: usize,
    read: js_sys::Function,
    bytes: std::cell::RefCell<Option<Uint8Array>>,
}

impl JsLazyBytes {
    /// A file of `len` bytes that `read` gives.
    pub fn new(len: usize, read: js_sys::Function) -> JsLazyBytes {
        JsLazyBytes { len, read, bytes: std::cell::RefCell::new(None) }
    }

    /// The bytes, fetched the first time; `EIO` if `read` threw or gave
    /// fewer than promised.
    pub fn array(&self) -> Result<Uint8Array, Errno> {
        if let Some(a) = self.bytes.borrow().as_ref() {
            return Ok(a.clone());
        }
        let got = self.read.call2(&wasm_bindgen::JsValue::NULL, &0.into(), &(self.len as f64).into());
        let array: Uint8Array =
            wasm_bindgen::JsCast::dyn_into(got.map_err(|_| Errno::Io)?).map_err(|_| Errno::Io)?;
        if (array.length() as usize) < self.len {
            return Err(Errno::Io);
        }
        *self.bytes.borrow_mut() = Some(array.clone());
        Ok(array)
    }
}

impl ExternalBytes for JsLazyBytes {
    fn len(&self) -> usize {
        self.len
    }

    fn read(&self, offset: usize, dst: &mut [u8]) -> Result<(), Errno> {
        JsBytes::new(self.array()?).read(offset, dst)
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}
