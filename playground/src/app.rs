//! The playground's components: a module panel, the run configuration, the
//! output, the files after the run, and the tutorial.

use std::collections::BTreeMap;

use browser_wasi::module::{self, ModuleInfo};
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

use crate::ansi::AnsiParser;
use crate::examples::{self, EXAMPLES, STEPS};
use crate::model::{FileEntry, Preopen, RunConfig};
use crate::runner::{self, RunEvent, RunHandle, Stream};

/// The module the user loaded.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub name: String,
    pub bytes: Vec<u8>,
    pub info: Result<ModuleInfo, String>,
}

impl Loaded {
    /// Reads a module's bytes and what the shim sees in it.
    pub fn new(name: String, bytes: Vec<u8>) -> Loaded {
        let info = module::inspect(&bytes).map_err(|e| e.to_string());
        Loaded { name, bytes, info }
    }

    /// Why it cannot run, if it cannot.
    pub fn problem(&self) -> Option<String> {
        match &self.info {
            Err(e) => Some(e.clone()),
            Ok(info) => info.check_runnable().err().map(|e| e.to_string()),
        }
    }
}

/// Where the current or last run is.
#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Idle,
    Running,
    Finished { exit_code: Option<u32>, trap: Option<String>, ms: f64 },
    Stopped,
    Failed(String),
}

/// A styled piece of output.
#[derive(Clone, Debug, PartialEq)]
pub struct Piece {
    pub id: usize,
    pub stderr: bool,
    pub text: String,
    pub classes: String,
}

/// A row of the files panel.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRow {
    pub path: String,
    pub kind: String,
    pub size: f64,
    pub mtime: f64,
    /// Created or changed by the run.
    pub changed: bool,
}

/// The whole state of the page.
#[derive(Clone, Copy)]
pub struct AppState {
    pub loaded: RwSignal<Option<Loaded>>,
    pub config: RwSignal<RunConfig>,
    pub output: RwSignal<Vec<Piece>>,
    pub status: RwSignal<Status>,
    pub files: RwSignal<Vec<FileRow>>,
    pub contents: StoredValue<BTreeMap<String, Vec<u8>>>,
    pub viewing: RwSignal<Option<(String, String)>>,
    pub message: RwSignal<Option<String>>,
    /// The running program waits for typed input.
    pub wants_input: RwSignal<bool>,
    handle: StoredValue<Option<RunHandle>, LocalStorage>,
    parsers: StoredValue<[AnsiParser; 2], LocalStorage>,
}

impl AppState {
    pub fn new() -> AppState {
        AppState {
            loaded: RwSignal::new(None),
            config: RwSignal::new(RunConfig::default()),
            output: RwSignal::new(Vec::new()),
            status: RwSignal::new(Status::Idle),
            files: RwSignal::new(Vec::new()),
            contents: StoredValue::new(BTreeMap::new()),
            viewing: RwSignal::new(None),
            message: RwSignal::new(None),
            wants_input: RwSignal::new(false),
            handle: StoredValue::new_local(None),
            parsers: StoredValue::new_local(Default::default()),
        }
    }

    /// Loads a gallery example: its program and its default setup.
    pub fn load_example(self, name: String, config: RunConfig) {
        self.config.set(config);
        spawn_local(async move {
            match fetch_bytes(&format!("examples/{name}.wasm")).await {
                Ok(bytes) => self.loaded.set(Some(Loaded::new(format!("{name}.wasm"), bytes))),
                Err(e) => self.message.set(Some(format!("could not load the example {name}: {e}"))),
            }
        });
    }

    fn push_output(self, stream: Stream, chunk: &[u8]) {
        let stderr = stream == Stream::Stderr;
        let spans = self.parsers.try_update_value(|p| p[usize::from(stderr)].feed(chunk)).unwrap_or_default();
        // Keeps the page fast on a flood of output: the view holds the last
        // 20,000 pieces.
        self.output.update(|out| {
            let mut id = out.last().map_or(0, |p| p.id + 1);
            for s in spans {
                out.push(Piece { id, stderr, text: s.text, classes: s.style.classes() });
                id += 1;
            }
            if out.len() > 20_000 {
                out.drain(..out.len() - 20_000);
            }
        });
    }

