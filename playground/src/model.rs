//! What the user sets up for a run, as plain data: it is what the URL
//! shares and what the runner is handed.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// Which row of the setup (an environment variable, a preopened directory,
/// a file in one) a thing is about: given once, when the row is created,
/// and never reused, so it keeps naming the same row when rows before it
/// are removed. Not put in shared links: rows read from one get new ids.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RowId(u64);

impl RowId {
    /// An id no row has had yet.
    pub fn fresh() -> RowId {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        RowId(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

/// An environment variable. Shared links write it as `[name, value]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "(String, String)", into = "(String, String)")]
pub struct EnvVar {
    pub id: RowId,
    pub name: String,
    pub value: String,
}

impl EnvVar {
    pub fn new(name: &str, value: &str) -> EnvVar {
        EnvVar { id: RowId::fresh(), name: name.into(), value: value.into() }
    }
}

impl From<(String, String)> for EnvVar {
    fn from((name, value): (String, String)) -> EnvVar {
        EnvVar { id: RowId::fresh(), name, value }
    }
}

impl From<EnvVar> for (String, String) {
    fn from(var: EnvVar) -> (String, String) {
        (var.name, var.value)
    }
}

/// A file in a preopened directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
    #[serde(skip, default = "RowId::fresh")]
    pub id: RowId,
    /// Path relative to the directory (`notes.txt`, `src/main.rs`).
    pub path: String,
    /// The contents, as text (editable inline) ...
    #[serde(default)]
    pub text: Option<String>,
    /// ... or as bytes (an uploaded binary; not put in shared links).
    #[serde(skip)]
    pub bytes: Option<Vec<u8>>,
}

impl FileEntry {
    /// A text file.
    pub fn text(path: &str, text: &str) -> FileEntry {
        FileEntry { id: RowId::fresh(), path: path.into(), text: Some(text.into()), bytes: None }
    }

    /// The file's bytes.
    pub fn contents(&self) -> Vec<u8> {
        match (&self.text, &self.bytes) {
            (Some(t), _) => t.clone().into_bytes(),
            (None, Some(b)) => b.clone(),
            (None, None) => Vec::new(),
        }
    }

    /// The file's size in bytes.
    pub fn size(&self) -> usize {
        match (&self.text, &self.bytes) {
            (Some(t), _) => t.len(),
            (None, Some(b)) => b.len(),
            (None, None) => 0,
        }
    }

    /// An uploaded file: kept as text when it is UTF-8 and small enough to
    /// edit, else as bytes.
    pub fn uploaded(path: String, bytes: Vec<u8>) -> FileEntry {
        let id = RowId::fresh();
        match String::from_utf8(bytes) {
            Ok(text) if text.len() <= 256 << 10 => FileEntry { id, path, text: Some(text), bytes: None },
            Ok(text) => FileEntry { id, path, text: None, bytes: Some(text.into_bytes()) },
            Err(e) => FileEntry { id, path, text: None, bytes: Some(e.into_bytes()) },
        }
    }
}

/// A directory the program gets, at a guest path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preopen {
    #[serde(skip, default = "RowId::fresh")]
    pub id: RowId,
    pub guest_path: String,
    #[serde(default)]
    pub readonly: bool,
    #[serde(default)]
    pub files: Vec<FileEntry>,
}

impl Preopen {
    /// A writable directory with these files.
    pub fn new(guest_path: &str, files: Vec<FileEntry>) -> Preopen {
        Preopen { id: RowId::fresh(), guest_path: guest_path.into(), readonly: false, files }
    }

    pub fn file(&self, id: RowId) -> Option<&FileEntry> {
        self.files.iter().find(|f| f.id == id)
    }

    pub fn file_mut(&mut self, id: RowId) -> Option<&mut FileEntry> {
        self.files.iter_mut().find(|f| f.id == id)
    }
}

/// Everything a run is configured with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunConfig {
    /// The gallery example to load, if one was chosen.
    #[serde(default)]
    pub example: Option<String>,
    /// The command line after the program name, shell-quoted.
    #[serde(default)]
    pub args: String,
    #[serde(default)]
    pub env: Vec<EnvVar>,
    #[serde(default)]
    pub stdin: String,
    /// Stdin is typed while the program runs instead of given up front.
    #[serde(default)]
    pub interactive: bool,
    #[serde(default)]
    pub preopens: Vec<Preopen>,
    /// The persistent workspace (an OPFS directory, kept across reloads)
    /// is preopened at [`WORKSPACE_PATH`].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub workspace: bool,
}

