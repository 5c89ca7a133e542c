//! The browser, through WebDriver: finds chromedriver or geckodriver (as
//! wasm-bindgen-test-runner does: `CHROMEDRIVER` / `GECKODRIVER`, then
//! `PATH`), starts it on a free port, and opens a headless session.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};
use serde_json::{json, Map, Value};

use crate::args::Browser;

/// A running driver and its browser session.
pub struct Session {
    pub client: Client,
    driver: Child,
}

/// An executable on `PATH` (or in `~/.cargo/bin`, where `cargo install`
/// puts geckodriver).
fn on_path(name: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> =
        std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect()).unwrap_or_default();
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(name)).find(|p| p.is_file())
}

/// The driver for `browser`, or a message saying what is missing.
pub fn find_driver(browser: Browser) -> Result<PathBuf, String> {
    let (var, name, install) = match browser {
        Browser::Chrome => ("CHROMEDRIVER", "chromedriver", "apt-get install chromium-driver"),
        Browser::Firefox => ("GECKODRIVER", "geckodriver", "cargo install geckodriver"),
    };
    if let Some(p) = std::env::var_os(var).filter(|p| !p.is_empty()) {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!("{var} is {}, which does not exist", p.display()))
        };
    }
    on_path(name).ok_or_else(|| {
        format!("{name} was not found: set {var} to its path or put it on PATH ({install}; scripts/setup installs it)")
    })
}

/// The capabilities of a headless session.
fn capabilities(browser: Browser) -> Map<String, Value> {
    let caps = match browser {
        Browser::Chrome => json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                "--disable-extensions", "--disable-sync"
            ] }
        }),
        Browser::Firefox => {
            let mut options = json!({ "args": ["-headless"], "prefs": { "app.update.enabled": false } });
            // Debian ships Firefox as firefox-esr.
            if on_path("firefox").is_none() {
                if let Some(esr) = on_path("firefox-esr") {
                    options["binary"] = json!(esr);
                }
            }
            json!({ "browserName": "firefox", "moz:firefoxOptions": options })
        }
    };
    caps.as_object().cloned().unwrap_or_default()
}

fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Session {
    /// Starts the driver and a headless session in `browser`.
    pub async fn start(browser: Browser) -> Result<Session, String> {
        let path = find_driver(browser)?;
        let port = free_port().map_err(|e| e.to_string())?;
        let driver = Command::new(&path)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("could not start {}: {e}", path.display()))?;
        Ok(Session { client: connect(port, browser, &path).await?, driver })
    }

    /// Ends the session and stops the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

/// Connects to the driver once it listens (it takes a moment to start).
async fn connect(port: u16, browser: Browser, path: &Path) -> Result<Client, String> {
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(20) {
            return Err(format!("{} did not start listening within 20 s", path.display()));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut builder = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new());
    builder
        .capabilities(capabilities(browser))
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .map_err(|e| format!("{} could not open a session: {e}", path.display()))
}
