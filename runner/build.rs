//! Embeds the shim's JavaScript package (`../pkg`, built by
//! `scripts/build-pkg`) and the runner's own page and worker, so that an
//! installed runner needs nothing beside itself but a browser and its
//! driver.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else { return };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let pkg = manifest.join("../pkg");
    println!("cargo:rerun-if-changed={}", pkg.display());
    println!("cargo:rerun-if-changed={}", manifest.join("js").display());
    // Without the package (not built yet: scripts/build-pkg makes it) the
    // runner builds, for linting, but refuses to run.
    let mut all = Vec::new();
    if pkg.join("browser_wasi_bg.wasm").exists() {
        files(&pkg, &mut all);
    } else {
        println!("cargo:warning=the shim's package is not built: run scripts/build-pkg, then build the runner again");
    }
    all.sort();
    let mut code = String::from(
        "/// The shim's package, by path below `pkg/`.\npub static PKG: &[(&str, &[u8])] = &[\n",
    );
    for f in &all {
        println!("cargo:rerun-if-changed={}", f.display());
        let rel = f.strip_prefix(&pkg).unwrap().to_string_lossy().replace('\\', "/");
        writeln!(code, "    ({rel:?}, include_bytes!({:?})),", f.canonicalize().unwrap()).unwrap();
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out.join("assets.rs"), code).unwrap();
}
