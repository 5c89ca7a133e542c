//! Inodes: files, directories (with resumable listing order) and links.

use std::collections::BTreeMap;

use super::{FileData, Ino, StoreKey};
use crate::abi::Filetype;

/// The content of an inode.
#[derive(Clone, Debug)]
pub enum Node {
    /// A regular file's bytes.
    File(FileData),
    /// A directory.
    Dir(Directory),
    /// A symbolic link and its target, as written.
    Symlink(String),
}

/// A directory: its entries by name, and in creation order for `fd_readdir`.
///
/// Each entry gets a sequence number when it is linked in; `fd_readdir`
/// cookies are built from it, so a listing can resume in O(log n) and stays
/// correct when entries are added or removed between calls.
#[derive(Clone, Debug, Default)]
pub struct Directory {
    by_name: BTreeMap<String, (u64, Ino)>,
    by_seq: BTreeMap<u64, String>,
    next_seq: u64,
    /// The containing directory (itself for a root).
    pub parent: Ino,
    /// The length of its path from its preopen's root (`a/b` is 3): no
    /// entry's path may pass `PATH_MAX`, so a guest cannot make a tree
    /// deeper than a path can name, and reading one back stays linear.
    pub path_len: u32,
    /// A directory of a store whose entries are not read yet (see
    /// [`super::store`]): it has none in memory until they are.
    pub(super) unlisted: bool,
}

impl Directory {
    /// A store's directory whose entries are not read yet.
    pub(super) fn unlisted() -> Directory {
        Directory { unlisted: true, ..Directory::default() }
    }

    /// The inode an entry names.
    pub fn get(&self, name: &str) -> Option<Ino> {
        self.by_name.get(name).map(|&(_, ino)| ino)
    }

    /// Number of entries, not counting `.` and `..`.
    pub fn len(&self) -> usize {
        self.by_name.len()
    }

    /// True when the directory has no entries besides `.` and `..`.
    pub fn is_empty(&self) -> bool {
        self.by_name.is_empty()
    }

    /// Entries in creation order, from sequence number `from` on:
    /// `(seq, name, ino)`.
    pub fn entries_from(&self, from: u64) -> impl Iterator<Item = (u64, &str, Ino)> + '_ {
        self.by_seq
            .range(from..)
            .filter_map(move |(&seq, name)| self.by_name.get(name).map(|&(_, ino)| (seq, name.as_str(), ino)))
    }

    /// Entries sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Ino)> + '_ {
        self.by_name.iter().map(|(n, &(_, ino))| (n.as_str(), ino))
    }

    pub(super) fn insert(&mut self, name: String, ino: Ino) {
        let seq = self.next_seq;
        self.next_seq += 1;
        if let Some((old, _)) = self.by_name.insert(name.clone(), (seq, ino)) {
            self.by_seq.remove(&old);
        }
        self.by_seq.insert(seq, name);
    }

    pub(super) fn remove(&mut self, name: &str) -> Option<Ino> {
        let (seq, ino) = self.by_name.remove(name)?;
        self.by_seq.remove(&seq);
        Some(ino)
    }
}

/// An inode: content, link count and timestamps.
#[derive(Clone, Debug)]
pub struct Inode {
    pub node: Node,
    /// Hard links to this inode (directories: 2 + subdirectories).
    pub nlink: u64,
    pub atim: u64,
    pub mtim: u64,
    pub ctim: u64,
    /// Open descriptors; an unlinked inode lives on until the last closes.
    pub(super) open: u32,
    /// The preopen (domain) it belongs to, for read-only checks.
    pub(super) domain: u32,
    /// Its key in the store that keeps it (0: it lives in memory only).
    pub store: StoreKey,
}

impl Inode {
    pub(super) fn new(node: Node, now: u64, domain: u32) -> Inode {
        let nlink = if matches!(node, Node::Dir(_)) { 2 } else { 1 };
        Inode { node, nlink, atim: now, mtim: now, ctim: now, open: 0, domain, store: 0 }
    }

    /// The WASI file type.
    pub fn filetype(&self) -> Filetype {
        match self.node {
            Node::File(_) => Filetype::RegularFile,
            Node::Dir(_) => Filetype::Directory,
            Node::Symlink(_) => Filetype::SymbolicLink,
        }
    }

    /// Size in bytes (a directory reports its entry count, a symlink the
    /// length of its target).
    pub fn size(&self) -> u64 {
        match &self.node {
            Node::File(data) => data.len(),
            Node::Dir(dir) => dir.len() as u64,
            Node::Symlink(target) => target.len() as u64,
        }
    }
}
