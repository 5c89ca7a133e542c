//! The files the run left in the preopened directories: which changed,
//! viewing one, downloading one.

use leptos::prelude::*;

use crate::browser::download_bytes;
use crate::state::{AppState, FileRow};

/// The preopens after the run: what changed, view, download.
#[component]
pub fn FilesPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || !state.files.with(Vec::is_empty)>
            <h2>"Files after the run"</h2>
            <table class="filetable">
                <thead>
                    <tr>
                        <th>"path"</th>
                        <th>"size"</th>
                        <th>"modified"</th>
                        <th></th>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || state.files.get()
                        key=|f| f.path.clone()
                        let:f
                    >
                        <FileRowView row=f/>
                    </For>
                </tbody>
            </table>
        </Show>
        {move || state.viewing.get().map(|(path, text)| view! {
            <div class="viewer">
                <h3>
                    {path}
                    <button
                        class="link"
                        on:click=move |_| state.viewing.set(None)
                    >
                        "close"
                    </button>
                </h3>
                <pre>{text}</pre>
            </div>
        })}
    }
}

/// One file or directory after the run; a file can be viewed and
/// downloaded.
#[component]
fn FileRowView(row: FileRow) -> impl IntoView {
    let state = expect_context::<AppState>();
    let is_file = row.kind == "file";
    let size = if is_file { format!("{} B", row.size) } else { row.kind.clone() };
    let modified = js_sys::Date::new(&row.mtime.into()).to_locale_time_string("en-GB").as_string();
    let (path_to_view, path_to_download) = (row.path.clone(), row.path.clone());
    let view_file = move |_| {
        let path = path_to_view.clone();
        let text =
            state.contents.with_value(|c| c.get(&path).map(|b| String::from_utf8_lossy(b).into_owned()));
        state.viewing.set(text.map(|t| (path, t)));
    };
    let download = move |_| {
        let bytes = state.contents.with_value(|c| c.get(&path_to_download).cloned()).unwrap_or_default();
        let _ = download_bytes(&path_to_download, &bytes);
    };
    view! {
        <tr class:changed=row.changed>
            <td class="path">
                {row.path}
                {row.changed.then(|| view! { <span class="badge">"changed"</span> })}
            </td>
            <td>{size}</td>
            <td>{modified.unwrap_or_default()}</td>
            <td>
                {is_file.then(|| view! {
                    <button
                        class="link"
                        on:click=view_file
                    >
                        "view"
                    </button>
                    <button
                        class="link"
                        on:click=download
                    >
                        "download"
                    </button>
                })}
            </td>
        </tr>
    }
}
