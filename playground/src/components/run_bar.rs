//! The run bar: Run, Stop, and how the last run ended.

use leptos::prelude::*;

use crate::state::{AppState, Status};

/// Run and Stop, and how the last run ended.
#[component]
pub fn RunBar() -> impl IntoView {
    let state = expect_context::<AppState>();
    let running = move || state.status.get() == Status::Running;
    let runnable = move || state.loaded.with(|l| l.as_ref().is_some_and(|l| l.problem().is_none()));
    let succeeded = move || matches!(state.status.get(), Status::Finished { exit_code: Some(0), .. });
    let status = move || match state.status.get() {
        Status::Idle => String::new(),
        Status::Running => "running…".into(),
        Status::Stopped => "stopped".into(),
        Status::Failed(m) => m,
        Status::Finished { exit_code: Some(c), ms, threads, .. } => {
            format!("exit code {c} · {ms:.0} ms{}", threads_note(threads))
        }
        Status::Finished { trap, ms, threads, .. } => {
            format!("trapped: {} · {ms:.0} ms{}", trap.unwrap_or_default(), threads_note(threads))
        }
    };
    view! {
        <div class="runbar">
            <button
                class="run"
                on:click=move |_| state.run()
                disabled=move || running() || !runnable()
                title="Ctrl+Enter"
            >
                "Run"
            </button>
            <button
                class="stop"
                on:click=move |_| state.stop()
                disabled=move || !running()
            >
                "Stop"
            </button>
            <p
                class="status"
                role="status"
                aria-live="polite"
                class:ok=succeeded
            >
                {status}
            </p>
        </div>
    }
}

/// " · 4 threads" after a wasi-threads program's status; nothing for others.
fn threads_note(threads: u32) -> String {
    match threads {
        0 => String::new(),
        1 => " · 1 thread".into(),
        n => format!(" · {n} threads"),
    }
}
