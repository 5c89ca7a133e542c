//! The test harness shared by the native and the browser tests: case files
//! (`tests/cases/*.json`), the results wasmtime recorded for them
//! (`target/expected/*.json`, written by `differential/wasmtime_run.py`),
//! and the comparison of a run against them.

use std::collections::BTreeMap;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use browser_wasi::{PreopenDir, Tree, WasiConfig};
use serde::Deserialize;
use serde_json::{json, Value};

#[cfg(not(target_arch = "wasm32"))]
#[cfg(not(target_arch = "wasm32"))]
pub mod component;
pub mod fake_store;
pub mod fuzz;
#[cfg(not(target_arch = "wasm32"))]
pub mod fuzz_store;
pub mod hostile;
#[cfg(not(target_arch = "wasm32"))]
pub mod native;
#[cfg(target_arch = "wasm32")]
pub mod opfs;

/// A native case whose guest or recorded result is missing: reported as
/// ignored, with the command that makes it (`$OUT_DIR/cases.rs` and
/// `component_cases.rs` name it).
#[cfg(not(target_arch = "wasm32"))]
#[macro_export]
macro_rules! case_not_ready {
    ($name:ident, $reason:tt) => {
        #[test]
        #[ignore = $reason]
        fn $name() {}
    };
}

/// The same, in the browser tests.
#[cfg(target_arch = "wasm32")]
#[macro_export]
macro_rules! case_not_ready {
    ($name:ident, $reason:tt) => {
        #[wasm_bindgen_test::wasm_bindgen_test]
        #[ignore = $reason]
        async fn $name() {}
    };
}

/// A component importing an interface no WASI host here provides
/// (`wasi:http`): what a refusal naming the missing import is tested with.
pub const HTTP_IMPORTING_COMPONENT: &str = r#"(component
    (import "wasi:http/outgoing-handler@0.2.0" (instance $h
      (export "handle" (func (param "n" u32) (result u32)))))
    (alias export $h "handle" (func $handle))
    (core func (canon lower (func $handle))))"#;

/// A run to make: the guest and its configuration.
#[derive(Debug, Deserialize)]
pub struct Case {
    #[serde(default)]
    pub guest: String,
    pub args: Option<Vec<String>>,
    #[serde(default)]
    pub env: Vec<(String, String)>,
    #[serde(default)]
    pub stdin: String,
    /// `[guest path, tree]` in descriptor order.
    #[serde(default)]
    pub preopens: Vec<(String, Value)>,
    #[serde(default)]
    pub readonly: Vec<String>,
    /// Stdin stays open and never yields a byte (a pipe nobody writes to;
    /// in the browser, interactive stdin that never answers), instead of
    /// `stdin`'s bytes and then its end.
    #[serde(default)]
    pub stdin_open: bool,
    /// In the browser, `stdin` is fed interactively, a few bytes at a time
    /// with a pause between (wasmtime reads it from a file).
    #[serde(default)]
    pub stdin_in_chunks: bool,
    /// Stdout's lines may come in any order (threads print concurrently):
    /// they are compared sorted, each whole.
    #[serde(default)]
    pub stdout_lines_any_order: bool,
    /// A wasi-threads program must start at least this many threads (the
    /// browser says how many it did; wasmtime does not).
    pub threads_started_at_least: Option<u32>,
    /// Limits for browser-wasi (wasmtime has none of these).
    #[serde(default)]
    pub limits: CaseLimits,
    /// Why the case cannot run with its preopens kept in a store (a
    /// directory handle): it makes symlinks or hard links, which a store
    /// has not. Unset, every differential test runs it in a store too.
    pub store_differs: Option<String>,
}

/// A case's limits: the ones unset keep their defaults.
#[derive(Debug, Default, Deserialize)]
pub struct CaseLimits {
    pub threads: Option<u32>,
}

impl Case {
    /// Parses a case file.
    pub fn parse(json: &str) -> Case {
        serde_json::from_str(json).expect("case file")
    }

