//! Running a wasip2 component (the `wasi:cli/command` world) in the
//! browser: the component's [`Plan`] carried out with the browser's
//! `WebAssembly` — each core module compiled, then instantiated in the
//! plan's order with its imports: other instances' exports, and host
//! functions that lift their arguments, call the preview2 host on the
//! run's [`WasiCtx`] and lower the result. Only with the `preview2`
//! feature (the component package), so a preview1 page carries none of it.
//!
//! A call that waits (a pollable's `block`, `poll`) suspends the guest
//! where the browser has JSPI, as a preview1 sleep does: the function is a
//! `WebAssembly.Suspending` one and `run` is entered through
//! `WebAssembly.promising`. Without JSPI it waits in place (`Atomics.wait`
//! in a cross-origin isolated worker, a spin elsewhere). Stdin is the
//! configuration's bytes.

use std::cell::RefCell;
use std::rc::Rc;

use browser_wasi_component::abi::{flat_signature, CoreType, Direction, FlatSignature};
use browser_wasi_component::handles::HandleTable;
use browser_wasi_component::plan::{plan, CoreItem, Lowered, Plan};
use browser_wasi_component::value::{self, Cx, Flat, Guest};
use browser_wasi_component::Trap;
use js_sys::{Array, Function, Object, Reflect, Uint8Array, WebAssembly};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::api::{RunError, RunOptions, RunOutput, Termination};
use super::capture::{take_captured, JsCapture};
use super::error_message;
use super::guest_memory::JsMemory;
use super::host::BrowserHost;
use crate::config::WasiConfig;
use crate::ctx::WasiCtx;
use crate::memory::GuestMemory;
use crate::module::ModuleError;
use crate::preview2::{self, Bindings, HostStop, Preview2};
use crate::stdio::Output;
use crate::syscalls::{Stop, Wait};

#[wasm_bindgen(module = "/js/imports.js")]
extern "C" {
    /// `(...args) => call(key, args)`: a host function for core wasm; a
    /// `WebAssembly.Suspending` one that waits when `call` says so, for a
    /// function that `waits`.
    fn component_function(call: &JsValue, key: u32, waits: bool) -> JsValue;
    /// `WebAssembly.promising(f)`.
    fn promising(f: &Function) -> Function;
}

/// How a run ended, when a host function ended it.
enum Ended {
    Exit(u32),
    Trap(String),
    Stopped,
}

/// A component run's state, which every host function reaches.
struct Run {
    ctx: WasiCtx,
    p2: Preview2,
    handles: HandleTable,
    /// Each core instance's exports, in the plan's order.
    instances: Vec<Object>,
    /// The memory and `cabi_realloc` each lowered function's options name,
    /// looked up on its first call (the instances exist by then) and kept:
    /// a call then costs no lookup.
    resolved: Vec<Option<Resolved>>,
    /// The memories those name, each wrapped once (a component has one,
    /// as a rule).
    memories: Vec<(CoreItem, JsMemory)>,
    ended: Option<Ended>,
    signal: Option<web_sys::AbortSignal>,
}

/// A lowered function's options, found, and its core signature.
#[derive(Clone)]
struct Resolved {
    /// An index into [`Run::memories`].
    memory: Option<usize>,
    realloc: Option<Function>,
    sig: Rc<FlatSignature>,
}

impl Run {
    fn export(&self, item: &Option<CoreItem>) -> Option<JsValue> {
        match item {
            Some(CoreItem::Export { instance, name }) => {
                self.instances.get(*instance).and_then(|e| Reflect::get(e, &name.into()).ok())
            }
            _ => None,
        }
    }

    /// What lowered function `i`'s options name.
    fn resolve(&mut self, i: usize, lowered: &Lowered) -> Resolved {
        let options = &lowered.options;
        if let Some(Some(r)) = self.resolved.get(i) {
            return r.clone();
        }
        let memory = options.memory.as_ref().and_then(|item| {
            if let Some(at) = self.memories.iter().position(|(m, _)| m == item) {
                return Some(at);
            }
            let memory: WebAssembly::Memory = self.export(&options.memory)?.dyn_into().ok()?;
            self.memories.push((item.clone(), JsMemory::new(&memory)));
            Some(self.memories.len() - 1)
        });
        let realloc = self.export(&options.realloc).and_then(|f| f.dyn_into().ok());
        let sig = Rc::new(flat_signature(&lowered.ty, Direction::Lower));
        let r = Resolved { memory, realloc, sig };
        if self.resolved.len() <= i {
            self.resolved.resize(i + 1, None);
        }
        self.resolved[i] = Some(r.clone());
        r
    }
}

/// The guest side of one call: the memory and `cabi_realloc` its options
/// name, and the component instance's handles.
struct JsGuest<'a> {
    memory: Option<&'a mut JsMemory>,
    realloc: Option<Function>,
    handles: &'a mut HandleTable,
}

