//! A host directory as the guest sees it: its listing (a manifest the page
//! builds the preopen from, with each file's bytes fetched only when the
//! guest reads it), and the guest's changes written back. Everything goes
//! through a `cap_std::fs::Dir`, so no path the page sends can reach
//! outside the directory, by `..`, an absolute path or a symlink.

use std::io;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use cap_fs_ext::{DirExt, SystemTimeSpec};
use cap_std::fs::Dir;
use serde::{Deserialize, Serialize};

/// One entry of a manifest, by its `/`-separated path below the directory.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    /// `file`, `dir` or `symlink`.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub size: u64,
    /// Milliseconds since the epoch.
    #[serde(default)]
    pub mtime: f64,
    /// A symlink's target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// A host directory, opened once.
pub struct Mirror {
    dir: Dir,
}

/// The changes a run made to a directory, besides the files it wrote
/// (which arrive one by one): what to remove first, the directories to
/// make, and, last, the links and times.
#[derive(Debug, Default, Deserialize)]
pub struct Changes {
    #[serde(default)]
    pub remove: Vec<String>,
    #[serde(default)]
    pub mkdir: Vec<String>,
    #[serde(default)]
    pub symlinks: Vec<Entry>,
    /// `(path, mtime in ms)` of files and directories the run changed.
    #[serde(default)]
    pub times: Vec<(String, f64)>,
}

/// A page's path, checked to be a plain relative one (no `..`, nothing
/// absolute, no empty part); cap-std checks the rest on the host.
fn relative(path: &str) -> io::Result<&Path> {
    let bad = path.is_empty()
        || path.starts_with('/')
        || path.split('/').any(|c| c.is_empty() || c == ".." || c == ".");
    if bad {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, format!("refused path {path:?}")));
    }
    Ok(Path::new(path))
}

