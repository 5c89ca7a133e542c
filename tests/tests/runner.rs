//! `browser-wasi-runner`, run as cargo runs a runner, in headless Chrome
//! and Firefox: exit codes, streamed and ordered output, arguments and
//! environment with spaces and UTF-8, stdin, a trap, a `--dir` round trip,
//! a guest that tries to leave its directory, and a missing driver. The
//! runner is built by `scripts/test` (`runner/target/release`); until then
//! these tests say so and pass nothing.
#![cfg(not(target_arch = "wasm32"))]

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The runner, or `None` (with a note) when it is not built.
fn runner() -> Option<PathBuf> {
    let p = root().join("runner/target/release/browser-wasi-runner");
    if std::env::var_os("BROWSER_WASI_NO_BROWSER").is_some() {
        eprintln!("skipped: BROWSER_WASI_NO_BROWSER is set (scripts/test --native)");
        None
    } else if p.exists() {
        Some(p)
    } else {
        eprintln!("browser-wasi-runner is not built: run scripts/test (or cargo build --release --manifest-path runner/Cargo.toml)");
        None
    }
}

fn probe() -> PathBuf {
    root().join("target/guests/wasm32-wasip1/release/runner_probe.wasm")
}

const BROWSERS: [&str; 2] = ["chrome", "firefox"];

/// Runs the runner with `args` in `browser`, stdout and stderr apart.
fn run(browser: &str, args: &[&str], cwd: &Path) -> Output {
    let Some(runner) = runner() else { panic!("no runner") };
    Command::new(runner)
        .arg("--browser")
        .arg(browser)
        .args(args)
        .current_dir(cwd)
        .env("BROWSER_WASI_RUNNER_IDLE", "20")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("bwr-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn exit_codes_and_a_trap_are_the_runners() {
    if runner().is_none() {
        return;
    }
    let probe = probe();
    let probe = probe.to_str().unwrap();
    for browser in BROWSERS {
        let ok = run(browser, &[probe, "args"], &root());
        assert_eq!(ok.status.code(), Some(0), "{browser}: {}", text(&ok.stderr));
        let seven = run(browser, &[probe, "exit", "7"], &root());
        assert_eq!(seven.status.code(), Some(7), "{browser}");
        let trap = run(browser, &[probe, "trap"], &root());
        assert_eq!(trap.status.code(), Some(134), "{browser}");
        assert_eq!(text(&trap.stdout), "before the trap\n");
        assert!(text(&trap.stderr).contains("wasm trap"), "{browser}: {}", text(&trap.stderr));
    }
}

#[test]
fn arguments_and_environment_with_spaces_and_utf8_pass_through() {
    if runner().is_none() {
        return;
    }
    let probe = probe();
    for browser in BROWSERS {
        let out = run(
            browser,
            &[
                "--env",
                "GREETING=grüß dich",
                "--env=EMPTY=",
                probe.to_str().unwrap(),
                "args",
                "two words",
                "ünïcødé ✓",
                "",
            ],
            &root(),
        );
        assert_eq!(out.status.code(), Some(0), "{browser}: {}", text(&out.stderr));
        assert_eq!(
            text(&out.stdout),
            "args: [\"two words\", \"ünïcødé ✓\", \"\"]\nenv: [(\"EMPTY\", \"\"), (\"GREETING\", \"grüß dich\")]\n",
            "{browser}"
        );
    }
}

#[test]
fn output_is_streamed_in_order_as_it_is_written() {
    if runner().is_none() {
        return;
    }
    let probe = probe();
    for browser in BROWSERS {
        // stdout and stderr into one pipe, as a terminal shows them.
        let (mut reader, writer) = std::io::pipe().unwrap();
        let mut child = Command::new(runner().unwrap())
            .args(["--browser", browser, probe.to_str().unwrap(), "streams"])
            .stdin(Stdio::null())
            .stdout(writer.try_clone().unwrap())
            .stderr(writer)
            .spawn()
            .unwrap();
        let started = Instant::now();
        let mut seen = String::new();
        let mut first_line_at = None;
        let mut buf = [0u8; 256];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            seen += &text(&buf[..n]);
            if first_line_at.is_none() && seen.contains("err 1\n") {
                first_line_at = Some(started.elapsed());
            }
        }
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{browser}");
        assert_eq!(seen, "out 1\nerr 1\nout 2\nerr 2\n", "{browser}");
        // The first lines came before the program's 400 ms pause ended.
        let total = started.elapsed();
        assert!(first_line_at.unwrap() + Duration::from_millis(300) < total, "{browser}: not streamed");
    }
}