impl<'a> JsGuest<'a> {
    fn new(r: &Resolved, memories: &'a mut [(CoreItem, JsMemory)], handles: &'a mut HandleTable) -> Self {
        let memory = r.memory.and_then(move |i| memories.get_mut(i)).map(|(_, m)| m);
        JsGuest { memory, realloc: r.realloc.clone(), handles }
    }
}

impl Guest for JsGuest<'_> {
    fn memory_len(&self) -> u64 {
        self.memory.as_ref().map_or(0, |m| m.size())
    }
    // Bounds were checked by the canonical ABI: these cannot fail.
    fn read(&self, at: u32, out: &mut [u8]) {
        if let Some(m) = &self.memory {
            let _ = m.read(at, out);
        }
    }
    fn write(&mut self, at: u32, bytes: &[u8]) {
        if let Some(m) = &mut self.memory {
            let _ = m.write(at, bytes);
        }
    }
    fn realloc(&mut self, old: u32, old_size: u32, align: u32, size: u32) -> Result<u32, Trap> {
        let f = self.realloc.as_ref().ok_or_else(|| Trap("the function has no realloc option".into()))?;
        let args = Array::of4(&old.into(), &old_size.into(), &align.into(), &size.into());
        let r = f
            .apply(&JsValue::NULL, &args)
            .map_err(|e| Trap(format!("cabi_realloc failed: {}", error_message(&e))))?;
        Ok(r.as_f64().unwrap_or(0.0) as i32 as u32)
    }
    fn handles(&mut self) -> &mut HandleTable {
        self.handles
    }
}

fn to_flat(v: &JsValue, t: CoreType) -> Flat {
    match t {
        CoreType::I32 => Flat::I32(v.as_f64().unwrap_or(0.0) as i32),
        CoreType::I64 => Flat::I64(js_sys::BigInt::from(v.clone()).try_into().unwrap_or(0)),
        CoreType::F32 => Flat::F32(v.as_f64().unwrap_or(0.0) as f32),
        CoreType::F64 => Flat::F64(v.as_f64().unwrap_or(0.0)),
    }
}

fn from_flat(f: Flat) -> JsValue {
    match f {
        Flat::I32(i) => i.into(),
        Flat::I64(i) => js_sys::BigInt::from(i).into(),
        Flat::F32(f) => f.into(),
        Flat::F64(f) => f.into(),
    }
}

/// What ends the run from inside a host function: recorded, then thrown
/// (the guest unwinds; [`run_component`] reads why).
fn end(run: &mut Run, ended: Ended) -> JsValue {
    let msg = match &ended {
        Ended::Exit(code) => format!("browser-wasi: exit {code}"),
        Ended::Trap(m) => m.clone(),
        Ended::Stopped => "browser-wasi: stopped".into(),
    };
    run.ended = Some(ended);
    js_sys::Error::new(&msg).into()
}

fn host_stop(run: &mut Run, s: HostStop) -> JsValue {
    match s {
        HostStop::Stop(Stop::Exit(code)) => end(run, Ended::Exit(code)),
        HostStop::Stop(Stop::Fault) => {
            end(run, Ended::Trap("browser-wasi: an output listener threw, so the run was ended".into()))
        }
        HostStop::Stop(s) => {
            end(run, Ended::Trap(format!("browser-wasi: a component call could not complete: {s:?}")))
        }
        HostStop::Trap(m) => end(run, Ended::Trap(m)),
    }
}

