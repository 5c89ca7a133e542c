//! Every case in `tests/cases`, run through the browser's own WebAssembly
//! engine (headless Chrome and Firefox, via wasm-bindgen-test) and compared
//! with wasmtime's recorded result; plus the browser edge's own behaviour.
#![cfg(target_arch = "wasm32")]

use browser_wasi::browser::{self, RunError, RunOptions, Termination};
use browser_wasi::{Tree, WasiConfig};
use browser_wasi_tests::{compare_case, opfs, Case, Outcome};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// The run options a case asks for (interactive stdin, fed as it says).
#[allow(dead_code)]
fn case_options(case: &Case) -> RunOptions {
    let mut options = RunOptions::default();
    if case.stdin_open {
        // Interactive stdin that never answers: a read waits forever.
        options.stdin = Some(Box::new(|| Box::pin(std::future::pending())));
    }
    if case.stdin_in_chunks {
        // Interactive stdin: 5 bytes at a time, each after a short pause.
        let mut chunks: std::collections::VecDeque<Vec<u8>> =
            case.stdin.as_bytes().chunks(5).map(<[u8]>::to_vec).collect();
        options.stdin = Some(Box::new(move || {
            let next = chunks.pop_front();
            Box::pin(async move {
                let pause = js_sys::Promise::new(&mut |resolve, _| {
                    let global = js_sys::global();
                    let set_timeout: js_sys::Function =
                        Reflect::get(&global, &"setTimeout".into()).unwrap().unchecked_into();
                    let _ = set_timeout.call2(&global, &resolve, &5.into());
                });
                let _ = wasm_bindgen_futures::JsFuture::from(pause).await;
                next
            })
        }));
    }
    options
}

/// Runs a case and compares it with wasmtime's result; with `in_store`,
/// once more with every preopen kept in an OPFS directory handle (when its
/// trees have no symlinks, which a handle cannot hold, and the case does
/// not make links), the tree compared being what the handle holds after.
#[allow(dead_code)]
async fn run_case(name: &str, wasm: &[u8], case: &str, expected: &str, in_store: bool) {
    let case = Case::parse(case);
    let out = browser::run_with(wasm, case.config(name), case_options(&case))
        .await
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    if let Some(n) = case.threads_started_at_least {
        assert!(out.threads >= n, "{name}: the program started {} threads, not at least {n}", out.threads);
    }
    let fs = out.fs.trees();
    if let Err(diff) = compare_case(expected, &outcome(&out, fs), &case) {
        panic!("{name} differs from wasmtime:\n{diff}");
    }
    let config = case.config(name);
    if !in_store || case.store_differs.is_some() || config.preopens.iter().any(|p| has_symlink(&p.tree)) {
        return;
    }
    let mut stored = config.clone();
    let mut options = case_options(&case);
    let mut handles = Vec::new();
    for (i, p) in stored.preopens.iter_mut().enumerate() {
        let dir = opfs::fresh_dir(&format!("case-{name}-{i}")).await;
        opfs::write_tree(&dir, &p.tree).await;
        p.in_store = true;
        p.tree = Tree::dir();
        handles.push(dir);
    }
    options.directory_handles = handles.clone();
    let out =
        browser::run_with(wasm, stored, options).await.unwrap_or_else(|e| panic!("{name} in OPFS: {e}"));
    assert_eq!(out.store_error, None, "{name} in OPFS");
    let mut fs = Vec::new();
    for (p, dir) in config.preopens.iter().zip(&handles) {
        fs.push((p.guest_path.clone(), opfs::read_tree(dir).await));
    }
    if let Err(diff) = compare_case(expected, &outcome(&out, fs), &case) {
        panic!("{name} with its preopens in OPFS differs from wasmtime:\n{diff}");
    }
}

#[allow(dead_code)]
fn outcome(out: &browser::RunOutput, fs: Vec<(String, Tree)>) -> Outcome {
    Outcome::of_browser_run(out, fs)
}

#[allow(dead_code)]
fn has_symlink(t: &Tree) -> bool {
    match t {
        Tree::Symlink(_) => true,
        Tree::Dir(e) => e.values().any(has_symlink),
        Tree::File(_) => false,
    }
}

