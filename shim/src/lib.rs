//! `browser-wasi` runs WASI preview1 (`wasm32-wasip1`) programs in a web
//! browser, on the browser's own WebAssembly engine, with an in-memory
//! filesystem.
//!
//! The crate is split in two:
//! - a platform-independent core ([`abi`], [`memory`], [`vfs`], [`fd`],
//!   [`ctx`], [`syscalls`], [`module`]) that implements WASI semantics and
//!   builds and tests natively;
//! - the browser edge (`browser`, on `wasm32` only) that instantiates the
//!   guest with `WebAssembly`, wires the imports to the core and supplies
//!   clocks and randomness.

pub mod abi;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod adapter;
pub mod ctx;
pub mod fd;
pub mod memory;
pub mod module;
pub mod syscalls;
pub mod vfs;

#[cfg(target_arch = "wasm32")]
pub mod browser;

pub use abi::{Errno, Flavor};
pub use ctx::{Host, WasiConfig, WasiCtx};
pub use memory::GuestMemory;
pub use module::{inspect, ModuleError, ModuleInfo};
pub use vfs::Tree;
