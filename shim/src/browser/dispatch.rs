//! [`Dispatch`]: the Rust side of a guest's imports. One dispatcher per
//! import module (`wasi_snapshot_preview1`, `wasi_unstable`), each with a
//! method per syscall that runs the core's function on the run's
//! [`State`]; `shim/js/imports.js` builds the import object around them.
//!
//! No borrow of the state is held across anything that can throw: the
//! state sits in a [`Shared`] cell whose flag a call sets and clears, and a
//! call that never came back (a stack overflow inside the shim) is
//! recovered from once the guest's entry point has returned.

use std::cell::{Cell, RefCell, UnsafeCell};
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::api::StdinFeed;
use super::capture::listener_error;
use super::guest_memory::JsMemory;
use super::host;
use crate::abi::{Errno, Flavor};
use crate::adapter::RAISE;
use crate::ctx::WasiCtx;
use crate::stdio::{InputReady, InputSource};
use crate::syscalls::{self, Answer, Env, Stop, Wait};
use crate::vfs::{ListedEntry, Need, StoreOp};

#[wasm_bindgen(module = "/js/imports.js")]
extern "C" {
    /// Builds `[imports, adapters used]` (see imports.js for the routes).
    #[allow(clippy::too_many_arguments)]
    #[wasm_bindgen(catch)]
    fn make_imports(
        modules: &js_sys::Array,
        dispatchers: &js_sys::Array,
        names: &js_sys::Array,
        jspi: bool,
        interactive: bool,
        pending: u32,
        raise: u32,
        adapter: &WebAssembly::Module,
        raw: &JsValue,
        memory: &Object,
        switch_module: &JsValue,
        store: bool,
    ) -> Result<js_sys::Array, JsValue>;
    /// Sets the switches' mode (suspending or plain calls).
    pub(super) fn set_modes(modes: &JsValue, suspending: bool);
    /// Gives a run's adapter instances back (to the pool if `reuse`).
    fn release_adapters(used: &JsValue, reuse: bool);
    /// `promise`, or a promise that resolves (to undefined) as soon as
    /// `signal` is aborted, whichever comes first.
    fn or_abort(promise: &js_sys::Promise, signal: &web_sys::AbortSignal) -> js_sys::Promise;
    /// `serve(handles, dispatcher)` of the module at `url` (store.js).
    fn serve_store_at(url: &str, handles: &js_sys::Map, dispatcher: &JsValue) -> js_sys::Promise;
}

/// Serves a run's store (`shim/js/store.js`, loaded the first time): what
/// the last call needs, then the changes queued. Never fails on the
/// store's account (a failure is handed to the core as an errno).
pub(super) async fn serve_store(shared: &Shared) -> Result<(), JsValue> {
    let edge = shared.with(|s| s.store.as_ref().map(|e| (e.handles.clone(), e.dispatcher.clone()))).flatten();
    if let Some((handles, dispatcher)) = edge {
        let url = wasm_bindgen::link_to!(module = "/js/store.js");
        JsFuture::from(serve_store_at(&url, &handles, &dispatcher)).await?;
    }
    Ok(())
}

/// What a dispatch method returns when the call must wait (never an errno).
pub(super) const PENDING: u32 = 0xffff;

/// The bytes interactive stdin has delivered and the guest not yet read.
#[derive(Default)]
pub(super) struct StdinQueue {
    data: VecDeque<u8>,
    eof: bool,
}

/// Stdin read from a [`StdinQueue`] that a [`StdinFeed`] fills.
pub(super) struct QueueInput(pub(super) Rc<RefCell<StdinQueue>>);

impl InputSource for QueueInput {
    fn read(&mut self, buf: &mut [u8]) -> InputReady {
        let mut q = self.0.borrow_mut();
        if q.data.is_empty() {
            return if q.eof { InputReady::Read(0) } else { InputReady::WouldBlock };
        }
        let n = buf.len().min(q.data.len());
        for (dst, src) in buf.iter_mut().zip(q.data.drain(..n)) {
            *dst = src;
        }
        InputReady::Read(n)
    }
}

