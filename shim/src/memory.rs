//! Access to the guest's linear memory.
//!
//! Every pointer and length a guest passes goes through [`GuestMemory`], whose
//! implementations check bounds and return `EFAULT` instead of panicking. The
//! browser edge implements it over a `WebAssembly.Memory`; native tests use a
//! plain byte slice.

use crate::abi::Errno;

/// Bounds-checked byte access to a guest's linear memory.
pub trait GuestMemory {
    /// The current size of the memory in bytes.
    fn size(&self) -> u64;

    /// Copies `dst.len()` bytes starting at `ptr` out of guest memory.
    fn read(&self, ptr: u32, dst: &mut [u8]) -> Result<(), Errno>;

    /// Copies `src` into guest memory starting at `ptr`.
    fn write(&mut self, ptr: u32, src: &[u8]) -> Result<(), Errno>;

    /// `EFAULT` unless `ptr..ptr+len` lies inside the memory.
    fn check(&self, ptr: u32, len: u64) -> Result<(), Errno> {
        match u64::from(ptr).checked_add(len) {
            Some(end) if end <= self.size() => Ok(()),
            _ => Err(Errno::Fault),
        }
    }

    // Small fixed-size accesses are the most frequent; an implementation
    // may do them more cheaply than through a byte buffer.

    /// Reads a little-endian `u32`.
    fn read_u32(&self, ptr: u32) -> Result<u32, Errno> {
        let mut b = [0; 4];
        self.read(ptr, &mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// Reads a little-endian `u64`.
    fn read_u64(&self, ptr: u32) -> Result<u64, Errno> {
        let mut b = [0; 8];
        self.read(ptr, &mut b)?;
        Ok(u64::from_le_bytes(b))
    }

    /// Writes a little-endian `u32`.
    fn write_u32(&mut self, ptr: u32, v: u32) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// Writes a little-endian `u64`.
    fn write_u64(&mut self, ptr: u32, v: u64) -> Result<(), Errno> {
        self.write(ptr, &v.to_le_bytes())
    }

    /// The implementation, for an edge that handles its own memory type in
    /// a faster way.
    fn as_any(&self) -> Option<&dyn core::any::Any> {
        None
    }

    /// Copies `len` bytes of an external buffer, from `offset`, to `ptr`
    /// (an edge that owns such buffers copies them directly).
    fn write_external(
        &mut self,
        ptr: u32,
        src: &dyn crate::vfs::ExternalBytes,
        offset: usize,
        len: usize,
    ) -> Result<(), Errno> {
        self.check(ptr, len as u64)?;
        if let Some(v) = src.as_any().downcast_ref::<Vec<u8>>() {
            return self.write(ptr, &v[offset..offset + len]);
        }
        let mut tmp = vec![0; len];
        src.read(offset, &mut tmp)?;
        self.write(ptr, &tmp)
    }

    /// Writes `len` zero bytes at `ptr` (a hole in a sparse file).
    fn fill_zero(&mut self, ptr: u32, len: u32) -> Result<(), Errno> {
        const ZEROS: [u8; 4096] = [0; 4096];
        self.check(ptr, u64::from(len))?;
        let mut done = 0;
        while done < len {
            let n = (len - done).min(ZEROS.len() as u32);
            self.write(ptr + done, &ZEROS[..n as usize])?;
            done += n;
        }
        Ok(())
    }
}

impl GuestMemory for [u8] {
    fn size(&self) -> u64 {
        self.len() as u64
    }

    fn read(&self, ptr: u32, dst: &mut [u8]) -> Result<(), Errno> {
        let start = ptr as usize;
        let src = start.checked_add(dst.len()).and_then(|end| self.get(start..end)).ok_or(Errno::Fault)?;
        dst.copy_from_slice(src);
        Ok(())
    }

    fn write(&mut self, ptr: u32, src: &[u8]) -> Result<(), Errno> {
        let start = ptr as usize;
        let dst =
            start.checked_add(src.len()).and_then(|end| self.get_mut(start..end)).ok_or(Errno::Fault)?;
        dst.copy_from_slice(src);
        Ok(())
    }
}

/// A guest memory held as a plain byte slice (native runtimes such as
/// wasmi, and tests).
pub struct SliceMemory<'a>(pub &'a mut [u8]);

impl GuestMemory for SliceMemory<'_> {
    fn size(&self) -> u64 {
        self.0.size()
    }
    fn read(&self, ptr: u32, dst: &mut [u8]) -> Result<(), Errno> {
        self.0.read(ptr, dst)
    }
    fn write(&mut self, ptr: u32, src: &[u8]) -> Result<(), Errno> {
        self.0.write(ptr, src)
    }
}

/// One `ciovec`/`iovec`: a guest buffer. Laid out as in the guest (two
/// `u32`s), so an edge can hand a slice of them to the host as is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct Iovec {
    pub ptr: u32,
    pub len: u32,
}

/// Typed helpers on top of [`GuestMemory`]; all bounds-checked.
pub trait GuestMemoryExt: GuestMemory {
    /// Reads `len` bytes into a new vector; bounds are checked before the
    /// allocation, so a huge bogus length costs nothing, and the allocation
    /// is fallible (`ENOMEM`).
    fn read_vec(&self, ptr: u32, len: u32) -> Result<Vec<u8>, Errno> {
        self.check(ptr, u64::from(len))?;
        let mut v = Vec::new();
        v.try_reserve_exact(len as usize).map_err(|_| Errno::Nomem)?;
        v.resize(len as usize, 0);
        self.read(ptr, &mut v)?;
        Ok(v)
    }

