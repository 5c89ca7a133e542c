//! wasi-threads at the browser edge, beyond the cases (which run every
//! threads fixture and real program against wasmtime): the JS API on page
//! bytes, streaming output from several threads, limits given from JS, the
//! errors for what cannot run (a compiled module, a synchronous run, an
//! unknown import, a thread-spawn without its thread entry), a listener that
//! throws, and a trap named after its thread. Headless Chrome and Firefox;
//! the test runner's page is cross-origin isolated (the page that is not is
//! tested end to end, `tests/e2e/threads.test.mjs`).
#![cfg(target_arch = "wasm32")]

use browser_wasi::browser::{self, RunError, RunOptions, Termination};
use browser_wasi::module::ModuleError;
use browser_wasi::{ConfigError, WasiConfig};
use js_sys::{Array, Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const COUNTER: &[u8] = include_bytes!("../../target/guests/wasm32-wasip1-threads/release/counter.wasm");
const TRAP: &[u8] = include_bytes!("../../target/guests/wasm32-wasip1-threads/release/trap_in_thread.wasm");
const LIMIT: &[u8] = include_bytes!("../../target/guests/wasm32-wasip1-threads/release/spawn_limit.wasm");
const FILES: &[u8] = include_bytes!("../../target/guests/wasm32-wasip1-threads/release/files.wasm");

fn wat(src: &str) -> Vec<u8> {
    wat::parse_str(src).unwrap()
}

fn options(pairs: &[(&str, JsValue)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v).unwrap();
    }
    o
}

fn args(a: &[&str]) -> JsValue {
    a.iter().map(|s| JsValue::from_str(s)).collect::<Array>().into()
}

#[wasm_bindgen_test]
async fn js_api_runs_a_threads_program_from_page_bytes_streaming_every_threads_output() {
    let data = Object::new();
    let pre = options(&[("/data", data.into())]);
    let chunks = Array::new();
    let push = Function::new_with_args("c", "this.push(c)").bind0(&chunks);
    let opts =
        options(&[("args", args(&["files", "3", "5"])), ("preopens", pre.into()), ("onStdout", push.into())]);
    let result = browser::js::run_wasi(Uint8Array::from(FILES).into(), opts.into())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert_eq!(result.exit_code(), Some(0));
    assert_eq!(result.threads(), 3);
    let stdout = String::from_utf8(result.stdout().to_vec()).unwrap();
    assert_eq!(stdout.lines().count(), 15, "{stdout}");
    // Every line arrived whole, in its own write, as it was written.
    assert_eq!(chunks.length(), 15);
    for chunk in chunks.iter() {
        let line = String::from_utf8(chunk.unchecked_into::<Uint8Array>().to_vec()).unwrap();
        assert!(line.starts_with("thread 0") && line.ends_with("=\n"), "{line:?}");
    }
    let file: Uint8Array = result.read_path("/data/t2.txt").unchecked_into();
    assert_eq!(String::from_utf8(file.to_vec()).unwrap().lines().count(), 5);
}

#[wasm_bindgen_test]
async fn js_api_limits_threads() {
    let limits = options(&[("threads", 2.into())]);
    let opts = options(&[("args", args(&["spawn_limit", "4"])), ("limits", limits.into())]);
    let result = browser::js::run_wasi(Uint8Array::from(LIMIT).into(), opts.into())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    let stdout = String::from_utf8(result.stdout().to_vec()).unwrap();
    assert_eq!(stdout, "started 2 of 4\nthe next failed: WouldBlock\njoined them all\n");
    assert_eq!(result.threads(), 2);
}

#[wasm_bindgen_test]
async fn the_rust_api_runs_a_threads_program_and_counts_its_threads() {
    let out = browser::run(COUNTER, WasiConfig::new().args(["counter", "3", "100"])).await.unwrap();
    assert_eq!(out.exit_code(), Some(0));
    assert_eq!(out.threads, 3);
    assert_eq!(out.stdout.to_vec(), b"atomic 300\nmutex 300\ndistinct threads 3\n");
}

