//! Lifting and lowering (CanonicalABI.md, "Loading", "Storing", "Lifting
//! and Lowering Values"): a component value moves between a core instance
//! — its flat values, its linear memory, its `cabi_realloc`, its handle
//! table — and the host's [`Val`], generically from its [`Type`].
//!
//! Everything a guest hands over is checked: pointers against memory's
//! length and the type's alignment, discriminants against the cases, chars
//! and strings for validity, handles against the table. A failed check is a
//! [`Trap`], never a panic, and no allocation is sized by a guest number
//! before that number is checked against what memory can hold.

use crate::abi::{self, CoreType, Direction};
use crate::handles::HandleTable;
use crate::types::{FuncType, Type};
use crate::Trap;

/// A component value on the host's side. Variants, enums, options and
/// results are all a case number and an optional payload, as the canonical
/// ABI sees them; `list<u8>` is [`Val::Bytes`].
#[derive(Clone, Debug, PartialEq)]
pub enum Val {
    Bool(bool),
    S8(i8),
    U8(u8),
    S16(i16),
    U16(u16),
    S32(i32),
    U32(u32),
    S64(i64),
    U64(u64),
    F32(f32),
    F64(f64),
    Char(char),
    String(String),
    /// A `list<u8>`: bytes, copied once.
    Bytes(Vec<u8>),
    List(Vec<Val>),
    /// A record's or tuple's fields, in order.
    Record(Vec<Val>),
    /// A variant, enum, option or result: the case's index and its payload.
    Case(u32, Option<Box<Val>>),
    /// Flags: bit `i` of word `i / 32` is flag `i`.
    Flags(Vec<u32>),
    /// An `own` handle's resource, as its rep.
    Own(u32),
    /// A `borrow` handle's resource, as its rep.
    Borrow(u32),
}

impl Val {
    /// `none`.
    pub fn none() -> Val {
        Val::Case(0, None)
    }
    /// `some(v)`.
    pub fn some(v: Val) -> Val {
        Val::Case(1, Some(Box::new(v)))
    }
    /// `ok(v)` (`None`: a result whose ok case has no payload).
    pub fn ok(v: Option<Val>) -> Val {
        Val::Case(0, v.map(Box::new))
    }
    /// `err(v)`.
    pub fn err(v: Option<Val>) -> Val {
        Val::Case(1, v.map(Box::new))
    }
}

/// A core value, as core wasm passes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Flat {
    I32(i32),
    I64(i64),
    F32(f32),
    F64(f64),
}

impl Flat {
    fn zero(t: CoreType) -> Flat {
        match t {
            CoreType::I32 => Flat::I32(0),
            CoreType::I64 => Flat::I64(0),
            CoreType::F32 => Flat::F32(0.0),
            CoreType::F64 => Flat::F64(0.0),
        }
    }
}

/// How strings are encoded in the guest's memory (`canon` options).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum StringEncoding {
    #[default]
    Utf8,
    Utf16,
    Latin1Utf16,
}

/// The high bit of a `latin1+utf16` string's length: set for UTF-16.
const UTF16_TAG: u32 = 1 << 31;

/// The elements a guest may hand the host in one list other than bytes
/// (each becomes a [`Val`]; WASI's own lists of this kind are a few
/// pollables). Bytes are bounded by memory alone.
pub const MAX_LIST_VALUES: u32 = 1 << 20;

/// The core instance a value moves in and out of.
pub trait Guest {
    /// Its linear memory's length in bytes.
    fn memory_len(&self) -> u64;
    /// Copies `out.len()` bytes from `at` (already checked to be in bounds).
    fn read(&self, at: u32, out: &mut [u8]);
    /// Copies `bytes` to `at` (already checked to be in bounds).
    fn write(&mut self, at: u32, bytes: &[u8]);
    /// Calls its `cabi_realloc(old_ptr, old_size, align, new_size)`.
    fn realloc(&mut self, old_ptr: u32, old_size: u32, align: u32, new_size: u32) -> Result<u32, Trap>;
    /// Its handle table.
    fn handles(&mut self) -> &mut HandleTable;
}

