//! The file descriptor table.

use std::collections::BinaryHeap;

use crate::abi::{rights, Errno, Filetype};
use crate::vfs::Ino;

/// A descriptor's rights: what it allows, and what descriptors opened
/// through it may be given.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rights {
    pub base: u64,
    pub inheriting: u64,
}

impl Rights {
    /// `ENOTCAPABLE` unless every bit of `needed` is in the base rights.
    pub fn require(&self, needed: u64) -> Result<(), Errno> {
        if self.base & needed == needed {
            Ok(())
        } else {
            Err(Errno::Notcapable)
        }
    }
}

/// One of the three standard streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stdio {
    Stdin,
    Stdout,
    Stderr,
}

/// Rights wasmtime reports for a preopened directory (read-only or not).
pub const PREOPEN_RIGHTS: Rights = Rights { base: 0x07b7_fe00, inheriting: 0x0ff7_ffff };
/// Rights wasmtime reports for a directory opened with `path_open`.
pub const DIR_RIGHTS: Rights = Rights { base: 0x3fb7_ffbb, inheriting: 0x3fb7_ffbb };
/// Rights wasmtime reports for a file opened for reading and/or writing:
/// every right, less `FD_WRITE` when not writing and `FD_READ` and
/// `FD_READDIR` when not reading, as base and as inheriting rights.
pub fn file_rights(read: bool, write: bool) -> Rights {
    let mut r = rights::ALL;
    if !write {
        r &= !rights::FD_WRITE;
    }
    if !read {
        r &= !(rights::FD_READ | rights::FD_READDIR);
    }
    Rights { base: r, inheriting: r }
}

/// An open regular file.
#[derive(Clone, Debug)]
pub struct OpenFile {
    pub ino: Ino,
    /// The cursor for `fd_read`/`fd_write`/`fd_seek`.
    pub pos: u64,
    pub fdflags: u16,
    pub rights: Rights,
    /// Opened for reading / for writing (`path_open`'s rights decide).
    pub read: bool,
    pub write: bool,
}

/// An open directory (a preopen, or one opened with `path_open`).
#[derive(Clone, Debug)]
pub struct OpenDir {
    pub ino: Ino,
    /// The guest path, for preopens only (`fd_prestat_*`).
    pub preopen: Option<String>,
    pub fdflags: u16,
    pub rights: Rights,
}

/// What a file descriptor refers to.
#[derive(Clone, Debug)]
pub enum Descriptor {
    Stdio { stream: Stdio, fdflags: u16, rights: Rights },
    File(OpenFile),
    Dir(OpenDir),
}

impl Descriptor {
    /// A fresh descriptor for a standard stream, with the rights wasmtime
    /// gives one.
    pub fn stdio(stream: Stdio) -> Descriptor {
        let base = match stream {
            Stdio::Stdin => rights::FD_READ,
            Stdio::Stdout | Stdio::Stderr => rights::FD_WRITE,
        };
        Descriptor::Stdio { stream, fdflags: 0, rights: Rights { base, inheriting: base } }
    }

    /// The rights this descriptor carries.
    pub fn rights(&self) -> Rights {
        match self {
            Descriptor::Stdio { rights, .. } => *rights,
            Descriptor::File(f) => f.rights,
            Descriptor::Dir(d) => d.rights,
        }
    }

    /// Mutable access to the rights (for `fd_fdstat_set_rights`).
    pub fn rights_mut(&mut self) -> &mut Rights {
        match self {
            Descriptor::Stdio { rights, .. } => rights,
            Descriptor::File(f) => &mut f.rights,
            Descriptor::Dir(d) => &mut d.rights,
        }
    }

    /// The descriptor's `fdflags`.
    pub fn fdflags(&self) -> u16 {
        match self {
            Descriptor::Stdio { fdflags, .. } => *fdflags,
            Descriptor::File(f) => f.fdflags,
            Descriptor::Dir(d) => d.fdflags,
        }
    }

    /// The file type `fd_fdstat_get` reports. Standard streams are
    /// `UNKNOWN`, as wasmtime reports a stream that is not a terminal.
    pub fn filetype(&self) -> Filetype {
        match self {
            Descriptor::Stdio { .. } => Filetype::Unknown,
            Descriptor::File(_) => Filetype::RegularFile,
            Descriptor::Dir(_) => Filetype::Directory,
        }
    }

