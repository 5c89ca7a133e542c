//! The editors of what the program starts with: its arguments, its
//! environment variables and its stdin.

use leptos::prelude::*;
use leptos::task::spawn_local;
use web_sys::HtmlInputElement;

use crate::browser::{file_bytes, files_of};
use crate::model::{EnvVar, RowId};
use crate::state::AppState;

/// The command line.
#[component]
pub fn ArgsEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let parsed = move || crate::args::split(&state.config.with(|c| c.args.clone()));
    view! {
        <h2><label for="args">"Arguments"</label></h2>
        <input
            id="args"
            type="text"
            spellcheck="false"
            placeholder="--flag \"quoted arg\""
            prop:value=move || state.config.with(|c| c.args.clone())
            on:input=move |ev| {
                let v = event_target_value(&ev);
                state.config.update(|c| c.args = v);
            }
        />
        <p class="hint">
            {move || match parsed() {
                Ok(a) if a.is_empty() => "no arguments".to_string(),
                Ok(a) => format!("argv[1..] = {a:?}"),
                Err(e) => format!("⚠ {e}"),
            }}
        </p>
    }
}

/// Environment variables as editable rows.
#[component]
pub fn EnvEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The rows are keyed by their ids: adding or removing one leaves the
    // others' inputs (and the cursor in them) as they are, and typing
    // rebuilds nothing.
    let ids = Memo::new(move |_| state.config.with(|c| c.env.iter().map(|v| v.id).collect::<Vec<_>>()));
    view! {
        <h2>"Environment"</h2>
        <div class="rows">
            <For
                each=move || ids.get()
                key=|id| *id
                let:id
            >
                <EnvRow id=id/>
            </For>
        </div>
        <button
            class="link"
            on:click=move |_| state.config.update(|c| c.env.push(EnvVar::new("", "")))
        >
            "+ variable"
        </button>
    }
}

/// One environment variable: its name, its value, and removing it.
#[component]
fn EnvRow(id: RowId) -> impl IntoView {
    let state = expect_context::<AppState>();
    let read =
        move |field: fn(&EnvVar) -> &String| state.with_env_var(id, |v| field(v).clone()).unwrap_or_default();
    let write = move |field: fn(&mut EnvVar) -> &mut String, text: String| {
        state.update_env_var(id, |v| *field(v) = text)
    };
    view! {
        <div class="row">
            <input
                type="text"
                aria-label="name"
                placeholder="NAME"
                spellcheck="false"
                prop:value=move || read(|v| &v.name)
                on:input=move |ev| write(|v| &mut v.name, event_target_value(&ev))
            />
            <input
                type="text"
                aria-label="value"
                placeholder="value"
                spellcheck="false"
                prop:value=move || read(|v| &v.value)
                on:input=move |ev| write(|v| &mut v.value, event_target_value(&ev))
            />
            <button
                class="icon"
                aria-label="remove variable"
                on:click=move |_| state.config.update(|c| c.env.retain(|v| v.id != id))
            >
                "×"
            </button>
        </div>
    }
}

/// What the program reads on stdin: typed up front, read from a file, or
/// typed while it runs.
#[component]
pub fn StdinEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let interactive = move || state.config.with(|c| c.interactive);
    let from_file = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(f) = files_of(&input).into_iter().next() {
            spawn_local(async move {
                match file_bytes(&f).await {
                    Ok(bytes) => {
                        let text = String::from_utf8_lossy(&bytes).into_owned();
                        state.config.update(|c| c.stdin = text);
                    }
                    Err(e) => state.message.set(Some(e)),
                }
            });
        }
    };
    view! {
        <h2><label for="stdin">"Stdin"</label></h2>
        <label class="small">
            <input
                type="checkbox"
                id="interactive"
                prop:checked=interactive
                on:change=move |ev| {
                    let v = event_target_checked(&ev);
                    state.config.update(|c| c.interactive = v);
                }
            />
            " interactive: type it while the program runs"
        </label>
        <textarea
            id="stdin"
            rows="3"
            spellcheck="false"
            prop:disabled=interactive
            prop:value=move || state.config.with(|c| c.stdin.clone())
            on:input=move |ev| {
                let v = event_target_value(&ev);
                state.config.update(|c| c.stdin = v);
            }
        ></textarea>
        <label class="small">
            "or from a file "
            <input
                type="file"
                on:change=from_file
            />
        </label>
    }
}
