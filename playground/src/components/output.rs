//! The output of the run, and the line where interactive input is typed.

use leptos::prelude::*;

use crate::state::{AppState, Status};

/// stdout and stderr as they arrive, interleaved, colours rendered.
#[component]
pub fn OutputView() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <h2>
            "Output "
            <span class="legend">
                <span class="stdout">"stdout"</span>
                " "
                <span class="stderr">"stderr"</span>
            </span>
        </h2>
        <pre
            class="output"
            aria-label="program output"
            tabindex="0"
        >
            <For
                each=move || state.output.get()
                key=|p| p.id
                let:p
            >
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
    let placeholder = move || {
        if state.wants_input.get() {
            "the program waits for input…"
        } else {
            "type input, Enter sends"
        }
    };
    view! {
        <div class="stdin-line">
            <input
                id="stdin-line"
                type="text"
                spellcheck="false"
                aria-label="input for the program"
                placeholder=placeholder
                prop:value=move || line.get()
                on:input=move |ev| line.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" && !ev.ctrl_key() {
                        ev.prevent_default();
                        send();
                    }
                }
            />
            <button
                class="secondary"
                on:click=move |_| send()
            >
                "Send"
            </button>
            <button
                class="secondary"
                on:click=move |_| state.type_input(None)
            >
                "End input"
            </button>
        </div>
    }
}
