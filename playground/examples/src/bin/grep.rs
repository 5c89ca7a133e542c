//! grep PATTERN FILE...: prints the lines that contain PATTERN, with the
//! match highlighted. Exits 1 when nothing matched, 2 on an error, like grep.
use std::io::BufRead;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: grep PATTERN FILE...");
        std::process::exit(2);
    }
    let pattern = &args[1];
    let mut found = false;
    let mut failed = false;
    for path in &args[2..] {
        let file = match std::fs::File::open(path) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("grep: {path}: {e}");
                failed = true;
                continue;
            }
        };
        for (n, line) in std::io::BufReader::new(file).lines().enumerate() {
            let Ok(line) = line else { break };
            if line.contains(pattern.as_str()) {
                found = true;
                let shown = line.replace(pattern.as_str(), &format!("\x1b[1;31m{pattern}\x1b[0m"));
                println!("\x1b[35m{path}\x1b[0m:\x1b[32m{}\x1b[0m:{shown}", n + 1);
            }
        }
    }
    std::process::exit(if failed {
        2
    } else if found {
        0
    } else {
        1
    });
}
