//! Many threads, one filesystem and one stdout: `files THREADS LINES`.
//! Thread i writes LINES lines to /data/t<i>.txt and the same lines to
//! stdout, each line with one write of its own on descriptor 1 (not through
//! std's locked stdout), so a line is torn if two threads' writes mix.

use std::fs::File;
use std::io::Write;
use std::mem::ManuallyDrop;
use std::os::fd::FromRawFd;
use std::thread;

fn line(thread: usize, n: usize) -> String {
    // Long lines: a torn write would show.
    format!("thread {thread:02} line {n:03} {}\n", "=".repeat(100 + thread))
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    let (threads, lines) = (args[0], args[1]);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            thread::spawn(move || {
                // SAFETY: fd 1 stays open for the whole run; ManuallyDrop never closes it.
                let mut out = ManuallyDrop::new(unsafe { File::from_raw_fd(1) });
                let mut file = File::create(format!("/data/t{t}.txt")).unwrap();
                for n in 0..lines {
                    let l = line(t, n);
                    file.write_all(l.as_bytes()).unwrap();
                    out.write_all(l.as_bytes()).unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let mut names: Vec<String> =
        std::fs::read_dir("/data").unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    eprintln!("files {}", names.join(" "));
}
