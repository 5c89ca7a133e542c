//! [`Filesystem`]: the preopens a run leaves behind, read back as trees,
//! as a flat listing ([`Entry`]) or path by path.

use crate::abi::Filetype;
use crate::vfs::{Ino, Node, Tree, Vfs};

/// Each preopen's contents, by guest path, in configuration order.
pub(crate) fn trees(vfs: &Vfs, preopens: &[(String, Ino)]) -> Vec<(String, Tree)> {
    preopens.iter().filter_map(|(path, ino)| Some((path.clone(), vfs.tree(*ino).ok()?))).collect()
}

/// One entry of [`Filesystem::entries`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Absolute guest path.
    pub path: String,
    pub filetype: Filetype,
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
    /// The filesystem of a finished run.
    pub(crate) fn new(vfs: Vfs, preopens: Vec<(String, Ino)>) -> Filesystem {
        Filesystem { vfs, preopens }
    }

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
            if matches!(inode.node, Node::Dir(_)) {
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
