//! `browser-wasi` runs WASI preview1 (`wasm32-wasip1`) programs in a web
//! browser, on the browser's own WebAssembly engine, with an in-memory
//! filesystem.
//!
//! The crate is split in two (`ARCHITECTURE.md` at the repository root
//! traces a call through every layer):
//! - a platform-independent core that implements WASI semantics and builds
//!   and tests natively: [`abi`] (numbers and layouts), [`memory`] (guest
//!   memory access), [`vfs`] (the filesystem), [`fd_table`] (descriptors),
//!   [`stdio`] and [`host`] (streams and platform services), [`config`] and
//!   [`ctx`] (a run's configuration and state), [`syscalls`] (the preview1
//!   functions), [`filesystem`] (reading a run's files back) and [`module`]
//!   (inspecting a binary before it runs);
//! - the browser edge (`browser`, on `wasm32` only) that instantiates the
//!   guest with `WebAssembly`, wires the imports to the core and supplies
//!   clocks and randomness.

pub mod abi;
// Used by the browser edge (and its tests) only.
#[cfg_attr(not(all(target_arch = "wasm32", feature = "browser")), allow(dead_code))]
mod adapter;
pub mod config;
pub mod ctx;
pub mod fd_table;
pub mod filesystem;
pub mod host;
pub mod memory;
pub mod module;
#[cfg(feature = "preview2")]
pub mod preview2;
pub mod stdio;
pub mod syscalls;
pub mod vfs;

#[cfg(all(target_arch = "wasm32", feature = "browser"))]
pub mod browser;

pub use abi::{Errno, Flavor};
pub use config::{ConfigError, Limits, PreopenDir, WasiConfig};
pub use ctx::WasiCtx;
pub use host::Host;
pub use memory::GuestMemory;
pub use module::{inspect, ModuleError, ModuleInfo};
pub use vfs::Tree;
