//! Panics: Rust's wasip1 panic handler prints the message and aborts with
//! `unreachable`, which is a trap, not an exit.
fn main() {
    println!("about to panic");
    panic!("deliberate");
}
