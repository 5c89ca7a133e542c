//! Runs guests natively under `wasmi`, through the same core syscalls the
//! browser edge uses.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use browser_wasi::abi::{ClockId, Errno, Flavor};
use browser_wasi::memory::SliceMemory;
use browser_wasi::syscalls::{self, answer, Answer, Env, Stop, Wait};
use browser_wasi::{Host, WasiConfig, WasiCtx};
use wasmi::{Caller, Engine, Extern, Linker, Module, Store};

use browser_wasi::filesystem::Filesystem;

use crate::fake_store::FakeStore;
use crate::hostile::Seen;
use crate::Outcome;

/// Real clocks, and a fast non-cryptographic generator (tests only).
pub struct NativeHost {
    start: Instant,
    rng: u64,
}

impl Default for NativeHost {
    fn default() -> Self {
        let seed = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(1);
        NativeHost { start: Instant::now(), rng: seed | 1 }
    }
}

impl Host for NativeHost {
    fn realtime_ns(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
    }
    fn monotonic_ns(&self) -> u64 {
        self.start.elapsed().as_nanos() as u64
    }
    fn resolution_ns(&self, _clock: ClockId) -> u64 {
        1
    }
    fn fill_random(&mut self, buf: &mut [u8]) -> Result<(), Errno> {
        for b in buf {
            // xorshift64*
            self.rng ^= self.rng >> 12;
            self.rng ^= self.rng << 25;
            self.rng ^= self.rng >> 27;
            *b = (self.rng.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 56) as u8;
        }
        Ok(())
    }
    /// Sleeps, at most a second: tests never need longer, and a random
    /// timeout must not hang a test run.
    fn sleep_ns(&mut self, ns: u64) {
        std::thread::sleep(std::time::Duration::from_nanos(ns.min(1_000_000_000)));
    }
}

/// A native run's state: its WASI context, and what its own imports
/// (a reactor's `env.log`) were given.
pub struct State {
    pub ctx: WasiCtx,
    /// What the guest passed to `env.log`, one string per call.
    pub log: Vec<String>,
    /// The store of the preopens kept in one.
    pub store: FakeStore,
}

/// Calls a core syscall with the guest's memory; `proc_exit` becomes
/// wasmi's exit error.
fn call(
    caller: &mut Caller<'_, State>,
    flavor: Flavor,
    f: impl Fn(&mut Env) -> syscalls::SysResult,
) -> Result<u32, wasmi::Error> {
    let memory = caller.get_export("memory").and_then(Extern::into_memory);
    let mut empty: [u8; 0] = [];
    let (mem, state): (&mut [u8], &mut State) = match memory {
        Some(m) => m.data_and_store_mut(caller),
        None => (&mut empty, caller.data_mut()),
    };
    let mut mem = SliceMemory(mem);
    let State { ctx, store, .. } = state;
    let r = loop {
        let mut env = Env { ctx, mem: &mut mem, flavor };
        match syscalls::with_store(&mut env, &f) {
            // The fake store answers at once: serve it, and call again.
            Err(Stop::Pending(Wait::Store)) => store.serve(ctx),
            r => break r,
        }
    };
    match answer(r, ctx.can_suspend) {
        Answer::Errno(errno) => Ok(errno),
        Answer::Exit(code) => Err(wasmi::Error::i32_exit(code as i32)),
        Answer::Fault => Err(wasmi::Error::new("the host failed")),
        // Native runs never suspend (can_suspend is false).
        Answer::Wait(_) => Ok(Errno::Again as u32),
    }
}

macro_rules! define {
    ($($name:ident($($p:ident: $t:ty),*) => $module:ident::$func:ident;)*) => {
        fn define_imports(linker: &mut Linker<State>) -> Result<(), wasmi::Error> {
            for (module, flavor) in syscalls::MODULES {
                $(
                    if syscalls::signature(flavor, stringify!($name)).is_some() {
                        linker.func_wrap(module, stringify!($name), move |mut caller: Caller<'_, State>, $($p: $t),*| {
                            call(&mut caller, flavor, |e| syscalls::$module::$func(e, $($p),*))
                        })?;
                    }
                )*
                linker.func_wrap(module, "proc_exit", |_: Caller<'_, State>, code: u32| -> Result<(), wasmi::Error> {
                    Err(wasmi::Error::i32_exit(code as i32))
                })?;
            }
            Ok(())
        }
    };
}
browser_wasi::for_each_syscall!(define);

