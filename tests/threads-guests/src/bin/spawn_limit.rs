//! `spawn_limit N`: tries to start N threads that all wait until main lets
//! them go, and says how many started and how the first failure looked.

use std::sync::{Arc, Condvar, Mutex};
use std::thread;

fn main() {
    let n: usize = std::env::args().nth(1).unwrap().parse().unwrap();
    let gate = Arc::new((Mutex::new(false), Condvar::new()));
    let mut handles = Vec::new();
    let mut failure = None;
    for _ in 0..n {
        let gate = gate.clone();
        let spawned = thread::Builder::new().spawn(move || {
            let (open, cv) = &*gate;
            let mut open = open.lock().unwrap();
            while !*open {
                open = cv.wait(open).unwrap();
            }
        });
        match spawned {
            Ok(h) => handles.push(h),
            Err(e) => {
                failure = Some(e.kind());
                break;
            }
        }
    }
    println!("started {} of {n}", handles.len());
    if let Some(kind) = failure {
        println!("the next failed: {kind:?}");
    }
    let (open, cv) = &*gate;
    *open.lock().unwrap() = true;
    cv.notify_all();
    for h in handles {
        h.join().unwrap();
    }
    println!("joined them all");
}
