//! `args_*` and `environ_*`.

use super::{Env, SysResult};
use crate::abi::Errno;
use crate::ctx::StringList;

fn list<'a>(e: &'a Env<'_>, environ: bool) -> &'a StringList {
    if environ {
        &e.ctx.env
    } else {
        &e.ctx.args
    }
}

fn sizes_get(e: &mut Env, environ: bool, count: u32, size: u32) -> SysResult {
    let l = list(e, environ);
    let (n, bytes) = (u32::try_from(l.offsets.len())?, u32::try_from(l.bytes.len())?);
    e.mem.write_u32(count, n)?;
    e.mem.write_u32(size, bytes)?;
    Ok(())
}

/// Writes the pointer array and the string bytes, each in one copy.
fn get(e: &mut Env, environ: bool, ptrs: u32, buf: u32) -> SysResult {
    let l = list(e, environ);
    let mut table = Vec::with_capacity(l.offsets.len() * 4);
    for &off in &l.offsets {
        table.extend_from_slice(&buf.checked_add(off).ok_or(Errno::Fault)?.to_le_bytes());
    }
    let bytes = l.bytes.clone();
    e.mem.check(ptrs, table.len() as u64)?;
    e.mem.check(buf, bytes.len() as u64)?;
    e.mem.write(ptrs, &table)?;
    e.mem.write(buf, &bytes)?;
    Ok(())
}

/// `args_sizes_get`: the number of arguments and the bytes they take.
pub fn args_sizes_get(e: &mut Env, argc: u32, argv_buf_size: u32) -> SysResult {
    sizes_get(e, false, argc, argv_buf_size)
}

/// `args_get`: the arguments, NUL-terminated, and pointers to them.
pub fn args_get(e: &mut Env, argv: u32, argv_buf: u32) -> SysResult {
    get(e, false, argv, argv_buf)
}

/// `environ_sizes_get`: the number of variables and the bytes they take.
pub fn environ_sizes_get(e: &mut Env, count: u32, buf_size: u32) -> SysResult {
    sizes_get(e, true, count, buf_size)
}

/// `environ_get`: the `KEY=value` strings, NUL-terminated, and pointers.
pub fn environ_get(e: &mut Env, environ: u32, environ_buf: u32) -> SysResult {
    get(e, true, environ, environ_buf)
}
