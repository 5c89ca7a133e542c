//! [`Tree`]: a plain description of a directory, to build a preopen from
//! and to read one back.

use std::collections::BTreeMap;

use super::{Directory, FileData, Ino, Node, Vfs};
use crate::abi::Errno;

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

impl Vfs {
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
