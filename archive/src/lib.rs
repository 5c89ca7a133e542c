//! Archives in and out of browser-wasi: a `.zip`, `.tar` or `.tar.gz` read
//! into [`Entry`]s (and into a [`Tree`], to preopen), and entries written
//! out as one. A separate package from the shim, loaded only when an
//! archive is used, so that the shim stays small.
//!
//! An archive is untrusted input like a guest: its paths stay relative
//! (`..`, absolute paths and NUL are refused), and what it may unpack to is
//! bounded ([`Limits`]: a zip bomb is an error, not a full tab).

#[cfg(target_arch = "wasm32")]
pub mod js;
mod time;

use std::collections::BTreeMap;
use std::fmt;
use std::io::{Cursor, Read, Write};

use browser_wasi::Tree;

/// What an archive entry is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A regular file and its bytes.
    File(Vec<u8>),
    /// A directory (empty ones too).
    Dir,
    /// A symbolic link and its target, as written.
    Symlink(String),
}

/// One entry of an archive.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// Its path, `/`-separated, relative, without a trailing `/`.
    pub path: String,
    pub kind: Kind,
    /// Last modified, in seconds since the epoch (UTC). A zip keeps it to
    /// two seconds, from 1980 to 2107.
    pub mtime: u64,
}

/// Which archive format to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Deflated entries; directories and symlinks as Info-ZIP writes them.
    Zip,
    /// POSIX ustar with GNU long names.
    Tar,
    /// The same, gzipped.
    TarGz,
}

impl Format {
    /// `"zip"`, `"tar"`, `"tar.gz"` (or `"tgz"`).
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "zip" => Some(Format::Zip),
            "tar" => Some(Format::Tar),
            "tar.gz" | "tgz" => Some(Format::TarGz),
            _ => None,
        }
    }
}

/// How much an archive may unpack to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of all files together, uncompressed (default 1 GiB).
    pub bytes: u64,
    /// Entries (default 100,000).
    pub entries: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { bytes: 1 << 30, entries: 100_000 }
    }
}

/// Why an archive could not be read or written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArchiveError {
    /// Not a zip, tar or gzipped tar.
    NotAnArchive,
    /// The format's library refused it.
    Corrupt(String),
    /// It unpacks to more than [`Limits`] allow.
    TooLarge,
    /// An entry's path leaves the archive (`..`, absolute) or is not UTF-8.
    BadPath(String),
    /// Two entries at one path, or one inside a file.
    Conflict(String),
}

impl fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArchiveError::NotAnArchive => write!(f, "not a .zip, .tar or .tar.gz archive"),
            ArchiveError::Corrupt(m) => write!(f, "the archive is damaged: {m}"),
            ArchiveError::TooLarge => write!(f, "the archive unpacks to more than its limits allow"),
            ArchiveError::BadPath(p) => write!(f, "the archive has an entry outside itself: {p:?}"),
            ArchiveError::Conflict(p) => write!(f, "the archive has two entries at {p:?}"),
        }
    }
}

impl std::error::Error for ArchiveError {}

fn corrupt(e: impl fmt::Display) -> ArchiveError {
    ArchiveError::Corrupt(e.to_string())
}

/// Reads an archive, whichever of the three it is (told by its first
/// bytes), into its entries in archive order.
pub fn read(bytes: &[u8], limits: Limits) -> Result<Vec<Entry>, ArchiveError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        read_zip(bytes, limits)
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut tar = Vec::new();
        // One byte past the limit tells a bomb from an archive at the limit.
        let cap = limits.bytes.saturating_add(1 << 20);
        flate2::read::GzDecoder::new(bytes).take(cap + 1).read_to_end(&mut tar).map_err(corrupt)?;
        if tar.len() as u64 > cap {
            return Err(ArchiveError::TooLarge);
        }
        read_tar(&tar, limits)
    } else if bytes.get(257..262) == Some(b"ustar") {
        read_tar(bytes, limits)
    } else {
        Err(ArchiveError::NotAnArchive)
    }
}

/// An entry's path, checked and made plain: relative, no `.` or empty
/// components, no `..`, no trailing `/`. `None` for the archive's root.
fn clean_path(raw: &str) -> Result<Option<String>, ArchiveError> {
    if raw.starts_with('/') || raw.contains('\0') || raw.contains('\\') {
        return Err(ArchiveError::BadPath(raw.into()));
    }
    let mut parts = Vec::new();
    for part in raw.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(ArchiveError::BadPath(raw.into())),
            p => parts.push(p),
        }
    }
    Ok((!parts.is_empty()).then(|| parts.join("/")))
}

