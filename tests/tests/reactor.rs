//! A reactor under wasmi, as the WASI object runs one in a browser: an
//! import of its own alongside WASI, state and files kept across calls, and
//! `proc_exit` inside an export ending that call with its code.
#![cfg(not(target_arch = "wasm32"))]

use browser_wasi::{Tree, WasiConfig};
use browser_wasi_tests::native::Reactor;

const NOTES: &[u8] = include_bytes!("../../target/guests/c/reactor_notes.wasm");

fn notes_file(r: &Reactor) -> String {
    let fs = r.state().ctx.filesystem();
    match fs.get("/data/notes.txt") {
        Some(Tree::File(d)) => String::from_utf8(d.to_vec().unwrap()).unwrap(),
        other => panic!("notes.txt: {other:?}"),
    }
}

#[test]
fn a_reactor_keeps_its_state_and_files_across_calls_and_calls_its_own_import() {
    let config = WasiConfig::new().preopen("/data", Tree::dir());
    let mut r = Reactor::new(NOTES, &config).unwrap();
    for (i, text) in ["first", "second", "third"].into_iter().enumerate() {
        let ptr = r.pass(text.as_bytes());
        assert_eq!(r.call("note", &[ptr, text.len() as i32]), Ok(Some(i as i32 + 1)));
        assert_eq!(notes_file(&r).lines().count(), i + 1);
    }
    assert_eq!(r.call("lines", &[]), Ok(Some(3)));
    assert_eq!(notes_file(&r), "first\nsecond\nthird\n");
    assert_eq!(r.state().log, ["first", "second", "third"]);
}

#[test]
fn proc_exit_inside_an_export_ends_that_call_with_its_code() {
    let config = WasiConfig::new().preopen("/data", Tree::dir().with("notes.txt", Tree::file("kept\n")));
    let mut r = Reactor::new(NOTES, &config).unwrap();
    assert_eq!(r.call("quit", &[7]), Err(Ok(7)));
    assert_eq!(notes_file(&r), "kept\n");
}
