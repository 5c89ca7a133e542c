//! The component model for browser-wasi, as plain Rust that builds and is
//! tested natively (issue #14's foundation; nothing here touches a browser).
//!
//! - [`types`]: the component value types, as the canonical ABI needs them.
//! - [`abi`]: their layout in memory and their flattening into core values.
//! - [`value`]: lifting and lowering values between a core instance's flat
//!   values and memory ([`value::Guest`]) and the host's [`value::Val`].
//! - [`handles`]: a component instance's handle table for resources.
//! - [`plan`]: how a component is instantiated: its core instances in order,
//!   each import resolved, read from its bytes.
//!
//! A canonical ABI failure is a [`Trap`]: the guest did something the
//! component model forbids (a pointer out of bounds, a bad discriminant, a
//! handle it does not own), so its run ends, with a message that says what.

pub mod abi;
pub mod handles;
pub mod plan;
pub mod types;
pub mod value;

use std::fmt;

/// Why a canonical ABI operation could not be carried out: the guest broke
/// the component model's rules (the run traps with this message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trap(pub String);

impl Trap {
    pub(crate) fn new(msg: impl Into<String>) -> Self {
        Trap(msg.into())
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Trap {}