/// A case, run once in memory and, with `in_store`, once more in OPFS.
#[allow(unused_macros)]
macro_rules! case_run {
    ($name:ident, $wasm:expr, $case:expr, $expected:expr, $in_store:expr) => {
        #[wasm_bindgen_test]
        async fn $name() {
            run_case(
                stringify!($name),
                include_bytes!($wasm),
                include_str!($case),
                include_str!($expected),
                $in_store,
            )
            .await;
        }
    };
}

// Unused while no case is ready (a fresh clone); so are the others below.
#[allow(unused_macros)]
macro_rules! case {
    ($name:ident, $wasm:expr, $case:expr, $expected:expr) => {
        case_run!($name, $wasm, $case, $expected, true);
    };
}

/// A wasi-threads program's case: the same, every thread in a worker (not
/// with directory handles, which threads cannot use yet).
#[allow(unused_macros)]
macro_rules! threads_case {
    ($name:ident, $wasm:expr, $case:expr, $expected:expr) => {
        case_run!($name, $wasm, $case, $expected, false);
    };
}

#[allow(unused_imports)]
use browser_wasi_tests::case_not_ready;

include!(concat!(env!("OUT_DIR"), "/cases.rs"));

fn wat(src: &str) -> Vec<u8> {
    wat::parse_str(src).unwrap()
}

#[wasm_bindgen_test]
async fn a_component_that_is_not_a_command_is_refused_saying_why() {
    // (With the preview2 feature, as here, run takes components; without
    // it, one is RunError::Module(ModuleError::Component).)
    let err = browser::run(&wat("(component)"), WasiConfig::new()).await.unwrap_err();
    assert!(matches!(&err, RunError::Component(m) if m.contains("exports no wasi:cli/run")), "{err}");
}

#[wasm_bindgen_test]
async fn garbage_is_refused_naming_its_first_bytes() {
    let err = browser::run(b"#!/bin/sh\necho hi\n", WasiConfig::new()).await.unwrap_err();
    assert!(err.to_string().contains("not a WebAssembly module"), "{err}");
    assert!(err.to_string().contains("23 21 2f 62"), "{err}");
}

#[wasm_bindgen_test]
async fn unknown_imports_are_named_before_instantiation() {
    let m = wat(r#"(module
        (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "path_frob" (func))
        (import "env" "js_callback" (func))
        (memory (export "memory") 1) (func (export "_start")))"#);
    let err = browser::run(&m, WasiConfig::new()).await.unwrap_err().to_string();
    assert!(err.contains("wasi_snapshot_preview1.path_frob") && err.contains("env.js_callback"), "{err}");
    assert!(!err.contains("fd_write"), "{err}");
}

#[wasm_bindgen_test]
async fn trap_in_start_function_is_a_trap() {
    let m = wat(
        r#"(module (memory (export "memory") 1) (func $boom unreachable) (start $boom) (func (export "_start")))"#,
    );
    let out = browser::run(&m, WasiConfig::new()).await.unwrap();
    assert!(
        matches!(out.termination, Termination::Trap(ref m) if m.contains("RuntimeError")),
        "{:?}",
        out.termination
    );
}

#[wasm_bindgen_test]
async fn every_import_exists_and_answers_with_an_errno() {
    // A guest importing all 46 preview1 functions links; calling the socket
    // ones on stdout gives ENOTSOCK instead of a thrown exception.
    let mut imports = String::new();
    for sig in browser_wasi::syscalls::SIGNATURES {
        let params: Vec<&str> = sig
            .params
            .iter()
            .map(|p| if *p == browser_wasi::syscalls::ValType::I64 { "i64" } else { "i32" })
            .collect();
        let result = if sig.returns_errno { "(result i32)" } else { "" };
        imports += &format!(
            r#"(import "wasi_snapshot_preview1" "{0}" (func ${0} (param {1}) {2}))"#,
            sig.name,
            params.join(" "),
            result
        );
    }
    let m = wat(&format!(
        r#"(module {imports}
        (memory (export "memory") 1)
        (func (export "_start")
          (call $proc_exit (i32.add
            (i32.mul (call $sock_shutdown (i32.const 1) (i32.const 0)) (i32.const 100))
            (call $sock_shutdown (i32.const 99) (i32.const 0))))))"#
    ));
    let out = browser::run(&m, WasiConfig::new()).await.unwrap();
    assert_eq!(out.exit_code(), Some(57 * 100 + 8)); // ENOTSOCK, then EBADF
}

