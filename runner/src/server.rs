//! The runner's HTTP server, on 127.0.0.1: the page, the shim's package
//! and the program; the host directories' manifests and files; stdin; and
//! what comes back: output as it is written, the guest's changes to the
//! directories, and how the run ended. Cross-origin isolated, as a threads
//! program needs.

use std::io::{Read, Write};
use std::sync::mpsc::Sender;
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

use serde::Deserialize;
use tiny_http::{Header, Method, Request, Response, Server};

use crate::mirror::{Changes, Mirror};

mod assets {
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

const PAGE: &str = include_str!("../js/page.html");
const PAGE_JS: &str = include_str!("../js/page.js");
const WORKER_JS: &str = include_str!("../js/worker.js");

/// Whether the shim's package was built into this runner.
pub fn has_package() -> bool {
    assets::PKG.iter().any(|(name, _)| *name == "browser_wasi_bg.wasm")
}

/// How a run ended, as the page reports it.
#[derive(Debug, Deserialize)]
pub struct Done {
    pub exit: Option<u32>,
    pub trap: Option<String>,
    /// The run could not start (a module the shim refuses, say).
    pub error: Option<String>,
}

/// Stdin, read by a thread of its own and handed out as the guest asks.
#[derive(Default)]
pub struct Stdin {
    state: Mutex<(Vec<u8>, bool)>,
    ready: Condvar,
}

impl Stdin {
    /// Reads `source` to its end in a thread, making what arrives available.
    pub fn spawn(mut source: Box<dyn Read + Send>) -> Arc<Stdin> {
        let stdin = Arc::new(Stdin::default());
        let s = stdin.clone();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 << 10];
            loop {
                let n = source.read(&mut buf).unwrap_or(0);
                let mut st = s.state.lock().unwrap_or_else(|e| e.into_inner());
                if n == 0 {
                    st.1 = true;
                } else {
                    st.0.extend_from_slice(&buf[..n]);
                }
                s.ready.notify_all();
                if n == 0 {
                    return;
                }
            }
        });
        stdin
    }

    /// What has arrived (waiting up to `wait` for something), or `None` at
    /// the end.
    fn take(&self, wait: Duration) -> Option<Vec<u8>> {
        let st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let (mut st, _) = self
            .ready
            .wait_timeout_while(st, wait, |s| s.0.is_empty() && !s.1)
            .unwrap_or_else(|e| e.into_inner());
        if st.0.is_empty() && st.1 {
            return None;
        }
        Some(std::mem::take(&mut st.0))
    }
}

/// What the server serves and where it reports.
pub struct Served {
    pub module: Vec<u8>,
    /// `{ argv, env, dirs }` for the page.
    pub config: String,
    pub mirrors: Vec<Mirror>,
    pub stdin: Arc<Stdin>,
    pub done: Sender<Done>,
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("a valid header")
}

fn respond(req: Request, status: u16, kind: &str, body: Vec<u8>) {
    let r = Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", kind))
        .with_header(header("Cache-Control", "no-store"))
        .with_header(header("Cross-Origin-Opener-Policy", "same-origin"))
        .with_header(header("Cross-Origin-Embedder-Policy", "require-corp"));
    let _ = req.respond(r);
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next() {
        Some("js") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("html") => "text/html",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    }
}

/// Starts serving on 127.0.0.1 (a free port); returns the port.
pub fn start(served: Served) -> std::io::Result<u16> {
    let server = Server::http("127.0.0.1:0").map_err(std::io::Error::other)?;
    let port = server.server_addr().to_ip().map(|a| a.port()).unwrap_or(0);
    let served = Arc::new(served);
    std::thread::spawn(move || {
        for req in server.incoming_requests() {
            let s = served.clone();
            // Stdin waits: each request on a thread of its own.
            std::thread::spawn(move || handle(&s, req));
        }
    });
    Ok(port)
}

