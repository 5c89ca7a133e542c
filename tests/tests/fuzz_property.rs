//! The fuzz driver (`src/fuzz.rs`) as a property test: seeded random call
//! sequences, with overlapping iovecs, large memories and deep trees. None
//! may panic the shim or break a filesystem invariant. (`fuzz/` runs the
//! same driver under cargo-fuzz, guided by coverage, for as long as asked.)
#![cfg(not(target_arch = "wasm32"))]

use browser_wasi_tests::{fuzz, Rng};

#[test]
fn random_call_sequences_never_panic_or_break_the_filesystem() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..2000 {
        let len = 64 + (rng.next_u64() % 4000) as usize;
        fuzz::drive(&rng.bytes(len));
    }
}
