//! The in-memory virtual filesystem: a table of inodes (regular files,
//! directories, symbolic links) with POSIX link counts and nanosecond
//! timestamps, and sandboxed path resolution relative to a directory.
//!
//! Nothing here knows about file descriptors or guest memory; the syscall
//! layer maps WASI calls onto these operations. Every operation that changes
//! the tree takes `now` (nanoseconds since the epoch) so the VFS stays pure
//! and testable.

mod check;
mod file_data;
mod inode;
mod resolve;
pub mod store;
#[cfg(test)]
mod tests;
mod tree;

pub use file_data::{ExternalBytes, FileData, Segment, CHUNK};
pub use inode::{Directory, Inode, Node};
pub use resolve::Lookup;
pub use store::{ListedEntry, Need, Store, StoreAbilities, StoreKey, StoreOp};
pub use tree::Tree;

use std::rc::Rc;

use crate::abi::{Errno, Filestat};
use crate::memory::{GuestMemory, Iovec};

/// An inode number; stable for the lifetime of the inode.
pub type Ino = u64;

/// What a filesystem may hold: a guest that reaches a limit gets `ENOSPC`,
/// as on a full disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VfsLimits {
    /// Bytes all files may hold together (what guests wrote; bytes the page
    /// gave are read in place and not counted).
    pub file_bytes: u64,
    /// Files, directories and links, all preopens together.
    pub inodes: u64,
}

impl VfsLimits {
    /// No limits (while a configuration is laid out).
    pub const UNLIMITED: VfsLimits = VfsLimits { file_bytes: u64::MAX, inodes: u64::MAX };
}

impl Default for VfsLimits {
    fn default() -> Self {
        VfsLimits::UNLIMITED
    }
}

/// The filesystem: an inode table. Directory inodes link to each other by
/// number; several roots (one per preopen) may coexist, each the top of a
/// *domain* that may be read-only.
#[derive(Clone, Debug, Default)]
pub struct Vfs {
    inodes: Vec<Option<Inode>>,
    free: Vec<usize>,
    limits: VfsLimits,
    /// Bytes the files hold (see [`VfsLimits::file_bytes`]).
    used_bytes: u64,
    /// Inodes alive.
    live: u64,
    /// Per domain (preopen), whether it is read-only.
    readonly: Vec<bool>,
    /// The store of the domains kept in one (see [`store`]).
    store: Option<Rc<Store>>,
}

/// Device number reported in every `filestat`.
pub const DEVICE: u64 = 1;

impl Vfs {
    /// An empty filesystem.
    pub fn new() -> Vfs {
        Vfs::default()
    }

    /// Sets the limits (what is there already stays).
    pub fn set_limits(&mut self, limits: VfsLimits) {
        self.limits = limits;
    }

    /// Bytes the files hold, and inodes alive.
    pub fn usage(&self) -> (u64, u64) {
        (self.used_bytes, self.live)
    }

    fn alloc(&mut self, inode: Inode) -> Result<Ino, Errno> {
        if self.live >= self.limits.inodes {
            return Err(Errno::Nospc);
        }
        self.live += 1;
        Ok(match self.free.pop() {
            Some(i) => {
                self.inodes[i] = Some(inode);
                i as Ino + 1
            }
            None => {
                self.inodes.try_reserve(1).map_err(|_| Errno::Nospc)?;
                self.inodes.push(Some(inode));
                self.inodes.len() as Ino
            }
        })
    }

    /// The inode with this number; `EBADF` if it no longer exists.
    pub fn get(&self, ino: Ino) -> Result<&Inode, Errno> {
        ino.checked_sub(1)
            .and_then(|i| self.inodes.get(i as usize))
            .and_then(Option::as_ref)
            .ok_or(Errno::Badf)
    }

    /// The inode with this number, mutably.
    pub fn get_mut(&mut self, ino: Ino) -> Result<&mut Inode, Errno> {
        ino.checked_sub(1)
            .and_then(|i| self.inodes.get_mut(i as usize))
            .and_then(Option::as_mut)
            .ok_or(Errno::Badf)
    }