/// Runs a command module to completion under wasmi.
pub fn run(wasm: &[u8], config: &WasiConfig) -> Result<Outcome, String> {
    let (seen, fs) = run_seen(wasm, config)?;
    let fs = fs.map(|f| f.trees()).unwrap_or_default();
    Ok(Outcome { exit: seen.exit, trap: seen.trap, stdout: seen.stdout, stderr: seen.stderr, fs })
}

/// Compiles `wasm` under wasmi, with a store holding a fresh `WasiCtx` for
/// `config` and a linker with the WASI imports.
fn prepare(wasm: &[u8], config: &WasiConfig) -> Result<(Module, Store<State>, Linker<State>), String> {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).map_err(|e| e.to_string())?;
    let ctx = WasiCtx::new(config.clone(), Box::new(NativeHost::default())).map_err(|e| e.to_string())?;
    let store = Store::new(&engine, State { ctx, log: Vec::new(), store: FakeStore::default() });
    let mut linker = Linker::new(&engine);
    define_imports(&mut linker).map_err(|e| e.to_string())?;
    Ok((module, store, linker))
}

/// Runs a command module under wasmi and returns all it did (a refused
/// module is `Seen::error`, and then there is no filesystem).
pub fn run_seen(wasm: &[u8], config: &WasiConfig) -> Result<(Seen, Option<Filesystem>), String> {
    if let Err(e) = browser_wasi::inspect(wasm).and_then(|i| i.check_runnable()) {
        return Ok((Seen { error: Some(format!("{e:?}")), ..Seen::default() }, None));
    }
    let (module, mut store, linker) = prepare(wasm, config)?;
    let (exit, trap) = start(&linker, &mut store, &module)?;
    let ctx = store.into_data().ctx;
    let stdout_dropped = ctx.stdout.dropped();
    let (stdout, stderr, fs) = ctx.finish();
    let seen = Seen {
        exit,
        trap,
        error: None,
        stdout: stdout.to_vec(),
        stderr: stderr.to_vec(),
        stdout_dropped,
        entries: fs.entries(),
    };
    Ok((seen, Some(fs)))
}

/// Runs a command module under wasmi with every preopen kept in a
/// [`FakeStore`] (as a browser's directory handle keeps one): what the
/// preopens hold afterwards is read from the store, after the end-of-run
/// write-back. Also returns the store's log of what was asked and done.
pub fn run_in_store(wasm: &[u8], config: &WasiConfig) -> Result<(Outcome, Vec<String>), String> {
    run_in(wasm, config, FakeStore::default())
}

/// [`run_in_store`] with this store (a quota, say), empty as yet.
pub fn run_in(wasm: &[u8], config: &WasiConfig, fake: FakeStore) -> Result<(Outcome, Vec<String>), String> {
    if config.preopens.iter().any(|p| has_symlink(&p.tree)) {
        return Err(HAS_SYMLINKS.into());
    }
    let mut stored = config.clone();
    let trees: Vec<_> = stored
        .preopens
        .iter_mut()
        .map(|p| {
            p.in_store = true;
            std::mem::replace(&mut p.tree, browser_wasi::Tree::dir())
        })
        .collect();
    let (module, mut store, linker) = prepare(wasm, &stored)?;
    let mut roots = Vec::new();
    {
        let state = store.data_mut();
        state.store = fake;
        for ((_, root), tree) in state.ctx.preopens.clone().iter().zip(&trees) {
            let n = state.store.add_root(tree);
            let key = state.ctx.vfs.get(*root).map_err(|e| format!("{e:?}"))?.store;
            state.store.bind(key, n);
            roots.push(n);
        }
    }
    let (exit, trap) = start(&linker, &mut store, &module)?;
    let State { mut ctx, store: mut fake, .. } = store.into_data();
    ctx.vfs.sync_all();
    fake.serve(&mut ctx);
    let fs = ctx.preopens.iter().zip(&roots).map(|((path, _), &n)| (path.clone(), fake.tree(n))).collect();
    let (stdout, stderr, _) = ctx.finish();
    let outcome = Outcome { exit, trap, stdout: stdout.to_vec(), stderr: stderr.to_vec(), fs };
    Ok((outcome, fake.log))
}

