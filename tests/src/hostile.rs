//! The hostile suite (`tests/hostile/`): one tiny guest per attack, each
//! with a `.json` beside it saying what it attacks, how to run it and what
//! must come of it. The native and the browser tests run each the same way
//! and check it with [`Hostile::check`].

use std::collections::BTreeMap;

use browser_wasi::config::Limits;
use browser_wasi::filesystem::Entry;
use browser_wasi::WasiConfig;
use serde::Deserialize;

use crate::Case;

/// A hostile case: how to run it, and what must come of it.
#[derive(Debug, Deserialize)]
pub struct Hostile {
    /// What it attacks.
    pub about: String,
    #[serde(flatten)]
    pub run: Case,
    /// Limits to run with (unset fields keep their defaults).
    #[serde(default)]
    pub limits: BTreeMap<String, u64>,
    /// Whether it runs under wasmi too (false: exception handling, shared
    /// memory, which wasmi lacks).
    #[serde(default = "yes")]
    pub native: bool,
    pub expect: Expect,
}

fn yes() -> bool {
    true
}

/// What must come of a hostile run.
#[derive(Debug, Deserialize, Default)]
pub struct Expect {
    pub exit: Option<u32>,
    #[serde(default)]
    pub trap: bool,
    /// A `ModuleError` variant's name: the run is refused.
    pub error: Option<String>,
    pub stdout: Option<String>,
    pub stdout_prefix: Option<String>,
    pub stderr: Option<String>,
    pub stdout_dropped: Option<u64>,
    /// Sizes of files after the run, by guest path.
    #[serde(default)]
    pub sizes: BTreeMap<String, u64>,
    /// How many entries the preopens hold after the run.
    pub entries: Option<usize>,
    /// How deep the deepest entry lies below its preopen.
    pub deepest: Option<usize>,
    /// After it, another run on the same page must work.
    #[serde(default)]
    pub then_runs: bool,
}

/// What a hostile run did, as either harness saw it.
#[derive(Debug, Default)]
pub struct Seen {
    pub exit: Option<u32>,
    pub trap: Option<String>,
    /// The run was refused with this error.
    pub error: Option<String>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub stdout_dropped: u64,
    pub entries: Vec<Entry>,
}

impl Hostile {
    /// Parses a hostile case's `.json`.
    pub fn parse(json: &str) -> Hostile {
        serde_json::from_str(json).expect("hostile case")
    }

    /// The configuration, with the case's limits.
    pub fn config(&self, name: &str) -> WasiConfig {
        let mut config = self.run.config(name);
        let mut limits = Limits::default();
        for (key, value) in &self.limits {
            match key.as_str() {
                "file_bytes" => limits.file_bytes = *value,
                "inodes" => limits.inodes = *value,
                "stdout_bytes" => limits.stdout_bytes = *value,
                "stderr_bytes" => limits.stderr_bytes = *value,
                "descriptors" => limits.descriptors = *value as u32,
                other => panic!("unknown limit {other}"),
            }
        }
        config.limits = limits;
        config
    }

    /// Every way the run differs from what was expected.
    pub fn check(&self, seen: &Seen) -> Result<(), String> {
        let e = &self.expect;
        let mut bad = Vec::new();
        if let Some(err) = &e.error {
            if !seen.error.as_deref().is_some_and(|s| s.contains(err.as_str())) {
                bad.push(format!("expected the run refused with {err}, got {:?}", seen.error));
            }
            return if bad.is_empty() { Ok(()) } else { Err(bad.join("\n")) };
        }
        if let Some(err) = &seen.error {
            bad.push(format!("the run was refused: {err}"));
        }
        if e.trap != seen.trap.is_some() || (!e.trap && e.exit != seen.exit) {
            bad.push(format!(
                "ended with exit {:?} / trap {:?}; expected exit {:?}, trap {}",
                seen.exit, seen.trap, e.exit, e.trap
            ));
        }
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        if let Some(want) = &e.stdout {
            if *want != text(&seen.stdout) {
                bad.push(format!("stdout {:?}, expected {want:?}", clip(&text(&seen.stdout))));
            }
        }
        if let Some(want) = &e.stdout_prefix {
            if !text(&seen.stdout).starts_with(want.as_str()) {
                bad.push(format!("stdout {:?} does not start with {want:?}", clip(&text(&seen.stdout))));
            }
        }
        if let Some(want) = &e.stderr {
            if *want != text(&seen.stderr) {
                bad.push(format!("stderr {:?}, expected {want:?}", clip(&text(&seen.stderr))));
            }
        }
        if let Some(want) = e.stdout_dropped {
            if want != seen.stdout_dropped {
                bad.push(format!("{} stdout bytes dropped, expected {want}", seen.stdout_dropped));
            }
        }
        for (path, size) in &e.sizes {
            match seen.entries.iter().find(|x| &x.path == path) {
                Some(x) if x.size == *size => {}
                other => bad.push(format!("{path}: {:?}, expected size {size}", other.map(|x| x.size))),
            }
        }
        if let Some(n) = e.entries {
            if seen.entries.len() != n {
                bad.push(format!("{} entries, expected {n}", seen.entries.len()));
            }
        }
        if let Some(d) = e.deepest {
            let deepest = seen.entries.iter().map(|x| x.path.matches('/').count() - 1).max().unwrap_or(0);
            if deepest != d {
                bad.push(format!("deepest entry {deepest} levels down, expected {d}"));
            }
        }
        if bad.is_empty() {
            Ok(())
        } else {
            Err(format!("{}\n({})", bad.join("\n"), self.about))
        }
    }
}

fn clip(s: &str) -> String {
    if s.len() > 200 {
        format!("{}… ({} bytes)", &s[..s.floor_char_boundary(200)], s.len())
    } else {
        s.to_string()
    }
}
