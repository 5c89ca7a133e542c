//! Several preopens, one of them `/` and one nested in another: std picks
//! the longest matching preopen for each absolute path, and each preopen is
//! its own sandbox.
use std::fs;

fn main() {
    for p in [
        "/top.txt",
        "/data/a.txt",
        "/data/inner/b.txt",
        "/data/inner",
        "/data/../top.txt",
        "/data/inner/../a.txt",
    ] {
        match fs::read_to_string(p) {
            Ok(s) => println!("read {p}: {}", s.trim()),
            Err(e) => println!("read {p}: {:?}", e.kind()),
        }
    }
    fs::write("/data/inner/new.txt", "made in inner").unwrap();
    fs::write("/data/new.txt", "made in data").unwrap();
    fs::create_dir("/made_at_root").unwrap();
    let mut names: Vec<String> =
        fs::read_dir("/data").unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    println!("/data holds {names:?}");
}
