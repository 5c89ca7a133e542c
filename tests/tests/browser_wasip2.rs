//! Every case whose guest is also built as a wasip2 component, run as that
//! component through the browser's own WebAssembly engine (headless Chrome
//! and Firefox) and compared with wasmtime's component run; plus what the
//! component edge refuses.
#![cfg(target_arch = "wasm32")]

use browser_wasi::browser::{self, RunError, RunOptions};
use browser_wasi::WasiConfig;
use browser_wasi_tests::{compare_case, Case, Outcome};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[allow(dead_code)]
async fn run_component_case(name: &str, wasm: &[u8], case: &str, expected: &str) {
    let case = Case::parse(case);
    let out = browser::run_component(wasm, case.config(name), RunOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    let fs = out.fs.trees();
    if let Err(diff) = compare_case(expected, &Outcome::of_browser_run(&out, fs), &case) {
        panic!("{name} as a component differs from wasmtime:\n{diff}");
    }
}

#[allow(unused_macros)]
macro_rules! component_case {
    ($name:ident, $wasm:expr, $case:expr, $expected:expr) => {
        #[wasm_bindgen_test]
        async fn $name() {
            run_component_case(
                stringify!($name),
                include_bytes!($wasm),
                include_str!($case),
                include_str!($expected),
            )
            .await;
        }
    };
}

#[allow(unused_imports)]
use browser_wasi_tests::case_not_ready;

include!(concat!(env!("OUT_DIR"), "/component_cases.rs"));

#[wasm_bindgen_test]
async fn a_component_importing_what_the_host_lacks_is_a_module_error_naming_it() {
    let bytes = wat::parse_str(browser_wasi_tests::HTTP_IMPORTING_COMPONENT).unwrap();
    let e = browser::run_component(&bytes, WasiConfig::new(), RunOptions::default()).await.unwrap_err();
    assert_eq!(
        e,
        RunError::Module(browser_wasi::module::ModuleError::UnsupportedImports(vec![
            "wasi:http/outgoing-handler@0.2.0#handle".into()
        ]))
    );
}

#[wasm_bindgen_test]
async fn run_takes_a_component_where_it_takes_a_module() {
    let wasm = include_bytes!("../../target/guests/wasm32-wasip2/release/hello.wasm");
    let config = WasiConfig::new()
        .arg("hello")
        .preopen("/data", browser_wasi::Tree::dir().with("input.txt", browser_wasi::Tree::file("abc")));
    let out = browser::run(wasm, config).await.unwrap();
    // std::process::exit(3) is `exit(err)` in wasi:cli/exit@0.2.0: 1.
    assert_eq!(out.exit_code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout.to_vec()).contains("input: abc"));
    assert_eq!(out.fs.get("/data/output.txt"), Some(browser_wasi::Tree::file("3 bytes, 1 lines\n")));
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/page_helpers.js")]
extern "C" {
    fn mark_after(ms: f64) -> wasm_bindgen::JsValue;
}

#[wasm_bindgen_test]
async fn a_sleeping_component_leaves_the_event_loop_free() {
    assert!(browser::can_suspend(), "this browser has no JSPI");
    // std::thread::sleep is wasi:io/poll's block on a monotonic-clock pollable.
    let wasm = include_bytes!("../../target/guests/wasm32-wasip2/release/sleep_then_print.wasm");
    let first = std::rc::Rc::new(std::cell::Cell::new(0.0));
    let opts = RunOptions {
        on_stdout: Some(Box::new(browser_wasi_tests::FirstWrite(first.clone()))),
        ..RunOptions::default()
    };
    let timer = mark_after(10.0);
    let out = browser::run_component(wasm, WasiConfig::new(), opts).await.unwrap();
    assert_eq!(out.stdout.to_vec(), b"woke after at least 100ms: true\n");
    let fired = js_sys::Reflect::get(&timer, &"at".into()).unwrap().as_f64().unwrap();
    // With a sleep that blocks the thread the timer could only fire after
    // the component ended.
    assert!(fired > 0.0 && fired < first.get(), "timer at {fired}, component output at {}", first.get());
}
