//! The state of one guest run: configuration, descriptors, filesystem,
//! standard streams and the host services (clocks, randomness).

use crate::abi::{ClockId, Errno};
use crate::fd::{Descriptor, FdTable, OpenDir, Stdio, PREOPEN_RIGHTS};
use crate::vfs::{Ino, Tree, Vfs};

/// Services the platform provides: clocks and randomness. The browser edge
/// implements it with `performance`, `Date` and `crypto`; tests use fakes.
pub trait Host {
    /// Nanoseconds since the Unix epoch.
    fn realtime_ns(&self) -> u64;
    /// Nanoseconds since an arbitrary origin; never goes backwards.
    fn monotonic_ns(&self) -> u64;
    /// The resolution `clock_res_get` reports for a clock, in nanoseconds.
    fn resolution_ns(&self, clock: ClockId) -> u64;
    /// Fills `buf` with cryptographically secure random bytes.
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), Errno>;
    /// Blocks for `ns` nanoseconds. The default spins on the monotonic
    /// clock: the fallback where the platform has no way to block.
    fn sleep_ns(&mut self, ns: u64) {
        let until = self.monotonic_ns().saturating_add(ns);
        while self.monotonic_ns() < until {
            core::hint::spin_loop();
        }
    }
}

/// Where the bytes a guest writes to stdout or stderr go.
pub trait OutputSink {
    /// Receives one write's bytes, in order.
    fn write(&mut self, bytes: &[u8]);

    /// Takes one `fd_write`'s buffers (already bounds-checked) straight
    /// from guest memory. The default gathers them into one buffer for
    /// [`OutputSink::write`]; an edge can copy them out more directly.
    fn write_guest(
        &mut self,
        mem: &dyn crate::memory::GuestMemory,
        iovs: &[crate::memory::Iovec],
        total: u32,
    ) -> Result<(), Errno> {
        let mut buf = Vec::new();
        buf.try_reserve_exact(total as usize).map_err(|_| Errno::Nospc)?;
        for iov in iovs {
            let at = buf.len();
            buf.resize(at + iov.len as usize, 0);
            mem.read(iov.ptr, &mut buf[at..])?;
        }
        self.write(&buf);
        Ok(())
    }

    /// The implementation, for an edge that recognises its own sinks.
    fn as_any(&self) -> Option<&dyn core::any::Any> {
        None
    }
}

/// Collects everything written (the default for stdout and stderr).
#[derive(Debug, Default, Clone)]
pub struct Capture(pub Vec<u8>);

impl OutputSink for Capture {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }
}

/// Bytes captured from an output stream, kept in chunks so that capturing
/// never copies what it already holds (no reallocation of one big buffer).
#[derive(Debug, Default, Clone)]
pub struct Captured {
    chunks: Vec<Vec<u8>>,
    len: usize,
}

impl Captured {
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
    pub captured: Option<Captured>,
    /// Called on every write (streaming to a page, say).
    pub listener: Option<Box<dyn OutputSink>>,
}

impl Output {
    /// An output that keeps all bytes.
    pub fn capturing() -> Output {
        Output { captured: Some(Captured::default()), listener: None }
    }

    /// Copies one `fd_write`'s buffers out of guest memory, once: straight
    /// into the capture, or, when not capturing here, to the listener.
    pub fn write_from(
        &mut self,
        mem: &dyn crate::memory::GuestMemory,
        iovs: &[crate::memory::Iovec],
        total: u32,
    ) -> Result<(), Errno> {
        let buf = match (&mut self.captured, &mut self.listener) {
            (Some(c), _) => c.reserve(total as usize)?,
            (None, Some(l)) => return l.write_guest(mem, iovs, total),
            (None, None) => return Ok(()),
        };
        let start = buf.len();
        for iov in iovs {
            let at = buf.len();
            buf.resize(at + iov.len as usize, 0);
            mem.read(iov.ptr, &mut buf[at..])?;
        }
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

/// A directory given to the guest at a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Preopen {
    /// The path the guest sees (`/data`, `.`, `/`).
    pub guest_path: String,
    /// The directory's initial contents.
    pub tree: Tree,
    /// Refuse every change below it.
    pub readonly: bool,
}

/// Everything a run is started with. Build it with the methods, then pass
/// it to a runner.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WasiConfig {
    /// `argv`, including `argv[0]`.
    pub args: Vec<String>,
    /// Environment variables, in order.
    pub env: Vec<(String, String)>,
    /// The bytes stdin yields.
    pub stdin: Vec<u8>,
    /// Directories, in the order they get descriptors (from 3 on).
    pub preopens: Vec<Preopen>,
}

