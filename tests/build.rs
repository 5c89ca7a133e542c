//! Turns every case in `cases/` into a test function (`$OUT_DIR/cases.rs`),
//! compiles WAT guests, and checks the fixtures against the cases.
//!
//! Guest paths come from `guests.json`, which `differential/wasmtime_run.py`
//! reads too. A case whose guest binary or recorded wasmtime result does not
//! exist yet becomes an ignored test whose reason names the command that
//! makes it, so a plain `cargo test` in a fresh clone builds and reports
//! instead of failing. A guest that no case and no test uses is an error
//! (as in wasmtime's test-programs): every fixture must pin something.
//! A case file is named after its guest: `<guest id>_<scenario>.json`, the
//! guest id being its `guest` with `/` turned into `_`.

use std::collections::BTreeSet;
use std::fmt::Write;
use std::path::{Path, PathBuf};

struct Kind {
    prefix: String,
    sources: Option<String>,
    names: Vec<String>,
    binary: String,
    build: String,
    /// wasi-threads programs: their cases run in the browsers only.
    threads: bool,
    /// Where the same guest is built as a wasip2 component, if it is.
    component: Option<String>,
    /// The guests of the kind built as components, if not all of them.
    component_names: Option<Vec<String>>,
}

fn main() {
    // The browser tests check that the shim's stack pointer is restored
    // after a stack overflow: let them see it (as the package build does).
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-tests=--export=__stack_pointer");
    }
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.parent().unwrap().to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let cases_dir = manifest.join("cases");
    for watched in [
        "cases",
        "guests.json",
        "wat",
        "guests/src/bin",
        "guests/c",
        "threads-guests/src/bin",
        "threads-guests/c",
        "tests",
    ] {
        println!("cargo:rerun-if-changed={}", manifest.join(watched).display());
    }
    println!("cargo:rerun-if-changed={}", root.join("target/expected").display());

    let kinds = read_kinds(&manifest.join("guests.json"));
    let mut names: Vec<String> = std::fs::read_dir(&cases_dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".json").map(String::from))
        .collect();
    names.sort();

    let mut code = String::new();
    let mut component_code = String::new();
    let mut errors = Vec::new();
    let mut used = BTreeSet::new();
    for name in &names {
        let case_path = cases_dir.join(format!("{name}.json"));
        println!("cargo:rerun-if-changed={}", case_path.display());
        let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&case_path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", case_path.display()));
        let guest = case["guest"].as_str().unwrap_or_else(|| panic!("{name}: no guest")).to_string();
        let id = guest.replace('/', "_");
        if name != &id && !name.starts_with(&format!("{id}_")) {
            errors.push(format!("case {name}: its file name must start with its guest id `{id}_`"));
        }
        let Some(kind) = kinds.iter().find(|k| guest.starts_with(&k.prefix)) else {
            errors.push(format!("case {name}: no kind of guest in guests.json matches {guest:?}"));
            continue;
        };
        let bare = &guest[kind.prefix.len()..];
        used.insert(guest.clone());
        let mut wasm = root.join(kind.binary.replace("{name}", bare));
        if kind.prefix == "wat/" {
            let bin = out.join(format!("{id}.wasm"));
            let src = wat::parse_file(&wasm).unwrap_or_else(|e| panic!("{guest}: {e}"));
            std::fs::write(&bin, src).unwrap();
            wasm = bin;
        }
        let expected = root.join("target/expected").join(format!("{name}.json"));
        let missing = if !wasm.exists() {
            Some(format!("guest {guest} is not built: run {}", kind.build))
        } else if !expected.exists() {
            Some("wasmtime's result is not recorded: run scripts/test --native (or python3 tests/differential/wasmtime_run.py .)".to_string())
        } else {
            None
        };
        match missing {
            Some(reason) => writeln!(code, "case_not_ready!({name}, {reason:?});").unwrap(),
            None => writeln!(
                code,
                "{}!({name}, {:?}, {:?}, {:?});",
                if kind.threads { "threads_case" } else { "case" },
                path(&wasm),
                path(&case_path),
                path(&expected)
            )
            .unwrap(),
        }

        // The case again with the guest as a component, where it is one.
        let as_component = kind.component_names.as_ref().is_none_or(|n| n.iter().any(|n| n == bare));
        if let Some(pattern) = kind.component.as_ref().filter(|_| as_component) {
            let wasm = root.join(pattern.replace("{name}", bare));
            let expected = root.join("target/expected").join(format!("{name}.component.json"));
            let ready = if !wasm.exists() {
                Err(format!("guest {guest} is not built as a component: run {}", kind.build))
            } else if !expected.exists() {
                Err("wasmtime's result is not recorded for the component: run python3 tests/differential/wasmtime_run.py .".to_string())
            } else {
                Ok(())
            };
            match ready {
                Err(reason) => writeln!(component_code, "case_not_ready!({name}, {reason:?});").unwrap(),
                Ok(()) => writeln!(
                    component_code,
                    "component_case!({name}, {:?}, {:?}, {:?});",
                    path(&wasm),
                    path(&case_path),
                    path(&expected)
                )
                .unwrap(),
            }
        }
    }

    // Every guest that exists must be used by a case or named by a test.
    let tests_text: String = std::fs::read_dir(manifest.join("tests"))
        .unwrap()
        .filter_map(|e| std::fs::read_to_string(e.ok()?.path()).ok())
        .collect();
    for kind in &kinds {
        for name in guest_names(&root, kind) {
            let guest = format!("{}{name}", kind.prefix);
            let named = tests_text.contains(&format!("/{name}.wasm"));
            if !used.contains(&guest) && !named {
                errors.push(format!("guest {guest} exists but no case and no test uses it"));
            }
        }
    }
    if !errors.is_empty() {
        panic!("tests/cases and the guest fixtures disagree:\n  {}", errors.join("\n  "));
    }
    std::fs::write(out.join("cases.rs"), code).unwrap();
    std::fs::write(out.join("component_cases.rs"), component_code).unwrap();
    std::fs::write(out.join("hostile.rs"), hostile_cases(&manifest, &out)).unwrap();
}

