//! Every case whose guest is also built as a wasip2 component, run as that
//! component natively — the component's plan carried out with wasmi as the
//! core engine, the preview2 host on the shared core — and compared with
//! wasmtime's run of the same component (`wasmtime.component`, add_wasip2).
#![cfg(not(target_arch = "wasm32"))]

#[allow(unused_macros)]
macro_rules! component_case {
    ($name:ident, $wasm:expr, $case:expr, $expected:expr) => {
        #[test]
        fn $name() {
            let case = browser_wasi_tests::Case::parse(include_str!($case));
            let got =
                browser_wasi_tests::component::run(include_bytes!($wasm), &case.config(stringify!($name)))
                    .unwrap();
            if let Err(diff) = browser_wasi_tests::compare_case(include_str!($expected), &got, &case) {
                panic!("{} as a component differs from wasmtime:\n{diff}", stringify!($name));
            }
        }
    };
}

#[allow(unused_imports)]
use browser_wasi_tests::case_not_ready;

include!(concat!(env!("OUT_DIR"), "/component_cases.rs"));

#[test]
fn a_component_importing_what_the_host_lacks_is_refused_naming_it() {
    let bytes = wat::parse_str(browser_wasi_tests::HTTP_IMPORTING_COMPONENT).unwrap();
    let e = browser_wasi_tests::component::run(&bytes, &browser_wasi::WasiConfig::new()).unwrap_err();
    assert_eq!(
        e,
        "the module imports functions this shim does not provide: wasi:http/outgoing-handler@0.2.0#handle"
    );
}

#[test]
fn a_core_module_given_as_a_component_is_refused() {
    let e = browser_wasi_tests::component::run(
        &wat::parse_str("(module)").unwrap(),
        &browser_wasi::WasiConfig::new(),
    )
    .unwrap_err();
    assert!(e.contains("a core module, not a component"), "{e}");
}
