//! A directory kept in a store (what a browser's directory handle is to a
//! run), natively: the fake store answers the core's needs and takes its
//! changes, and logs them, so these tests pin *when* the core asks for
//! what. (Every differential case also runs in a store: `native.rs`.)
#![cfg(not(target_arch = "wasm32"))]

use browser_wasi::{Tree, WasiConfig};
use browser_wasi_tests::fake_store::FakeStore;
use browser_wasi_tests::native::{run_in, run_in_store};

const GUEST: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../target/guests/wasm32-wasip1/release/store_writes.wasm");

fn guest() -> Option<Vec<u8>> {
    let wasm = std::fs::read(GUEST).ok();
    if wasm.is_none() {
        eprintln!("skipped: {GUEST} is not built (scripts/build-guests)");
    }
    wasm
}

fn config(args: &[&str], tree: Tree) -> WasiConfig {
    WasiConfig::new().arg("store_writes").args(args.iter().copied()).preopen("/data", tree)
}

fn stdout(o: &browser_wasi_tests::Outcome) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn directories_are_listed_only_when_the_guest_reaches_them() {
    let Some(wasm) = guest() else { return };
    let tree = Tree::dir()
        .with("old", Tree::file("x"))
        .with("kept", Tree::file("kept"))
        .with("deep", Tree::dir().with("x", Tree::dir().with("y", Tree::file("z"))));
    let (out, log) = run_in_store(&wasm, &config(&["tree"], tree)).unwrap();
    assert_eq!(out.exit, Some(0), "{}", stdout(&out));
    assert!(log.contains(&"list /".to_string()), "{log:?}");
    assert!(!log.iter().any(|l| l.starts_with("list /deep")), "deep was listed: {log:?}");
    let Tree::Dir(top) = &out.fs[0].1 else { panic!() };
    assert_eq!(top["deep"], Tree::dir().with("x", Tree::dir().with("y", Tree::file("z"))));
}

#[test]
fn a_large_file_is_read_in_windows_once_each() {
    let Some(wasm) = guest() else { return };
    let (out, log) =
        run_in_store(&wasm, &config(&["write", "big", "1600", "check", "big"], Tree::dir())).unwrap();
    assert!(stdout(&out).contains("check: 1638400 bytes, all as written"), "{}", stdout(&out));
    let reads: Vec<&String> = log.iter().filter(|l| l.starts_with("read /big")).collect();
    assert_eq!(reads, ["read /big 0..1048576", "read /big 1048576..1638400"]);
}

#[test]
fn sync_writes_a_file_back_and_a_clean_close_writes_nothing_more() {
    let Some(wasm) = guest() else { return };
    let (out, log) = run_in_store(&wasm, &config(&["write", "f", "100"], Tree::dir())).unwrap();
    assert!(stdout(&out).contains("sync: ok"), "{}", stdout(&out));
    let ops: Vec<&String> = log.iter().filter(|l| !l.starts_with("list")).collect();
    assert_eq!(ops, ["create /f", "write /f 102400"]);
}

#[test]
fn a_full_store_answers_sync_and_close_with_enospc_and_keeps_the_data_in_memory() {
    let Some(wasm) = guest() else { return };
    let mut fake = FakeStore::default();
    fake.quota = Some(1 << 20);
    let (out, _) =
        run_in(&wasm, &config(&["write", "big", "1600", "check", "big"], Tree::dir()), fake).unwrap();
    let text = stdout(&out);
    assert!(text.contains("sync: NOSPC"), "{text}");
    assert!(text.contains("close: NOSPC"), "{text}");
    // The guest still reads what it wrote; the store has the empty file.
    assert!(text.contains("check: 1638400 bytes, all as written"), "{text}");
    assert_eq!(out.fs[0].1, Tree::dir().with("big", Tree::file(vec![])));
}
