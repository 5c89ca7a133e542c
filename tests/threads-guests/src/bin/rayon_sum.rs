//! rayon on wasi-threads: `rayon_sum THREADS N` builds a pool of THREADS,
//! makes every worker report in (broadcast), and sums f(i) for i < N in
//! parallel. With `--time` it also prints how long the sum took (for
//! BENCHMARKS.md; tests do not look at it).

use rayon::prelude::*;
use std::time::Instant;

fn f(i: u64) -> u64 {
    // Enough work per item that splitting it pays.
    let mut x = i;
    for _ in 0..200 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407) >> 1;
    }
    x % 1000
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let threads: usize = args[0].parse().unwrap();
    let n: u64 = args[1].parse().unwrap();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
    let reached = pool.broadcast(|ctx| ctx.index());
    println!("workers reporting: {}", reached.len());
    let start = Instant::now();
    let sum: u64 = pool.install(|| (0..n).into_par_iter().map(f).sum());
    println!("sum {sum}");
    if args.iter().any(|a| a == "--time") {
        eprintln!("time {} ms", start.elapsed().as_millis());
    }
}
