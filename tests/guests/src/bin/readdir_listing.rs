//! fd_readdir: `.` and `..` come first, every entry once with its type,
//! and a listing resumes from any cookie with a small buffer.
use guests::wasi::*;
use guests::*;

fn entries(fd: Fd, bufsize: usize) -> Vec<(String, String, u64)> {
    let mut out = Vec::new();
    let mut cookie = 0;
    let mut buf = vec![0u8; bufsize];
    loop {
        let used = unsafe { fd_readdir(fd, buf.as_mut_ptr(), buf.len(), cookie) }.unwrap();
        let mut at = 0;
        let mut progressed = false;
        while at + 24 <= used {
            let next = u64::from_le_bytes(buf[at..at + 8].try_into().unwrap());
            let namlen = u32::from_le_bytes(buf[at + 16..at + 20].try_into().unwrap()) as usize;
            let ty = buf[at + 20];
            if at + 24 + namlen > used {
                break; // truncated entry: read again from its cookie
            }
            let name = String::from_utf8_lossy(&buf[at + 24..at + 24 + namlen]).into_owned();
            out.push((name, type_name(ty).to_string(), next));
            cookie = next;
            progressed = true;
            at += 24 + namlen;
        }
        if used < buf.len() {
            break;
        }
        if !progressed {
            // buffer too small for a single entry
            buf = vec![0u8; buf.len() * 2];
        }
    }
    out
}

fn main() {
    let d = open_read(DIR, ".").unwrap();
    for size in [4096, 40, 30] {
        let list = entries(d, size);
        println!(
            "buffer {size}: first two {:?}",
            list.iter().take(2).map(|e| e.0.clone()).collect::<Vec<_>>()
        );
        let mut rest: Vec<String> = list.iter().skip(2).map(|e| format!("{} {}", e.0, e.1)).collect();
        rest.sort();
        println!("buffer {size}: entries {rest:?}");
    }
    let sub = open_read(DIR, "dir").unwrap();
    println!("empty dir: {:?}", entries(sub, 256).iter().map(|e| e.0.clone()).collect::<Vec<_>>());
    let f = open(DIR, "file", 0, 0).unwrap();
    let mut buf = [0u8; 64];
    show("readdir on file", unsafe { fd_readdir(f, buf.as_mut_ptr(), 64, 0) });
    show("readdir cookie past end", unsafe { fd_readdir(d, buf.as_mut_ptr(), 64, 1000) });
}

fn type_name(ty: u8) -> &'static str {
    match ty {
        3 => "DIRECTORY",
        4 => "REGULAR_FILE",
        7 => "SYMBOLIC_LINK",
        _ => "OTHER",
    }
}