    /// Starts the loaded program with the current setup.
    pub fn run(self) {
        let Some(loaded) = self.loaded.get_untracked() else { return };
        if self.status.get_untracked() == Status::Running || loaded.problem().is_some() {
            return;
        }
        let config = self.config.get_untracked();
        let argv = match crate::args::split(&config.args) {
            Ok(a) => std::iter::once(loaded.name.trim_end_matches(".wasm").to_string()).chain(a).collect(),
            Err(e) => {
                self.status.set(Status::Failed(format!("arguments: {e}")));
                return;
            }
        };
        let before: BTreeMap<String, Vec<u8>> = config
            .preopens
            .iter()
            .flat_map(|p| {
                p.files.iter().map(move |f| {
                    (format!("{}/{}", p.guest_path.trim_end_matches('/'), f.path), f.contents())
                })
            })
            .collect();
        self.output.set(Vec::new());
        self.files.set(Vec::new());
        self.viewing.set(None);
        self.parsers.set_value(Default::default());
        self.status.set(Status::Running);
        let state = self;
        let started = runner::start(&loaded.bytes, argv, &config, move |event| match event {
            RunEvent::Output(stream, chunk) => state.push_output(stream, &chunk),
            RunEvent::Done { exit_code, trap, ms, files, contents } => {
                let rows = files
                    .into_iter()
                    .map(|f| FileRow {
                        changed: f.kind == "file" && before.get(&f.path) != contents.get(&f.path),
                        path: f.path,
                        kind: f.kind,
                        size: f.size,
                        mtime: f.mtime,
                    })
                    .collect();
                state.contents.set_value(contents);
                state.files.set(rows);
                state.status.set(Status::Finished { exit_code, trap, ms });
                state.end_worker();
            }
            RunEvent::Failed { name, message } => {
                state.status.set(Status::Failed(format!("{name}: {message}")));
                state.end_worker();
            }
            RunEvent::StdinWanted => state.wants_input.set(true),
        });
        match started {
            Ok(h) => self.handle.set_value(Some(h)),
            Err(e) => self.status.set(Status::Failed(format!("could not start a worker: {e:?}"))),
        }
    }

    /// Sends a typed line (or the end of input) to the running program, and
    /// shows it in the output.
    pub fn type_input(self, line: Option<String>) {
        self.wants_input.set(false);
        self.handle.with_value(|h| {
            if let Some(h) = h {
                match &line {
                    Some(text) => h.send_stdin(text),
                    None => h.send_eof(),
                }
            }
        });
        if let Some(text) = line {
            self.output.update(|out| {
                let id = out.last().map_or(0, |p| p.id + 1);
                out.push(Piece { id, stderr: false, text, classes: "typed".into() });
            });
        }
    }

    /// Terminates the worker of the current run, if any.
    fn end_worker(self) {
        self.wants_input.set(false);
        self.handle.update_value(|h| {
            if let Some(h) = h.take() {
                h.stop();
            }
        });
    }

    /// Ends the running program at once.
    pub fn stop(self) {
        self.end_worker();
        if self.status.get_untracked() == Status::Running {
            self.status.set(Status::Stopped);
        }
    }

    /// Puts the setup into the address bar, so the link reproduces it.
    pub fn share(self) -> Option<String> {
        let window = web_sys::window()?;
        let hash = format!("#c={}", self.config.get_untracked().to_share());
        window.location().set_hash(&hash).ok()?;
        window.location().href().ok()
    }
}

impl Default for AppState {
    fn default() -> Self {
        AppState::new()
    }
}

