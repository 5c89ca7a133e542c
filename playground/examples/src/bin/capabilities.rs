//! Tries to read files inside and outside its preopened directories: WASI
//! programs only reach what they were given.
fn main() {
    for path in ["/data/notes.txt", "/etc/passwd", "/data/../etc/passwd", "/secret.txt"] {
        match std::fs::read_to_string(path) {
            Ok(text) => println!("\x1b[32mread {path}\x1b[0m: {} bytes", text.len()),
            Err(e) => println!("\x1b[31mcannot read {path}\x1b[0m: {e}"),
        }
    }
}
