//! Every case in `tests/cases`, run natively under wasmi and compared with
//! wasmtime's recorded result.
#![cfg(not(target_arch = "wasm32"))]

// Unused while no case is ready (a fresh clone); so are the others below.
#[allow(unused_macros)]
macro_rules! case {
    ($name:ident, $wasm:expr, $case:expr, $expected:expr) => {
        #[test]
        fn $name() {
            let case = browser_wasi_tests::Case::parse(include_str!($case));
            let got = browser_wasi_tests::native::run(include_bytes!($wasm), &case.config(stringify!($name)))
                .unwrap();
            if let Err(diff) = browser_wasi_tests::compare_case(include_str!($expected), &got, &case) {
                panic!("{} differs from wasmtime:\n{diff}", stringify!($name));
            }
            // The same case with every preopen kept in a store (as a
            // browser's directory handle keeps one), where it can be.
            if let Some(why) = case.store_differs {
                assert!(!why.is_empty());
                return;
            }
            let config = case.config(stringify!($name));
            let got = match browser_wasi_tests::native::run_in_store(include_bytes!($wasm), &config) {
                Ok((got, _)) => got,
                Err(e) if e == browser_wasi_tests::native::HAS_SYMLINKS => return,
                Err(e) => panic!("{e}"),
            };
            if let Err(diff) = browser_wasi_tests::compare_case(include_str!($expected), &got, &case) {
                panic!("{} in a store differs from wasmtime:\n{diff}", stringify!($name));
            }
        }
    };
}

/// A case of a wasi-threads program: wasmi has no threads (no shared
/// memory), so these run in the browsers only (`browser.rs`); natively the
/// core's inspection of the binary is checked: a threads program, runnable.
#[allow(unused_macros)]
macro_rules! threads_case {
    ($name:ident, $wasm:expr, $case:expr, $expected:expr) => {
        #[test]
        fn $name() {
            let info = browser_wasi::module::inspect(include_bytes!($wasm)).unwrap();
            assert!(info.threads().is_some(), "not seen as a threads program");
            info.check_runnable().unwrap();
        }
    };
}

#[allow(unused_imports)]
use browser_wasi_tests::case_not_ready;

include!(concat!(env!("OUT_DIR"), "/cases.rs"));