/// A value's way in or out: the guest and the call's `canon` options.
pub struct Cx<'a> {
    pub guest: &'a mut dyn Guest,
    pub encoding: StringEncoding,
}

impl Cx<'_> {
    fn check(&self, ptr: u32, len: u64, align: u32) -> Result<(), Trap> {
        if !ptr.is_multiple_of(align) {
            return Err(Trap::new(format!("pointer {ptr} is not aligned to {align}")));
        }
        if u64::from(ptr) + len > self.guest.memory_len() {
            return Err(Trap::new(format!(
                "{len} bytes at {ptr} are out of bounds of a memory of {} bytes",
                self.guest.memory_len()
            )));
        }
        Ok(())
    }

    fn read_n<const N: usize>(&self, at: u32) -> [u8; N] {
        let mut b = [0; N];
        self.guest.read(at, &mut b);
        b
    }

    fn load_u32(&self, at: u32) -> u32 {
        u32::from_le_bytes(self.read_n(at))
    }

    fn alloc(&mut self, align: u32, size: u32) -> Result<u32, Trap> {
        let ptr = self.guest.realloc(0, 0, align, size)?;
        self.check(ptr, u64::from(size), align)
            .map_err(|t| Trap::new(format!("cabi_realloc returned {}", t.0)))?;
        Ok(ptr)
    }
}

fn mismatch(t: &Type, v: &Val) -> Trap {
    Trap::new(format!("the host gave {v:?} for a value of type {t:?}"))
}

// ---- loading from memory (guest → host) ----

/// Loads a value of type `t` from `ptr` in the guest's memory.
pub fn load(cx: &mut Cx, t: &Type, ptr: u32) -> Result<Val, Trap> {
    cx.check(ptr, u64::from(abi::size(t)), abi::alignment(t))?;
    load_checked(cx, t, ptr)
}

fn load_checked(cx: &mut Cx, t: &Type, ptr: u32) -> Result<Val, Trap> {
    Ok(match t {
        Type::Bool => Val::Bool(cx.read_n::<1>(ptr)[0] != 0),
        Type::S8 => Val::S8(cx.read_n::<1>(ptr)[0] as i8),
        Type::U8 => Val::U8(cx.read_n::<1>(ptr)[0]),
        Type::S16 => Val::S16(i16::from_le_bytes(cx.read_n(ptr))),
        Type::U16 => Val::U16(u16::from_le_bytes(cx.read_n(ptr))),
        Type::S32 => Val::S32(i32::from_le_bytes(cx.read_n(ptr))),
        Type::U32 => Val::U32(cx.load_u32(ptr)),
        Type::S64 => Val::S64(i64::from_le_bytes(cx.read_n(ptr))),
        Type::U64 => Val::U64(u64::from_le_bytes(cx.read_n(ptr))),
        Type::F32 => Val::F32(f32::from_le_bytes(cx.read_n(ptr))),
        Type::F64 => Val::F64(f64::from_le_bytes(cx.read_n(ptr))),
        Type::Char => Val::Char(char_of(cx.load_u32(ptr))?),
        Type::String => {
            let (p, n) = (cx.load_u32(ptr), cx.load_u32(ptr + 4));
            Val::String(lift_string(cx, p, n)?)
        }
        Type::List(elem) => {
            let (p, n) = (cx.load_u32(ptr), cx.load_u32(ptr + 4));
            lift_list(cx, elem, p, n)?
        }
        Type::Record(_) | Type::Tuple(_) => {
            let fields = t.fields().unwrap_or_default();
            let offsets = abi::field_offsets(&fields);
            let mut vals = Vec::with_capacity(fields.len());
            for (f, off) in fields.iter().zip(offsets) {
                vals.push(load_checked(cx, f, ptr + off)?);
            }
            Val::Record(vals)
        }
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            let cases = t.cases().unwrap_or_default();
            let case = match abi::discriminant_size(cases.len()) {
                1 => u32::from(cx.read_n::<1>(ptr)[0]),
                2 => u32::from(u16::from_le_bytes(cx.read_n(ptr))),
                _ => cx.load_u32(ptr),
            };
            let payload = *cases
                .get(case as usize)
                .ok_or_else(|| Trap::new(format!("case {case} of a type with {} cases", cases.len())))?;
            let at = ptr + abi::payload_offset(&cases);
            Val::Case(case, payload.map(|p| load_checked(cx, p, at)).transpose()?.map(Box::new))
        }
        Type::Flags(names) => {
            let n = names.len();
            let words = match abi::flags_size(n) {
                1 => vec![u32::from(cx.read_n::<1>(ptr)[0])],
                2 => vec![u32::from(u16::from_le_bytes(cx.read_n(ptr)))],
                _ => (0..n.div_ceil(32) as u32).map(|i| cx.load_u32(ptr + 4 * i)).collect(),
            };
            Val::Flags(mask_flags(words, n))
        }
        Type::Own(rt) => {
            let h = cx.load_u32(ptr);
            Val::Own(cx.guest.handles().take_own(h, *rt)?)
        }
        Type::Borrow(rt) => {
            let h = cx.load_u32(ptr);
            Val::Borrow(cx.guest.handles().rep(h, *rt)?)
        }
    })
}