/// `hostile!(name, wasm, case)` for every `hostile/<name>.wat`, which must
/// have its `<name>.json`: the WAT is compiled into `$OUT_DIR`.
fn hostile_cases(manifest: &Path, out: &Path) -> String {
    let dir = manifest.join("hostile");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".wat").map(String::from))
        .collect();
    names.sort();
    let mut code = String::new();
    for name in names {
        let (src, case) = (dir.join(format!("{name}.wat")), dir.join(format!("{name}.json")));
        println!("cargo:rerun-if-changed={}", src.display());
        assert!(case.exists(), "hostile/{name}.wat has no {name}.json saying what it attacks and expects");
        let wasm = out.join(format!("hostile_{name}.wasm"));
        std::fs::write(&wasm, wat::parse_file(&src).unwrap_or_else(|e| panic!("hostile/{name}.wat: {e}")))
            .unwrap();
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&case).unwrap()).unwrap();
        let native = json["native"].as_bool().unwrap_or(true);
        let kind = if native { "everywhere" } else { "browser_only" };
        writeln!(code, "hostile!({name}, {:?}, {:?}, {kind});", path(&wasm), path(&case)).unwrap();
    }
    code
}

fn read_kinds(path: &Path) -> Vec<Kind> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let s = |k: &serde_json::Value, f: &str| k[f].as_str().map(String::from);
    v["kinds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| Kind {
            prefix: s(k, "prefix").unwrap(),
            sources: s(k, "sources"),
            names: k["names"]
                .as_array()
                .map(|a| a.iter().filter_map(|n| n.as_str().map(String::from)).collect())
                .unwrap_or_default(),
            binary: s(k, "binary").unwrap(),
            build: s(k, "build").unwrap(),
            threads: k["threads"].as_bool().unwrap_or(false),
            component: s(k, "component"),
            component_names: k["component_names"]
                .as_array()
                .map(|a| a.iter().filter_map(|n| n.as_str().map(String::from)).collect()),
        })
        .collect()
}

/// The guests of a kind that exist: its listed names, or the files its
/// `sources` pattern matches.
fn guest_names(root: &Path, kind: &Kind) -> Vec<String> {
    let Some(pattern) = &kind.sources else { return kind.names.clone() };
    let (dir, file) = pattern.rsplit_once('/').unwrap();
    let (before, after) = file.split_once("{name}").unwrap();
    let mut names: Vec<String> = std::fs::read_dir(root.join(dir))
        .map(|rd| {
            rd.filter_map(|e| {
                let f = e.ok()?.file_name().into_string().ok()?;
                Some(f.strip_prefix(before)?.strip_suffix(after)?.to_string())
            })
            .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn path(p: &Path) -> String {
    p.display().to_string()
}