    /// The configuration: the same wasmtime was given (argv defaults to
    /// the case's name).
    pub fn config(&self, name: &str) -> WasiConfig {
        WasiConfig {
            args: self.args.clone().unwrap_or_else(|| vec![name.to_string()]),
            env: self.env.clone(),
            stdin: self.stdin.clone().into_bytes(),
            preopens: self
                .preopens
                .iter()
                .map(|(path, tree)| PreopenDir {
                    guest_path: path.clone(),
                    tree: tree_from_case(tree),
                    readonly: self.readonly.contains(path),
                    in_store: false,
                })
                .collect(),
            limits: browser_wasi::Limits {
                threads: self.limits.threads.unwrap_or(browser_wasi::Limits::default().threads),
                ..Default::default()
            },
            store_abilities: Default::default(),
        }
    }
}

/// A tree in a case file: a string is a text file, `{"b64": ...}` a binary
/// file, `{"symlink": target}` a link, any other object a directory.
pub fn tree_from_case(v: &Value) -> Tree {
    match v {
        Value::String(s) => Tree::file(s.clone()),
        Value::Object(o) if o.contains_key("b64") => {
            Tree::file(B64.decode(o["b64"].as_str().unwrap()).unwrap())
        }
        Value::Object(o) if o.contains_key("symlink") => Tree::Symlink(o["symlink"].as_str().unwrap().into()),
        Value::Object(o) => Tree::Dir(o.iter().map(|(k, v)| (k.clone(), tree_from_case(v))).collect()),
        other => panic!("not a tree: {other}"),
    }
}

/// A tree in the normalised form the recorder writes.
pub fn tree_to_json(t: &Tree) -> Value {
    match t {
        Tree::File(d) => json!({ "file": B64.encode(d.to_vec().expect("a small file")) }),
        Tree::Symlink(s) => json!({ "symlink": s }),
        Tree::Dir(e) => {
            json!({ "dir": e.iter().map(|(k, v)| (k.clone(), tree_to_json(v))).collect::<BTreeMap<_, _>>() })
        }
    }
}

/// How a run through browser-wasi ended.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The exit code, or `None` after a trap.
    pub exit: Option<u32>,
    /// The trap message, if it trapped.
    pub trap: Option<String>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// The preopens afterwards.
    pub fs: Vec<(String, Tree)>,
}

/// An output sink that records when the first output arrived
/// (`performance.now()`), for tests of what runs while a guest waits.
#[cfg(target_arch = "wasm32")]
pub struct FirstWrite(pub std::rc::Rc<std::cell::Cell<f64>>);

#[cfg(target_arch = "wasm32")]
impl browser_wasi::stdio::OutputSink for FirstWrite {
    fn write(&mut self, _bytes: &[u8]) {
        if self.0.get() == 0.0 {
            let performance =
                js_sys::Reflect::get(&js_sys::global(), &"performance".into()).unwrap_or_default();
            let now = js_sys::Reflect::get(&performance, &"now".into()).ok();
            let now = now.and_then(|f| wasm_bindgen::JsCast::dyn_into::<js_sys::Function>(f).ok());
            let t = now.and_then(|f| f.call0(&performance).ok()).and_then(|t| t.as_f64());
            self.0.set(t.unwrap_or(f64::MIN_POSITIVE));
        }
    }
}

#[cfg(target_arch = "wasm32")]
impl Outcome {
    /// What a browser run did, with `fs` as the preopens afterwards.
    pub fn of_browser_run(out: &browser_wasi::browser::RunOutput, fs: Vec<(String, Tree)>) -> Outcome {
        use browser_wasi::browser::Termination;
        Outcome {
            exit: out.exit_code(),
            trap: match &out.termination {
                Termination::Trap(m) => Some(m.clone()),
                Termination::Exit(_) | Termination::Stopped => None,
            },
            stdout: out.stdout.to_vec(),
            stderr: out.stderr.to_vec(),
            fs,
        }
    }
}