/// Bits past the last flag are not flags: dropped.
fn mask_flags(mut words: Vec<u32>, n: usize) -> Vec<u32> {
    if !n.is_multiple_of(32) {
        if let Some(last) = words.last_mut() {
            *last &= (1u32 << (n % 32)) - 1;
        }
    }
    words
}

fn char_of(i: u32) -> Result<char, Trap> {
    char::from_u32(i).ok_or_else(|| Trap::new(format!("{i:#x} is not a Unicode scalar value")))
}

fn lift_string(cx: &mut Cx, ptr: u32, len: u32) -> Result<String, Trap> {
    let (utf16, units) = match cx.encoding {
        StringEncoding::Utf8 => (false, len),
        StringEncoding::Utf16 => (true, len),
        StringEncoding::Latin1Utf16 => (len & UTF16_TAG != 0, len & !UTF16_TAG),
    };
    if !utf16 {
        cx.check(ptr, u64::from(units), if cx.encoding == StringEncoding::Utf8 { 1 } else { 2 })?;
        let mut bytes = vec![0; units as usize];
        cx.guest.read(ptr, &mut bytes);
        return match cx.encoding {
            StringEncoding::Utf8 => {
                String::from_utf8(bytes).map_err(|e| Trap::new(format!("a string is not UTF-8: {e}")))
            }
            _ => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        };
    }
    cx.check(ptr, 2 * u64::from(units), 2)?;
    let mut bytes = vec![0; 2 * units as usize];
    cx.guest.read(ptr, &mut bytes);
    let units = bytes.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|e| Trap::new(format!("a string is not UTF-16: {e}")))
}

fn lift_list(cx: &mut Cx, elem: &Type, ptr: u32, len: u32) -> Result<Val, Trap> {
    let (size, align) = (abi::size(elem), abi::alignment(elem));
    cx.check(ptr, u64::from(len) * u64::from(size), align)?;
    if *elem == Type::U8 {
        let mut bytes = vec![0; len as usize];
        cx.guest.read(ptr, &mut bytes);
        return Ok(Val::Bytes(bytes));
    }
    if len > MAX_LIST_VALUES {
        return Err(Trap::new(format!("a list of {len} values (at most {MAX_LIST_VALUES} are taken)")));
    }
    let mut vals = Vec::new();
    vals.try_reserve_exact(len as usize)
        .map_err(|_| Trap::new(format!("no memory for a list of {len} values")))?;
    for i in 0..len {
        vals.push(load_checked(cx, elem, ptr + i * size)?);
    }
    Ok(Val::List(vals))
}

