//! `proc_exit` from a spawned thread ends the program while its main thread
//! is inside a WASI call or busy: `exit_from_thread read|sleep|busy`. The
//! main thread blocks reading stdin (which never ends), sleeps an hour, or
//! spins; the spawned thread exits with 7 once main is on its way.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;
use std::time::Duration;

static MAIN_WAITING: AtomicBool = AtomicBool::new(false);

fn main() {
    let mode = std::env::args().nth(1).unwrap();
    thread::spawn(|| {
        while !MAIN_WAITING.load(Ordering::SeqCst) {
            thread::yield_now();
        }
        // Give main time to enter its call.
        thread::sleep(Duration::from_millis(100));
        println!("thread: exit 7");
        std::process::exit(7);
    });
    println!("main: {mode}");
    std::io::stdout().flush().unwrap();
    MAIN_WAITING.store(true, Ordering::SeqCst);
    match mode.as_str() {
        "read" => {
            let mut buf = [0u8; 16];
            let n = std::io::stdin().read(&mut buf).unwrap();
            println!("main: read {n} bytes (should not happen)");
        }
        "sleep" => {
            thread::sleep(Duration::from_secs(3600));
            println!("main: woke up (should not happen)");
        }
        _ => {
            let mut x = 0u64;
            loop {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        }
    }
}
