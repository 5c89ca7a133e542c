//! Directories kept in a backing store the core cannot reach itself: the
//! browser's `FileSystemDirectoryHandle`s (OPFS, or a folder on disk),
//! whose every operation is asynchronous.
//!
//! The core stays synchronous and pure. It holds what it has seen of the
//! store (directory listings, windows of file bytes) and asks the edge for
//! the rest: a call that meets a directory not yet listed, or file bytes
//! not yet fetched, records a [`Need`] and fails; the edge fetches it,
//! hands it in and calls again (the call changed nothing before it failed,
//! so the retry is the same call). Changes go the other way as
//! [`StoreOp`]s, queued by the call that made them in memory: the edge
//! performs them, in order, before the call's answer reaches the guest.
//! A file's bytes are sent when it is synced or closed, and at the end of
//! the run; until then its writes live in memory (and count against
//! [`super::VfsLimits::file_bytes`]).
//!
//! Every store entry has a [`StoreKey`]: the edge keeps a handle per key,
//! the core keeps the key in the inode, so an operation names what it acts
//! on without paths (a renamed directory keeps its key, and so does all it
//! holds).

use std::cell::RefCell;
use std::fmt;
use std::rc::Rc;

use super::{ExternalBytes, Ino};
use crate::abi::Errno;

/// The edge's name for one entry of a store (0 is no entry).
pub type StoreKey = u32;

/// The least a byte fetch asks for: reading a file sequentially costs one
/// round trip per window, not one per guest read.
pub const WINDOW: u64 = 1 << 20;

/// The fetched bytes kept between calls: past it, a call that completes
/// keeps only the last window. What bounds the memory a large file's
/// reading takes.
pub const CACHE_BYTES: u64 = 8 * WINDOW;

/// What a call needs from the store before it can complete.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Need {
    /// The entries of directory `key` (inode `ino`).
    List { ino: Ino, key: StoreKey },
    /// Bytes `offset..offset + len` of file `key` (within its size).
    Read { key: StoreKey, offset: u64, len: u64 },
}

/// A change to make in the store, in the order the guest made it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreOp {
    /// Make directory `name` in `parent`, known from now on as `key`.
    CreateDir { parent: StoreKey, name: String, key: StoreKey },
    /// Make the empty file `name` in `parent`, known as `key`.
    CreateFile { parent: StoreKey, name: String, key: StoreKey },
    /// Remove the entry `name` of `parent` (a file, or an empty directory).
    Remove { parent: StoreKey, name: String },
    /// Move entry `key` to `parent` as `name` (nothing is there by then).
    Move { key: StoreKey, parent: StoreKey, name: String },
    /// Make file `key` hold what inode `ino` holds now: its size, and the
    /// chunks it wrote (the rest is the store's already).
    Write { ino: Ino, key: StoreKey },
}

/// One entry of a directory listing, as the edge read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListedEntry {
    pub name: String,
    /// A directory (else a regular file).
    pub dir: bool,
    /// A file's size in bytes.
    pub size: u64,
    /// Last modified, in nanoseconds since the epoch (0 when unknown).
    pub mtim: u64,
}

/// What the store can do besides the basics, as the edge found it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreAbilities {
    /// Directories can be moved (Firefox's OPFS; Chrome moves files only).
    /// Without it, renaming a directory is `EXDEV`, and programs such as
    /// `mv` copy instead.
    pub move_dirs: bool,
}

/// The core's side of the stores of one run (all handle-backed preopens).
#[derive(Debug, Default)]
pub struct Store {
    state: RefCell<State>,
    abilities: StoreAbilities,
}

#[derive(Debug, Default)]
struct State {
    next_key: StoreKey,
    need: Option<Need>,
    /// Changes queued; those before `next_op` are taken already (`None`).
    ops: Vec<Option<StoreOp>>,
    next_op: usize,
    /// Fetched bytes: `(key, offset, bytes)`, oldest first (a few).
    windows: Vec<(StoreKey, u64, Vec<u8>)>,
    window_bytes: u64,
    /// The answer of a call whose changes are being sent.
    deferred: Option<Result<(), Errno>>,
    /// The first failure among the changes sent for that call.
    failed: Option<Errno>,
}

impl Store {
    /// A store with these abilities.
    pub fn new(abilities: StoreAbilities) -> Store {
        Store { state: RefCell::default(), abilities }
    }

    /// What the store can do.
    pub fn abilities(&self) -> StoreAbilities {
        self.abilities
    }

    /// A key for a new entry.
    pub fn new_key(&self) -> StoreKey {
        let mut s = self.state.borrow_mut();
        s.next_key += 1;
        s.next_key
    }

    /// Records what the current call needs (the first need stands).
    pub fn need(&self, need: Need) {
        let mut s = self.state.borrow_mut();
        if s.need.is_none() {
            s.need = Some(need);
        }
    }

    /// What the call that just ran needs, if anything (and forgets it).
    pub fn take_need(&self) -> Option<Need> {
        self.state.borrow_mut().need.take()
    }

