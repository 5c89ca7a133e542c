//! [`Tree`]: a plain description of a directory, to build a preopen from
//! and to read one back. Building and reading back walk it with a stack of
//! their own, never by recursion. (A guest's tree is at most 2,048 levels
//! deep, as deep as a path can name: dropping, cloning or comparing one,
//! which recurse, stay within any stack.)

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
        Tree::File(FileData::from_vec(data.into()))
    }

    /// The node at a `/`-separated path below this one.
    pub fn get(&self, path: &str) -> Option<&Tree> {
        path.split('/').filter(|c| !c.is_empty()).try_fold(self, |t, c| match t {
            Tree::Dir(e) => e.get(c),
            _ => None,
        })
    }

    /// A directory's entries, taken out of it (`None` for a file or link).
    pub fn take_entries(&mut self) -> Option<BTreeMap<String, Tree>> {
        match self {
            Tree::Dir(entries) => Some(std::mem::take(entries)),
            _ => None,
        }
    }

    /// What a leaf becomes in the filesystem; a directory becomes an empty
    /// one (its entries are taken separately).
    fn take_node(&mut self) -> Node {
        match self {
            Tree::File(data) => Node::File(std::mem::take(data)),
            Tree::Symlink(target) => Node::Symlink(std::mem::take(target)),
            Tree::Dir(_) => Node::Dir(Directory::default()),
        }
    }
}

impl Vfs {
    /// A snapshot of the tree below `root`, for inspection after a run
    /// (file contents are copied).
    pub fn tree(&self, root: Ino) -> Result<Tree, Errno> {
        let top = match &self.get(root)?.node {
            Node::File(data) => return Ok(Tree::File(data.clone())),
            Node::Symlink(t) => return Ok(Tree::Symlink(t.clone())),
            Node::Dir(_) => root,
        };
        // Each level: its directory, its entries still to visit, and what
        // was built of it so far; a finished level goes into its parent.
        struct Level {
            names: std::vec::IntoIter<(String, Ino)>,
            built: BTreeMap<String, Tree>,
            name: String,
        }
        let entries = |ino: Ino| -> Result<std::vec::IntoIter<(String, Ino)>, Errno> {
            let d = self.dir(ino)?;
            Ok(d.iter().map(|(n, i)| (n.to_string(), i)).collect::<Vec<_>>().into_iter())
        };
        let mut stack = vec![Level { names: entries(top)?, built: BTreeMap::new(), name: String::new() }];
        loop {
            let Some(level) = stack.last_mut() else { unreachable!("the stack holds the top level") };
            match level.names.next() {
                Some((name, ino)) => match &self.get(ino)?.node {
                    Node::File(data) => {
                        level.built.insert(name, Tree::File(data.clone()));
                    }
                    Node::Symlink(t) => {
                        level.built.insert(name, Tree::Symlink(t.clone()));
                    }
                    Node::Dir(_) => stack.push(Level { names: entries(ino)?, built: BTreeMap::new(), name }),
                },
                None => {
                    let Some(done) = stack.pop() else { unreachable!("just looked at it") };
                    let tree = Tree::Dir(done.built);
                    match stack.last_mut() {
                        Some(parent) => {
                            parent.built.insert(done.name, tree);
                        }
                        None => return Ok(tree),
                    }
                }
            }
        }
    }

    /// Adds every entry of `entries` into the directory `dir`, taking file
    /// contents without copying them.
    pub fn fill(&mut self, dir: Ino, entries: BTreeMap<String, Tree>, now: u64) -> Result<(), Errno> {
        let mut stack = vec![(dir, entries)];
        while let Some((parent, mut level)) = stack.pop() {
            while let Some((name, mut tree)) = level.pop_first() {
                let ino = self.create(parent, &name, tree.take_node(), now)?;
                if let Some(children) = tree.take_entries() {
                    stack.push((parent, level));
                    stack.push((ino, children));
                    break;
                }
            }
        }
        Ok(())
    }
}
