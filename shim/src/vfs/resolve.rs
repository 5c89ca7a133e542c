//! Sandboxed path resolution relative to a directory.

use super::{Ino, Node, Vfs};
use crate::abi::Errno;

/// How many symbolic links one resolution may follow before `ELOOP`
/// (Linux's limit, which wasmtime inherits).
const MAX_SYMLINKS: usize = 40;

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

impl Vfs {
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
            return Err(Errno::Inval);
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
