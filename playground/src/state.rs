//! The state of the page: the loaded program, the setup, and the current
//! or last run (its output, its status, the files it left); and starting,
//! feeding and stopping a run.

use std::collections::BTreeMap;

use browser_wasi::module::{self, ModuleInfo};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::ansi::AnsiParser;
use crate::browser::fetch_bytes;
use crate::model::{EnvVar, FileEntry, Preopen, RowId, RunConfig};
use crate::runner::{self, RunEvent, RunHandle, Stream};

/// The module the user loaded.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub name: String,
    pub bytes: Vec<u8>,
    pub info: Result<ModuleInfo, String>,
    /// For a wasip2 component: what it is, or why it cannot be read.
    pub component: Option<Result<ComponentInfo, String>>,
}

/// What a wasip2 component imports and exports, and what of it the shim
/// cannot give it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComponentInfo {
    /// `wasi:cli/command` when it exports `wasi:cli/run`.
    pub world: Option<String>,
    /// The instances it imports (`wasi:cli/stdout@0.2.6`, …).
    pub imports: Vec<String>,
    pub exports: Vec<String>,
    /// The imported functions the shim does not provide (`interface#func`).
    pub missing: Vec<String>,
}

impl ComponentInfo {
    /// Reads a component's bytes.
    pub fn read(bytes: &[u8]) -> Result<ComponentInfo, String> {
        let plan = browser_wasi_component::plan::plan(bytes).map_err(|e| e.to_string())?;
        Ok(ComponentInfo {
            world: plan.run().map(|_| "wasi:cli/command".to_string()),
            missing: browser_wasi::preview2::bind(&plan).err().unwrap_or_default(),
            imports: plan.imports,
            exports: plan.exports,
        })
    }

    /// Why it cannot run, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if !self.missing.is_empty() {
            return Some(format!(
                "This component imports what browser-wasi does not provide: {}",
                self.missing.join(", ")
            ));
        }
        self.world.is_none().then(|| {
            "This component exports no wasi:cli/run: only wasi:cli/command components (what cargo build --target wasm32-wasip2 makes of a binary) run here.".to_string()
        })
    }
}

impl Loaded {
    /// Reads a module's bytes and what the shim sees in it.
    pub fn new(name: String, bytes: Vec<u8>) -> Loaded {
        let info = module::inspect(&bytes);
        let component =
            matches!(info, Err(module::ModuleError::Component)).then(|| ComponentInfo::read(&bytes));
        Loaded { name, bytes, info: info.map_err(|e| e.to_string()), component }
    }

    /// Why it cannot run, if it cannot.
    pub fn problem(&self) -> Option<String> {
        match (&self.component, &self.info) {
            (Some(Ok(c)), _) => c.problem(),
            (Some(Err(e)), _) => Some(format!("This component cannot be read: {e}")),
            (None, Err(e)) => Some(e.clone()),
            (None, Ok(info)) => info.check_runnable().err().map(|e| e.to_string()),
        }
    }
}

/// How long a stopped program has to end on its own before its worker is
/// terminated (and its files with it).
pub const STOP_GRACE_MS: u64 = 500;

/// Where the current or last run is.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Running,
    /// `threads`: how many threads a wasi-threads program started.
    Finished {
        exit_code: Option<u32>,
        trap: Option<String>,
        ms: f64,
        threads: u32,
    },
    Stopped,
    Failed(String),
}

/// A styled piece of output.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    pub id: usize,
    pub stderr: bool,
    pub text: String,
    pub classes: String,
}

/// A row of the files panel.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRow {
    pub path: String,
    pub kind: String,
    pub size: f64,
    pub mtime: f64,
    /// Created or changed by the run.
    pub changed: bool,
}

/// A directory handle, kept in the page's state (which lives on this
/// thread only).
#[derive(Clone, Debug)]
pub struct SendHandle(pub wasm_bindgen::JsValue);

