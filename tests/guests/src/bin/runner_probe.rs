//! What browser-wasi-runner's tests run: one subcommand per behaviour of a
//! cargo runner (arguments and environment, interleaved streams, stdin,
//! exit codes, a trap, changes to a --dir, an attempt to leave it).
use std::io::{Read, Write};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("args") => {
            println!("args: {:?}", &args[2..]);
            let mut env: Vec<_> = std::env::vars().collect();
            env.sort();
            println!("env: {env:?}");
        }
        Some("streams") => {
            // Each line is flushed as written; the sleep shows that output
            // is streamed, not held until the end.
            for (i, line) in ["out 1", "err 1", "out 2", "err 2"].iter().enumerate() {
                if i % 2 == 0 {
                    println!("{line}");
                    std::io::stdout().flush().unwrap();
                } else {
                    eprintln!("{line}");
                }
                if i == 1 {
                    std::thread::sleep(std::time::Duration::from_millis(400));
                }
            }
        }
        Some("stdin") => {
            let mut input = String::new();
            std::io::stdin().read_to_string(&mut input).unwrap();
            println!("{} bytes: {}", input.len(), input.to_uppercase());
        }
        Some("exit") => std::process::exit(args[2].parse().unwrap()),
        Some("trap") => {
            println!("before the trap");
            std::process::abort();
        }
        Some("dir") => {
            std::fs::create_dir_all("/data/made/nested").unwrap();
            std::fs::write("/data/made/nested/new.txt", "created\n").unwrap();
            std::fs::write("/data/changed.txt", "changed\n").unwrap();
            std::fs::remove_file("/data/gone.txt").unwrap();
            std::fs::rename("/data/old.txt", "/data/renamed.txt").unwrap();
            std::fs::remove_dir("/data/empty").unwrap();
            // (std has no stable symlink on WASI: the call itself; /data is fd 3.)
            unsafe { guests::wasi::path_symlink("renamed.txt", guests::DIR, "link") }.unwrap();
            println!("done");
        }
        Some("escape") => {
            for path in ["/data/../outside.txt", "/outside.txt", "/data/sub/../../outside.txt"] {
                match std::fs::write(path, "escaped") {
                    Ok(()) => println!("{path}: written"),
                    Err(e) => println!("{path}: {}", e.kind()),
                }
            }
        }
        _ => {
            eprintln!("usage: runner_probe args|streams|stdin|exit N|trap|dir|escape");
            std::process::exit(2);
        }
    }
}
