//! `wasi:io`: streams (the standard streams and files' streams), pollables
//! (ready, a monotonic deadline, stdin) with `poll`, and errors; also
//! `wasi:clocks` and `wasi:random`, whose pollables and bytes are the same
//! host services preview1's clocks and `random_get` use.

use browser_wasi_component::value::Val;

use super::{borrow_arg, bytes_arg, trap, u64_arg, Cx, HostResult, HostStop};
use crate::abi::{ClockId, Errno};
use crate::stdio::InputReady;
use crate::syscalls::{self, Stop, Wait};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fn {
    PollableReady,
    PollableBlock,
    Poll,
    ErrorToDebugString,
    Read { blocking: bool },
    Skip { blocking: bool },
    InputSubscribe,
    CheckWrite,
    Write,
    BlockingWriteAndFlush,
    Flush,
    WriteZeroes { blocking: bool },
    Splice { blocking: bool },
    OutputSubscribe,
    MonotonicNow,
    MonotonicResolution,
    SubscribeInstant,
    SubscribeDuration,
    WallNow,
    WallResolution,
    RandomBytes,
    RandomU64,
    InsecureSeed,
}

pub fn bind(interface: &str, func: &str) -> Option<Fn> {
    Some(match (interface, func) {
        ("wasi:io/poll", "[method]pollable.ready") => Fn::PollableReady,
        ("wasi:io/poll", "[method]pollable.block") => Fn::PollableBlock,
        ("wasi:io/poll", "poll") => Fn::Poll,
        ("wasi:io/error", "[method]error.to-debug-string") => Fn::ErrorToDebugString,
        ("wasi:io/streams", "[method]input-stream.read") => Fn::Read { blocking: false },
        ("wasi:io/streams", "[method]input-stream.blocking-read") => Fn::Read { blocking: true },
        ("wasi:io/streams", "[method]input-stream.skip") => Fn::Skip { blocking: false },
        ("wasi:io/streams", "[method]input-stream.blocking-skip") => Fn::Skip { blocking: true },
        ("wasi:io/streams", "[method]input-stream.subscribe") => Fn::InputSubscribe,
        ("wasi:io/streams", "[method]output-stream.check-write") => Fn::CheckWrite,
        ("wasi:io/streams", "[method]output-stream.write") => Fn::Write,
        ("wasi:io/streams", "[method]output-stream.blocking-write-and-flush") => Fn::BlockingWriteAndFlush,
        ("wasi:io/streams", "[method]output-stream.flush" | "[method]output-stream.blocking-flush") => {
            Fn::Flush
        }
        ("wasi:io/streams", "[method]output-stream.write-zeroes") => Fn::WriteZeroes { blocking: false },
        ("wasi:io/streams", "[method]output-stream.blocking-write-zeroes-and-flush") => {
            Fn::WriteZeroes { blocking: true }
        }
        ("wasi:io/streams", "[method]output-stream.splice") => Fn::Splice { blocking: false },
        ("wasi:io/streams", "[method]output-stream.blocking-splice") => Fn::Splice { blocking: true },
        ("wasi:io/streams", "[method]output-stream.subscribe") => Fn::OutputSubscribe,
        ("wasi:clocks/monotonic-clock", "now") => Fn::MonotonicNow,
        ("wasi:clocks/monotonic-clock", "resolution") => Fn::MonotonicResolution,
        ("wasi:clocks/monotonic-clock", "subscribe-instant") => Fn::SubscribeInstant,
        ("wasi:clocks/monotonic-clock", "subscribe-duration") => Fn::SubscribeDuration,
        ("wasi:clocks/wall-clock", "now") => Fn::WallNow,
        ("wasi:clocks/wall-clock", "resolution") => Fn::WallResolution,
        ("wasi:random/random", "get-random-bytes")
        | ("wasi:random/insecure", "get-insecure-random-bytes") => Fn::RandomBytes,
        ("wasi:random/random", "get-random-u64") | ("wasi:random/insecure", "get-insecure-random-u64") => {
            Fn::RandomU64
        }
        ("wasi:random/insecure-seed", "insecure-seed") => Fn::InsecureSeed,
        _ => return None,
    })
}

