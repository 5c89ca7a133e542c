//! Greets whoever the arguments name, and shows what the program can see:
//! its arguments, environment and preopened directories.
fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let who = if args.is_empty() { "world".to_string() } else { args.join(" and ") };
    println!("\x1b[1mHello, {who}!\x1b[0m");
    println!("argv: {:?}", std::env::args().collect::<Vec<_>>());
    for (k, v) in std::env::vars() {
        println!("env {k}={v}");
    }
    for dir in ["/data", "/tmp", "."] {
        if let Ok(entries) = std::fs::read_dir(dir) {
            println!("{dir} holds {} entries", entries.count());
        }
    }
}
