//! A guest can pass anything: every syscall, called a few hundred thousand
//! times with random and boundary arguments over random memory, returns an
//! errno and never panics, and the filesystem stays consistent.
#![cfg(not(target_arch = "wasm32"))]

use browser_wasi::abi::Flavor;
use browser_wasi::memory::SliceMemory;
use browser_wasi::syscalls::{self, Env, SysResult};
use browser_wasi::Tree;
use browser_wasi::{WasiConfig, WasiCtx};
use browser_wasi_tests::native::NativeHost;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// Arguments biased towards what finds bugs: small numbers (valid fds,
/// flags, short lengths), pointers near the end of memory, extremes.
trait Arb {
    fn arb(rng: &mut Rng) -> Self;
}

const MEM: u64 = 65536;

impl Arb for u32 {
    fn arb(rng: &mut Rng) -> u32 {
        let r = rng.next();
        match r % 8 {
            0..=2 => (r >> 8) as u32 % 16,
            3 => (MEM - (r >> 8) % 64) as u32,
            4 => u32::MAX - (r >> 8) as u32 % 4,
            5 => (r >> 8) as u32 % 256,
            _ => (r >> 8) as u32 % MEM as u32,
        }
    }
}

impl Arb for u64 {
    fn arb(rng: &mut Rng) -> u64 {
        let r = rng.next();
        match r % 6 {
            0 => u64::MAX - (r >> 8) % 4,
            1 => i64::MAX as u64 + (r >> 8) % 4,
            2 => (r >> 8) % 4096,
            _ => r >> (r % 64),
        }
    }
}

macro_rules! random_call {
    ($($name:ident($($p:ident: $t:ty),*) => $m:ident::$f:ident;)*) => {
        const NAMES: &[&str] = &[$(stringify!($name)),*];

        fn call(e: &mut Env, which: usize, rng: &mut Rng) -> SysResult {
            let mut i = 0;
            $(
                if which == i {
                    return syscalls::$m::$f(e, $(<$t as Arb>::arb(rng)),*);
                }
                i += 1;
            )*
            let _ = i;
            Ok(())
        }
    };
}
browser_wasi::for_each_syscall!(random_call);

/// Writes strings a path call might pick up, and iovecs, at random places.
fn scribble(mem: &mut [u8], rng: &mut Rng) {
    let words: [&[u8]; 8] = [b"file", b"dir", b"..", b"dir/../..", b"link", b"/abs", b"a/b/c/", b"."];
    for _ in 0..8 {
        let w = words[(rng.next() % 8) as usize];
        let at = (rng.next() % (MEM - 16)) as usize;
        mem[at..at + w.len()].copy_from_slice(w);
    }
    for _ in 0..8 {
        let at = (rng.next() % (MEM - 8)) as usize;
        let ptr = (rng.next() % MEM) as u32;
        let len = (rng.next() % 64) as u32;
        mem[at..at + 4].copy_from_slice(&ptr.to_le_bytes());
        mem[at + 4..at + 8].copy_from_slice(&len.to_le_bytes());
    }
}

#[test]
fn random_syscalls_never_panic() {
    let tree = Tree::dir()
        .with("file", Tree::file("abc"))
        .with("dir", Tree::dir().with("inner", Tree::file("x")))
        .with("link", Tree::Symlink("dir".into()))
        .with("loop", Tree::Symlink("loop".into()));
    let config =
        WasiConfig::new().args(["fuzz", "ärg"]).env("K", "V").stdin("input").preopen("/data", tree.clone());
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut calls = vec![0usize; NAMES.len()];
    for round in 0..300 {
        let mut ctx = WasiCtx::new(config.clone(), Box::new(NativeHost::default())).unwrap();
        let mut mem = vec![0u8; MEM as usize];
        for b in mem.iter_mut() {
            *b = rng.next() as u8;
        }
        for _ in 0..1000 {
            scribble(&mut mem, &mut rng);
            // poll_oneoff may sleep on a random clock: keep it rare.
            let which = (rng.next() % NAMES.len() as u64) as usize;
            if NAMES[which] == "poll_oneoff" && !rng.next().is_multiple_of(50) {
                continue;
            }
            calls[which] += 1;
            let flavor = if round % 4 == 0 { Flavor::Snapshot0 } else { Flavor::Preview1 };
            let mut m = SliceMemory(&mut mem);
            let mut e = Env { ctx: &mut ctx, mem: &mut m, flavor };
            let _ = call(&mut e, which, &mut rng);
        }
        // Whatever happened, the preopen can still be walked.
        assert_eq!(ctx.preopen_trees().len(), 1);
    }
    for (name, n) in NAMES.iter().zip(&calls) {
        assert!(*n > 0, "{name} was never called");
    }
}
