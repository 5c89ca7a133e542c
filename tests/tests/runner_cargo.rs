//! `cargo test --target wasm32-wasip1` of a small crate (`runner-crate/`)
//! with browser-wasi-runner as its runner, in Chrome and in Firefox,
//! reports what the same run under wasmtime reports: libtest's output and
//! the exit code, for a passing run and for one with a test that fails.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// `cargo test` of the crate with `runner`; (exit code, stdout, stderr).
fn cargo_test(runner: &str, browser: &str, extra: &[&str]) -> (Option<i32>, String, String) {
    let krate = root().join("tests/runner-crate");
    let _ = std::fs::remove_dir_all(krate.join("scratch"));
    let out = Command::new(env!("CARGO"))
        .args(["test", "--quiet", "--target", "wasm32-wasip1", "--test", "behaviour"])
        .args(extra)
        .current_dir(&krate)
        .env("CARGO_TARGET_WASM32_WASIP1_RUNNER", runner)
        .env("BROWSER_WASI_BROWSER", browser)
        .env("BROWSER_WASI_RUNNER_IDLE", "20")
        .env_remove("CARGO_TARGET_DIR")
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

/// libtest's report without its timings.
fn normalized(stdout: &str) -> String {
    stdout.lines().map(|l| l.split("; finished in").next().unwrap_or(l)).collect::<Vec<_>>().join("\n")
}

#[test]
fn cargo_test_through_the_runner_reports_what_wasmtime_does() {
    let runner = root().join("runner/target/release/browser-wasi-runner");
    if !runner.exists() || std::env::var_os("BROWSER_WASI_NO_BROWSER").is_some() {
        eprintln!("browser-wasi-runner is not built: run scripts/test");
        return;
    }
    let env = "--dir . --env RUNNER_CRATE=hello";
    let wasmtime =
        format!("python3 {} {env}", root().join("tests/differential/wasmtime_cargo_runner.py").display());
    let ours = format!("{} {env}", runner.display());
    for (extra, want_code) in [(&[][..], 0), (&["--", "--ignored"][..], 134)] {
        let (code, reference, reference_err) = cargo_test(&wasmtime, "", extra);
        assert_eq!(code == Some(0), want_code == 0, "wasmtime: {code:?} {reference_err}");
        for browser in ["chrome", "firefox"] {
            let (c, stdout, stderr) = cargo_test(&ours, browser, extra);
            assert_eq!(c, code, "{browser} {extra:?}: {stderr}");
            assert_eq!(normalized(&stdout), normalized(&reference), "{browser} {extra:?}");
            if want_code != 0 {
                // The test binary trapped (a panic aborts), as under wasmtime.
                assert!(stderr.contains(&format!("exit status: {want_code}")), "{browser}: {stderr}");
                assert!(reference_err.contains(&format!("exit status: {want_code}")));
            } else {
                let kept = root().join("tests/runner-crate/scratch/kept.txt");
                assert_eq!(std::fs::read_to_string(kept).unwrap(), "one two  three\nfour", "{browser}");
            }
        }
    }
}