/// Where the program finds the persistent workspace.
pub const WORKSPACE_PATH: &str = "/work";

/// Where the program finds a local folder the user opened.
pub const FOLDER_PATH: &str = "/local";

impl RunConfig {
    pub fn env_var(&self, id: RowId) -> Option<&EnvVar> {
        self.env.iter().find(|v| v.id == id)
    }

    pub fn env_var_mut(&mut self, id: RowId) -> Option<&mut EnvVar> {
        self.env.iter_mut().find(|v| v.id == id)
    }

    pub fn preopen(&self, id: RowId) -> Option<&Preopen> {
        self.preopens.iter().find(|p| p.id == id)
    }

    pub fn preopen_mut(&mut self, id: RowId) -> Option<&mut Preopen> {
        self.preopens.iter_mut().find(|p| p.id == id)
    }

    /// The configuration as a URL fragment value (base64url JSON). Binary
    /// files are left out: links carry text only.
    pub fn to_share(&self) -> String {
        B64.encode(serde_json::to_vec(self).unwrap_or_default())
    }

    /// Reads a configuration from [`RunConfig::to_share`]'s output.
    pub fn from_share(s: &str) -> Option<RunConfig> {
        serde_json::from_slice(&B64.decode(s.trim()).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_round_trips_text_and_drops_binaries() {
        let mut c = RunConfig {
            example: Some("grep".into()),
            args: "hello '/data/a b.txt'".into(),
            env: vec![EnvVar::new("LANG", "C")],
            stdin: "ünï".into(),
            interactive: true,
            preopens: vec![Preopen {
                readonly: true,
                ..Preopen::new("/data", vec![FileEntry::text("a b.txt", "hi")])
            }],
            workspace: true,
        };
        c.preopens[0].files.push(FileEntry::uploaded("bin".into(), vec![0xff, 0]));
        let back = RunConfig::from_share(&c.to_share()).unwrap();
        assert_eq!(back.args, c.args);
        assert!(back.interactive);
        assert!(back.workspace, "the workspace setting travels with a link");
        assert_eq!((&back.env[0].name, &back.env[0].value), (&c.env[0].name, &c.env[0].value));
        assert_eq!(back.preopens[0].files[0].path, c.preopens[0].files[0].path);
        assert_eq!(back.preopens[0].files[0].text, c.preopens[0].files[0].text);
        assert_eq!(back.preopens[0].files[1].bytes, None);
        assert!(RunConfig::from_share("not base64!").is_none());
    }

    #[test]
    fn links_keep_their_format_and_rows_get_new_ids() {
        // A link made before rows had ids.
        let old = r#"{"example":null,"args":"","env":[["A","1"],["B","2"]],"stdin":"","interactive":false,"preopens":[{"guest_path":"/data","readonly":false,"files":[{"path":"a","text":"x"},{"path":"b","text":"y"}]}]}"#;
        let c = RunConfig::from_share(&B64.encode(old)).unwrap();
        assert_eq!(serde_json::to_string(&c).unwrap(), old, "ids are not written");
        assert_eq!((c.env[1].name.as_str(), c.env[1].value.as_str()), ("B", "2"));
        let mut ids = vec![c.env[0].id, c.env[1].id, c.preopens[0].id];
        ids.extend(c.preopens[0].files.iter().map(|f| f.id));
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 5, "every row has its own id");
        let again = RunConfig::from_share(&c.to_share()).unwrap();
        assert_ne!(again.env[0].id, c.env[0].id);
    }

    #[test]
    fn uploads_become_text_when_they_are_text() {
        assert!(FileEntry::uploaded("a".into(), b"hi".to_vec()).text.is_some());
        assert!(FileEntry::uploaded("b".into(), vec![0xff, 0]).bytes.is_some());
    }
}
