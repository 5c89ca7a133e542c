//! The command line, shaped like `wasmtime run`'s:
//! `browser-wasi-runner [--browser chrome|firefox] [--dir HOST[::GUEST]]...
//! [--env KEY=VALUE]... [--stdin FILE] [--timeout S] MODULE.wasm [ARGS...]`.

use std::path::PathBuf;
use std::time::Duration;

/// Which browser runs the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Browser {
    Chrome,
    Firefox,
}

impl Browser {
    fn parse(s: &str) -> Result<Browser, String> {
        match s {
            "chrome" | "chromium" => Ok(Browser::Chrome),
            "firefox" => Ok(Browser::Firefox),
            other => Err(format!("unknown browser {other:?}: chrome or firefox")),
        }
    }
}

/// A host directory given to the guest (`--dir HOST[::GUEST]`; the guest
/// path is the host path when not given, as in wasmtime).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirArg {
    pub host: PathBuf,
    pub guest: String,
}

/// What to run, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Args {
    pub browser: Browser,
    pub dirs: Vec<DirArg>,
    pub env: Vec<(String, String)>,
    /// A file to read stdin from; otherwise the runner's own stdin.
    pub stdin: Option<PathBuf>,
    pub timeout: Option<Duration>,
    pub module: PathBuf,
    /// The guest's argv: the module's file name, then the arguments.
    pub argv: Vec<String>,
}

pub const USAGE: &str = "usage: browser-wasi-runner [--browser chrome|firefox] [--dir HOST[::GUEST]]... \
[--env KEY=VALUE]... [--stdin FILE] [--timeout SECONDS] MODULE.wasm [ARGS...]";

/// Parses the arguments after the program's name. `browser_env` is
/// `BROWSER_WASI_BROWSER`, used when `--browser` is not given.
pub fn parse(args: impl IntoIterator<Item = String>, browser_env: Option<String>) -> Result<Args, String> {
    let mut it = args.into_iter();
    let mut browser = None;
    let (mut dirs, mut env, mut stdin, mut timeout) = (Vec::new(), Vec::new(), None, None);
    let module = loop {
        let Some(arg) = it.next() else { return Err(USAGE.to_string()) };
        // `--flag=value` and `--flag value` both.
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (arg.clone(), None),
        };
        let mut value =
            |name: &str| inline.clone().or_else(|| it.next()).ok_or(format!("{name} needs a value"));
        match flag.as_str() {
            "--browser" => browser = Some(Browser::parse(&value("--browser")?)?),
            "--dir" => {
                let v = value("--dir")?;
                let (host, guest) = match v.split_once("::") {
                    Some((h, g)) => (h.to_string(), g.to_string()),
                    None => (v.clone(), v.clone()),
                };
                dirs.push(DirArg { host: PathBuf::from(host), guest });
            }
            "--env" => {
                let v = value("--env")?;
                let (k, val) = v.split_once('=').ok_or(format!("--env {v}: expected KEY=VALUE"))?;
                env.push((k.to_string(), val.to_string()));
            }
            "--stdin" => stdin = Some(PathBuf::from(value("--stdin")?)),
            "--timeout" => {
                let v = value("--timeout")?;
                let s: f64 = v.parse().map_err(|_| format!("--timeout {v}: expected seconds"))?;
                timeout = Some(Duration::from_secs_f64(s.max(0.0)));
            }
            "--" => break it.next().ok_or(USAGE.to_string())?,
            "-h" | "--help" => return Err(USAGE.to_string()),
            f if f.starts_with("--") => return Err(format!("unknown option {f}\n{USAGE}")),
            _ => break arg,
        }
    };
    let browser = match (browser, browser_env) {
        (Some(b), _) => b,
        (None, Some(e)) if !e.is_empty() => Browser::parse(&e)?,
        _ => Browser::Chrome,
    };
    let module = PathBuf::from(module);
    let name = module.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let argv = std::iter::once(name).chain(it).collect();
    Ok(Args { browser, dirs, env, stdin, timeout, module, argv })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Result<Args, String> {
        parse(s.iter().map(|a| a.to_string()), None)
    }

    #[test]
    fn flags_are_shaped_like_wasmtime_run() {
        let a = args(&["--dir", ".", "--dir=./data::/data", "--env", "K=V=W", "t.wasm", "--nocapture", "x"])
            .unwrap();
        assert_eq!(a.dirs[0], DirArg { host: ".".into(), guest: ".".into() });
        assert_eq!(a.dirs[1], DirArg { host: "./data".into(), guest: "/data".into() });
        assert_eq!(a.env, [("K".to_string(), "V=W".to_string())]);
        // Flags after the module are the guest's.
        assert_eq!(a.argv, ["t.wasm", "--nocapture", "x"]);
        assert_eq!(a.browser, Browser::Chrome);
    }

    #[test]
    fn the_browser_comes_from_the_flag_then_the_environment() {
        let from_env = parse(["m.wasm".to_string()], Some("firefox".into())).unwrap();
        assert_eq!(from_env.browser, Browser::Firefox);
        let flag =
            parse(["--browser".into(), "chrome".into(), "m.wasm".into()], Some("firefox".into())).unwrap();
        assert_eq!(flag.browser, Browser::Chrome);
        assert!(args(&["--browser", "safari", "m.wasm"]).is_err());
        assert!(args(&[]).is_err());
    }
}
