//! Copies stdin to stdout upper-cased, and reports the byte count on stderr.
use std::io::{Read, Write};

fn main() {
    let mut input = Vec::new();
    std::io::stdin().read_to_end(&mut input).unwrap();
    std::io::stdout().write_all(&input.to_ascii_uppercase()).unwrap();
    eprintln!("{} bytes", input.len());
}
