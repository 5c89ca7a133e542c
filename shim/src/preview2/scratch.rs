//! [`Scratch`]: the host's own buffer that the preview1 functions take for
//! guest memory when preview2 calls them.

use crate::abi::Errno;
use crate::memory::GuestMemory;

/// A buffer that grows to what a call needs and is kept between calls.
#[derive(Debug, Default)]
pub struct Scratch(pub Vec<u8>);

impl Scratch {
    /// At least `len` bytes, zeroed.
    pub fn reset(&mut self, len: usize) {
        self.0.clear();
        self.0.resize(len, 0);
    }

    /// The bytes at `at..at + len`.
    pub fn slice(&self, at: u32, len: usize) -> &[u8] {
        &self.0[at as usize..at as usize + len]
    }

    pub fn u32_at(&self, at: u32) -> u32 {
        u32::from_le_bytes(self.slice(at, 4).try_into().unwrap_or_default())
    }

    pub fn u64_at(&self, at: u32) -> u64 {
        u64::from_le_bytes(self.slice(at, 8).try_into().unwrap_or_default())
    }
}

impl GuestMemory for Scratch {
    fn size(&self) -> u64 {
        self.0.len() as u64
    }

    fn read(&self, ptr: u32, dst: &mut [u8]) -> Result<(), Errno> {
        self.check(ptr, dst.len() as u64)?;
        dst.copy_from_slice(&self.0[ptr as usize..ptr as usize + dst.len()]);
        Ok(())
    }

    fn write(&mut self, ptr: u32, src: &[u8]) -> Result<(), Errno> {
        self.check(ptr, src.len() as u64)?;
        self.0[ptr as usize..ptr as usize + src.len()].copy_from_slice(src);
        Ok(())
    }
}
