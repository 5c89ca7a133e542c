//! [`WasiConfig`]: everything a run starts with, and [`ConfigError`]: why a
//! configuration cannot start one.

use core::fmt;

use crate::vfs::{StoreAbilities, Tree};

/// A directory given to the guest at a path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PreopenDir {
    /// The path the guest sees (`/data`, `.`, `/`).
    pub guest_path: String,
    /// The directory's initial contents.
    pub tree: Tree,
    /// Refuse every change below it.
    pub readonly: bool,
    /// The directory is kept in the edge's store (a browser's directory
    /// handle), not in `tree`: its entries are read from there when the
    /// guest needs them, and its changes go back there (see
    /// [`crate::vfs::store`]).
    pub in_store: bool,
}

/// How much a run may use. A guest at a limit gets an errno, as on a full
/// disk (files) or with too many open files (descriptors); output beyond its
/// limit still streams to listeners but is no longer kept in the result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Bytes the guest's files may hold together (`ENOSPC` beyond). Bytes
    /// the page gave are read in place and do not count. Default 1 GiB.
    pub file_bytes: u64,
    /// Files, directories and links, preopens included (`ENOSPC` beyond).
    /// Default 100,000.
    pub inodes: u64,
    /// Bytes of stdout kept in the result. Default 64 MiB.
    pub stdout_bytes: u64,
    /// Bytes of stderr kept in the result. Default 64 MiB.
    pub stderr_bytes: u64,
    /// Open descriptors (`EMFILE` beyond). Default 65,536.
    pub descriptors: u32,
    /// Threads a wasi-threads program may have running at once besides
    /// its main thread, each a Web Worker (`thread-spawn` fails beyond).
    /// Default 64.
    pub threads: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            file_bytes: 1 << 30,
            inodes: 100_000,
            stdout_bytes: 64 << 20,
            stderr_bytes: 64 << 20,
            descriptors: 1 << 16,
            threads: 64,
        }
    }
}

/// Everything a run is started with. Build it with the methods, then pass
/// it to a runner.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WasiConfig {
    /// `argv`, including `argv[0]`.
    pub args: Vec<String>,
    /// Environment variables, in order.
    pub env: Vec<(String, String)>,
    /// The bytes stdin yields.
    pub stdin: Vec<u8>,
    /// Directories, in the order they get descriptors (from 3 on).
    pub preopens: Vec<PreopenDir>,
    /// What the run may use.
    pub limits: Limits,
    /// What the store of the preopens kept in one can do.
    pub store_abilities: StoreAbilities,
}

impl WasiConfig {
    /// An empty configuration: no args, env, stdin or preopens.
    pub fn new() -> WasiConfig {
        WasiConfig::default()
    }

    /// Appends one argument (the first is the program name).
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    /// Appends arguments.
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Sets what stdin yields.
    pub fn stdin(mut self, data: impl Into<Vec<u8>>) -> Self {
        self.stdin = data.into();
        self
    }

    /// Exposes a read-write directory with these contents at `guest_path`.
    pub fn preopen(mut self, guest_path: impl Into<String>, tree: Tree) -> Self {
        self.preopens.push(PreopenDir {
            guest_path: guest_path.into(),
            tree,
            readonly: false,
            in_store: false,
        });
        self
    }

    /// Exposes a read-only directory with these contents at `guest_path`.
    pub fn preopen_readonly(mut self, guest_path: impl Into<String>, tree: Tree) -> Self {
        self.preopens.push(PreopenDir {
            guest_path: guest_path.into(),
            tree,
            readonly: true,
            in_store: false,
        });
        self
    }

    /// Exposes a directory kept in the edge's store at `guest_path` (the
    /// edge gives the store's handle to the key the run's context assigns
    /// the preopen's root: [`crate::vfs::Inode::store`]).
    pub fn preopen_store(mut self, guest_path: impl Into<String>, readonly: bool) -> Self {
        self.preopens.push(PreopenDir {
            guest_path: guest_path.into(),
            tree: Tree::dir(),
            readonly,
            in_store: true,
        });
        self
    }

    /// Sets the limits.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Checks what a guest could never be given: NUL bytes in strings that
    /// cross as C strings, `=` in a variable's name, a preopen that is not a
    /// directory.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(index) = self.args.iter().position(|a| a.contains('\0')) {
            return Err(ConfigError::NulInArgument { index });
        }
        for (key, value) in &self.env {
            if key.contains('\0') || key.contains('=') {
                return Err(ConfigError::InvalidEnvName { name: key.clone() });
            }
            if value.contains('\0') {
                return Err(ConfigError::NulInEnvValue { name: key.clone() });
            }
        }
        if let Some(p) = self.preopens.iter().find(|p| !matches!(p.tree, Tree::Dir(_))) {
            return Err(ConfigError::PreopenNotADirectory { guest_path: p.guest_path.clone() });
        }
        Ok(())
    }
}

