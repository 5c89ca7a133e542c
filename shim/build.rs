//! Compiles the tiny WASI module `prime()` runs (`src/browser/prime.wat`).

fn main() {
    // The browser edge restores the shim's stack pointer after a WASI call
    // the engine cut short (a stack overflow in the guest's last frames):
    // the package exports it for that.
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=--export=__stack_pointer");
    }
    let src = "src/browser/prime.wat";
    println!("cargo:rerun-if-changed={src}");
    let wasm = wat::parse_file(src).expect("prime.wat");
    let out = std::path::PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("prime.wasm");
    std::fs::write(out, wasm).unwrap();
}
