//! A tiny WebAssembly module, generated once, that sits between the guest
//! and the shim: each of its functions takes the guest's arguments, puts
//! the run's dispatcher in front (an imported constant) and calls the
//! shim's export for that syscall. The guest's imports are then plain
//! wasm-to-wasm calls, with no JavaScript in between (no glue, no BigInt
//! conversions for 64-bit arguments).

use crate::syscalls::{ValType, SIGNATURES};

fn leb(out: &mut Vec<u8>, mut v: u32) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn name(out: &mut Vec<u8>, s: &str) {
    leb(out, s.len() as u32);
    out.extend_from_slice(s.as_bytes());
}

fn section(out: &mut Vec<u8>, id: u8, body: Vec<u8>) {
    out.push(id);
    leb(out, body.len() as u32);
    out.extend(body);
}

fn valtype(t: ValType) -> u8 {
    match t {
        ValType::I32 => 0x7f,
        ValType::I64 => 0x7e,
    }
}

/// The syscalls the adapter forwards: every one that returns an errno
/// (`proc_exit` must throw, which only JavaScript can do).
pub fn forwarded() -> impl Iterator<Item = &'static crate::syscalls::Signature> {
    SIGNATURES.iter().filter(|s| s.returns_errno)
}

/// What a dispatch method returns when the run is over (the guest exited,
/// or the host failed): the adapter then calls `r.raise`, which throws the
/// run's error, so the call never returns into the guest. Never an errno.
pub const RAISE: u32 = 0xffff_fffe;

fn sleb(out: &mut Vec<u8>, mut v: i64) {
    loop {
        let byte = (v & 0x7f) as u8;
        v >>= 7;
        let done = (v == 0 && byte & 0x40 == 0) || (v == -1 && byte & 0x40 != 0);
        out.push(if done { byte } else { byte | 0x80 });
        if done {
            return;
        }
    }
}

/// The adapter's binary. Imports: `s.<name>` (the shim's export for each
/// syscall, taking the dispatcher first), the mutable global `r.p` (the
/// dispatcher, set for each run) and `r.raise` (throws the run's error);
/// exports: `<name>` with the guest's signature.
pub fn module_bytes() -> Vec<u8> {
    let sigs: Vec<_> = forwarded().collect();
    let n = sigs.len() as u32;
    let mut out = b"\0asm\x01\0\0\0".to_vec();

    // Types: 2i is the guest's signature, 2i+1 the shim's (dispatcher
    // first), 2n is raise's () -> ().
    let mut types = Vec::new();
    leb(&mut types, 2 * n + 1);
    for s in &sigs {
        for with_dispatcher in [false, true] {
            types.push(0x60);
            leb(&mut types, s.params.len() as u32 + u32::from(with_dispatcher));
            if with_dispatcher {
                types.push(0x7f);
            }
            types.extend(s.params.iter().map(|&p| valtype(p)));
            types.extend([1, 0x7f]);
        }
    }
    types.extend([0x60, 0, 0]);
    section(&mut out, 1, types);

    // Function indices: 0..n the shim's exports, n raise, n+1.. ours.
    let mut imports = Vec::new();
    leb(&mut imports, n + 2);
    for (i, s) in sigs.iter().enumerate() {
        name(&mut imports, "s");
        name(&mut imports, s.name);
        imports.push(0x00);
        leb(&mut imports, 2 * i as u32 + 1);
    }
    name(&mut imports, "r");
    name(&mut imports, "raise");
    imports.push(0x00);
    leb(&mut imports, 2 * n);
    name(&mut imports, "r");
    name(&mut imports, "p");
    imports.extend([0x03, 0x7f, 0x01]); // a mutable i32: instances are reused across runs
    section(&mut out, 2, imports);

    let mut funcs = Vec::new();
    leb(&mut funcs, n);
    for i in 0..n {
        leb(&mut funcs, 2 * i);
    }
    section(&mut out, 3, funcs);

    let mut exports = Vec::new();
    leb(&mut exports, n);
    for (i, s) in sigs.iter().enumerate() {
        name(&mut exports, s.name);
        exports.push(0x00);
        leb(&mut exports, n + 1 + i as u32);
    }
    section(&mut out, 7, exports);

    let mut code = Vec::new();
    leb(&mut code, n);
    for (i, s) in sigs.iter().enumerate() {
        let params = s.params.len() as u32;
        // One local (the result) after the parameters; global.get 0.
        let mut body = vec![0x01, 0x01, 0x7f, 0x23, 0x00];
        for p in 0..params {
            body.push(0x20); // local.get p
            leb(&mut body, p);
        }
        body.push(0x10); // call the shim
        leb(&mut body, i as u32);
        body.push(0x22); // local.tee result
        leb(&mut body, params);
        body.push(0x41); // i32.const RAISE
        sleb(&mut body, i64::from(RAISE as i32));
        body.extend([0x46, 0x04, 0x40, 0x10]); // i32.eq; if; call raise
        leb(&mut body, n);
        body.extend([0x0b, 0x20]); // end; local.get result
        leb(&mut body, params);
        body.push(0x0b);
        leb(&mut code, body.len() as u32);
        code.extend(body);
    }
    section(&mut out, 10, code);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_adapter_is_a_valid_module() {
        let bytes = super::module_bytes();
        let info = crate::module::inspect(&bytes).unwrap();
        assert!(info.other_imports.iter().any(|i| i == "s.fd_write"));
        assert!(info.other_imports.iter().any(|i| i == "r.p"));
        assert!(info.other_imports.iter().any(|i| i == "r.raise"));
        wasmparser::Validator::new().validate_all(&bytes).unwrap();
    }
}

