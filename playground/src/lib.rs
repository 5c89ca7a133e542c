//! The browser-wasi playground: load a wasip1 program (from the gallery, a
//! file picker or a drop), set its arguments, environment, stdin and
//! preopened directories, run it in a worker, watch its output stream in,
//! and look at the files it left.

pub mod ansi;
pub mod args;
pub mod examples;
pub mod model;

#[cfg(target_arch = "wasm32")]
pub mod browser;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod runner;
#[cfg(target_arch = "wasm32")]
pub mod state;