#[derive(Deserialize)]
struct Expected {
    exit: Option<u32>,
    trap: bool,
    stdout: String,
    stderr: String,
    fs: Vec<(String, Value)>,
    deviation: Option<String>,
}

/// The lines that differ, each as wasmtime's and ours (fixtures print one
/// labelled result per line, so this reads as a list of mismatches).
fn line_diff(want: &[u8], have: &[u8]) -> String {
    let (want, have) = (String::from_utf8_lossy(want), String::from_utf8_lossy(have));
    let (w, h): (Vec<&str>, Vec<&str>) = (want.split('\n').collect(), have.split('\n').collect());
    let mut out = String::new();
    for i in 0..w.len().max(h.len()) {
        let (a, b) = (w.get(i).copied(), h.get(i).copied());
        if a != b {
            out += &format!(
                "\n  line {}:\n    wasmtime     {:?}\n    browser-wasi {:?}",
                i + 1,
                a.unwrap_or("<none>"),
                b.unwrap_or("<none>")
            );
        }
    }
    out
}

/// Bytes with their lines sorted (each line kept whole, its newline too).
fn sorted_lines(bytes: &[u8]) -> Vec<u8> {
    let mut lines: Vec<&[u8]> = bytes.split_inclusive(|&b| b == b'\n').collect();
    lines.sort();
    lines.concat()
}

/// Compares a run with wasmtime's recorded result; `Err` describes every
/// difference.
pub fn compare(expected_json: &str, got: &Outcome) -> Result<(), String> {
    compare_case(expected_json, got, &Case::parse("{}"))
}

/// [`compare`], as the case says: stdout's lines in any order if
/// `stdout_lines_any_order`.
pub fn compare_case(expected_json: &str, got: &Outcome, case: &Case) -> Result<(), String> {
    let exp: Expected = serde_json::from_str(expected_json).map_err(|e| format!("expected file: {e}"))?;
    let mut got = got.clone();
    let mut exp = exp;
    if case.stdout_lines_any_order {
        got.stdout = sorted_lines(&got.stdout);
        exp.stdout = B64.encode(sorted_lines(&B64.decode(&exp.stdout).map_err(|e| e.to_string())?));
    }
    let got = &got;
    let mut diffs = Vec::new();
    if exp.trap != got.trap.is_some() || (!exp.trap && exp.exit != got.exit) {
        diffs.push(format!(
            "termination: wasmtime {} / browser-wasi {}",
            if exp.trap { "trap".into() } else { format!("exit {:?}", exp.exit) },
            match &got.trap {
                Some(m) => format!("trap ({m})"),
                None => format!("exit {:?}", got.exit),
            }
        ));
    }
    for (stream, want, have) in [("stdout", &exp.stdout, &got.stdout), ("stderr", &exp.stderr, &got.stderr)] {
        let want = B64.decode(want).map_err(|e| e.to_string())?;
        if &want != have {
            diffs.push(format!("{stream} differs:{}", line_diff(&want, have)));
        }
    }
    let want_fs: Vec<(String, Value)> = exp.fs.into_iter().map(|(p, t)| (p, json!({ "dir": t }))).collect();
    let have_fs: Vec<(String, Value)> = got.fs.iter().map(|(p, t)| (p.clone(), tree_to_json(t))).collect();
    if want_fs != have_fs {
        diffs.push(format!(
            "filesystem:\n  wasmtime     {}\n  browser-wasi {}",
            serde_json::to_string(&want_fs).unwrap(),
            serde_json::to_string(&have_fs).unwrap()
        ));
    }
    if diffs.is_empty() {
        Ok(())
    } else {
        let note =
            exp.deviation.map(|d| format!("\n(deliberate deviation from wasmtime: {d})")).unwrap_or_default();
        Err(diffs.join("\n") + &note)
    }
}

/// A small, seeded generator (xorshift64): property tests that always
/// run the same inputs.
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// `n` random bytes.
    pub fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next_u64() as u8).collect()
    }
}