/// How a run ended before its entry point returned.
#[derive(Clone, Debug)]
pub(super) enum Ended {
    /// The guest called `proc_exit`.
    Exit(u32),
    /// The host failed: an output listener threw this.
    Fault(JsValue),
    /// The run's signal was aborted.
    Stopped,
}

/// The run's state, shared by the dispatchers of both import modules.
pub(super) struct State {
    pub(super) ctx: WasiCtx,
    pub(super) mem: JsMemory,
    /// Set by `proc_exit` or a fault; every later call raises.
    pub(super) ended: Option<Ended>,
    /// What the last call that answered `PENDING` waits for.
    pub(super) pending: Option<Wait>,
    pub(super) stdin_feed: Option<StdinFeed>,
    pub(super) stdin_queue: Rc<RefCell<StdinQueue>>,
    /// `{ c }`: the guest memory's view object, once it exists, for the
    /// imports implemented in JS.
    pub(super) memory_holder: Object,
    /// The stdout and stderr captures (to find a listener's error).
    pub(super) captures: [JsValue; 2],
    /// The run's `signal`: a call that waits stops waiting when it aborts.
    pub(super) signal: Option<web_sys::AbortSignal>,
    /// The directory handles of the preopens kept in a store, by key, and
    /// a dispatcher for `store.js` to hand data in and out through.
    pub(super) store: Option<StoreEdge>,
}

/// What `shim/js/store.js` serves a run's store with.
pub(super) struct StoreEdge {
    /// The core's keys → `FileSystemHandle`s.
    pub(super) handles: js_sys::Map,
    /// A dispatcher of the run (set once the import object is made).
    pub(super) dispatcher: JsValue,
}

/// The run's [`State`] behind a flag instead of a `RefCell`: a JS
/// exception unwinding through the shim (a stack overflow in the guest's
/// last frames) skips every destructor, so a `RefMut` would stay borrowed
/// forever; the flag is cleared by [`Shared::recover`] instead.
pub(super) struct Shared {
    busy: Cell<bool>,
    /// Set when the run's signal aborts, which may happen inside a call
    /// (an output listener that aborts): the state takes it in
    /// ([`Ended::Stopped`]) the next time it is borrowed.
    stop_requested: Cell<bool>,
    /// Set when a call was found interrupted.
    interrupted: Cell<bool>,
    /// `None` once the run is over and its state taken.
    state: UnsafeCell<Option<State>>,
}

impl Shared {
    pub(super) fn new(state: State) -> Shared {
        Shared {
            busy: Cell::new(false),
            stop_requested: Cell::new(false),
            interrupted: Cell::new(false),
            state: UnsafeCell::new(Some(state)),
        }
    }

    /// Runs `f` on the state; `None` if a call is already in progress (a
    /// re-entrant call) or the run is over.
    pub(super) fn with<R>(&self, f: impl FnOnce(&mut State) -> R) -> Option<R> {
        let st = self.enter()?;
        let r = f(st);
        self.busy.set(false);
        Some(r)
    }

    /// Sets the flag and lends the state, with a requested stop taken in;
    /// `None` if a call is in progress or the run is over. Not inlined:
    /// every dispatch method calls it (the shim's size).
    #[inline(never)]
    #[allow(clippy::mut_from_ref)] // one `&mut` at a time, by the flag
    fn enter(&self) -> Option<&mut State> {
        if self.busy.replace(true) {
            return None;
        }
        // SAFETY: `busy` admits one `&mut` at a time; it is only cleared by
        // `with` once the borrow is over, or by `recover`, which runs when
        // no call is active.
        match unsafe { &mut *self.state.get() }.as_mut() {
            Some(st) => {
                if self.stop_requested.get() && st.ended.is_none() {
                    st.ended = Some(Ended::Stopped);
                }
                Some(st)
            }
            None => {
                self.busy.set(false);
                None
            }
        }
    }

