//! A spawned thread reads stdin to its end, line by line, and prints each
//! line upper-cased; main joins it and prints how many lines there were.

use std::io::BufRead;
use std::thread;

fn main() {
    let lines = thread::spawn(|| {
        let mut n = 0;
        for line in std::io::stdin().lock().lines() {
            println!("{}", line.unwrap().to_uppercase());
            n += 1;
        }
        n
    })
    .join()
    .unwrap();
    println!("{lines} lines");
}