/// Counts an entry and its bytes against the limits.
struct Budget {
    limits: Limits,
    bytes: u64,
    entries: usize,
}

impl Budget {
    fn take(&mut self, bytes: u64) -> Result<(), ArchiveError> {
        self.entries += 1;
        self.bytes = self.bytes.saturating_add(bytes);
        if self.entries > self.limits.entries || self.bytes > self.limits.bytes {
            return Err(ArchiveError::TooLarge);
        }
        Ok(())
    }

    /// Reads at most what is left of the byte budget from `r`.
    fn read_all(&mut self, r: impl Read, claimed: u64) -> Result<Vec<u8>, ArchiveError> {
        let left = self.limits.bytes.saturating_sub(self.bytes);
        if claimed > left {
            return Err(ArchiveError::TooLarge);
        }
        let mut data = Vec::new();
        data.try_reserve(claimed as usize).map_err(|_| ArchiveError::TooLarge)?;
        r.take(left + 1).read_to_end(&mut data).map_err(corrupt)?;
        self.take(data.len() as u64)?;
        Ok(data)
    }
}

fn read_zip(bytes: &[u8], limits: Limits) -> Result<Vec<Entry>, ArchiveError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(corrupt)?;
    let mut budget = Budget { limits, bytes: 0, entries: 0 };
    let mut out = Vec::new();
    for i in 0..zip.len() {
        let mut file = zip.by_index(i).map_err(corrupt)?;
        let name = file.name().map_err(corrupt)?.into_owned();
        let Some(path) = clean_path(&name)? else { continue };
        let mtime = file.last_modified().map_or(0, time::from_zip);
        let kind = if file.is_dir() {
            budget.take(0)?;
            Kind::Dir
        } else if file.is_symlink() {
            let target = budget.read_all(&mut file, 0)?;
            Kind::Symlink(String::from_utf8(target).map_err(|_| ArchiveError::BadPath(path.clone()))?)
        } else {
            let size = file.size();
            Kind::File(budget.read_all(&mut file, size)?)
        };
        out.push(Entry { path, kind, mtime });
    }
    Ok(out)
}

fn read_tar(bytes: &[u8], limits: Limits) -> Result<Vec<Entry>, ArchiveError> {
    let mut archive = tar::Archive::new(bytes);
    let mut budget = Budget { limits, bytes: 0, entries: 0 };
    let mut out = Vec::new();
    for entry in archive.entries().map_err(corrupt)? {
        let mut entry = entry.map_err(corrupt)?;
        let raw = entry.path_bytes().into_owned();
        let raw = String::from_utf8(raw)
            .map_err(|e| ArchiveError::BadPath(String::from_utf8_lossy(e.as_bytes()).into()))?;
        let Some(path) = clean_path(&raw)? else { continue };
        let header = entry.header();
        let mtime = header.mtime().unwrap_or(0);
        let kind = match header.entry_type() {
            tar::EntryType::Directory => {
                budget.take(0)?;
                Kind::Dir
            }
            tar::EntryType::Symlink => {
                budget.take(0)?;
                let target = entry.link_name_bytes().map(|t| t.into_owned()).unwrap_or_default();
                Kind::Symlink(String::from_utf8(target).map_err(|_| ArchiveError::BadPath(path.clone()))?)
            }
            tar::EntryType::Regular | tar::EntryType::Continuous => {
                let size = entry.size();
                Kind::File(budget.read_all(&mut entry, size)?)
            }
            // Hard links, devices, FIFOs: nothing a preopen can hold.
            _ => continue,
        };
        out.push(Entry { path, kind, mtime });
    }
    Ok(out)
}

/// Writes entries as an archive, in their order (a directory's entries
/// need not follow it: readers make the directories a path needs).
pub fn write(entries: &[Entry], format: Format) -> Result<Vec<u8>, ArchiveError> {
    for e in entries {
        if clean_path(&e.path)?.as_deref() != Some(e.path.as_str()) {
            return Err(ArchiveError::BadPath(e.path.clone()));
        }
    }
    match format {
        Format::Zip => write_zip(entries),
        Format::Tar => write_tar(entries),
        Format::TarGz => {
            let tar = write_tar(entries)?;
            let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
            gz.write_all(&tar).map_err(corrupt)?;
            gz.finish().map_err(corrupt)
        }
    }
}