/// Fetches a URL's bytes.
pub async fn fetch_bytes(url: &str) -> Result<Vec<u8>, String> {
    let window = web_sys::window().ok_or("no window")?;
    let resp: web_sys::Response =
        JsFuture::from(window.fetch_with_str(url)).await.map_err(|e| format!("{e:?}"))?.unchecked_into();
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let buf = JsFuture::from(resp.array_buffer().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(js_sys::Uint8Array::new(&buf).to_vec())
}

/// Reads a picked or dropped file.
pub async fn file_bytes(file: &web_sys::File) -> Vec<u8> {
    match JsFuture::from(file.array_buffer()).await {
        Ok(buf) => js_sys::Uint8Array::new(&buf).to_vec(),
        Err(_) => Vec::new(),
    }
}

fn files_of(input: &HtmlInputElement) -> Vec<web_sys::File> {
    input.files().map(|l| (0..l.length()).filter_map(|i| l.get(i)).collect()).unwrap_or_default()
}

/// The page.
#[component]
pub fn App() -> impl IntoView {
    let state = AppState::new();
    provide_context(state);
    let tutorial = RwSignal::new(false);

    // A shared link's setup, else the first example.
    let shared = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .and_then(|h| h.strip_prefix("#c=").and_then(RunConfig::from_share));
    match shared {
        Some(c) => match c.example.clone() {
            Some(name) => state.load_example(name, c),
            None => state.config.set(c),
        },
        None => state.load_example("hello".into(), examples::default_config("hello")),
    }

    // Ctrl+Enter runs, from anywhere on the page.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            state.run();
        }
    });
    on_cleanup(move || keys.remove());

    view! {
        <header>
            <div>
                <h1>"browser-wasi playground"</h1>
                <p class="tagline">"Run a wasm32-wasip1 program in your browser: nothing leaves this page."</p>
            </div>
            <nav>
                <button class="secondary" aria-pressed=move || tutorial.get().to_string()
                    on:click=move |_| tutorial.update(|t| *t = !*t)>"Tutorial"</button>
                <ShareButton/>
            </nav>
        </header>
        <div class="layout" class:with-tutorial=move || tutorial.get()>
            <Show when=move || tutorial.get()>
                <Tutorial/>
            </Show>
            <main>
                <section class="config" aria-label="Program and setup">
                    <ModulePanel/>
                    <ArgsEditor/>
                    <EnvEditor/>
                    <StdinEditor/>
                    <PreopensEditor/>
                </section>
                <section class="results" aria-label="Run and results">
                    <RunBar/>
                    <OutputView/>
                    <FilesPanel/>
                </section>
            </main>
        </div>
        {move || state.message.get().map(|m| view! {
            <div class="toast" role="alert">{m}<button class="link" on:click=move |_| state.message.set(None)>"dismiss"</button></div>
        })}
    }
}

/// Copies a link that reproduces the setup.
#[component]
fn ShareButton() -> impl IntoView {
    let state = expect_context::<AppState>();
    let copied = RwSignal::new(false);
    view! {
        <button class="secondary" on:click=move |_| {
            if let Some(url) = state.share() {
                if let Some(w) = web_sys::window() {
                    let _ = w.navigator().clipboard().write_text(&url);
                }
                copied.set(true);
            }
        }>{move || if copied.get() { "Link copied" } else { "Share" }}</button>
    }
}