/// The calls that may wait, which a *switch* forwards to either their plain
/// or their suspending (JSPI) version.
pub const WAITING: [&str; 2] = ["fd_read", "poll_oneoff"];

/// A module that lets one import object serve both a blocking `start` and
/// a suspending `startAsync`: a browser refuses a JSPI-suspending import
/// called outside `WebAssembly.promising`, even when it would not suspend,
/// and imports are fixed at instantiation. Imports: `w.<name>_plain`,
/// `w.<name>_suspending` (both `(i32 i32 i32 i32) -> i32`) for each of
/// [`WAITING`], and the mutable global `w.mode` (0 plain, 1 suspending);
/// exports `<name>`, calling the one `mode` says. Suspending through it
/// works: JSPI suspends every wasm frame up to the promising export.
pub fn switch_module_bytes() -> Vec<u8> {
    let mut out = b"\0asm\x01\0\0\0".to_vec();
    section(&mut out, 1, vec![1, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f]);
    let mut imports = Vec::new();
    leb(&mut imports, 2 * WAITING.len() as u32 + 1);
    for name_ in WAITING {
        for kind in ["plain", "suspending"] {
            name(&mut imports, "w");
            name(&mut imports, &format!("{name_}_{kind}"));
            imports.extend([0x00, 0x00]);
        }
    }
    name(&mut imports, "w");
    name(&mut imports, "mode");
    imports.extend([0x03, 0x7f, 0x01]);
    section(&mut out, 2, imports);
    let n = WAITING.len() as u32;
    let mut funcs = Vec::new();
    leb(&mut funcs, n);
    funcs.extend(std::iter::repeat_n(0, n as usize));
    section(&mut out, 3, funcs);
    let mut exports = Vec::new();
    leb(&mut exports, n);
    for (i, name_) in WAITING.iter().enumerate() {
        name(&mut exports, name_);
        exports.push(0x00);
        leb(&mut exports, 2 * n + i as u32);
    }
    section(&mut out, 7, exports);
    let mut code = Vec::new();
    leb(&mut code, n);
    for i in 0..n {
        // global.get mode; if (result i32) (call suspending) else (call plain) end
        let mut body = vec![0x00, 0x23, 0x00, 0x04, 0x7f];
        for which in [2 * i + 1, 2 * i] {
            for p in 0..4 {
                body.extend([0x20, p]);
            }
            body.push(0x10);
            leb(&mut body, which);
            if which == 2 * i + 1 {
                body.push(0x05); // else
            }
        }
        body.extend([0x0b, 0x0b]);
        leb(&mut code, body.len() as u32);
        code.extend(body);
    }
    section(&mut out, 10, code);
    out
}

#[cfg(test)]
mod switch_tests {
    #[test]
    fn the_switch_is_a_valid_module() {
        let bytes = super::switch_module_bytes();
        wasmparser::Validator::new().validate_all(&bytes).unwrap();
        let info = crate::module::inspect(&bytes).unwrap();
        assert!(info.other_imports.iter().any(|i| i == "w.poll_oneoff_suspending"));
        assert!(info.other_imports.iter().any(|i| i == "w.mode"));
    }
}