    /// Called when the guest's entry point has returned or thrown: no call
    /// can be in progress then, so a flag still set means one was cut short
    /// (the engine threw out of it). Clears it; true if it was set (or was
    /// found so before).
    pub(super) fn recover(&self) -> bool {
        if self.busy.replace(false) {
            self.interrupted.set(true);
        }
        self.interrupted.get()
    }

    /// Takes the state out, once the run is over (a dispatcher the engine
    /// left borrowed may outlive it, holding an empty cell).
    pub(super) fn take(&self) -> Option<State> {
        if self.busy.get() {
            return None;
        }
        // SAFETY: no call is active (see `with`).
        unsafe { &mut *self.state.get() }.take()
    }
}

/// The import functions of one module (`wasi_snapshot_preview1` or
/// `wasi_unstable`): a method per syscall. The import object holds these
/// methods (or adapter functions calling their exports), so a guest call
/// costs one call into the shim.
#[wasm_bindgen(skip_typescript)]
pub struct Dispatch {
    shared: Rc<Shared>,
    flavor: Flavor,
}

impl Dispatch {
    /// Runs one syscall on the run's state. Not generic: the body is there
    /// once for every syscall, and each dispatch method only passes its own
    /// call of the core (the shim's size; the indirect call costs a
    /// nanosecond).
    #[inline(never)]
    fn call(&self, f: &mut dyn FnMut(&mut Env) -> syscalls::SysResult) -> u32 {
        let answer = self.shared.with(|st| {
            if st.ended.is_some() {
                return RAISE;
            }
            let State { ctx, mem, pending, .. } = &mut *st;
            let can_suspend = ctx.can_suspend;
            let mut env = Env { ctx, mem, flavor: self.flavor };
            match syscalls::answer(syscalls::with_store(&mut env, f), can_suspend) {
                Answer::Errno(e) => e,
                Answer::Wait(w) => {
                    *pending = Some(w);
                    PENDING
                }
                Answer::Exit(code) => {
                    st.ended = Some(Ended::Exit(code));
                    RAISE
                }
                Answer::Fault => {
                    let thrown = st.captures.iter().find_map(listener_error).unwrap_or(JsValue::NULL);
                    st.ended = Some(Ended::Fault(thrown));
                    RAISE
                }
            }
        });
        answer.unwrap_or(Errno::Busy as u32)
    }
}

/// What file `ino` holds, to write back: `[len, base_len, offset, bytes,
/// offset, bytes, ...]` (the chunks it wrote, copied).
fn write_data(vfs: &crate::vfs::Vfs, ino: u64) -> JsValue {
    let out = js_sys::Array::new();
    if let Ok(data) = vfs.file(ino) {
        out.push(&(data.len() as f64).into());
        out.push(&(data.base_len() as f64).into());
        for (at, bytes) in data.written_chunks() {
            out.push(&(at as f64).into());
            out.push(&Uint8Array::from(bytes).into());
        }
    }
    out.into()
}

/// The error a call throws once the run is over: for `proc_exit`, a
/// `WasiExitError` carrying the code; for a fault, an `Error` saying what
/// failed, with the listener's exception as its `cause`.
pub(super) fn ended_error(ended: &Ended) -> JsValue {
    let e = match ended {
        Ended::Exit(code) => {
            let e = js_sys::Error::new(&format!("the program exited with code {code}"));
            e.set_name("WasiExitError");
            let _ = Reflect::set(&e, &"code".into(), &JsValue::from(*code));
            e
        }
        Ended::Fault(thrown) => {
            let e = js_sys::Error::new(&format!(
                "browser-wasi: an output listener threw, so the run was ended: {}",
                super::error_message(thrown)
            ));
            e.set_name("WasiHostError");
            let _ = Reflect::set(&e, &"cause".into(), thrown);
            e
        }
        Ended::Stopped => {
            let e = js_sys::Error::new("browser-wasi: the run was stopped (its signal was aborted)");
            e.set_name("AbortError");
            e
        }
    };
    e.into()
}