fn handle(s: &Served, mut req: Request) {
    let url = url::Url::parse(&format!("http://x{}", req.url())).ok();
    let Some(url) = url else { return respond(req, 400, "text/plain", Vec::new()) };
    let query = |key: &str| url.query_pairs().find(|(k, _)| k == key).map(|(_, v)| v.into_owned());
    let path = url.path().to_string();
    let mut body = Vec::new();
    if matches!(req.method(), Method::Post | Method::Put) && req.as_reader().read_to_end(&mut body).is_err() {
        return respond(req, 400, "text/plain", Vec::new());
    }
    let dir = |rest: &str| -> Option<(&Mirror, String)> {
        let (i, tail) = rest.split_once('/')?;
        Some((s.mirrors.get(i.parse::<usize>().ok()?)?, tail.to_string()))
    };
    let io = |r: std::io::Result<()>| match r {
        Ok(()) => (204, Vec::new()),
        Err(e) => (500, e.to_string().into_bytes()),
    };
    let (status, kind, out): (u16, &str, Vec<u8>) = match (req.method(), path.as_str()) {
        (Method::Get, "/") => (200, "text/html", PAGE.into()),
        (Method::Get, "/page.js") => (200, "text/javascript", PAGE_JS.into()),
        (Method::Get, "/worker.js") => (200, "text/javascript", WORKER_JS.into()),
        (Method::Get, "/module.wasm") => (200, "application/wasm", s.module.clone()),
        (Method::Get, "/config") => (200, "application/json", s.config.clone().into_bytes()),
        (Method::Get, "/stdin") => match s.stdin.take(Duration::from_secs(20)) {
            Some(bytes) => (200, "application/octet-stream", bytes),
            None => (204, "text/plain", Vec::new()),
        },
        (Method::Get, p) if p.starts_with("/pkg/") => match assets::PKG.iter().find(|(n, _)| *n == &p[5..]) {
            Some((n, bytes)) => (200, mime(n), bytes.to_vec()),
            None => (404, "text/plain", Vec::new()),
        },
        (Method::Post, "/out") => {
            let ok = match query("stream").as_deref() {
                Some("2") => std::io::stderr().write_all(&body).and_then(|_| std::io::stderr().flush()),
                _ => std::io::stdout().write_all(&body).and_then(|_| std::io::stdout().flush()),
            };
            (if ok.is_ok() { 204 } else { 500 }, "text/plain", Vec::new())
        }
        (Method::Post, "/done") => match serde_json::from_slice::<Done>(&body) {
            Ok(done) => {
                let _ = s.done.send(done);
                (204, "text/plain", Vec::new())
            }
            Err(e) => (400, "text/plain", e.to_string().into_bytes()),
        },
        (method, p) if p.starts_with("/dir/") => match (method, dir(&p[5..])) {
            (Method::Get, Some((m, tail))) if tail == "manifest" => match m.manifest() {
                Ok((entries, skipped)) => {
                    if skipped > 0 {
                        eprintln!("browser-wasi-runner: {skipped} names that are not UTF-8 were left out of a --dir");
                    }
                    (200, "application/json", serde_json::to_vec(&entries).unwrap_or_default())
                }
                Err(e) => (500, "text/plain", e.to_string().into_bytes()),
            },
            (Method::Get, Some((m, tail))) if tail == "file" => {
                match m.read(&query("path").unwrap_or_default()) {
                    Ok(bytes) => (200, "application/octet-stream", bytes),
                    Err(e) => (404, "text/plain", e.to_string().into_bytes()),
                }
            }
            (Method::Put, Some((m, tail))) if tail == "file" => {
                let (st, b) = io(m.write(&query("path").unwrap_or_default(), &body));
                (st, "text/plain", b)
            }
            (Method::Post, Some((m, tail))) if tail == "prepare" || tail == "finish" => {
                match serde_json::from_slice::<Changes>(&body) {
                    Ok(c) => {
                        let (st, b) = io(if tail == "prepare" { m.prepare(&c) } else { m.finish(&c) });
                        (st, "text/plain", b)
                    }
                    Err(e) => (400, "text/plain", e.to_string().into_bytes()),
                }
            }
            _ => (404, "text/plain", Vec::new()),
        },
        _ => (404, "text/plain", Vec::new()),
    };
    respond(req, status, kind, out);
}
