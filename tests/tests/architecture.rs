//! `ARCHITECTURE.md` stays true: every path it names exists, and every
//! source file of the shim is named in it.
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
