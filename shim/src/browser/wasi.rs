//! [`Session`]: one guest's WASI at the edge: its state, the import object
//! an instance links against, and how a call into the guest ended. The run
//! functions (`run.rs`) use one per run.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Function, Object, Reflect, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::api::{RunError, RunOptions, RunOutput, Termination};
use super::capture::{take_captured, JsCapture};
use super::dispatch::{import_object, Borrowed, Ended, QueueInput, Shared, State, StdinQueue};
use super::error_message;
use super::guest_memory::JsMemory;
use super::host::BrowserHost;
use crate::config::{ConfigError, WasiConfig};
use crate::ctx::WasiCtx;
use crate::stdio::Output;

#[wasm_bindgen(module = "/js/imports.js")]
extern "C" {
    /// Whether a module imports `poll_oneoff`.
    fn may_wait(module: &WebAssembly::Module) -> bool;
    /// `WebAssembly.promising(f)`.
    fn promising(f: &Function) -> Function;
    /// The shim's stack pointer, if the shim exports it (-1 if not).
    fn shim_stack_pointer(raw: &JsValue) -> f64;
    /// Sets the shim's stack pointer back.
    fn set_shim_stack_pointer(raw: &JsValue, value: f64);
}

/// One guest's WASI state and import object.
pub(crate) struct Session {
    shared: Rc<Shared>,
    imports: Object,
    /// The dispatchers and adapter instances, given back at the end.
    borrowed: Borrowed,
    /// The calls that may wait can suspend the guest (JSPI).
    jspi: bool,
    /// Stdin is fed interactively.
    interactive: bool,
    /// Where stdout and stderr are captured.
    captures: [JsValue; 2],
}

impl Session {
    /// Sets up the state and import object. With `jspi` the calls that may
    /// wait are wrapped so that they can suspend the guest; whether a run
    /// actually may suspend is decided once the module is known
    /// ([`Session::decide_suspending`]).
    pub(crate) fn new(config: WasiConfig, options: RunOptions, jspi: bool) -> Result<Session, RunError> {
        if options.stdin.is_some() && !jspi {
            return Err(ConfigError::InteractiveStdinNeedsJspi.into());
        }
        let limits = config.limits;
        let mut ctx = WasiCtx::new(config, Box::new(BrowserHost))?;
        // Output is captured in JS arrays, straight from the guest's memory.
        let stdout = JsCapture::new(options.on_stdout, limits.stdout_bytes);
        let stderr = JsCapture::new(options.on_stderr, limits.stderr_bytes);
        let captures = [stdout.handle(), stderr.handle()];
        ctx.stdout = Output { listener: Some(Box::new(stdout)), ..Output::default() };
        ctx.stderr = Output { listener: Some(Box::new(stderr)), ..Output::default() };
        ctx.can_suspend = jspi;
        let interactive = options.stdin.is_some();
        let queue = Rc::new(RefCell::new(StdinQueue::default()));
        if interactive {
            ctx.stdin = Box::new(QueueInput(queue.clone()));
        }
        let memory_holder = Object::new();
        let _ = Reflect::set(&memory_holder, &"c".into(), &JsValue::NULL);
        let shared = Rc::new(Shared::new(State {
            ctx,
            mem: JsMemory::none(),
            ended: None,
            pending: None,
            stdin_feed: options.stdin,
            stdin_queue: queue,
            memory_holder,
            captures: captures.clone(),
        }));
        let (imports, borrowed) =
            import_object(&shared).map_err(|e| RunError::Instantiate(error_message(&e)))?;
        Ok(Session { shared, imports, borrowed, jspi, interactive, captures })
    }

    /// The import object to instantiate the guest with.
    pub(crate) fn imports(&self) -> &Object {
        &self.imports
    }

    /// Decides from the module whether its calls may suspend: with JSPI,
    /// when stdin is interactive or it imports `poll_oneoff` (a guest that
    /// cannot wait runs as a plain call, which is cheaper).
    pub(crate) fn decide_suspending(&self, module: &WebAssembly::Module) {
        let suspends = self.jspi && (self.interactive || may_wait(module));
        self.shared.with(|s| s.ctx.can_suspend = suspends);
    }

