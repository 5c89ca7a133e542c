//! The `WASI` object (node:wasi's shape) in the browser, headless Chrome
//! and Firefox: a reactor with an import of its own, called many times on
//! one state; `start` and its exit codes; `proc_exit` inside an export; a
//! module importing its memory; the errors node:wasi throws; and a real
//! reactor nobody here wrote, QuickJS-NG, evaluating scripts that read and
//! write files in a preopen.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use browser_wasi::browser::js::WasiObject;
use browser_wasi::browser::{RunOptions, Wasi, WasiError};
use browser_wasi::{Tree, WasiConfig};
use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const NOTES: &[u8] = include_bytes!("../../target/guests/c/reactor_notes.wasm");
const EXIT_CODE: &[u8] = include_bytes!("../../target/guests/wasm32-wasip1/release/exit_code.wasm");
const QJS: &[u8] = include_bytes!("../../target/guests/real/qjs-wasi-reactor.wasm");

async fn instantiate(wasm: &[u8], imports: &Object) -> WebAssembly::Instance {
    let module: WebAssembly::Module =
        JsFuture::from(WebAssembly::compile(&Uint8Array::from(wasm).into())).await.unwrap().unchecked_into();
    JsFuture::from(WebAssembly::instantiate_module(&module, imports)).await.unwrap().unchecked_into()
}

fn export(instance: &WebAssembly::Instance, name: &str) -> Function {
    Reflect::get(&instance.exports(), &name.into()).unwrap().unchecked_into()
}

/// Copies bytes into the guest through its `buffer` (malloc) export.
fn pass(instance: &WebAssembly::Instance, bytes: &[u8]) -> u32 {
    let ptr = export(instance, "buffer").call1(&JsValue::NULL, &(bytes.len() as u32).into()).unwrap();
    let ptr = ptr.as_f64().unwrap() as u32;
    let memory: WebAssembly::Memory =
        Reflect::get(&instance.exports(), &"memory".into()).unwrap().unchecked_into();
    Uint8Array::new(&memory.buffer()).set(&Uint8Array::from(bytes), ptr);
    ptr
}

/// An `env.log` of our own beside WASI's: what the guest logs lands in
/// `seen`, read from the memory given with [`Log::attach`].
struct Log {
    imports: Object,
    seen: Rc<RefCell<Vec<String>>>,
    memory: Rc<RefCell<Option<WebAssembly::Memory>>>,
    _closure: Closure<dyn Fn(u32, u32)>,
}

impl Log {
    fn beside(wasi_imports: &Object) -> Log {
        let seen = Rc::new(RefCell::new(Vec::new()));
        let memory: Rc<RefCell<Option<WebAssembly::Memory>>> = Rc::new(RefCell::new(None));
        let (s, m) = (seen.clone(), memory.clone());
        let closure = Closure::<dyn Fn(u32, u32)>::new(move |ptr: u32, len: u32| {
            if let Some(mem) = m.borrow().as_ref() {
                let bytes = Uint8Array::new(&mem.buffer()).subarray(ptr, ptr + len).to_vec();
                s.borrow_mut().push(String::from_utf8_lossy(&bytes).into_owned());
            }
        });
        let env = Object::new();
        Reflect::set(&env, &"log".into(), closure.as_ref()).unwrap();
        let imports = Object::assign(&Object::new(), wasi_imports);
        Reflect::set(&imports, &"env".into(), &env).unwrap();
        Log { imports, seen, memory, _closure: closure }
    }

    fn attach(&self, instance: &WebAssembly::Instance) {
        let mem = Reflect::get(&instance.exports(), &"memory".into()).unwrap().unchecked_into();
        *self.memory.borrow_mut() = Some(mem);
    }
}

fn text_of(v: JsValue) -> String {
    String::from_utf8(v.dyn_into::<Uint8Array>().expect("a file").to_vec()).unwrap()
}

#[wasm_bindgen_test]
async fn a_reactor_with_its_own_import_keeps_state_and_files_across_calls() {
    let wasi = Wasi::new(WasiConfig::new().preopen("/data", Tree::dir()), RunOptions::default()).unwrap();
    let log = Log::beside(&wasi.import_object());
    let instance = instantiate(NOTES, &log.imports).await;
    log.attach(&instance);
    wasi.initialize(&instance).unwrap();
    for (i, text) in ["first", "second", "third"].into_iter().enumerate() {
        let ptr = pass(&instance, text.as_bytes());
        let n = export(&instance, "note")
            .call2(&JsValue::NULL, &ptr.into(), &(text.len() as u32).into())
            .unwrap();
        assert_eq!(n.as_f64(), Some(i as f64 + 1.0));
        // Files written in one call are there between calls.
        let lines = wasi.with_filesystem(|fs| fs.get("/data/notes.txt")).flatten();
        let Some(Tree::File(data)) = lines else { panic!("no notes.txt") };
        assert_eq!(String::from_utf8(data.to_vec().unwrap()).unwrap().lines().count(), i + 1);
    }
    assert_eq!(export(&instance, "lines").call0(&JsValue::NULL).unwrap().as_f64(), Some(3.0));
    assert_eq!(*log.seen.borrow(), ["first", "second", "third"]);
}