// ---- storing to memory (host → guest) ----

/// Stores `v`, of type `t`, at `ptr` in the guest's memory.
pub fn store(cx: &mut Cx, t: &Type, v: &Val, ptr: u32) -> Result<(), Trap> {
    cx.check(ptr, u64::from(abi::size(t)), abi::alignment(t))?;
    store_checked(cx, t, v, ptr)
}

fn store_checked(cx: &mut Cx, t: &Type, v: &Val, ptr: u32) -> Result<(), Trap> {
    match (t, v) {
        (Type::Bool, Val::Bool(b)) => cx.guest.write(ptr, &[u8::from(*b)]),
        (Type::S8, Val::S8(i)) => cx.guest.write(ptr, &i.to_le_bytes()),
        (Type::U8, Val::U8(i)) => cx.guest.write(ptr, &[*i]),
        (Type::S16, Val::S16(i)) => cx.guest.write(ptr, &i.to_le_bytes()),
        (Type::U16, Val::U16(i)) => cx.guest.write(ptr, &i.to_le_bytes()),
        (Type::S32, Val::S32(i)) => cx.guest.write(ptr, &i.to_le_bytes()),
        (Type::U32, Val::U32(i)) => cx.guest.write(ptr, &i.to_le_bytes()),
        (Type::S64, Val::S64(i)) => cx.guest.write(ptr, &i.to_le_bytes()),
        (Type::U64, Val::U64(i)) => cx.guest.write(ptr, &i.to_le_bytes()),
        (Type::F32, Val::F32(f)) => cx.guest.write(ptr, &f.to_le_bytes()),
        (Type::F64, Val::F64(f)) => cx.guest.write(ptr, &f.to_le_bytes()),
        (Type::Char, Val::Char(c)) => cx.guest.write(ptr, &u32::from(*c).to_le_bytes()),
        (Type::String, Val::String(_)) | (Type::List(_), Val::Bytes(_) | Val::List(_)) => {
            let (p, n) = if let Val::String(s) = v { lower_string(cx, s)? } else { lower_list(cx, t, v)? };
            cx.guest.write(ptr, &p.to_le_bytes());
            cx.guest.write(ptr + 4, &n.to_le_bytes());
        }
        (Type::Record(_) | Type::Tuple(_), Val::Record(vals)) => {
            let fields = t.fields().unwrap_or_default();
            if fields.len() != vals.len() {
                return Err(mismatch(t, v));
            }
            for ((f, off), fv) in fields.iter().zip(abi::field_offsets(&fields)).zip(vals) {
                store_checked(cx, f, fv, ptr + off)?;
            }
        }
        (
            Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. },
            Val::Case(case, payload),
        ) => {
            let cases = t.cases().unwrap_or_default();
            let case_type = *cases.get(*case as usize).ok_or_else(|| mismatch(t, v))?;
            match abi::discriminant_size(cases.len()) {
                1 => cx.guest.write(ptr, &[*case as u8]),
                2 => cx.guest.write(ptr, &(*case as u16).to_le_bytes()),
                _ => cx.guest.write(ptr, &case.to_le_bytes()),
            }
            let at = ptr + abi::payload_offset(&cases);
            match (case_type, payload) {
                (Some(pt), Some(pv)) => store_checked(cx, pt, pv, at)?,
                (None, None) => {}
                _ => return Err(mismatch(t, v)),
            }
        }
        (Type::Flags(names), Val::Flags(words)) => {
            let words = mask_flags(words.clone(), names.len());
            match abi::flags_size(names.len()) {
                1 => cx.guest.write(ptr, &[words.first().copied().unwrap_or(0) as u8]),
                2 => cx.guest.write(ptr, &(words.first().copied().unwrap_or(0) as u16).to_le_bytes()),
                _ => {
                    for i in 0..names.len().div_ceil(32) {
                        let w = words.get(i).copied().unwrap_or(0);
                        cx.guest.write(ptr + 4 * i as u32, &w.to_le_bytes());
                    }
                }
            }
        }
        (Type::Own(rt), Val::Own(rep)) => {
            let h = cx.guest.handles().insert_own(*rt, *rep)?;
            cx.guest.write(ptr, &h.to_le_bytes());
        }
        (Type::Borrow(rt), Val::Borrow(rep)) => {
            let h = cx.guest.handles().insert_borrow(*rt, *rep)?;
            cx.guest.write(ptr, &h.to_le_bytes());
        }
        _ => return Err(mismatch(t, v)),
    }
    Ok(())
}

