//! [`Vfs::check`]: the filesystem's invariants, for fuzzing and tests: the
//! counts a guest can drive must stay true whatever it does.

use std::collections::BTreeMap;

use super::{Ino, Node, Vfs};

impl Vfs {
    /// Checks every invariant; the first broken one, described.
    /// - every directory entry names a live inode, and each inode's link
    ///   count is what the entries make it (a directory: 2 + its
    ///   subdirectories, or 0 once removed);
    /// - a directory's `parent` is the one that lists it (a root, or a
    ///   removed directory, is its own), and its `path_len` follows from it;
    /// - the byte and inode usage are the sums they count;
    /// - no inode is both live and free.
    pub fn check(&self) -> Result<(), String> {
        let mut links: BTreeMap<Ino, u64> = BTreeMap::new();
        let mut listed_in: BTreeMap<Ino, (Ino, usize)> = BTreeMap::new();
        let (mut bytes, mut live) = (0u64, 0u64);
        for (i, slot) in self.inodes.iter().enumerate() {
            let Some(inode) = slot else { continue };
            let ino = i as Ino + 1;
            live += 1;
            if let Node::File(data) = &inode.node {
                bytes += data.owned_bytes();
            }
            if let Node::Dir(d) = &inode.node {
                for (name, child) in d.iter() {
                    let c =
                        self.get(child).map_err(|_| format!("{ino}/{name} names a dead inode {child}"))?;
                    *links.entry(child).or_default() += 1;
                    if let Node::Dir(_) = c.node {
                        *links.entry(ino).or_default() += 1;
                        if listed_in.insert(child, (ino, name.len())).is_some() {
                            return Err(format!("directory {child} is listed twice"));
                        }
                    }
                }
            }
        }
        for (i, slot) in self.inodes.iter().enumerate() {
            let Some(inode) = slot else { continue };
            let ino = i as Ino + 1;
            let entries = links.get(&ino).copied().unwrap_or(0);
            match &inode.node {
                Node::Dir(d) => {
                    let (want_parent, want_len) = match listed_in.get(&ino) {
                        Some(&(parent, name_len)) => {
                            let p = self.dir(parent).map_err(|e| format!("{ino}'s parent: {e}"))?;
                            (parent, p.path_len as usize + usize::from(p.path_len > 0) + name_len)
                        }
                        None => (ino, d.path_len as usize),
                    };
                    if d.parent != want_parent {
                        return Err(format!(
                            "directory {ino} has parent {}, listed in {want_parent}",
                            d.parent
                        ));
                    }
                    if d.path_len as usize != want_len {
                        return Err(format!(
                            "directory {ino} has path length {}, expected {want_len}",
                            d.path_len
                        ));
                    }
                    let subdirs = entries - u64::from(listed_in.contains_key(&ino));
                    let want = if inode.nlink == 0 { 0 } else { 2 + subdirs };
                    if inode.nlink != want {
                        return Err(format!("directory {ino} has nlink {}, expected {want}", inode.nlink));
                    }
                }
                _ if inode.nlink != entries => {
                    return Err(format!("inode {ino} has nlink {}, but {entries} entries", inode.nlink));
                }
                _ => {}
            }
        }
        if bytes != self.used_bytes {
            return Err(format!("files hold {bytes} bytes, usage says {}", self.used_bytes));
        }
        if live != self.live {
            return Err(format!("{live} inodes live, usage says {}", self.live));
        }
        for &f in &self.free {
            if self.inodes.get(f).is_none_or(|s| s.is_some()) {
                return Err(format!("slot {f} is free but holds an inode"));
            }
        }
        Ok(())
    }
}
