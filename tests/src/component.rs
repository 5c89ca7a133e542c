//! Runs wasip2 components natively: the component's [`Plan`] carried out
//! with wasmi as the core engine, its imports the preview2 host functions
//! on a [`WasiCtx`], values crossing through the canonical ABI. The same
//! plan, host and ABI a browser edge uses; only the engine differs.

use std::sync::Arc;

use browser_wasi::preview2::{self, Bindings, HostStop, Preview2};
use browser_wasi::syscalls::Stop;
use browser_wasi::{WasiConfig, WasiCtx};
use browser_wasi_component::abi::{flat_signature, CoreType, Direction};
use browser_wasi_component::handles::HandleTable;
use browser_wasi_component::plan::{plan, CoreItem, Options, Plan};
use browser_wasi_component::value::{self, Cx, Flat, Guest};
use browser_wasi_component::Trap;
use wasmi::{Caller, Engine, Extern, Func, FuncType, Instance, Memory, Module, Store, ValType};

use crate::native::NativeHost;
use crate::Outcome;

/// A component run's state in the wasmi store.
pub struct State {
    pub ctx: WasiCtx,
    pub p2: Preview2,
    pub handles: HandleTable,
    instances: Vec<Instance>,
}

fn core_type(t: CoreType) -> ValType {
    match t {
        CoreType::I32 => ValType::I32,
        CoreType::I64 => ValType::I64,
        CoreType::F32 => ValType::F32,
        CoreType::F64 => ValType::F64,
    }
}

fn to_flat(v: &wasmi::Val) -> Flat {
    match v {
        wasmi::Val::I32(i) => Flat::I32(*i),
        wasmi::Val::I64(i) => Flat::I64(*i),
        wasmi::Val::F32(f) => Flat::F32(f32::from(*f)),
        wasmi::Val::F64(f) => Flat::F64(f64::from(*f)),
        _ => Flat::I32(0),
    }
}

fn from_flat(f: Flat) -> wasmi::Val {
    match f {
        Flat::I32(i) => wasmi::Val::I32(i),
        Flat::I64(i) => wasmi::Val::I64(i),
        Flat::F32(f) => wasmi::Val::F32(f.into()),
        Flat::F64(f) => wasmi::Val::F64(f.into()),
    }
}

/// A core item of the plan, once its instance exists.
fn export(instances: &[Instance], store: impl wasmi::AsContext, item: &CoreItem) -> Option<Extern> {
    match item {
        CoreItem::Export { instance, name } => instances.get(*instance)?.get_export(store, name),
        _ => None,
    }
}

/// The guest side of one call: the memory and realloc its options name.
struct WasmiGuest<'a, 'c> {
    caller: &'a mut Caller<'c, State>,
    memory: Option<Memory>,
    realloc: Option<Func>,
}

impl<'a, 'c> WasmiGuest<'a, 'c> {
    fn new(caller: &'a mut Caller<'c, State>, options: &Options) -> Self {
        let instances = caller.data().instances.clone();
        let memory = options
            .memory
            .as_ref()
            .and_then(|m| export(&instances, &*caller, m))
            .and_then(Extern::into_memory);
        let realloc = options
            .realloc
            .as_ref()
            .and_then(|f| export(&instances, &*caller, f))
            .and_then(Extern::into_func);
        WasmiGuest { caller, memory, realloc }
    }
}

impl Guest for WasmiGuest<'_, '_> {
    fn memory_len(&self) -> u64 {
        self.memory.map_or(0, |m| m.data_size(&*self.caller) as u64)
    }
    fn read(&self, at: u32, out: &mut [u8]) {
        if let Some(m) = self.memory {
            out.copy_from_slice(&m.data(&*self.caller)[at as usize..at as usize + out.len()]);
        }
    }
    fn write(&mut self, at: u32, bytes: &[u8]) {
        if let Some(m) = self.memory {
            m.data_mut(&mut *self.caller)[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
        }
    }
    fn realloc(&mut self, old: u32, old_size: u32, align: u32, size: u32) -> Result<u32, Trap> {
        let f = self.realloc.ok_or_else(|| Trap("the function has no realloc option".into()))?;
        let args = [old, old_size, align, size].map(|v| wasmi::Val::I32(v as i32));
        let mut out = [wasmi::Val::I32(0)];
        f.call(&mut *self.caller, &args, &mut out).map_err(|e| Trap(format!("cabi_realloc trapped: {e}")))?;
        Ok(out[0].i32().unwrap_or(0) as u32)
    }
    fn handles(&mut self) -> &mut HandleTable {
        &mut self.caller.data_mut().handles
    }
}

fn host_error(s: HostStop) -> wasmi::Error {
    match s {
        HostStop::Stop(Stop::Exit(code)) => wasmi::Error::i32_exit(code as i32),
        HostStop::Stop(s) => wasmi::Error::new(format!("the host stopped: {s:?}")),
        HostStop::Trap(m) => wasmi::Error::new(m),
    }
}

fn trap_error(t: Trap) -> wasmi::Error {
    wasmi::Error::new(t.0)
}

/// The host function for lowered import `i`.
fn lowered_func(store: &mut Store<State>, plan: &Arc<Plan>, bindings: &Arc<Bindings>, i: usize) -> Func {
    let sig = flat_signature(&plan.lowered[i].ty, Direction::Lower);
    let ty =
        FuncType::new(sig.params.iter().map(|t| core_type(*t)), sig.results.iter().map(|t| core_type(*t)));
    let (plan, bindings) = (plan.clone(), bindings.clone());
    Func::new(store, ty, move |mut caller: Caller<'_, State>, params, results| {
        let sig = &sig;
        let lowered = &plan.lowered[i];
        let flat: Vec<Flat> = params.iter().map(to_flat).collect();
        let args = {
            let mut g = WasmiGuest::new(&mut caller, &lowered.options);
            value::lift_args(
                &mut Cx { guest: &mut g, encoding: lowered.options.encoding },
                &lowered.ty,
                sig,
                &flat,
            )
            .map_err(trap_error)?
        };
        let result = {
            let State { ctx, p2, .. } = caller.data_mut();
            p2.call(ctx, bindings.funcs[i], &args).map_err(host_error)?
        };
        let mut g = WasmiGuest::new(&mut caller, &lowered.options);
        let out = value::lower_result(
            &mut Cx { guest: &mut g, encoding: lowered.options.encoding },
            &lowered.ty,
            sig,
            result.as_ref(),
            &flat,
        )
        .map_err(trap_error)?;
        for (slot, v) in results.iter_mut().zip(out) {
            *slot = from_flat(v);
        }
        Ok(())
    })
}

