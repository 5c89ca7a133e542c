//! A store in memory, served synchronously: what the browser's directory
//! handles are to a run, for the native tests. It answers the core's
//! needs and carries out its changes exactly as `shim/js/store.js` does
//! with OPFS, so the core's store logic (lazy listing, windows of bytes,
//! writing back on sync and close) runs under wasmi against every case.

use std::collections::{BTreeMap, HashMap};

use browser_wasi::abi::Errno;
use browser_wasi::vfs::{ListedEntry, Need, StoreKey, StoreOp, Tree};
use browser_wasi::WasiCtx;

/// One entry of the fake store.
#[derive(Debug)]
enum Entry {
    File(Vec<u8>),
    Dir(BTreeMap<String, usize>),
}

/// Entries by number, and the core's keys for them.
#[derive(Debug, Default)]
pub struct FakeStore {
    entries: Vec<Entry>,
    /// Where each entry is: its parent and name (roots have none).
    place: Vec<Option<(usize, String)>>,
    keys: HashMap<StoreKey, usize>,
    /// Every need served and every change made, in order (for tests that
    /// check what was asked, and when).
    pub log: Vec<String>,
    /// Refuse writes past this many bytes in all (`ENOSPC`), as a full
    /// quota does.
    pub quota: Option<u64>,
}

impl FakeStore {
    /// Adds a root holding `tree`; its number.
    pub fn add_root(&mut self, tree: &Tree) -> usize {
        let root = self.add(Entry::Dir(BTreeMap::new()), None);
        let mut stack = vec![(root, tree)];
        while let Some((at, t)) = stack.pop() {
            if let Tree::Dir(children) = t {
                for (name, child) in children {
                    let entry = match child {
                        Tree::File(data) => Entry::File(data.to_vec().expect("a small file")),
                        Tree::Dir(_) => Entry::Dir(BTreeMap::new()),
                        Tree::Symlink(_) => panic!("a store has no symlinks"),
                    };
                    let n = self.add(entry, Some((at, name.clone())));
                    if let Entry::Dir(d) = &mut self.entries[at] {
                        d.insert(name.clone(), n);
                    }
                    stack.push((n, child));
                }
            }
        }
        root
    }

    fn add(&mut self, e: Entry, place: Option<(usize, String)>) -> usize {
        self.entries.push(e);
        self.place.push(place);
        self.entries.len() - 1
    }

    /// Gives the core's key for root `root`.
    pub fn bind(&mut self, key: StoreKey, root: usize) {
        self.keys.insert(key, root);
    }

    /// The tree under entry `n`.
    pub fn tree(&self, n: usize) -> Tree {
        match &self.entries[n] {
            Entry::File(b) => Tree::file(b.clone()),
            Entry::Dir(d) => Tree::Dir(d.iter().map(|(k, &c)| (k.clone(), self.tree(c))).collect()),
        }
    }

    fn entry(&self, key: StoreKey) -> Result<usize, Errno> {
        self.keys.get(&key).copied().ok_or(Errno::Noent)
    }

    fn dir_mut(&mut self, n: usize) -> Result<&mut BTreeMap<String, usize>, Errno> {
        match &mut self.entries[n] {
            Entry::Dir(d) => Ok(d),
            Entry::File(_) => Err(Errno::Notdir),
        }
    }

    /// Serves what the last call needs, then carries out every change
    /// queued, as the browser edge's `store.js` does.
    pub fn serve(&mut self, ctx: &mut WasiCtx) {
        let Some(store) = ctx.vfs.store().cloned() else { return };
        if let Some(need) = store.take_need() {
            match need {
                Need::List { ino, key } => {
                    let n = self.entry(key).expect("a listed directory");
                    self.log.push(format!("list {}", self.path(n)));
                    let Entry::Dir(d) = &self.entries[n] else { panic!("not a directory") };
                    let listed: Vec<(ListedEntry, usize)> = d
                        .iter()
                        .map(|(name, &c)| {
                            let (dir, size) = match &self.entries[c] {
                                Entry::Dir(_) => (true, 0),
                                Entry::File(b) => (false, b.len() as u64),
                            };
                            (ListedEntry { name: name.clone(), dir, size, mtim: 0 }, c)
                        })
                        .collect();
                    let entries: Vec<ListedEntry> = listed.iter().map(|(e, _)| e.clone()).collect();
                    let keys = ctx.vfs.put_listing(ino, &entries).expect("listing taken");
                    for (k, (_, c)) in keys.into_iter().zip(listed) {
                        if k != 0 {
                            self.keys.insert(k, c);
                        }
                    }
                }
                Need::Read { key, offset, len } => {
                    let n = self.entry(key).expect("a read file");
                    let Entry::File(b) = &self.entries[n] else { panic!("not a file") };
                    let (from, to) = (offset as usize, (offset + len) as usize);
                    self.log.push(format!("read {} {from}..{to}", self.path(n)));
                    match b.get(from..to) {
                        Some(bytes) => store.put_bytes(key, offset, bytes.to_vec()),
                        None => store.failed(Errno::Io),
                    }
                }
            }
        }
        while let Some(op) = store.next_op() {
            if let Err(e) = self.apply(ctx, &op) {
                store.failed(e);
            }
        }
    }