/// Carries out one host function: lowered import `key`, or `resource.drop`
/// of resource type `key - lowered`.
fn call(run: &mut Run, plan: &Plan, bindings: &Bindings, key: u32, args: &Array) -> Result<JsValue, JsValue> {
    if run.signal.as_ref().is_some_and(|s| s.aborted()) {
        return Err(end(run, Ended::Stopped));
    }
    let Run { ctx, p2, handles, .. } = &mut *run;
    let key = key as usize;
    let Some(lowered) = plan.lowered.get(key) else {
        let rt = (key - plan.lowered.len()) as u32;
        let h = args.get(0).as_f64().unwrap_or(0.0) as u32;
        let dropped = handles.drop_handle(h, rt);
        return match dropped {
            Err(t) => Err(end(run, Ended::Trap(t.0))),
            Ok(None) => Ok(JsValue::UNDEFINED),
            Ok(Some(rep)) => match Preview2::kind(bindings, rt) {
                Some(kind) => p2
                    .drop_resource(ctx, kind, rep)
                    .map(|()| JsValue::UNDEFINED)
                    .map_err(|s| host_stop(run, s)),
                None => {
                    Err(end(run, Ended::Trap(format!("resource type {rt} is not one this host implements"))))
                }
            },
        };
    };
    let resolved = run.resolve(key, lowered);
    let sig = &resolved.sig;
    let flat: Vec<Flat> =
        sig.params.iter().enumerate().map(|(i, t)| to_flat(&args.get(i as u32), *t)).collect();
    let encoding = lowered.options.encoding;
    let lifted = {
        let Run { handles, memories, .. } = &mut *run;
        let mut g = JsGuest::new(&resolved, memories, handles);
        value::lift_args(&mut Cx { guest: &mut g, encoding }, &lowered.ty, sig, &flat)
    };
    let args = lifted.map_err(|t| end(run, Ended::Trap(t.0)))?;
    let Run { ctx, p2, .. } = &mut *run;
    let result = match p2.call(ctx, bindings.funcs[key], &args) {
        Ok(r) => r,
        // Suspended (JSPI): component_function waits, then calls again
        // (the functions that wait take borrows only, so lifting their
        // arguments again changes nothing).
        Err(HostStop::Stop(Stop::Pending(Wait::Until(t)))) if ctx.can_suspend => {
            let ms = t.saturating_sub(ctx.host.monotonic_ns()) as f64 / 1e6;
            let wait = Object::new();
            let _ = Reflect::set(&wait, &"wait".into(), &ms.into());
            return Ok(wait.into());
        }
        Err(s) => return Err(host_stop(run, s)),
    };
    let lowered_result = {
        let Run { handles, memories, .. } = &mut *run;
        let mut g = JsGuest::new(&resolved, memories, handles);
        value::lower_result(
            &mut Cx { guest: &mut g, encoding },
            &lowered.ty,
            &resolved.sig,
            result.as_ref(),
            &flat,
        )
    };
    match lowered_result {
        Ok(out) => Ok(out.into_iter().next().map_or(JsValue::UNDEFINED, from_flat)),
        Err(t) => Err(end(run, Ended::Trap(t.0))),
    }
}

/// Whether `bytes` start as a component does (the layer field is 1).
pub fn is_component(bytes: &[u8]) -> bool {
    bytes.len() >= 8 && bytes[..4] == *b"\0asm" && bytes[6..8] == [1, 0]
}

/// Runs a `wasm32-wasip2` component of the `wasi:cli/command` world to
/// completion. A component that imports what the host lacks is refused as
/// a module is, [`ModuleError::UnsupportedImports`] naming each import
/// (`interface#function`); one that exports no `wasi:cli/run` or uses
/// what the component runtime does not support is [`RunError::Component`],
/// and so, for now, are interactive stdin and directory handles.
pub async fn run_component(
    bytes: &[u8],
    config: WasiConfig,
    options: RunOptions,
) -> Result<RunOutput, RunError> {
    let plan = Rc::new(plan(bytes).map_err(|e| RunError::Component(e.to_string()))?);
    // As for a module: the imports the shim lacks, each named.
    let bindings = Rc::new(
        preview2::bind(&plan)
            .map_err(|missing| RunError::Module(ModuleError::UnsupportedImports(missing)))?,
    );
    let entry = plan.run().cloned().ok_or_else(|| {
        RunError::Component("it exports no wasi:cli/run (it is not a wasi:cli/command component)".into())
    })?;
    if options.stdin.is_some() {
        return Err(RunError::Component("interactive stdin is not supported for components yet".into()));
    }
    if !options.directory_handles.is_empty() || config.preopens.iter().any(|p| p.in_store) {
        return Err(RunError::Component("directory handles are not supported for components yet".into()));
    }
    // Every core module compiles at once, in parallel, before any runs.
    let compiling: Vec<JsFuture> = plan
        .modules
        .iter()
        .map(|r| {
            let view = Uint8Array::from(&bytes[r.clone()]);
            JsFuture::from(WebAssembly::compile(&view.into()))
        })
        .collect();
    let mut modules = Vec::with_capacity(compiling.len());
    for c in compiling {
        modules.push(c.await.map_err(|e| RunError::Compile(error_message(&e)))?);
    }

    let limits = config.limits;
    super::guest_memory::ensure_shim_memory();
    let mut ctx = WasiCtx::new(config, Box::new(BrowserHost))?;
    let stdout = JsCapture::new(options.on_stdout, limits.stdout_bytes);
    let stderr = JsCapture::new(options.on_stderr, limits.stderr_bytes);
    let captures = [stdout.handle(), stderr.handle()];
    ctx.stdout = Output { listener: Some(Box::new(stdout)), ..Output::default() };
    ctx.stderr = Output { listener: Some(Box::new(stderr)), ..Output::default() };
    // With JSPI the calls that wait suspend the guest; without, they block.
    let suspending = super::run::jspi_available();
    ctx.can_suspend = suspending;
    let run = Rc::new(RefCell::new(Run {
        ctx,
        p2: Preview2::new(),
        handles: HandleTable::new(),
        instances: Vec::new(),
        resolved: Vec::new(),
        memories: Vec::new(),
        ended: None,
        signal: options.signal,
    }));

    let dispatch = {
        let (run, plan, bindings) = (run.clone(), plan.clone(), bindings.clone());
        Closure::<dyn FnMut(u32, Array) -> Result<JsValue, JsValue>>::new(move |key: u32, args: Array| {
            match run.try_borrow_mut() {
                Ok(mut r) => call(&mut r, &plan, &bindings, key, &args),
                Err(_) => {
                    Err(js_sys::Error::new("browser-wasi: a host function was called from inside another")
                        .into())
                }
            }
        })
    };
    let host_fns: Vec<JsValue> = (0..plan.lowered.len() + plan.resources.len())
        .map(|k| {
            let waits = suspending && bindings.funcs.get(k).is_some_and(|f| f.may_wait());
            component_function(dispatch.as_ref(), k as u32, waits)
        })
        .collect();

    let outcome = instantiate_and_run(&plan, &modules, &host_fns, &run, &entry, suspending).await;
    drop(dispatch);
    let run = Rc::try_unwrap(run)
        .map_err(|_| RunError::Instantiate("the run is still in a call".into()))?
        .into_inner();
    let termination = match (run.ended, outcome) {
        (Some(Ended::Exit(code)), _) => Termination::Exit(code),
        (Some(Ended::Trap(m)), _) => Termination::Trap(m),
        (Some(Ended::Stopped), _) => Termination::Stopped,
        (None, Ok(ok)) => Termination::Exit(if ok { 0 } else { 1 }),
        (None, Err(Ok(e))) => Termination::Trap(error_message(&e)),
        (None, Err(Err(e))) => return Err(e),
    };
    let (_, _, fs) = run.ctx.finish();
    let [stdout, stderr] = captures.each_ref().map(take_captured);
    Ok(RunOutput { termination, stdout, stderr, fs, threads: 0, store_error: None })
}

