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

#[test]
fn random_filesystem_calls_do_the_same_in_a_store_as_in_memory() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let mut done: std::collections::BTreeMap<&str, u32> = Default::default();
    for _ in 0..500 {
        let len = 64 + (rng.next_u64() % 3000) as usize;
        for name in browser_wasi_tests::fuzz_store::drive(&rng.bytes(len)) {
            *done.entry(name).or_default() += 1;
        }
    }
    // The sequences reach what a store changes, many times over.
    for name in [
        "path_create_directory",
        "path_open",
        "path_remove_directory",
        "path_unlink_file",
        "path_rename",
        "fd_write",
        "fd_read",
        "fd_close",
    ] {
        assert!(done.get(name).copied().unwrap_or(0) >= 20, "{name} succeeded too seldom: {done:?}");
    }
}