fn write_zip(entries: &[Entry]) -> Result<Vec<u8>, ArchiveError> {
    use zip::write::SimpleFileOptions;
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for e in entries {
        let options = SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .last_modified_time(time::to_zip(e.mtime))
            .large_file(matches!(&e.kind, Kind::File(b) if b.len() as u64 >= u32::MAX as u64));
        match &e.kind {
            Kind::Dir => zip.add_directory(format!("{}/", e.path), options.unix_permissions(0o755)),
            Kind::Symlink(target) => zip.add_symlink(&e.path, target, options),
            Kind::File(bytes) => {
                zip.start_file(&e.path, options.unix_permissions(0o644)).map_err(corrupt)?;
                zip.write_all(bytes).map_err(corrupt)?;
                Ok(())
            }
        }
        .map_err(corrupt)?;
    }
    Ok(zip.finish().map_err(corrupt)?.into_inner())
}

fn write_tar(entries: &[Entry]) -> Result<Vec<u8>, ArchiveError> {
    let mut tar = tar::Builder::new(Vec::new());
    for e in entries {
        let mut header = tar::Header::new_gnu();
        header.set_mtime(e.mtime);
        match &e.kind {
            Kind::Dir => {
                header.set_entry_type(tar::EntryType::Directory);
                header.set_mode(0o755);
                header.set_size(0);
                tar.append_data(&mut header, format!("{}/", e.path), &[][..]).map_err(corrupt)?;
            }
            Kind::Symlink(target) => {
                header.set_entry_type(tar::EntryType::Symlink);
                header.set_mode(0o777);
                header.set_size(0);
                tar.append_link(&mut header, &e.path, target).map_err(corrupt)?;
            }
            Kind::File(bytes) => {
                header.set_entry_type(tar::EntryType::Regular);
                header.set_mode(0o644);
                header.set_size(bytes.len() as u64);
                tar.append_data(&mut header, &e.path, &bytes[..]).map_err(corrupt)?;
            }
        }
    }
    tar.into_inner().map_err(corrupt)
}

/// The tree the entries make, to preopen: directories a path needs are
/// made; times are not kept (a preopen's files start at the run's time).
pub fn tree_from_entries(entries: &[Entry]) -> Result<Tree, ArchiveError> {
    let mut root: BTreeMap<String, Tree> = BTreeMap::new();
    for e in entries {
        let mut dir = &mut root;
        let mut parts = e.path.split('/').peekable();
        while let Some(part) = parts.next() {
            let last = parts.peek().is_none();
            if last {
                let node = match &e.kind {
                    Kind::File(b) => Tree::file(b.clone()),
                    Kind::Symlink(t) => Tree::Symlink(t.clone()),
                    Kind::Dir => Tree::dir(),
                };
                match (dir.get(part), &node) {
                    // A directory listed after an entry inside it.
                    (Some(Tree::Dir(_)), Tree::Dir(_)) => {}
                    (Some(_), _) => return Err(ArchiveError::Conflict(e.path.clone())),
                    (None, _) => {
                        dir.insert(part.to_string(), node);
                    }
                }
            } else {
                let next = dir.entry(part.to_string()).or_insert_with(Tree::dir);
                dir = match next {
                    Tree::Dir(d) => d,
                    _ => return Err(ArchiveError::Conflict(e.path.clone())),
                };
            }
        }
    }
    Ok(Tree::Dir(root))
}

/// A tree's entries, directories before what they hold, each stamped
/// `mtime` (a tree has no times).
pub fn entries_from_tree(tree: &Tree, mtime: u64) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut stack: Vec<(String, &Tree)> = vec![(String::new(), tree)];
    while let Some((path, t)) = stack.pop() {
        let Tree::Dir(children) = t else { continue };
        for (name, child) in children.iter().rev() {
            let at = if path.is_empty() { name.clone() } else { format!("{path}/{name}") };
            let kind = match child {
                Tree::File(data) => Kind::File(data.to_vec().unwrap_or_default()),
                Tree::Symlink(target) => Kind::Symlink(target.clone()),
                Tree::Dir(_) => {
                    stack.push((at.clone(), child));
                    Kind::Dir
                }
            };
            out.push(Entry { path: at, kind, mtime });
        }
    }
    out
}

#[cfg(test)]
mod tests;
