//! The preopened directories: each one's guest path, whether it is
//! read-only, and its files (new, uploaded, edited inline, removed).

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use crate::browser::{
    can_pick_folder, clear_workspace, file_bytes, files_of, js_error_text, pick_folder, read_archive,
    save_setting, setting, workspace_entries,
};
use crate::model::{FileEntry, Preopen, RowId, FOLDER_PATH, WORKSPACE_PATH};
use crate::state::{AppState, SendHandle, Status};

/// The preopened directories and their files.
#[component]
pub fn PreopensEditor() -> impl IntoView {
    let state = expect_context::<AppState>();
    let ids = Memo::new(move |_| state.config.with(|c| c.preopens.iter().map(|p| p.id).collect::<Vec<_>>()));
    let add = move |_| {
        state.config.update(|c| {
            let n = c.preopens.len();
            let guest_path = if n == 0 { "/data".to_string() } else { format!("/dir{n}") };
            c.preopens.push(Preopen::new(&guest_path, Vec::new()));
        })
    };
    view! {
        <h2>"Preopened directories"</h2>
        <For
            each=move || ids.get()
            key=|id| *id
            let:id
        >
            <PreopenEditor id=id/>
        </For>
        <button
            class="link"
            on:click=add
        >
            "+ directory"
        </button>
        <HandleDirs/>
    }
}

/// The setting that keeps the workspace on across visits.
const WORKSPACE_SETTING: &str = "browser-wasi-playground.workspace";

/// The directories kept in handles: the persistent workspace (OPFS), and
/// a local folder where the browser can open one.
#[component]
fn HandleDirs() -> impl IntoView {
    let state = expect_context::<AppState>();
    // The workspace stays on after a reload if it was on.
    if setting(WORKSPACE_SETTING).as_deref() == Some("on") {
        state.config.update(|c| c.workspace = true);
    }
    let entries = RwSignal::new(None::<u32>);
    let count = move || {
        spawn_local(async move {
            entries.set(workspace_entries().await.ok().and_then(|n| n.as_f64()).map(|n| n as u32));
        })
    };
    count();
    // Counted again after every run.
    Effect::new(move |_| {
        if matches!(state.status.get(), Status::Finished { .. } | Status::Stopped) {
            count();
        }
    });
    let toggle = move |ev: leptos::ev::Event| {
        let on = event_target::<HtmlInputElement>(&ev).checked();
        state.config.update(|c| c.workspace = on);
        save_setting(WORKSPACE_SETTING, if on { "on" } else { "off" });
    };
    let clear = move |_| {
        spawn_local(async move {
            if let Err(e) = clear_workspace().await {
                state.message.set(Some(format!("could not clear the workspace: {e:?}")));
            }
            count();
        })
    };
    let open = move |_| {
        spawn_local(async move {
            match pick_folder().await {
                Ok(h) if h.is_object() => {
                    let name = js_sys::Reflect::get(&h, &"name".into()).ok().and_then(|n| n.as_string());
                    state.folder.set(Some((name.unwrap_or_default(), SendHandle(h))));
                }
                Ok(_) => {}
                Err(e) => state.message.set(Some(format!("could not open the folder: {e:?}"))),
            }
        })
    };
    let folder_name = move || state.folder.with(|f| f.as_ref().map(|(n, _)| n.clone()));
    view! {
        <fieldset class="handle-dirs">
            <label class="workspace">
                <input
                    type="checkbox"
                    prop:checked=move || state.config.with(|c| c.workspace)
                    on:change=toggle
                />
                {format!(" Persistent workspace at {WORKSPACE_PATH}")}
            </label>
            <span class="small">
                {move || match entries.get() {
                    Some(0) => " (empty; kept in this browser, across reloads)".to_string(),
                    Some(1) => " (1 entry; kept in this browser, across reloads)".to_string(),
                    Some(n) => format!(" ({n} entries; kept in this browser, across reloads)"),
                    None => " (kept in this browser, across reloads)".to_string(),
                }}
            </span>
            <button class="link danger" on:click=clear>"clear workspace"</button>
            <div class="local-folder">
                {move || if !can_pick_folder() {
                    view! {
                        <span class="small">
                            "Opening a local folder needs showDirectoryPicker (Chromium); here, use the workspace."
                        </span>
                    }.into_any()
                } else if let Some(name) = folder_name() {
                    view! {
                        <span>{format!("Local folder \"{name}\" at {FOLDER_PATH} ")}</span>
                        <button class="link danger" on:click=move |_| state.folder.set(None)>"close"</button>
                    }.into_any()
                } else {
                    view! {
                        <button class="link" on:click=open>{format!("open a local folder at {FOLDER_PATH}…")}</button>
                    }.into_any()
                }}
            </div>
        </fieldset>
    }
}