#[wasm_bindgen_test]
async fn proc_exit_inside_an_export_throws_a_catchable_error_with_the_code() {
    let options = Object::new();
    let pre = Object::new();
    let data = Object::new();
    Reflect::set(&data, &"notes.txt".into(), &"kept\n".into()).unwrap();
    Reflect::set(&pre, &"/data".into(), &data).unwrap();
    Reflect::set(&options, &"preopens".into(), &pre).unwrap();
    let wasi = WasiObject::new(options.into()).unwrap();
    let log = Log::beside(&wasi.get_import_object());
    let instance = instantiate(NOTES, &log.imports).await;
    log.attach(&instance);
    wasi.initialize(instance.clone()).unwrap();
    let err = export(&instance, "quit").call1(&JsValue::NULL, &7.into()).unwrap_err();
    assert_eq!(Reflect::get(&err, &"name".into()).unwrap().as_string().as_deref(), Some("WasiExitError"));
    assert_eq!(Reflect::get(&err, &"code".into()).unwrap().as_f64(), Some(7.0));
    // The object is whole: its output and files read back; the program
    // has exited, so a later WASI call throws the same error again.
    assert_eq!(wasi.stdout().to_vec(), b"leaving with 7\n");
    assert_eq!(text_of(wasi.read_path("/data/notes.txt")), "kept\n");
    let ptr = pass(&instance, b"late");
    let again = export(&instance, "note").call2(&JsValue::NULL, &ptr.into(), &4.into()).unwrap_err();
    assert_eq!(Reflect::get(&again, &"code".into()).unwrap().as_f64(), Some(7.0));
    assert_eq!(text_of(wasi.read_path("/data/notes.txt")), "kept\n");
}

#[wasm_bindgen_test]
async fn start_returns_the_exit_code_and_refuses_to_start_twice() {
    let config = WasiConfig::new().args(["exit_code", "42"]);
    let wasi = Wasi::new(config, RunOptions::default()).unwrap();
    let instance = instantiate(EXIT_CODE, &wasi.import_object()).await;
    assert_eq!(wasi.start(&instance), Ok(42));
    assert_eq!(wasi.start(&instance), Err(WasiError::AlreadyStarted));
    let returned = Wasi::new(WasiConfig::new().args(["exit_code"]), RunOptions::default()).unwrap();
    let instance = instantiate(EXIT_CODE, &returned.import_object()).await;
    assert_eq!(returned.start(&instance), Ok(0));
}

#[wasm_bindgen_test]
async fn commands_and_reactors_are_told_apart_as_node_wasi_does() {
    let wasi = WasiObject::new(JsValue::UNDEFINED).unwrap();
    let instance = instantiate(EXIT_CODE, &wasi.get_import_object()).await;
    let err = wasi.initialize(instance).unwrap_err();
    assert_eq!(
        Reflect::get(&err, &"code".into()).unwrap().as_string().as_deref(),
        Some("ERR_INVALID_ARG_TYPE")
    );
    let wasi = WasiObject::new(JsValue::UNDEFINED).unwrap();
    let log = Log::beside(&wasi.get_import_object());
    let instance = instantiate(NOTES, &log.imports).await;
    let err = wasi.start(instance.clone()).unwrap_err();
    assert!(Reflect::get(&err, &"message".into()).unwrap().as_string().unwrap().contains("_start"));
    let wasi = WasiObject::new(JsValue::UNDEFINED).unwrap();
    wasi.start(instantiate(EXIT_CODE, &wasi.get_import_object()).await).unwrap();
    let twice = wasi.start(instantiate(EXIT_CODE, &wasi.get_import_object()).await).unwrap_err();
    assert_eq!(
        Reflect::get(&twice, &"code".into()).unwrap().as_string().as_deref(),
        Some("ERR_WASI_ALREADY_STARTED")
    );
}