/// Choosing a module: the gallery, a file picker, drag and drop; then what
/// the shim sees in it.
#[component]
pub fn ModulePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let dragging = RwSignal::new(false);
    let load_file = move |file: web_sys::File| {
        spawn_local(async move {
            let bytes = file_bytes(&file).await;
            state.config.update(|c| c.example = None);
            state.loaded.set(Some(Loaded::new(file.name(), bytes)));
        });
    };
    view! {
        <h2>"Program"</h2>
        <div class="gallery" role="list">
            {EXAMPLES.iter().map(|ex| {
                let name = ex.name;
                view! {
                    <button role="listitem" class="example" title=ex.blurb
                        class:active=move || state.config.with(|c| c.example.as_deref() == Some(name))
                        on:click=move |_| state.load_example(name.to_string(), examples::default_config(name))>
                        <strong>{ex.title}</strong><span>{ex.blurb}</span>
                    </button>
                }
            }).collect_view()}
        </div>
        <label class="dropzone" class:dragging=move || dragging.get()
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragleave=move |_| dragging.set(false)
            on:drop=move |ev: leptos::ev::DragEvent| {
                ev.prevent_default();
                dragging.set(false);
                if let Some(f) = ev.data_transfer().and_then(|d| d.files()).and_then(|l| l.get(0)) {
                    load_file(f);
                }
            }>
            <span>"Drop a .wasm file here, or "</span>
            <input type="file" accept=".wasm,application/wasm" aria-label="Choose a .wasm file"
                on:change=move |ev| {
                    let input: HtmlInputElement = event_target(&ev);
                    if let Some(f) = files_of(&input).into_iter().next() { load_file(f); }
                }/>
        </label>
        {move || state.loaded.get().map(|m| {
            let problem = m.problem();
            match m.info {
                Err(_) => view! { <p class="error" role="alert">{format!("{}: {}", m.name, problem.unwrap_or_default())}</p> }.into_any(),
                Ok(info) => {
                    let unsupported = info.unsupported_imports();
                    let names: Vec<String> = info.wasi_imports.iter().map(|i| i.name.clone()).collect();
                    view! {
                        <div class="summary">
                            <p><strong>{m.name.clone()}</strong>{format!(" — {} KiB, {} WASI imports", (info.size + 1023) / 1024, names.len())}</p>
                            <details><summary>"Imports"</summary><p class="imports">{names.join(", ")}</p></details>
                            {(!unsupported.is_empty()).then(|| view! { <p class="error">{format!("Not supported: {}", unsupported.join(", "))}</p> })}
                            {problem.map(|p| view! { <p class="error" role="alert">{p}</p> })}
                        </div>
                    }.into_any()
                }
            }
        })}
    }
}

/// The command line.
#[component]
pub fn ArgsEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let parsed = move || crate::args::split(&state.config.with(|c| c.args.clone()));
    view! {
        <h2><label for="args">"Arguments"</label></h2>
        <input id="args" type="text" spellcheck="false" placeholder="--flag \"quoted arg\""
            prop:value=move || state.config.with(|c| c.args.clone())
            on:input=move |ev| { let v = event_target_value(&ev); state.config.update(|c| c.args = v); }/>
        <p class="hint">{move || match parsed() {
            Ok(a) if a.is_empty() => "no arguments".to_string(),
            Ok(a) => format!("argv[1..] = {a:?}"),
            Err(e) => format!("⚠ {e}"),
        }}</p>
    }
}

/// Environment variables as editable rows.
#[component]
pub fn EnvEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    // Re-render the rows only when their number changes (typing must not
    // rebuild the inputs under the cursor).
    let rows = Memo::new(move |_| state.config.with(|c| c.env.len()));
    let rows = move || rows.get();
    view! {
        <h2>"Environment"</h2>
        <div class="rows">
            {move || (0..rows()).map(|i| view! {
                <div class="row">
                    <input type="text" aria-label="name" placeholder="NAME" spellcheck="false"
                        prop:value=move || state.config.with(|c| c.env.get(i).map(|e| e.0.clone()).unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); state.config.update(|c| if let Some(e) = c.env.get_mut(i) { e.0 = v; }); }/>
                    <input type="text" aria-label="value" placeholder="value" spellcheck="false"
                        prop:value=move || state.config.with(|c| c.env.get(i).map(|e| e.1.clone()).unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); state.config.update(|c| if let Some(e) = c.env.get_mut(i) { e.1 = v; }); }/>
                    <button class="icon" aria-label="remove variable" on:click=move |_| state.config.update(|c| { if i < c.env.len() { c.env.remove(i); } })>"×"</button>
                </div>
            }).collect_view()}
        </div>
        <button class="link" on:click=move |_| state.config.update(|c| c.env.push((String::new(), String::new())))>"+ variable"</button>
    }
}