impl WasiConfig {
    /// An empty configuration: no args, env, stdin or preopens.
    pub fn new() -> WasiConfig {
        WasiConfig::default()
    }

    /// Appends one argument (the first is the program name).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Sets what stdin yields.
    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.stdin = data.into();
        self
    }

    /// Exposes a read-write directory with these contents at `guest_path`.
    pub fn preopen(mut self, guest_path: impl Into<String>, tree: Tree) -> Self {
        self.preopens.push(Preopen { guest_path: guest_path.into(), tree, readonly: false });
        self
    }

    /// Exposes a read-only directory with these contents at `guest_path`.
    pub fn preopen_readonly(mut self, guest_path: impl Into<String>, tree: Tree) -> Self {
        self.preopens.push(Preopen { guest_path: guest_path.into(), tree, readonly: true });
        self
    }
}

/// A NUL-terminated string list laid out once, as `args_get` and
/// `environ_get` copy it: the bytes, and each string's offset in them.
#[derive(Clone, Debug, Default)]
pub struct StringList {
    pub bytes: Vec<u8>,
    pub offsets: Vec<u32>,
}

impl StringList {
    fn new<I: IntoIterator<Item = Vec<u8>>>(items: I) -> StringList {
        let mut list = StringList::default();
        for item in items {
            list.offsets.push(list.bytes.len() as u32);
            list.bytes.extend_from_slice(&item);
            list.bytes.push(0);
        }
        list
    }
}

/// The state of one guest: what every syscall reads and changes.
pub struct WasiCtx {
    pub args: StringList,
    pub env: StringList,
    pub fds: FdTable,
    pub vfs: Vfs,
    pub stdin: Box<dyn InputSource>,
    pub stdout: Output,
    pub stderr: Output,
    pub host: Box<dyn Host>,
    /// The preopens' guest paths and root inodes, in configuration order.
    pub preopens: Vec<(String, Ino)>,
    /// The edge can suspend the guest (JSPI): calls that must wait return
    /// [`crate::syscalls::Stop::Pending`] instead of blocking the thread.
    pub can_suspend: bool,
    /// When a pending `poll_oneoff` first ran (monotonic ns): its retry
    /// measures relative timeouts from there, not from the retry.
    pub poll_origin: Option<u64>,
}

impl WasiCtx {
    /// Builds the state for a run: descriptors 0–2 are the standard streams,
    /// the preopens follow from 3 in order. `EINVAL` if an argument or
    /// variable contains a NUL byte or a preopen tree is not a directory.
    pub fn new(config: WasiConfig, host: Box<dyn Host>) -> Result<WasiCtx, Errno> {
        if config.args.iter().any(|a| a.contains('\0')) {
            return Err(Errno::Inval);
        }
        if config.env.iter().any(|(k, v)| k.contains('\0') || k.contains('=') || v.contains('\0')) {
            return Err(Errno::Inval);
        }
        let now = host.realtime_ns();
        let mut ctx = WasiCtx {
            args: StringList::new(config.args.iter().map(|a| a.as_bytes().to_vec())),
            env: StringList::new(config.env.iter().map(|(k, v)| format!("{k}={v}").into_bytes())),
            fds: FdTable::new(),
            vfs: Vfs::new(),
            stdin: Box::new(BytesInput::new(config.stdin)),
            stdout: Output::capturing(),
            stderr: Output::capturing(),
            host,
            preopens: Vec::new(),
            can_suspend: false,
            poll_origin: None,
        };
        for s in [Stdio::Stdin, Stdio::Stdout, Stdio::Stderr] {
            ctx.fds.insert(Descriptor::stdio(s))?;
        }
        for p in config.preopens {
            let Tree::Dir(entries) = p.tree else {
                return Err(Errno::Notdir);
            };
            let root = ctx.vfs.new_root(now);
            ctx.vfs.fill(root, entries, now)?;
            ctx.vfs.retain(root);
            ctx.fds.insert(Descriptor::Dir(OpenDir {
                ino: root,
                preopen: Some(p.guest_path.clone()),
                fdflags: 0,
                rights: PREOPEN_RIGHTS,
                mutable: !p.readonly,
            }))?;
            ctx.preopens.push((p.guest_path, root));
        }
        Ok(ctx)
    }