fn millis(t: std::time::SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

impl Mirror {
    /// Opens a host directory.
    pub fn open(host: &Path) -> io::Result<Mirror> {
        Ok(Mirror { dir: Dir::open_ambient_dir(host, cap_std::ambient_authority())? })
    }

    /// Every entry below the directory, depth first (walked with a stack,
    /// not recursion). Names that are not UTF-8 cannot reach the guest:
    /// they are left out, and counted in the second value.
    pub fn manifest(&self) -> io::Result<(Vec<Entry>, usize)> {
        let mut out = Vec::new();
        let mut skipped = 0;
        let mut stack: Vec<String> = vec![String::new()];
        while let Some(prefix) = stack.pop() {
            let dir = if prefix.is_empty() {
                self.dir.try_clone()?
            } else {
                self.dir.open_dir_nofollow(&prefix)?
            };
            let mut names = Vec::new();
            for entry in dir.entries()? {
                let entry = entry?;
                match entry.file_name().into_string() {
                    Ok(name) => names.push(name),
                    Err(_) => skipped += 1,
                }
            }
            names.sort();
            for name in names {
                let path = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
                let meta = dir.symlink_metadata(&name)?;
                let mtime = meta.modified().map(|t| millis(t.into_std())).unwrap_or(0.0);
                let ft = meta.file_type();
                let (kind, target) = if ft.is_symlink() {
                    let t = dir.read_link_contents(&name)?;
                    ("symlink", Some(t.to_string_lossy().into_owned()))
                } else if ft.is_dir() {
                    stack.push(path.clone());
                    ("dir", None)
                } else {
                    ("file", None)
                };
                let size = if kind == "file" { meta.len() } else { 0 };
                out.push(Entry { path, kind: kind.into(), size, mtime, target });
            }
        }
        Ok((out, skipped))
    }

    /// A file's bytes.
    pub fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        self.dir.read(relative(path)?)
    }

    /// Removes what the run removed (deepest first) and makes the
    /// directories it made.
    pub fn prepare(&self, changes: &Changes) -> io::Result<()> {
        let mut remove = changes.remove.clone();
        remove.sort_by_key(|p| std::cmp::Reverse(p.matches('/').count()));
        for path in &remove {
            let rel = relative(path)?;
            match self.dir.symlink_metadata(rel) {
                Ok(m) if m.is_dir() => self.dir.remove_dir_all(rel)?,
                Ok(_) => self.dir.remove_file_or_symlink(rel)?,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
        for path in &changes.mkdir {
            self.dir.create_dir_all(relative(path)?)?;
        }
        Ok(())
    }

    /// Writes a file the run created or changed (replacing a link there).
    pub fn write(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let rel = relative(path)?;
        if let Ok(m) = self.dir.symlink_metadata(rel) {
            if m.file_type().is_symlink() {
                self.dir.remove_file_or_symlink(rel)?;
            }
        }
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            self.dir.create_dir_all(parent)?;
        }
        self.dir.write(rel, bytes)
    }

    /// Makes the links and sets the times the run left.
    pub fn finish(&self, changes: &Changes) -> io::Result<()> {
        for link in &changes.symlinks {
            let rel = relative(&link.path)?;
            if self.dir.symlink_metadata(rel).is_ok() {
                self.dir.remove_file_or_symlink(rel)?;
            }
            self.dir.symlink(link.target.as_deref().unwrap_or_default(), rel)?;
        }
        for (path, mtime) in &changes.times {
            let when = UNIX_EPOCH + Duration::from_secs_f64(mtime.max(0.0) / 1000.0);
            let spec = SystemTimeSpec::Absolute(cap_std::time::SystemTime::from_std(when));
            self.dir.set_symlink_times(relative(path)?, None, Some(spec))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_that_could_leave_the_directory_are_refused() {
        for bad in ["", "/etc/passwd", "../x", "a/../../x", "a//b", "./a"] {
            assert!(relative(bad).is_err(), "{bad}");
        }
        assert!(relative("a/b.txt").is_ok());
    }

    #[test]
    fn a_manifest_lists_and_changes_apply_inside_the_directory_only() {
        let root = std::env::temp_dir().join(format!("bwr-mirror-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("d/e")).unwrap();
        std::fs::write(root.join("d/f.txt"), "abc").unwrap();
        std::os::unix::fs::symlink("f.txt", root.join("d/l")).unwrap();
        // A link pointing out of the directory: writing through it is refused.
        std::os::unix::fs::symlink("/tmp", root.join("out")).unwrap();
        let m = Mirror::open(&root).unwrap();
        let (entries, _) = m.manifest().unwrap();
        let paths: Vec<_> = entries.iter().map(|e| (e.path.as_str(), e.kind.as_str())).collect();
        assert_eq!(
            paths,
            [("d", "dir"), ("out", "symlink"), ("d/e", "dir"), ("d/f.txt", "file"), ("d/l", "symlink")]
        );
        assert!(m.write("out/escaped.txt", b"x").is_err());
        assert!(!Path::new("/tmp/escaped.txt").exists());
        m.prepare(&Changes { remove: vec!["d/e".into()], mkdir: vec!["n/m".into()], ..Changes::default() })
            .unwrap();
        m.write("n/m/new.txt", b"new").unwrap();
        let link = Entry {
            path: "n/link".into(),
            kind: "symlink".into(),
            size: 0,
            mtime: 0.0,
            target: Some("m".into()),
        };
        m.finish(&Changes {
            symlinks: vec![link],
            times: vec![("n/m/new.txt".into(), 1_000_000.0)],
            ..Changes::default()
        })
        .unwrap();
        assert!(!root.join("d/e").exists());
        assert_eq!(std::fs::read(root.join("n/m/new.txt")).unwrap(), b"new");
        assert_eq!(std::fs::read_link(root.join("n/link")).unwrap(), Path::new("m"));
        let mtime = std::fs::metadata(root.join("n/m/new.txt")).unwrap().modified().unwrap();
        assert_eq!(millis(mtime), 1_000_000.0);
        std::fs::remove_dir_all(&root).unwrap();
    }
}
