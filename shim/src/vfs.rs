//! The in-memory virtual filesystem: a table of inodes (regular files,
//! directories, symbolic links) with POSIX link counts and nanosecond
//! timestamps, and sandboxed path resolution relative to a directory.
//!
//! Nothing here knows about file descriptors or guest memory; the syscall
//! layer maps WASI calls onto these operations. Every operation that changes
//! the tree takes `now` (nanoseconds since the epoch) so the VFS stays pure
//! and testable.

use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

use crate::abi::{Errno, Filestat, Filetype};

/// An inode number; stable for the lifetime of the inode.
pub type Ino = u64;

/// How many symbolic links one resolution may follow before `ELOOP`
/// (Linux's limit, which wasmtime inherits).
const MAX_SYMLINKS: usize = 40;

/// Bytes that live outside the shim (a buffer the page handed over), read
/// in place: a large input file costs no copy until the guest changes it.
pub trait ExternalBytes: fmt::Debug {
    /// The number of bytes.
    fn len(&self) -> usize;
    /// True when there are no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Copies the bytes at `offset..offset + dst.len()` into `dst`.
    fn read(&self, offset: usize, dst: &mut [u8]);
    /// For an edge that can copy these bytes straight into guest memory.
    fn as_any(&self) -> &dyn Any;
}

/// A regular file's contents: owned by the filesystem, or borrowed from
/// outside until the first change (copy on write).
#[derive(Clone, Debug)]
pub enum FileData {
    Owned(Vec<u8>),
    External(Rc<dyn ExternalBytes>),
}

impl Default for FileData {
    fn default() -> Self {
        FileData::Owned(Vec::new())
    }
}

impl FileData {
    /// The size in bytes.
    pub fn len(&self) -> usize {
        match self {
            FileData::Owned(v) => v.len(),
            FileData::External(x) => x.len(),
        }
    }

    /// True for an empty file.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A copy of all the bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        match self {
            FileData::Owned(v) => v.clone(),
            FileData::External(x) => {
                let mut v = vec![0; x.len()];
                x.read(0, &mut v);
                v
            }
        }
    }

    /// The bytes, to change: borrowed bytes are copied in first.
    pub fn make_mut(&mut self) -> &mut Vec<u8> {
        if let FileData::External(x) = self {
            let mut v = vec![0; x.len()];
            x.read(0, &mut v);
            *self = FileData::Owned(v);
        }
        match self {
            FileData::Owned(v) => v,
            FileData::External(_) => unreachable!("made owned just above"),
        }
    }
}

impl PartialEq for FileData {
    fn eq(&self, other: &FileData) -> bool {
        match (self, other) {
            (FileData::Owned(a), FileData::Owned(b)) => a == b,
            _ => self.len() == other.len() && self.to_vec() == other.to_vec(),
        }
    }
}

impl Eq for FileData {}

impl From<Vec<u8>> for FileData {
    fn from(v: Vec<u8>) -> Self {
        FileData::Owned(v)
    }
}

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
}

impl Directory {
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

    fn insert(&mut self, name: String, ino: Ino) {
        let seq = self.next_seq;
        self.next_seq += 1;
        if let Some((old, _)) = self.by_name.insert(name.clone(), (seq, ino)) {
            self.by_seq.remove(&old);
        }
        self.by_seq.insert(seq, name);
    }

    fn remove(&mut self, name: &str) -> Option<Ino> {
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
    open: u32,
}

impl Inode {
    fn new(node: Node, now: u64) -> Inode {
        let nlink = if matches!(node, Node::Dir(_)) { 2 } else { 1 };
        Inode { node, nlink, atim: now, mtim: now, ctim: now, open: 0 }
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
            Node::File(data) => data.len() as u64,
            Node::Dir(dir) => dir.len() as u64,
            Node::Symlink(target) => target.len() as u64,
        }
    }
}

