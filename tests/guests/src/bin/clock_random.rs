//! Clocks read sensibly and random_get fills large buffers. Prints only
//! verdicts, so the output is the same on every host.
fn main() {
    let mut t0 = 0u64;
    let mut t1 = 0u64;
    let mut wall = 0u64;
    let mut res = 0u64;
    unsafe {
        assert_eq!(guests::raw::clock_time_get(1, 1, &mut t0), 0);
        for _ in 0..1000 {
            assert_eq!(guests::raw::clock_time_get(1, 1, &mut t1), 0);
        }
        assert_eq!(guests::raw::clock_time_get(0, 1, &mut wall), 0);
        assert_eq!(guests::raw::clock_res_get(1, &mut res), 0);
    }
    println!("monotonic never goes back: {}", t1 >= t0);
    println!("realtime after 2020: {}", wall > 1_577_836_800_000_000_000);
    println!("resolution positive: {}", res > 0);
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap();
    println!("std SystemTime after 2020: {}", now.as_secs() > 1_577_836_800);
    // More than getRandomValues' 65,536-byte limit in one call.
    let mut buf = vec![0u8; 200_000];
    assert_eq!(unsafe { guests::raw::random_get(buf.as_mut_ptr(), buf.len() as u32) }, 0);
    let zero_tail = buf[150_000..].iter().all(|&b| b == 0);
    let mut seen = [false; 256];
    buf.iter().for_each(|&b| seen[b as usize] = true);
    println!("random tail filled: {}", !zero_tail);
    println!("random covers all byte values: {}", seen.iter().all(|&s| s));
}
