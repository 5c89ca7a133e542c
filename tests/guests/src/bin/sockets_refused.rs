//! What a program that reaches for the network meets: std's TCP and UDP,
//! which on wasm32-wasip2 are wasi:sockets (create a socket, then bind or
//! connect) and on wasm32-wasip1 are not there at all. Prints each error's
//! kind: a host without a network refuses them all.
use std::net::{TcpListener, TcpStream, UdpSocket};

fn kind<T>(what: &str, r: std::io::Result<T>) {
    match r {
        Ok(_) => println!("{what}: ok"),
        Err(e) => println!("{what}: {:?}", e.kind()),
    }
}

fn main() {
    kind("tcp connect 127.0.0.1:80", TcpStream::connect("127.0.0.1:80"));
    kind("tcp listen 127.0.0.1:0", TcpListener::bind("127.0.0.1:0"));
    kind("udp bind 127.0.0.1:0", UdpSocket::bind("127.0.0.1:0"));
}