#[wasm_bindgen_test]
async fn a_trap_names_the_thread_it_happened_in() {
    let out = browser::run(TRAP, WasiConfig::new()).await.unwrap();
    match out.termination {
        Termination::Trap(m) => assert!(m.contains("(in thread 1)") && m.contains("RuntimeError"), "{m}"),
        t => panic!("not a trap: {t:?}"),
    }
    assert_eq!(out.stdout.to_vec(), b"main: spawning\nthread: trapping\n");
}

#[wasm_bindgen_test]
async fn a_throwing_listener_ends_a_threads_program_and_keeps_its_output() {
    // A JS listener that throws on its first chunk.
    let thrower = Function::new_with_args("c", "throw new Error('listener gave up')");
    let opts = options(&[("args", args(&["files", "4", "20"])), ("onStdout", thrower.into())]);
    let pre = options(&[("/data", Object::new().into())]);
    Reflect::set(&opts, &"preopens".into(), &pre).unwrap();
    let result = browser::js::run_wasi(Uint8Array::from(FILES).into(), opts.into())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    let trap = result.trap().unwrap_or_default();
    assert!(trap.contains("output listener threw") && trap.contains("listener gave up"), "{trap}");
    // What was written before is kept: the line the listener refused.
    assert!(result.stdout().length() > 0);
}

#[wasm_bindgen_test]
async fn a_compiled_threads_program_is_refused_asking_for_its_bytes() {
    let module: WebAssembly::Module = JsFuture::from(WebAssembly::compile(&Uint8Array::from(COUNTER).into()))
        .await
        .unwrap()
        .unchecked_into();
    let err = browser::run_compiled(&module, WasiConfig::new(), RunOptions::default()).await.unwrap_err();
    assert_eq!(err, RunError::Config(ConfigError::ThreadsNeedBytes));
    assert!(err.to_string().contains("bytes"), "{err}");
}

#[wasm_bindgen_test]
async fn a_threads_program_cannot_run_synchronously() {
    let err = browser::run_sync(COUNTER, WasiConfig::new(), RunOptions::default()).unwrap_err();
    assert_eq!(err, RunError::Config(ConfigError::ThreadsNeedAsync));
}

const THREADS_MODULE_HEAD: &str = r#"
    (import "env" "memory" (memory 1 1 shared))
    (import "wasi" "thread-spawn" (func (param i32) (result i32)))"#;

#[wasm_bindgen_test]
async fn an_unknown_import_of_a_threads_program_is_named_on_either_path() {
    let m = wat(&format!(
        r#"(module {THREADS_MODULE_HEAD}
            (import "env" "host_fn" (func))
            (func (export "wasi_thread_start") (param i32 i32))
            (func (export "_start")))"#
    ));
    let err = browser::run(&m, WasiConfig::new()).await.unwrap_err();
    assert_eq!(err, RunError::Module(ModuleError::UnsupportedImports(vec!["env.host_fn".into()])));
    let err = browser::js::run_wasi(Uint8Array::from(&m[..]).into(), JsValue::UNDEFINED).await.err().unwrap();
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert_eq!(err.name(), "ModuleError");
    assert!(String::from(err.message()).contains("env.host_fn"));
}