/// One preopened directory.
#[component]
fn PreopenEditor(id: RowId) -> impl IntoView {
    let state = expect_context::<AppState>();
    // The file whose editor was opened ...
    let editing = RwSignal::new(None::<RowId>);
    // ... while it is still there.
    let edited =
        Memo::new(move |_| editing.get().filter(|&file| state.with_file(id, file, |_| ()).is_some()));
    let file_ids = Memo::new(move |_| {
        state.with_preopen(id, |p| p.files.iter().map(|f| f.id).collect::<Vec<_>>()).unwrap_or_default()
    });
    let upload = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        for file in files_of(&input) {
            spawn_local(async move {
                let rel = js_sys::Reflect::get(&file, &"webkitRelativePath".into())
                    .ok()
                    .and_then(|p| p.as_string())
                    .filter(|p| !p.is_empty())
                    .unwrap_or_else(|| file.name());
                match file_bytes(&file).await {
                    Ok(bytes) => {
                        let entry = FileEntry::uploaded(rel, bytes);
                        state.update_preopen(id, |p| {
                            p.files.retain(|f| f.path != entry.path);
                            p.files.push(entry);
                        });
                    }
                    Err(e) => state.message.set(Some(e)),
                }
            });
        }
    };
    // An archive's files become the directory's (its directories are
    // implied by them; a symlink is left out, as the rows hold files).
    let unpack = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        for file in files_of(&input) {
            spawn_local(async move {
                let entries = match file_bytes(&file).await {
                    Ok(bytes) => read_archive(js_sys::Uint8Array::from(&bytes[..]))
                        .await
                        .map_err(|e| js_error_text(&e)),
                    Err(e) => Err(e),
                };
                let entries: js_sys::Array = match entries {
                    Ok(e) => e.unchecked_into(),
                    Err(e) => {
                        return state.message.set(Some(format!("could not unpack {}: {e}", file.name())))
                    }
                };
                let mut skipped = 0;
                let mut added = Vec::new();
                for e in entries.iter() {
                    let get = |k: &str| js_sys::Reflect::get(&e, &k.into()).unwrap_or_default();
                    match get("type").as_string().as_deref() {
                        Some("file") => {
                            let bytes = get("bytes")
                                .dyn_into::<js_sys::Uint8Array>()
                                .map(|b| b.to_vec())
                                .unwrap_or_default();
                            added.push(FileEntry::uploaded(
                                get("path").as_string().unwrap_or_default(),
                                bytes,
                            ));
                        }
                        Some("symlink") => skipped += 1,
                        _ => {}
                    }
                }
                state.update_preopen(id, |p| {
                    p.files.retain(|f| !added.iter().any(|a| a.path == f.path));
                    p.files.extend(added);
                });
                if skipped > 0 {
                    state.message.set(Some(format!(
                        "{}: {skipped} symlinks left out (the setup holds files only)",
                        file.name()
                    )));
                }
            });
        }
    };
    let new_file = move |_| {
        let mut created = None;
        state.update_preopen(id, |p| {
            let mut n = p.files.len() + 1;
            while p.files.iter().any(|f| f.path == format!("new{n}.txt")) {
                n += 1;
            }
            let entry = FileEntry::text(&format!("new{n}.txt"), "");
            created = Some(entry.id);
            p.files.push(entry);
        });
        editing.set(created);
    };
    view! {
        <fieldset class="preopen">
            <legend>
                <input
                    type="text"
                    class="guest-path"
                    aria-label="guest path"
                    spellcheck="false"
                    prop:value=move || state.with_preopen(id, |p| p.guest_path.clone()).unwrap_or_default()
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        state.update_preopen(id, |p| p.guest_path = v);
                    }
                />
            </legend>
            <label class="small">
                <input
                    type="checkbox"
                    prop:checked=move || state.with_preopen(id, |p| p.readonly).unwrap_or(false)
                    on:change=move |ev| {
                        let v = event_target_checked(&ev);
                        state.update_preopen(id, |p| p.readonly = v);
                    }
                />
                " read-only"
            </label>
            <ul class="files">
                <For
                    each=move || file_ids.get()
                    key=|file| *file
                    let:file
                >
                    <PreopenFile
                        dir=id
                        file=file
                        editing=editing
                    />
                </For>
            </ul>
            {move || edited.get().map(|file| view! {
                <FileEditor
                    dir=id
                    file=file
                />
            })}
            <div class="actions">
                <button
                    class="link"
                    on:click=new_file
                >
                    "+ new file"
                </button>
                <label class="link">
                    "upload files"
                    <input
                        type="file"
                        multiple
                        class="hidden"
                        on:change=upload
                    />
                </label>
                <label class="link">
                    "upload a folder"
                    <input
                        type="file"
                        multiple
                        prop:webkitdirectory=true
                        class="hidden"
                        on:change=upload
                    />
                </label>
                <label class="link">
                    "upload an archive"
                    <input
                        type="file"
                        accept=".zip,.tar,.tar.gz,.tgz"
                        class="hidden"
                        on:change=unpack
                    />
                </label>
                <button
                    class="link danger"
                    on:click=move |_| state.config.update(|c| c.preopens.retain(|p| p.id != id))
                >
                    "remove directory"
                </button>
            </div>
        </fieldset>
    }
}

