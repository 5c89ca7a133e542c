//! Prints a component's plan: `cargo run -p browser-wasi-component --example plan_dump -- FILE`.
fn main() {
    let path = std::env::args().nth(1).expect("a component's path");
    let bytes = std::fs::read(&path).expect("read");
    match browser_wasi_component::plan::plan(&bytes) {
        Ok(p) => {
            println!("imports: {:#?}", p.imports);
            println!("exports: {:#?}", p.exports);
            println!("modules: {:?}", p.modules);
            for (i, inst) in p.instances.iter().enumerate() {
                println!("instance {i}: module {}", inst.module);
                for imp in &inst.imports {
                    println!("    {}::{} <- {:?}", imp.module, imp.name, imp.item);
                }
            }
            for (i, l) in p.lowered.iter().enumerate() {
                println!("lowered {i}: {} {} {:?}", l.interface, l.func, l.options);
            }
            println!("resources: {:?}", p.resources);
            for (i, f, l) in &p.functions {
                println!("export {i} {f}: {:?} {:?}", l.func, l.ty);
            }
        }
        Err(e) => println!("error: {e}"),
    }
}
