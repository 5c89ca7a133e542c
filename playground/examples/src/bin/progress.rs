//! Does some slow work: sleeps in steps and draws a progress bar, so you
//! can watch output stream in while the program runs.
use std::io::Write;
use std::time::{Duration, Instant};

fn main() {
    let steps: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10);
    let start = Instant::now();
    for i in 1..=steps {
        std::thread::sleep(Duration::from_millis(250));
        let done = (i * 20 / steps) as usize;
        println!("\x1b[32m{}\x1b[0m{} {i}/{steps}", "█".repeat(done), "░".repeat(20 - done));
        std::io::stdout().flush().unwrap();
    }
    println!("\x1b[1mfinished in {:.1}s\x1b[0m", start.elapsed().as_secs_f64());
}
