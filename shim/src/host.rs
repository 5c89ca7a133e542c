//! [`Host`]: the services a platform provides to a run (clocks, randomness,
//! blocking). The browser edge implements it with `performance`, `Date`,
//! `crypto` and `Atomics.wait`; native tests with the standard library.

use crate::abi::{ClockId, Errno};

/// Services the platform provides: clocks and randomness.
pub trait Host {
    /// Nanoseconds since the Unix epoch.
    fn realtime_ns(&self) -> u64;
    /// Nanoseconds since an arbitrary origin; never goes backwards.
    fn monotonic_ns(&self) -> u64;
    /// The resolution `clock_res_get` reports for a clock, in nanoseconds.
    fn resolution_ns(&self, clock: ClockId) -> u64;
    /// Fills `buf` with cryptographically secure random bytes.
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), Errno>;
    /// Blocks for `ns` nanoseconds. The default spins on the monotonic
    /// clock: the fallback where the platform has no way to block.
    fn sleep_ns(&mut self, ns: u64) {
        let until = self.monotonic_ns().saturating_add(ns);
        while self.monotonic_ns() < until {
            core::hint::spin_loop();
        }
    }
}