/// `resource.drop` for resource type `rt`.
fn drop_func(store: &mut Store<State>, bindings: &Arc<Bindings>, rt: u32) -> Func {
    let bindings = bindings.clone();
    Func::wrap(store, move |mut caller: Caller<'_, State>, handle: i32| -> Result<(), wasmi::Error> {
        let State { ctx, p2, handles, .. } = caller.data_mut();
        if let Some(rep) = handles.drop_handle(handle as u32, rt).map_err(trap_error)? {
            let kind = Preview2::kind(&bindings, rt).ok_or_else(|| {
                wasmi::Error::new(format!("resource type {rt} is not one this host implements"))
            })?;
            p2.drop_resource(ctx, kind, rep).map_err(host_error)?;
        }
        Ok(())
    })
}

/// What a component run did, or why it could not start (a component this
/// host cannot run: the plan's or the binding's message).
pub fn run(bytes: &[u8], config: &WasiConfig) -> Result<Outcome, String> {
    let plan = Arc::new(plan(bytes).map_err(|e| e.to_string())?);
    let bindings = Arc::new(
        preview2::bind(&plan)
            .map_err(|missing| browser_wasi::module::ModuleError::UnsupportedImports(missing).to_string())?,
    );
    let run = plan.run().cloned().ok_or("the component exports no wasi:cli/run")?;
    let engine = Engine::default();
    let ctx = WasiCtx::new(config.clone(), Box::new(NativeHost::default())).map_err(|e| e.to_string())?;
    let mut store = Store::new(
        &engine,
        State { ctx, p2: Preview2::new(), handles: HandleTable::new(), instances: Vec::new() },
    );
    let ended = |e: wasmi::Error| match e.i32_exit_status() {
        Some(code) => (Some(code as u32), None),
        None => (None, Some(e.to_string())),
    };
    let outcome = 'run: {
        for inst in &plan.instances {
            let module =
                Module::new(&engine, &bytes[plan.modules[inst.module].clone()]).map_err(|e| e.to_string())?;
            let mut given = std::collections::HashMap::new();
            for imp in &inst.imports {
                let ext = match &imp.item {
                    CoreItem::Lowered(i) => Extern::Func(lowered_func(&mut store, &plan, &bindings, *i)),
                    CoreItem::ResourceDrop(rt) => Extern::Func(drop_func(&mut store, &bindings, *rt)),
                    item => {
                        let instances = store.data().instances.clone();
                        export(&instances, &store, item)
                            .ok_or(format!("{}::{} has nothing", imp.module, imp.name))?
                    }
                };
                given.insert((imp.module.as_str(), imp.name.as_str()), ext);
            }
            // In the order wasmi lists the module's imports (by kind).
            let imports: Vec<Extern> = module
                .imports()
                .map(|i| {
                    given.get(&(i.module(), i.name())).cloned().ok_or(format!(
                        "{}::{} is not given",
                        i.module(),
                        i.name()
                    ))
                })
                .collect::<Result<_, _>>()?;
            match Instance::new(&mut store, &module, &imports) {
                Ok(i) => store.data_mut().instances.push(i),
                Err(e) => break 'run ended(e),
            }
        }
        let instances = store.data().instances.clone();
        let func = export(&instances, &store, &run.func)
            .and_then(Extern::into_func)
            .ok_or("run is not a function")?;
        let mut out = [wasmi::Val::I32(0)];
        match func.call(&mut store, &[], &mut out) {
            // result<_, _>: 0 is ok.
            Ok(()) => (Some(if out[0].i32() == Some(0) { 0 } else { 1 }), None),
            Err(e) => ended(e),
        }
    };
    let ctx = store.into_data().ctx;
    let (stdout, stderr, fs) = ctx.finish();
    Ok(Outcome {
        exit: outcome.0,
        trap: outcome.1,
        stdout: stdout.to_vec(),
        stderr: stderr.to_vec(),
        fs: fs.trees(),
    })
}
