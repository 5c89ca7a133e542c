//! Reusing a browser across runs: starting a driver and a browser costs
//! most of a run (Firefox takes seconds), and a cargo runner runs once per
//! test binary. The first run starts a *keeper*, a process of its own that
//! holds one headless session and listens on a Unix socket private to the
//! user; later runs ask it to open their page, and it closes the browser
//! after a minute without runs. `BROWSER_WASI_RUNNER_REUSE=0` turns it off
//! (every run then starts its own browser).
//!
//! The protocol, one connection per run: the runner sends `GOTO <url>`,
//! the keeper answers `OK` once the page is loading (or `ERR <why>`); when
//! the run is over the runner sends `DONE`, and the keeper leaves the page
//! (stopping whatever still runs there) and answers `OK`.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::PermissionsExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::args::Browser;
use crate::driver::Session;

/// How long a keeper waits for the next run before it closes the browser.
fn idle() -> Duration {
    let secs = std::env::var("BROWSER_WASI_RUNNER_IDLE").ok().and_then(|s| s.parse().ok()).unwrap_or(60);
    Duration::from_secs(secs)
}

fn name(browser: Browser) -> &'static str {
    match browser {
        Browser::Chrome => "chrome",
        Browser::Firefox => "firefox",
    }
}

/// The keeper's socket: in `$XDG_RUNTIME_DIR`, else a directory of the
/// user's own in the temp dir.
fn socket(browser: Browser) -> std::io::Result<PathBuf> {
    let base = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(d) => PathBuf::from(d),
        None => {
            let uid =
                std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m)).unwrap_or(0);
            let d = std::env::temp_dir().join(format!("browser-wasi-runner-{uid}"));
            std::fs::create_dir_all(&d)?;
            std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700))?;
            d
        }
    };
    Ok(base.join(format!("browser-wasi-runner-{}.sock", name(browser))))
}

/// Whether runs reuse a kept browser.
pub fn enabled() -> bool {
    std::env::var("BROWSER_WASI_RUNNER_REUSE").map_or(true, |v| v != "0")
}

/// A run's line to the keeper.
pub struct Lease {
    stream: BufReader<UnixStream>,
}

fn ask(stream: &mut BufReader<UnixStream>, line: &str) -> Result<(), String> {
    stream.get_mut().write_all(format!("{line}\n").as_bytes()).map_err(|e| e.to_string())?;
    let mut answer = String::new();
    stream.read_line(&mut answer).map_err(|e| e.to_string())?;
    match answer.trim_end() {
        "OK" => Ok(()),
        other => Err(other.strip_prefix("ERR ").unwrap_or(other).to_string()),
    }
}

impl Lease {
    /// Has the kept browser open `url`, starting a keeper if none runs.
    pub fn open(browser: Browser, url: &str) -> Result<Lease, String> {
        let path = socket(browser).map_err(|e| e.to_string())?;
        let stream = match UnixStream::connect(&path) {
            Ok(s) => s,
            Err(_) => {
                let exe = std::env::current_exe().map_err(|e| e.to_string())?;
                // Its own process group: a Ctrl-C in cargo does not take the
                // kept browser down with the run.
                Command::new(exe)
                    .args(["--keep-browser", name(browser)])
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .process_group(0)
                    .spawn()
                    .map_err(|e| format!("could not start a browser keeper: {e}"))?;
                let started = Instant::now();
                loop {
                    if let Ok(s) = UnixStream::connect(&path) {
                        break s;
                    }
                    if started.elapsed() > Duration::from_secs(30) {
                        return Err("the browser keeper did not start".into());
                    }
                    std::thread::sleep(Duration::from_millis(10));
                }
            }
        };
        let mut stream = BufReader::new(stream);
        ask(&mut stream, &format!("GOTO {url}"))?;
        Ok(Lease { stream })
    }

    /// The run is over: the keeper leaves the page.
    pub fn finish(mut self) {
        let _ = ask(&mut self.stream, "DONE");
    }
}

/// The keeper: holds a session and serves runs until idle.
pub async fn keep(browser: Browser) -> Result<(), String> {
    let path = socket(browser).map_err(|e| e.to_string())?;
    // A socket no one answers on is left over from a keeper that died.
    if UnixStream::connect(&path).is_ok() {
        return Ok(()); // another keeper runs
    }
    let _ = std::fs::remove_file(&path);
    let listener = UnixListener::bind(&path).map_err(|e| e.to_string())?;
    listener.set_nonblocking(true).map_err(|e| e.to_string())?;
    let session = Session::start(browser).await?;
    let mut last = Instant::now();
    loop {
        match listener.accept() {
            Ok((stream, _)) => {
                let _ = stream.set_nonblocking(false);
                if !serve(&session, stream).await {
                    break; // the browser is gone: let the next run start one
                }
                last = Instant::now();
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if last.elapsed() > idle() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            Err(_) => break,
        }
    }
    let _ = std::fs::remove_file(&path);
    session.close().await;
    Ok(())
}

/// One run: open its page, wait for its end, leave the page. False when
/// the session no longer works.
async fn serve(session: &Session, stream: UnixStream) -> bool {
    let mut stream = BufReader::new(stream);
    let mut healthy = true;
    let mut open = false;
    let mut line = String::new();
    while stream.read_line(&mut line).is_ok_and(|n| n > 0) {
        open = line.starts_with("GOTO ");
        let reply = match line.trim_end().split_once(' ') {
            Some(("GOTO", url)) => session.client.goto(url).await.map_err(|e| e.to_string()),
            _ if line.trim_end() == "DONE" => {
                session.client.goto("about:blank").await.map_err(|e| e.to_string())
            }
            _ => Err(format!("unknown request {:?}", line.trim_end())),
        };
        let answer = match reply {
            Ok(()) => "OK\n".to_string(),
            Err(e) => {
                healthy = false;
                format!("ERR {}\n", e.replace('\n', " "))
            }
        };
        if stream.get_mut().write_all(answer.as_bytes()).is_err() {
            break;
        }
        line.clear();
    }
    // The run went away without saying it was done (killed, say): stop
    // whatever its page still runs.
    if open {
        healthy &= session.client.goto("about:blank").await.is_ok();
    }
    healthy
}