/// Copies `s` into memory `cabi_realloc` gives: its pointer and length (in
/// the encoding's units; tagged for `latin1+utf16`).
fn lower_string(cx: &mut Cx, s: &str) -> Result<(u32, u32), Trap> {
    let too_long = || Trap::new(format!("a string of {} bytes is too long for a 32-bit memory", s.len()));
    let latin1 = cx.encoding == StringEncoding::Latin1Utf16 && s.chars().all(|c| u32::from(c) < 256);
    match cx.encoding {
        StringEncoding::Utf8 => {
            let n = u32::try_from(s.len()).map_err(|_| too_long())?;
            let p = cx.alloc(1, n)?;
            cx.guest.write(p, s.as_bytes());
            Ok((p, n))
        }
        _ if latin1 => {
            let bytes: Vec<u8> = s.chars().map(|c| u32::from(c) as u8).collect();
            let n = u32::try_from(bytes.len()).map_err(|_| too_long())?;
            let p = cx.alloc(2, n)?;
            cx.guest.write(p, &bytes);
            Ok((p, n))
        }
        _ => {
            let bytes: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
            let units =
                u32::try_from(bytes.len() / 2).ok().filter(|u| u & UTF16_TAG == 0).ok_or_else(too_long)?;
            let p = cx.alloc(2, 2 * units)?;
            cx.guest.write(p, &bytes);
            let tag = if cx.encoding == StringEncoding::Latin1Utf16 { UTF16_TAG } else { 0 };
            Ok((p, units | tag))
        }
    }
}

fn lower_list(cx: &mut Cx, t: &Type, v: &Val) -> Result<(u32, u32), Trap> {
    let Type::List(elem) = t else { return Err(mismatch(t, v)) };
    let (size, align) = (abi::size(elem), abi::alignment(elem));
    let count = match v {
        Val::Bytes(b) if **elem == Type::U8 => b.len(),
        Val::List(vs) => vs.len(),
        _ => return Err(mismatch(t, v)),
    };
    let n = u32::try_from(count).map_err(|_| Trap::new("a list too long for a 32-bit memory"))?;
    let bytes = n.checked_mul(size).ok_or_else(|| Trap::new("a list too large for a 32-bit memory"))?;
    let p = cx.alloc(align, bytes)?;
    match v {
        Val::Bytes(b) => cx.guest.write(p, b),
        Val::List(vs) => {
            for (i, ev) in vs.iter().enumerate() {
                store_checked(cx, elem, ev, p + i as u32 * size)?;
            }
        }
        _ => unreachable!("count matched these two"),
    }
    Ok((p, n))
}

// ---- flat values ----

/// Flat values being read, in order.
struct FlatIter<'a> {
    vals: &'a [Flat],
    at: usize,
}

impl FlatIter<'_> {
    fn next(&mut self) -> Result<Flat, Trap> {
        let v = self.vals.get(self.at).copied().ok_or_else(|| Trap::new("too few core values"))?;
        self.at += 1;
        Ok(v)
    }
    fn i32(&mut self) -> Result<i32, Trap> {
        match self.next()? {
            Flat::I32(i) => Ok(i),
            f => Err(Trap::new(format!("{f:?} where an i32 was expected"))),
        }
    }
    fn i64(&mut self) -> Result<i64, Trap> {
        match self.next()? {
            Flat::I64(i) => Ok(i),
            f => Err(Trap::new(format!("{f:?} where an i64 was expected"))),
        }
    }
}

