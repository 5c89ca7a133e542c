//! Sleeps 100 ms (poll_oneoff on a clock), then prints.
fn main() {
    let t0 = std::time::Instant::now();
    std::thread::sleep(std::time::Duration::from_millis(100));
    println!("woke after at least 100ms: {}", t0.elapsed().as_millis() >= 100);
}
