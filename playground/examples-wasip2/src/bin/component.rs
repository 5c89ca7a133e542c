//! A wasm32-wasip2 component: the same program a module would be, built
//! for the component world. It reads the files of /data, counts their
//! lines and words, and writes a report next to them.
use std::fs;

fn main() {
    println!("\x1b[1mHello from a wasip2 component!\x1b[0m");
    println!("argv: {:?}", std::env::args().collect::<Vec<_>>());
    let mut entries: Vec<_> = match fs::read_dir("/data") {
        Ok(dir) => dir.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect(),
        Err(e) => {
            eprintln!("cannot read /data: {e}");
            std::process::exit(1);
        }
    };
    entries.sort();
    let mut report = String::new();
    for name in entries.iter().filter(|n| n.as_str() != "report.txt") {
        match fs::read_to_string(format!("/data/{name}")) {
            Ok(text) => {
                let line = format!(
                    "{name}: {} lines, {} words",
                    text.lines().count(),
                    text.split_whitespace().count()
                );
                println!("{line}");
                report.push_str(&line);
                report.push('\n');
            }
            Err(e) => println!("{name}: {e}"),
        }
    }
    match fs::write("/data/report.txt", report) {
        Ok(()) => println!("wrote /data/report.txt"),
        Err(e) => eprintln!("cannot write the report: {e}"),
    }
}