/// Reinterprets a variant's joined flat value as the type a case wants.
fn coerce_from_joined(have: Flat, want: CoreType) -> Flat {
    match (have, want) {
        (Flat::I32(i), CoreType::F32) => Flat::F32(f32::from_bits(i as u32)),
        (Flat::I64(i), CoreType::I32) => Flat::I32(i as i32),
        (Flat::I64(i), CoreType::F32) => Flat::F32(f32::from_bits(i as u32)),
        (Flat::I64(i), CoreType::F64) => Flat::F64(f64::from_bits(i as u64)),
        (v, _) => v,
    }
}

/// Widens a case's flat value to the variant's joined type.
fn coerce_to_joined(have: Flat, want: CoreType) -> Flat {
    match (have, want) {
        (Flat::F32(f), CoreType::I32) => Flat::I32(f.to_bits() as i32),
        (Flat::I32(i), CoreType::I64) => Flat::I64(i64::from(i as u32)),
        (Flat::F32(f), CoreType::I64) => Flat::I64(i64::from(f.to_bits())),
        (Flat::F64(f), CoreType::I64) => Flat::I64(f.to_bits() as i64),
        (v, _) => v,
    }
}

fn lift_flat(cx: &mut Cx, t: &Type, vi: &mut FlatIter) -> Result<Val, Trap> {
    Ok(match t {
        Type::Bool => Val::Bool(vi.i32()? != 0),
        Type::S8 => Val::S8(vi.i32()? as i8),
        Type::U8 => Val::U8(vi.i32()? as u8),
        Type::S16 => Val::S16(vi.i32()? as i16),
        Type::U16 => Val::U16(vi.i32()? as u16),
        Type::S32 => Val::S32(vi.i32()?),
        Type::U32 => Val::U32(vi.i32()? as u32),
        Type::S64 => Val::S64(vi.i64()?),
        Type::U64 => Val::U64(vi.i64()? as u64),
        Type::F32 => match vi.next()? {
            Flat::F32(f) => Val::F32(f),
            f => return Err(Trap::new(format!("{f:?} where an f32 was expected"))),
        },
        Type::F64 => match vi.next()? {
            Flat::F64(f) => Val::F64(f),
            f => return Err(Trap::new(format!("{f:?} where an f64 was expected"))),
        },
        Type::Char => Val::Char(char_of(vi.i32()? as u32)?),
        Type::String => {
            let (p, n) = (vi.i32()? as u32, vi.i32()? as u32);
            Val::String(lift_string(cx, p, n)?)
        }
        Type::List(elem) => {
            let (p, n) = (vi.i32()? as u32, vi.i32()? as u32);
            lift_list(cx, elem, p, n)?
        }
        Type::Record(_) | Type::Tuple(_) => {
            let fields = t.fields().unwrap_or_default();
            let mut vals = Vec::with_capacity(fields.len());
            for f in fields {
                vals.push(lift_flat(cx, f, vi)?);
            }
            Val::Record(vals)
        }
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            let cases = t.cases().unwrap_or_default();
            let case = vi.i32()? as u32;
            let joined = abi::variant_payload_types(&cases);
            let mut raw = Vec::with_capacity(joined.len());
            for _ in &joined {
                raw.push(vi.next()?);
            }
            let payload = *cases
                .get(case as usize)
                .ok_or_else(|| Trap::new(format!("case {case} of a type with {} cases", cases.len())))?;
            let payload = match payload {
                None => None,
                Some(pt) => {
                    let wants = abi::flatten(pt);
                    let vals: Vec<Flat> =
                        raw.iter().zip(&wants).map(|(h, w)| coerce_from_joined(*h, *w)).collect();
                    Some(Box::new(lift_flat(cx, pt, &mut FlatIter { vals: &vals, at: 0 })?))
                }
            };
            Val::Case(case, payload)
        }
        Type::Flags(names) => {
            let mut words = Vec::new();
            for _ in 0..names.len().div_ceil(32) {
                words.push(vi.i32()? as u32);
            }
            Val::Flags(mask_flags(words, names.len()))
        }
        Type::Own(rt) => Val::Own(cx.guest.handles().take_own(vi.i32()? as u32, *rt)?),
        Type::Borrow(rt) => Val::Borrow(cx.guest.handles().rep(vi.i32()? as u32, *rt)?),
    })
}