/// A file of directory `dir` in its list: path, size, and the buttons that
/// open its editor (text files only) and remove it.
#[component]
fn PreopenFile(dir: RowId, file: RowId, editing: RwSignal<Option<RowId>>) -> impl IntoView {
    let state = expect_context::<AppState>();
    let path = move || state.with_file(dir, file, |f| f.path.clone()).unwrap_or_default();
    let is_text = move || state.with_file(dir, file, |f| f.text.is_some()).unwrap_or(false);
    let size = move || state.with_file(dir, file, FileEntry::size).unwrap_or(0);
    let toggle_editor = move |_| editing.update(|e| *e = if *e == Some(file) { None } else { Some(file) });
    view! {
        <li>
            <span class="path">{path}</span>
            <span class="size">{move || format!("{} B", size())}</span>
            <Show when=is_text>
                <button
                    class="link"
                    aria-label=move || format!("edit {}", path())
                    on:click=toggle_editor
                >
                    "edit"
                </button>
            </Show>
            <button
                class="icon"
                aria-label=move || format!("remove {}", path())
                on:click=move |_| state.update_preopen(dir, |p| p.files.retain(|f| f.id != file))
            >
                "×"
            </button>
        </li>
    }
}

/// The inline editor of a text file of directory `dir`: its name and its
/// contents.
#[component]
fn FileEditor(dir: RowId, file: RowId) -> impl IntoView {
    let state = expect_context::<AppState>();
    view! {
        <div class="editor">
            <input
                type="text"
                aria-label="file name"
                spellcheck="false"
                prop:value=move || state.with_file(dir, file, |f| f.path.clone()).unwrap_or_default()
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    state.update_file(dir, file, |f| f.path = v);
                }
            />
            <textarea
                rows="6"
                spellcheck="false"
                aria-label="file contents"
                prop:value=move || state.with_file(dir, file, |f| f.text.clone()).flatten().unwrap_or_default()
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    state.update_file(dir, file, |f| f.text = Some(v));
                }
            ></textarea>
        </div>
    }
}