#[wasm_bindgen_test]
async fn a_module_that_imports_its_memory_gets_it_from_the_memory_option() {
    let wat = r#"(module
        (import "env" "memory" (memory 1))
        (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
        (data (i32.const 16) "imported memory\n")
        (func (export "_start")
          (i32.store (i32.const 0) (i32.const 16))
          (i32.store (i32.const 4) (i32.const 16))
          (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;
    let memory = WebAssembly::Memory::new(&{
        let d = Object::new();
        Reflect::set(&d, &"initial".into(), &1.into()).unwrap();
        d
    })
    .unwrap();
    let options = Object::new();
    Reflect::set(&options, &"memory".into(), &memory).unwrap();
    let wasi = WasiObject::new(options.into()).unwrap();
    let imports = wasi.get_import_object();
    let env = Object::new();
    Reflect::set(&env, &"memory".into(), &memory).unwrap();
    Reflect::set(&imports, &"env".into(), &env).unwrap();
    let instance = instantiate(&wat::parse_str(wat).unwrap(), &imports).await;
    assert_eq!(wasi.start(instance).unwrap(), 0);
    assert_eq!(wasi.stdout().to_vec(), b"imported memory\n");
}

#[wasm_bindgen_test]
async fn the_unstable_version_imports_wasi_unstable() {
    let options = Object::new();
    Reflect::set(&options, &"version".into(), &"unstable".into()).unwrap();
    let wasi = WasiObject::new(options.into()).unwrap();
    let keys = Object::keys(&wasi.get_import_object());
    assert_eq!(keys.to_vec(), [JsValue::from("wasi_unstable")]);
    assert!(Reflect::has(&wasi.wasi_import(), &"fd_write".into()).unwrap());
}

/// Runs `qjs_init_argv` with these arguments, strings laid out through the
/// reactor's `malloc`.
fn qjs_run(instance: &WebAssembly::Instance, args: &[&str]) -> Result<JsValue, JsValue> {
    let malloc = export(instance, "malloc");
    let memory: WebAssembly::Memory =
        Reflect::get(&instance.exports(), &"memory".into()).unwrap().unchecked_into();
    let mut pointers = Vec::new();
    for a in args {
        let bytes = [a.as_bytes(), b"\0"].concat();
        let ptr = malloc.call1(&JsValue::NULL, &(bytes.len() as u32).into())?.as_f64().unwrap() as u32;
        Uint8Array::new(&memory.buffer()).set(&Uint8Array::from(&bytes[..]), ptr);
        pointers.push(ptr);
    }
    let argv = malloc.call1(&JsValue::NULL, &(4 * pointers.len() as u32).into())?.as_f64().unwrap() as u32;
    let table: Vec<u8> = pointers.iter().flat_map(|p| p.to_le_bytes()).collect();
    Uint8Array::new(&memory.buffer()).set(&Uint8Array::from(&table[..]), argv);
    export(instance, "qjs_init_argv").call2(&JsValue::NULL, &(args.len() as u32).into(), &argv.into())
}

#[wasm_bindgen_test]
async fn quickjs_ng_as_a_reactor_evaluates_scripts_that_read_and_write_files() {
    // Scripts (not modules): `--std` makes `std` and `os` globals.
    let first = r#"
        const input = std.loadFile("/data/input.txt");
        const f = std.open("/data/upper.txt", "w");
        f.puts(input.toUpperCase());
        f.close();
        console.log("wrote", input.length, "characters");
    "#;
    let second = r#"
        const [names] = os.readdir("/data");
        console.log(names.filter((n) => !n.startsWith(".")).sort().join(","));
        console.log(std.loadFile("/data/upper.txt").trim());
    "#;
    let wasi = Wasi::new(
        WasiConfig::new().preopen(
            "/data",
            Tree::dir()
                .with("input.txt", Tree::file("hello from a page\n"))
                .with("first.js", Tree::file(first))
                .with("second.js", Tree::file(second)),
        ),
        RunOptions::default(),
    )
    .unwrap();
    let instance = instantiate(QJS, &wasi.import_object()).await;
    wasi.initialize(&instance).unwrap();
    qjs_run(&instance, &["qjs", "--std", "/data/first.js"]).unwrap();
    let Some(Tree::File(upper)) = wasi.with_filesystem(|fs| fs.get("/data/upper.txt")).flatten() else {
        panic!(
            "the script wrote no upper.txt; stdout {:?}",
            String::from_utf8_lossy(&wasi.stdout().to_vec())
        );
    };
    assert_eq!(upper.to_vec().unwrap(), b"HELLO FROM A PAGE\n");
    // A second script, in a new context on the same state, reads what the
    // first one wrote.
    export(&instance, "qjs_destroy").call0(&JsValue::NULL).unwrap();
    qjs_run(&instance, &["qjs", "--std", "/data/second.js"]).unwrap();
    let out = String::from_utf8(wasi.stdout().to_vec()).unwrap();
    assert_eq!(out, "wrote 18 characters\nfirst.js,input.txt,second.js,upper.txt\nHELLO FROM A PAGE\n");
}

const SLEEP: &[u8] = include_bytes!("../../target/guests/wasm32-wasip1/release/sleep_then_print.wasm");

#[wasm_bindgen::prelude::wasm_bindgen(module = "/js/page_helpers.js")]
extern "C" {
    fn mark_after(ms: f64) -> JsValue;
}

#[wasm_bindgen_test]
async fn start_async_suspends_a_sleeping_guest_and_start_blocks() {
    // startAsync: the guest sleeps suspended, so a timer set before it
    // fires while it sleeps.
    let wasi = WasiObject::new(JsValue::UNDEFINED).unwrap();
    let instance = instantiate(SLEEP, &wasi.get_import_object()).await;
    let timer = mark_after(10.0);
    let code = JsFuture::from(wasi.start_async(instance)).await.unwrap();
    assert_eq!(code.as_f64(), Some(0.0));
    assert!(Reflect::get(&timer, &"at".into()).unwrap().as_f64().unwrap() > 0.0, "the timer did not fire");
    assert_eq!(wasi.stdout().to_vec(), b"woke after at least 100ms: true\n");
    // start: the same import object, called without JSPI, sleeps in place.
    let wasi = WasiObject::new(JsValue::UNDEFINED).unwrap();
    let instance = instantiate(SLEEP, &wasi.get_import_object()).await;
    assert_eq!(wasi.start(instance).unwrap(), 0);
    assert_eq!(wasi.stdout().to_vec(), b"woke after at least 100ms: true\n");
}

#[wasm_bindgen_test]
async fn interactive_stdin_needs_start_async() {
    let options = Object::new();
    Reflect::set(&options, &"stdin".into(), &Function::new_no_args("return null")).unwrap();
    let wasi = WasiObject::new(options.into()).unwrap();
    let instance = instantiate(EXIT_CODE, &wasi.get_import_object()).await;
    let err = wasi.start(instance).unwrap_err();
    assert!(Reflect::get(&err, &"message".into()).unwrap().as_string().unwrap().contains("startAsync"));
}

#[wasm_bindgen_test]
async fn start_throws_an_abort_error_once_the_signal_is_aborted() {
    let controller = web_sys::AbortController::new().unwrap();
    let options = Object::new();
    Reflect::set(&options, &"signal".into(), &controller.signal()).unwrap();
    let wasi = WasiObject::new(options.into()).unwrap();
    let instance = instantiate(EXIT_CODE, &wasi.get_import_object()).await;
    controller.abort();
    let err = wasi.start(instance).unwrap_err();
    assert_eq!(Reflect::get(&err, &"name".into()).unwrap().as_string().as_deref(), Some("AbortError"));
}

const STORE_WRITES: &[u8] = include_bytes!("../../target/guests/wasm32-wasip1/release/store_writes.wasm");

#[wasm_bindgen_test]
async fn a_directory_handle_preopen_runs_with_start_async_and_start_refuses_it() {
    let dir = browser_wasi_tests::opfs::fresh_dir("wasi-object").await;
    let options = || {
        let preopens = Object::new();
        Reflect::set(&preopens, &"/data".into(), &dir).unwrap();
        let options = Object::new();
        let args: js_sys::Array =
            ["store_writes", "write", "f", "2"].iter().map(|&a| JsValue::from(a)).collect();
        Reflect::set(&options, &"args".into(), &args).unwrap();
        Reflect::set(&options, &"preopens".into(), &preopens).unwrap();
        JsValue::from(options)
    };
    let wasi = WasiObject::new(options()).unwrap();
    let instance = instantiate(STORE_WRITES, &wasi.get_import_object()).await;
    let err = wasi.start(instance).unwrap_err();
    let message = Reflect::get(&err, &"message".into()).unwrap().as_string().unwrap();
    assert!(message.contains("directory handle"), "{message}");
    let wasi = WasiObject::new(options()).unwrap();
    let instance = instantiate(STORE_WRITES, &wasi.get_import_object()).await;
    let code = JsFuture::from(wasi.start_async(instance)).await.unwrap();
    assert_eq!(code.as_f64(), Some(0.0));
    assert_eq!(wasi.store_error(), None);
    let file = browser_wasi_tests::opfs::handle_at(&dir, "f").await.expect("written into the handle");
    assert_eq!(browser_wasi_tests::opfs::read_file(&file).await.len(), 2048);
}