#[wasm_bindgen_test]
async fn thread_spawn_without_a_thread_entry_is_refused_on_either_path() {
    let m = wat(&format!(r#"(module {THREADS_MODULE_HEAD} (func (export "_start")))"#));
    let want = RunError::Module(ModuleError::NotAThreadsModule("does not export wasi_thread_start"));
    assert_eq!(browser::run(&m, WasiConfig::new()).await.unwrap_err(), want);
    let err = browser::js::run_wasi(Uint8Array::from(&m[..]).into(), JsValue::UNDEFINED).await.err().unwrap();
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert!(String::from(err.message()).contains("wasi_thread_start"));
}

#[wasm_bindgen_test]
async fn a_threads_module_without_threads_runs_on_its_shared_memory() {
    // A shared memory and no thread-spawn (C built with -pthread that never
    // starts a thread): it runs in a worker all the same, and its WASI
    // calls read the shared memory.
    let m = wat(r#"(module
        (import "env" "memory" (memory 1 1 shared))
        (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
        (data (i32.const 16) "shared\n")
        (func (export "_start")
            (i32.store (i32.const 0) (i32.const 16))
            (i32.store (i32.const 4) (i32.const 7))
            (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#);
    let out = browser::run(&m, WasiConfig::new()).await.unwrap();
    assert_eq!((out.exit_code(), out.stdout.to_vec(), out.threads), (Some(0), b"shared\n".to_vec(), 0));
}

/// A threads program that only its signal can end: `_start` creates
/// /data/kept.txt, writes "started\n" to stdout, starts a thread, and both
/// threads spin without a WASI call.
const SPIN_FOREVER: &str = r#"(module
    (import "env" "memory" (memory 1 1 shared))
    (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
    (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
    (import "wasi_snapshot_preview1" "path_open"
        (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
    (data (i32.const 16) "started\n")
    (data (i32.const 32) "kept.txt")
    (func $spin (loop $l (br $l)))
    (func (export "wasi_thread_start") (param i32 i32) (call $spin))
    (func (export "_start")
        ;; path_open(3, 0, "kept.txt", O_CREAT, all rights, all rights, 0, &fd at 48)
        (drop (call $open (i32.const 3) (i32.const 0) (i32.const 32) (i32.const 8) (i32.const 1)
            (i64.const -1) (i64.const -1) (i32.const 0) (i32.const 48)))
        ;; the iovec at 0: "started\n"; written to the file, then to stdout
        (i32.store (i32.const 0) (i32.const 16))
        (i32.store (i32.const 4) (i32.const 8))
        (drop (call $write (i32.load (i32.const 48)) (i32.const 0) (i32.const 1) (i32.const 8)))
        (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
        (drop (call $spawn (i32.const 0)))
        (call $spin)))"#;

#[wasm_bindgen_test]
async fn an_aborted_signal_stops_a_threads_program_at_once_keeping_its_output_and_files() {
    let controller = web_sys::AbortController::new().unwrap();
    // The listener aborts inside the guest's write: the program is ended
    // at once although no thread makes another call.
    let abort = Function::new_with_args("c", "this.abort()").bind0(&controller);
    let opts = options(&[
        ("preopens", options(&[("/data", Object::new().into())]).into()),
        ("onStdout", abort.into()),
        ("signal", controller.signal().into()),
    ]);
    let m = wat(SPIN_FOREVER);
    let result = browser::js::run_wasi(Uint8Array::from(&m[..]).into(), opts.into())
        .await
        .map_err(|e| format!("{e:?}"))
        .unwrap();
    assert!(result.stopped());
    assert_eq!((result.exit_code(), result.trap()), (None, None));
    assert_eq!(result.stdout().to_vec(), b"started\n");
    let file: Uint8Array = result.read_path("/data/kept.txt").unchecked_into();
    assert_eq!(file.to_vec(), b"started\n");
}

#[wasm_bindgen_test]
async fn a_threads_program_given_an_aborted_signal_starts_no_thread() {
    let controller = web_sys::AbortController::new().unwrap();
    controller.abort();
    let config = WasiConfig::new().preopen("/data", browser_wasi::Tree::dir());
    let opts = RunOptions { signal: Some(controller.signal()), ..Default::default() };
    let out = browser::run_with(&wat(SPIN_FOREVER), config, opts).await.unwrap();
    assert_eq!((out.termination, out.threads, out.stdout.to_vec()), (Termination::Stopped, 0, vec![]));
}

#[wasm_bindgen_test]
async fn a_threads_program_cannot_use_a_directory_handle_yet() {
    let dir = browser_wasi_tests::opfs::fresh_dir("threads").await;
    let config = WasiConfig::new().preopen_store("/data", false);
    let opts = RunOptions { directory_handles: vec![dir], ..Default::default() };
    let Err(err) = browser::run_with(&wat(SPIN_FOREVER), config, opts).await else { panic!("not refused") };
    assert_eq!(err, RunError::Config(ConfigError::DirectoryHandlesWithThreads));
}
