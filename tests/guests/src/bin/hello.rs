//! The foundation's end-to-end program: args, env, stdout, stderr, a file
//! read from a preopen, a new file written, exit code 3.
fn main() {
    let args: Vec<String> = std::env::args().collect();
    println!("args: {args:?}");
    for (k, v) in std::env::vars() {
        println!("env: {k}={v}");
    }
    eprintln!("hello on stderr");
    let input = std::fs::read_to_string("/data/input.txt").expect("read input");
    println!("input: {}", input.trim_end());
    std::fs::write("/data/output.txt", format!("{} bytes, {} lines\n", input.len(), input.lines().count()))
        .expect("write output");
    std::process::exit(3);
}
