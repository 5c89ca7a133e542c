//! Compiles the tiny WASI module `prime()` runs (`src/browser/prime.wat`).

fn main() {
    let src = "src/browser/prime.wat";
    println!("cargo:rerun-if-changed={src}");
    let wasm = wat::parse_file(src).expect("prime.wat");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("prime.wasm");
    std::fs::write(out, wasm).unwrap();
}