#[wasm_bindgen_test]
async fn js_api_runs_with_preopens_and_streams_output() {
    let opts = Object::new();
    let args = Array::of2(&"hello".into(), &"x".into());
    Reflect::set(&opts, &"args".into(), &args).unwrap();
    let data = Object::new();
    Reflect::set(&data, &"input.txt".into(), &"one\ntwo\n".into()).unwrap();
    let pre = Object::new();
    Reflect::set(&pre, &"/data".into(), &data).unwrap();
    Reflect::set(&opts, &"preopens".into(), &pre).unwrap();
    let chunks = Array::new();
    let push = js_sys::Function::new_with_args("c", "this.push(c)").bind0(&chunks);
    Reflect::set(&opts, &"onStdout".into(), &push).unwrap();

    let wasm = Uint8Array::from(&include_bytes!("../../target/guests/wasm32-wasip1/release/hello.wasm")[..]);
    let result = browser::js::run_wasi(wasm.into(), opts.into()).await.map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(result.exit_code(), Some(3));
    let stdout = String::from_utf8(result.stdout().to_vec()).unwrap();
    assert!(stdout.starts_with("args: [\"hello\", \"x\"]\n"), "{stdout}");
    assert!(chunks.length() >= 2, "stdout was not streamed: {} chunks", chunks.length());
    let files = result.preopens();
    let out = Reflect::get(&Reflect::get(&files, &"/data".into()).unwrap(), &"output.txt".into()).unwrap();
    let out: Uint8Array = out.dyn_into().unwrap();
    assert_eq!(out.to_vec(), b"8 bytes, 2 lines\n");
}

#[wasm_bindgen_test]
async fn js_api_rejects_a_component_that_is_not_a_command_with_a_named_error() {
    let wasm = Uint8Array::from(&wat("(component)")[..]);
    let err = browser::js::run_wasi(wasm.into(), JsValue::UNDEFINED).await.err().unwrap();
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert_eq!(err.name(), "ComponentError");
    assert!(String::from(err.message()).contains("wasi:cli/run"));
}

#[wasm_bindgen_test]
async fn rust_api_returns_the_preopen_after_the_run() {
    let wasm = include_bytes!("../../target/guests/wasm32-wasip1/release/hello.wasm");
    let config = WasiConfig::new()
        .args(["hello"])
        .env("K", "V")
        .preopen("/data", Tree::dir().with("input.txt", Tree::file("abc")));
    let out = browser::run(wasm, config).await.unwrap();
    assert_eq!(out.exit_code(), Some(3));
    assert_eq!(out.fs.get("/data/output.txt"), Some(Tree::file("3 bytes, 1 lines\n")));
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/page_helpers.js")]
extern "C" {
    fn mark_after(ms: f64) -> JsValue;
    fn now() -> f64;
    fn abort_after(controller: &web_sys::AbortController, ms: f64);
}

#[wasm_bindgen_test]
async fn a_sleeping_guest_leaves_the_event_loop_free() {
    assert!(browser::can_suspend(), "this browser has no JSPI");
    let wasm = include_bytes!("../../target/guests/wasm32-wasip1/release/sleep_then_print.wasm");
    let first = std::rc::Rc::new(std::cell::Cell::new(0.0));
    let timer = mark_after(10.0);
    let opts = browser::RunOptions {
        on_stdout: Some(Box::new(browser_wasi_tests::FirstWrite(first.clone()))),
        ..Default::default()
    };
    let out = browser::run_with(wasm, WasiConfig::new(), opts).await.unwrap();
    assert_eq!(out.stdout.to_vec(), b"woke after at least 100ms: true\n");
    let fired = Reflect::get(&timer, &"at".into()).unwrap().as_f64().unwrap();
    // With a spinning sleep the timer could only fire after the guest ended.
    assert!(fired > 0.0 && fired < first.get(), "timer at {fired}, guest output at {}", first.get());
}

#[wasm_bindgen_test]
async fn interactive_stdin_is_fed_on_demand() {
    let wasm = include_bytes!("../../target/guests/wasm32-wasip1/release/stdin_upper.wasm");
    let mut chunks = vec![None, Some(b"second line\n".to_vec()), Some(b"first ".to_vec())];
    let asked = std::rc::Rc::new(std::cell::Cell::new(0));
    let counter = asked.clone();
    let feed: browser::StdinFeed = Box::new(move || {
        counter.set(counter.get() + 1);
        let next = chunks.pop().flatten();
        Box::pin(async move {
            // arrive later, as typed input would
            let p = js_sys::Promise::new(&mut |resolve, _| {
                let _ = js_sys::global().unchecked_into::<web_timers::Global>().set_timeout(&resolve, 20);
            });
            let _ = wasm_bindgen_futures::JsFuture::from(p).await;
            next
        })
    });
    let opts = browser::RunOptions { stdin: Some(feed), ..Default::default() };
    let out = browser::run_with(wasm, WasiConfig::new(), opts).await.unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout.to_vec()), "FIRST SECOND LINE\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr.to_vec()), "18 bytes\n");
    assert_eq!(asked.get(), 3);
}