    fn apply(&mut self, ctx: &mut WasiCtx, op: &StoreOp) -> Result<(), Errno> {
        match op {
            StoreOp::CreateDir { parent, name, key } | StoreOp::CreateFile { parent, name, key } => {
                let p = self.entry(*parent)?;
                let entry = if matches!(op, StoreOp::CreateDir { .. }) {
                    Entry::Dir(BTreeMap::new())
                } else {
                    Entry::File(vec![])
                };
                self.log.push(format!("create {}", self.child_path(p, name)));
                let n = self.add(entry, Some((p, name.clone())));
                self.dir_mut(p)?.insert(name.clone(), n);
                self.keys.insert(*key, n);
            }
            StoreOp::Remove { parent, name } => {
                let p = self.entry(*parent)?;
                self.log.push(format!("remove {}", self.child_path(p, name)));
                let n = *self.dir_mut(p)?.get(name).ok_or(Errno::Noent)?;
                if matches!(&self.entries[n], Entry::Dir(d) if !d.is_empty()) {
                    return Err(Errno::Notempty);
                }
                self.dir_mut(p)?.remove(name);
                self.place[n] = None;
            }
            StoreOp::Move { key, parent, name } => {
                let n = self.entry(*key)?;
                let to = self.entry(*parent)?;
                self.log.push(format!("move {} to {}", self.path(n), self.child_path(to, name)));
                if self.dir_mut(to)?.contains_key(name) {
                    return Err(Errno::Exist);
                }
                if let Some((from, old)) = self.place[n].take() {
                    self.dir_mut(from)?.remove(&old);
                }
                self.dir_mut(to)?.insert(name.clone(), n);
                self.place[n] = Some((to, name.clone()));
            }
            StoreOp::Write { ino, key } => {
                let n = self.entry(*key)?;
                let data = ctx.vfs.file(*ino)?;
                self.log.push(format!("write {} {}", self.path(n), data.len()));
                let mut bytes = match &self.entries[n] {
                    Entry::File(b) => b.clone(),
                    Entry::Dir(_) => return Err(Errno::Isdir),
                };
                // As a writable stream does: cut what is no longer the
                // file's, extend with zeros, then write what changed.
                bytes.truncate(data.base_len() as usize);
                bytes.resize(data.len() as usize, 0);
                for (at, chunk) in data.written_chunks() {
                    let at = at as usize;
                    let end = (at + chunk.len()).min(bytes.len());
                    bytes[at..end].copy_from_slice(&chunk[..end - at]);
                }
                let others: u64 = self.total_bytes() - self.file_len(n);
                if self.quota.is_some_and(|q| others + bytes.len() as u64 > q) {
                    return Err(Errno::Nospc);
                }
                self.entries[n] = Entry::File(bytes);
                ctx.vfs.written(*ino, *key)?;
            }
        }
        Ok(())
    }

    fn file_len(&self, n: usize) -> u64 {
        match &self.entries[n] {
            Entry::File(b) => b.len() as u64,
            Entry::Dir(_) => 0,
        }
    }

    fn total_bytes(&self) -> u64 {
        (0..self.entries.len()).filter(|&n| self.place[n].is_some()).map(|n| self.file_len(n)).sum()
    }

    /// The path of `name` in entry `n`, for the log.
    fn child_path(&self, n: usize, name: &str) -> String {
        format!("{}/{name}", self.path(n).trim_end_matches('/'))
    }

    /// An entry's path from its root, for the log.
    fn path(&self, mut n: usize) -> String {
        let mut parts = Vec::new();
        while let Some((p, name)) = &self.place[n] {
            parts.push(name.clone());
            n = *p;
        }
        parts.reverse();
        format!("/{}", parts.join("/"))
    }
}