    /// Gives the guest's memory to the run.
    pub(crate) fn attach_memory(&self, memory: &WebAssembly::Memory) {
        self.shared.with(|st| {
            st.mem = JsMemory::new(memory);
            // The JS-side imports (random_get) see the memory through this.
            let _ = Reflect::set(&st.memory_holder, &"c".into(), st.mem.view().unwrap_or(&JsValue::NULL));
        });
    }

    /// Gives the run an instance's exported `memory`, if it has one.
    pub(crate) fn attach_instance_memory(&self, instance: &WebAssembly::Instance) -> bool {
        let mem = Reflect::get(&instance.exports(), &"memory".into()).ok();
        match mem.and_then(|m| m.dyn_into::<WebAssembly::Memory>().ok()) {
            Some(m) => {
                self.attach_memory(&m);
                true
            }
            None => false,
        }
    }

    /// Calls an export of the guest with no arguments (an entry point): as
    /// a promise under JSPI when the run may suspend. Returns how the call
    /// ended, by `proc_exit`, a fault, a trap or a return.
    pub(crate) async fn call_entry(&self, entry: &Function) -> Result<JsValue, JsValue> {
        let raw = wasm_bindgen::exports();
        let sp = shim_stack_pointer(&raw);
        let suspends = self.shared.with(|s| s.ctx.can_suspend).unwrap_or(false);
        let outcome = if suspends {
            match promising(entry).call0(&JsValue::UNDEFINED) {
                Ok(promise) => JsFuture::from(js_sys::Promise::from(promise)).await,
                Err(e) => Err(e),
            }
        } else {
            entry.call0(&JsValue::UNDEFINED)
        };
        if self.shared.recover() && sp >= 0.0 {
            // A call was cut short inside the shim: its frames never popped
            // the shim's stack.
            set_shim_stack_pointer(&raw, sp);
        }
        outcome
    }

    /// How a call into the guest ended, as a run's termination.
    pub(crate) fn termination(&self, outcome: Result<JsValue, JsValue>) -> Termination {
        let ended = self.shared.with(|s| s.ended.clone()).flatten();
        match (ended, outcome) {
            (Some(Ended::Exit(code)), _) => Termination::Exit(code),
            (Some(Ended::Fault(thrown)), _) => Termination::Trap(format!(
                "browser-wasi: an output listener threw, so the run was ended: {}",
                error_message(&thrown)
            )),
            (None, Ok(_)) => Termination::Exit(0),
            (None, Err(e)) if self.shared.recover() => Termination::Trap(format!(
                "{} (the engine stopped the program inside a WASI call; the files are as that call left them)",
                error_message(&e)
            )),
            (None, Err(e)) => Termination::Trap(error_message(&e)),
        }
    }

    /// Ends the session: frees the dispatchers (the guest can no longer
    /// call them) and takes the run's output and files.
    pub(crate) fn finish(mut self, termination: Termination) -> Result<RunOutput, RunError> {
        // A dispatcher the engine cut short stays borrowed on the JS side
        // and cannot be freed: its adapters are retired, not pooled.
        let interrupted = self.shared.recover();
        self.borrowed.release(!interrupted);
        let state =
            self.shared.take().ok_or_else(|| RunError::Instantiate("the run is still in a call".into()))?;
        let (_, _, fs) = state.ctx.finish();
        let [stdout, stderr] = self.captures.each_ref().map(take_captured);
        Ok(RunOutput { termination, stdout, stderr, fs })
    }
}

/// A failed instantiation: a trap in the module's start function (or its
/// `proc_exit`) ends the run; anything else (a link error) is an error.
pub(crate) fn instantiate_failed(session: &Session, e: JsValue) -> Result<Termination, RunError> {
    session.shared.recover();
    let exited = session.shared.with(|s| s.ended.is_some()).unwrap_or(false);
    if exited || e.is_instance_of::<WebAssembly::RuntimeError>() {
        Ok(session.termination(Err(e)))
    } else {
        Err(RunError::Instantiate(error_message(&e)))
    }
}
