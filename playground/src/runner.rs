//! Runs a program in a Web Worker (`runner.js`) so that the page stays
//! responsive, and so that Stop can end any program at once by terminating
//! the worker; a wasi-threads program runs from the page itself
//! (`js/page.js`: its threads are workers already) and Stop aborts
//! it. Both speak `www/run_program.js`'s messages.

use std::collections::BTreeMap;

use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use crate::model::{RunConfig, FOLDER_PATH, WORKSPACE_PATH};

#[wasm_bindgen(module = "/js/page.js")]
extern "C" {
    /// A runner on the page, shaped like the runner worker.
    #[derive(Clone)]
    type PageRunner;
    /// Starts loading browser-wasi on the page; `on_message` receives
    /// `{ data }` events as a worker's `onmessage` would.
    fn start_on_page(on_message: &js_sys::Function) -> PageRunner;
    #[wasm_bindgen(method, js_name = postMessage)]
    fn post_message(this: &PageRunner, message: &JsValue);
    /// Stops the run (aborts its signal) and drops its later messages.
    #[wasm_bindgen(method)]
    fn terminate(this: &PageRunner);
}

/// Where a program runs.
enum Runner {
    Worker(Worker),
    Page(PageRunner),
}

impl Runner {
    fn post(&self, message: &JsValue) {
        match self {
            Runner::Worker(w) => {
                let _ = w.post_message(message);
            }
            Runner::Page(p) => p.post_message(message),
        }
    }
}

/// Which output stream a chunk came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// A file, directory or link after the run.
#[derive(Clone, Debug, PartialEq)]
pub struct FileInfo {
    pub path: String,
    pub kind: String,
    pub size: f64,
    /// Milliseconds since the epoch.
    pub mtime: f64,
    /// Changed by the run, as the runner saw it (for a directory kept in a
    /// handle, whose earlier contents the page does not have).
    pub changed: Option<bool>,
}

/// What the worker reports.
#[derive(Clone, Debug)]
pub enum RunEvent {
    Output(Stream, Vec<u8>),
    Done {
        exit_code: Option<u32>,
        trap: Option<String>,
        /// Stopped on request ([`RunHandle::request_stop`]).
        stopped: bool,
        ms: f64,
        /// Threads a wasi-threads program started (0 for others).
        threads: u32,
        files: Vec<FileInfo>,
        contents: BTreeMap<String, Vec<u8>>,
        /// Why a directory handle did not take what the program left
        /// unsynced, if it refused (a full quota).
        store_error: Option<String>,
    },
    /// The program could not be run (not a wasip1 module, say).
    Failed {
        name: String,
        message: String,
    },
    /// The program waits for interactive input.
    StdinWanted,
}

/// A running program. Dropping it leaves the program running; `stop` ends
/// it.
pub struct RunHandle {
    runner: Runner,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
}

impl RunHandle {
    /// Sends typed input to the program (interactive stdin).
    pub fn send_stdin(&self, text: &str) {
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"type".into(), &"stdin".into());
        let _ = Reflect::set(&msg, &"text".into(), &text.into());
        self.runner.post(&msg);
    }

    /// Ends the program's input.
    pub fn send_eof(&self) {
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"type".into(), &"eof".into());
        self.runner.post(&msg);
    }

    /// Asks the program to stop (aborts its run's signal): it ends at its
    /// next WASI call, a threads program at once, and reports `Done` with
    /// `stopped` and its files. One that spins without calls goes on:
    /// [`RunHandle::stop`] ends it.
    pub fn request_stop(&self) {
        let msg = Object::new();
        let _ = Reflect::set(&msg, &"type".into(), &"stop".into());
        self.runner.post(&msg);
    }

    /// Ends the program now, wherever it is. Messages it had already sent
    /// are dropped.
    pub fn stop(&self) {
        match &self.runner {
            Runner::Worker(w) => {
                w.set_onmessage(None);
                w.terminate();
            }
            Runner::Page(p) => p.terminate(),
        }
    }
}

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &k.into()).unwrap_or(JsValue::UNDEFINED)
}