#[wasm_bindgen_test]
async fn js_api_takes_a_function_as_interactive_stdin() {
    let opts = Object::new();
    let feed = js_sys::Function::new_no_args(
        "this.n = (this.n || 0) + 1; \
         return this.n === 1 ? new Promise(r => setTimeout(() => r('typed '), 10)) \
              : this.n === 2 ? new TextEncoder().encode('input') : null;",
    );
    let feed = feed.bind0(&Object::new());
    Reflect::set(&opts, &"stdin".into(), &feed).unwrap();
    let wasm =
        Uint8Array::from(&include_bytes!("../../target/guests/wasm32-wasip1/release/stdin_upper.wasm")[..]);
    let result = browser::js::run_wasi(wasm.into(), opts.into()).await.map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(result.stdout().to_vec(), b"TYPED INPUT");
}

mod web_timers {
    use wasm_bindgen::prelude::*;
    #[wasm_bindgen]
    extern "C" {
        /// `globalThis`, as far as timers go.
        pub type Global;
        #[wasm_bindgen(method, js_name = setTimeout)]
        pub fn set_timeout(this: &Global, handler: &js_sys::Function, ms: i32) -> JsValue;
    }
}

#[wasm_bindgen_test]
async fn js_api_reads_page_buffers_in_place_and_never_writes_them() {
    let input = Uint8Array::from(&b"line one\nline two\n"[..]);
    let original = Uint8Array::from(&b"old contents to be truncated"[..]);
    let data = Object::new();
    Reflect::set(&data, &"input.txt".into(), &input).unwrap();
    Reflect::set(&data, &"seek.txt".into(), &original).unwrap();
    let pre = Object::new();
    Reflect::set(&pre, &"/data".into(), &data).unwrap();
    let opts = Object::new();
    Reflect::set(&opts, &"preopens".into(), &pre).unwrap();
    Reflect::set(&opts, &"args".into(), &Array::of1(&"file_seek".into())).unwrap();
    let wasm =
        Uint8Array::from(&include_bytes!("../../target/guests/wasm32-wasip1/release/file_seek.wasm")[..]);
    let result = browser::js::run_wasi(wasm.into(), opts.into()).await.map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(result.exit_code(), Some(0));
    // The guest truncated and rewrote seek.txt: the page's array is untouched.
    assert_eq!(original.to_vec(), b"old contents to be truncated");
    let seek: Uint8Array = result.read_path("/data/seek.txt").dyn_into().unwrap();
    assert_eq!(seek.to_vec(), b"012345AB89\0\0\0Z");
    let kept: Uint8Array = result.read_path("/data/input.txt").dyn_into().unwrap();
    assert_eq!(kept.to_vec(), input.to_vec());
    assert!(result.read_path("/data/missing").is_undefined());
}