#[wasm_bindgen]
impl Dispatch {
    /// Resolves when what the last `PENDING` call waits for has come: the
    /// deadline has passed, or stdin has more bytes (or ended). What the
    /// call waits for is taken now, not when the promise first runs: with
    /// threads, another thread's call may come first. The promise resolves
    /// to what the retry needs back ([`Dispatch::resume`]): when a pending
    /// `poll_oneoff` began, so that relative timeouts count from then.
    #[doc(hidden)]
    pub fn wait(&self) -> js_sys::Promise {
        let shared = self.shared.clone();
        let (pending, origin, signal) = self
            .shared
            .with(|s| (s.pending.take(), s.ctx.poll_origin.take(), s.signal.clone()))
            .unwrap_or_default();
        let waited = wasm_bindgen_futures::future_to_promise(async move {
            match pending {
                Some(Wait::Until(deadline)) => {
                    let ms = (deadline as f64 / 1e6 - host::monotonic_ms()).max(0.0);
                    JsFuture::from(host::sleep_ms(ms)).await?;
                }
                Some(Wait::Stdin) => {
                    let next = shared.with(|s| s.stdin_feed.as_mut().map(|f| f())).flatten();
                    let chunk = match next {
                        Some(fut) => fut.await,
                        None => None,
                    };
                    if let Some(queue) = shared.with(|s| s.stdin_queue.clone()) {
                        let mut q = queue.borrow_mut();
                        match chunk {
                            Some(bytes) => q.data.extend(bytes),
                            None => q.eof = true,
                        }
                    }
                }
                Some(Wait::Store) => serve_store(&shared).await?,
                None => {}
            }
            Ok(origin.map_or(JsValue::UNDEFINED, JsValue::from))
        });
        // Stopped while waiting: the call is made again at once and finds
        // the run over.
        match signal {
            Some(signal) => or_abort(&waited, &signal),
            None => waited,
        }
    }

    /// Stops the run (its signal was aborted): every later call raises.
    #[doc(hidden)]
    pub fn stop(&self) {
        self.shared.stop_requested.set(true);
    }

    /// Puts back what [`Dispatch::wait`] resolved to, just before the call
    /// that waited is made again.
    #[doc(hidden)]
    pub fn resume(&self, origin: Option<u64>) {
        self.shared.with(|s| s.ctx.poll_origin = origin);
    }

    /// Takes in a directory's listing (see `Vfs::put_listing`): the
    /// entries' names, and for each its kind (1: directory), size and
    /// modification time (ms) in `meta`; returns their keys (0 for one left
    /// out).
    #[doc(hidden)]
    pub fn store_listing(&self, ino: f64, names: js_sys::Array, meta: Vec<f64>) -> Vec<u32> {
        let entries: Vec<ListedEntry> = names
            .iter()
            .zip(meta.chunks_exact(3))
            .map(|(name, m)| ListedEntry {
                name: name.as_string().unwrap_or_default(),
                dir: m[0] == 1.0,
                size: m[1] as u64,
                mtim: (m[2].max(0.0) * 1e6) as u64,
            })
            .collect();
        let keys = self.shared.with(|s| s.ctx.vfs.put_listing(ino as u64, &entries));
        keys.and_then(Result::ok).unwrap_or_else(|| vec![0; entries.len()])
    }

