//! Preopens kept in directory handles (OPFS here: `showDirectoryPicker`
//! cannot be driven headless, and a picked folder takes the same path), in
//! headless Chrome and Firefox: what the guest writes is in the handle for
//! the next run, a stop keeps every closed file whole, a large file is read
//! in bounded memory, a full quota is ENOSPC, and what a handle cannot do
//! (move a directory, in Chrome) is an errno. (Every differential case also
//! runs with its preopens in OPFS: `browser.rs`.)
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use browser_wasi::browser::{self, RunOptions, Termination};
use browser_wasi::{Tree, WasiConfig};
use browser_wasi_tests::opfs;
use js_sys::{Reflect, WebAssembly};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const GUEST: &[u8] = include_bytes!("../../target/guests/wasm32-wasip1/release/store_writes.wasm");

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/page_helpers.js")]
extern "C" {
    fn quota_handle(dir: &JsValue, quota: f64) -> JsValue;
    async fn sparse_file(dir: &JsValue, name: &str, size: f64, marks: js_sys::Array);
    fn can_move_directories() -> bool;
}

/// Runs the guest with `args` on `/data` kept in `dir`.
async fn run(dir: &JsValue, args: &[&str], mut options: RunOptions) -> browser::RunOutput {
    let config =
        WasiConfig::new().arg("store_writes").args(args.iter().copied()).preopen_store("/data", false);
    options.directory_handles = vec![dir.clone()];
    browser::run_with(GUEST, config, options).await.expect("the run")
}

fn stdout(out: &browser::RunOutput) -> String {
    String::from_utf8_lossy(&out.stdout.to_vec()).into_owned()
}

#[wasm_bindgen_test]
async fn files_a_guest_writes_into_opfs_are_there_for_the_next_run() {
    let dir = opfs::fresh_dir("next-run").await;
    let out = run(&dir, &["write", "big", "1600", "write", "small", "3"], RunOptions::default()).await;
    assert_eq!(out.exit_code(), Some(0), "{}", stdout(&out));
    // A second run, with nothing but the handle, reads them back.
    let out = run(&dir, &["check", "big", "check", "small"], RunOptions::default()).await;
    assert_eq!(
        stdout(&out),
        "open: ok\ncheck: 1638400 bytes, all as written\nclose: ok ()\n\
         open: ok\ncheck: 3072 bytes, all as written\nclose: ok ()\n"
    );
    let big = opfs::read_file(&opfs::handle_at(&dir, "big").await.unwrap()).await;
    assert_eq!(big.len(), 1_638_400);
    // The run's result lists no files for a preopen kept in a handle: the
    // handle has them.
    assert!(out.fs.trees().is_empty());
}

#[wasm_bindgen_test]
async fn mkdir_rename_unlink_and_rmdir_leave_the_handle_holding_the_guest_s_tree() {
    let dir = opfs::fresh_dir("tree").await;
    let start = Tree::dir()
        .with("old", Tree::file("to be removed"))
        .with("kept", Tree::file("kept"))
        .with("deep", Tree::dir().with("x", Tree::dir().with("y", Tree::file("untouched"))));
    opfs::write_tree(&dir, &start).await;
    let out = run(&dir, &["tree"], RunOptions::default()).await;
    assert!(stdout(&out).ends_with("read a/h: ok \"hello\"\n"), "{}", stdout(&out));
    let want = Tree::dir()
        .with("a", Tree::dir().with("h", Tree::file("hello")))
        .with("kept", Tree::file("kept and more"))
        .with("deep", Tree::dir().with("x", Tree::dir().with("y", Tree::file("untouched"))));
    assert_eq!(opfs::read_tree(&dir).await, want);
}

#[wasm_bindgen_test]
async fn renaming_a_directory_moves_it_where_handles_can_move_directories_and_is_exdev_where_not() {
    let dir = opfs::fresh_dir("mvdir").await;
    opfs::write_tree(&dir, &Tree::dir().with("d", Tree::dir().with("f", Tree::file("in d")))).await;
    let args = ["write", "d/g", "1", "mvdir", "d", "e", "check", "e/f", "write", "e/g", "2", "check", "e/g"];
    let out = run(&dir, &args, RunOptions::default()).await;
    let tree = opfs::read_tree(&dir).await;
    if can_move_directories() {
        // Firefox: the directory moves, and its files with it; one listed
        // before the move (g) is written again after it.
        let text = stdout(&out);
        assert!(text.contains("rename d e: ok"), "{text}");
        assert!(text.ends_with("check: 2048 bytes, all as written\nclose: ok ()\n"), "{text}");
        let g = tree.get("e/g").cloned();
        assert_eq!(tree.get("e/f"), Some(&Tree::file("in d")));
        assert_eq!(g.map(|t| matches!(t, Tree::File(d) if d.len() == 2048)), Some(true));
        assert!(tree.get("d").is_none());
    } else {
        // Chrome moves files only: EXDEV, as across filesystems, where a
        // program such as `mv` copies instead. Nothing changed.
        assert!(stdout(&out).contains("rename d e: XDEV\nopen: NOENT"), "{}", stdout(&out));
        assert_eq!(tree.get("d/f"), Some(&Tree::file("in d")));
        assert!(tree.get("e").is_none());
    }
}

/// Counts the files the guest says it wrote, and aborts after `stop_at`.
struct StopAfter {
    lines: Rc<RefCell<u32>>,
    stop_at: u32,
    controller: web_sys::AbortController,
}

impl browser_wasi::stdio::OutputSink for StopAfter {
    fn write(&mut self, bytes: &[u8]) {
        let mut n = self.lines.borrow_mut();
        *n += bytes.iter().filter(|&&b| b == b'\n').count() as u32;
        if *n >= self.stop_at {
            self.controller.abort();
        }
    }
}