/// The result of resolving a path: the directory that holds the final
/// component, its name, and the inode it names if it exists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lookup {
    /// The directory containing `name`.
    pub parent: Ino,
    /// The final component; `"."` when the path names the base directory.
    pub name: String,
    /// What `name` refers to, if anything.
    pub ino: Option<Ino>,
    /// The path ended in `/` (so it must name a directory).
    pub trailing_slash: bool,
}

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

    /// Resolves `path` relative to the directory `base` without ever leaving
    /// it: `..` above `base`, absolute paths and symlinks that lead outside
    /// are refused with `EPERM` (wasmtime's answer for an escape).
    /// Symbolic links in the middle of the path are always followed; the
    /// final one only if `follow` (or if the path ends in `/`).
    pub fn resolve(&self, base: Ino, path: &str, follow: bool) -> Result<Lookup, Errno> {
        if path.is_empty() {
            return Err(Errno::Noent);
        }
        if path.len() > crate::abi::PATH_MAX {
            return Err(Errno::Nametoolong);
        }
        if path.contains('\0') {
            return Err(Errno::Ilseq);
        }
        self.dir(base)?;
        // `stack` holds the directories from `base` down to the current one.
        let mut stack: Vec<Ino> = vec![base];
        // Components still to walk, last first.
        let mut pending: Vec<String> = Vec::new();
        push_components(&mut pending, path)?;
        let mut trailing_slash = path.ends_with('/');
        let mut links = 0usize;
        loop {
            let Some(comp) = pending.pop() else {
                // The path was only `.` / `/` components.
                let here = *stack.last().ok_or(Errno::Perm)?;
                return Ok(Lookup { parent: here, name: ".".into(), ino: Some(here), trailing_slash });
            };
            let last = pending.is_empty();
            let here = *stack.last().ok_or(Errno::Perm)?;
            let dir = self.dir(here)?;
            match comp.as_str() {
                "." => {
                    if last {
                        return Ok(Lookup {
                            parent: here,
                            name: ".".into(),
                            ino: Some(here),
                            trailing_slash,
                        });
                    }
                }
                ".." => {
                    if stack.len() == 1 {
                        return Err(Errno::Perm);
                    }
                    stack.pop();
                    if last {
                        let up = *stack.last().ok_or(Errno::Perm)?;
                        return Ok(Lookup { parent: up, name: ".".into(), ino: Some(up), trailing_slash });
                    }
                }
                name => {
                    let child = dir.get(name);
                    let node = match child {
                        Some(c) => Some(&self.get(c)?.node),
                        None => None,
                    };
                    match (node, child) {
                        (Some(Node::Symlink(target)), Some(_)) if !last || follow || trailing_slash => {
                            links += 1;
                            if links > MAX_SYMLINKS {
                                return Err(Errno::Loop);
                            }
                            if target.starts_with('/') {
                                return Err(Errno::Perm);
                            }
                            if last && target.ends_with('/') {
                                trailing_slash = true;
                            }
                            push_components(&mut pending, target)?;
                            if pending.is_empty() {
                                pending.push(".".into());
                            }
                        }
                        (Some(Node::Dir(_)), Some(c)) if !last => stack.push(c),
                        (Some(_), Some(_)) if !last => return Err(Errno::Notdir),
                        (None, _) if !last => return Err(Errno::Noent),
                        (_, child) => {
                            return Ok(Lookup {
                                parent: here,
                                name: name.to_string(),
                                ino: child,
                                trailing_slash,
                            })
                        }
                    }
                }
            }
        }
    }

    /// A snapshot of the tree below `root`, for inspection after a run.
    pub fn tree(&self, root: Ino) -> Result<Tree, Errno> {
        let i = self.get(root)?;
        Ok(match &i.node {
            Node::File(data) => Tree::File(data.clone()),
            Node::Symlink(t) => Tree::Symlink(t.clone()),
            Node::Dir(d) => Tree::Dir(
                d.iter()
                    .map(|(name, ino)| Ok((name.to_string(), self.tree(ino)?)))
                    .collect::<Result<_, Errno>>()?,
            ),
        })
    }

    /// Builds `tree` as `name` inside `parent`, taking its file contents
    /// without copying them.
    pub fn add_tree(&mut self, parent: Ino, name: &str, tree: Tree, now: u64) -> Result<Ino, Errno> {
        match tree {
            Tree::File(data) => self.create(parent, name, Node::File(data), now),
            Tree::Symlink(t) => self.create(parent, name, Node::Symlink(t), now),
            Tree::Dir(entries) => {
                let ino = self.create(parent, name, Node::Dir(Directory::default()), now)?;
                self.fill(ino, entries, now)?;
                Ok(ino)
            }
        }
    }

    /// Adds every entry of `entries` into the directory `dir`.
    pub fn fill(&mut self, dir: Ino, entries: BTreeMap<String, Tree>, now: u64) -> Result<(), Errno> {
        for (name, t) in entries {
            self.add_tree(dir, &name, t, now)?;
        }
        Ok(())
    }
}

/// A plain description of a directory tree: what a preopen starts with, and
/// what it holds after a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tree {
    File(FileData),
    Symlink(String),
    Dir(BTreeMap<String, Tree>),
}

impl Tree {
    /// An empty directory.
    pub fn dir() -> Tree {
        Tree::Dir(BTreeMap::new())
    }

    /// Adds `name` to a directory tree (builder style); ignored on a
    /// non-directory.
    pub fn with(mut self, name: &str, child: Tree) -> Tree {
        if let Tree::Dir(entries) = &mut self {
            entries.insert(name.to_string(), child);
        }
        self
    }

    /// A file with these bytes.
    pub fn file(data: impl Into<Vec<u8>>) -> Tree {
        Tree::File(FileData::Owned(data.into()))
    }

