//! Turns every case in `cases/` into a test function (`$OUT_DIR/cases.rs`),
//! compiles WAT guests, and checks that the inputs the test command
//! prepares exist: the guest binaries and wasmtime's recorded results.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.parent().unwrap().to_path_buf();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let cases_dir = manifest.join("cases");
    println!("cargo:rerun-if-changed={}", cases_dir.display());
    println!("cargo:rerun-if-changed={}", root.join("target/expected").display());

    let mut names: Vec<String> = std::fs::read_dir(&cases_dir)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok()?.strip_suffix(".json").map(String::from))
        .collect();
    names.sort();

    let mut code = String::new();
    let mut missing = Vec::new();
    for name in &names {
        let case_path = cases_dir.join(format!("{name}.json"));
        println!("cargo:rerun-if-changed={}", case_path.display());
        let case: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&case_path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", case_path.display()));
        let guest = case["guest"].as_str().unwrap_or_else(|| panic!("{name}: no guest"));
        let wasm = if let Some(wat) = guest.strip_suffix(".wat") {
            let src = manifest.join(guest);
            println!("cargo:rerun-if-changed={}", src.display());
            let bin = out.join(format!("{}.wasm", wat.replace('/', "_")));
            std::fs::write(&bin, wat::parse_file(&src).unwrap_or_else(|e| panic!("{guest}: {e}"))).unwrap();
            bin
        } else if guest.starts_with("c/") || guest.starts_with("real/") {
            root.join("target/guests").join(format!("{guest}.wasm"))
        } else {
            root.join("target/guests/wasm32-wasip1/release").join(format!("{guest}.wasm"))
        };
        let expected = root.join("target/expected").join(format!("{name}.json"));
        for p in [&wasm, &expected] {
            if !p.exists() {
                missing.push(p.display().to_string());
            }
        }
        writeln!(code, "case!({name}, {:?}, {:?}, {:?});", path(&wasm), path(&case_path), path(&expected))
            .unwrap();
    }
    if !missing.is_empty() {
        panic!(
            "missing test inputs (run scripts/test, which builds the guests and records wasmtime's results first):\n  {}",
            missing.join("\n  ")
        );
    }
    std::fs::write(out.join("cases.rs"), code).unwrap();
}

fn path(p: &Path) -> String {
    p.display().to_string()
}
