//! A fuzz driver over the syscall layer: it reads a byte string as a
//! sequence of calls, with the arguments attacks use (overlapping iovecs,
//! pointers near the end of a large memory, paths from a dictionary that
//! climbs, loops and nests), runs them against one run's state, and checks
//! after every call that nothing panicked and the filesystem's invariants
//! hold ([`browser_wasi::vfs::Vfs::check`]). The same driver runs under
//! cargo-fuzz (`fuzz/`), as a property test natively and in the browser
//! (where `usize` is 32 bits).

use browser_wasi::abi::Flavor;
use browser_wasi::config::Limits;
use browser_wasi::memory::SliceMemory;
use browser_wasi::syscalls::{self, Env, SysResult};
use browser_wasi::{Host, Tree, WasiConfig, WasiCtx};

/// Reads arguments from the fuzzer's bytes (zeros once they run out).
pub(crate) struct Input<'a> {
    pub(crate) data: &'a [u8],
    pub(crate) at: usize,
    /// The guest memory's size, to aim pointers near its end.
    pub(crate) mem: u32,
}

impl Input<'_> {
    pub(crate) fn byte(&mut self) -> u8 {
        let b = self.data.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        b
    }
    pub(crate) fn done(&self) -> bool {
        self.at >= self.data.len()
    }
    pub(crate) fn u32_raw(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }
    /// A `u32` argument: small numbers (fds, flags, lengths), pointers
    /// into memory or near its end, or extremes.
    pub(crate) fn u32(&mut self) -> u32 {
        match self.byte() % 8 {
            0..=2 => u32::from(self.byte() % 16),
            3 => self.mem.saturating_sub(u32::from(self.byte())),
            4 => u32::MAX - u32::from(self.byte() % 4),
            5 => u32::from(self.byte()),
            6 => self.u32_raw() % self.mem.max(1),
            _ => self.u32_raw(),
        }
    }
    /// A `u64` argument: extremes, offsets past 4 GiB, small numbers.
    fn u64(&mut self) -> u64 {
        match self.byte() % 6 {
            0 => u64::MAX - u64::from(self.byte() % 4),
            1 => i64::MAX as u64 + u64::from(self.byte() % 4),
            2 => u64::from(self.byte()) << 32,
            3 => u64::from(self.u32_raw()),
            _ => u64::from(self.byte()) * 4096,
        }
    }
}

trait Arg {
    fn arg(input: &mut Input) -> Self;
}
impl Arg for u32 {
    fn arg(input: &mut Input) -> u32 {
        input.u32()
    }
}
impl Arg for u64 {
    fn arg(input: &mut Input) -> u64 {
        input.u64()
    }
}

macro_rules! calls {
    ($($name:ident($($p:ident: $t:ty),*) => $m:ident::$f:ident;)*) => {
        /// Every syscall's name, in the order [`call`] numbers them.
        pub const NAMES: &[&str] = &[$(stringify!($name)),*];

        /// Calls syscall number `which` with arguments from `input`.
        fn call(e: &mut Env, which: usize, input: &mut Input) -> SysResult {
            let mut i = 0;
            $(
                if which == i {
                    return syscalls::$m::$f(e, $(<$t as Arg>::arg(input)),*);
                }
                i += 1;
            )*
            let _ = i;
            Ok(())
        }
    };
}
browser_wasi::for_each_syscall!(calls);

/// Paths a guest might try, climbing out, looping, nesting.
pub(crate) const WORDS: &[&str] =
    &["f", "d", "d/e", "..", "d/../..", "l", "loop", "/abs", "d/e/", ".", "a/b/c", "d/e/f/g", "ro", "x\0y"];

/// A host whose clocks count calls and whose randomness is a counter:
/// runs are reproducible from the fuzzer's bytes alone.
#[derive(Default)]
pub(crate) struct FuzzHost(std::cell::Cell<u64>);

impl Host for FuzzHost {
    fn realtime_ns(&self) -> u64 {
        self.0.set(self.0.get() + 1000);
        self.0.get()
    }
    fn monotonic_ns(&self) -> u64 {
        self.realtime_ns()
    }
    fn resolution_ns(&self, _: browser_wasi::abi::ClockId) -> u64 {
        1
    }
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), browser_wasi::Errno> {
        for (i, b) in buf.iter_mut().enumerate() {
            *b = i as u8;
        }
        Ok(())
    }
    fn sleep_ns(&mut self, ns: u64) {
        self.0.set(self.0.get().saturating_add(ns));
    }
}

/// The preopens every run starts with: a writable one with files, a
/// directory, links (one a loop), and a read-only one.
fn config() -> WasiConfig {
    let tree = Tree::dir()
        .with("f", Tree::file("abc"))
        .with("d", Tree::dir().with("e", Tree::dir()).with("g", Tree::file(vec![7; 70_000])))
        .with("l", Tree::Symlink("d".into()))
        .with("loop", Tree::Symlink("loop".into()));
    let limits = Limits {
        file_bytes: 1 << 20,
        inodes: 3000,
        stdout_bytes: 1 << 16,
        descriptors: 64,
        ..Limits::default()
    };
    WasiConfig::new()
        .args(["fuzz", "ärg"])
        .env("K", "V")
        .stdin(vec![b'i'; 1000])
        .preopen("/data", tree)
        .preopen_readonly("/ro", Tree::dir().with("r", Tree::file("read only")))
        .limits(limits)
}

/// Where the driver lays out its own arguments: the last 8 KiB of memory.
pub(crate) const SCRATCH: u32 = 8192;

