//! The fuzz driver (`src/fuzz.rs`) in the browser, where the shim is
//! wasm32: lengths and offsets overflow at 32 bits there, not 64.
#![cfg(target_arch = "wasm32")]

use browser_wasi_tests::{fuzz, Rng};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn random_call_sequences_never_panic_or_break_the_filesystem_on_wasm32() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..300 {
        let len = 64 + (rng.next_u64() % 4000) as usize;
        fuzz::drive(&rng.bytes(len));
    }
}
