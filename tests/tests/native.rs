//! Every case in `tests/cases`, run natively under wasmi and compared with
//! wasmtime's recorded result.
#![cfg(not(target_arch = "wasm32"))]

use browser_wasi_tests::{compare, native, Case};

macro_rules! case {
    ($name:ident, $wasm:expr, $case:expr, $expected:expr) => {
        #[test]
        fn $name() {
            let case = Case::parse(include_str!($case));
            let got = native::run(include_bytes!($wasm), &case.config(stringify!($name))).unwrap();
            if let Err(diff) = compare(include_str!($expected), &got) {
                panic!("{} differs from wasmtime:\n{diff}", stringify!($name));
            }
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/cases.rs"));