/// Runs the calls `data` describes; panics if an invariant breaks. Half the
/// steps are structured filesystem operations (make, open, remove, rename,
/// link a dictionary path through a preopen or a descriptor opened before),
/// so that states several calls deep (a removed directory still open, a
/// link across preopens) are reached; the rest lay out paths and iovecs or
/// make a call with arguments from the bytes.
pub fn drive(data: &[u8]) {
    let Some((&pages, rest)) = data.split_first() else { return };
    // Up to 4 MiB of guest memory, so that pointers near its end are
    // several MiB up (iovecs over them overlap when they repeat).
    let size = (u32::from(pages % 64) + 1) * 65536;
    let mut ctx = WasiCtx::new(config(), Box::new(FuzzHost::default())).expect("the fuzz config is valid");
    let mut mem = vec![0u8; size as usize];
    let mut input = Input { data: rest, at: 0, mem: size };
    // Descriptors to work through: the two preopens, then what was opened.
    let mut fds: Vec<u32> = vec![3, 4];
    let mut steps = 0;
    while !input.done() && steps < 2000 {
        steps += 1;
        let flavor = if input.byte().is_multiple_of(8) { Flavor::Snapshot0 } else { Flavor::Preview1 };
        let op = input.byte() % 16;
        let mut m = SliceMemory(&mut mem);
        let mut e = Env { ctx: &mut ctx, mem: &mut m, flavor };
        let name = match op {
            // Lay out a path from the dictionary somewhere in memory.
            0 => {
                let at = (input.u32_raw() % (size - 64)) as usize;
                let w = WORDS[usize::from(input.byte()) % WORDS.len()];
                mem[at..at + w.len()].copy_from_slice(w.as_bytes());
                continue;
            }
            // Lay out iovecs: up to 64, all over one stretch of memory.
            1 => {
                let at = (input.u32_raw() % (size - 512)) as usize;
                let (ptr, len) = (input.u32() % size, input.u32());
                for i in 0..usize::from(input.byte() % 64) {
                    mem[at + 8 * i..at + 8 * i + 4].copy_from_slice(&ptr.to_le_bytes());
                    mem[at + 8 * i + 4..at + 8 * i + 8].copy_from_slice(&len.to_le_bytes());
                }
                continue;
            }
            2..=9 => structured(&mut e, op, &mut input, &mut fds, size).0,
            // A syscall with arguments from the bytes.
            _ => {
                let which = usize::from(input.byte()) % NAMES.len();
                let _ = call(&mut e, which, &mut input);
                NAMES[which]
            }
        };
        if let Err(broken) = ctx.vfs.check() {
            panic!("after {name} (step {steps}): {broken}");
        }
    }
    // Whatever happened, everything reads back.
    let (_, _, fs) = ctx.finish();
    let entries = fs.entries();
    let trees = fs.trees();
    assert_eq!(trees.len(), 2);
    assert!(entries.len() <= 3000);
}

/// One structured filesystem operation: dictionary paths laid out in the
/// scratch area, through a preopen or an opened descriptor. Returns the
/// call's name and result.
pub(crate) fn structured(
    e: &mut Env,
    op: u8,
    input: &mut Input,
    fds: &mut Vec<u32>,
    size: u32,
) -> (&'static str, SysResult) {
    use syscalls::{fd, path};
    let scratch = size - SCRATCH;
    let word = |input: &mut Input, e: &mut Env, slot: u32| -> (u32, u32) {
        let w = WORDS[usize::from(input.byte()) % WORDS.len()];
        let at = scratch + slot * 256;
        let _ = browser_wasi::GuestMemory::write(&mut *e.mem, at, w.as_bytes());
        (at, w.len() as u32)
    };
    let base = |input: &mut Input, fds: &[u32]| fds[usize::from(input.byte()) % fds.len()];
    let out = scratch + 4096;
    let (b1, b2) = (base(input, fds), base(input, fds));
    let (p1, l1) = word(input, e, 0);
    let (p2, l2) = word(input, e, 1);
    match op {
        2 => ("path_create_directory", path::path_create_directory(e, b1, p1, l1)),
        3 | 4 => {
            // A directory (O_DIRECTORY, a directory's rights) or a file
            // (O_CREAT, every right).
            let (oflags, rights) = if op == 3 { (2, 0x3fb7_ffbb) } else { (1, (1 << 30) - 1) };
            let r = path::path_open(e, b1, 1, p1, l1, oflags, rights, rights, 0, out);
            if r.is_ok() {
                let mut b = [0u8; 4];
                if browser_wasi::GuestMemory::read(&*e.mem, out, &mut b).is_ok() && fds.len() < 32 {
                    fds.push(u32::from_le_bytes(b));
                }
            }
            ("path_open", r)
        }
        5 => ("path_remove_directory", path::path_remove_directory(e, b1, p1, l1)),
        6 => ("path_unlink_file", path::path_unlink_file(e, b1, p1, l1)),
        7 => ("path_rename", path::path_rename(e, b1, p1, l1, b2, p2, l2)),
        8 => ("path_link", path::path_link(e, b1, 0, p1, l1, b2, p2, l2)),
        _ => {
            // Write or read (overlapping iovecs, when laid out so), or close.
            let (iovs, n) = (input.u32() % size, u32::from(input.byte() % 8));
            match input.byte() % 4 {
                0 => ("fd_close", fd::fd_close(e, b1)),
                1 => ("fd_read", fd::fd_read(e, b1, iovs, n, out)),
                _ => ("fd_write", fd::fd_write(e, b1, iovs, n, out)),
            }
        }
    }
}
