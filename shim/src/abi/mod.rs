//! WASI preview1 ABI: the numeric types, flags and the byte layouts of the
//! structures that cross the guest boundary.
//!
//! Layouts are written and read byte by byte (little endian) rather than
//! through `#[repr(C)]` casts, so the same code is correct on any host and a
//! guest pointer never has to be aligned. `wasi_unstable` (snapshot 0)
//! differs in a few places; those are marked with [`Flavor`].

mod errno;
mod flags;
mod layout;

pub use errno::Errno;
pub use flags::*;
pub use layout::*;

/// Which import module a call came through: the layouts of `filestat`,
/// `subscription` and the `whence` numbering differ between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// `wasi_snapshot_preview1`.
    Preview1,
    /// `wasi_unstable` (snapshot 0).
    Snapshot0,
}

/// The maximum number of bytes a single path may take (as wasmtime's host
/// filesystems refuse longer ones with `ENAMETOOLONG`).
pub const PATH_MAX: usize = 4096;