/// The whole state of the page.
#[derive(Clone, Copy)]
pub struct AppState {
    pub loaded: RwSignal<Option<Loaded>>,
    pub config: RwSignal<RunConfig>,
    pub output: RwSignal<Vec<Piece>>,
    pub status: RwSignal<Status>,
    pub files: RwSignal<Vec<FileRow>>,
    pub contents: StoredValue<BTreeMap<String, Vec<u8>>>,
    pub viewing: RwSignal<Option<(String, String)>>,
    pub message: RwSignal<Option<String>>,
    /// The running program waits for typed input.
    pub wants_input: RwSignal<bool>,
    handle: StoredValue<Option<RunHandle>, LocalStorage>,
    /// A local folder the user opened: its name, and its handle.
    pub folder: RwSignal<Option<(String, SendHandle)>, LocalStorage>,
    /// Counts runs, so that a Stop's grace timer ends only its own run.
    run_number: StoredValue<u64>,
    parsers: StoredValue<[AnsiParser; 2], LocalStorage>,
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            loaded: RwSignal::new(None),
            config: RwSignal::new(RunConfig::default()),
            output: RwSignal::new(Vec::new()),
            status: RwSignal::new(Status::Idle),
            files: RwSignal::new(Vec::new()),
            contents: StoredValue::new(BTreeMap::new()),
            viewing: RwSignal::new(None),
            message: RwSignal::new(None),
            wants_input: RwSignal::new(false),
            handle: StoredValue::new_local(None),
            folder: RwSignal::new_local(None),
            run_number: StoredValue::new(0),
            parsers: StoredValue::new_local(Default::default()),
        }
    }

    /// Loads a gallery example: its program and its default setup.
    pub fn load_example(self, name: String, mut config: RunConfig) {
        // The workspace is the user's, not the example's: it stays as set.
        config.workspace = self.config.with_untracked(|c| c.workspace);
        self.config.set(config);
        spawn_local(async move {
            match fetch_bytes(&format!("examples/{name}.wasm")).await {
                Ok(bytes) => self.loaded.set(Some(Loaded::new(format!("{name}.wasm"), bytes))),
                Err(e) => self.message.set(Some(format!("could not load the example {name}: {e}"))),
            }
        });
    }

    fn push_output(self, stream: Stream, chunk: &[u8]) {
        let stderr = stream == Stream::Stderr;
        let spans = self.parsers.try_update_value(|p| p[usize::from(stderr)].feed(chunk)).unwrap_or_default();
        // Keeps the page fast on a flood of output: the view holds the last
        // 20,000 pieces.
        self.output.update(|out| {
            let first = out.last().map_or(0, |p| p.id + 1);
            for (id, s) in (first..).zip(spans) {
                out.push(Piece { id, stderr, text: s.text, classes: s.style.classes() });
            }
            if out.len() > 20_000 {
                out.drain(..out.len() - 20_000);
            }
        });
    }

    /// Starts the loaded program with the current setup.
    pub fn run(self) {
        let Some(loaded) = self.loaded.get_untracked() else { return };
        if self.status.get_untracked() == Status::Running || loaded.problem().is_some() {
            return;
        }
        let config = self.config.get_untracked();
        let argv = match crate::args::split(&config.args) {
            Ok(a) => std::iter::once(loaded.name.trim_end_matches(".wasm").to_string()).chain(a).collect(),
            Err(e) => {
                self.status.set(Status::Failed(format!("arguments: {e}")));
                return;
            }
        };
        let before: BTreeMap<String, Vec<u8>> = config
            .preopens
            .iter()
            .flat_map(|p| {
                p.files.iter().map(move |f| {
                    (format!("{}/{}", p.guest_path.trim_end_matches('/'), f.path), f.contents())
                })
            })
            .collect();
        // A stopped run still in its grace period ends now.
        self.end_worker();
        self.output.set(Vec::new());
        self.files.set(Vec::new());
        self.viewing.set(None);
        self.parsers.set_value(Default::default());
        self.status.set(Status::Running);
        self.run_number.update_value(|n| *n += 1);
        let state = self;
        let threads = loaded.info.as_ref().is_ok_and(|i| i.threads().is_some());
        let mut config = config;
        let mut folder = self.folder.with_untracked(|f| f.as_ref().map(|(_, h)| h.0.clone()));
        if threads && (config.workspace || folder.is_some()) {
            // A threads program cannot use a directory handle yet.
            config.workspace = false;
            folder = None;
            self.message.set(Some(
                "This is a threads program: it runs without the workspace and the local folder, which it cannot use yet."
                    .into(),
            ));
        }
        let started =
            runner::start(&loaded.bytes, argv, &config, folder.as_ref(), threads, move |event| match event {
                RunEvent::Output(stream, chunk) => state.push_output(stream, &chunk),
                RunEvent::Done { exit_code, trap, stopped, ms, threads, files, contents, store_error } => {
                    if let Some(e) = store_error {
                        state.message.set(Some(format!(
                            "A directory handle did not take what the program left unsynced: {e}"
                        )));
                    }
                    let rows = files
                        .into_iter()
                        .map(|f| FileRow {
                            changed: f.kind == "file"
                                && f.changed.unwrap_or_else(|| before.get(&f.path) != contents.get(&f.path)),
                            path: f.path,
                            kind: f.kind,
                            size: f.size,
                            mtime: f.mtime,
                        })
                        .collect();
                    state.contents.set_value(contents);
                    state.files.set(rows);
                    state.status.set(if stopped {
                        Status::Stopped
                    } else {
                        Status::Finished { exit_code, trap, ms, threads }
                    });
                    state.end_worker();
                }
                RunEvent::Failed { name, message } => {
                    state.status.set(Status::Failed(format!("{name}: {message}")));
                    state.end_worker();
                }
                RunEvent::StdinWanted => state.wants_input.set(true),
            });
        match started {
            Ok(h) => self.handle.set_value(Some(h)),
            Err(e) => self.status.set(Status::Failed(format!("could not start a worker: {e:?}"))),
        }
    }

    /// Sends a typed line (or the end of input) to the running program, and
    /// shows it in the output.
    pub fn type_input(self, line: Option<String>) {
        self.wants_input.set(false);
        self.handle.with_value(|h| {
            if let Some(h) = h {
                match &line {
                    Some(text) => h.send_stdin(text),
                    None => h.send_eof(),
                }
            }
        });
        if let Some(text) = line {
            self.output.update(|out| {
                let id = out.last().map_or(0, |p| p.id + 1);
                out.push(Piece { id, stderr: false, text, classes: "typed".into() });
            });
        }
    }

    /// Terminates the worker of the current run, if any.
    fn end_worker(self) {
        self.wants_input.set(false);
        self.handle.update_value(|h| {
            if let Some(h) = h.take() {
                h.stop();
            }
        });
    }

    /// Stops the running program: it is asked to stop (it does at its
    /// next WASI call, a threaded one at once) and then shows its output
    /// and files; one still running after [`STOP_GRACE_MS`] (spinning
    /// without calls) has its worker terminated.
    pub fn stop(self) {
        if self.status.get_untracked() != Status::Running {
            return self.end_worker();
        }
        self.status.set(Status::Stopped);
        self.wants_input.set(false);
        self.handle.with_value(|h| h.as_ref().map(RunHandle::request_stop));
        let run = self.run_number.get_value();
        set_timeout(
            move || {
                if self.run_number.get_value() == run {
                    self.end_worker();
                }
            },
            std::time::Duration::from_millis(STOP_GRACE_MS),
        );
    }

    /// Puts the setup into the address bar, so the link reproduces it.
    pub fn share(self) -> Option<String> {
        let window = web_sys::window()?;
        let hash = format!("#c={}", self.config.get_untracked().to_share());
        window.location().set_hash(&hash).ok()?;
        window.location().href().ok()
    }
}