/// What a pollable waits for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pollable {
    /// Nothing: always ready (output streams, files).
    Ready,
    /// The monotonic clock to reach this many nanoseconds.
    Until(u64),
    /// Stdin to have bytes, or its end.
    Stdin,
}

/// A stream's failure, kept for `to-debug-string` and
/// `filesystem-error-code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IoError {
    pub errno: Errno,
}

/// An input stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    /// A file's bytes from `at` on (`read-via-stream`).
    File {
        fd: u32,
        at: u64,
    },
}

/// An output stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Output {
    /// A descriptor's writes: at its position (stdout, stderr) or, for a
    /// file's `write-via-stream`, from `at` on.
    Fd { fd: u32, at: Option<u64> },
    /// A file's `append-via-stream`.
    Append { fd: u32 },
}

impl Input {
    /// The file descriptor a stream keeps open, if any.
    pub fn fd(&self) -> Option<u32> {
        match self {
            Input::Stdin => None,
            Input::File { fd, .. } => Some(*fd),
        }
    }
}

impl Output {
    /// The file descriptor a stream keeps open (not stdout or stderr).
    pub fn fd(&self) -> Option<u32> {
        match self {
            Output::Fd { fd, at: Some(_) } | Output::Append { fd } => Some(*fd),
            Output::Fd { .. } => None,
        }
    }
}

/// What a stream takes or gives in one call at most: bounded so that a
/// guest's `read(u64::MAX)` costs a megabyte, not the tab (the stream
/// contract allows fewer bytes than asked).
pub const MAX_CHUNK: u64 = 1 << 20;

/// What `check-write` allows: a megabyte at a time.
const WRITE_BUDGET: u64 = MAX_CHUNK;

/// The most bytes `crypto.getRandomValues` fills at once.
const RANDOM_PIECE: usize = 65536;

/// The random bytes one call may ask for.
const MAX_RANDOM: u64 = 1 << 26;

/// A stream's `stream-error` for a failed operation.
fn failed(cx: &mut Cx, errno: Errno) -> Result<Val, HostStop> {
    let e = cx.p2.tables.errors.push(IoError { errno })?;
    Ok(Val::err(Some(Val::Case(0, Some(Box::new(Val::Own(e)))))))
}

fn closed() -> Val {
    Val::err(Some(Val::Case(1, None)))
}

/// Lets go of a stream's descriptor: closes it if its descriptor was
/// dropped and no other stream uses it.
pub fn release(cx: &mut Cx, fd: Option<u32>) -> Result<(), HostStop> {
    if let Some(fd) = fd.filter(|&fd| cx.p2.tables.release(fd)) {
        super::filesystem::close_fd(cx, fd);
    }
    Ok(())
}

/// Reads at most `len` bytes of stdin: `None` when none are there yet.
fn read_stdin(cx: &mut Cx, len: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0; len];
    match cx.ctx.stdin.read(&mut buf) {
        InputReady::Read(n) => {
            buf.truncate(n);
            Some(buf)
        }
        InputReady::WouldBlock => None,
    }
}

/// Carries out one preview1 function on the scratch buffer.
pub fn p1(cx: &mut Cx, f: impl FnOnce(&mut syscalls::Env) -> syscalls::SysResult) -> Result<(), Stop> {
    let mut env =
        syscalls::Env { ctx: cx.ctx, mem: &mut cx.p2.scratch, flavor: crate::abi::Flavor::Preview1 };
    f(&mut env)
}

/// `fd_pread` (`at: Some`) or `fd_read` of at most `len` bytes.
pub fn read_fd(cx: &mut Cx, fd: u32, at: Option<u64>, len: u64) -> Result<Vec<u8>, Stop> {
    let len = len.min(MAX_CHUNK) as u32;
    cx.p2.scratch.reset(16 + len as usize);
    cx.p2.scratch.0[0..4].copy_from_slice(&16u32.to_le_bytes());
    cx.p2.scratch.0[4..8].copy_from_slice(&len.to_le_bytes());
    match at {
        Some(at) => p1(cx, |e| syscalls::fd::fd_pread(e, fd, 0, 1, at, 8))?,
        None => p1(cx, |e| syscalls::fd::fd_read(e, fd, 0, 1, 8))?,
    }
    let n = cx.p2.scratch.u32_at(8) as usize;
    Ok(cx.p2.scratch.slice(16, n).to_vec())
}

