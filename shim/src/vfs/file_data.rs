//! A regular file's contents: owned, or borrowed from the page until the
//! first change.

use std::any::Any;
use std::fmt;
use std::rc::Rc;

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