    /// The current contents of every preopen, by guest path (also those
    /// whose descriptor the guest closed).
    pub fn preopen_trees(&self) -> Vec<(String, Tree)> {
        trees(&self.vfs, &self.preopens)
    }

    /// Ends the run's state: what it wrote to stdout and stderr, and its
    /// filesystem.
    pub fn finish(self) -> (Captured, Captured, Filesystem) {
        (
            self.stdout.captured.unwrap_or_default(),
            self.stderr.captured.unwrap_or_default(),
            Filesystem { vfs: self.vfs, preopens: self.preopens },
        )
    }
}

/// Each preopen's contents, by guest path, in configuration order.
fn trees(vfs: &Vfs, preopens: &[(String, Ino)]) -> Vec<(String, Tree)> {
    preopens.iter().filter_map(|(path, ino)| Some((path.clone(), vfs.tree(*ino).ok()?))).collect()
}

/// One entry of [`Filesystem::entries`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Absolute guest path.
    pub path: String,
    pub filetype: crate::abi::Filetype,
    /// Bytes (a directory: its entry count; a link: its target's length).
    pub size: u64,
    /// Last modification, nanoseconds since the epoch.
    pub mtim: u64,
}

/// The filesystem a run leaves behind; its trees are built only when
/// asked for.
#[derive(Debug, Clone)]
pub struct Filesystem {
    vfs: Vfs,
    preopens: Vec<(String, Ino)>,
}

impl Filesystem {
    /// Every preopen's contents, by guest path, in configuration order.
    pub fn trees(&self) -> Vec<(String, Tree)> {
        trees(&self.vfs, &self.preopens)
    }

    /// The contents of the preopen at `guest_path`.
    pub fn preopen(&self, guest_path: &str) -> Option<Tree> {
        let (_, ino) = self.preopens.iter().find(|(p, _)| p == guest_path)?;
        self.vfs.tree(*ino).ok()
    }

    /// Every file, directory and link below the preopens, depth first,
    /// with what a file browser shows.
    pub fn entries(&self) -> Vec<Entry> {
        let mut out = Vec::new();
        for (path, ino) in &self.preopens {
            self.walk(path.trim_end_matches('/'), *ino, &mut out);
        }
        out
    }

    fn walk(&self, path: &str, dir: Ino, out: &mut Vec<Entry>) {
        let Ok(d) = self.vfs.dir(dir) else { return };
        for (name, ino) in d.iter() {
            let Ok(inode) = self.vfs.get(ino) else { continue };
            let child = format!("{path}/{name}");
            out.push(Entry {
                path: child.clone(),
                filetype: inode.filetype(),
                size: inode.size(),
                mtim: inode.mtim,
            });
            if matches!(inode.node, crate::vfs::Node::Dir(_)) {
                self.walk(&child, ino, out);
            }
        }
    }

    /// What an absolute guest path (`/data/out/report.txt`) holds, found
    /// through the preopen with the longest matching prefix, as a guest
    /// would find it; symbolic links are followed.
    pub fn get(&self, path: &str) -> Option<Tree> {
        let (rest, ino) = self
            .preopens
            .iter()
            .filter_map(|(pre, ino)| {
                let rest = path.strip_prefix(pre.trim_end_matches('/'))?;
                (rest.is_empty() || rest.starts_with('/')).then_some((rest, *ino))
            })
            .min_by_key(|(rest, _)| rest.len())?;
        let rest = rest.trim_start_matches('/');
        let target = if rest.is_empty() { ino } else { self.vfs.resolve(ino, rest, true).ok()?.ino? };
        self.vfs.tree(target).ok()
    }
}
