//! [`Dispatch`]: the Rust side of a guest's imports. One dispatcher per
//! import module (`wasi_snapshot_preview1`, `wasi_unstable`), each with a
//! method per syscall that runs the core's function on the run's
//! [`State`]; `shim/js/imports.js` builds the import object around them.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::api::StdinFeed;
use super::guest_memory::JsMemory;
use super::host;
use crate::abi::{Errno, Flavor};
use crate::ctx::WasiCtx;
use crate::stdio::{InputReady, InputSource};
use crate::syscalls::{self, Answer, Env, Stop, Wait};

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
        adapter: &WebAssembly::Module,
        raw: &JsValue,
        memory: &Object,
    ) -> Result<js_sys::Array, JsValue>;
    /// Gives a run's adapter instances back (to the pool if `reuse`).
    fn release_adapters(used: &JsValue, reuse: bool);
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

/// The run's state, shared by the dispatchers of both import modules.
pub(super) struct State {
    pub(super) ctx: WasiCtx,
    pub(super) mem: JsMemory,
    /// Set by `proc_exit` before it throws to unwind the guest.
    pub(super) exit: Option<u32>,
    /// What the last call that answered `PENDING` waits for.
    pub(super) pending: Option<Wait>,
    pub(super) stdin_feed: Option<StdinFeed>,
    pub(super) stdin_queue: Rc<RefCell<StdinQueue>>,
    /// `{ c }`: the guest memory's view object, once it exists, for the
    /// imports implemented in JS.
    pub(super) memory_holder: Object,
}

/// The import functions of one module (`wasi_snapshot_preview1` or
/// `wasi_unstable`): a method per syscall. The import object holds these
/// methods (or adapter functions calling their exports), so a guest call
/// costs one call into the shim.
#[wasm_bindgen(skip_typescript)]
pub struct Dispatch {
    state: Rc<RefCell<State>>,
    flavor: Flavor,
}

impl Dispatch {
    fn call(&self, f: impl FnOnce(&mut Env) -> syscalls::SysResult) -> u32 {
        let Ok(mut st) = self.state.try_borrow_mut() else {
            return Errno::Busy as u32;
        };
        let State { ctx, mem, exit, pending, .. } = &mut *st;
        let can_suspend = ctx.can_suspend;
        let mut env = Env { ctx, mem, flavor: self.flavor };
        match syscalls::answer(f(&mut env), can_suspend) {
            Answer::Errno(e) => e,
            Answer::Wait(w) => {
                *pending = Some(w);
                PENDING
            }
            Answer::Exit(code) => {
                *exit = Some(code);
                Errno::Success as u32
            }
        }
    }
}

#[wasm_bindgen]
impl Dispatch {
    /// Resolves when what the last `PENDING` call waits for has come: the
    /// deadline has passed, or stdin has more bytes (or ended).
    #[doc(hidden)]
    pub fn wait(&self) -> js_sys::Promise {
        let state = self.state.clone();
        wasm_bindgen_futures::future_to_promise(async move {
            let pending = state.try_borrow_mut().ok().and_then(|mut s| s.pending.take());
            match pending {
                Some(Wait::Until(deadline)) => {
                    let ms = (deadline as f64 / 1e6 - host::monotonic_ms()).max(0.0);
                    JsFuture::from(host::sleep_ms(ms)).await?;
                }
                Some(Wait::Stdin) => {
                    let next =
                        state.try_borrow_mut().ok().and_then(|mut s| s.stdin_feed.as_mut().map(|f| f()));
                    let chunk = match next {
                        Some(fut) => fut.await,
                        None => None,
                    };
                    let queue = state.borrow().stdin_queue.clone();
                    let mut q = queue.borrow_mut();
                    match chunk {
                        Some(bytes) => q.data.extend(bytes),
                        None => q.eof = true,
                    }
                }
                None => {}
            }
            Ok(JsValue::UNDEFINED)
        })
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
                    self.call(|e| syscalls::$module::$func(e, $($p),*))
                }
            )*

            /// Ends the run: records the code and throws to unwind the guest.
            #[doc(hidden)]
            pub fn proc_exit(&self, code: u32) -> Result<(), JsValue> {
                if let Ok(mut st) = self.state.try_borrow_mut() {
                    if let Stop::Exit(code) = syscalls::proc::proc_exit(code) {
                        st.exit = Some(code);
                    }
                }
                Err(JsValue::from_str("proc_exit"))
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
/// run, and what it borrows to do so.
pub(super) fn import_object(state: &Rc<RefCell<State>>) -> Result<(Object, Borrowed), JsValue> {
    let (jspi, interactive, memory) = {
        let st = state.borrow();
        (st.ctx.can_suspend, st.stdin_feed.is_some(), st.memory_holder.clone())
    };
    let modules = js_sys::Array::new();
    let dispatchers = js_sys::Array::new();
    let names_by_module = js_sys::Array::new();
    let mut held = Vec::new();
    for (module, flavor) in syscalls::MODULES {
        let d: JsValue = Dispatch { state: state.clone(), flavor }.into();
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
        &adapter,
        &wasm_bindgen::exports(),
        &memory,
    )?;
    let borrowed = Borrowed { dispatchers: held, adapters: made.get(1), done: false };
    Ok((made.get(0).unchecked_into(), borrowed))
}
