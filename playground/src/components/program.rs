//! The program panel: the gallery, a file picker and a drop zone; then what
//! the shim sees in the chosen module.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::HtmlInputElement;

use crate::browser::{file_bytes, files_of};
use crate::examples::{self, EXAMPLES};
use crate::state::{AppState, ComponentInfo, Loaded};

/// Choosing a module: the gallery, a file picker, drag and drop; then what
/// the shim sees in it.
#[component]
pub fn ModulePanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    let dragging = RwSignal::new(false);
    let load_file = move |file: web_sys::File| {
        spawn_local(async move {
            match file_bytes(&file).await {
                Ok(bytes) => {
                    state.config.update(|c| c.example = None);
                    state.loaded.set(Some(Loaded::new(file.name(), bytes)));
                }
                Err(e) => state.message.set(Some(e)),
            }
        });
    };
    let drag_over = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(true);
    };
    let drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        if let Some(f) = ev.data_transfer().and_then(|d| d.files()).and_then(|l| l.get(0)) {
            load_file(f);
        }
    };
    let pick = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(f) = files_of(&input).into_iter().next() {
            load_file(f);
        }
    };
    view! {
        <h2>"Program"</h2>
        <div
            class="gallery"
            role="list"
        >
            {EXAMPLES
                .iter()
                .map(|ex| {
                    let name = ex.name;
                    view! {
                        <button
                            role="listitem"
                            class="example"
                            title=ex.blurb
                            class:active=move || state.config.with(|c| c.example.as_deref() == Some(name))
                            on:click=move |_| state.load_example(name.to_string(), examples::default_config(name))
                        >
                            <strong>{ex.title}</strong>
                            <span>{ex.blurb}</span>
                        </button>
                    }
                })
                .collect_view()}
        </div>
        <label
            class="dropzone"
            class:dragging=move || dragging.get()
            on:dragover=drag_over
            on:dragleave=move |_| dragging.set(false)
            on:drop=drop
        >
            <span>"Drop a .wasm file here, or "</span>
            <input
                type="file"
                accept=".wasm,application/wasm"
                aria-label="Choose a .wasm file"
                on:change=pick
            />
        </label>
        {move || state.loaded.get().map(|m| view! { <ModuleSummary loaded=m/> })}
    }
}

/// Why the program cannot run, announced.
#[component]
fn ProblemLine(problem: String) -> impl IntoView {
    view! {
        <p class="error" role="alert">
            {problem}
        </p>
    }
}

/// What the shim sees in a wasip2 component: its size and world, the
/// interfaces it imports, what of them it lacks.
#[component]
fn ComponentSummary(loaded: Loaded, info: ComponentInfo, problem: Option<String>) -> impl IntoView {
    let size = format!(
        " — {} KiB, a wasip2 component of the {} world, {} imported interfaces",
        loaded.bytes.len().div_ceil(1024),
        info.world.clone().unwrap_or_else(|| "(no wasi:cli/run: not a command)".into()),
        info.imports.len()
    );
    view! {
        <div class="summary">
            <p>
                <strong>{loaded.name}</strong>
                {size}
            </p>
            <p class="component">
                "A component runs on the same filesystem and setup as a module. Interactive stdin and the workspace and local folder are for modules only, for now."
            </p>
            <details>
                <summary>"Imports"</summary>
                <p class="imports">{info.imports.join(", ")}</p>
            </details>
            {problem.map(|p| view! { <ProblemLine problem=p/> })}
        </div>
    }
}

/// What the shim sees in a module: its size and WASI imports, what it lacks,
/// and why it cannot run if it cannot.
#[component]
fn ModuleSummary(loaded: Loaded) -> impl IntoView {
    let problem = loaded.problem();
    if let Some(Ok(c)) = loaded.component.clone() {
        return view! { <ComponentSummary loaded=loaded info=c problem=problem/> }.into_any();
    }
    match loaded.info {
        Err(_) => view! {
            <p
                class="error"
                role="alert"
            >
                {format!("{}: {}", loaded.name, problem.unwrap_or_default())}
            </p>
        }
        .into_any(),
        Ok(info) => {
            let unsupported = info.unsupported_imports();
            let names: Vec<String> = info.wasi_imports.iter().map(|i| i.name.clone()).collect();
            let size = format!(" — {} KiB, {} WASI imports", info.size.div_ceil(1024), names.len());
            view! {
                <div class="summary">
                    <p>
                        <strong>{loaded.name}</strong>
                        {size}
                    </p>
                    {info
                        .threads()
                        .is_some()
                        .then(|| {
                            view! {
                                <p class="threads">
                                    "A wasi-threads program: each of its threads runs in a worker of its own, all on one filesystem."
                                </p>
                            }
                        })}
                    <details>
                        <summary>"Imports"</summary>
                        <p class="imports">{names.join(", ")}</p>
                    </details>
                    {(!unsupported.is_empty())
                        .then(|| view! { <p class="error">{format!("Not supported: {}", unsupported.join(", "))}</p> })}
                    {problem.map(|p| view! { <ProblemLine problem=p/> })}
                </div>
            }
            .into_any()
        }
    }
}