/// What the program reads on stdin.
#[component]
pub fn StdinEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <h2><label for="stdin">"Stdin"</label></h2>
        <label class="small"><input type="checkbox" id="interactive"
            prop:checked=move || state.config.with(|c| c.interactive)
            on:change=move |ev| { let v = event_target_checked(&ev); state.config.update(|c| c.interactive = v); }/>
            " interactive: type it while the program runs"</label>
        <textarea id="stdin" rows="3" spellcheck="false" prop:disabled=move || state.config.with(|c| c.interactive)
            prop:value=move || state.config.with(|c| c.stdin.clone())
            on:input=move |ev| { let v = event_target_value(&ev); state.config.update(|c| c.stdin = v); }></textarea>
        <label class="small">"or from a file "
            <input type="file" on:change=move |ev| {
                let input: HtmlInputElement = event_target(&ev);
                if let Some(f) = files_of(&input).into_iter().next() {
                    spawn_local(async move {
                        let text = String::from_utf8_lossy(&file_bytes(&f).await).into_owned();
                        state.config.update(|c| c.stdin = text);
                    });
                }
            }/>
        </label>
    }
}

/// The preopened directories and their files.
#[component]
pub fn PreopensEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let count = Memo::new(move |_| state.config.with(|c| c.preopens.len()));
    let count = move || count.get();
    view! {
        <h2>"Preopened directories"</h2>
        {move || (0..count()).map(|d| view! { <PreopenEditor index=d/> }).collect_view()}
        <button class="link" on:click=move |_| state.config.update(|c| {
            let n = c.preopens.len();
            c.preopens.push(Preopen { guest_path: if n == 0 { "/data".into() } else { format!("/dir{n}") }, readonly: false, files: Vec::new() });
        })>"+ directory"</button>
    }
}

#[component]
fn PreopenEditor(index: usize) -> impl IntoView {
    let state = expect_context::<AppState>();
    let editing = RwSignal::new(None::<usize>);
    let with_dir = move |f: &dyn Fn(&Preopen) -> String| {
        state.config.with(|c| c.preopens.get(index).map(f).unwrap_or_default())
    };
    let update = move |f: Box<dyn FnOnce(&mut Preopen)>| {
        state.config.update(|c| {
            if let Some(p) = c.preopens.get_mut(index) {
                f(p)
            }
        })
    };
    let upload = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        for file in files_of(&input) {
            spawn_local(async move {
                let rel = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                    .ok()
                    .and_then(|p| p.as_string())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| file.name());
                let entry = FileEntry::uploaded(rel, file_bytes(&file).await);
                state.config.update(|c| {
                    if let Some(p) = c.preopens.get_mut(index) {
                        p.files.retain(|f| f.path != entry.path);
                        p.files.push(entry);
                    }
                });
            });
        }
    };
    let files = Memo::new(move |_| {
        state.config.with(|c| {
            c.preopens
                .get(index)
                .map(|p| {
                    p.files
                        .iter()
                        .map(|f| (f.path.clone(), f.text.is_some(), f.contents().len()))
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    });
    let files = move || files.get();
    view! {
        <fieldset class="preopen">
            <legend>
                <input type="text" class="guest-path" aria-label="guest path" spellcheck="false"
                    prop:value=move || with_dir(&|p| p.guest_path.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |p| p.guest_path = v)); }/>
            </legend>
            <label class="small"><input type="checkbox"
                prop:checked=move || state.config.with(|c| c.preopens.get(index).is_some_and(|p| p.readonly))
                on:change=move |ev| { let v = event_target_checked(&ev); update(Box::new(move |p| p.readonly = v)); }/>" read-only"</label>
            <ul class="files">
                {move || files().into_iter().enumerate().map(|(i, (path, is_text, size))| view! {
                    <li>
                        <span class="path">{path.clone()}</span>
                        <span class="size">{format!("{size} B")}</span>
                        {is_text.then(|| view! { <button class="link" aria-label=format!("edit {path}") on:click=move |_| editing.update(|e| *e = if *e == Some(i) { None } else { Some(i) })>"edit"</button> })}
                        <button class="icon" aria-label=format!("remove {path}") on:click=move |_| update(Box::new(move |p| { if i < p.files.len() { p.files.remove(i); } }))>"×"</button>
                    </li>
                }).collect_view()}
            </ul>
            {move || editing.get().map(|i| view! {
                <div class="editor">
                    <input type="text" aria-label="file name" spellcheck="false"
                        prop:value=move || with_dir(&|p| p.files.get(i).map(|f| f.path.clone()).unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |p| if let Some(f) = p.files.get_mut(i) { f.path = v; })); }/>
                    <textarea rows="6" spellcheck="false" aria-label="file contents"
                        prop:value=move || with_dir(&|p| p.files.get(i).and_then(|f| f.text.clone()).unwrap_or_default())
                        on:input=move |ev| { let v = event_target_value(&ev); update(Box::new(move |p| if let Some(f) = p.files.get_mut(i) { f.text = Some(v); })); }></textarea>
                </div>
            })}
            <div class="actions">
                <button class="link" on:click=move |_| {
                    update(Box::new(|p| {
                        let mut n = p.files.len() + 1;
                        while p.files.iter().any(|f| f.path == format!("new{n}.txt")) { n += 1; }
                        p.files.push(FileEntry::text(&format!("new{n}.txt"), ""));
                    }));
                    editing.set(Some(state.config.with_untracked(|c| c.preopens.get(index).map_or(0, |p| p.files.len() - 1))));
                }>"+ new file"</button>
                <label class="link">"upload files"<input type="file" multiple class="hidden" on:change=upload/></label>
                <label class="link">"upload a folder"<input type="file" multiple prop:webkitdirectory=true class="hidden" on:change=upload/></label>
                <button class="link danger" on:click=move |_| state.config.update(|c| { if index < c.preopens.len() { c.preopens.remove(index); } })>"remove directory"</button>
            </div>
        </fieldset>
    }
}

