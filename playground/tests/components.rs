//! The playground's components mounted on their own in headless Chrome and
//! Firefox: interact with them through the DOM and check what they show.
#![cfg(target_arch = "wasm32")]

use browser_wasi::module::ModuleInfo;
use leptos::prelude::*;
use playground::components::{ArgsEditor, EnvEditor, ModulePanel, PreopensEditor, RunBar, StdinEditor};
use playground::model::{EnvVar, FileEntry, Preopen, RunConfig};
use playground::state::{AppState, Loaded, Status};
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

/// Lets reactive updates and browser work (reading a file) run until
/// `done`, for a second at most.
async fn settle_until(done: impl Fn() -> bool) {
    let started = js_sys::Date::now();
    while !done() && js_sys::Date::now() - started < 1000.0 {
        settle().await;
    }
}

fn find<T: JsCast>(root: &HtmlElement, selector: &str) -> T {
    root.query_selector(selector).unwrap().unwrap_or_else(|| panic!("no {selector}")).unchecked_into()
}

fn find_all<T: JsCast>(root: &HtmlElement, selector: &str) -> Vec<T> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length()).map(|i| list.get(i).unwrap().unchecked_into()).collect()
}

fn fire(target: &web_sys::EventTarget, event: &str) {
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    target.dispatch_event(&web_sys::Event::new_with_event_init_dict(event, &init).unwrap()).unwrap();
}

fn type_into(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    fire(input, "input");
}

fn env_of(state: AppState) -> Vec<(String, String)> {
    state.config.get_untracked().env.into_iter().map(|v| (v.name, v.value)).collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

/// Picks `file` in a file input, as the file dialog does.
fn pick_file(input: &HtmlInputElement, file: &web_sys::File) {
    let transfer = web_sys::DataTransfer::new().unwrap();
    transfer.items().add_with_file(file).unwrap();
    input.set_files(transfer.files().as_ref());
    fire(input, "change");
}

fn text_file(name: &str, text: &str) -> web_sys::File {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(text.as_bytes()));
    web_sys::File::new_with_u8_array_sequence(&parts, name).unwrap()
}

