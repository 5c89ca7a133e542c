//! Exits with the code given as the first argument (default 0), after
//! output on both streams.
fn main() {
    let code: i32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(0);
    println!("exiting with {code}");
    eprintln!("bye");
    std::process::exit(code);
}
