//! Sequences of preview1 calls, from the fuzzer's bytes, against one run's
//! state: nothing may panic, and the filesystem's invariants must hold
//! after every call (see `browser_wasi_tests::fuzz::drive`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    browser_wasi_tests::fuzz::drive(data);
});
