//! A component's instance graph, read from its bytes and flattened into a
//! [`Plan`]: the core modules to instantiate, in order, each import of each
//! one resolved to another instance's export, a host function (a `canon
//! lower`ed import, with its type and options) or a `resource.drop`; and
//! the lifted `run` export to call. An edge carries the plan out with the
//! engine it has (wasmi natively, the browser's `WebAssembly`), so how a
//! component is put together is decided once, here, and tested natively.
//!
//! The component is validated first (wasmparser, component model on), so
//! the walk below only meets well-formed indices. What it does not support
//! — async or GC canonical options, `resource.new` for a guest's own
//! resources, values, start functions, lowering a lifted function — is a
//! [`PlanError`] that names it, never a wrong plan.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;

use wasmparser::component_types::{
    ComponentAnyTypeId, ComponentDefinedType, ComponentEntityType, ComponentFuncTypeId, ComponentValType,
    ResourceId,
};
use wasmparser::{
    CanonicalFunction, CanonicalOption, ComponentAlias, ComponentExternalKind, ComponentInstance,
    ComponentOuterAliasKind, ComponentTypeRef, ExternalKind, Instance, Parser, Payload, PrimitiveValType,
    TypeRef, Validator, WasmFeatures,
};

use crate::types::{FuncType, ResourceType, Type};
use crate::value::StringEncoding;

/// Why a component cannot be planned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PlanError {
    /// The bytes are not a valid component (wasmparser's message).
    Invalid(String),
    /// It uses a part of the component model this runtime does not.
    Unsupported(String),
}

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanError::Invalid(m) => write!(f, "not a valid component: {m}"),
            PlanError::Unsupported(m) => {
                write!(f, "this component uses {m}, which browser-wasi does not support")
            }
        }
    }
}

impl std::error::Error for PlanError {}

fn unsupported<T>(what: impl Into<String>) -> Result<T, PlanError> {
    Err(PlanError::Unsupported(what.into()))
}

/// A core item (function, memory, table, global) an instance's import is
/// given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoreItem {
    /// An export of the core instance made by [`Plan::instances`]`[instance]`.
    Export { instance: usize, name: String },
    /// The host function for [`Plan::lowered`]`[i]`.
    Lowered(usize),
    /// `resource.drop` for handles of this resource type.
    ResourceDrop(ResourceType),
}

/// One import of a core module, resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreImport {
    pub module: String,
    pub name: String,
    pub item: CoreItem,
}

/// A core instance to make: a module and what each of its imports is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoreInstantiation {
    /// An index into [`Plan::modules`].
    pub module: usize,
    pub imports: Vec<CoreImport>,
}

/// `canon` options: where strings and lists live and how they are encoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    pub encoding: StringEncoding,
    pub memory: Option<CoreItem>,
    pub realloc: Option<CoreItem>,
    pub post_return: Option<CoreItem>,
}

/// A host function a core instance calls: an imported component function,
/// lowered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lowered {
    /// The imported instance, as named (`wasi:cli/stdout@0.2.0`); empty for
    /// a function the component imports on its own.
    pub interface: String,
    /// The function's name in it (`get-stdout`, `[method]descriptor.stat`).
    pub func: String,
    pub ty: FuncType,
    pub options: Options,
}

/// A guest function the host calls: a core function, lifted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lifted {
    pub func: CoreItem,
    pub ty: FuncType,
    pub options: Options,
}

/// A resource type the component imports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resource {
    /// The instance it comes from (`wasi:io/streams@0.2.0`).
    pub interface: String,
    /// Its name there (`output-stream`).
    pub name: String,
}

/// How to instantiate a component and run it.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// The core modules' bytes, as ranges of the component's bytes.
    pub modules: Vec<Range<usize>>,
    /// The core instances, in the order they must be made.
    pub instances: Vec<CoreInstantiation>,
    /// The host functions the instances import.
    pub lowered: Vec<Lowered>,
    /// The resource types the component imports, by [`ResourceType`].
    pub resources: Vec<Resource>,
    /// The component's imports, by name, in order.
    pub imports: Vec<String>,
    /// The component's exports, by name, in order.
    pub exports: Vec<String>,
    /// Its exported functions, by instance name and function name
    /// (`("wasi:cli/run@0.2.0", "run")`; `""` for a function exported on
    /// its own).
    pub functions: Vec<(String, String, Lifted)>,
}

