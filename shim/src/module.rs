//! Inspecting a module before it is instantiated, so that a wrong file gets
//! an error that says what is wrong instead of a bare `LinkError`.

use core::fmt;

use wasmparser::{ExternalKind, Parser, Payload, TypeRef};

use crate::abi::Flavor;
use crate::syscalls::{self, ValType};

/// One function a module imports from a WASI module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WasiImport {
    /// `wasi_snapshot_preview1` or `wasi_unstable`.
    pub module: String,
    pub name: String,
    /// False when the shim has no such function or the signature differs.
    pub supported: bool,
}

/// What a module needs and provides, as far as running it is concerned.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModuleInfo {
    /// Size of the binary in bytes.
    pub size: usize,
    /// Imports from `wasi_snapshot_preview1` / `wasi_unstable`.
    pub wasi_imports: Vec<WasiImport>,
    /// Every other import, as `module.name`.
    pub other_imports: Vec<String>,
    /// Exports `_start` (a command).
    pub has_start: bool,
    /// Exports `_initialize` (a reactor).
    pub has_initialize: bool,
    /// Exports a memory named `memory`.
    pub exports_memory: bool,
    /// The memory the module imports, if it imports one.
    pub memory_import: Option<MemoryImport>,
    /// Imports `wasi`.`thread-spawn` (wasi-threads), with the right
    /// signature (`(i32) -> i32`) or not.
    pub thread_spawn: Option<bool>,
    /// Exports `wasi_thread_start`, where a spawned thread starts.
    pub exports_thread_start: bool,
}

/// A memory a module imports, as its import declares it (sizes in 64 KiB
/// pages).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemoryImport {
    pub module: String,
    pub name: String,
    pub initial: u64,
    pub maximum: Option<u64>,
    /// A shared memory, which threads use together.
    pub shared: bool,
    /// A 64-bit memory (memory64).
    pub memory64: bool,
}

/// Why a module cannot run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModuleError {
    /// The bytes do not start with the WebAssembly magic number.
    NotWasm { first_bytes: Vec<u8> },
    /// A WebAssembly component (the preview2 / wasip2 format).
    Component,
    /// A binary version this shim does not know.
    UnknownVersion(u32),
    /// The binary could not be parsed.
    Malformed(String),
    /// The module imports WASI preview2 interfaces (`wasi:cli/...`).
    Preview2Imports(Vec<String>),
    /// Imports the shim does not provide, as `module.name`.
    UnsupportedImports(Vec<String>),
    /// Neither `_start` nor `_initialize` is exported.
    NoEntryPoint,
    /// WASI functions are imported but no `memory` is exported.
    NoMemory,
    /// The module imports `wasi.thread-spawn`, but not a shared memory for
    /// its threads to share, or does not export `wasi_thread_start`.
    NotAThreadsModule(&'static str),
}

impl fmt::Display for ModuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModuleError::NotWasm { first_bytes } => {
                write!(f, "not a WebAssembly module: it starts with ")?;
                if first_bytes.is_empty() {
                    write!(f, "nothing (the file is empty)")
                } else {
                    let hex: Vec<String> = first_bytes.iter().map(|b| format!("{b:02x}")).collect();
                    write!(f, "bytes {} instead of 00 61 73 6d (\"\\0asm\")", hex.join(" "))
                }
            }
            ModuleError::Component => write!(
                f,
                "this is a WebAssembly component (WASI preview2 / wasm32-wasip2), not a preview1 \
                 core module: build it for wasm32-wasip1 instead"
            ),
            ModuleError::UnknownVersion(v) => {
                write!(f, "unsupported WebAssembly binary version {v}")
            }
            ModuleError::Malformed(m) => write!(f, "malformed WebAssembly module: {m}"),
            ModuleError::Preview2Imports(i) => write!(
                f,
                "the module imports WASI preview2 interfaces ({}); it was built for wasm32-wasip2, \
                 build it for wasm32-wasip1 instead",
                i.join(", ")
            ),
            ModuleError::UnsupportedImports(i) => {
                write!(f, "the module imports functions this shim does not provide: {}", i.join(", "))
            }
            ModuleError::NoEntryPoint => {
                write!(f, "the module exports neither `_start` nor `_initialize`: it is not a WASI program")
            }
            ModuleError::NoMemory => write!(f, "the module imports WASI functions but exports no `memory`"),
            ModuleError::NotAThreadsModule(why) => write!(
                f,
                "the module imports wasi.thread-spawn but {why}: a wasi-threads module (wasm32-wasip1-threads) \
                 imports a shared memory and exports wasi_thread_start"
            ),
        }
    }
}

