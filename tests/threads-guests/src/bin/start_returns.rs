//! `_start` returning ends the program with 0 while a thread still runs
//! (as in wasmtime): the thread sleeps in a loop forever.

use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

static STARTED: AtomicBool = AtomicBool::new(false);

fn main() {
    thread::spawn(|| {
        STARTED.store(true, Ordering::SeqCst);
        loop {
            thread::sleep(Duration::from_millis(10));
        }
    });
    while !STARTED.load(Ordering::SeqCst) {
        thread::yield_now();
    }
    println!("main returns with a thread still running");
}
