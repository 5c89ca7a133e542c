//! The playground's components mounted on their own in headless Chrome and
//! Firefox: interact with them through the DOM and check what they show.
#![cfg(target_arch = "wasm32")]

use browser_wasi::module::ModuleInfo;
use leptos::prelude::*;
use playground::app::{AppState, ArgsEditor, EnvEditor, Loaded, ModulePanel, RunBar, Status};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

/// Mounts `view` into a fresh element with its own state; returns both.
fn mount<V: IntoView + 'static>(view: impl FnOnce() -> V + 'static) -> (HtmlElement, AppState) {
    let document = web_sys::window().unwrap().document().unwrap();
    let root: HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&root).unwrap();
    let state = AppState::new();
    let handle = leptos::mount::mount_to(root.clone(), move || {
        provide_context(state);
        view()
    });
    std::mem::forget(handle);
    (root, state)
}

/// Lets pending reactive updates run.
async fn settle() {
    for _ in 0..3 {
        let p = js_sys::Promise::new(&mut |resolve, _| {
            web_sys::window().unwrap().set_timeout_with_callback(&resolve).unwrap();
        });
        wasm_bindgen_futures::JsFuture::from(p).await.unwrap();
    }
}

fn find<T: JsCast>(root: &HtmlElement, selector: &str) -> T {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).unchecked_into()
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

#[wasm_bindgen_test]
async fn args_editor_shows_the_argv_it_will_pass() {
    let (root, state) = mount(|| view! { <ArgsEditor/> });
    type_into(&find(&root, "#args"), r#"one "two words" 'three'"#);
    settle().await;
    assert_eq!(state.config.get_untracked().args, r#"one "two words" 'three'"#);
    let hint: HtmlElement = find(&root, ".hint");
    assert_eq!(hint.text_content().unwrap(), r#"argv[1..] = ["one", "two words", "three"]"#);
    type_into(&find(&root, "#args"), r#"unterminated "quote"#);
    settle().await;
    assert!(hint.text_content().unwrap().contains("unterminated double quote"));
}

#[wasm_bindgen_test]
async fn env_editor_adds_edits_and_removes_variables() {
    let (root, state) = mount(|| view! { <EnvEditor/> });
    find::<HtmlElement>(&root, "button.link").click();
    settle().await;
    type_into(&find(&root, r#"input[aria-label="name"]"#), "LANG");
    type_into(&find(&root, r#"input[aria-label="value"]"#), "C.UTF-8");
    settle().await;
    assert_eq!(state.config.get_untracked().env, vec![("LANG".to_string(), "C.UTF-8".to_string())]);
    find::<HtmlElement>(&root, r#"button[aria-label="remove variable"]"#).click();
    settle().await;
    assert!(state.config.get_untracked().env.is_empty());
    assert!(root.query_selector(".row").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn module_panel_explains_a_component() {
    let (root, state) = mount(|| view! { <ModulePanel/> });
    state.loaded.set(Some(Loaded::new("c.wasm".into(), vec![0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])));
    settle().await;
    let error: HtmlElement = find(&root, ".error");
    assert!(error.text_content().unwrap().contains("component"), "{:?}", error.text_content());
}

#[wasm_bindgen_test]
async fn module_panel_lists_imports_and_what_is_unsupported() {
    let (root, state) = mount(|| view! { <ModulePanel/> });
    let info = ModuleInfo {
        size: 2048,
        wasi_imports: vec![browser_wasi::module::WasiImport {
            module: "wasi_snapshot_preview1".into(),
            name: "fd_write".into(),
            supported: true,
        }],
        other_imports: vec!["env.missing".into()],
        has_start: true,
        has_initialize: false,
        exports_memory: true,
    };
    state.loaded.set(Some(Loaded { name: "x.wasm".into(), bytes: vec![], info: Ok(info) }));
    settle().await;
    let summary = find::<HtmlElement>(&root, ".summary").text_content().unwrap();
    assert!(summary.contains("x.wasm — 2 KiB, 1 WASI imports"), "{summary}");
    assert!(summary.contains("Not supported: env.missing"), "{summary}");
}

#[wasm_bindgen_test]
async fn run_bar_reports_exit_codes_traps_and_stop() {
    let (root, state) = mount(|| view! { <RunBar/> });
    let status: HtmlElement = find(&root, ".status");
    let stop: web_sys::HtmlButtonElement = find(&root, "button.stop");
    state.status.set(Status::Running);
    settle().await;
    assert_eq!(status.text_content().unwrap(), "running…");
    assert!(!stop.disabled());
    state.status.set(Status::Finished { exit_code: Some(3), trap: None, ms: 12.4 });
    settle().await;
    assert_eq!(status.text_content().unwrap(), "exit code 3 · 12 ms");
    assert!(stop.disabled());
    state.status.set(Status::Finished {
        exit_code: None,
        trap: Some("RuntimeError: unreachable".into()),
        ms: 1.0,
    });
    settle().await;
    assert!(status.text_content().unwrap().starts_with("trapped: RuntimeError: unreachable"));
}
