//! `proc_exit` from the main thread ends the program while a spawned thread
//! is inside a WASI call or busy: `exit_from_main read|sleep|busy`.

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

static THREAD_WAITING: AtomicBool = AtomicBool::new(false);

fn main() {
    let mode = std::env::args().nth(1).unwrap();
    let in_thread = mode.clone();
    thread::spawn(move || {
        println!("thread: {in_thread}");
        THREAD_WAITING.store(true, Ordering::SeqCst);
        match in_thread.as_str() {
            "read" => {
                let mut buf = [0u8; 16];
                let _ = std::io::stdin().read(&mut buf);
            }
            "sleep" => thread::sleep(Duration::from_secs(3600)),
            _ => {
                let mut x = 0u64;
                loop {
                    x = std::hint::black_box(x.wrapping_add(1));
                }
            }
        }
        println!("thread: done waiting (should not happen)");
    });
    while !THREAD_WAITING.load(Ordering::SeqCst) {
        thread::yield_now();
    }
    thread::sleep(Duration::from_millis(100));
    println!("main: exit 5");
    std::process::exit(5);
}