/// `fd_pwrite` (`at: Some`) or `fd_write` of all of `bytes`: the count.
pub fn write_fd(cx: &mut Cx, fd: u32, at: Option<u64>, bytes: &[u8]) -> Result<u64, Stop> {
    let len = u32::try_from(bytes.len()).map_err(|_| Stop::Errno(Errno::Fbig))?;
    cx.p2.scratch.reset(16 + bytes.len());
    cx.p2.scratch.0[0..4].copy_from_slice(&16u32.to_le_bytes());
    cx.p2.scratch.0[4..8].copy_from_slice(&len.to_le_bytes());
    cx.p2.scratch.0[16..].copy_from_slice(bytes);
    match at {
        Some(at) => p1(cx, |e| syscalls::fd::fd_pwrite(e, fd, 0, 1, at, 8))?,
        None => p1(cx, |e| syscalls::fd::fd_write(e, fd, 0, 1, 8))?,
    }
    Ok(u64::from(cx.p2.scratch.u32_at(8)))
}

/// A file's size (`fd_filestat_get`).
pub fn file_size(cx: &mut Cx, fd: u32) -> Result<u64, Stop> {
    cx.p2.scratch.reset(64);
    p1(cx, |e| syscalls::fd::fd_filestat_get(e, fd, 0))?;
    Ok(cx.p2.scratch.u64_at(32))
}

/// Waits until the monotonic clock reads `t`: suspended where the edge
/// can suspend (the call is made again then), blocked in place where not.
fn wait_until(cx: &mut Cx, t: u64) -> Result<(), HostStop> {
    let now = cx.ctx.host.monotonic_ns();
    if now >= t {
        return Ok(());
    }
    if cx.ctx.can_suspend {
        return Err(Stop::Pending(Wait::Until(t)).into());
    }
    cx.ctx.host.sleep_ns(t - now);
    Ok(())
}

fn ready(cx: &mut Cx, p: Pollable) -> bool {
    match p {
        Pollable::Ready => true,
        Pollable::Until(t) => cx.ctx.host.monotonic_ns() >= t,
        Pollable::Stdin => {
            if cx.p2.stdin_peek.is_some() {
                return true;
            }
            match read_stdin(cx, 64 << 10) {
                Some(b) => {
                    cx.p2.stdin_peek = Some(b);
                    true
                }
                None => false,
            }
        }
    }
}

/// Blocks until one of `ps` is ready.
fn block(cx: &mut Cx, ps: &[Pollable]) -> Result<(), HostStop> {
    loop {
        if ps.iter().any(|p| ready(cx, *p)) {
            return Ok(());
        }
        let deadline =
            ps.iter().filter_map(|p| if let Pollable::Until(t) = p { Some(*t) } else { None }).min();
        match deadline {
            Some(t) => wait_until(cx, t)?,
            None if cx.ctx.can_suspend => return Err(Stop::Pending(Wait::Stdin).into()),
            // Nothing can arrive on stdin while this edge blocks.
            None => return Ok(()),
        }
    }
}

fn pollable(cx: &Cx, rep: u32) -> Result<Pollable, HostStop> {
    cx.p2.tables.pollables.get(rep).copied()
}