    /// The inode behind a file or directory descriptor.
    pub fn ino(&self) -> Option<Ino> {
        match self {
            Descriptor::Stdio { .. } => None,
            Descriptor::File(f) => Some(f.ino),
            Descriptor::Dir(d) => Some(d.ino),
        }
    }
}

/// File descriptors. A closed number is reused before a new one is taken,
/// the highest closed number first, as wasmtime does.
#[derive(Debug)]
pub struct FdTable {
    slots: Vec<Option<Descriptor>>,
    free: BinaryHeap<u32>,
    /// The most descriptors open at once (`EMFILE` beyond).
    limit: usize,
}

impl FdTable {
    /// An empty table for at most `limit` open descriptors.
    pub fn with_limit(limit: u32) -> FdTable {
        FdTable { slots: Vec::new(), free: BinaryHeap::new(), limit: limit as usize }
    }

    /// Inserts a descriptor at the highest closed number, or a new one.
    pub fn insert(&mut self, d: Descriptor) -> Result<u32, Errno> {
        while let Some(fd) = self.free.pop() {
            if let Some(slot @ None) = self.slots.get_mut(fd as usize) {
                *slot = Some(d);
                return Ok(fd);
            }
        }
        if self.slots.len() >= self.limit {
            return Err(Errno::Mfile);
        }
        self.slots.push(Some(d));
        Ok((self.slots.len() - 1) as u32)
    }

    /// The descriptor `fd`; `EBADF` if it is not open.
    pub fn get(&self, fd: u32) -> Result<&Descriptor, Errno> {
        self.slots.get(fd as usize).and_then(Option::as_ref).ok_or(Errno::Badf)
    }

    /// The descriptor `fd`, mutably.
    pub fn get_mut(&mut self, fd: u32) -> Result<&mut Descriptor, Errno> {
        self.slots.get_mut(fd as usize).and_then(Option::as_mut).ok_or(Errno::Badf)
    }

    /// Removes and returns `fd`.
    pub fn remove(&mut self, fd: u32) -> Result<Descriptor, Errno> {
        let d = self.slots.get_mut(fd as usize).and_then(Option::take).ok_or(Errno::Badf)?;
        self.free.push(fd);
        Ok(d)
    }

    /// Moves `from` onto `to`, closing whatever `to` held (`fd_renumber`).
    /// Returns the descriptor that was replaced.
    pub fn renumber(&mut self, from: u32, to: u32) -> Result<Option<Descriptor>, Errno> {
        self.get(from)?;
        self.get(to)?;
        if from == to {
            return Ok(None);
        }
        let d = self.remove(from)?;
        let slot = self.slots.get_mut(to as usize).ok_or(Errno::Badf)?;
        Ok(slot.replace(d))
    }

    /// Every open descriptor with its number.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Descriptor)> {
        self.slots.iter().enumerate().filter_map(|(i, d)| d.as_ref().map(|d| (i as u32, d)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_fds_are_reused_highest_first() {
        let mut t = FdTable::with_limit(16);
        for s in [Stdio::Stdin, Stdio::Stdout, Stdio::Stderr, Stdio::Stdout, Stdio::Stdout, Stdio::Stdout] {
            t.insert(Descriptor::stdio(s)).unwrap();
        }
        t.remove(3).unwrap();
        t.remove(4).unwrap();
        assert_eq!(t.insert(Descriptor::stdio(Stdio::Stdout)), Ok(4));
        assert_eq!(t.insert(Descriptor::stdio(Stdio::Stdout)), Ok(3));
        assert_eq!(t.insert(Descriptor::stdio(Stdio::Stdout)), Ok(6));
    }

    #[test]
    fn renumber_needs_both_fds_open() {
        let mut t = FdTable::with_limit(16);
        t.insert(Descriptor::stdio(Stdio::Stdin)).unwrap();
        t.insert(Descriptor::stdio(Stdio::Stdout)).unwrap();
        assert_eq!(t.renumber(0, 7).unwrap_err(), Errno::Badf);
        assert!(t.renumber(1, 0).unwrap().is_some());
        assert!(t.get(1).is_err());
        assert!(matches!(t.get(0), Ok(Descriptor::Stdio { stream: Stdio::Stdout, .. })));
    }
}
