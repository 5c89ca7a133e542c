//! Spawn, join and share: `counter THREADS ROUNDS` starts THREADS threads
//! that each add 1 ROUNDS times to an atomic and to a mutex-guarded counter,
//! joins them, and prints both totals and how many distinct thread ids ran.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;

fn main() {
    let args: Vec<u64> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let (threads, rounds) = (args[0], args[1]);
    let atomic = Arc::new(AtomicU64::new(0));
    let locked = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let (atomic, locked) = (atomic.clone(), locked.clone());
            thread::spawn(move || {
                for _ in 0..rounds {
                    atomic.fetch_add(1, Ordering::Relaxed);
                    *locked.lock().unwrap() += 1;
                }
                thread::current().id()
            })
        })
        .collect();
    let ids: BTreeSet<_> = handles.into_iter().map(|h| format!("{:?}", h.join().unwrap())).collect();
    println!("atomic {}", atomic.load(Ordering::Relaxed));
    println!("mutex {}", *locked.lock().unwrap());
    println!("distinct threads {}", ids.len());
}