/// Reads from an input stream: the bytes, or its `stream-error`.
fn read_input(cx: &mut Cx, rep: u32, len: u64, blocking: bool) -> Result<Result<Vec<u8>, Val>, HostStop> {
    let stream = *cx.p2.tables.inputs.get(rep)?;
    match stream {
        Input::Stdin => {
            let len = len.min(MAX_CHUNK) as usize;
            if let Some(mut peeked) = cx.p2.stdin_peek.take() {
                if peeked.len() > len {
                    cx.p2.stdin_peek = Some(peeked.split_off(len));
                }
                return Ok(if peeked.is_empty() && len > 0 { Err(closed()) } else { Ok(peeked) });
            }
            if len == 0 {
                return Ok(Ok(Vec::new()));
            }
            match read_stdin(cx, len) {
                Some(b) if b.is_empty() => Ok(Err(closed())),
                Some(b) => Ok(Ok(b)),
                None if blocking && cx.ctx.can_suspend => Err(Stop::Pending(Wait::Stdin).into()),
                // Not blocking, or an edge that cannot wait for more.
                None if blocking => Ok(Err(closed())),
                None => Ok(Ok(Vec::new())),
            }
        }
        Input::File { fd, at } => match read_fd(cx, fd, Some(at), len) {
            Ok(b) if b.is_empty() && len > 0 => Ok(Err(closed())),
            Ok(b) => {
                if let Input::File { at, .. } = cx.p2.tables.inputs.get_mut(rep)? {
                    *at += b.len() as u64;
                }
                Ok(Ok(b))
            }
            Err(Stop::Errno(e)) => Ok(Err(failed(cx, e)?)),
            Err(s) => Err(s.into()),
        },
    }
}

/// Writes to an output stream: `Ok` or its `stream-error`.
fn write_output(cx: &mut Cx, rep: u32, bytes: &[u8]) -> Result<Result<(), Val>, HostStop> {
    let stream = *cx.p2.tables.outputs.get(rep)?;
    let r = match stream {
        Output::Fd { fd, at } => write_fd(cx, fd, at, bytes).map(|n| (n, at.map(|a| a + n))),
        Output::Append { fd } => {
            file_size(cx, fd).and_then(|end| write_fd(cx, fd, Some(end), bytes).map(|n| (n, None)))
        }
    };
    match r {
        Ok((_, next)) => {
            if let (Some(next), Output::Fd { at, .. }) = (next, cx.p2.tables.outputs.get_mut(rep)?) {
                *at = Some(next);
            }
            Ok(Ok(()))
        }
        Err(Stop::Errno(e)) => Ok(Err(failed(cx, e)?)),
        Err(s) => Err(s.into()),
    }
}

fn unit(r: Result<(), Val>) -> Val {
    match r {
        Ok(()) => Val::ok(None),
        Err(e) => e,
    }
}

