//! Memory grown by one thread is memory for every thread and for the
//! kernel: a spawned thread allocates 4 MiB (growing the shared memory),
//! fills it and writes it to /data/big.bin; main then reads the file back
//! and prints its length and a checksum.

use std::thread;

fn main() {
    thread::spawn(|| {
        let big: Vec<u8> = (0..4u32 << 20).map(|i| (i % 251) as u8).collect();
        std::fs::write("/data/big.bin", &big).unwrap();
    })
    .join()
    .unwrap();
    let back = std::fs::read("/data/big.bin").unwrap();
    let sum = back.iter().fold(0u64, |s, &b| s.wrapping_mul(31).wrapping_add(u64::from(b)));
    println!("{} bytes, checksum {sum:016x}", back.len());
}