/// Why a configuration cannot start a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// `argv[index]` contains a NUL byte (arguments are C strings).
    NulInArgument { index: usize },
    /// An environment variable's name is empty or contains `=` or NUL.
    InvalidEnvName { name: String },
    /// An environment variable's value contains a NUL byte.
    NulInEnvValue { name: String },
    /// A preopen's tree is a file or a link, not a directory.
    PreopenNotADirectory { guest_path: String },
    /// Interactive stdin was asked for where the guest cannot wait for it.
    InteractiveStdinNeedsJspi,
    /// A preopen's tree holds an entry the filesystem refuses (a name with
    /// `/`, `.` or `..`, or over 255 bytes).
    InvalidPreopenEntry { guest_path: String, errno: crate::abi::Errno },
    /// More descriptors than the table holds.
    TooManyPreopens,
    /// A wasi-threads program was given to a page that is not
    /// cross-origin isolated: it has no `SharedArrayBuffer`.
    ThreadsNeedCrossOriginIsolation,
    /// A wasi-threads program was given compiled: the browser does not say
    /// a compiled module's memory limits, which its shared memory needs.
    ThreadsNeedBytes,
    /// A wasi-threads program was given to the synchronous runner: its
    /// threads run in workers, which a blocked thread cannot serve.
    ThreadsNeedAsync,
    /// A preopen is a directory handle, which only an asynchronous run
    /// in a browser with JSPI can reach (its every call is a promise).
    DirectoryHandlesNeedJspi,
    /// A preopen is a directory handle and the program is a wasi-threads
    /// one: not supported yet.
    DirectoryHandlesWithThreads,
    /// The preopens kept in a store and the directory handles given do not
    /// match in number.
    DirectoryHandlesMismatch { preopens: usize, handles: usize },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NulInArgument { index } => {
                write!(f, "argument {index} contains a NUL byte, which a C string cannot hold")
            }
            ConfigError::InvalidEnvName { name } => {
                write!(f, "environment variable name \"{name}\" is not valid: it must contain no `=` or NUL")
            }
            ConfigError::NulInEnvValue { name } => {
                write!(f, "the value of environment variable \"{name}\" contains a NUL byte")
            }
            ConfigError::PreopenNotADirectory { guest_path } => {
                write!(f, "preopen \"{guest_path}\" must be a directory")
            }
            ConfigError::InteractiveStdinNeedsJspi => write!(
                f,
                "interactive stdin needs JSPI (WebAssembly.Suspending and WebAssembly.promising), which \
                 this browser lacks or which this way of running cannot use: pass stdin as bytes, or use \
                 the asynchronous run in a browser with JSPI (Chrome, Firefox)"
            ),
            ConfigError::InvalidPreopenEntry { guest_path, errno } => {
                write!(
                    f,
                    "preopen \"{guest_path}\" holds an entry whose name a directory cannot hold ({errno})"
                )
            }
            ConfigError::TooManyPreopens => write!(f, "too many preopened directories"),
            ConfigError::DirectoryHandlesNeedJspi => {
                write!(
                    f,
                    "a directory handle preopen needs JSPI and an asynchronous run (runWasi, startAsync)"
                )
            }
            ConfigError::DirectoryHandlesWithThreads => {
                write!(f, "a directory handle preopen cannot serve a wasi-threads program yet")
            }
            ConfigError::DirectoryHandlesMismatch { preopens, handles } => {
                write!(f, "{preopens} preopens are directory handles, but {handles} handles were given")
            }
            ConfigError::ThreadsNeedCrossOriginIsolation => write!(
                f,
                "this is a wasi-threads program (wasm32-wasip1-threads: it imports a shared memory), which \
                 needs SharedArrayBuffer, and this page is not cross-origin isolated: serve it with the \
                 headers `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: \
                 require-corp` (self.crossOriginIsolated is then true)"
            ),
            ConfigError::ThreadsNeedBytes => write!(
                f,
                "this is a wasi-threads program given as a compiled WebAssembly.Module: pass its bytes or \
                 a fetch() response instead, since the browser does not tell a compiled module's memory \
                 limits, which the shim needs to make its shared memory"
            ),
            ConfigError::ThreadsNeedAsync => write!(
                f,
                "this is a wasi-threads program, whose threads run in workers that a synchronous run \
                 would block: run it with the asynchronous run"
            ),
        }
    }
}

impl std::error::Error for ConfigError {}
