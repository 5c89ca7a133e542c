//! [`JsBytes`]: a file's contents as the page gave them, a `Uint8Array`
//! read in place until the guest changes the file.

use std::any::Any;

use js_sys::Uint8Array;

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
