//! Parallel hash: hashes every file below a directory on a pool of threads
//! (rayon), each file on whichever worker is free, and says which worker
//! hashed what. `parallel [DIR] [THREADS] [ROUNDS]`: each file is hashed
//! ROUNDS times over (default 1; a large number makes a long run to Stop).

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// FNV-1a, 64 bits, over the bytes 64 × `rounds` times: enough work per
/// file for the threads to share.
fn hash(bytes: &[u8], rounds: u64) -> u64 {
    let mut h = 0xcbf29ce484222325u64;
    for _ in 0..64 * rounds {
        for &b in bytes {
            h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
        }
    }
    h
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "/data".into());
    let threads: usize = args.next().and_then(|t| t.parse().ok()).unwrap_or(4);
    let rounds: u64 = args.next().and_then(|r| r.parse().ok()).unwrap_or(1);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
    let mut paths = Vec::new();
    files(Path::new(&dir), &mut paths);
    paths.sort();
    println!("hashing {} files on {threads} threads", paths.len());
    let start = Instant::now();
    let results: Vec<(PathBuf, usize, usize, u64)> = pool.install(|| {
        paths
            .par_iter()
            .map(|p| {
                let bytes = std::fs::read(p).unwrap_or_default();
                let worker = rayon::current_thread_index().unwrap_or(0);
                (p.clone(), worker, bytes.len(), hash(&bytes, rounds))
            })
            .collect()
    });
    let mut workers: Vec<usize> = results.iter().map(|r| r.1).collect();
    workers.sort();
    workers.dedup();
    for (path, worker, len, h) in &results {
        println!("\x1b[36mworker {worker}\x1b[0m  {h:016x}  {len:>7} bytes  {}", path.display());
    }
    println!(
        "\x1b[32m{} files hashed by {} of {threads} workers in {} ms\x1b[0m",
        results.len(),
        workers.len(),
        start.elapsed().as_millis()
    );
}