    /// Reads a path (or a link's target): its bounds are checked, then its
    /// length (`ENAMETOOLONG` past `PATH_MAX`, before anything is copied),
    /// and it must be UTF-8 (`EILSEQ`).
    fn read_path(&self, ptr: u32, len: u32) -> Result<String, Errno> {
        self.check(ptr, u64::from(len))?;
        if len as usize > crate::abi::PATH_MAX {
            return Err(Errno::Nametoolong);
        }
        String::from_utf8(self.read_vec(ptr, len)?).map_err(|_| Errno::Ilseq)
    }

    /// Reads an array of `count` iovecs; past [`IOV_MAX`] only the first
    /// ones are read (the call then moves fewer bytes, as it may).
    fn read_iovecs(&self, ptr: u32, count: u32) -> Result<Vec<Iovec>, Errno> {
        if count == 1 {
            // the usual case: one read, no heap buffer in between
            let mut b = [0u8; 8];
            self.read(ptr, &mut b)?;
            let [a0, a1, a2, a3, l0, l1, l2, l3] = b;
            return Ok(vec![Iovec {
                ptr: u32::from_le_bytes([a0, a1, a2, a3]),
                len: u32::from_le_bytes([l0, l1, l2, l3]),
            }]);
        }
        let bytes = u64::from(count) * 8;
        self.check(ptr, bytes)?;
        let raw = self.read_vec(ptr, count.min(IOV_MAX) * 8)?;
        Ok(raw
            .chunks_exact(8)
            .map(|c| Iovec {
                ptr: u32::from_le_bytes([c[0], c[1], c[2], c[3]]),
                len: u32::from_le_bytes([c[4], c[5], c[6], c[7]]),
            })
            .collect())
    }

    /// Appends the bytes of `iovs` to `buf`, in order. The room is reserved
    /// fallibly first: `ENOSPC` when the host cannot allocate it.
    fn read_iovecs_into(&self, iovs: &[Iovec], buf: &mut Vec<u8>) -> Result<(), Errno> {
        let total: usize = iovs.iter().map(|i| i.len as usize).sum();
        buf.try_reserve(total).map_err(|_| Errno::Nospc)?;
        for iov in iovs {
            let at = buf.len();
            buf.resize(at + iov.len as usize, 0);
            self.read(iov.ptr, &mut buf[at..])?;
        }
        Ok(())
    }

    /// Checks that every iovec lies inside memory and returns their total
    /// length; `EINVAL` if it overflows a `u32` (the result type of the
    /// read/write calls).
    fn check_iovecs(&self, iovs: &[Iovec]) -> Result<u32, Errno> {
        let mut total: u32 = 0;
        for iov in iovs {
            self.check(iov.ptr, u64::from(iov.len))?;
            total = total.checked_add(iov.len).ok_or(Errno::Inval)?;
        }
        Ok(total)
    }
}

impl<M: GuestMemory + ?Sized> GuestMemoryExt for M {}

/// The most iovecs one call reads (Linux's `IOV_MAX`).
pub const IOV_MAX: u32 = 1024;

/// The most bytes one read or write moves: iovecs may overlap, so a small
/// guest could otherwise ask for gigabytes in one call. A call past it moves
/// this much and says so in its count, as a short read or write may.
pub const MAX_IO_PER_CALL: u32 = 16 << 20;

/// Cuts `iovs` so that they add up to at most [`MAX_IO_PER_CALL`] bytes;
/// returns the total.
pub fn cap_iovecs(iovs: &mut Vec<Iovec>, total: u32) -> u32 {
    if total <= MAX_IO_PER_CALL {
        return total;
    }
    let mut left = MAX_IO_PER_CALL;
    let mut keep = 0;
    for iov in iovs.iter_mut() {
        if left == 0 {
            break;
        }
        iov.len = iov.len.min(left);
        left -= iov.len;
        keep += 1;
    }
    iovs.truncate(keep);
    MAX_IO_PER_CALL
}

/// One write's buffers (`total` bytes in all), copied out of guest memory
/// into one vector: the one place the shim gathers iovecs.
pub fn gather(mem: &dyn GuestMemory, iovs: &[Iovec], total: u32) -> Result<Vec<u8>, Errno> {
    let mut buf = Vec::new();
    buf.try_reserve_exact(total as usize).map_err(|_| Errno::Nospc)?;
    mem.read_iovecs_into(iovs, &mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn out_of_bounds_is_efault_not_panic() {
        let mut mem = vec![0u8; 16];
        let m: &mut [u8] = &mut mem;
        assert_eq!(m.read_u32(13), Err(Errno::Fault));
        assert_eq!(m.write_u64(9, 1), Err(Errno::Fault));
        assert_eq!(m.read_u32(u32::MAX), Err(Errno::Fault));
        assert_eq!(m.read_vec(0, u32::MAX), Err(Errno::Fault));
        assert_eq!(m.read_iovecs(8, u32::MAX), Err(Errno::Fault));
        assert!(m.write_u32(12, 7).is_ok());
        assert_eq!(m.read_u32(12), Ok(7));
    }

    #[test]
    fn invalid_utf8_is_eilseq() {
        let mem = [0xffu8, 0xfe];
        assert_eq!(mem[..].read_path(0, 2), Err(Errno::Ilseq));
    }
}