impl Plan {
    /// The exported function `func` of the exported instance whose name,
    /// without its `@version`, is `interface` (`wasi:cli/run`, `run`).
    pub fn export(&self, interface: &str, func: &str) -> Option<&Lifted> {
        self.functions.iter().find(|(i, f, _)| unversioned(i) == interface && f == func).map(|(_, _, l)| l)
    }

    /// The `wasi:cli/command` world's entry point, if it exports one.
    pub fn run(&self) -> Option<&Lifted> {
        self.export("wasi:cli/run", "run")
    }

    /// The resource type named `name` in the imported instance `interface`
    /// (without its version), if the component uses it.
    pub fn resource(&self, interface: &str, name: &str) -> Option<ResourceType> {
        self.resources
            .iter()
            .position(|r| unversioned(&r.interface) == interface && r.name == name)
            .map(|i| i as ResourceType)
    }
}

/// An interface name without its `@version`.
pub fn unversioned(name: &str) -> &str {
    name.split_once('@').map_or(name, |(n, _)| n)
}

/// Nesting the walk follows at most (components in components).
const MAX_DEPTH: usize = 16;

// ---- the parsed component ----

enum Def<'a> {
    Module(Range<usize>),
    Component(ComponentIr<'a>),
    CoreInstance(Instance<'a>),
    Alias(ComponentAlias<'a>),
    Canon(CanonicalFunction),
    Import(&'a str, ComponentTypeRef),
    Export(&'a str, ComponentExternalKind, u32),
    Instance(ComponentInstance<'a>),
    Type,
}

#[derive(Default)]
struct ComponentIr<'a> {
    defs: Vec<Def<'a>>,
}

fn parse(bytes: &[u8]) -> Result<ComponentIr<'_>, PlanError> {
    let invalid = |e: wasmparser::BinaryReaderError| PlanError::Invalid(e.to_string());
    // The components being read, innermost last; a module's payloads are
    // skipped by counting its depth.
    let mut stack: Vec<ComponentIr> = Vec::new();
    let mut in_module = 0usize;
    for payload in Parser::new(0).parse_all(bytes) {
        let payload = payload.map_err(invalid)?;
        if in_module > 0 {
            match payload {
                Payload::ModuleSection { .. } => in_module += 1,
                Payload::End(_) => in_module -= 1,
                _ => {}
            }
            continue;
        }
        match payload {
            Payload::Version { encoding: wasmparser::Encoding::Component, .. } => {
                if stack.len() >= MAX_DEPTH {
                    return unsupported(format!("components nested deeper than {MAX_DEPTH}"));
                }
                stack.push(ComponentIr::default());
            }
            Payload::Version { .. } => {
                return Err(PlanError::Invalid("a core module, not a component".into()))
            }
            Payload::ModuleSection { unchecked_range, .. } => {
                in_module = 1;
                top(&mut stack)?
                    .defs
                    .push(Def::Module(unchecked_range.start as usize..unchecked_range.end as usize));
            }
            Payload::ComponentSection { .. } => {}
            Payload::InstanceSection(r) => {
                for i in r {
                    top(&mut stack)?.defs.push(Def::CoreInstance(i.map_err(invalid)?));
                }
            }
            Payload::ComponentInstanceSection(r) => {
                for i in r {
                    top(&mut stack)?.defs.push(Def::Instance(i.map_err(invalid)?));
                }
            }
            Payload::ComponentAliasSection(r) => {
                for a in r {
                    top(&mut stack)?.defs.push(Def::Alias(a.map_err(invalid)?));
                }
            }
            Payload::ComponentCanonicalSection(r) => {
                for c in r {
                    top(&mut stack)?.defs.push(Def::Canon(c.map_err(invalid)?));
                }
            }
            Payload::ComponentImportSection(r) => {
                for i in r {
                    let i = i.map_err(invalid)?;
                    top(&mut stack)?.defs.push(Def::Import(i.name.name, i.ty));
                }
            }
            Payload::ComponentExportSection(r) => {
                for e in r {
                    let e = e.map_err(invalid)?;
                    top(&mut stack)?.defs.push(Def::Export(e.name.name, e.kind, e.index));
                }
            }
            Payload::ComponentTypeSection(r) => {
                for _ in 0..r.count() {
                    top(&mut stack)?.defs.push(Def::Type);
                }
            }
            Payload::ComponentStartSection { .. } => return unsupported("a start function"),
            Payload::End(_) => {
                let done = stack.pop().ok_or_else(|| PlanError::Invalid("an unmatched end".into()))?;
                match stack.last_mut() {
                    Some(outer) => outer.defs.push(Def::Component(done)),
                    None => return Ok(done),
                }
            }
            // Core types, custom sections: nothing to instantiate.
            _ => {}
        }
    }
    Err(PlanError::Invalid("the component ends early".into()))
}

fn top<'s, 'a>(stack: &'s mut [ComponentIr<'a>]) -> Result<&'s mut ComponentIr<'a>, PlanError> {
    stack.last_mut().ok_or_else(|| PlanError::Invalid("a section outside a component".into()))
}

// ---- evaluating it into a plan ----

/// A component function, as the walk knows it.
#[derive(Clone)]
enum Func {
    /// A function of an imported instance (or imported on its own).
    Import { interface: String, name: String },
    /// An index into the lifted functions.
    Lifted(usize),
}

/// A component instance, as the walk knows it.
#[derive(Clone)]
enum Inst {
    Import(String),
    Bag(HashMap<String, Item>),
}

#[derive(Clone)]
enum Item {
    Func(Func),
    Instance(Inst),
    /// A type, a component, a module: nothing the plan needs from an
    /// instance's exports.
    Other,
}

#[derive(Clone)]
enum CoreInst {
    /// An index into [`Plan::instances`].
    Made(usize),
    Bag(HashMap<String, CoreItem>),
}

impl CoreInst {
    fn export(&self, name: &str) -> Option<CoreItem> {
        match self {
            CoreInst::Made(i) => Some(CoreItem::Export { instance: *i, name: name.to_string() }),
            CoreInst::Bag(b) => b.get(name).cloned(),
        }
    }
}

/// One component's index spaces while it is evaluated.
#[derive(Default)]
struct Scope<'ir, 'a> {
    core_funcs: Vec<CoreItem>,
    core_memories: Vec<CoreItem>,
    core_tables: Vec<CoreItem>,
    core_globals: Vec<CoreItem>,
    core_instances: Vec<CoreInst>,
    modules: Vec<usize>,
    funcs: Vec<Func>,
    instances: Vec<Inst>,
    components: Vec<&'ir ComponentIr<'a>>,
    types: u32,
}

struct Builder<'b> {
    bytes: &'b [u8],
    plan: Plan,
    lifted: Vec<Lifted>,
    module_imports: HashMap<usize, Vec<(String, String, ExternalKind)>>,
    types: &'b wasmparser::types::Types,
    resource_ids: HashMap<ResourceId, ResourceType>,
}

/// Validates the component, all but its core functions' bodies (the
/// engine that compiles each core module validates those, and leaving
/// them out keeps wasmparser's operator validator out of the package):
/// its types, for the plan to read.
fn validate(bytes: &[u8]) -> Result<wasmparser::types::Types, PlanError> {
    let invalid = |e: wasmparser::BinaryReaderError| PlanError::Invalid(e.to_string());
    let features = WasmFeatures::default() | WasmFeatures::COMPONENT_MODEL;
    let mut validator = Validator::new_with_features(features);
    let mut last = None;
    for payload in Parser::new(0).parse_all(bytes) {
        if let wasmparser::ValidPayload::End(types) =
            validator.payload(&payload.map_err(invalid)?).map_err(invalid)?
        {
            last = Some(types);
        }
    }
    last.ok_or_else(|| PlanError::Invalid("the component ends early".into()))
}

/// Reads `bytes`, a component, into the plan that runs it.
pub fn plan(bytes: &[u8]) -> Result<Plan, PlanError> {
    let types = validate(bytes)?;
    let ir = parse(bytes)?;
    let mut b = Builder {
        bytes,
        plan: Plan::default(),
        lifted: Vec::new(),
        module_imports: HashMap::new(),
        types: &types,
        resource_ids: HashMap::new(),
    };
    b.name_resources(&ir)?;
    let exports = b.eval(&ir, HashMap::new(), 0)?;
    for (name, item) in &exports {
        match item {
            Item::Instance(Inst::Bag(funcs)) => {
                for (fname, f) in funcs {
                    if let Item::Func(Func::Lifted(i)) = f {
                        b.plan.functions.push((name.clone(), fname.clone(), b.lifted[*i].clone()));
                    }
                }
            }
            Item::Func(Func::Lifted(i)) => {
                b.plan.functions.push((String::new(), name.clone(), b.lifted[*i].clone()))
            }
            _ => {}
        }
    }
    b.plan.functions.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    Ok(b.plan)
}

impl<'b> Builder<'b> {
    /// Numbers the resource types the component's imported instances
    /// export, so that a handle's type says which resource it is.
    fn name_resources(&mut self, ir: &ComponentIr) -> Result<(), PlanError> {
        let types = self.types.as_ref();
        let names = ir.defs.iter().filter_map(|d| match d {
            Def::Import(name, _) => Some(*name),
            _ => None,
        });
        for name in names {
            let Some(item) = types.component_item_for_import(name) else { continue };
            let ComponentEntityType::Instance(id) = item.ty else { continue };
            for (export, e) in &types[id].exports {
                if let ComponentEntityType::Type { referenced: ComponentAnyTypeId::Resource(r), .. } = e.ty {
                    let rt = self.plan.resources.len() as ResourceType;
                    self.resource_ids.entry(r.resource()).or_insert(rt);
                    if self.resource_ids[&r.resource()] == rt {
                        self.plan
                            .resources
                            .push(Resource { interface: name.to_string(), name: export.clone() });
                    }
                }
            }
        }
        Ok(())
    }

    fn eval<'ir, 'a>(
        &mut self,
        ir: &'ir ComponentIr<'a>,
        mut args: HashMap<String, Item>,
        depth: usize,
    ) -> Result<Vec<(String, Item)>, PlanError> {
        let top = depth == 0;
        let mut s = Scope::<'ir, 'a>::default();
        let mut exports = Vec::new();
        for def in &ir.defs {
            match def {
                Def::Module(range) => {
                    self.plan.modules.push(range.clone());
                    s.modules.push(self.plan.modules.len() - 1);
                }
                Def::Component(c) => s.components.push(c),
                Def::Type => s.types += 1,
                Def::Import(name, ty) => {
                    if top {
                        self.plan.imports.push(name.to_string());
                    }
                    let given = args.remove(*name);
                    match ty {
                        ComponentTypeRef::Instance(_) => s.instances.push(match given {
                            Some(Item::Instance(i)) => i,
                            _ if top => Inst::Import(name.to_string()),
                            _ => return unsupported(format!("an instance import {name} given no instance")),
                        }),
                        ComponentTypeRef::Func(_) => s.funcs.push(match given {
                            Some(Item::Func(f)) => f,
                            _ if top => Func::Import { interface: String::new(), name: name.to_string() },
                            _ => return unsupported(format!("a function import {name} given no function")),
                        }),
                        ComponentTypeRef::Type(_) => s.types += 1,
                        ComponentTypeRef::Module(_) => return unsupported("an imported core module"),
                        ComponentTypeRef::Component(_) => return unsupported("an imported component"),
                        ComponentTypeRef::Value(_) => return unsupported("an imported value"),
                    }
                }
                Def::Export(name, kind, index) => {
                    let item = match kind {
                        ComponentExternalKind::Func => {
                            let f = s.funcs[*index as usize].clone();
                            s.funcs.push(f.clone());
                            Item::Func(f)
                        }
                        ComponentExternalKind::Instance => {
                            let i = s.instances[*index as usize].clone();
                            s.instances.push(i.clone());
                            Item::Instance(i)
                        }
                        ComponentExternalKind::Type => {
                            s.types += 1;
                            Item::Other
                        }
                        ComponentExternalKind::Component => {
                            s.components.push(s.components[*index as usize]);
                            Item::Other
                        }
                        ComponentExternalKind::Module => {
                            s.modules.push(s.modules[*index as usize]);
                            Item::Other
                        }
                        ComponentExternalKind::Value => return unsupported("an exported value"),
                    };
                    if top {
                        self.plan.exports.push(name.to_string());
                    }
                    exports.push((name.to_string(), item));
                }
                Def::Alias(a) => self.alias(&mut s, a)?,
                Def::CoreInstance(i) => {
                    let made = match i {
                        Instance::Instantiate { module_index, args } => {
                            let module = s.modules[*module_index as usize];
                            let by_name: HashMap<&str, &CoreInst> =
                                args.iter().map(|a| (a.name, &s.core_instances[a.index as usize])).collect();
                            let mut imports = Vec::new();
                            for (m, n, _) in self.module_imports(module)? {
                                let item =
                                    by_name.get(m.as_str()).and_then(|i| i.export(&n)).ok_or_else(|| {
                                        PlanError::Invalid(format!("core import {m}::{n} is given nothing"))
                                    })?;
                                imports.push(CoreImport { module: m, name: n, item });
                            }
                            self.plan.instances.push(CoreInstantiation { module, imports });
                            CoreInst::Made(self.plan.instances.len() - 1)
                        }
                        Instance::FromExports(list) => {
                            let mut bag = HashMap::new();
                            for e in list.iter() {
                                let space = match e.kind {
                                    ExternalKind::Func | ExternalKind::FuncExact => &s.core_funcs,
                                    ExternalKind::Memory => &s.core_memories,
                                    ExternalKind::Table => &s.core_tables,
                                    ExternalKind::Global => &s.core_globals,
                                    ExternalKind::Tag => return unsupported("core tags"),
                                };
                                bag.insert(e.name.to_string(), space[e.index as usize].clone());
                            }
                            CoreInst::Bag(bag)
                        }
                    };
                    s.core_instances.push(made);
                }
                Def::Instance(i) => {
                    let made = match i {
                        ComponentInstance::Instantiate { component_index, args } => {
                            let mut given = HashMap::new();
                            for a in args.iter() {
                                given.insert(a.name.to_string(), item_of(&s, a.kind, a.index)?);
                            }
                            let inner = s.components[*component_index as usize];
                            if depth + 1 >= MAX_DEPTH {
                                return unsupported(format!("components nested deeper than {MAX_DEPTH}"));
                            }
                            Inst::Bag(self.eval(inner, given, depth + 1)?.into_iter().collect())
                        }
                        ComponentInstance::FromExports(list) => {
                            let mut bag = HashMap::new();
                            for e in list.iter() {
                                bag.insert(e.name.name.to_string(), item_of(&s, e.kind, e.index)?);
                            }
                            Inst::Bag(bag)
                        }
                    };
                    s.instances.push(made);
                }
                Def::Canon(c) => {
                    if !top {
                        return unsupported("canonical functions in a nested component");
                    }
                    self.canon(&mut s, c)?;
                }
            }
        }
        Ok(exports)
    }

    fn alias(&mut self, s: &mut Scope, a: &ComponentAlias) -> Result<(), PlanError> {
        match a {
            ComponentAlias::CoreInstanceExport { kind, instance_index, name } => {
                let item = s.core_instances[*instance_index as usize].export(name).ok_or_else(|| {
                    PlanError::Invalid(format!("core instance {instance_index} has no export {name}"))
                })?;
                match kind {
                    ExternalKind::Func | ExternalKind::FuncExact => s.core_funcs.push(item),
                    ExternalKind::Memory => s.core_memories.push(item),
                    ExternalKind::Table => s.core_tables.push(item),
                    ExternalKind::Global => s.core_globals.push(item),
                    ExternalKind::Tag => return unsupported("core tags"),
                }
            }
            ComponentAlias::InstanceExport { kind, instance_index, name } => {
                let from = &s.instances[*instance_index as usize];
                let item = match from {
                    Inst::Import(iface) => match kind {
                        ComponentExternalKind::Func => {
                            Item::Func(Func::Import { interface: iface.clone(), name: name.to_string() })
                        }
                        ComponentExternalKind::Type => Item::Other,
                        _ => return unsupported(format!("a {kind:?} exported by an imported instance")),
                    },
                    Inst::Bag(b) => b.get(*name).cloned().ok_or_else(|| {
                        PlanError::Invalid(format!("instance {instance_index} has no export {name}"))
                    })?,
                };
                match (kind, item) {
                    (ComponentExternalKind::Func, Item::Func(f)) => s.funcs.push(f),
                    (ComponentExternalKind::Instance, Item::Instance(i)) => s.instances.push(i),
                    (ComponentExternalKind::Type, _) => s.types += 1,
                    (k, _) => return unsupported(format!("an alias of a {k:?}")),
                }
            }
            ComponentAlias::Outer { kind, .. } => match kind {
                ComponentOuterAliasKind::Type | ComponentOuterAliasKind::CoreType => {
                    if *kind == ComponentOuterAliasKind::Type {
                        s.types += 1;
                    }
                }
                _ => return unsupported("an outer alias of a module or component"),
            },
        }
        Ok(())
    }

    fn canon(&mut self, s: &mut Scope, c: &CanonicalFunction) -> Result<(), PlanError> {
        match c {
            CanonicalFunction::Lower { func_index, options } => {
                let Func::Import { interface, name } = s.funcs[*func_index as usize].clone() else {
                    return unsupported("lowering a function the component itself lifts");
                };
                let ty = self.func_type(self.types.as_ref().component_function_at(*func_index))?;
                let options = options_of(s, options)?;
                self.plan.lowered.push(Lowered { interface, func: name, ty, options });
                s.core_funcs.push(CoreItem::Lowered(self.plan.lowered.len() - 1));
            }
            CanonicalFunction::Lift { core_func_index, options, .. } => {
                let index = s.funcs.len() as u32;
                let ty = self.func_type(self.types.as_ref().component_function_at(index))?;
                let options = options_of(s, options)?;
                let func = s.core_funcs[*core_func_index as usize].clone();
                self.lifted.push(Lifted { func, ty, options });
                s.funcs.push(Func::Lifted(self.lifted.len() - 1));
            }
            CanonicalFunction::ResourceDrop { resource } => {
                let rt = self.resource_at(*resource)?;
                s.core_funcs.push(CoreItem::ResourceDrop(rt));
            }
            CanonicalFunction::ResourceNew { .. } | CanonicalFunction::ResourceRep { .. } => {
                return unsupported("resources of its own (resource.new / resource.rep)")
            }
            other => return unsupported(format!("the canonical built-in {other:?}")),
        }
        Ok(())
    }

    fn resource_at(&self, type_index: u32) -> Result<ResourceType, PlanError> {
        match self.types.as_ref().component_any_type_at(type_index) {
            ComponentAnyTypeId::Resource(r) => self
                .resource_ids
                .get(&r.resource())
                .copied()
                .ok_or_else(|| PlanError::Unsupported("a resource type it defines itself".into())),
            _ => Err(PlanError::Invalid(format!("type {type_index} is not a resource"))),
        }
    }

    fn module_imports(&mut self, module: usize) -> Result<Vec<(String, String, ExternalKind)>, PlanError> {
        if let Some(i) = self.module_imports.get(&module) {
            return Ok(i.clone());
        }
        let bytes = &self.bytes[self.plan.modules[module].clone()];
        let mut out = Vec::new();
        for payload in Parser::new(0).parse_all(bytes) {
            if let Payload::ImportSection(r) = payload.map_err(|e| PlanError::Invalid(e.to_string()))? {
                for imp in r.into_imports() {
                    let imp = imp.map_err(|e| PlanError::Invalid(e.to_string()))?;
                    let kind = match imp.ty {
                        TypeRef::Func(_) | TypeRef::FuncExact(_) => ExternalKind::Func,
                        TypeRef::Memory(_) => ExternalKind::Memory,
                        TypeRef::Table(_) => ExternalKind::Table,
                        TypeRef::Global(_) => ExternalKind::Global,
                        TypeRef::Tag(_) => ExternalKind::Tag,
                    };
                    out.push((imp.module.to_string(), imp.name.to_string(), kind));
                }
            }
        }
        self.module_imports.insert(module, out.clone());
        Ok(out)
    }

    fn func_type(&self, id: ComponentFuncTypeId) -> Result<FuncType, PlanError> {
        let f = &self.types[id];
        if f.async_ {
            return unsupported("an async function");
        }
        let mut params = Vec::new();
        for (name, t) in f.params.iter() {
            params.push((name.to_string(), self.val_type(t)?));
        }
        let result = f.result.as_ref().map(|t| self.val_type(t)).transpose()?;
        Ok(FuncType { params, result })
    }

    fn val_type(&self, t: &ComponentValType) -> Result<Type, PlanError> {
        let id = match t {
            ComponentValType::Primitive(p) => return primitive(*p),
            ComponentValType::Type(id) => *id,
        };
        let boxed = |t: &ComponentValType| self.val_type(t).map(Box::new);
        Ok(match &self.types[id] {
            ComponentDefinedType::Primitive(p) => primitive(*p)?,
            ComponentDefinedType::Record(r) => Type::Record(
                r.fields
                    .iter()
                    .map(|(n, t)| Ok((n.to_string(), self.val_type(t)?)))
                    .collect::<Result<_, PlanError>>()?,
            ),
            ComponentDefinedType::Variant(v) => Type::Variant(
                v.cases
                    .iter()
                    .map(|(n, c)| Ok((n.to_string(), c.ty.as_ref().map(|t| self.val_type(t)).transpose()?)))
                    .collect::<Result<_, PlanError>>()?,
            ),
            ComponentDefinedType::List { element, .. } => Type::List(boxed(element)?),
            ComponentDefinedType::Tuple(t) => {
                Type::Tuple(t.types.iter().map(|t| self.val_type(t)).collect::<Result<_, _>>()?)
            }
            ComponentDefinedType::Flags(names) => Type::Flags(names.iter().map(|n| n.to_string()).collect()),
            ComponentDefinedType::Enum(names) => Type::Enum(names.iter().map(|n| n.to_string()).collect()),
            ComponentDefinedType::Option { ty, .. } => Type::Option(boxed(ty)?),
            ComponentDefinedType::Result { ok, err, .. } => Type::Result {
                ok: ok.as_ref().map(boxed).transpose()?,
                err: err.as_ref().map(boxed).transpose()?,
            },
            ComponentDefinedType::Own(r) => Type::Own(self.resource_of(r.resource())?),
            ComponentDefinedType::Borrow(r) => Type::Borrow(self.resource_of(r.resource())?),
            other => return unsupported(format!("the value type {}", defined_kind(other))),
        })
    }

    fn resource_of(&self, r: ResourceId) -> Result<ResourceType, PlanError> {
        self.resource_ids
            .get(&r)
            .copied()
            .ok_or_else(|| PlanError::Unsupported("a resource type it defines itself".into()))
    }
}

fn defined_kind(t: &ComponentDefinedType) -> &'static str {
    match t {
        ComponentDefinedType::Map { .. } => "map",
        ComponentDefinedType::FixedLengthList { .. } => "fixed-length list",
        ComponentDefinedType::Future { .. } => "future",
        ComponentDefinedType::Stream { .. } => "stream",
        _ => "other",
    }
}