pub fn call(cx: &mut Cx, f: Fn, args: &[Val]) -> HostResult {
    Ok(match f {
        Fn::PollableReady => {
            let p = pollable(cx, borrow_arg(args, 0)?)?;
            Some(Val::Bool(ready(cx, p)))
        }
        Fn::PollableBlock => {
            let p = pollable(cx, borrow_arg(args, 0)?)?;
            block(cx, &[p])?;
            None
        }
        Fn::Poll => {
            let Some(Val::List(list)) = args.first() else { return trap("poll takes a list of pollables") };
            if list.is_empty() {
                return trap("poll was given no pollables");
            }
            let mut ps = Vec::with_capacity(list.len());
            for v in list {
                match v {
                    Val::Borrow(rep) => ps.push(pollable(cx, *rep)?),
                    v => return trap(format!("{v:?} is not a pollable")),
                }
            }
            block(cx, &ps)?;
            let ready_ones: Vec<Val> =
                (0..ps.len()).filter(|&i| ready(cx, ps[i])).map(|i| Val::U32(i as u32)).collect();
            Some(Val::List(ready_ones))
        }
        Fn::ErrorToDebugString => {
            let e = cx.p2.tables.errors.get(borrow_arg(args, 0)?)?;
            Some(Val::String(format!("{:?} ({})", e.errno, e.errno.name())))
        }
        Fn::Read { blocking } => {
            let (rep, len) = (borrow_arg(args, 0)?, u64_arg(args, 1)?);
            Some(match read_input(cx, rep, len, blocking)? {
                Ok(b) => Val::ok(Some(Val::Bytes(b))),
                Err(e) => e,
            })
        }
        Fn::Skip { blocking } => {
            let (rep, len) = (borrow_arg(args, 0)?, u64_arg(args, 1)?);
            Some(match read_input(cx, rep, len, blocking)? {
                Ok(b) => Val::ok(Some(Val::U64(b.len() as u64))),
                Err(e) => e,
            })
        }
        Fn::InputSubscribe => {
            let p = match cx.p2.tables.inputs.get(borrow_arg(args, 0)?)? {
                Input::Stdin => Pollable::Stdin,
                Input::File { .. } => Pollable::Ready,
            };
            Some(Val::Own(cx.p2.tables.pollables.push(p)?))
        }
        Fn::OutputSubscribe => {
            cx.p2.tables.outputs.get(borrow_arg(args, 0)?)?;
            Some(Val::Own(cx.p2.tables.pollables.push(Pollable::Ready)?))
        }
        Fn::CheckWrite => {
            cx.p2.tables.outputs.get(borrow_arg(args, 0)?)?;
            Some(Val::ok(Some(Val::U64(WRITE_BUDGET))))
        }
        Fn::Write | Fn::BlockingWriteAndFlush => {
            let rep = borrow_arg(args, 0)?;
            let bytes = bytes_arg(args, 1)?;
            Some(unit(write_output(cx, rep, bytes)?))
        }
        Fn::Flush => {
            cx.p2.tables.outputs.get(borrow_arg(args, 0)?)?;
            Some(Val::ok(None))
        }
        Fn::WriteZeroes { .. } => {
            let (rep, len) = (borrow_arg(args, 0)?, u64_arg(args, 1)?);
            if len > WRITE_BUDGET {
                return trap(format!("write-zeroes of {len} bytes, past what check-write allows"));
            }
            let zeroes = vec![0; len as usize];
            Some(unit(write_output(cx, rep, &zeroes)?))
        }
        Fn::Splice { blocking } => {
            let (dst, src, len) = (borrow_arg(args, 0)?, borrow_arg(args, 1)?, u64_arg(args, 2)?);
            cx.p2.tables.outputs.get(dst)?;
            Some(match read_input(cx, src, len, blocking)? {
                Err(e) => e,
                Ok(b) => match write_output(cx, dst, &b)? {
                    Ok(()) => Val::ok(Some(Val::U64(b.len() as u64))),
                    Err(e) => e,
                },
            })
        }
        Fn::MonotonicNow => Some(Val::U64(cx.ctx.host.monotonic_ns())),
        Fn::MonotonicResolution => Some(Val::U64(cx.ctx.host.resolution_ns(ClockId::Monotonic))),
        Fn::SubscribeInstant => {
            Some(Val::Own(cx.p2.tables.pollables.push(Pollable::Until(u64_arg(args, 0)?))?))
        }
        Fn::SubscribeDuration => {
            let t = cx.ctx.host.monotonic_ns().saturating_add(u64_arg(args, 0)?);
            Some(Val::Own(cx.p2.tables.pollables.push(Pollable::Until(t))?))
        }
        Fn::WallNow => Some(datetime(cx.ctx.host.realtime_ns())),
        Fn::WallResolution => Some(datetime(cx.ctx.host.resolution_ns(ClockId::Realtime))),
        Fn::RandomBytes => {
            let len = u64_arg(args, 0)?;
            if len > MAX_RANDOM {
                return trap(format!("{len} random bytes asked for at once (at most {MAX_RANDOM})"));
            }
            let mut b = vec![0; len as usize];
            // As random_get: in pieces a browser's getRandomValues takes.
            for piece in b.chunks_mut(RANDOM_PIECE) {
                cx.ctx.host.fill_random(piece).map_err(Stop::Errno)?;
            }
            Some(Val::Bytes(b))
        }
        Fn::RandomU64 => Some(Val::U64(random_u64(cx)?)),
        Fn::InsecureSeed => Some(Val::Record(vec![Val::U64(random_u64(cx)?), Val::U64(random_u64(cx)?)])),
    })
}

fn random_u64(cx: &mut Cx) -> Result<u64, HostStop> {
    let mut b = [0; 8];
    cx.ctx.host.fill_random(&mut b).map_err(Stop::Errno)?;
    Ok(u64::from_le_bytes(b))
}

/// A `wasi:clocks/wall-clock.datetime` of `ns` nanoseconds.
pub fn datetime(ns: u64) -> Val {
    Val::Record(vec![Val::U64(ns / 1_000_000_000), Val::U32((ns % 1_000_000_000) as u32)])
}