/// The setup, row by row: each row is found by its id, so that a row's
/// editor keeps editing that row when rows before it come and go. Reading
/// tracks the setup; a row that is gone reads as `None` and ignores changes.
impl AppState {
    pub fn with_env_var<T>(self, id: RowId, f: impl FnOnce(&EnvVar) -> T) -> Option<T> {
        self.config.with(|c| c.env_var(id).map(f))
    }

    pub fn update_env_var(self, id: RowId, f: impl FnOnce(&mut EnvVar)) {
        self.config.update(|c| {
            if let Some(v) = c.env_var_mut(id) {
                f(v)
            }
        })
    }

    pub fn with_preopen<T>(self, id: RowId, f: impl FnOnce(&Preopen) -> T) -> Option<T> {
        self.config.with(|c| c.preopen(id).map(f))
    }

    pub fn update_preopen(self, id: RowId, f: impl FnOnce(&mut Preopen)) {
        self.config.update(|c| {
            if let Some(p) = c.preopen_mut(id) {
                f(p)
            }
        })
    }

    /// Reads file `file` of the preopened directory `dir`.
    pub fn with_file<T>(self, dir: RowId, file: RowId, f: impl FnOnce(&FileEntry) -> T) -> Option<T> {
        self.config.with(|c| c.preopen(dir).and_then(|p| p.file(file)).map(f))
    }

    /// Changes file `file` of the preopened directory `dir`.
    pub fn update_file(self, dir: RowId, file: RowId, f: impl FnOnce(&mut FileEntry)) {
        self.update_preopen(dir, |p| {
            if let Some(entry) = p.file_mut(file) {
                f(entry)
            }
        })
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}
