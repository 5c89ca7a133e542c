//! What the user sets up for a run, as plain data: it is what the URL
//! shares and what the runner is handed.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde::{Deserialize, Serialize};

/// A file in a preopened directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileEntry {
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
        FileEntry { path: path.into(), text: Some(text.into()), bytes: None }
    }

    /// The file's bytes.
    pub fn contents(&self) -> Vec<u8> {
        match (&self.text, &self.bytes) {
            (Some(t), _) => t.clone().into_bytes(),
            (None, Some(b)) => b.clone(),
            (None, None) => Vec::new(),
        }
    }

    /// An uploaded file: kept as text when it is UTF-8 and small enough to
    /// edit, else as bytes.
    pub fn uploaded(path: String, bytes: Vec<u8>) -> FileEntry {
        match String::from_utf8(bytes) {
            Ok(text) if text.len() <= 256 << 10 => FileEntry { path, text: Some(text), bytes: None },
            Ok(text) => FileEntry { path, text: None, bytes: Some(text.into_bytes()) },
            Err(e) => FileEntry { path, text: None, bytes: Some(e.into_bytes()) },
        }
    }
}

/// A directory the program gets, at a guest path.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preopen {
    pub guest_path: String,
    #[serde(default)]
    pub readonly: bool,
    #[serde(default)]
    pub files: Vec<FileEntry>,
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
    pub env: Vec<(String, String)>,
    #[serde(default)]
    pub stdin: String,
    /// Stdin is typed while the program runs instead of given up front.
    #[serde(default)]
    pub interactive: bool,
    #[serde(default)]
    pub preopens: Vec<Preopen>,
}

impl RunConfig {
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
            env: vec![("LANG".into(), "C".into())],
            stdin: "ünï".into(),
            interactive: true,
            preopens: vec![Preopen {
                guest_path: "/data".into(),
                readonly: true,
                files: vec![FileEntry::text("a b.txt", "hi")],
            }],
        };
        c.preopens[0].files.push(FileEntry { path: "bin".into(), text: None, bytes: Some(vec![0, 1]) });
        let back = RunConfig::from_share(&c.to_share()).unwrap();
        assert_eq!(back.args, c.args);
        assert!(back.interactive);
        assert_eq!(back.preopens[0].files[0], c.preopens[0].files[0]);
        assert_eq!(back.preopens[0].files[1].bytes, None);
        assert!(RunConfig::from_share("not base64!").is_none());
    }

    #[test]
    fn uploads_become_text_when_they_are_text() {
        assert!(FileEntry::uploaded("a".into(), b"hi".to_vec()).text.is_some());
        assert!(FileEntry::uploaded("b".into(), vec![0xff, 0]).bytes.is_some());
    }
}