    /// The next thing to do for the store, taken: what the last call
    /// needs first, then its changes, each as `[kind, a, b, c]` (see
    /// `store.js`); undefined when nothing is left.
    #[doc(hidden)]
    pub fn store_next(&self) -> JsValue {
        let next = self.shared.with(|s| {
            let st = s.ctx.vfs.store()?;
            Some(match st.take_need() {
                Some(need) => (Some(need), None, JsValue::UNDEFINED),
                None => {
                    let op = st.next_op();
                    let data = match &op {
                        Some(StoreOp::Write { ino, .. }) => write_data(&s.ctx.vfs, *ino),
                        _ => JsValue::UNDEFINED,
                    };
                    (None, op, data)
                }
            })
        });
        let (kind, a, b, c): (u8, u32, f64, JsValue) = match next.flatten() {
            Some((Some(Need::List { ino, key }), _, _)) => (5, key, ino as f64, JsValue::UNDEFINED),
            Some((Some(Need::Read { key, offset, len }), _, _)) => {
                (6, key, offset as f64, (len as f64).into())
            }
            Some((None, Some(op), data)) => match op {
                StoreOp::CreateDir { parent, name, key } => (0, parent, key.into(), name.into()),
                StoreOp::CreateFile { parent, name, key } => (1, parent, key.into(), name.into()),
                StoreOp::Remove { parent, name } => (2, parent, 0.0, name.into()),
                StoreOp::Move { key, parent, name } => (3, key, parent.into(), name.into()),
                StoreOp::Write { ino, key } => (4, key, ino as f64, data),
            },
            _ => return JsValue::UNDEFINED,
        };
        js_sys::Array::of4(&kind.into(), &a.into(), &b.into(), &c).into()
    }

    /// Hands in what the store did (one method for three: the shim's
    /// size): `what` 0, the `bytes` read from file `n` at `at`; 1, file
    /// `n` was written back from inode `at`; 2, a need could not be served
    /// or a change failed, with errno `n`, which the call answers.
    #[doc(hidden)]
    pub fn store_done(&self, what: u8, n: u32, at: f64, bytes: Option<Vec<u8>>) {
        self.shared.with(|s| match (what, s.ctx.vfs.store()) {
            (0, Some(st)) => st.put_bytes(n, at as u64, bytes.unwrap_or_default()),
            (1, _) => {
                let _ = s.ctx.vfs.written(at as u64, n);
            }
            (_, Some(st)) => st.failed(Errno::from_raw(n as u16).unwrap_or(Errno::Io)),
            _ => {}
        });
    }

    /// The error to throw now that the run is over (see [`ended_error`]).
    #[doc(hidden)]
    pub fn take_error(&self) -> JsValue {
        let ended = self.shared.with(|s| s.ended.clone()).flatten();
        match ended {
            Some(e) => ended_error(&e),
            None => js_sys::Error::new("browser-wasi: this run is over").into(),
        }
    }
}

macro_rules! dispatch_methods {
    ($($name:ident($($p:ident: $t:ty),*) => $module:ident::$func:ident;)*) => {
        #[wasm_bindgen]
        impl Dispatch {
            $(
                #[doc(hidden)]
                #[allow(clippy::too_many_arguments)] // the WASI signature
                pub fn $name(&self, $($p: $t),*) -> u32 {
                    self.call(&mut |e| syscalls::$module::$func(e, $($p),*))
                }
            )*

            /// Ends the run: records the code (the JS import then throws
            /// the exit error to unwind the guest).
            #[doc(hidden)]
            pub fn proc_exit(&self, code: u32) {
                self.shared.with(|st| {
                    if let (None, Stop::Exit(code)) = (&st.ended, syscalls::proc::proc_exit(code)) {
                        st.ended = Some(Ended::Exit(code));
                    }
                });
            }
        }

        /// The names of the functions each import module provides.
        fn syscall_names() -> &'static [&'static str] {
            &[$(stringify!($name),)* "proc_exit"]
        }
    };
}
crate::for_each_syscall!(dispatch_methods);