impl std::error::Error for ModuleError {}

/// Checks the first 8 bytes of a binary: a core WebAssembly module, not a
/// component, not something else entirely.
pub fn check_header(bytes: &[u8]) -> Result<(), ModuleError> {
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        if bytes.len() >= 4 && &bytes[..4] == b"\0asm" {
            return Err(ModuleError::Malformed("the header is cut short".into()));
        }
        return Err(ModuleError::NotWasm { first_bytes: bytes[..bytes.len().min(4)].to_vec() });
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    let layer = u16::from_le_bytes([bytes[6], bytes[7]]);
    if layer == 1 {
        return Err(ModuleError::Component);
    }
    if layer != 0 || version != 1 {
        return Err(ModuleError::UnknownVersion(u32::from_le_bytes([
            bytes[4], bytes[5], bytes[6], bytes[7],
        ])));
    }
    Ok(())
}

/// The shared memory an import section (its contents, after the
/// section's size) imports, if any: how the edge finds the threads
/// programs among the modules a page hands over (the browser says the
/// rest once it has compiled the module).
///
/// Read by hand rather than with wasmparser, which does it for
/// [`inspect`]: this runs in the JS package, and wasmparser's readers for
/// every kind of import would add 3 KB gzipped to it. A native test checks
/// it against wasmparser. Anything it cannot read (a future encoding)
/// answers `None`: the module then runs as a single-threaded one, and the
/// browser refuses its memory import by name.
pub fn shared_memory_import(contents: &[u8]) -> Option<MemoryImport> {
    let mut r = ByteReader { bytes: contents, at: 0 };
    for _ in 0..r.leb()? {
        let module = r.name()?;
        let name = r.name()?;
        match r.byte()? {
            0x00 => {
                r.leb()?;
            }
            0x01 => {
                r.ref_type()?;
                r.limits()?;
            }
            0x02 => {
                let (flags, initial, maximum) = r.limits()?;
                let (shared, memory64) = (flags & 2 != 0, flags & 4 != 0);
                if shared && !memory64 {
                    return Some(MemoryImport {
                        module: module.to_string(),
                        name: name.to_string(),
                        initial,
                        maximum,
                        shared,
                        memory64,
                    });
                }
            }
            0x03 => {
                r.val_type()?;
                r.byte()?;
            }
            0x04 => {
                r.byte()?;
                r.leb()?;
            }
            _ => return None,
        }
    }
    None
}

/// The little of the binary format [`shared_memory_import`] reads.
struct ByteReader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> ByteReader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(b)
    }

    /// An unsigned LEB128 of up to 64 bits (signed ones are skipped the
    /// same way: only their length matters here).
    fn leb(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn name(&mut self) -> Option<&'a str> {
        let len = usize::try_from(self.leb()?).ok()?;
        let end = self.at.checked_add(len)?;
        let s = core::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(s)
    }

    /// `(flags, initial, maximum)`; a custom page size (flag 8) is read
    /// past.
    fn limits(&mut self) -> Option<(u8, u64, Option<u64>)> {
        let flags = self.byte()?;
        if flags & !0x0f != 0 {
            return None;
        }
        let initial = self.leb()?;
        let maximum = if flags & 1 != 0 { Some(self.leb()?) } else { None };
        if flags & 8 != 0 {
            self.leb()?;
        }
        Some((flags, initial, maximum))
    }

    /// A reference type: one byte, or `0x63`/`0x64` and a heap type.
    fn ref_type(&mut self) -> Option<()> {
        if matches!(self.byte()?, 0x63 | 0x64) {
            self.leb()?;
        }
        Some(())
    }

    /// A value type: a number or vector type (one byte) or a reference type.
    fn val_type(&mut self) -> Option<()> {
        self.ref_type()
    }
}