fn lower_flat(cx: &mut Cx, t: &Type, v: &Val, out: &mut Vec<Flat>) -> Result<(), Trap> {
    match (t, v) {
        (Type::Bool, Val::Bool(b)) => out.push(Flat::I32(i32::from(*b))),
        (Type::S8, Val::S8(i)) => out.push(Flat::I32(i32::from(*i))),
        (Type::U8, Val::U8(i)) => out.push(Flat::I32(i32::from(*i))),
        (Type::S16, Val::S16(i)) => out.push(Flat::I32(i32::from(*i))),
        (Type::U16, Val::U16(i)) => out.push(Flat::I32(i32::from(*i))),
        (Type::S32, Val::S32(i)) => out.push(Flat::I32(*i)),
        (Type::U32, Val::U32(i)) => out.push(Flat::I32(*i as i32)),
        (Type::S64, Val::S64(i)) => out.push(Flat::I64(*i)),
        (Type::U64, Val::U64(i)) => out.push(Flat::I64(*i as i64)),
        (Type::F32, Val::F32(f)) => out.push(Flat::F32(*f)),
        (Type::F64, Val::F64(f)) => out.push(Flat::F64(*f)),
        (Type::Char, Val::Char(c)) => out.push(Flat::I32(u32::from(*c) as i32)),
        (Type::String, Val::String(s)) => {
            let (p, n) = lower_string(cx, s)?;
            out.extend([Flat::I32(p as i32), Flat::I32(n as i32)]);
        }
        (Type::List(_), Val::Bytes(_) | Val::List(_)) => {
            let (p, n) = lower_list(cx, t, v)?;
            out.extend([Flat::I32(p as i32), Flat::I32(n as i32)]);
        }
        (Type::Record(_) | Type::Tuple(_), Val::Record(vals)) => {
            let fields = t.fields().unwrap_or_default();
            if fields.len() != vals.len() {
                return Err(mismatch(t, v));
            }
            for (f, fv) in fields.iter().zip(vals) {
                lower_flat(cx, f, fv, out)?;
            }
        }
        (
            Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. },
            Val::Case(case, payload),
        ) => {
            let cases = t.cases().unwrap_or_default();
            let case_type = *cases.get(*case as usize).ok_or_else(|| mismatch(t, v))?;
            out.push(Flat::I32(*case as i32));
            let joined = abi::variant_payload_types(&cases);
            let mut flat = Vec::new();
            match (case_type, payload) {
                (Some(pt), Some(pv)) => lower_flat(cx, pt, pv, &mut flat)?,
                (None, None) => {}
                _ => return Err(mismatch(t, v)),
            }
            for (i, want) in joined.iter().enumerate() {
                out.push(flat.get(i).map_or(Flat::zero(*want), |h| coerce_to_joined(*h, *want)));
            }
        }
        (Type::Flags(names), Val::Flags(words)) => {
            let words = mask_flags(words.clone(), names.len());
            for i in 0..names.len().div_ceil(32) {
                out.push(Flat::I32(words.get(i).copied().unwrap_or(0) as i32));
            }
        }
        (Type::Own(rt), Val::Own(rep)) => {
            out.push(Flat::I32(cx.guest.handles().insert_own(*rt, *rep)? as i32))
        }
        (Type::Borrow(rt), Val::Borrow(rep)) => {
            out.push(Flat::I32(cx.guest.handles().insert_borrow(*rt, *rep)? as i32))
        }
        _ => return Err(mismatch(t, v)),
    }
    Ok(())
}

// ---- whole calls ----

