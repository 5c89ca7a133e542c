//! Sequences of filesystem calls, from the fuzzer's bytes, made twice: with
//! the preopens in memory and with them in a fake store (what a browser's
//! directory handle is to a run). Every call's result and the trees left
//! must agree (see `browser_wasi_tests::fuzz_store::drive`).
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    browser_wasi_tests::fuzz_store::drive(data);
});