    /// The directory behind `ino`, with its entries; `ENOTDIR` if it is
    /// something else. A store's directory not listed yet records that
    /// need and fails (the call is made again once it is listed).
    pub fn dir(&self, ino: Ino) -> Result<&Directory, Errno> {
        let inode = self.get(ino)?;
        match &inode.node {
            Node::Dir(d) if d.unlisted => Err(self.need(Need::List { ino, key: inode.store })),
            Node::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    /// The directory behind `ino`, listed or not: for its place in the
    /// tree (parent, path length), never for its entries.
    fn dir_node(&self, ino: Ino) -> Result<&Directory, Errno> {
        match &self.get(ino)?.node {
            Node::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    fn dir_mut(&mut self, ino: Ino) -> Result<&mut Directory, Errno> {
        self.dir(ino)?;
        self.dir_node_mut(ino)
    }

    fn dir_node_mut(&mut self, ino: Ino) -> Result<&mut Directory, Errno> {
        match &mut self.get_mut(ino)?.node {
            Node::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    /// Records what the store must give before the current call can
    /// complete; the errno the call fails with meanwhile.
    fn need(&self, need: Need) -> Errno {
        if let Some(store) = &self.store {
            store.need(need);
        }
        Errno::Io
    }

    /// The store, when a domain is kept in one.
    pub fn store(&self) -> Option<&Rc<Store>> {
        self.store.as_ref()
    }

    /// Queues a change for the store (only ever for an inode it keeps).
    fn push(&self, op: StoreOp) {
        if let Some(store) = &self.store {
            store.push(op);
        }
    }

    /// A directory that may gain entries: `ENOENT` once it was removed
    /// (as Linux says for a removed directory someone still has open).
    fn live_dir(&self, ino: Ino) -> Result<&Directory, Errno> {
        let d = self.dir(ino)?;
        if self.get(ino)?.nlink == 0 {
            return Err(Errno::Noent);
        }
        Ok(d)
    }

    /// Creates a new, unlinked root directory (a preopen's top), the first
    /// inode of a new domain.
    pub fn new_root(&mut self, now: u64, readonly: bool) -> Result<Ino, Errno> {
        let domain = u32::try_from(self.readonly.len()).map_err(|_| Errno::Nospc)?;
        self.readonly.push(readonly);
        let ino = self.alloc(Inode::new(Node::Dir(Directory::default()), now, domain))?;
        self.dir_node_mut(ino)?.parent = ino;
        Ok(ino)
    }

    /// Creates a root kept in `store` (whose entries are listed when first
    /// needed); returns it and its key, which the edge gives the store's
    /// handle. Every store-kept root of a filesystem shares one store.
    pub fn new_store_root(
        &mut self,
        store: &Rc<Store>,
        now: u64,
        readonly: bool,
    ) -> Result<(Ino, StoreKey), Errno> {
        let ino = self.new_root(now, readonly)?;
        let key = store.new_key();
        self.store.get_or_insert_with(|| store.clone());
        let inode = self.get_mut(ino)?;
        inode.store = key;
        if let Node::Dir(d) = &mut inode.node {
            d.unlisted = true;
        }
        Ok((ino, key))
    }

    /// Takes in the listing of the store's directory `ino`: every entry
    /// becomes an inode (directories unlisted, files read through the
    /// store when read). Returns each entry's key, 0 for one left out: a
    /// name the guest cannot have (`.`, `..`, a `/`, over 255 bytes), a
    /// file too large to address here, or what is past the inode limit.
    /// The directory counts as listed afterwards, whatever was left out.
    pub fn put_listing(&mut self, ino: Ino, entries: &[ListedEntry]) -> Result<Vec<StoreKey>, Errno> {
        let store = self.store.clone().ok_or(Errno::Badf)?;
        let unlisted = matches!(&self.get(ino)?.node, Node::Dir(d) if d.unlisted);
        if !unlisted {
            return Ok(vec![0; entries.len()]);
        }
        self.dir_node_mut(ino)?.unlisted = false;
        let mut keys = Vec::with_capacity(entries.len());
        for e in entries {
            let key = store.new_key();
            let made = match (e.dir, usize::try_from(e.size)) {
                (true, _) => {
                    let node = Node::Dir(Directory::unlisted());
                    self.create_unqueued(ino, &e.name, node, e.mtim)
                }
                (false, Ok(size)) => {
                    let bytes = store::StoreBytes::new(store.clone(), key, size);
                    self.create_unqueued(ino, &e.name, Node::File(FileData::external(Rc::new(bytes))), e.mtim)
                }
                (false, Err(_)) => Err(Errno::Fbig),
            };
            keys.push(match made {
                Ok(child) => {
                    self.get_mut(child)?.store = key;
                    key
                }
                Err(_) => 0,
            });
        }
        Ok(keys)
    }

    /// Queues the writing back of the store-kept file `ino` if it changed
    /// (and still has a name): on `fd_sync`, `fd_datasync` and `fd_close`.
    pub fn sync(&self, ino: Ino) {
        if let Ok(i) = self.get(ino) {
            if let (Node::File(data), true) = (&i.node, i.store != 0 && i.nlink > 0) {
                if !data.is_pristine() {
                    self.push(StoreOp::Write { ino, key: i.store });
                }
            }
        }
    }

    /// Queues the writing back of every store-kept file that changed: at
    /// the end of a run, so the store holds the guest's final tree.
    pub fn sync_all(&self) {
        for ino in 1..=self.inodes.len() as Ino {
            self.sync(ino);
        }
    }

    /// The store holds what file `ino` holds now (a [`StoreOp::Write`] of
    /// it succeeded): its bytes are read from there again, and what it held
    /// in memory is freed.
    pub fn written(&mut self, ino: Ino, key: StoreKey) -> Result<(), Errno> {
        let store = self.store.clone().ok_or(Errno::Badf)?;
        store.forget();
        let inode = self.get_mut(ino)?;
        if inode.store != key {
            return Ok(());
        }
        let Node::File(data) = &mut inode.node else { return Ok(()) };
        let Ok(len) = usize::try_from(data.len()) else { return Ok(()) };
        let freed = data.owned_bytes();
        *data = FileData::external(Rc::new(store::StoreBytes::new(store, key, len)));
        self.used_bytes = self.used_bytes.saturating_sub(freed);
        Ok(())
    }

    /// `EPERM` if `ino` lies in a read-only domain: every change checks the
    /// inode it changes, whatever path or descriptor led there.
    pub fn check_mutable(&self, ino: Ino) -> Result<(), Errno> {
        let domain = self.get(ino)?.domain as usize;
        if self.readonly.get(domain).copied().unwrap_or(true) {
            return Err(Errno::Perm);
        }
        Ok(())
    }

    /// The length of the path of `name` in `parent` from its preopen's
    /// root; `ENAMETOOLONG` past `PATH_MAX`.
    fn path_len_of(&self, parent: Ino, name: &str) -> Result<u32, Errno> {
        let p = self.dir_node(parent)?.path_len as usize;
        let len = p + usize::from(p > 0) + name.len();
        if len > crate::abi::PATH_MAX {
            return Err(Errno::Nametoolong);
        }
        Ok(len as u32)
    }

    /// Creates `name` in `parent` with the given content. `EEXIST` if the
    /// name is taken, `ENOENT` if `parent` was removed, `ENAMETOOLONG` if
    /// its path from the preopen would pass `PATH_MAX`.
    pub fn create(&mut self, parent: Ino, name: &str, node: Node, now: u64) -> Result<Ino, Errno> {
        let parent_key = self.get(parent)?.store;
        if parent_key == 0 {
            return self.create_unqueued(parent, name, node, now);
        }
        let store = self.store.clone().ok_or(Errno::Badf)?;
        // A store has files and directories only (as a FAT disk: EPERM,
        // once the other checks have passed).
        if matches!(node, Node::Symlink(_)) {
            validate_name(name)?;
            if self.live_dir(parent)?.get(name).is_some() {
                return Err(Errno::Exist);
            }
            return Err(Errno::Perm);
        }
        let is_dir = matches!(node, Node::Dir(_));
        let ino = self.create_unqueued(parent, name, node, now)?;
        let key = store.new_key();
        self.get_mut(ino)?.store = key;
        let name = name.to_string();
        store.push(if is_dir {
            StoreOp::CreateDir { parent: parent_key, name, key }
        } else {
            StoreOp::CreateFile { parent: parent_key, name, key }
        });
        Ok(ino)
    }

    /// [`Vfs::create`] without telling the store.
    fn create_unqueued(&mut self, parent: Ino, name: &str, node: Node, now: u64) -> Result<Ino, Errno> {
        validate_name(name)?;
        if self.live_dir(parent)?.get(name).is_some() {
            return Err(Errno::Exist);
        }
        let path_len = self.path_len_of(parent, name)?;
        let is_dir = matches!(node, Node::Dir(_));
        let domain = self.get(parent)?.domain;
        let ino = self.alloc(Inode::new(node, now, domain))?;
        if is_dir {
            let d = self.dir_node_mut(ino)?;
            d.parent = parent;
            d.path_len = path_len;
        }
        let p = self.get_mut(parent)?;
        if is_dir {
            p.nlink += 1;
        }
        p.mtim = now;
        p.ctim = now;
        self.dir_mut(parent)?.insert(name.to_string(), ino);
        Ok(ino)
    }

    /// Adds another name for an existing non-directory inode (`path_link`).
    pub fn link(&mut self, parent: Ino, name: &str, ino: Ino, now: u64) -> Result<(), Errno> {
        validate_name(name)?;
        if matches!(self.get(ino)?.node, Node::Dir(_)) {
            return Err(Errno::Perm);
        }
        if self.live_dir(parent)?.get(name).is_some() {
            return Err(Errno::Exist);
        }
        self.path_len_of(parent, name)?;
        // A store has no hard links (as a FAT disk: EPERM).
        if self.get(ino)?.store != 0 || self.get(parent)?.store != 0 {
            return Err(Errno::Perm);
        }
        let target = self.get_mut(ino)?;
        target.nlink += 1;
        target.ctim = now;
        let p = self.get_mut(parent)?;
        p.mtim = now;
        p.ctim = now;
        self.dir_mut(parent)?.insert(name.to_string(), ino);
        Ok(())
    }

    /// Removes the entry `name` from `parent`, dropping the inode when its
    /// last link and last open descriptor are gone. Directory semantics
    /// (emptiness) are checked by the caller. A removed directory is dead:
    /// it gains no entries and no longer points at its parent.
    pub fn unlink(&mut self, parent: Ino, name: &str, now: u64) -> Result<Ino, Errno> {
        let ino = self.unlink_unqueued(parent, name, now)?;
        let parent_key = self.get(parent)?.store;
        if parent_key != 0 {
            self.push(StoreOp::Remove { parent: parent_key, name: name.to_string() });
        }
        Ok(ino)
    }

    /// [`Vfs::unlink`] without telling the store.
    fn unlink_unqueued(&mut self, parent: Ino, name: &str, now: u64) -> Result<Ino, Errno> {
        let ino = self.dir_mut(parent)?.remove(name).ok_or(Errno::Noent)?;
        let is_dir = matches!(self.get(ino)?.node, Node::Dir(_));
        let p = self.get_mut(parent)?;
        if is_dir {
            p.nlink = p.nlink.saturating_sub(1);
        }
        p.mtim = now;
        p.ctim = now;
        let node = self.get_mut(ino)?;
        node.nlink = if is_dir { 0 } else { node.nlink.saturating_sub(1) };
        node.ctim = now;
        if is_dir {
            self.dir_node_mut(ino)?.parent = ino;
        }
        self.collect(ino);
        Ok(ino)
    }

    /// Moves `from_parent/from_name` to `to_parent/to_name`, replacing an
    /// existing target. The caller has checked the POSIX rules (types match,
    /// a replaced directory is empty, no move into its own subtree).
    pub fn rename(
        &mut self,
        from_parent: Ino,
        from_name: &str,
        to_parent: Ino,
        to_name: &str,
        now: u64,
    ) -> Result<(), Errno> {
        validate_name(to_name)?;
        let ino = self.dir(from_parent)?.get(from_name).ok_or(Errno::Noent)?;
        if self.live_dir(to_parent)?.get(to_name) == Some(ino) {
            return Ok(()); // same inode: POSIX says do nothing
        }
        let new_len = self.path_len_of(to_parent, to_name)?;
        let moved_dir = matches!(self.get(ino)?.node, Node::Dir(_));
        let (key, to_key) = (self.get(ino)?.store, self.get(to_parent)?.store);
        if (key != 0 || to_key != 0) && self.get(ino)?.domain != self.get(to_parent)?.domain {
            return Err(Errno::Xdev); // into or out of a store: a copy
        }
        let move_dirs = self.store.as_ref().is_some_and(|s| s.abilities().move_dirs);
        if key != 0 && moved_dir && !move_dirs {
            return Err(Errno::Xdev); // the store moves files only
        }
        if moved_dir {
            self.repath(ino, new_len, true)?;
        }
        if self.dir(to_parent)?.get(to_name).is_some() {
            self.unlink(to_parent, to_name, now)?;
        }
        if key != 0 {
            self.push(StoreOp::Move { key, parent: to_key, name: to_name.to_string() });
        }
        self.dir_mut(from_parent)?.remove(from_name);
        self.dir_mut(to_parent)?.insert(to_name.to_string(), ino);
        if moved_dir {
            self.repath(ino, new_len, false)?;
            self.dir_node_mut(ino)?.parent = to_parent;
            if from_parent != to_parent {
                let f = self.get_mut(from_parent)?;
                f.nlink = f.nlink.saturating_sub(1);
                self.get_mut(to_parent)?.nlink += 1;
            }
        }
        for p in [from_parent, to_parent] {
            let p = self.get_mut(p)?;
            p.mtim = now;
            p.ctim = now;
        }
        self.get_mut(ino)?.ctim = now;
        Ok(())
    }

    /// Gives the directory `top` the path length `len` and every directory
    /// below it the lengths that follow; with `check_only`, only checks that
    /// no entry below would pass `PATH_MAX` (`ENAMETOOLONG`). Walks the
    /// subtree with a stack of its own.
    fn repath(&mut self, top: Ino, len: u32, check_only: bool) -> Result<(), Errno> {
        let old = self.dir_node(top)?.path_len;
        let mut stack = vec![top];
        while let Some(dir) = stack.pop() {
            let d = self.dir_node(dir)?;
            let here = d.path_len.saturating_sub(old) + len;
            let mut longest = 0;
            let mut subdirs = Vec::new();
            // A store's directory not listed yet has no entries here: its
            // own are checked against its new length when they are listed.
            for (name, child) in d.iter() {
                longest = longest.max(name.len());
                if matches!(self.get(child)?.node, Node::Dir(_)) {
                    subdirs.push(child);
                }
            }
            if longest > 0 && here as usize + 1 + longest > crate::abi::PATH_MAX {
                return Err(Errno::Nametoolong);
            }
            if !check_only {
                self.dir_node_mut(dir)?.path_len = here;
            }
            stack.extend(subdirs);
        }
        Ok(())
    }

    /// True if `ino` is `ancestor` or lies below it. Bounded: a walk up
    /// takes at most as many steps as there are inodes, and a removed
    /// directory is its own parent.
    pub fn is_within(&self, mut ino: Ino, ancestor: Ino) -> bool {
        for _ in 0..=self.inodes.len() {
            if ino == ancestor {
                return true;
            }
            match self.dir_node(ino) {
                Ok(d) if d.parent != ino => ino = d.parent,
                _ => return false,
            }
        }
        false
    }

    /// Notes a new open descriptor on `ino`.
    pub fn retain(&mut self, ino: Ino) {
        if let Ok(i) = self.get_mut(ino) {
            i.open += 1;
        }
    }

    /// Notes that a descriptor on `ino` was closed.
    pub fn release(&mut self, ino: Ino) {
        if let Ok(i) = self.get_mut(ino) {
            i.open = i.open.saturating_sub(1);
        }
        self.collect(ino);
    }

    fn collect(&mut self, ino: Ino) {
        let dead = matches!(self.get(ino), Ok(i) if i.nlink == 0 && i.open == 0);
        if dead {
            let idx = (ino - 1) as usize;
            if let Some(Inode { node: Node::File(data), .. }) = self.inodes[idx].take() {
                self.used_bytes = self.used_bytes.saturating_sub(data.owned_bytes());
            }
            self.live = self.live.saturating_sub(1);
            self.free.push(idx);
        }
    }

    /// The contents of the regular file `ino`; `EBADF` for anything else.
    pub fn file(&self, ino: Ino) -> Result<&FileData, Errno> {
        match &self.get(ino)?.node {
            Node::File(d) => Ok(d),
            _ => Err(Errno::Badf),
        }
    }

    fn file_mut(&mut self, ino: Ino) -> Result<&mut FileData, Errno> {
        match &mut self.get_mut(ino)?.node {
            Node::File(d) => Ok(d),
            _ => Err(Errno::Badf),
        }
    }

    /// Writes guest buffers (`total` bytes, bounds-checked) into the file
    /// `ino` at `offset`, within the byte limit (`ENOSPC` beyond); stamps
    /// the modification time. A write of nothing changes nothing.
    pub fn write_file(
        &mut self,
        ino: Ino,
        offset: u64,
        mem: &dyn GuestMemory,
        iovs: &[Iovec],
        total: u32,
        now: u64,
    ) -> Result<(), Errno> {
        if total == 0 {
            return Ok(());
        }
        offset.checked_add(u64::from(total)).filter(|&e| e <= MAX_FILE_SIZE).ok_or(Errno::Fbig)?;
        let growth = self.file(ino)?.growth_for(offset, u64::from(total));
        self.charge(growth)?;
        let before = self.file(ino)?.owned_bytes();
        let result = self.file_mut(ino)?.write_from_guest(offset, mem, iovs);
        if result.is_err() {
            // Give back what was charged but not allocated (a failure midway).
            let allocated = self.file(ino)?.owned_bytes() - before;
            self.used_bytes -= growth.saturating_sub(allocated);
        }
        result?;
        let inode = self.get_mut(ino)?;
        inode.mtim = now;
        inode.ctim = now;
        Ok(())
    }

    /// Truncates or extends the file `ino` (an extension is a hole and
    /// allocates nothing); stamps the modification time.
    pub fn set_file_len(&mut self, ino: Ino, len: u64, now: u64) -> Result<(), Errno> {
        let freed = self.file_mut(ino)?.set_len(len);
        self.used_bytes = self.used_bytes.saturating_sub(freed);
        let inode = self.get_mut(ino)?;
        inode.mtim = now;
        inode.ctim = now;
        Ok(())
    }

    /// Counts `bytes` more against the byte limit; `ENOSPC` past it.
    fn charge(&mut self, bytes: u64) -> Result<(), Errno> {
        let used = self.used_bytes.checked_add(bytes).filter(|&u| u <= self.limits.file_bytes);
        self.used_bytes = used.ok_or(Errno::Nospc)?;
        Ok(())
    }

    /// The `filestat` of an inode.
    pub fn stat(&self, ino: Ino) -> Result<Filestat, Errno> {
        let i = self.get(ino)?;
        Ok(Filestat {
            dev: DEVICE,
            ino,
            filetype: i.filetype() as u8,
            nlink: i.nlink,
            size: i.size(),
            atim: i.atim,
            mtim: i.mtim,
            ctim: i.ctim,
        })
    }
}

/// The largest file size: offsets are signed 64-bit in POSIX.
pub const MAX_FILE_SIZE: u64 = i64::MAX as u64;

fn validate_name(name: &str) -> Result<(), Errno> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') {
        return Err(Errno::Inval);
    }
    if name.len() > 255 {
        return Err(Errno::Nametoolong);
    }
    Ok(())
}
