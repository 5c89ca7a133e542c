//! The standard streams: where stdout and stderr go ([`Output`], an
//! optional [`CapturedBytes`] buffer and an optional streaming
//! [`OutputSink`]) and where stdin comes from ([`InputSource`]).

use crate::abi::Errno;
use crate::memory::{gather, GuestMemory, GuestMemoryExt, Iovec};

/// Why an output sink could not take a write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SinkError {
    /// Tell the guest (no memory for the bytes, say).
    Errno(Errno),
    /// The host failed (a listener threw): the run ends.
    Fault,
}

impl From<Errno> for SinkError {
    fn from(e: Errno) -> Self {
        SinkError::Errno(e)
    }
}

/// Where the bytes a guest writes to stdout or stderr go.
pub trait OutputSink {
    /// Receives one write's bytes, in order.
    fn write(&mut self, bytes: &[u8]);

    /// Takes one `fd_write`'s buffers (already bounds-checked) straight
    /// from guest memory. The default gathers them into one buffer for
    /// [`OutputSink::write`]; an edge can copy them out more directly.
    fn write_guest(&mut self, mem: &dyn GuestMemory, iovs: &[Iovec], total: u32) -> Result<(), SinkError> {
        self.write(&gather(mem, iovs, total)?);
        Ok(())
    }

    /// Bytes this sink was given but did not keep (past its limit).
    fn dropped(&self) -> u64 {
        0
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

/// A standard output stream: optionally captured (up to a limit),
/// optionally forwarded as it is written.
#[derive(Default)]
pub struct Output {
    /// Everything written, if capturing, up to `limit` bytes.
    pub captured: Option<CapturedBytes>,
    /// Called on every write (streaming to a page, say), past the limit too.
    pub listener: Option<Box<dyn OutputSink>>,
    /// The most bytes kept in `captured`; what comes after is dropped
    /// from the capture (and counted) but still streamed.
    pub limit: u64,
    /// Bytes not kept because of the limit.
    pub dropped: u64,
}

impl Output {
    /// An output that keeps everything up to `limit` bytes.
    pub fn capturing(limit: u64) -> Output {
        Output { captured: Some(CapturedBytes::default()), listener: None, limit, dropped: 0 }
    }

    /// Copies one `fd_write`'s buffers out of guest memory, once: straight
    /// into the capture, or, when not capturing here (or past the limit),
    /// to the listener.
    pub fn write_from(&mut self, mem: &dyn GuestMemory, iovs: &[Iovec], total: u32) -> Result<(), SinkError> {
        let fits = match &self.captured {
            Some(c) => (c.len() as u64).saturating_add(u64::from(total)) <= self.limit && self.dropped == 0,
            None => false,
        };
        if self.captured.is_some() && !fits {
            self.dropped += u64::from(total);
        }
        let buf = match (&mut self.captured, &mut self.listener) {
            (Some(c), _) if fits => c.reserve(total as usize)?,
            (_, Some(l)) => return l.write_guest(mem, iovs, total),
            (_, None) => return Ok(()),
        };
        let start = buf.len();
        mem.read_iovecs_into(iovs, buf)?;
        if let Some(l) = &mut self.listener {
            l.write(&buf[start..]);
        }
        Ok(())
    }

    /// Bytes not kept, here or by the listener.
    pub fn dropped(&self) -> u64 {
        self.dropped + self.listener.as_ref().map_or(0, |l| l.dropped())
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