#[wasm_bindgen_test]
async fn a_stop_during_a_write_loop_leaves_every_closed_file_whole() {
    let dir = opfs::fresh_dir("stop").await;
    opfs::write_tree(&dir, &Tree::dir().with("d", Tree::dir())).await;
    let controller = web_sys::AbortController::new().unwrap();
    let lines = Rc::new(RefCell::new(0));
    let sink = StopAfter { lines: lines.clone(), stop_at: 20, controller: controller.clone() };
    let options = RunOptions {
        signal: Some(controller.signal()),
        on_stdout: Some(Box::new(sink)),
        ..Default::default()
    };
    let out = run(&dir, &["loop", "d"], options).await;
    assert_eq!(out.termination, Termination::Stopped);
    let written = *lines.borrow();
    let Tree::Dir(files) = opfs::read_tree(&opfs::handle_at(&dir, "d").await.unwrap()).await else {
        panic!()
    };
    for i in 0..written {
        let want = format!("file {i}\n").repeat(512);
        assert_eq!(files.get(&format!("f{i}")), Some(&Tree::file(want)), "f{i}, closed before the stop");
    }
    // A file the stop came in the middle of is whole or empty, never torn.
    for (name, file) in &files {
        let i: u32 = name[1..].parse().unwrap();
        let whole = Tree::file(format!("file {i}\n").repeat(512));
        assert!(*file == whole || *file == Tree::file(""), "{name} is torn");
    }
}

#[wasm_bindgen_test]
async fn a_1_gib_file_is_read_to_its_end_in_bounded_memory() {
    const GIB: f64 = 1073741824.0;
    let dir = opfs::fresh_dir("large").await;
    let marks: js_sys::Array = [(0.0, "first"), (536870912.0, "middle"), (GIB - 4.0, "last")]
        .iter()
        .map(|&(at, text)| js_sys::Array::of2(&at.into(), &text.into()))
        .collect();
    sparse_file(&dir, "huge", GIB, marks).await;
    let memory = || {
        wasm_bindgen::memory()
            .unchecked_into::<WebAssembly::Memory>()
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length()
    };
    let before = memory();
    let out = run(&dir, &["scan", "huge"], RunOptions::default()).await;
    assert_eq!(
        stdout(&out),
        "open: ok\nat 0: first\nat 536870912: middle\nat 1073741820: last\nscan: 1073741824 bytes\n"
    );
    // The shim holds a few windows of it at a time, never the file.
    let grown = memory().saturating_sub(before);
    assert!(grown < 64 << 20, "the shim's memory grew by {grown} bytes reading a 1 GiB file");
}

#[wasm_bindgen_test]
async fn a_full_quota_is_enospc_for_sync_and_close_and_reported_at_the_end() {
    let dir = opfs::fresh_dir("quota").await;
    let limited = quota_handle(&dir, 1048576.0);
    let out = run(&limited, &["write", "big", "1600", "check", "big"], RunOptions::default()).await;
    let text = stdout(&out);
    assert!(text.contains("sync: NOSPC"), "{text}");
    assert!(text.contains("close: NOSPC"), "{text}");
    // What the guest wrote is still what it reads (in memory).
    assert!(text.contains("check: 1638400 bytes, all as written"), "{text}");
    assert_eq!(out.exit_code(), Some(0));
    // Written back again at the end, and refused again: said, not thrown.
    assert!(out.store_error.as_deref().is_some_and(|e| e.contains("NOSPC")), "{:?}", out.store_error);
    assert_eq!(opfs::read_tree(&dir).await, Tree::dir().with("big", Tree::file("")));
}

#[wasm_bindgen_test]
async fn a_handle_needs_the_asynchronous_run() {
    let dir = opfs::fresh_dir("sync").await;
    let config = WasiConfig::new().arg("store_writes").preopen_store("/data", false);
    let options = RunOptions { directory_handles: vec![dir], ..Default::default() };
    let Err(err) = browser::run_sync(GUEST, config, options) else { panic!("not refused") };
    assert!(err.to_string().contains("JSPI and an asynchronous run"), "{err}");
    let config = WasiConfig::new().preopen_store("/data", false);
    let Err(err) = browser::run_with(GUEST, config, RunOptions::default()).await else {
        panic!("not refused")
    };
    assert!(err.to_string().contains("1 preopens are directory handles, but 0 handles"), "{err}");
}

#[wasm_bindgen_test]
async fn js_api_takes_a_directory_handle_as_a_preopen() {
    let dir = opfs::fresh_dir("js-api").await;
    opfs::write_tree(&dir, &Tree::dir().with("kept", Tree::file("kept"))).await;
    let preopens = js_sys::Object::new();
    Reflect::set(&preopens, &"/data".into(), &dir).unwrap();
    let options = js_sys::Object::new();
    let args: js_sys::Array = ["store_writes", "write", "w", "1"].iter().map(|&a| JsValue::from(a)).collect();
    Reflect::set(&options, &"args".into(), &args).unwrap();
    Reflect::set(&options, &"preopens".into(), &preopens).unwrap();
    let module = js_sys::Uint8Array::from(GUEST);
    let result =
        browser::js::run_wasi(module.into(), options.into()).await.map_err(|e| format!("{e:?}")).unwrap();
    assert_eq!((result.exit_code(), result.store_error()), (Some(0), None));
    let tree = opfs::read_tree(&dir).await;
    assert_eq!(tree.get("w").map(|t| matches!(t, Tree::File(d) if d.len() == 1024)), Some(true));
    assert_eq!(tree.get("kept"), Some(&Tree::file("kept")));
}
