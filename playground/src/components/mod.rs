//! What the user sees, one file for each part of the page: the program
//! panel, the editors of the arguments, environment and stdin, the
//! preopened directories, the run bar, the output, the files after the run
//! and the tutorial; and here the page that holds them.

mod editors;
mod files;
mod output;
mod preopens;
mod program;
mod run_bar;
mod tutorial;

pub use editors::{ArgsEditor, EnvEditor, StdinEditor};
pub use files::FilesPanel;
pub use output::OutputView;
pub use preopens::PreopensEditor;
pub use program::ModulePanel;
pub use run_bar::RunBar;
pub use tutorial::Tutorial;

use leptos::prelude::*;

use crate::examples;
use crate::model::RunConfig;
use crate::state::AppState;

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
                <p class="tagline">"Run a wasm32-wasip1 (or -threads) program or a wasm32-wasip2 component in your browser: nothing leaves this page."</p>
            </div>
            <nav>
                <button
                    class="secondary"
                    aria-pressed=move || tutorial.get().to_string()
                    on:click=move |_| tutorial.update(|t| *t = !*t)
                >
                    "Tutorial"
                </button>
                <ShareButton/>
            </nav>
        </header>
        <div
            class="layout"
            class:with-tutorial=move || tutorial.get()
        >
            <Show when=move || tutorial.get()>
                <Tutorial/>
            </Show>
            <main>
                <section
                    class="config"
                    aria-label="Program and setup"
                >
                    <ModulePanel/>
                    <ArgsEditor/>
                    <EnvEditor/>
                    <StdinEditor/>
                    <PreopensEditor/>
                </section>
                <section
                    class="results"
                    aria-label="Run and results"
                >
                    <RunBar/>
                    <OutputView/>
                    <FilesPanel/>
                </section>
            </main>
        </div>
        <Message/>
    }
}

/// Copies a link that reproduces the setup.
#[component]
fn ShareButton() -> impl IntoView {
    let state = expect_context::<AppState>();
    let copied = RwSignal::new(false);
    let share = move |_| {
        if let Some(url) = state.share() {
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&url);
            }
            copied.set(true);
        }
    };
    view! {
        <button
            class="secondary"
            on:click=share
        >
            {move || if copied.get() { "Link copied" } else { "Share" }}
        </button>
    }
}

/// The latest message for the user (an example that did not load, a file
/// that could not be read), until dismissed.
#[component]
fn Message() -> impl IntoView {
    let state = expect_context::<AppState>();
    move || {
        state.message.get().map(|m| {
            view! {
                <div
                    class="toast"
                    role="alert"
                >
                    {m}
                    <button
                        class="link"
                        on:click=move |_| state.message.set(None)
                    >
                        "dismiss"
                    </button>
                </div>
            }
        })
    }
}
