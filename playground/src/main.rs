//! The browser-wasi playground: load a wasip1 module, give it arguments and
//! stdin, run it, and see its output and exit code.

mod args;

use browser_wasi::browser::{self, Termination};
use browser_wasi::module::{self, ModuleInfo};
use browser_wasi::WasiConfig;
use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen_futures::JsFuture;
use web_sys::HtmlInputElement;

fn main() {
    leptos::mount::mount_to_body(App);
}

/// A module the user loaded.
#[derive(Clone)]
struct Loaded {
    name: String,
    bytes: Vec<u8>,
    info: Result<ModuleInfo, String>,
}

/// What the last run produced.
#[derive(Clone, Default)]
struct RunView {
    stdout: String,
    stderr: String,
    status: String,
    ok: bool,
}

#[component]
fn App() -> impl IntoView {
    let loaded = RwSignal::new(None::<Loaded>);
    let args = RwSignal::new(String::new());
    let stdin = RwSignal::new(String::new());
    let result = RwSignal::new(None::<RunView>);
    let running = RwSignal::new(false);

    let on_file = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        spawn_local(async move {
            let Ok(buf) = JsFuture::from(file.array_buffer()).await else {
                return;
            };
            let bytes = js_sys::Uint8Array::new(&buf).to_vec();
            let info = module::inspect(&bytes).map_err(|e| e.to_string());
            loaded.set(Some(Loaded { name: file.name(), bytes, info }));
            result.set(None);
        });
    };

    let run = move |_| {
        let Some(m) = loaded.get_untracked() else {
            return;
        };
        let argv = match args::split(&args.get_untracked()) {
            Ok(a) => a,
            Err(e) => {
                result.set(Some(RunView { status: format!("arguments: {e}"), ..Default::default() }));
                return;
            }
        };
        let config = WasiConfig::new().arg(m.name.clone()).args(argv).stdin(stdin.get_untracked());
        running.set(true);
        spawn_local(async move {
            let view = match browser::run(&m.bytes, config).await {
                Ok(out) => RunView {
                    stdout: String::from_utf8_lossy(&out.stdout.to_vec()).into_owned(),
                    stderr: String::from_utf8_lossy(&out.stderr.to_vec()).into_owned(),
                    ok: out.exit_code() == Some(0),
                    status: match out.termination {
                        Termination::Exit(c) => format!("exit code {c}"),
                        Termination::Trap(m) => format!("trapped: {m}"),
                    },
                },
                Err(e) => RunView { status: e.to_string(), ..Default::default() },
            };
            result.set(Some(view));
            running.set(false);
        });
    };

    view! {
        <header>
            <h1>"browser-wasi playground"</h1>
            <p class="tagline">"Run a wasm32-wasip1 program in your browser."</p>
        </header>
        <main>
            <section class="config">
                <label class="file">
                    "Module (.wasm) "
                    <input type="file" accept=".wasm,application/wasm" on:change=on_file/>
                </label>
                <ModuleSummary loaded=loaded/>
                <label>
                    "Arguments "
                    <input type="text" placeholder="--flag \"quoted arg\"" prop:value=move || args.get()
                        on:input=move |ev| args.set(event_target_value(&ev))/>
                </label>
                <label>
                    "Stdin"
                    <textarea rows="4" prop:value=move || stdin.get()
                        on:input=move |ev| stdin.set(event_target_value(&ev))></textarea>
                </label>
                <button on:click=run disabled=move || running.get() || loaded.with(|l| !matches!(l, Some(Loaded { info: Ok(_), .. })))>
                    {move || if running.get() { "Running…" } else { "Run" }}
                </button>
            </section>
            <section class="output">
                {move || result.get().map(|r| view! {
                    <p class="status" class:ok=r.ok>{r.status}</p>
                    <h2>"stdout"</h2>
                    <pre class="stdout">{r.stdout}</pre>
                    <h2>"stderr"</h2>
                    <pre class="stderr">{r.stderr}</pre>
                })}
            </section>
        </main>
    }
}

/// What the shim sees in the loaded module.
#[component]
fn ModuleSummary(loaded: RwSignal<Option<Loaded>>) -> impl IntoView {
    move || {
        loaded.get().map(|m| match m.info {
            Err(e) => view! { <p class="error">{format!("{}: {e}", m.name)}</p> }.into_any(),
            Ok(info) => {
                let unsupported = info.unsupported_imports();
                let runnable = info.check_runnable().err().map(|e| e.to_string());
                let names: Vec<String> = info.wasi_imports.iter().map(|i| i.name.clone()).collect();
                view! {
                    <div class="summary">
                        <p>{format!("{} — {} bytes, {} WASI imports", m.name, info.size, names.len())}</p>
                        <p class="imports">{names.join(", ")}</p>
                        {(!unsupported.is_empty()).then(|| view! { <p class="error">{format!("unsupported: {}", unsupported.join(", "))}</p> })}
                        {runnable.map(|e| view! { <p class="error">{e}</p> })}
                    </div>
                }
                .into_any()
            }
        })
    }
}