/// What [`run_in_store`] says of preopens a store cannot hold.
pub const HAS_SYMLINKS: &str = "its preopens hold symlinks, which a store has not";

fn has_symlink(t: &browser_wasi::Tree) -> bool {
    match t {
        browser_wasi::Tree::Symlink(_) => true,
        browser_wasi::Tree::Dir(e) => e.values().any(has_symlink),
        browser_wasi::Tree::File(_) => false,
    }
}

/// Instantiates and runs `_start`: the exit code, or the trap.
fn start(
    linker: &Linker<State>,
    store: &mut Store<State>,
    module: &Module,
) -> Result<(Option<u32>, Option<String>), String> {
    let ended = |e: wasmi::Error| match e.i32_exit_status() {
        Some(code) => (Some(code as u32), None),
        None => (None, Some(e.to_string())),
    };
    Ok(match linker.instantiate_and_start(&mut *store, module) {
        Err(e) => ended(e),
        Ok(instance) => {
            let start = instance.get_typed_func::<(), ()>(&*store, "_start").map_err(|e| e.to_string())?;
            match start.call(&mut *store, ()) {
                Ok(()) => (Some(0), None),
                Err(e) => ended(e),
            }
        }
    })
}

/// A reactor under wasmi, as the WASI object runs one in a browser: made
/// with WASI and an import of its own (`env.log`), initialized once, then
/// its exports called any number of times on one state.
pub struct Reactor {
    store: Store<State>,
    instance: wasmi::Instance,
}

impl Reactor {
    /// Instantiates `wasm` and runs its `_initialize`.
    pub fn new(wasm: &[u8], config: &WasiConfig) -> Result<Reactor, String> {
        let (module, mut store, mut linker) = prepare(wasm, config)?;
        linker
            .func_wrap("env", "log", |mut caller: Caller<'_, State>, ptr: u32, len: u32| {
                let memory = caller.get_export("memory").and_then(Extern::into_memory);
                if let Some(m) = memory {
                    let (data, state) = m.data_and_store_mut(&mut caller);
                    let text = data.get(ptr as usize..(ptr + len) as usize).unwrap_or_default();
                    state.log.push(String::from_utf8_lossy(text).into_owned());
                }
            })
            .map_err(|e| e.to_string())?;
        let instance = linker.instantiate_and_start(&mut store, &module).map_err(|e| e.to_string())?;
        let mut reactor = Reactor { store, instance };
        reactor.call("_initialize", &[]).map_err(|e| format!("{e:?}"))?;
        Ok(reactor)
    }

    /// Calls an export with `i32` arguments; its `i32` result, if any, or
    /// how it ended: `Err(Ok(code))` for `proc_exit`, `Err(Err(trap))`.
    pub fn call(&mut self, name: &str, args: &[i32]) -> Result<Option<i32>, Result<u32, String>> {
        let f = self.instance.get_func(&self.store, name).ok_or_else(|| Err(format!("no export {name}")))?;
        let params: Vec<wasmi::Val> = args.iter().map(|&a| wasmi::Val::I32(a)).collect();
        let mut results = vec![wasmi::Val::I32(0); f.ty(&self.store).results().len()];
        match f.call(&mut self.store, &params, &mut results) {
            Ok(()) => Ok(results.first().and_then(|v| v.i32())),
            Err(e) => Err(match e.i32_exit_status() {
                Some(code) => Ok(code as u32),
                None => Err(e.to_string()),
            }),
        }
    }

    /// Puts bytes into the guest's memory through its `buffer` export (a
    /// `malloc`); returns the pointer.
    pub fn pass(&mut self, bytes: &[u8]) -> i32 {
        let ptr = self.call("buffer", &[bytes.len() as i32]).ok().flatten().expect("buffer");
        let memory = self.instance.get_memory(&self.store, "memory").expect("memory");
        memory.write(&mut self.store, ptr as usize, bytes).expect("in bounds");
        ptr
    }

    /// The run's state (its files, what it logged).
    pub fn state(&self) -> &State {
        self.store.data()
    }
}