/// Run and Stop, and how the last run ended.
#[component]
pub fn RunBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let running = move || state.status.get() == Status::Running;
    let runnable = move || state.loaded.with(|l| l.as_ref().is_some_and(|l| l.problem().is_none()));
    view! {
        <div class="runbar">
            <button class="run" on:click=move |_| state.run() disabled=move || running() || !runnable() title="Ctrl+Enter">"Run"</button>
            <button class="stop" on:click=move |_| state.stop() disabled=move || !running()>"Stop"</button>
            <p class="status" role="status" aria-live="polite" class:ok=move || matches!(state.status.get(), Status::Finished { exit_code: Some(0), .. })>
                {move || match state.status.get() {
                    Status::Idle => String::new(),
                    Status::Running => "running…".into(),
                    Status::Stopped => "stopped".into(),
                    Status::Failed(m) => m,
                    Status::Finished { exit_code: Some(c), ms, .. } => format!("exit code {c} · {ms:.0} ms"),
                    Status::Finished { trap, ms, .. } => format!("trapped: {} · {ms:.0} ms", trap.unwrap_or_default()),
                }}
            </p>
        </div>
    }
}

/// stdout and stderr as they arrive, interleaved, colours rendered.
#[component]
pub fn OutputView() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <h2>"Output " <span class="legend"><span class="stdout">"stdout"</span>" "<span class="stderr">"stderr"</span></span></h2>
        <pre class="output" aria-label="program output" tabindex="0">
            <For each=move || state.output.get() key=|p| p.id let:p>
                <span class=format!("{}{}", if p.stderr { "stderr " } else { "" }, p.classes)>{p.text}</span>
            </For>
        </pre>
        <Show when=move || state.status.get() == Status::Running && state.config.with(|c| c.interactive)>
            <StdinLine/>
        </Show>
    }
}

