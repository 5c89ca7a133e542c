//! A trap in a spawned thread ends the whole program as a trap, while main
//! waits to join it.

use std::thread;

fn main() {
    println!("main: spawning");
    let h = thread::spawn(|| {
        println!("thread: trapping");
        #[cfg(target_arch = "wasm32")]
        core::arch::wasm32::unreachable();
    });
    let _ = h.join();
    println!("main: joined (should not happen)");
}
