//! A regular file's contents, sparse and copy-on-write.
//!
//! The bytes are kept in chunks of [`CHUNK`] bytes, and a file holds only
//! the chunks it has written: a chunk it does not hold reads from its
//! *base* (bytes that live elsewhere: a buffer the page handed over, read
//! in place) while that reaches, and as zeros beyond. So a far seek and a
//! small write cost what they write, a large input file costs no copy until
//! the guest changes it, and then only the chunks it changes are copied.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::abi::Errno;
use crate::memory::{GuestMemory, Iovec};

/// The size of a chunk, the unit of allocation and of copy on write.
pub const CHUNK: u64 = 64 * 1024;

/// The longest hole one [`Segment::Zeros`] spans (so that it fits a
/// `usize` on wasm32).
const MAX_SEGMENT: u64 = 1 << 30;

/// Bytes that live outside the filesystem, read in place: a buffer the page
/// handed over, or a vector given whole.
pub trait ExternalBytes: fmt::Debug {
    /// The number of bytes.
    fn len(&self) -> usize;
    /// True when there are no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Copies the bytes at `offset..offset + dst.len()` into `dst`;
    /// `EIO` if they cannot be had (a lazily fetched file that failed).
    fn read(&self, offset: usize, dst: &mut [u8]) -> Result<(), Errno>;
    /// For an edge that can copy these bytes straight into guest memory.
    fn as_any(&self) -> &dyn Any;
}