/// Where interactive input is typed while the program runs: Enter sends a
/// line, "End input" closes stdin.
#[component]
fn StdinLine() -> impl IntoView {
    let state = expect_context::<AppState>();
    let line = RwSignal::new(String::new());
    let send = move || {
        let text = format!("{}\n", line.get_untracked());
        line.set(String::new());
        state.type_input(Some(text));
    };
    view! {
        <div class="stdin-line">
            <input id="stdin-line" type="text" spellcheck="false" aria-label="input for the program"
                placeholder=move || if state.wants_input.get() { "the program waits for input…" } else { "type input, Enter sends" }
                prop:value=move || line.get()
                on:input=move |ev| line.set(event_target_value(&ev))
                on:keydown=move |ev| if ev.key() == "Enter" && !ev.ctrl_key() { ev.prevent_default(); send(); }/>
            <button class="secondary" on:click=move |_| send()>"Send"</button>
            <button class="secondary" on:click=move |_| state.type_input(None)>"End input"</button>
        </div>
    }
}

/// The preopens after the run: what changed, view, download.
#[component]
pub fn FilesPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let download = move |path: String| {
        let bytes = state.contents.with_value(|c| c.get(&path).cloned()).unwrap_or_default();
        let _ = download_bytes(&path, &bytes);
    };
    let view_file = move |path: String| {
        let text =
            state.contents.with_value(|c| c.get(&path).map(|b| String::from_utf8_lossy(b).into_owned()));
        state.viewing.set(text.map(|t| (path, t)));
    };
    view! {
        <Show when=move || !state.files.with(Vec::is_empty)>
            <h2>"Files after the run"</h2>
            <table class="filetable">
                <thead><tr><th>"path"</th><th>"size"</th><th>"modified"</th><th></th></tr></thead>
                <tbody>
                    <For each=move || state.files.get() key=|f| f.path.clone() let:f>
                        <tr class:changed=f.changed>
                            <td class="path">{f.path.clone()}{f.changed.then(|| view! { <span class="badge">"changed"</span> })}</td>
                            <td>{if f.kind == "file" { format!("{} B", f.size) } else { f.kind.clone() }}</td>
                            <td>{js_sys::Date::new(&f.mtime.into()).to_locale_time_string("en-GB").as_string().unwrap_or_default()}</td>
                            <td>{(f.kind == "file").then(|| {
                                let (p1, p2) = (f.path.clone(), f.path.clone());
                                view! {
                                    <button class="link" on:click=move |_| view_file(p1.clone())>"view"</button>
                                    <button class="link" on:click=move |_| download(p2.clone())>"download"</button>
                                }
                            })}</td>
                        </tr>
                    </For>
                </tbody>
            </table>
        </Show>
        {move || state.viewing.get().map(|(path, text)| view! {
            <div class="viewer">
                <h3>{path}<button class="link" on:click=move |_| state.viewing.set(None)>"close"</button></h3>
                <pre>{text}</pre>
            </div>
        })}
    }
}

fn download_bytes(name: &str, bytes: &[u8]) -> Result<(), wasm_bindgen::JsValue> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name.rsplit('/').next().unwrap_or("file"));
    a.click();
    web_sys::Url::revoke_object_url(&url)
}

/// The tutorial: steps that load an example, each with what to try.
#[component]
pub fn Tutorial() -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = RwSignal::new(None::<usize>);
    view! {
        <aside class="tutorial" aria-label="Tutorial">
            <h2>"Tutorial"</h2>
            <ol>
                {STEPS.iter().enumerate().map(|(i, step)| view! {
                    <li class:current=move || current.get() == Some(i)>
                        <button class="link step" on:click=move |_| {
                            current.set(Some(i));
                            let config = examples::step_config(&STEPS[i]);
                            state.load_example(STEPS[i].example.to_string(), config);
                        }>{step.title}</button>
                        <Show when=move || current.get() == Some(i)>
                            <p>{STEPS[i].text}</p>
                        </Show>
                    </li>
                }).collect_view()}
            </ol>
        </aside>
    }
}
