//! `browser-wasi-runner`: runs a `wasm32-wasip1` program in headless Chrome
//! or Firefox, as `wasmtime run` runs it natively, so that it can be a
//! cargo runner (`cargo run`, `cargo test --target wasm32-wasip1`). It
//! serves the shim's package and the program on 127.0.0.1, drives the
//! browser through WebDriver, streams the program's stdout and stderr to its
//! own, passes stdin through, mirrors each `--dir` into the program and
//! writes its changes back, and exits with the program's exit code (134
//! after a trap, as wasmtime).

mod args;
mod daemon;
mod driver;
mod mirror;
mod server;

use std::io::Read;
use std::process::ExitCode;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::mirror::Mirror;

fn fail(message: &str) -> ExitCode {
    eprintln!("browser-wasi-runner: {message}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    // The browser keeper (see daemon.rs) is this program too.
    let mut raw = std::env::args().skip(1);
    if raw.next().as_deref() == Some("--keep-browser") {
        let browser = match raw.next().as_deref() {
            Some("firefox") => args::Browser::Firefox,
            _ => args::Browser::Chrome,
        };
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
        return match rt.map(|rt| rt.block_on(daemon::keep(browser))) {
            Ok(Ok(())) => ExitCode::SUCCESS,
            Ok(Err(e)) => fail(&e),
            Err(e) => fail(&e.to_string()),
        };
    }
    if !server::has_package() {
        return fail("this runner was built without the shim's package: run scripts/build-pkg, then cargo install --path runner again");
    }
    let args = match args::parse(std::env::args().skip(1), std::env::var("BROWSER_WASI_BROWSER").ok()) {
        Ok(a) => a,
        Err(e) => return fail(&e),
    };
    let module = match std::fs::read(&args.module) {
        Ok(m) => m,
        Err(e) => return fail(&format!("cannot read {}: {e}", args.module.display())),
    };
    let mut mirrors = Vec::new();
    for d in &args.dirs {
        match Mirror::open(&d.host) {
            Ok(m) => mirrors.push(m),
            Err(e) => return fail(&format!("--dir {}: {e}", d.host.display())),
        }
    }
    let stdin: Box<dyn Read + Send> = match &args.stdin {
        Some(path) => match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => return fail(&format!("--stdin {}: {e}", path.display())),
        },
        None => Box::new(std::io::stdin()),
    };
    let config = json!({
        "argv": args.argv,
        "env": args.env,
        "dirs": args.dirs.iter().map(|d| d.guest.clone()).collect::<Vec<_>>(),
    });
    let (done_tx, done_rx) = mpsc::channel();
    let served = server::Served {
        module,
        config: config.to_string(),
        mirrors,
        stdin: server::Stdin::spawn(stdin),
        done: done_tx,
    };
    let port = match server::start(served) {
        Ok(p) => p,
        Err(e) => return fail(&format!("cannot serve on 127.0.0.1: {e}")),
    };
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&e.to_string()),
    };
    rt.block_on(run(args, port, done_rx))
}

/// Opens the page (in the kept browser if there is one, see daemon.rs)
/// and waits for the run to end.
async fn run(args: args::Args, port: u16, done: mpsc::Receiver<server::Done>) -> ExitCode {
    let url = format!("http://127.0.0.1:{port}/");
    if daemon::enabled() {
        match daemon::Lease::open(args.browser, &url) {
            Ok(lease) => {
                let code = wait(&args, done).await;
                lease.finish();
                return code;
            }
            Err(e) => eprintln!("browser-wasi-runner: no kept browser ({e}); starting one for this run"),
        }
    }
    let session = match driver::Session::start(args.browser).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let code = match session.client.goto(&url).await {
        Err(e) => fail(&format!("the browser could not open the runner's page: {e}")),
        Ok(()) => wait(&args, done).await,
    };
    session.close().await;
    code
}

/// Waits for the page's report, within `--timeout`.
async fn wait(args: &args::Args, done: mpsc::Receiver<server::Done>) -> ExitCode {
    let deadline = args.timeout.map(|t| Instant::now() + t);
    loop {
        match done.try_recv() {
            Ok(d) => return ended(args, d),
            Err(mpsc::TryRecvError::Disconnected) => return fail("the server stopped"),
            Err(mpsc::TryRecvError::Empty) => {}
        }
        if deadline.is_some_and(|d| Instant::now() >= d) {
            eprintln!("browser-wasi-runner: timed out after {:?}", args.timeout.unwrap_or_default());
            return ExitCode::from(124);
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// The runner's exit code for how the run ended.
fn ended(args: &args::Args, done: server::Done) -> ExitCode {
    match done {
        server::Done { error: Some(e), .. } => fail(&e),
        server::Done { trap: Some(t), .. } => {
            eprintln!(
                "Error: failed to run main module `{}`\n\nCaused by:\n    wasm trap: {t}",
                args.module.display()
            );
            ExitCode::from(134)
        }
        server::Done { exit, .. } => ExitCode::from(exit.unwrap_or(0).min(255) as u8),
    }
}