    /// The node at a `/`-separated path below this one.
    pub fn get(&self, path: &str) -> Option<&Tree> {
        path.split('/').filter(|c| !c.is_empty()).try_fold(self, |t, c| match t {
            Tree::Dir(e) => e.get(c),
            _ => None,
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

/// Pushes the components of `path` onto `pending` so that they pop in order.
/// A leading `/` is an escape from the base directory.
fn push_components(pending: &mut Vec<String>, path: &str) -> Result<(), Errno> {
    if path.starts_with('/') {
        return Err(Errno::Perm);
    }
    for comp in path.split('/').rev().filter(|c| !c.is_empty()) {
        if comp.len() > 255 {
            return Err(Errno::Nametoolong);
        }
        pending.push(comp.to_string());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> (Vfs, Ino) {
        let mut v = Vfs::new();
        let root = v.new_root(1);
        let sub = v.create(root, "sub", Node::Dir(Directory::default()), 1).unwrap();
        v.create(sub, "f", Node::File(b"hi".to_vec().into()), 1).unwrap();
        v.create(root, "up", Node::Symlink("..".into()), 1).unwrap();
        v.create(root, "to_f", Node::Symlink("sub/f".into()), 1).unwrap();
        v.create(root, "abs", Node::Symlink("/etc".into()), 1).unwrap();
        v.create(root, "loop", Node::Symlink("loop".into()), 1).unwrap();
        (v, root)
    }

    #[test]
    fn resolve_follows_intermediate_and_optional_final_links() {
        let (v, root) = sample();
        let f = v.resolve(root, "to_f", true).unwrap();
        assert_eq!(v.get(f.ino.unwrap()).unwrap().filetype(), Filetype::RegularFile);
        let l = v.resolve(root, "to_f", false).unwrap();
        assert_eq!(v.get(l.ino.unwrap()).unwrap().filetype(), Filetype::SymbolicLink);
        assert_eq!(v.resolve(root, "sub/./f", false).unwrap().name, "f");
        assert_eq!(v.resolve(root, "sub/../sub/f", false).unwrap().name, "f");
    }

    #[test]
    fn resolve_refuses_to_escape_the_base() {
        let (v, root) = sample();
        assert_eq!(v.resolve(root, "..", false), Err(Errno::Perm));
        assert_eq!(v.resolve(root, "sub/../../x", false), Err(Errno::Perm));
        assert_eq!(v.resolve(root, "/etc/passwd", false), Err(Errno::Perm));
        assert_eq!(v.resolve(root, "up/x", false), Err(Errno::Perm));
        assert_eq!(v.resolve(root, "abs", true), Err(Errno::Perm));
        assert!(v.resolve(root, "abs", false).is_ok());
    }

    #[test]
    fn resolve_reports_loops_and_missing_dirs() {
        let (v, root) = sample();
        assert_eq!(v.resolve(root, "loop", true), Err(Errno::Loop));
        assert_eq!(v.resolve(root, "nope/x", false), Err(Errno::Noent));
        assert_eq!(v.resolve(root, "sub/f/x", false), Err(Errno::Notdir));
        let missing = v.resolve(root, "sub/new", false).unwrap();
        assert_eq!((missing.name.as_str(), missing.ino), ("new", None));
    }

    #[test]
    fn unlinked_open_file_survives_until_released() {
        let (mut v, root) = sample();
        let l = v.resolve(root, "sub/f", false).unwrap();
        let ino = l.ino.unwrap();
        v.retain(ino);
        v.unlink(l.parent, "f", 2).unwrap();
        assert_eq!(v.get(ino).unwrap().nlink, 0);
        v.release(ino);
        assert!(v.get(ino).is_err());
    }

    #[test]
    fn directory_link_counts_follow_subdirectories() {
        let (mut v, root) = sample();
        assert_eq!(v.get(root).unwrap().nlink, 3);
        let sub = v.resolve(root, "sub", false).unwrap().ino.unwrap();
        v.create(sub, "d", Node::Dir(Directory::default()), 2).unwrap();
        v.rename(sub, "d", root, "d", 3).unwrap();
        assert_eq!(v.get(root).unwrap().nlink, 4);
        assert_eq!(v.get(sub).unwrap().nlink, 2);
    }

    #[derive(Debug)]
    struct Borrowed(Vec<u8>);

    impl ExternalBytes for Borrowed {
        fn len(&self) -> usize {
            self.0.len()
        }
        fn read(&self, offset: usize, dst: &mut [u8]) {
            dst.copy_from_slice(&self.0[offset..offset + dst.len()]);
        }
        fn as_any(&self) -> &dyn Any {
            self
        }
    }

    #[test]
    fn external_contents_are_copied_only_when_changed() {
        let outside = Rc::new(Borrowed(b"abc".to_vec()));
        let mut data = FileData::External(outside.clone());
        assert_eq!((data.len(), data.to_vec()), (3, b"abc".to_vec()));
        assert_eq!(data, FileData::Owned(b"abc".to_vec()));
        data.make_mut().push(b'd');
        assert!(matches!(data, FileData::Owned(ref v) if v == b"abcd"));
        assert_eq!(outside.0, b"abc");
    }

    #[test]
    fn readdir_order_is_creation_order_and_resumable() {
        let (mut v, root) = sample();
        let names: Vec<_> = v.dir(root).unwrap().entries_from(0).map(|e| e.1.to_string()).collect();
        assert_eq!(names, ["sub", "up", "to_f", "abs", "loop"]);
        v.unlink(root, "up", 2).unwrap();
        let rest: Vec<_> = v.dir(root).unwrap().entries_from(2).map(|e| e.1.to_string()).collect();
        assert_eq!(rest, ["to_f", "abs", "loop"]);
    }
}