#[wasm_bindgen_test]
async fn js_api_names_the_imports_it_does_not_provide() {
    let m = wat(r#"(module
        (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
        (import "wasi_snapshot_preview1" "path_frob" (func))
        (memory (export "memory") 1) (func (export "_start")))"#);
    let err = browser::js::run_wasi(Uint8Array::from(&m[..]).into(), JsValue::UNDEFINED).await.err().unwrap();
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert_eq!(err.name(), "ModuleError");
    assert!(String::from(err.message()).contains("wasi_snapshot_preview1.path_frob"), "{:?}", err.message());
}

#[wasm_bindgen_test]
async fn js_api_takes_files_and_file_lists_as_preopens() {
    // What an <input type="file" multiple> or a drop gives a page: File
    // objects (here with webkitRelativePath as a folder pick sets it).
    let make = js_sys::Function::new_no_args(
        "const a = new File(['one\\ntwo\\n'], 'input.txt');
         const b = new File(['nested'], 'deep.txt');
         Object.defineProperty(b, 'webkitRelativePath', { value: 'dir/deep.txt' });
         return [a, b];",
    );
    let files: Array = make.call0(&JsValue::NULL).unwrap().dyn_into().unwrap();
    let pre = Object::new();
    Reflect::set(&pre, &"/data".into(), &files).unwrap();
    let lone = Object::new();
    Reflect::set(&lone, &"copy.txt".into(), &files.get(0)).unwrap();
    Reflect::set(&pre, &"/other".into(), &lone).unwrap();
    let opts = Object::new();
    Reflect::set(&opts, &"preopens".into(), &pre).unwrap();
    Reflect::set(&opts, &"args".into(), &Array::of1(&"hello".into())).unwrap();
    let wasm = Uint8Array::from(&include_bytes!("../../target/guests/wasm32-wasip1/release/hello.wasm")[..]);
    let result = browser::js::run_wasi(wasm.into(), opts.into()).await.map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!(result.exit_code(), Some(3));
    let out: Uint8Array = result.read_path("/data/output.txt").dyn_into().unwrap();
    assert_eq!(out.to_vec(), b"8 bytes, 2 lines\n");
    let deep: Uint8Array = result.read_path("/data/dir/deep.txt").dyn_into().unwrap();
    assert_eq!(deep.to_vec(), b"nested");
    let copy: Uint8Array = result.read_path("/other/copy.txt").dyn_into().unwrap();
    assert_eq!(copy.to_vec(), b"one\ntwo\n");
}

#[wasm_bindgen_test]
async fn an_aborted_signal_stops_a_sleeping_guest_without_waiting_out_its_sleep() {
    assert!(browser::can_suspend(), "this browser has no JSPI");
    let wasm = include_bytes!("../../target/guests/wasm32-wasip1/release/sleep_then_print.wasm");
    let controller = web_sys::AbortController::new().unwrap();
    abort_after(&controller, 20.0);
    let started = now();
    let opts = RunOptions { signal: Some(controller.signal()), ..Default::default() };
    let out = browser::run_with(wasm, WasiConfig::new(), opts).await.unwrap();
    // The guest sleeps 100 ms and then prints: stopped in its sleep, it
    // printed nothing.
    assert_eq!((out.termination, out.stdout.to_vec()), (Termination::Stopped, vec![]));
    assert!(now() - started < 100.0, "the run took {} ms", now() - started);
}

#[wasm_bindgen_test]
async fn an_aborted_signal_stops_a_guest_at_its_next_call_with_its_files_kept() {
    // hello.wasm writes its greeting with one call: a signal aborted
    // before the run stops it there.
    let wasm = include_bytes!("../../target/guests/wasm32-wasip1/release/hello.wasm");
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let config = WasiConfig::new().preopen("/data", Tree::dir().with("a.txt", Tree::file("kept")));
    let opts = RunOptions { signal: Some(controller.signal()), ..Default::default() };
    let out = browser::run_with(wasm, config, opts).await.unwrap();
    assert_eq!((out.exit_code(), out.stdout.to_vec()), (None, vec![]));
    assert_eq!(out.termination, Termination::Stopped);
    assert_eq!(out.fs.get("/data/a.txt"), Some(Tree::file("kept")));
}

#[wasm_bindgen_test]
async fn js_api_reports_a_stopped_run_and_refuses_a_signal_that_is_not_one() {
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let opts = Object::new();
    Reflect::set(&opts, &"signal".into(), &controller.signal()).unwrap();
    let wasm = Uint8Array::from(&include_bytes!("../../target/guests/wasm32-wasip1/release/hello.wasm")[..]);
    let result =
        browser::js::run_wasi(wasm.clone().into(), opts.into()).await.map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!((result.stopped(), result.exit_code(), result.trap()), (true, None, None));
    let opts = Object::new();
    Reflect::set(&opts, &"signal".into(), &"soon".into()).unwrap();
    let err: js_sys::Error =
        browser::js::run_wasi(wasm.into(), opts.into()).await.err().unwrap().unchecked_into();
    assert_eq!(
        (String::from(err.name()), String::from(err.message())),
        ("ConfigError".into(), "signal must be an AbortSignal".into())
    );
}