#[test]
fn stdin_is_passed_through() {
    if runner().is_none() {
        return;
    }
    let dir = scratch("stdin");
    std::fs::write(dir.join("in.txt"), "from a file\n").unwrap();
    let probe = probe();
    for browser in BROWSERS {
        let from_file = run(browser, &["--stdin", "in.txt", probe.to_str().unwrap(), "stdin"], &dir);
        assert_eq!(
            text(&from_file.stdout),
            "12 bytes: FROM A FILE\n\n",
            "{browser}: {}",
            text(&from_file.stderr)
        );
        let mut child = Command::new(runner().unwrap())
            .args(["--browser", browser, probe.to_str().unwrap(), "stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        std::io::Write::write_all(child.stdin.as_mut().unwrap(), "piped ünïcødé".as_bytes()).unwrap();
        drop(child.stdin.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(text(&out.stdout), "17 bytes: PIPED ÜNÏCØDÉ\n", "{browser}");
    }
}

#[test]
fn a_dir_round_trips_the_guests_changes_to_the_host() {
    if runner().is_none() {
        return;
    }
    for browser in BROWSERS {
        let dir = scratch(&format!("dir-{browser}"));
        let data = dir.join("data");
        std::fs::create_dir_all(data.join("empty")).unwrap();
        std::fs::create_dir_all(data.join("kept/deep")).unwrap();
        std::fs::write(data.join("kept/deep/k.txt"), "untouched").unwrap();
        std::fs::write(data.join("changed.txt"), "original").unwrap();
        std::fs::write(data.join("gone.txt"), "bye").unwrap();
        std::fs::write(data.join("old.txt"), "moved").unwrap();
        let kept_mtime = std::fs::metadata(data.join("kept/deep/k.txt")).unwrap().modified().unwrap();
        let out = run(browser, &["--dir", "./data::/data", probe().to_str().unwrap(), "dir"], &dir);
        assert_eq!(text(&out.stdout), "done\n", "{browser}: {}", text(&out.stderr));
        let read = |p: &str| std::fs::read_to_string(data.join(p)).unwrap();
        assert_eq!(read("made/nested/new.txt"), "created\n");
        assert_eq!(read("changed.txt"), "changed\n");
        assert_eq!(read("renamed.txt"), "moved");
        assert_eq!(read("kept/deep/k.txt"), "untouched");
        assert!(
            !data.join("gone.txt").exists() && !data.join("old.txt").exists() && !data.join("empty").exists()
        );
        assert_eq!(std::fs::read_link(data.join("link")).unwrap(), Path::new("renamed.txt"));
        // What the guest did not touch is left as it was.
        assert_eq!(std::fs::metadata(data.join("kept/deep/k.txt")).unwrap().modified().unwrap(), kept_mtime);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_guest_cannot_leave_its_dir_and_the_host_is_untouched() {
    if runner().is_none() {
        return;
    }
    for browser in BROWSERS {
        let dir = scratch(&format!("escape-{browser}"));
        std::fs::create_dir_all(dir.join("data/sub")).unwrap();
        let out = run(browser, &["--dir", "./data::/data", probe().to_str().unwrap(), "escape"], &dir);
        assert_eq!(out.status.code(), Some(0), "{browser}: {}", text(&out.stderr));
        assert!(!text(&out.stdout).contains("written"), "{browser}: {}", text(&out.stdout));
        assert!(!dir.join("outside.txt").exists());
        let entries: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(entries, ["data"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

#[test]
fn a_missing_driver_is_named() {
    if runner().is_none() {
        return;
    }
    for (browser, var) in [("chrome", "CHROMEDRIVER"), ("firefox", "GECKODRIVER")] {
        let out = Command::new(runner().unwrap())
            .args(["--browser", browser, probe().to_str().unwrap(), "args"])
            .env("BROWSER_WASI_RUNNER_REUSE", "0")
            .env(var, "/nonexistent/driver")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = text(&out.stderr);
        assert!(err.contains(var) && err.contains("/nonexistent/driver"), "{err}");
    }
}

#[test]
fn a_threads_program_is_refused_with_what_to_do() {
    if runner().is_none() {
        return;
    }
    let counter = root().join("target/guests/wasm32-wasip1-threads/release/counter.wasm");
    for browser in BROWSERS {
        let out = run(browser, &[counter.to_str().unwrap(), "2", "2"], &root());
        assert_ne!(out.status.code(), Some(0), "{browser}");
        let err = text(&out.stderr);
        assert!(err.contains("wasi-threads") && err.contains("wasm32-wasip1"), "{browser}: {err}");
    }
}
