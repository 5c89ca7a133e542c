//! [`Filesystem`]: the preopens a run leaves behind, read back as trees,
//! as a flat listing ([`Entry`]) or path by path.

use crate::abi::Filetype;
use crate::vfs::{FileData, Ino, Inode, Node, Tree, Vfs};

/// Each preopen's contents, by guest path, in configuration order.
pub(crate) fn trees(vfs: &Vfs, preopens: &[(String, Ino)]) -> Vec<(String, Tree)> {
    preopens.iter().filter_map(|(path, ino)| Some((path.clone(), vfs.tree(*ino).ok()?))).collect()
}

/// What [`Filesystem::walk`] meets.
#[derive(Clone, Copy, Debug)]
pub enum Visit<'a> {
    /// A directory, by name; its entries follow, then [`Visit::Leave`].
    Dir(&'a str),
    /// The end of the directory last entered.
    Leave,
    /// A regular file and its contents.
    File(&'a str, &'a FileData),
    /// A symbolic link and its target.
    Symlink(&'a str, &'a str),
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
    /// A symbolic link's target.
    pub target: Option<String>,
}

/// The filesystem a run leaves behind; its trees are built only when
/// asked for. Its reading methods are [`FsView`]'s (`fs.view()`), which
/// also reads a live run's filesystem.
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

    /// A view to read it through.
    pub fn view(&self) -> FsView<'_> {
        FsView { vfs: &self.vfs, preopens: &self.preopens }
    }

    /// Every preopen's contents ([`FsView::trees`]).
    pub fn trees(&self) -> Vec<(String, Tree)> {
        self.view().trees()
    }

    /// A preopen's contents ([`FsView::preopen`]).
    pub fn preopen(&self, guest_path: &str) -> Option<Tree> {
        self.view().preopen(guest_path)
    }

    /// Every entry below the preopens ([`FsView::entries`]).
    pub fn entries(&self) -> Vec<Entry> {
        self.view().entries()
    }

    /// What an absolute guest path holds ([`FsView::get`]).
    pub fn get(&self, path: &str) -> Option<Tree> {
        self.view().get(path)
    }
}

/// A run's filesystem, to read: finished ([`Filesystem::view`]) or live
/// (between the calls of a reactor).
#[derive(Clone, Copy)]
pub struct FsView<'a> {
    vfs: &'a Vfs,
    preopens: &'a [(String, Ino)],
}

impl<'a> FsView<'a> {
    /// A view of a run's state.
    pub(crate) fn new(vfs: &'a Vfs, preopens: &'a [(String, Ino)]) -> FsView<'a> {
        FsView { vfs, preopens }
    }

    /// Every preopen's contents, by guest path, in configuration order.
    pub fn trees(&self) -> Vec<(String, Tree)> {
        trees(self.vfs, self.preopens)
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
        for (path, ino) in self.preopens {
            let mut at = path.trim_end_matches('/').to_string();
            let mut lengths = Vec::new();
            self.walk(*ino, |visit, inode| {
                let name = match visit {
                    Visit::Leave => {
                        at.truncate(lengths.pop().unwrap_or(0));
                        return;
                    }
                    Visit::Dir(name) | Visit::File(name, _) | Visit::Symlink(name, _) => name,
                };
                let len = at.len();
                at.push('/');
                at.push_str(name);
                if let Some(inode) = inode {
                    let target = match &inode.node {
                        Node::Symlink(t) => Some(t.clone()),
                        _ => None,
                    };
                    out.push(Entry {
                        path: at.clone(),
                        filetype: inode.filetype(),
                        size: inode.size(),
                        mtim: inode.mtim,
                        target,
                    });
                }
                if matches!(visit, Visit::Dir(_)) {
                    lengths.push(len);
                } else {
                    at.truncate(len);
                }
            });
        }
        out
    }

    /// Walks the tree below the directory `dir` depth first, with a stack of
    /// its own (a guest's tree may be as deep as its inode limit allows):
    /// each entry in name order, a directory's entries between its
    /// [`Visit::Dir`] and its [`Visit::Leave`]. `f` also gets the inode.
    pub fn walk(&self, dir: Ino, mut f: impl FnMut(Visit<'a>, Option<&'a Inode>)) {
        let Ok(d) = self.vfs.dir(dir) else { return };
        let mut stack = vec![d.iter()];
        while let Some(level) = stack.last_mut() {
            let Some((name, ino)) = level.next() else {
                stack.pop();
                if !stack.is_empty() {
                    f(Visit::Leave, None);
                }
                continue;
            };
            let Ok(inode) = self.vfs.get(ino) else { continue };
            match &inode.node {
                Node::File(data) => f(Visit::File(name, data), Some(inode)),
                Node::Symlink(target) => f(Visit::Symlink(name, target), Some(inode)),
                Node::Dir(d) => {
                    f(Visit::Dir(name), Some(inode));
                    stack.push(d.iter());
                }
            }
        }
    }

    /// The inode an absolute guest path names, found as [`Filesystem::get`]
    /// finds it.
    pub fn lookup(&self, path: &str) -> Option<Ino> {
        let (rest, ino) = self
            .preopens
            .iter()
            .filter_map(|(pre, ino)| {
                let rest = path.strip_prefix(pre.trim_end_matches('/'))?;
                (rest.is_empty() || rest.starts_with('/')).then_some((rest, *ino))
            })
            .min_by_key(|(rest, _)| rest.len())?;
        let rest = rest.trim_start_matches('/');
        if rest.is_empty() {
            Some(ino)
        } else {
            self.vfs.resolve(ino, rest, true).ok()?.ino
        }
    }

    /// The inode `ino`, to read what it holds.
    pub fn inode(&self, ino: Ino) -> Option<&'a Inode> {
        self.vfs.get(ino).ok()
    }

    /// The preopens: guest path and root inode, in configuration order.
    pub fn roots(&self) -> &'a [(String, Ino)] {
        self.preopens
    }

    /// What an absolute guest path (`/data/out/report.txt`) holds, found
    /// through the preopen with the longest matching prefix, as a guest
    /// would find it; symbolic links are followed.
    pub fn get(&self, path: &str) -> Option<Tree> {
        self.vfs.tree(self.lookup(path)?).ok()
    }
}
