//! The files the run left in the preopened directories: which changed,
//! viewing one, downloading one.

use leptos::prelude::*;

use leptos::task::spawn_local;
use wasm_bindgen::JsCast;

use crate::browser::{download_bytes, handle_archive, js_error_text, write_archive};
use crate::model::{FOLDER_PATH, WORKSPACE_PATH};
use crate::state::{AppState, FileRow};

/// The preopens after the run: what changed, view, download.
#[component]
pub fn FilesPanel() -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <Show when=move || !state.files.with(Vec::is_empty)>
            <h2>"Files after the run"</h2>
            <div class="archives">
                "download as an archive: "
                <For
                    each=move || roots(&state)
                    key=|r| r.clone()
                    let:root
                >
                    <ArchiveLinks root=root/>
                </For>
            </div>
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

/// The preopens the files are in (their top guest paths), in order.
fn roots(state: &AppState) -> Vec<String> {
    let preopens: Vec<String> = state.config.with(|c| {
        let mut p: Vec<String> =
            c.preopens.iter().map(|p| p.guest_path.trim_end_matches('/').to_string()).collect();
        if c.workspace {
            p.push(WORKSPACE_PATH.into());
        }
        p.push(FOLDER_PATH.into());
        p
    });
    let mut out: Vec<String> = Vec::new();
    state.files.with(|files| {
        for root in preopens {
            let prefix = format!("{root}/");
            if files.iter().any(|f| f.path.starts_with(&prefix)) && !out.contains(&root) {
                out.push(root);
            }
        }
    });
    out
}

/// `/data as .zip · .tar.gz`: a preopen's files as an archive. The
/// workspace's and a local folder's are read from their handles (every
/// file, as it is now); the others' from what the run left.
#[component]
fn ArchiveLinks(root: String) -> impl IntoView {
    let state = expect_context::<AppState>();
    let make = move |root: String, format: &'static str| {
        move |_| {
            let root = root.clone();
            spawn_local(async move {
                let name = format!("{}.{format}", root.trim_start_matches('/').replace('/', "_"));
                let folder = state.folder.with_untracked(|f| f.as_ref().map(|(_, h)| h.0.clone()));
                let made = match (root.as_str(), folder) {
                    (WORKSPACE_PATH, _) => handle_archive(&wasm_bindgen::JsValue::NULL, format).await,
                    (FOLDER_PATH, Some(handle)) => handle_archive(&handle, format).await,
                    _ => write_archive(entries_of(&state, &root), format).await,
                };
                match made.map(|a| a.unchecked_into::<js_sys::Uint8Array>().to_vec()) {
                    Ok(bytes) => {
                        let _ = download_bytes(&name, &bytes);
                    }
                    Err(e) => {
                        state.message.set(Some(format!("could not make {name}: {}", js_error_text(&e))))
                    }
                }
            })
        }
    };
    view! {
        <span class="archive-links">
            {format!("{root} as ")}
            <button class="link" on:click=make(root.clone(), "zip")>".zip"</button>
            " · "
            <button class="link" on:click=make(root.clone(), "tar.gz")>".tar.gz"</button>
        </span>
    }
}

/// A preopen's files after the run, as archive entries.
fn entries_of(state: &AppState, root: &str) -> js_sys::Array {
    let prefix = format!("{root}/");
    let out = js_sys::Array::new();
    state.files.with_untracked(|files| {
        for f in files.iter().filter(|f| f.path.starts_with(&prefix)) {
            let e = js_sys::Object::new();
            let set = |k: &str, v: &wasm_bindgen::JsValue| {
                let _ = js_sys::Reflect::set(&e, &k.into(), v);
            };
            set("path", &f.path[prefix.len()..].into());
            set("mtime", &f.mtime.into());
            if f.kind == "file" {
                let bytes = state.contents.with_value(|c| c.get(&f.path).cloned()).unwrap_or_default();
                set("type", &"file".into());
                set("bytes", &js_sys::Uint8Array::from(&bytes[..]).into());
            } else if f.kind == "directory" {
                set("type", &"directory".into());
            } else {
                continue;
            }
            out.push(&e);
        }
    });
    out
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
