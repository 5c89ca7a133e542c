//! `calls N [main|thread] [spaced]`: makes N cheap WASI calls (sched_yield,
//! through std::thread::yield_now) on the main thread or on a spawned one,
//! and prints the time per call in nanoseconds. Back to back, or `spaced`:
//! each call after ~200 µs of computing (a call that finds the kernel idle;
//! the cost is the time with the calls less the time without). Built for
//! wasm32-wasip1 (the direct path) and wasm32-wasip1-threads (every call
//! through the kernel).

use std::time::Instant;

fn calls(n: u64) -> f64 {
    let start = Instant::now();
    for _ in 0..n {
        std::thread::yield_now();
    }
    start.elapsed().as_nanos() as f64 / n as f64
}

/// About 200 µs of computing.
fn work() -> u64 {
    let mut x = 1u64;
    for i in 0..100_000u64 {
        x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(i));
    }
    x
}

fn spaced(n: u64) -> f64 {
    let timed = |with_calls: bool| {
        let start = Instant::now();
        for _ in 0..n {
            std::hint::black_box(work());
            if with_calls {
                std::thread::yield_now();
            }
        }
        start.elapsed().as_nanos() as f64
    };
    let without = timed(false);
    let with = timed(true);
    ((with - without) / n as f64).max(0.0)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let measure = if args.iter().any(|a| a == "spaced") { spaced } else { calls };
    let per_call = match args.get(1).map(String::as_str) {
        Some("thread") => std::thread::spawn(move || measure(n)).join().unwrap(),
        _ => measure(n),
    };
    println!("{per_call:.0}");
}