/// Makes the core instances and calls `run`: whether it returned `ok`, or
/// what was thrown (`Ok`: by the guest, a trap) or why it could not start
/// (`Err`: a link error).
async fn instantiate_and_run(
    plan: &Plan,
    modules: &[JsValue],
    host_fns: &[JsValue],
    run: &Rc<RefCell<Run>>,
    entry: &browser_wasi_component::plan::Lifted,
    suspending: bool,
) -> Result<bool, Result<JsValue, RunError>> {
    let export = |item: &CoreItem| -> JsValue {
        match item {
            CoreItem::Export { instance, name } => run
                .borrow()
                .instances
                .get(*instance)
                .and_then(|e| Reflect::get(e, &name.into()).ok())
                .unwrap_or(JsValue::UNDEFINED),
            CoreItem::Lowered(i) => host_fns[*i].clone(),
            CoreItem::ResourceDrop(rt) => host_fns[plan.lowered.len() + *rt as usize].clone(),
        }
    };
    for inst in &plan.instances {
        let imports = Object::new();
        for imp in &inst.imports {
            let module = Reflect::get(&imports, &imp.module.as_str().into()).ok().filter(|m| m.is_object());
            let module = module.unwrap_or_else(|| {
                let m: JsValue = Object::new().into();
                let _ = Reflect::set(&imports, &imp.module.as_str().into(), &m);
                m
            });
            let _ = Reflect::set(&module, &imp.name.as_str().into(), &export(&imp.item));
        }
        let module: &WebAssembly::Module = modules[inst.module].unchecked_ref();
        let instance =
            JsFuture::from(WebAssembly::instantiate_module(module, &imports)).await.map_err(|e| {
                if e.is_instance_of::<WebAssembly::LinkError>() {
                    Err(RunError::Instantiate(error_message(&e)))
                } else {
                    Ok(e)
                }
            })?;
        let exports = Reflect::get(&instance, &"exports".into()).unwrap_or_default();
        run.borrow_mut().instances.push(exports.unchecked_into());
    }
    let func: Function = export(&entry.func)
        .dyn_into()
        .map_err(|_| Err(RunError::Instantiate("run is not a function".into())))?;
    let r = if suspending {
        let promise = promising(&func).call0(&JsValue::NULL).map_err(Ok)?;
        JsFuture::from(js_sys::Promise::from(promise)).await.map_err(Ok)?
    } else {
        func.call0(&JsValue::NULL).map_err(Ok)?
    };
    if let Some(post) =
        entry.options.post_return.as_ref().map(export).and_then(|f| f.dyn_into::<Function>().ok())
    {
        post.call1(&JsValue::NULL, &r).map_err(Ok)?;
    }
    // result<_, _>: 0 is ok.
    Ok(r.as_f64() == Some(0.0))
}