/// Makes every read of a file's bytes fail, as when the picked file was
/// deleted since; returns what undoes it.
fn make_file_reads_fail() -> impl FnOnce() {
    let blob = js_sys::Reflect::get(&js_sys::global(), &"Blob".into()).unwrap();
    let prototype = js_sys::Reflect::get(&blob, &"prototype".into()).unwrap();
    let original = js_sys::Reflect::get(&prototype, &"arrayBuffer".into()).unwrap();
    let failing = js_sys::Function::new_no_args(
        "return Promise.reject(new DOMException('the file was deleted', 'NotReadableError'))",
    );
    js_sys::Reflect::set(&prototype, &"arrayBuffer".into(), &failing).unwrap();
    move || {
        js_sys::Reflect::set(&prototype, &"arrayBuffer".into(), &original).unwrap();
    }
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
    assert_eq!(env_of(state), pairs(&[("LANG", "C.UTF-8")]));
    find::<HtmlElement>(&root, r#"button[aria-label="remove variable"]"#).click();
    settle().await;
    assert!(state.config.get_untracked().env.is_empty());
    assert!(root.query_selector(".row").unwrap().is_none());
}

#[wasm_bindgen_test]
async fn env_editor_edits_the_right_variable_after_one_above_is_removed() {
    let (root, state) = mount(|| view! { <EnvEditor/> });
    state.config.set(RunConfig {
        env: vec![EnvVar::new("A", "1"), EnvVar::new("B", "2"), EnvVar::new("C", "3")],
        ..Default::default()
    });
    settle().await;
    let names: Vec<HtmlInputElement> = find_all(&root, r#"input[aria-label="name"]"#);
    let c_name = names[2].clone();
    assert_eq!(c_name.value(), "C");
    find_all::<HtmlElement>(&root, r#"button[aria-label="remove variable"]"#)[1].click();
    settle().await;
    assert_eq!(env_of(state), pairs(&[("A", "1"), ("C", "3")]));
    // C's row is the same row, now second: its inputs still edit C.
    assert!(c_name.is_connected(), "the rows below the removed one are kept");
    let values: Vec<HtmlInputElement> = find_all(&root, r#"input[aria-label="value"]"#);
    assert_eq!(values.len(), 2);
    assert_eq!(values[1].value(), "3");
    type_into(&c_name, "CC");
    type_into(&values[1], "33");
    settle().await;
    assert_eq!(env_of(state), pairs(&[("A", "1"), ("CC", "33")]));
    assert_eq!(find_all::<HtmlInputElement>(&root, r#"input[aria-label="name"]"#)[1].value(), "CC");
}

#[wasm_bindgen_test]
async fn preopens_editor_edits_the_right_directory_after_one_above_is_removed() {
    let (root, state) = mount(|| view! { <PreopensEditor/> });
    let dirs = ["/a", "/b", "/c"].map(|p| Preopen::new(p, vec![FileEntry::text("f.txt", p)]));
    state.config.set(RunConfig { preopens: dirs.to_vec(), ..Default::default() });
    settle().await;
    let c_path = find_all::<HtmlInputElement>(&root, "input.guest-path")[2].clone();
    find_all::<HtmlElement>(&root, "button.danger")[1].click();
    settle().await;
    assert_eq!(find_all::<HtmlElement>(&root, "fieldset.preopen").len(), 2);
    assert!(c_path.is_connected());
    type_into(&c_path, "/cc");
    settle().await;
    let paths: Vec<String> =
        state.config.get_untracked().preopens.into_iter().map(|p| p.guest_path).collect();
    assert_eq!(paths, ["/a", "/cc"]);
    // and the directory kept its own file
    assert_eq!(state.config.get_untracked().preopens[1].files[0].text.as_deref(), Some("/c"));
}

#[wasm_bindgen_test]
async fn file_editor_stays_on_its_file_after_one_above_is_removed() {
    let (root, state) = mount(|| view! { <PreopensEditor/> });
    let files =
        vec![FileEntry::text("a.txt", "a"), FileEntry::text("b.txt", "b"), FileEntry::text("c.txt", "c")];
    state.config.set(RunConfig { preopens: vec![Preopen::new("/data", files)], ..Default::default() });
    settle().await;
    find::<HtmlElement>(&root, r#"button[aria-label="edit c.txt"]"#).click();
    settle().await;
    let contents: web_sys::HtmlTextAreaElement = find(&root, r#"textarea[aria-label="file contents"]"#);
    assert_eq!(contents.value(), "c");
    find::<HtmlElement>(&root, r#"button[aria-label="remove a.txt"]"#).click();
    settle().await;
    assert_eq!(find_all::<HtmlElement>(&root, "ul.files li").len(), 2);
    let name: HtmlInputElement = find(&root, r#"input[aria-label="file name"]"#);
    assert_eq!(name.value(), "c.txt", "the editor is still on c.txt");
    contents.set_value("changed");
    fire(&contents, "input");
    type_into(&name, "c2.txt");
    settle().await;
    let files = &state.config.get_untracked().preopens[0].files;
    let got: Vec<(&str, Option<&str>)> = files.iter().map(|f| (f.path.as_str(), f.text.as_deref())).collect();
    assert_eq!(got, [("b.txt", Some("b")), ("c2.txt", Some("changed"))]);
    assert!(find::<HtmlElement>(&root, "ul.files").text_content().unwrap().contains("c2.txt7 B"));
    // Removing the file being edited closes its editor.
    find::<HtmlElement>(&root, r#"button[aria-label="remove c2.txt"]"#).click();
    settle().await;
    assert!(root.query_selector(".editor").unwrap().is_none());
    assert_eq!(state.config.get_untracked().preopens[0].files.len(), 1);
}

#[wasm_bindgen_test]
async fn stdin_editor_reads_a_picked_file() {
    let (root, state) = mount(|| view! { <StdinEditor/> });
    pick_file(&find(&root, r#"input[type="file"]"#), &text_file("in.txt", "from a file\n"));
    settle_until(|| !state.config.with_untracked(|c| c.stdin.is_empty())).await;
    assert_eq!(state.config.get_untracked().stdin, "from a file\n");
    assert_eq!(state.message.get_untracked(), None);
}

#[wasm_bindgen_test]
async fn a_file_that_cannot_be_read_is_reported_and_changes_nothing() {
    let (root, state) = mount(|| view! { <StdinEditor/> });
    state.config.update(|c| c.stdin = "typed".into());
    let restore = make_file_reads_fail();
    pick_file(&find(&root, r#"input[type="file"]"#), &text_file("gone.txt", "never read"));
    settle_until(|| state.message.with_untracked(Option::is_some)).await;
    restore();
    assert_eq!(state.config.get_untracked().stdin, "typed");
    let message = state.message.get_untracked().unwrap_or_default();
    assert_eq!(message, "could not read gone.txt: the file was deleted");

    let (root, state) = mount(|| view! { <ModulePanel/> });
    let restore = make_file_reads_fail();
    pick_file(&find(&root, r#"input[type="file"]"#), &text_file("prog.wasm", "\0asm"));
    settle_until(|| state.message.with_untracked(Option::is_some)).await;
    restore();
    assert!(state.loaded.get_untracked().is_none(), "no empty module was loaded");
    assert_eq!(
        state.message.get_untracked().as_deref(),
        Some("could not read prog.wasm: the file was deleted")
    );
}

#[wasm_bindgen_test]
async fn module_panel_explains_a_component_that_is_not_a_command() {
    let (root, state) = mount(|| view! { <ModulePanel/> });
    state.loaded.set(Some(Loaded::new("c.wasm".into(), vec![0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0])));
    settle().await;
    let error: HtmlElement = find(&root, ".error");
    assert!(error.text_content().unwrap().contains("exports no wasi:cli/run"), "{:?}", error.text_content());
}

#[wasm_bindgen_test]
async fn module_panel_shows_a_components_world_and_imports() {
    let (root, state) = mount(|| view! { <ModulePanel/> });
    let bytes = include_bytes!("../../target/guests/wasm32-wasip2/release/hello.wasm").to_vec();
    state.loaded.set(Some(Loaded::new("hello.wasm".into(), bytes)));
    settle().await;
    let summary: HtmlElement = find(&root, ".summary");
    let text = summary.text_content().unwrap();
    assert!(text.contains("a wasip2 component of the wasi:cli/command world"), "{text}");
    assert!(text.contains("wasi:filesystem/preopens@0.2."), "{text}");
    assert!(root.query_selector(".error").unwrap().is_none(), "{text}");
}

#[wasm_bindgen_test]
async fn module_panel_names_what_a_component_imports_that_the_shim_lacks() {
    let (root, state) = mount(|| view! { <ModulePanel/> });
    let bytes = wat::parse_str(
        r#"(component
            (import "wasi:http/outgoing-handler@0.2.0" (instance $h
              (export "handle" (func (param "n" u32) (result u32)))))
            (alias export $h "handle" (func $handle))
            (core func (canon lower (func $handle))))"#,
    )
    .unwrap();
    state.loaded.set(Some(Loaded::new("http.wasm".into(), bytes)));
    settle().await;
    let error: HtmlElement = find(&root, ".error");
    assert!(
        error.text_content().unwrap().contains("wasi:http/outgoing-handler@0.2.0#handle"),
        "{:?}",
        error.text_content()
    );
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
        ..ModuleInfo::default()
    };
    state.loaded.set(Some(Loaded { name: "x.wasm".into(), bytes: vec![], info: Ok(info), component: None }));
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
    state.status.set(Status::Finished { exit_code: Some(3), trap: None, ms: 12.4, threads: 0 });
    settle().await;
    assert_eq!(status.text_content().unwrap(), "exit code 3 · 12 ms");
    assert!(stop.disabled());
    state.status.set(Status::Finished {
        exit_code: None,
        trap: Some("RuntimeError: unreachable".into()),
        ms: 1.0,
        threads: 0,
    });
    settle().await;
    assert!(status.text_content().unwrap().starts_with("trapped: RuntimeError: unreachable"));
    state.status.set(Status::Finished { exit_code: Some(0), trap: None, ms: 40.0, threads: 4 });
    settle().await;
    assert_eq!(status.text_content().unwrap(), "exit code 0 · 40 ms · 4 threads");
}
