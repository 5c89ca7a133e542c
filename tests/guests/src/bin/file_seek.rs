//! path_open, fd_write, fd_seek (all three whences), fd_tell, fd_read and
//! fd_close on a file in a preopen.
use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};

fn main() {
    let mut f =
        OpenOptions::new().read(true).write(true).create(true).truncate(true).open("/data/seek.txt").unwrap();
    f.write_all(b"0123456789").unwrap();
    println!("end: {}", f.stream_position().unwrap());
    println!("set 2: {}", f.seek(SeekFrom::Start(2)).unwrap());
    let mut buf = [0u8; 3];
    f.read_exact(&mut buf).unwrap();
    println!("read: {}", String::from_utf8_lossy(&buf));
    println!("cur -1: {}", f.seek(SeekFrom::Current(-1)).unwrap());
    println!("end -4: {}", f.seek(SeekFrom::End(-4)).unwrap());
    f.write_all(b"AB").unwrap();
    println!("past end +3: {}", f.seek(SeekFrom::End(3)).unwrap());
    f.write_all(b"Z").unwrap();
    println!("before start: {}", f.seek(SeekFrom::Current(-100)).is_err());
    drop(f);
    let data = std::fs::read("/data/seek.txt").unwrap();
    println!("file: {:?}", String::from_utf8_lossy(&data));
}