    /// True when the call that just ran needs something.
    pub fn has_need(&self) -> bool {
        self.state.borrow().need.is_some()
    }

    /// Forgets what the call that just ran needs.
    pub fn clear_need(&self) {
        self.state.borrow_mut().need = None;
    }

    /// Queues a change.
    pub fn push(&self, op: StoreOp) {
        self.state.borrow_mut().ops.push(Some(op));
    }

    /// The next change to make, if any (the edge takes them one by one).
    pub fn next_op(&self) -> Option<StoreOp> {
        let mut s = self.state.borrow_mut();
        let at = s.next_op;
        let Some(slot) = s.ops.get_mut(at) else {
            s.ops.clear();
            s.next_op = 0;
            return None;
        };
        let op = slot.take();
        s.next_op += 1;
        op
    }

    /// True while changes wait to be made.
    pub fn has_ops(&self) -> bool {
        let s = self.state.borrow();
        s.next_op < s.ops.len()
    }

    /// Notes that a need could not be served or a change failed: the call
    /// is answered with this errno (with the first of its changes that
    /// failed, when it made changes).
    pub fn failed(&self, errno: Errno) {
        let mut s = self.state.borrow_mut();
        if s.deferred.is_some() {
            s.failed.get_or_insert(errno);
        } else {
            s.deferred = Some(Err(errno));
        }
    }

    /// Keeps a call's answer until its changes are made.
    pub fn defer(&self, result: Result<(), Errno>) {
        let mut s = self.state.borrow_mut();
        s.deferred = Some(result);
        s.failed = None;
    }

    /// The answer of the call whose changes were just made: a change that
    /// failed answers for it (the guest learns the store refused).
    pub fn take_deferred(&self) -> Option<Result<(), Errno>> {
        let mut s = self.state.borrow_mut();
        let r = s.deferred.take()?;
        Some(match s.failed.take() {
            Some(e) => Err(e),
            None => r,
        })
    }

    /// Keeps bytes fetched from file `key` at `offset` (exactly what was
    /// asked for: the edge fails a read that came back short, so every
    /// need is met and a call's retries end).
    pub fn put_bytes(&self, key: StoreKey, offset: u64, bytes: Vec<u8>) {
        let mut s = self.state.borrow_mut();
        s.window_bytes += bytes.len() as u64;
        s.windows.push((key, offset, bytes));
    }

    /// A call completed. Past [`CACHE_BYTES`] fetched, only the last
    /// window is kept (a read ahead, not a cache: a sequential read needs
    /// the last one only). Never during a call: a large read's windows all
    /// stay until it is done, so its retries always progress.
    pub fn call_done(&self) {
        let mut s = self.state.borrow_mut();
        if s.window_bytes > CACHE_BYTES {
            let last = s.windows.pop();
            s.windows.clear();
            s.window_bytes = last.as_ref().map_or(0, |(_, _, b)| b.len() as u64);
            s.windows.extend(last);
        }
    }

    /// Forgets every fetched byte (a file was rewritten: its windows are
    /// stale, and the others are cheap to fetch again).
    pub fn forget(&self) {
        let mut s = self.state.borrow_mut();
        s.windows.clear();
        s.window_bytes = 0;
    }

    /// Copies bytes of file `key` from the fetched windows, or records the
    /// need for them (a window from `offset`, of at least [`WINDOW`] bytes,
    /// within `size`) and fails with `EIO`.
    fn read(&self, key: StoreKey, size: u64, offset: u64, dst: &mut [u8]) -> Result<(), Errno> {
        let end = offset + dst.len() as u64;
        {
            let s = self.state.borrow();
            let hit = s
                .windows
                .iter()
                .rev()
                .find(|(k, at, b)| *k == key && *at <= offset && end <= at + b.len() as u64);
            if let Some((_, at, bytes)) = hit {
                let from = (offset - at) as usize;
                dst.copy_from_slice(&bytes[from..from + dst.len()]);
                return Ok(());
            }
        }
        let len = (dst.len() as u64).max(WINDOW).min(size.saturating_sub(offset));
        self.need(Need::Read { key, offset, len });
        Err(Errno::Io)
    }
}

/// A file's bytes in the store, read through the store's windows.
pub struct StoreBytes {
    store: Rc<Store>,
    key: StoreKey,
    len: usize,
}

impl StoreBytes {
    /// The `len` bytes of file `key`.
    pub fn new(store: Rc<Store>, key: StoreKey, len: usize) -> StoreBytes {
        StoreBytes { store, key, len }
    }
}

impl fmt::Debug for StoreBytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreBytes").field("key", &self.key).field("len", &self.len).finish()
    }
}

impl ExternalBytes for StoreBytes {
    fn len(&self) -> usize {
        self.len
    }
    fn read(&self, offset: usize, dst: &mut [u8]) -> Result<(), Errno> {
        self.store.read(self.key, self.len as u64, offset as u64, dst)
    }
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
}
