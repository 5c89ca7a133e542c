//! Never finishes: a busy loop, for trying the Stop button.
fn main() {
    println!("spinning forever; press Stop");
    let mut x: u64 = 1;
    loop {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
        if x == 0 {
            println!("unreachable");
        }
    }
}
