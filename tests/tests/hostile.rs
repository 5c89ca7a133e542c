//! The hostile suite (`tests/hostile/`), natively under wasmi: each attack
//! ends with the errno or error its case expects.
#![cfg(not(target_arch = "wasm32"))]

use browser_wasi_tests::hostile::Hostile;
use browser_wasi_tests::native;

macro_rules! hostile {
    ($name:ident, $wasm:expr, $case:expr, browser_only) => {
        #[test]
        #[ignore = "needs what wasmi lacks (exception handling, shared memory): the browser tests run it"]
        fn $name() {}
    };
    ($name:ident, $wasm:expr, $case:expr, everywhere) => {
        #[test]
        fn $name() {
            let case = Hostile::parse(include_str!($case));
            let (seen, _) = native::run_seen(include_bytes!($wasm), &case.config(stringify!($name))).unwrap();
            if let Err(why) = case.check(&seen) {
                panic!("{}:\n{why}", stringify!($name));
            }
            if case.expect.then_runs {
                let next = native::run_seen(include_bytes!($wasm), &case.config("again")).unwrap().0;
                assert!(next.error.is_none(), "the next run was refused: {:?}", next.error);
            }
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/hostile.rs"));
