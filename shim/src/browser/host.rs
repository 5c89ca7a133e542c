//! [`BrowserHost`]: clocks, randomness and blocking from the browser
//! (`shim/js/host.js`).

use wasm_bindgen::prelude::*;

use crate::abi::{ClockId, Errno};
use crate::host::Host;

#[wasm_bindgen(module = "/js/host.js")]
extern "C" {
    /// `performance.now()`.
    pub(crate) fn monotonic_ms() -> f64;
    /// `performance.timeOrigin + performance.now()`.
    fn realtime_ms() -> f64;
    /// `crypto.getRandomValues(view)`.
    #[wasm_bindgen(catch)]
    fn fill_random(view: &js_sys::Uint8Array) -> Result<(), JsValue>;
    /// `Atomics.wait` for `ms` where allowed; false elsewhere.
    fn block_ms(ms: f64) -> bool;
    /// A promise that resolves after `ms` milliseconds.
    pub(crate) fn sleep_ms(ms: f64) -> js_sys::Promise;
}

/// The browser's clocks (`performance`), `crypto.getRandomValues`, and
/// `Atomics.wait` for sleeping where it is allowed.
#[derive(Debug, Default)]
pub struct BrowserHost;

impl Host for BrowserHost {
    fn realtime_ns(&self) -> u64 {
        (realtime_ms() * 1e6) as u64
    }

    fn monotonic_ns(&self) -> u64 {
        (monotonic_ms() * 1e6) as u64
    }

    /// Browsers coarsen `performance.now()` (5 µs when cross-origin
    /// isolated, 100 µs or more otherwise); report a conservative 1 µs
    /// granularity for the monotonic clock and 1 ms for realtime.
    fn resolution_ns(&self, clock: ClockId) -> u64 {
        match clock {
            ClockId::Realtime => 1_000_000,
            _ => 1_000,
        }
    }

    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
        // SAFETY: the view is filled and dropped before anything allocates.
        let view = unsafe { js_sys::Uint8Array::view_mut_raw(buf.as_mut_ptr(), buf.len()) };
        fill_random(&view).map_err(|_| Errno::Io)
    }

    /// Waits with `Atomics.wait` in a cross-origin isolated worker; spins
    /// on the clock elsewhere (the main thread cannot block).
    fn sleep_ns(&mut self, ns: u64) {
        let until = self.monotonic_ns().saturating_add(ns);
        loop {
            let now = self.monotonic_ns();
            if now >= until {
                return;
            }
            if !block_ms((until - now) as f64 / 1e6) {
                core::hint::spin_loop();
            }
        }
    }
}
