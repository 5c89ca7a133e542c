//! `ARCHITECTURE.md` stays true: every path it names exists, and every
//! source file of the shim is named in it; and the JS modules a test page
//! loads stay few enough for the test runner to serve.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The backticked spans of the document.
fn code_spans(doc: &str) -> Vec<&str> {
    doc.split('`').skip(1).step_by(2).collect()
}

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_below(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_path_the_architecture_names_exists() {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let prefixes = ["shim/", "playground/", "tests/", "www/", "scripts/", "runner/", "examples/"];
    let mut missing = Vec::new();
    for span in code_spans(&doc) {
        let is_path =
            prefixes.iter().any(|p| span.starts_with(p)) && !span.contains(' ') && !span.contains('*');
        if is_path && !root().join(span).exists() {
            missing.push(span.to_string());
        }
    }
    assert!(missing.is_empty(), "ARCHITECTURE.md names paths that do not exist: {missing:?}");
}

#[test]
fn every_shim_source_file_is_in_the_architecture() {
    let doc = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let spans = code_spans(&doc);
    let mut files = Vec::new();
    files_below(&root().join("shim/src"), &mut files);
    files_below(&root().join("shim/js"), &mut files);
    let mut unnamed = Vec::new();
    for f in files {
        let rel = f.strip_prefix(root()).unwrap().display().to_string();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        let named = spans.iter().any(|s| *s == rel || *s == name || s.split(" / ").any(|p| p == name));
        // lib.rs and the tests of a module need no row of their own.
        if !named && name != "lib.rs" && name != "tests.rs" {
            unnamed.push(rel);
        }
    }
    assert!(unnamed.is_empty(), "source files ARCHITECTURE.md does not mention: {unnamed:?}");
}

/// The JS modules Rust sources under `dir` bind with `module = "…"` (not
/// `link_to!`, which a page fetches only when it is used), by file.
fn eager_js_modules(dir: &Path) -> Vec<(String, std::collections::BTreeSet<String>)> {
    let mut files = Vec::new();
    files_below(dir, &mut files);
    let mut out = Vec::new();
    for f in files.into_iter().filter(|f| f.extension().is_some_and(|e| e == "rs")) {
        let src = std::fs::read_to_string(&f).unwrap();
        // (Spelt in two halves, so this file does not match itself.)
        let inline = concat!("inline", "_js");
        assert!(
            !src.contains(inline),
            "{}: JavaScript belongs in a .js file, not in a Rust string",
            f.display()
        );
        let modules = src
            .match_indices("wasm_bindgen(module = \"")
            .map(|(at, m)| src[at + m.len()..].split('"').next().unwrap().to_string())
            .collect();
        out.push((f.display().to_string(), modules));
    }
    out
}

/// wasm-bindgen's test runner serves pages with tiny_http, whose connection
/// pool can leave one connection unserved when a page opens more than four
/// at once: a test binary whose page fetches five modules stalls at
/// "Loading scripts..." (in Chrome, every time). The shim loads three
/// eagerly, so a test binary may add one.
#[test]
fn a_test_page_fetches_at_most_four_js_modules_at_once() {
    let shim: std::collections::BTreeSet<String> =
        eager_js_modules(&root().join("shim/src")).into_iter().flat_map(|(_, m)| m).collect();
    assert!(shim.len() <= 3, "the shim loads {} JS modules at start: {shim:?}", shim.len());
    let mut tests = eager_js_modules(&root().join("tests/tests"));
    tests.extend(eager_js_modules(&root().join("tests/src")));
    tests.extend(eager_js_modules(&root().join("playground/tests")));
    for (file, modules) in tests {
        assert!(modules.len() <= 1, "{file} binds {} JS modules of its own: {modules:?}", modules.len());
    }
    let playground: std::collections::BTreeSet<String> =
        eager_js_modules(&root().join("playground/src")).into_iter().flat_map(|(_, m)| m).collect();
    assert!(playground.len() <= 1, "the playground binds {} JS modules: {playground:?}", playground.len());
}