impl ExternalBytes for Vec<u8> {
    fn len(&self) -> usize {
        Vec::len(self)
    }
    fn read(&self, offset: usize, dst: &mut [u8]) -> Result<(), Errno> {
        // Past the end reads as nothing (callers stay within `len`).
        let end = offset.saturating_add(dst.len()).min(Vec::len(self));
        if offset < end {
            dst[..end - offset].copy_from_slice(&self[offset..end]);
        }
        Ok(())
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// A regular file's contents: a length, the chunks written, and a base.
#[derive(Clone, Default)]
pub struct FileData {
    len: u64,
    /// Chunk index → the chunk's bytes from its start. A chunk shorter
    /// than [`CHUNK`] reads as zeros after its end.
    chunks: BTreeMap<u64, Vec<u8>>,
    base: Option<Rc<dyn ExternalBytes>>,
    /// How much of the base is still the file's (a truncation cuts it).
    base_len: u64,
    /// The bytes the chunks hold, in all.
    owned: u64,
}

/// One contiguous piece of a file's bytes, as [`FileData::segments`] yields
/// them.
pub enum Segment<'a> {
    /// Bytes the file holds.
    Bytes(&'a [u8]),
    /// `len` bytes of the base, from `offset`.
    Base(&'a dyn ExternalBytes, usize, usize),
    /// `len` zero bytes (a hole).
    Zeros(usize),
}

impl Segment<'_> {
    /// The number of bytes.
    pub fn len(&self) -> usize {
        match self {
            Segment::Bytes(b) => b.len(),
            Segment::Base(_, _, n) | Segment::Zeros(n) => *n,
        }
    }

    /// True for a piece of no bytes (never yielded by `segments`).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl FileData {
    /// A file with these bytes (kept as they are, without a copy).
    pub fn from_vec(bytes: Vec<u8>) -> FileData {
        if bytes.is_empty() {
            return FileData::default();
        }
        FileData::external(Rc::new(bytes))
    }

    /// A file whose bytes are read in place from `base` until written.
    pub fn external(base: Rc<dyn ExternalBytes>) -> FileData {
        let len = base.len() as u64;
        FileData { len, chunks: BTreeMap::new(), base: Some(base), base_len: len, owned: 0 }
    }

    /// The size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty file.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The base, if the file still reads from one.
    pub fn base(&self) -> Option<&Rc<dyn ExternalBytes>> {
        self.base.as_ref().filter(|_| self.base_len > 0)
    }

    /// True while the file is exactly its base, unchanged (or empty with
    /// no base): nothing to send back to a store.
    pub fn is_pristine(&self) -> bool {
        let base = self.base.as_ref().map_or(0, |b| b.len() as u64);
        self.chunks.is_empty() && self.base_len == base && self.len == base
    }

    /// How much of the base is still the file's (a store keeps the rest of
    /// its old bytes until it is cut there).
    pub fn base_len(&self) -> u64 {
        self.base_len
    }

    /// The chunks the file wrote: `(offset, bytes)`, in order. A chunk
    /// holds all of the base's bytes in its range, so past a chunk's bytes
    /// the file reads as zeros up to the chunk's end.
    pub fn written_chunks(&self) -> impl Iterator<Item = (u64, &[u8])> + '_ {
        self.chunks.iter().map(|(&i, c)| (i * CHUNK, c.as_slice()))
    }

    /// Bytes the file holds itself (what counts against a quota).
    pub fn owned_bytes(&self) -> u64 {
        self.owned
    }

    /// The bytes of `offset..offset + len` (clamped to the file), piece by
    /// piece, in order.
    pub fn segments(&self, offset: u64, len: u64) -> impl Iterator<Item = Segment<'_>> + '_ {
        let end = offset.saturating_add(len).min(self.len);
        let mut at = offset.min(end);
        std::iter::from_fn(move || {
            if at >= end {
                return None;
            }
            let index = at / CHUNK;
            let in_chunk = at - index * CHUNK;
            let chunk_end = ((index + 1) * CHUNK).min(end);
            let want = (chunk_end - at) as usize;
            let seg = match self.chunks.get(&index) {
                Some(bytes) => {
                    let from = in_chunk as usize;
                    if from < bytes.len() {
                        Segment::Bytes(&bytes[from..bytes.len().min(from + want)])
                    } else {
                        Segment::Zeros(want)
                    }
                }
                None => match &self.base {
                    Some(base) if at < self.base_len => {
                        Segment::Base(&**base, at as usize, want.min((self.base_len - at) as usize))
                    }
                    // A hole: zeros up to the next chunk the file holds.
                    _ => {
                        let hole_end = self.chunks.range(index + 1..).next().map_or(end, |(&i, _)| i * CHUNK);
                        Segment::Zeros((hole_end.min(end) - at).min(MAX_SEGMENT) as usize)
                    }
                },
            };
            at += seg.len() as u64;
            Some(seg)
        })
    }

    /// Copies `offset..offset + dst.len()` into `dst` (zeros past the end).
    pub fn read(&self, offset: u64, dst: &mut [u8]) -> Result<(), Errno> {
        let mut at = 0;
        for seg in self.segments(offset, dst.len() as u64) {
            let n = seg.len();
            match seg {
                Segment::Bytes(b) => dst[at..at + n].copy_from_slice(b),
                Segment::Base(base, from, _) => base.read(from, &mut dst[at..at + n])?,
                Segment::Zeros(_) => dst[at..at + n].fill(0),
            }
            at += n;
        }
        dst[at..].fill(0);
        Ok(())
    }

    /// All the bytes in one vector; `ENOMEM` when they do not fit in memory
    /// (a large sparse file).
    pub fn to_vec(&self) -> Result<Vec<u8>, Errno> {
        let len = usize::try_from(self.len).map_err(|_| Errno::Nomem)?;
        let mut v = Vec::new();
        v.try_reserve_exact(len).map_err(|_| Errno::Nomem)?;
        v.resize(len, 0);
        self.read(0, &mut v)?;
        Ok(v)
    }

    /// The bytes a write of `offset..offset + len` would newly allocate:
    /// what a quota is checked against before the write.
    pub fn growth_for(&self, offset: u64, len: u64) -> u64 {
        let Some(end) = offset.checked_add(len).filter(|_| len > 0) else { return 0 };
        let mut growth = 0;
        for index in offset / CHUNK..=(end - 1) / CHUNK {
            let start = index * CHUNK;
            let need = end.min(start + CHUNK) - start;
            let have = match self.chunks.get(&index) {
                Some(c) => c.len() as u64,
                None => 0,
            };
            // A chunk copied from the base takes the base's bytes as well.
            let from_base = if self.chunks.contains_key(&index) {
                0
            } else {
                self.base_len.saturating_sub(start).min(CHUNK)
            };
            growth += need.max(from_base).saturating_sub(have);
        }
        growth
    }

    /// The chunk `index`, owned and at least `len` bytes long: taken from
    /// the base (copy on write) or made of zeros. `ENOSPC` if the host
    /// cannot allocate it.
    fn chunk_mut(&mut self, index: u64, len: usize) -> Result<&mut Vec<u8>, Errno> {
        let start = index * CHUNK;
        if !self.chunks.contains_key(&index) {
            let mut bytes = Vec::new();
            let from_base = self.base_len.saturating_sub(start).min(CHUNK) as usize;
            bytes.try_reserve_exact(len.max(from_base)).map_err(|_| Errno::Nospc)?;
            bytes.resize(from_base, 0);
            if let (Some(base), true) = (&self.base, from_base > 0) {
                base.read(start as usize, &mut bytes).map_err(|_| Errno::Io)?;
            }
            self.owned += bytes.len() as u64;
            self.chunks.insert(index, bytes);
        }
        let bytes = self.chunks.get_mut(&index).ok_or(Errno::Nospc)?;
        if bytes.len() < len {
            bytes.try_reserve(len - bytes.len()).map_err(|_| Errno::Nospc)?;
            self.owned += (len - bytes.len()) as u64;
            bytes.resize(len, 0);
        }
        Ok(bytes)
    }

    /// Writes the guest buffers `iovs` (bounds-checked) at `offset`,
    /// copying each byte once, from guest memory into the file's chunks;
    /// grows the file to the end of the write. The caller has checked the
    /// quota with [`FileData::growth_for`].
    pub fn write_from_guest(
        &mut self,
        offset: u64,
        mem: &dyn GuestMemory,
        iovs: &[Iovec],
    ) -> Result<(), Errno> {
        let mut at = offset;
        for iov in iovs {
            let mut done = 0u64;
            let len = u64::from(iov.len);
            while done < len {
                let pos = at + done;
                let index = pos / CHUNK;
                let in_chunk = (pos - index * CHUNK) as usize;
                let n = (len - done).min(CHUNK - in_chunk as u64) as usize;
                let chunk = self.chunk_mut(index, in_chunk + n)?;
                mem.read(iov.ptr + done as u32, &mut chunk[in_chunk..in_chunk + n])?;
                done += n as u64;
            }
            at += len;
        }
        self.len = self.len.max(at);
        Ok(())
    }

    /// Writes `src` at `offset` (the same as a guest write, from the shim's
    /// own bytes).
    pub fn write(&mut self, offset: u64, src: &[u8]) -> Result<(), Errno> {
        let mut done = 0usize;
        while done < src.len() {
            let pos = offset + done as u64;
            let index = pos / CHUNK;
            let in_chunk = (pos - index * CHUNK) as usize;
            let n = (src.len() - done).min(CHUNK as usize - in_chunk);
            self.chunk_mut(index, in_chunk + n)?[in_chunk..in_chunk + n]
                .copy_from_slice(&src[done..done + n]);
            done += n;
        }
        self.len = self.len.max(offset + src.len() as u64);
        Ok(())
    }

    /// Sets the size: shrinking drops what lies beyond, growing adds a hole
    /// (nothing is allocated). Returns the bytes freed.
    pub fn set_len(&mut self, len: u64) -> u64 {
        let mut freed = 0;
        if len < self.len {
            let first_gone = len.div_ceil(CHUNK);
            for (_, c) in self.chunks.split_off(&first_gone) {
                freed += c.len() as u64;
            }
            if !len.is_multiple_of(CHUNK) {
                if let Some(c) = self.chunks.get_mut(&(len / CHUNK)) {
                    let keep = (len % CHUNK) as usize;
                    if c.len() > keep {
                        freed += (c.len() - keep) as u64;
                        c.truncate(keep);
                        c.shrink_to_fit();
                    }
                }
            }
            self.base_len = self.base_len.min(len);
        }
        self.len = len;
        self.owned -= freed;
        freed
    }
}

impl fmt::Debug for FileData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileData")
            .field("len", &self.len)
            .field("chunks", &self.chunks.len())
            .field("base_len", &self.base_len)
            .finish()
    }
}

impl PartialEq for FileData {
    /// Same bytes, compared a chunk at a time; a hole both files have is
    /// skipped whole (a sparse file is never materialised).
    fn eq(&self, other: &FileData) -> bool {
        if self.len != other.len {
            return false;
        }
        let (mut a, mut b) = (vec![0; CHUNK as usize], vec![0; CHUNK as usize]);
        let mut at = 0;
        while at < self.len {
            let holes = (self.segments(at, self.len).next(), other.segments(at, other.len).next());
            if let (Some(Segment::Zeros(x)), Some(Segment::Zeros(y))) = holes {
                at += x.min(y) as u64;
                continue;
            }
            let n = (self.len - at).min(CHUNK - at % CHUNK) as usize;
            let read = self.read(at, &mut a[..n]).and(other.read(at, &mut b[..n]));
            if read.is_err() || a[..n] != b[..n] {
                return false;
            }
            at += n as u64;
        }
        true
    }
}

impl Eq for FileData {}

impl From<Vec<u8>> for FileData {
    fn from(v: Vec<u8>) -> Self {
        FileData::from_vec(v)
    }
}