/// Reads the structure of a module: its imports and relevant exports.
/// Errors only when the bytes are not a core WebAssembly module.
pub fn inspect(bytes: &[u8]) -> Result<ModuleInfo, ModuleError> {
    check_header(bytes)?;
    let mut info = ModuleInfo { size: bytes.len(), ..Default::default() };
    let mut types: Vec<Option<(Vec<ValType>, Vec<ValType>)>> = Vec::new();
    let malformed = |e: wasmparser::BinaryReaderError| ModuleError::Malformed(e.to_string());
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(malformed)? {
            Payload::TypeSection(reader) => {
                for rec in reader {
                    for sub in rec.map_err(malformed)?.into_types() {
                        types.push(match &sub.composite_type.inner {
                            wasmparser::CompositeInnerType::Func(ft) => {
                                let conv = |ts: &[wasmparser::ValType]| {
                                    ts.iter()
                                        .map(|t| match t {
                                            wasmparser::ValType::I32 => Some(ValType::I32),
                                            wasmparser::ValType::I64 => Some(ValType::I64),
                                            _ => None,
                                        })
                                        .collect::<Option<Vec<_>>>()
                                };
                                conv(ft.params()).zip(conv(ft.results()))
                            }
                            _ => None,
                        });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                for import in reader.into_imports() {
                    let import = import.map_err(malformed)?;
                    let flavor = syscalls::MODULES.iter().find(|m| m.0 == import.module).map(|m| m.1);
                    if let TypeRef::Memory(ty) = import.ty {
                        if info.memory_import.is_none() {
                            info.memory_import = Some(MemoryImport {
                                module: import.module.to_string(),
                                name: import.name.to_string(),
                                initial: ty.initial,
                                maximum: ty.maximum,
                                shared: ty.shared,
                                memory64: ty.memory64,
                            });
                            continue;
                        }
                    }
                    if (import.module, import.name) == ("wasi", "thread-spawn") {
                        let ok = match import.ty {
                            TypeRef::Func(idx) | TypeRef::FuncExact(idx) => {
                                types.get(idx as usize)
                                    == Some(&Some((vec![ValType::I32], vec![ValType::I32])))
                            }
                            _ => false,
                        };
                        info.thread_spawn = Some(ok);
                        continue;
                    }
                    match flavor {
                        Some(flavor) => {
                            let supported = match import.ty {
                                TypeRef::Func(idx) | TypeRef::FuncExact(idx) => {
                                    signature_matches(flavor, import.name, types.get(idx as usize))
                                }
                                _ => false,
                            };
                            info.wasi_imports.push(WasiImport {
                                module: import.module.to_string(),
                                name: import.name.to_string(),
                                supported,
                            });
                        }
                        None => info.other_imports.push(format!("{}.{}", import.module, import.name)),
                    }
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export.map_err(malformed)?;
                    match (export.name, export.kind) {
                        ("_start", ExternalKind::Func) => info.has_start = true,
                        ("_initialize", ExternalKind::Func) => info.has_initialize = true,
                        ("memory", ExternalKind::Memory) => info.exports_memory = true,
                        ("wasi_thread_start", ExternalKind::Func) => info.exports_thread_start = true,
                        _ => {}
                    }
                }
            }
            // Function bodies are left to the browser's validator.
            Payload::CodeSectionStart { .. } => {}
            _ => {}
        }
    }
    Ok(info)
}

fn signature_matches(flavor: Flavor, name: &str, ty: Option<&Option<(Vec<ValType>, Vec<ValType>)>>) -> bool {
    let (Some(sig), Some(Some((params, results)))) = (syscalls::signature(flavor, name), ty) else {
        return false;
    };
    let want_results: &[ValType] = if sig.returns_errno { &[ValType::I32] } else { &[] };
    params.as_slice() == sig.params && results.as_slice() == want_results
}

impl ModuleInfo {
    /// The imports the shim cannot satisfy, as `module.name`: an imported
    /// memory is provided only when it is shared (a threads module's).
    pub fn unsupported_imports(&self) -> Vec<String> {
        let memory = self.memory_import.as_ref().filter(|m| !m.shared || m.memory64);
        self.wasi_imports
            .iter()
            .filter(|i| !i.supported)
            .map(|i| format!("{}.{}", i.module, i.name))
            .chain(memory.map(|m| format!("{}.{}", m.module, m.name)))
            .chain((self.thread_spawn == Some(false)).then(|| "wasi.thread-spawn".to_string()))
            .chain(self.other_imports.iter().cloned())
            .collect()
    }

    /// The shared memory of a threads module (`wasm32-wasip1-threads`):
    /// one that imports a shared memory, with or without `thread-spawn`.
    /// Such a module runs with every thread in a worker of its own.
    pub fn threads(&self) -> Option<&MemoryImport> {
        self.memory_import.as_ref().filter(|m| m.shared && !m.memory64)
    }

    /// Checks that the module can be run as a WASI command or reactor.
    pub fn check_runnable(&self) -> Result<(), ModuleError> {
        let p2: Vec<String> = self.other_imports.iter().filter(|i| i.starts_with("wasi:")).cloned().collect();
        if !p2.is_empty() {
            return Err(ModuleError::Preview2Imports(p2));
        }
        let unsupported = self.unsupported_imports();
        if !unsupported.is_empty() {
            return Err(ModuleError::UnsupportedImports(unsupported));
        }
        if !self.has_start && !self.has_initialize {
            return Err(ModuleError::NoEntryPoint);
        }
        if self.thread_spawn.is_some() {
            if self.threads().is_none() {
                return Err(ModuleError::NotAThreadsModule("imports no shared memory"));
            }
            if !self.exports_thread_start {
                return Err(ModuleError::NotAThreadsModule("does not export wasi_thread_start"));
            }
        }
        if !self.wasi_imports.is_empty() && !self.exports_memory && self.threads().is_none() {
            return Err(ModuleError::NoMemory);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wat(src: &str) -> Vec<u8> {
        wat::parse_str(src).unwrap()
    }

    /// The contents of a module's import section.
    fn import_section(m: &[u8]) -> Vec<u8> {
        let range = Parser::new(0).parse_all(m).find_map(|p| match p.unwrap() {
            Payload::ImportSection(r) => Some(r.range()),
            _ => None,
        });
        let range = range.unwrap();
        m[range.start as usize..range.end as usize].to_vec()
    }

    #[test]
    fn garbage_is_not_wasm() {
        let e = inspect(b"hello world").unwrap_err();
        assert_eq!(e, ModuleError::NotWasm { first_bytes: b"hell".to_vec() });
        assert!(e.to_string().contains("68 65 6c 6c"));
        assert!(inspect(b"").unwrap_err().to_string().contains("empty"));
    }

    #[test]
    fn component_is_named_as_such() {
        let e = inspect(&wat("(component)")).unwrap_err();
        assert_eq!(e, ModuleError::Component);
        assert!(e.to_string().contains("wasm32-wasip2"));
    }

    #[test]
    fn unknown_and_mistyped_imports_are_named() {
        let m = wat(r#"(module
            (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "fd_frobnicate" (func))
            (import "wasi_snapshot_preview1" "proc_exit" (func (param i64)))
            (import "env" "host_fn" (func))
            (memory (export "memory") 1)
            (func (export "_start")))"#);
        let info = inspect(&m).unwrap();
        assert_eq!(
            info.unsupported_imports(),
            ["wasi_snapshot_preview1.fd_frobnicate", "wasi_snapshot_preview1.proc_exit", "env.host_fn"]
        );
        let msg = info.check_runnable().unwrap_err().to_string();
        assert!(msg.contains("fd_frobnicate") && msg.contains("env.host_fn"), "{msg}");
    }

    #[test]
    fn preview2_imports_in_a_core_module_are_explained() {
        let m = wat(r#"(module (import "wasi:cli/environment@0.2.0" "get-arguments" (func (param i32)))
            (memory (export "memory") 1) (func (export "_start")))"#);
        let e = inspect(&m).unwrap().check_runnable().unwrap_err();
        assert!(matches!(e, ModuleError::Preview2Imports(_)));
    }

    #[test]
    fn a_threads_module_is_runnable_and_says_its_memory() {
        let m = wat(r#"(module
            (import "env" "memory" (memory 2 40 shared))
            (import "wasi" "thread-spawn" (func (param i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
            (func (export "wasi_thread_start") (param i32 i32))
            (func (export "_start")))"#);
        let info = inspect(&m).unwrap();
        assert_eq!(info.check_runnable(), Ok(()));
        let memory = info.threads().unwrap();
        assert_eq!((memory.module.as_str(), memory.name.as_str()), ("env", "memory"));
        assert_eq!((memory.initial, memory.maximum, memory.shared), (2, Some(40), true));
        assert_eq!(info.thread_spawn, Some(true));
    }

    #[test]
    fn thread_spawn_without_its_parts_is_refused() {
        let no_start = wat(r#"(module
            (import "env" "memory" (memory 1 1 shared))
            (import "wasi" "thread-spawn" (func (param i32) (result i32)))
            (func (export "_start")))"#);
        let e = inspect(&no_start).unwrap().check_runnable().unwrap_err();
        assert_eq!(e, ModuleError::NotAThreadsModule("does not export wasi_thread_start"));
        let unshared = wat(r#"(module
            (import "wasi" "thread-spawn" (func (param i32) (result i32)))
            (memory (export "memory") 1)
            (func (export "wasi_thread_start") (param i32 i32))
            (func (export "_start")))"#);
        let e = inspect(&unshared).unwrap().check_runnable().unwrap_err();
        assert_eq!(e, ModuleError::NotAThreadsModule("imports no shared memory"));
        let mistyped = wat(r#"(module
            (import "env" "memory" (memory 1 1 shared))
            (import "wasi" "thread-spawn" (func (param i64) (result i32)))
            (func (export "wasi_thread_start") (param i32 i32))
            (func (export "_start")))"#);
        assert_eq!(inspect(&mistyped).unwrap().unsupported_imports(), ["wasi.thread-spawn"]);
    }

    #[test]
    fn a_shared_memory_is_found_in_the_import_section_alone() {
        let section = |src: &str| import_section(&wat(src));
        let threads = section(
            r#"(module (import "wasi_snapshot_preview1" "sched_yield" (func (result i32)))
            (import "env" "memory" (memory 1 2 shared)))"#,
        );
        let memory = shared_memory_import(&threads).unwrap();
        assert_eq!((memory.name.as_str(), memory.initial, memory.maximum), ("memory", 1, Some(2)));
        let plain = section(r#"(module (import "env" "memory" (memory 1)) (import "e" "f" (func)))"#);
        assert_eq!(shared_memory_import(&plain), None);
        assert_eq!(shared_memory_import(&[0xff, 0xff]), None);
    }

    #[test]
    fn the_import_scanner_agrees_with_wasmparser() {
        // Every kind of import before the memory, and memories of every
        // flavour: what inspect (wasmparser) finds, the scanner finds.
        let kinds = [
            r#"(import "a" "f" (func (param i32)))"#,
            r#"(import "a" "t" (table 1 funcref))"#,
            r#"(import "a" "t2" (table 2 10 (ref null extern)))"#,
            r#"(import "a" "g" (global (mut i64)))"#,
            r#"(import "a" "g2" (global externref))"#,
            r#"(import "a" "tag" (tag (param i32)))"#,
        ];
        let memories = [
            r#"(import "env" "memory" (memory 1))"#,
            r#"(import "env" "memory" (memory 1 2))"#,
            r#"(import "env" "memory" (memory 3 300 shared))"#,
            r#"(import "m" "mem64" (memory i64 1 2 shared))"#,
        ];
        for n in 0..=kinds.len() {
            for memory in memories {
                let src = format!("(module {} {memory})", kinds[..n].join(" "));
                let m = wat(&src);
                let contents = import_section(&m);
                let want = inspect(&m).unwrap().threads().cloned();
                assert_eq!(shared_memory_import(&contents), want, "{src}");
            }
        }
    }

    #[test]
    fn an_unshared_imported_memory_is_not_provided() {
        let m = wat(r#"(module (import "env" "memory" (memory 1))
            (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
            (func (export "_start")))"#);
        let info = inspect(&m).unwrap();
        assert!(info.threads().is_none());
        assert_eq!(info.unsupported_imports(), ["env.memory"]);
    }

    #[test]
    fn a_plain_command_is_runnable() {
        let m = wat(r#"(module
            (import "wasi_unstable" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
            (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
            (memory (export "memory") 1)
            (func (export "_start")))"#);
        let info = inspect(&m).unwrap();
        assert!(info.has_start && info.exports_memory);
        assert_eq!(info.check_runnable(), Ok(()));
    }
}

/// The export under which [`without_start_function`] puts a module's start
/// function.
pub const START_EXPORT: &str = "__browser_wasi_start";

/// A module's bytes with its start section taken out and the start
/// function exported as [`START_EXPORT`], or `None` when it has none. The
/// browser runs a start function while it instantiates, before the module's
/// exported memory can be handed to the shim; called by the edge after
/// instantiation instead, its WASI calls see memory and its `proc_exit`
/// ends the run as from `_start`.
pub fn without_start_function(bytes: &[u8]) -> Option<Vec<u8>> {
    fn leb(bytes: &[u8], at: &mut usize) -> Option<u32> {
        let mut v = 0u32;
        for shift in (0..35).step_by(7) {
            let b = *bytes.get(*at)?;
            *at += 1;
            v |= u32::from(b & 0x7f).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    fn put_leb(out: &mut Vec<u8>, mut v: u32) {
        loop {
            let b = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(b);
                return;
            }
            out.push(b | 0x80);
        }
    }
    // (id, contents) of every section, in order.
    let mut sections = Vec::new();
    let mut at = 8;
    while at < bytes.len() {
        let id = bytes[at];
        at += 1;
        let size = leb(bytes, &mut at)? as usize;
        let body = bytes.get(at..at.checked_add(size)?)?;
        sections.push((id, body));
        at += size;
    }
    let start_at = sections.iter().position(|(id, _)| *id == 8)?;
    let mut p = 0;
    let func = leb(sections[start_at].1, &mut p)?;
    let mut entry = Vec::new();
    put_leb(&mut entry, START_EXPORT.len() as u32);
    entry.extend_from_slice(START_EXPORT.as_bytes());
    entry.push(0x00); // a function
    put_leb(&mut entry, func);
    let exports = match sections.iter().position(|(id, _)| *id == 7) {
        Some(i) => {
            let mut p = 0;
            let count = leb(sections[i].1, &mut p)?;
            let mut body = Vec::new();
            put_leb(&mut body, count.checked_add(1)?);
            body.extend_from_slice(&sections[i].1[p..]);
            body.extend(&entry);
            Some((i, body))
        }
        None => None,
    };
    let mut out = bytes[..8].to_vec();
    let emit = |out: &mut Vec<u8>, id: u8, body: &[u8]| {
        out.push(id);
        put_leb(out, body.len() as u32);
        out.extend_from_slice(body);
    };
    for (i, (id, body)) in sections.iter().enumerate() {
        match (&exports, *id) {
            (Some((e, new)), 7) if *e == i => emit(&mut out, 7, new),
            (None, 8) => {
                // No export section: one goes where the start section was
                // (exports come just before it in a module's order).
                let mut new = vec![1];
                new.extend(&entry);
                emit(&mut out, 7, &new);
            }
            (_, 8) => {}
            _ => emit(&mut out, *id, body),
        }
    }
    Some(out)
}

#[cfg(test)]
mod start_tests {
    use super::*;

    #[test]
    fn the_start_function_becomes_an_export() {
        for src in
            [r#"(module (func $s) (start $s) (func (export "_start")))"#, r#"(module (func $s) (start $s))"#]
        {
            let m = wat::parse_str(src).unwrap();
            let out = without_start_function(&m).unwrap();
            wasmparser::Validator::new().validate_all(&out).unwrap();
            let mut has_start_section = false;
            let mut exported = false;
            for p in Parser::new(0).parse_all(&out) {
                match p.unwrap() {
                    Payload::StartSection { .. } => has_start_section = true,
                    Payload::ExportSection(r) => {
                        exported = r.into_iter().any(|e| e.unwrap().name == START_EXPORT);
                    }
                    _ => {}
                }
            }
            assert!(!has_start_section && exported, "{src}");
        }
        assert_eq!(without_start_function(&wat::parse_str("(module)").unwrap()), None);
    }
}
