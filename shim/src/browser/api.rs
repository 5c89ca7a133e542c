//! The browser edge's API types: how a run ended ([`Termination`]), what it
//! leaves ([`RunOutput`]), why it could not run ([`RunError`]) and its
//! optional hooks ([`RunOptions`]).

use std::fmt;

use std::future::Future;
use std::pin::Pin;
use wasm_bindgen::JsValue;

use super::capture::Captured;
use crate::config::ConfigError;
use crate::filesystem::Filesystem;
use crate::module::ModuleError;
use crate::stdio::OutputSink;

/// How a guest run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Termination {
    /// `_start` returned (0) or the guest called `proc_exit`.
    Exit(u32),
    /// The guest trapped (or threw); the browser's message.
    Trap(String),
    /// The run's `signal` was aborted: a threads program is ended at once,
    /// any other at its next WASI call (or in the one that waits).
    Stopped,
}

/// What a finished run leaves behind.
#[derive(Clone, Debug)]
pub struct RunOutput {
    pub termination: Termination,
    /// Everything written to fd 1 (`stdout.to_vec()` for one buffer).
    pub stdout: Captured,
    /// Everything written to fd 2.
    pub stderr: Captured,
    /// The preopens after the run (`fs.trees()`, `fs.preopen("/data")`).
    pub fs: Filesystem,
    /// How many threads a wasi-threads program started (`thread-spawn`
    /// calls answered with a thread); 0 for any other program.
    pub threads: u32,
    /// Why a directory handle did not take what the guest left unsynced
    /// at the end of the run (written back then), if it refused: the
    /// errno (`ENOSPC (51)` for a full quota) or the browser's error. The
    /// guest's own syncs and closes got such errnos themselves.
    pub store_error: Option<String>,
}

impl RunOutput {
    /// The exit code, or `None` after a trap or a stop.
    pub fn exit_code(&self) -> Option<u32> {
        match self.termination {
            Termination::Exit(c) => Some(c),
            Termination::Trap(_) | Termination::Stopped => None,
        }
    }
}

/// Why a guest could not be run at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The bytes are not a runnable wasip1 module (see [`ModuleError`]).
    Module(ModuleError),
    /// The configuration is invalid (a NUL in an argument, say).
    Config(ConfigError),
    /// The browser refused to compile the module.
    Compile(String),
    /// The browser refused to instantiate the module (a trap in its start
    /// function is reported as [`Termination::Trap`] instead).
    Instantiate(String),
    /// A wasip2 component that cannot run here (the `preview2` feature):
    /// why — what it imports that the host lacks, what it uses that is not
    /// supported.
    Component(String),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Module(e) => e.fmt(f),
            RunError::Config(e) => write!(f, "invalid configuration: {e}"),
            RunError::Compile(m) => write!(f, "the browser could not compile the module: {m}"),
            RunError::Instantiate(m) => {
                write!(f, "the browser could not instantiate the module: {m}")
            }
            RunError::Component(m) => write!(f, "this component cannot run: {m}"),
        }
    }
}

impl std::error::Error for RunError {}

impl From<ModuleError> for RunError {
    fn from(e: ModuleError) -> Self {
        RunError::Module(e)
    }
}

impl From<ConfigError> for RunError {
    fn from(e: ConfigError) -> Self {
        RunError::Config(e)
    }
}

/// Interactive stdin: called whenever the guest reads and everything given
/// so far has been consumed; resolves to the next bytes, or `None` at the
/// end of the input. The guest waits meanwhile (this needs JSPI).
pub type StdinFeed = Box<dyn FnMut() -> Pin<Box<dyn Future<Output = Option<Vec<u8>>>>>>;

/// Optional hooks for a run.
#[derive(Default)]
pub struct RunOptions {
    /// Receives stdout as it is written.
    pub on_stdout: Option<Box<dyn OutputSink>>,
    /// Receives stderr as it is written.
    pub on_stderr: Option<Box<dyn OutputSink>>,
    /// Interactive stdin, instead of the configuration's fixed bytes.
    pub stdin: Option<StdinFeed>,
    /// Stops the run when aborted ([`Termination::Stopped`]), keeping its
    /// output and files: a threads program at once (its workers are
    /// terminated), any other at its next WASI call, or in a call that
    /// waits (a sleep, stdin). A guest spinning without calls cannot be
    /// stopped on its own thread: run it in a worker and terminate that.
    pub signal: Option<web_sys::AbortSignal>,
    /// The `FileSystemDirectoryHandle`s of the preopens made with
    /// [`crate::WasiConfig::preopen_store`], in their order: OPFS
    /// (`navigator.storage.getDirectory()`) or a folder the user picked
    /// (`showDirectoryPicker()`). The run reads and writes them (it needs
    /// JSPI, and is not a threads program).
    pub directory_handles: Vec<JsValue>,
}
