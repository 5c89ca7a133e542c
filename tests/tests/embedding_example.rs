//! An example of what a Rust crate does to run a WASI program inside its
//! own `wasm-bindgen-test` suite, in headless Chrome and Firefox: describe
//! the run with `WasiConfig`, `run` it, assert on the output and on the
//! files it left. (`scripts/test` runs this file in both browsers.)
#![cfg(target_arch = "wasm32")]

use browser_wasi::browser::{run, run_sync, RunOptions, Termination};
use browser_wasi::{Tree, WasiConfig};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// uutils coreutils, a real CLI compiled for wasm32-wasip1.
const COREUTILS: &[u8] = include_bytes!("../../target/guests/real/coreutils.wasm");

#[wasm_bindgen_test]
async fn a_crate_runs_a_wasi_cli_and_checks_the_files_it_wrote() {
    let config = WasiConfig::new()
        .args(["coreutils", "sort", "-u", "-o", "/data/out/sorted.txt", "/data/in.txt"])
        .preopen("/data", Tree::dir().with("in.txt", Tree::file("b\na\nb\n")).with("out", Tree::dir()));

    let out = run(COREUTILS, config).await.expect("the module runs");

    assert_eq!(out.termination, Termination::Exit(0));
    assert!(out.stderr.is_empty());
    assert_eq!(out.fs.get("/data/out/sorted.txt"), Some(Tree::file("a\nb\n")));
}

#[wasm_bindgen_test]
async fn a_failing_command_reports_its_exit_code_and_message() {
    let config = WasiConfig::new().args(["coreutils", "cat", "/data/missing"]).preopen("/data", Tree::dir());
    let out = run(COREUTILS, config).await.unwrap();
    assert_eq!(out.exit_code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr.to_vec()).contains("No such file or directory"));
}

#[wasm_bindgen_test]
fn the_sync_variant_runs_small_modules_without_awaiting() {
    let hello = include_bytes!("../../target/guests/wasm32-wasip1/release/exit_code.wasm");
    let config = WasiConfig::new().args(["exit_code", "7"]);
    let out = run_sync(hello, config, RunOptions::default()).unwrap();
    assert_eq!(out.exit_code(), Some(7));
    assert_eq!(out.stdout.to_vec(), b"exiting with 7\n");
}
