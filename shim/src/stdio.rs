//! The standard streams: where stdout and stderr go ([`Output`], an
//! optional [`CapturedBytes`] buffer and an optional streaming
//! [`OutputSink`]) and where stdin comes from ([`InputSource`]).

use crate::abi::Errno;
use crate::memory::{gather, GuestMemory, GuestMemoryExt, Iovec};

/// Where the bytes a guest writes to stdout or stderr go.
pub trait OutputSink {
    /// Receives one write's bytes, in order.
    fn write(&mut self, bytes: &[u8]);

    /// Takes one `fd_write`'s buffers (already bounds-checked) straight
    /// from guest memory. The default gathers them into one buffer for
    /// [`OutputSink::write`]; an edge can copy them out more directly.
    fn write_guest(&mut self, mem: &dyn GuestMemory, iovs: &[Iovec], total: u32) -> Result<(), Errno> {
        self.write(&gather(mem, iovs, total)?);
        Ok(())
    }

    /// The implementation, for an edge that recognises its own sinks.
    fn as_any(&self) -> Option<&dyn core::any::Any> {
        None
    }
}

/// Bytes captured from an output stream, kept in chunks so that capturing
/// never copies what it already holds (no reallocation of one big buffer).
#[derive(Debug, Default, Clone)]
pub struct CapturedBytes {
    chunks: Vec<Vec<u8>>,
    len: usize,
}

impl CapturedBytes {
    /// Total bytes captured.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing was captured.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The captured bytes, chunk by chunk, in order.
    pub fn chunks(&self) -> impl Iterator<Item = &[u8]> {
        self.chunks.iter().map(Vec::as_slice)
    }

    /// All captured bytes in one vector.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.len);
        for c in &self.chunks {
            v.extend_from_slice(c);
        }
        v
    }

    /// Room for `n` more bytes at the end of the last chunk: a new chunk of
    /// at least 64 KiB, growing with what has been captured, when needed.
    fn reserve(&mut self, n: usize) -> Result<&mut Vec<u8>, Errno> {
        let fits = self.chunks.last().is_some_and(|c| c.capacity() - c.len() >= n);
        if !fits {
            let mut chunk = Vec::new();
            chunk.try_reserve_exact(n.max(64 << 10).max(self.len / 2)).map_err(|_| Errno::Nospc)?;
            self.chunks.push(chunk);
        }
        self.len += n;
        self.chunks.last_mut().ok_or(Errno::Nospc)
    }
}

/// A standard output stream: optionally captured, optionally forwarded as
/// it is written.
#[derive(Default)]
pub struct Output {
    /// Everything written, if capturing.
    pub captured: Option<CapturedBytes>,
    /// Called on every write (streaming to a page, say).
    pub listener: Option<Box<dyn OutputSink>>,
}

impl Output {
    /// An output that keeps all bytes.
    pub fn capturing() -> Output {
        Output { captured: Some(CapturedBytes::default()), listener: None }
    }

    /// Copies one `fd_write`'s buffers out of guest memory, once: straight
    /// into the capture, or, when not capturing here, to the listener.
    pub fn write_from(&mut self, mem: &dyn GuestMemory, iovs: &[Iovec], total: u32) -> Result<(), Errno> {
        let buf = match (&mut self.captured, &mut self.listener) {
            (Some(c), _) => c.reserve(total as usize)?,
            (None, Some(l)) => return l.write_guest(mem, iovs, total),
            (None, None) => return Ok(()),
        };
        let start = buf.len();
        mem.read_iovecs_into(iovs, buf)?;
        if let Some(l) = &mut self.listener {
            l.write(&buf[start..]);
        }
        Ok(())
    }
}

/// What reading stdin yields.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InputReady {
    /// This many bytes were copied (0 is end of input).
    Read(usize),
    /// Nothing yet; more may come (interactive input).
    WouldBlock,
}

/// The source of a guest's stdin.
pub trait InputSource {
    /// Copies available bytes into `buf`.
    fn read(&mut self, buf: &mut [u8]) -> InputReady;
}

/// Stdin from a fixed byte buffer.
#[derive(Debug, Default, Clone)]
pub struct BytesInput {
    data: Vec<u8>,
    pos: usize,
}

impl BytesInput {
    /// Stdin that yields `data` then end of file.
    pub fn new(data: Vec<u8>) -> BytesInput {
        BytesInput { data, pos: 0 }
    }
}

impl InputSource for BytesInput {
    fn read(&mut self, buf: &mut [u8]) -> InputReady {
        let rest = self.data.get(self.pos..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.pos += n;
        InputReady::Read(n)
    }
}