fn event(data: &JsValue) -> Option<RunEvent> {
    match get(data, "type").as_string()?.as_str() {
        "output" => {
            let stream =
                if get(data, "stream").as_string()? == "stderr" { Stream::Stderr } else { Stream::Stdout };
            Some(RunEvent::Output(stream, get(data, "chunk").dyn_into::<Uint8Array>().ok()?.to_vec()))
        }
        "done" => {
            let files = get(data, "files")
                .dyn_into::<Array>()
                .ok()?
                .iter()
                .map(|f| FileInfo {
                    path: get(&f, "path").as_string().unwrap_or_default(),
                    kind: get(&f, "type").as_string().unwrap_or_default(),
                    size: get(&f, "size").as_f64().unwrap_or(0.0),
                    mtime: get(&f, "mtime").as_f64().unwrap_or(0.0),
                    changed: get(&f, "changed").as_bool(),
                })
                .collect();
            let contents_obj = get(data, "contents");
            let mut contents = BTreeMap::new();
            if let Some(o) = contents_obj.dyn_ref::<Object>() {
                for e in Object::entries(o).iter() {
                    let e: Array = e.unchecked_into();
                    if let (Some(k), Ok(v)) = (e.get(0).as_string(), e.get(1).dyn_into::<Uint8Array>()) {
                        contents.insert(k, v.to_vec());
                    }
                }
            }
            Some(RunEvent::Done {
                exit_code: get(data, "exitCode").as_f64().map(|c| c as u32),
                trap: get(data, "trap").as_string(),
                stopped: get(data, "stopped").as_bool().unwrap_or(false),
                ms: get(data, "ms").as_f64().unwrap_or(0.0),
                threads: get(data, "threads").as_f64().unwrap_or(0.0) as u32,
                files,
                contents,
                store_error: get(data, "storeError").as_string(),
            })
        }
        "stdin-wanted" => Some(RunEvent::StdinWanted),
        "error" => Some(RunEvent::Failed {
            name: get(data, "name").as_string().unwrap_or_default(),
            message: get(data, "message").as_string().unwrap_or_default(),
        }),
        _ => None,
    }
}

/// The run request the worker expects; `folder`: a local folder's handle,
/// preopened at [`FOLDER_PATH`].
fn request(
    module: &[u8],
    argv: Vec<String>,
    config: &RunConfig,
    folder: Option<&JsValue>,
) -> Result<JsValue, JsValue> {
    let msg = Object::new();
    Reflect::set(&msg, &"type".into(), &"run".into())?;
    Reflect::set(&msg, &"module".into(), &Uint8Array::from(module))?;
    Reflect::set(&msg, &"args".into(), &argv.iter().map(JsValue::from).collect::<Array>())?;
    let env = Object::new();
    for var in &config.env {
        if !var.name.is_empty() {
            Reflect::set(&env, &var.name.as_str().into(), &var.value.as_str().into())?;
        }
    }
    Reflect::set(&msg, &"env".into(), &env)?;
    Reflect::set(&msg, &"stdin".into(), &config.stdin.as_str().into())?;
    Reflect::set(&msg, &"interactive".into(), &config.interactive.into())?;
    let preopens = Object::new();
    let readonly = Array::new();
    for p in &config.preopens {
        let root = Object::new();
        for f in &p.files {
            let mut dir = root.clone();
            let parts: Vec<&str> = f.path.split('/').filter(|s| !s.is_empty()).collect();
            let Some((name, dirs)) = parts.split_last() else { continue };
            for d in dirs {
                let next = Reflect::get(&dir, &(*d).into())?;
                dir = if next.is_object() {
                    next.unchecked_into()
                } else {
                    let o = Object::new();
                    Reflect::set(&dir, &(*d).into(), &o)?;
                    o
                };
            }
            Reflect::set(&dir, &(*name).into(), &Uint8Array::from(&f.contents()[..]))?;
        }
        Reflect::set(&preopens, &p.guest_path.as_str().into(), &root)?;
        if p.readonly {
            readonly.push(&p.guest_path.as_str().into());
        }
    }
    Reflect::set(&msg, &"preopens".into(), &preopens)?;
    Reflect::set(&msg, &"readonly".into(), &readonly)?;
    if config.workspace {
        Reflect::set(&msg, &"workspace".into(), &WORKSPACE_PATH.into())?;
    }
    if let Some(handle) = folder {
        let f = Object::new();
        Reflect::set(&f, &"path".into(), &FOLDER_PATH.into())?;
        Reflect::set(&f, &"handle".into(), handle)?;
        Reflect::set(&msg, &"folder".into(), &f)?;
    }
    Ok(msg.into())
}

/// Starts `module` in a new worker, or on the page if it is a wasi-threads
/// program (`threads`); `on_event` receives its output as it comes, then
/// how it ended.
pub fn start(
    module: &[u8],
    argv: Vec<String>,
    config: &RunConfig,
    folder: Option<&JsValue>,
    threads: bool,
    mut on_event: impl FnMut(RunEvent) + 'static,
) -> Result<RunHandle, JsValue> {
    let msg = request(module, argv, config, folder)?;
    // The request goes out once the runner says it is ready, through this.
    let post: std::rc::Rc<std::cell::OnceCell<Runner>> = Default::default();
    let poster = post.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let data = ev.data();
        if get(&data, "type").as_string().as_deref() == Some("ready") {
            if let Some(r) = poster.get() {
                r.post(&msg);
            }
        } else if let Some(e) = event(&data) {
            on_event(e);
        }
    });
    let runner = if threads {
        let page = start_on_page(on_message.as_ref().unchecked_ref());
        let _ = post.set(Runner::Page(page.clone()));
        Runner::Page(page)
    } else {
        let opts = WorkerOptions::new();
        opts.set_type(WorkerType::Module);
        let worker = Worker::new_with_options("./runner.js", &opts)?;
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        let _ = post.set(Runner::Worker(worker.clone()));
        Runner::Worker(worker)
    };
    Ok(RunHandle { runner, _on_message: on_message })
}
