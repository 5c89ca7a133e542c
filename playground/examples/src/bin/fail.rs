//! Checks its configuration and fails the way real tools do: a message on
//! stderr and a non-zero exit code.
fn main() {
    let limit = std::env::var("LIMIT").ok();
    match limit.as_deref().map(str::parse::<u32>) {
        None => {
            eprintln!("\x1b[31merror:\x1b[0m LIMIT is not set (add it under Environment)");
            std::process::exit(2);
        }
        Some(Err(e)) => {
            eprintln!("\x1b[31merror:\x1b[0m LIMIT is not a number: {e}");
            std::process::exit(3);
        }
        Some(Ok(n)) if n > 100 => {
            eprintln!("\x1b[33mwarning:\x1b[0m LIMIT {n} is over 100");
            std::process::exit(1);
        }
        Some(Ok(n)) => println!("LIMIT is {n}: all good"),
    }
}
