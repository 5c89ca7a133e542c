//! The tutorial beside the page.

use leptos::prelude::*;

use crate::examples::{self, STEPS};
use crate::state::AppState;

/// The tutorial: steps that load an example, each with what to try.
#[component]
pub fn Tutorial() -> impl IntoView {
    let state = expect_context::<AppState>();
    let current = RwSignal::new(None::<usize>);
    let steps = STEPS
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let open = move |_| {
                current.set(Some(i));
                let config = examples::step_config(&STEPS[i]);
                state.load_example(STEPS[i].example.to_string(), config);
            };
            view! {
                <li class:current=move || current.get() == Some(i)>
                    <button
                        class="link step"
                        on:click=open
                    >
                        {step.title}
                    </button>
                    <Show when=move || current.get() == Some(i)>
                        <p>{STEPS[i].text}</p>
                    </Show>
                </li>
            }
        })
        .collect_view();
    view! {
        <aside
            class="tutorial"
            aria-label="Tutorial"
        >
            <h2>"Tutorial"</h2>
            <ol>{steps}</ol>
        </aside>
    }
}