fn primitive(p: PrimitiveValType) -> Result<Type, PlanError> {
    Ok(match p {
        PrimitiveValType::Bool => Type::Bool,
        PrimitiveValType::S8 => Type::S8,
        PrimitiveValType::U8 => Type::U8,
        PrimitiveValType::S16 => Type::S16,
        PrimitiveValType::U16 => Type::U16,
        PrimitiveValType::S32 => Type::S32,
        PrimitiveValType::U32 => Type::U32,
        PrimitiveValType::S64 => Type::S64,
        PrimitiveValType::U64 => Type::U64,
        PrimitiveValType::F32 => Type::F32,
        PrimitiveValType::F64 => Type::F64,
        PrimitiveValType::Char => Type::Char,
        PrimitiveValType::String => Type::String,
        PrimitiveValType::ErrorContext => return unsupported("error-context values"),
    })
}

fn item_of(s: &Scope, kind: ComponentExternalKind, index: u32) -> Result<Item, PlanError> {
    Ok(match kind {
        ComponentExternalKind::Func => Item::Func(s.funcs[index as usize].clone()),
        ComponentExternalKind::Instance => Item::Instance(s.instances[index as usize].clone()),
        ComponentExternalKind::Value => return unsupported("values"),
        _ => Item::Other,
    })
}

fn options_of(s: &Scope, options: &[CanonicalOption]) -> Result<Options, PlanError> {
    let mut o = Options::default();
    for opt in options {
        match opt {
            CanonicalOption::UTF8 => o.encoding = StringEncoding::Utf8,
            CanonicalOption::UTF16 => o.encoding = StringEncoding::Utf16,
            CanonicalOption::CompactUTF16 => o.encoding = StringEncoding::Latin1Utf16,
            CanonicalOption::Memory(i) => o.memory = Some(s.core_memories[*i as usize].clone()),
            CanonicalOption::Realloc(i) => o.realloc = Some(s.core_funcs[*i as usize].clone()),
            CanonicalOption::PostReturn(i) => o.post_return = Some(s.core_funcs[*i as usize].clone()),
            CanonicalOption::Async | CanonicalOption::Callback(_) => {
                return unsupported("the async canonical ABI")
            }
            CanonicalOption::Gc | CanonicalOption::CoreType(_) => return unsupported("the GC canonical ABI"),
        }
    }
    Ok(o)
}

#[cfg(test)]
mod tests;