thread_local! {
    static NAMES: [JsValue; 2] = [Flavor::Preview1, Flavor::Snapshot0].map(|flavor| {
        syscall_names()
            .iter()
            .filter(|n| syscalls::signature(flavor, n).is_some())
            .map(|n| JsValue::from_str(n))
            .collect::<js_sys::Array>()
            .into()
    });

    /// The adapter module (see `crate::adapter`), compiled once: it is a
    /// few kilobytes, so synchronous compilation is fine everywhere.
    static ADAPTER: Result<WebAssembly::Module, JsValue> = {
        let bytes = crate::adapter::module_bytes();
        WebAssembly::Module::new(&Uint8Array::from(&bytes[..]).into())
    };

    /// The switch module (see `crate::adapter::switch_module_bytes`),
    /// compiled once.
    static SWITCH: Result<WebAssembly::Module, JsValue> = {
        let bytes = crate::adapter::switch_module_bytes();
        WebAssembly::Module::new(&Uint8Array::from(&bytes[..]).into())
    };
}

/// The names of the functions an import module provides, as a JS array
/// (built once).
pub(super) fn names(flavor: Flavor) -> JsValue {
    NAMES.with(|n| n[if flavor == Flavor::Preview1 { 0 } else { 1 }].clone())
}

/// What a run borrows on the JS side: its dispatchers and adapter
/// instances. A run that finishes frees the dispatchers and returns the
/// adapters to the pool; one abandoned midway (its future dropped) frees
/// them too but retires its adapters, so a late call from its guest fails
/// instead of reaching another run.
pub(super) struct Borrowed {
    dispatchers: Vec<JsValue>,
    adapters: JsValue,
    done: bool,
}

impl Borrowed {
    /// The dispatchers, one per import module in [`syscalls::MODULES`]
    /// order.
    pub(super) fn dispatchers(&self) -> &[JsValue] {
        &self.dispatchers
    }

    /// Frees the dispatchers and gives the adapters back, once.
    pub(super) fn release(&mut self, reuse: bool) {
        if !self.done {
            self.done = true;
            for d in &self.dispatchers {
                if let Ok(f) = Reflect::get(d, &"free".into()).and_then(|f| f.dyn_into::<Function>()) {
                    let _ = f.call0(d);
                }
            }
            release_adapters(&self.adapters, reuse);
        }
    }
}

impl Drop for Borrowed {
    fn drop(&mut self) {
        self.release(false);
    }
}

/// Builds `{ wasi_snapshot_preview1: {...}, wasi_unstable: {...} }` for a
/// run, what it borrows to do so, and (with `switchable`, under JSPI) the
/// mode globals of the switches in front of the calls that may wait.
pub(super) fn import_object(
    shared: &Rc<Shared>,
    switchable: bool,
) -> Result<(Object, Borrowed, JsValue), JsValue> {
    let (jspi, interactive, memory, store) = shared
        .with(|st| {
            (st.ctx.can_suspend, st.stdin_feed.is_some(), st.memory_holder.clone(), st.store.is_some())
        })
        .ok_or_else(|| JsValue::from_str("the run is busy"))?;
    let modules = js_sys::Array::new();
    let dispatchers = js_sys::Array::new();
    let names_by_module = js_sys::Array::new();
    let mut held = Vec::new();
    for (module, flavor) in syscalls::MODULES {
        let d: JsValue = Dispatch { shared: shared.clone(), flavor }.into();
        modules.push(&module.into());
        dispatchers.push(&d);
        names_by_module.push(&names(flavor));
        held.push(d);
    }
    let adapter = ADAPTER.with(|a| a.clone())?;
    let made = make_imports(
        &modules,
        &dispatchers,
        &names_by_module,
        jspi,
        interactive,
        PENDING,
        RAISE,
        &adapter,
        &wasm_bindgen::exports(),
        &memory,
        &if switchable && !store { SWITCH.with(|m| m.clone())?.into() } else { JsValue::NULL },
        store,
    )?;
    // store.js hands data in and out through a dispatcher.
    let first = dispatchers.get(0);
    shared.with(|st| st.store.as_mut().map(|e| e.dispatcher = first));
    let borrowed = Borrowed { dispatchers: held, adapters: made.get(1), done: false };
    Ok((made.get(0).unchecked_into(), borrowed, made.get(2)))
}
