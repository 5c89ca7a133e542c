//! The in-memory virtual filesystem: a table of inodes (regular files,
//! directories, symbolic links) with POSIX link counts and nanosecond
//! timestamps, and sandboxed path resolution relative to a directory.
//!
//! Nothing here knows about file descriptors or guest memory; the syscall
//! layer maps WASI calls onto these operations. Every operation that changes
//! the tree takes `now` (nanoseconds since the epoch) so the VFS stays pure
//! and testable.

mod file_data;
mod inode;
mod resolve;
#[cfg(test)]
mod tests;
mod tree;

pub use file_data::{ExternalBytes, FileData};
pub use inode::{Directory, Inode, Node};
pub use resolve::Lookup;
pub use tree::Tree;

use crate::abi::{Errno, Filestat};

/// An inode number; stable for the lifetime of the inode.
pub type Ino = u64;

/// The filesystem: an inode table. Directory inodes link to each other by
/// number; several roots (one per preopen) may coexist.
#[derive(Clone, Debug, Default)]
pub struct Vfs {
    inodes: Vec<Option<Inode>>,
    free: Vec<usize>,
}

/// Device number reported in every `filestat`.
pub const DEVICE: u64 = 1;

impl Vfs {
    /// An empty filesystem.
    pub fn new() -> Vfs {
        Vfs::default()
    }

    fn alloc(&mut self, inode: Inode) -> Ino {
        match self.free.pop() {
            Some(i) => {
                self.inodes[i] = Some(inode);
                i as Ino + 1
            }
            None => {
                self.inodes.push(Some(inode));
                self.inodes.len() as Ino
            }
        }
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

    /// The directory behind `ino`; `ENOTDIR` if it is something else.
    pub fn dir(&self, ino: Ino) -> Result<&Directory, Errno> {
        match &self.get(ino)?.node {
            Node::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    fn dir_mut(&mut self, ino: Ino) -> Result<&mut Directory, Errno> {
        match &mut self.get_mut(ino)?.node {
            Node::Dir(d) => Ok(d),
            _ => Err(Errno::Notdir),
        }
    }

    /// Creates a new, unlinked root directory (a preopen's top).
    pub fn new_root(&mut self, now: u64) -> Ino {
        let ino = self.alloc(Inode::new(Node::Dir(Directory::default()), now));
        if let Ok(d) = self.dir_mut(ino) {
            d.parent = ino;
        }
        ino
    }

    /// Creates `name` in `parent` with the given content. `EEXIST` if the
    /// name is taken.
    pub fn create(&mut self, parent: Ino, name: &str, node: Node, now: u64) -> Result<Ino, Errno> {
        validate_name(name)?;
        if self.dir(parent)?.get(name).is_some() {
            return Err(Errno::Exist);
        }
        let is_dir = matches!(node, Node::Dir(_));
        let ino = self.alloc(Inode::new(node, now));
        if is_dir {
            self.dir_mut(ino)?.parent = parent;
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
        if self.dir(parent)?.get(name).is_some() {
            return Err(Errno::Exist);
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
    /// (emptiness) are checked by the caller.
    pub fn unlink(&mut self, parent: Ino, name: &str, now: u64) -> Result<Ino, Errno> {
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
        if self.dir(to_parent)?.get(to_name) == Some(ino) {
            return Ok(()); // same inode: POSIX says do nothing
        }
        if self.dir(to_parent)?.get(to_name).is_some() {
            self.unlink(to_parent, to_name, now)?;
        }
        self.dir_mut(from_parent)?.remove(from_name);
        self.dir_mut(to_parent)?.insert(to_name.to_string(), ino);
        let is_dir = matches!(self.get(ino)?.node, Node::Dir(_));
        if is_dir {
            self.dir_mut(ino)?.parent = to_parent;
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

    /// True if `ino` is `ancestor` or lies below it.
    pub fn is_within(&self, mut ino: Ino, ancestor: Ino) -> bool {
        loop {
            if ino == ancestor {
                return true;
            }
            match self.dir(ino) {
                Ok(d) if d.parent != ino => ino = d.parent,
                _ => return false,
            }
        }
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
            self.inodes[idx] = None;
            self.free.push(idx);
        }
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

fn validate_name(name: &str) -> Result<(), Errno> {
    if name.is_empty() || name == "." || name == ".." || name.contains('/') {
        return Err(Errno::Inval);
    }
    if name.len() > 255 {
        return Err(Errno::Nametoolong);
    }
    Ok(())
}
