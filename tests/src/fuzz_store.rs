//! The fuzz driver's structured operations ([`crate::fuzz`]) as a
//! differential between the two ways a preopen can be kept: the same calls,
//! once with the directories in memory and once with them in a
//! [`FakeStore`] (what a browser's directory handle is to a run), must give
//! every call the same result and leave the same trees. It covers what the
//! store changes: lazy listing, windows of bytes, the changes sent on
//! close, at the end, through renames, removals and reopened descriptors.
//! Links are left out (a store has none: `EPERM` there, as documented), and
//! so are raw calls: their inode numbers differ between the two (a store's
//! entries get theirs when listed), and so would memory written from them.

use browser_wasi::abi::{Errno, Flavor};
use browser_wasi::config::Limits;
use browser_wasi::memory::SliceMemory;
use browser_wasi::syscalls::{self, Env, Stop, Wait};
use browser_wasi::vfs::StoreAbilities;
use browser_wasi::{Tree, WasiConfig, WasiCtx};

use crate::fake_store::FakeStore;
use crate::fuzz::{structured, FuzzHost, Input};

/// Symlink-free preopens (a store has no symlinks), one of them read-only.
fn config(in_store: bool) -> WasiConfig {
    let tree = Tree::dir().with("f", Tree::file("abc")).with(
        "d",
        Tree::dir()
            .with("e", Tree::dir())
            .with("g", Tree::file((0..70_000).map(|i| i as u8).collect::<Vec<_>>())),
    );
    let mut c = WasiConfig::new()
        .preopen("/data", tree)
        .preopen_readonly("/ro", Tree::dir().with("r", Tree::file("read only")))
        .limits(Limits { file_bytes: 1 << 20, inodes: 3000, descriptors: 64, ..Limits::default() });
    c.store_abilities = StoreAbilities { move_dirs: true };
    for p in &mut c.preopens {
        p.in_store = in_store;
    }
    c
}

/// Every call's name and result, and the preopens' trees at the end.
type Run = (Vec<(&'static str, Result<(), Errno>)>, Vec<(String, Tree)>);

fn run(data: &[u8], in_store: bool) -> Run {
    let Some((&pages, rest)) = data.split_first() else { return (Vec::new(), Vec::new()) };
    let size = (u32::from(pages % 16) + 1) * 65536;
    let mut stored = config(in_store);
    let trees: Vec<Tree> = stored.preopens.iter().map(|p| p.tree.clone()).collect();
    if in_store {
        for p in &mut stored.preopens {
            p.tree = Tree::dir();
        }
    }
    let mut ctx = WasiCtx::new(stored, Box::new(FuzzHost::default())).expect("a valid config");
    let mut fake = FakeStore::default();
    let mut roots = Vec::new();
    if in_store {
        for ((_, root), tree) in ctx.preopens.clone().iter().zip(&trees) {
            let n = fake.add_root(tree);
            fake.bind(ctx.vfs.get(*root).expect("a root").store, n);
            roots.push(n);
        }
    }
    let mut mem = vec![0u8; size as usize];
    let mut input = Input { data: rest, at: 0, mem: size };
    let mut fds: Vec<u32> = vec![3, 4];
    let mut results = Vec::new();
    let mut steps = 0;
    while !input.done() && steps < 1000 {
        steps += 1;
        let op = input.byte() % 10;
        match op {
            0 => {
                let at = (input.u32_raw() % (size - 64)) as usize;
                let w = crate::fuzz::WORDS[usize::from(input.byte()) % crate::fuzz::WORDS.len()];
                mem[at..at + w.len()].copy_from_slice(w.as_bytes());
            }
            1 => {
                let at = (input.u32_raw() % (size - 512)) as usize;
                let (ptr, len) = (input.u32() % size, input.u32() % 100_000);
                for i in 0..usize::from(input.byte() % 16) {
                    mem[at + 8 * i..at + 8 * i + 4].copy_from_slice(&ptr.to_le_bytes());
                    mem[at + 8 * i + 4..at + 8 * i + 8].copy_from_slice(&len.to_le_bytes());
                }
            }
            _ => {
                let op = if op == 8 { 9 } else { op }; // no links
                                                       // Made again, with the same arguments, until the store has
                                                       // served what it needs.
                let start = input.at;
                // A retry may answer from what the store kept, without
                // making the call: its name is the first try's.
                let mut named = "";
                let mut end = start;
                let (name, r) = loop {
                    input.at = start;
                    let mut m = SliceMemory(&mut mem);
                    let mut e = Env { ctx: &mut ctx, mem: &mut m, flavor: Flavor::Preview1 };
                    let r = syscalls::with_store(&mut e, |e| {
                        let (n, r) = structured(e, op, &mut input, &mut fds, size);
                        (named, end) = (n, input.at);
                        r
                    });
                    match r {
                        Err(Stop::Pending(Wait::Store)) => fake.serve(&mut ctx),
                        r => break (named, r),
                    }
                };
                input.at = end;
                let r = match r {
                    Ok(()) => Ok(()),
                    Err(Stop::Errno(e)) => Err(e),
                    Err(other) => panic!("{name}: {other:?}"),
                };
                results.push((name, r));
                if let Err(broken) = ctx.vfs.check() {
                    panic!("after {name} (step {steps}): {broken}");
                }
            }
        }
    }
    let trees = if in_store {
        ctx.vfs.sync_all();
        fake.serve(&mut ctx);
        ctx.preopens.iter().zip(&roots).map(|((p, _), &n)| (p.clone(), fake.tree(n))).collect()
    } else {
        ctx.preopen_trees()
    };
    (results, trees)
}

/// Runs the calls `data` describes both ways; panics where they differ.
/// Returns the names of the calls that succeeded (both ways).
pub fn drive(data: &[u8]) -> Vec<&'static str> {
    let (memory, memory_trees) = run(data, false);
    let (store, store_trees) = run(data, true);
    for (i, (a, b)) in memory.iter().zip(&store).enumerate() {
        assert_eq!(a, b, "call {i} differs: in memory {a:?}, in a store {b:?}");
    }
    assert_eq!(memory.len(), store.len());
    assert_eq!(memory_trees, store_trees, "the trees differ");
    memory.iter().filter(|(_, r)| r.is_ok()).map(|(n, _)| *n).collect()
}