fn params_tuple(f: &FuncType) -> Type {
    Type::Tuple(f.params.iter().map(|(_, t)| t.clone()).collect())
}

/// `canon lower`, on the way in: the arguments core wasm passed to a host
/// function of type `f`, lifted. `sig` is `f`'s
/// [`flat_signature`](abi::flat_signature) for [`Direction::Lower`],
/// which a caller making many calls computes once.
pub fn lift_args(
    cx: &mut Cx,
    f: &FuncType,
    sig: &abi::FlatSignature,
    flat: &[Flat],
) -> Result<Vec<Val>, Trap> {
    if flat.len() != sig.params.len() {
        return Err(Trap::new(format!(
            "{} core arguments for a function that takes {}",
            flat.len(),
            sig.params.len()
        )));
    }
    if sig.params_in_memory {
        let mut vi = FlatIter { vals: flat, at: 0 };
        let ptr = vi.i32()? as u32;
        return match load(cx, &params_tuple(f), ptr)? {
            Val::Record(vals) => Ok(vals),
            _ => unreachable!("a tuple loads as a record"),
        };
    }
    let mut vi = FlatIter { vals: flat, at: 0 };
    f.params.iter().map(|(_, t)| lift_flat(cx, t, &mut vi)).collect()
}

/// `canon lower`, on the way out: the host function's result, lowered to
/// what core wasm gets back (nothing when it goes to the out-pointer that
/// came last in `flat`). `sig` as for [`lift_args`].
pub fn lower_result(
    cx: &mut Cx,
    f: &FuncType,
    sig: &abi::FlatSignature,
    result: Option<&Val>,
    flat: &[Flat],
) -> Result<Vec<Flat>, Trap> {
    match (&f.result, result) {
        (None, None) => Ok(Vec::new()),
        (Some(t), Some(v)) if sig.results_in_memory => {
            let ptr = match flat.last() {
                Some(Flat::I32(p)) => *p as u32,
                _ => return Err(Trap::new("no out-pointer for the result")),
            };
            store(cx, t, v, ptr)?;
            Ok(Vec::new())
        }
        (Some(t), Some(v)) => {
            let mut out = Vec::new();
            lower_flat(cx, t, v, &mut out)?;
            Ok(out)
        }
        _ => Err(Trap::new("the host's result does not match the function's type")),
    }
}

/// `canon lift`, on the way in: the host's arguments to a guest export of
/// type `f`, lowered to core arguments.
pub fn lower_args(cx: &mut Cx, f: &FuncType, args: &[Val]) -> Result<Vec<Flat>, Trap> {
    if args.len() != f.params.len() {
        return Err(Trap::new(format!(
            "{} arguments for a function that takes {}",
            args.len(),
            f.params.len()
        )));
    }
    let sig = abi::flat_signature(f, Direction::Lift);
    if sig.params_in_memory {
        let tuple = params_tuple(f);
        let ptr = cx.alloc(abi::alignment(&tuple), abi::size(&tuple))?;
        store(cx, &tuple, &Val::Record(args.to_vec()), ptr)?;
        return Ok(vec![Flat::I32(ptr as i32)]);
    }
    let mut out = Vec::new();
    for ((_, t), v) in f.params.iter().zip(args) {
        lower_flat(cx, t, v, &mut out)?;
    }
    Ok(out)
}

/// `canon lift`, on the way out: what a guest export returned, lifted.
pub fn lift_result(cx: &mut Cx, f: &FuncType, flat: &[Flat]) -> Result<Option<Val>, Trap> {
    let sig = abi::flat_signature(f, Direction::Lift);
    let Some(t) = &f.result else { return Ok(None) };
    let mut vi = FlatIter { vals: flat, at: 0 };
    if sig.results_in_memory {
        let ptr = vi.i32()? as u32;
        return load(cx, t, ptr).map(Some);
    }
    lift_flat(cx, t, &mut vi).map(Some)
}

#[cfg(test)]
mod tests;
