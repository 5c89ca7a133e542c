//! The hostile suite (`tests/hostile/`) in the browser (headless Chrome and
//! Firefox): each attack ends with the errno or error its case expects and
//! the run settles; plus what only the browser edge can get wrong: output
//! listeners that throw, readback of guest-chosen names and deep trees, the
//! page-bytes path of `runWasi`, and a run after a stack overflow.
#![cfg(target_arch = "wasm32")]

use browser_wasi::browser::{self, RunError, RunOptions, Termination};
use browser_wasi::WasiConfig;
use browser_wasi_tests::hostile::{Hostile, Seen};
use js_sys::{Function, Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

async fn seen(wasm: &[u8], config: WasiConfig) -> Seen {
    match browser::run_with(wasm, config, RunOptions::default()).await {
        Err(RunError::Module(e)) => Seen { error: Some(format!("{e:?}")), ..Seen::default() },
        Err(e) => Seen { error: Some(e.to_string()), ..Seen::default() },
        Ok(out) => Seen {
            exit: out.exit_code(),
            trap: match out.termination {
                Termination::Trap(m) => Some(m),
                Termination::Exit(_) | Termination::Stopped => None,
            },
            error: None,
            stdout: out.stdout.to_vec(),
            stderr: out.stderr.to_vec(),
            stdout_dropped: out.stdout.dropped(),
            entries: out.fs.entries(),
        },
    }
}

const THREE_LINES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/hostile_three_lines.wasm"));

macro_rules! hostile {
    ($name:ident, $wasm:expr, $case:expr, $kind:ident) => {
        #[wasm_bindgen_test]
        async fn $name() {
            let case = Hostile::parse(include_str!($case));
            let got = seen(include_bytes!($wasm), case.config(stringify!($name))).await;
            if let Err(why) = case.check(&got) {
                panic!("{}:\n{why}", stringify!($name));
            }
            if case.expect.then_runs {
                let next = seen(THREE_LINES, WasiConfig::new()).await;
                assert_eq!((next.exit, next.stdout.as_slice()), (Some(0), &b"one\ntwo\nthree\n"[..]));
            }
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/hostile.rs"));

/// The JS API's options for a module that streams stdout to `listener`.
fn options_with(key: &str, value: &JsValue) -> Object {
    let o = Object::new();
    Reflect::set(&o, &key.into(), value).unwrap();
    o
}

async fn js_run(wasm: &[u8], options: &Object) -> Result<browser::js::RunResult, JsValue> {
    browser::js::run_wasi(Uint8Array::from(wasm).into(), options.into()).await
}

#[wasm_bindgen_test]
async fn a_listener_that_throws_ends_the_run_and_keeps_what_came_before() {
    let listener = Function::new_with_args(
        "c",
        "this.n = (this.n || 0) + 1; if (this.n === 2) throw new TypeError('listener broke');",
    )
    .bind0(&Object::new());
    let result = js_run(THREE_LINES, &options_with("onStdout", &listener)).await.unwrap();
    let trap = result.trap().expect("the run ends as a trap");
    assert!(trap.contains("listener threw") && trap.contains("listener broke"), "{trap}");
    // The second write was captured before its listener threw; the third
    // never happened.
    assert_eq!(result.stdout().to_vec(), b"one\ntwo\n");
    let again = js_run(THREE_LINES, &Object::new()).await.unwrap();
    assert_eq!(again.stdout().to_vec(), b"one\ntwo\nthree\n");
}

#[wasm_bindgen_test]
async fn a_rust_listener_sees_every_chunk_past_the_output_limit() {
    struct Count(std::rc::Rc<std::cell::Cell<usize>>);
    impl browser_wasi::stdio::OutputSink for Count {
        fn write(&mut self, bytes: &[u8]) {
            self.0.set(self.0.get() + bytes.len());
        }
    }
    let total = std::rc::Rc::new(std::cell::Cell::new(0));
    let mut config = WasiConfig::new();
    config.limits.stdout_bytes = 5;
    let opts = RunOptions { on_stdout: Some(Box::new(Count(total.clone()))), ..Default::default() };
    let out = browser::run_with(THREE_LINES, config, opts).await.unwrap();
    assert_eq!(out.stdout.to_vec(), b"one\n");
    assert_eq!(out.stdout.dropped(), 10);
    assert_eq!(total.get(), 14);
}

#[wasm_bindgen_test]
async fn the_page_bytes_path_refuses_a_module_without_an_entry_point() {
    let wasm = include_bytes!(concat!(env!("OUT_DIR"), "/hostile_no_entry_point.wasm"));
    let err = js_run(wasm, &Object::new()).await.err().expect("refused");
    let err: js_sys::Error = err.dyn_into().unwrap();
    assert_eq!(err.name(), "ModuleError");
    assert!(
        String::from(err.message()).contains("neither `_start` nor `_initialize`"),
        "{:?}",
        err.message()
    );
}

#[wasm_bindgen_test]
async fn guest_names_like_object_properties_read_back_as_entries() {
    let wasm = include_bytes!(concat!(env!("OUT_DIR"), "/hostile_proto_names.wasm"));
    let pre = options_with("/data", &Object::new());
    let result = js_run(wasm, &options_with("preopens", &pre)).await.unwrap();
    for name in ["__proto__", "constructor", "hasOwnProperty"] {
        let file = result.read_path(&format!("/data/{name}"));
        assert_eq!(file.dyn_into::<Uint8Array>().map(|a| a.to_vec()).ok(), Some(b"x".to_vec()), "{name}");
    }
    let dir = Reflect::get(&result.preopens(), &"/data".into()).unwrap();
    let keys: Vec<String> = Reflect::own_keys(&dir).unwrap().iter().filter_map(|k| k.as_string()).collect();
    assert_eq!(keys, ["__proto__", "constructor", "hasOwnProperty"]);
}

#[wasm_bindgen_test]
async fn a_deep_tree_reads_back_as_a_listing_objects_and_paths() {
    let wasm = include_bytes!(concat!(env!("OUT_DIR"), "/hostile_deep_tree.wasm"));
    let pre = options_with("/data", &Object::new());
    let result = js_run(wasm, &options_with("preopens", &pre)).await.unwrap();
    assert_eq!(result.list_files().length(), 2048);
    let deepest = format!("/data{}", "/d".repeat(2048));
    assert!(result.read_path(&deepest).is_object());
    let mut at = Reflect::get(&result.preopens(), &"/data".into()).unwrap();
    let mut depth = 0;
    while let Ok(next) = Reflect::get(&at, &"d".into()) {
        if next.is_undefined() {
            break;
        }
        at = next;
        depth += 1;
    }
    assert_eq!(depth, 2048);
}

#[wasm_bindgen_test]
async fn runs_after_stack_overflows_work_and_keep_the_shim_stack_where_it_was() {
    let wasm = include_bytes!(concat!(env!("OUT_DIR"), "/hostile_stack_overflow.wasm"));
    let sp = shim_stack_pointer();
    assert!(sp > 0.0, "this test binary exports the shim's stack pointer");
    for _ in 0..5 {
        let out = browser::run(wasm, WasiConfig::new()).await.unwrap();
        assert!(matches!(out.termination, Termination::Trap(_)), "{:?}", out.termination);
    }
    assert_eq!(shim_stack_pointer(), sp, "the shim's stack pointer moved");
    let next = seen(THREE_LINES, WasiConfig::new()).await;
    assert_eq!(next.stdout, b"one\ntwo\nthree\n");
}

/// The shim's stack pointer (this test binary exports it), or -1.
fn shim_stack_pointer() -> f64 {
    let sp = Reflect::get(&wasm_bindgen::exports(), &"__stack_pointer".into()).unwrap();
    sp.dyn_into::<js_sys::WebAssembly::Global>().map(|g| g.value().as_f64().unwrap()).unwrap_or(-1.0)
}

#[wasm_bindgen_test]
async fn js_api_takes_limits_and_reports_what_it_dropped() {
    let limits = options_with("stdoutBytes", &5.into());
    let result = js_run(THREE_LINES, &options_with("limits", &limits)).await.unwrap();
    assert_eq!(result.stdout().to_vec(), b"one\n");
    assert_eq!(result.stdout_dropped(), 10.0);
    let bad = options_with("limits", &options_with("inodes", &(-1).into()));
    let err: js_sys::Error = js_run(THREE_LINES, &bad).await.err().unwrap().dyn_into().unwrap();
    assert_eq!(err.name(), "ConfigError");
}
