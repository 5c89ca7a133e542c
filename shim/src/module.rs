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
    /// The imports the shim cannot satisfy, as `module.name`.
    pub fn unsupported_imports(&self) -> Vec<String> {
        self.wasi_imports
            .iter()
            .filter(|i| !i.supported)
            .map(|i| format!("{}.{}", i.module, i.name))
            .chain(self.other_imports.iter().cloned())
            .collect()
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
        if !self.wasi_imports.is_empty() && !self.exports_memory {
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
