//! Where the canonical ABI puts a value: its alignment and size in linear
//! memory, and the core value types it flattens to (CanonicalABI.md,
//! "Alignment", "Element Size", "Flattening").

use crate::types::{FuncType, Type};

/// A core value type, as flattening produces them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoreType {
    I32,
    I64,
    F32,
    F64,
}

/// Parameters past this many flat values go through memory.
pub const MAX_FLAT_PARAMS: usize = 16;
/// Results past this many flat values go through memory.
pub const MAX_FLAT_RESULTS: usize = 1;

/// The alignment of `t` in memory, in bytes.
pub fn alignment(t: &Type) -> u32 {
    match t {
        Type::Bool | Type::S8 | Type::U8 => 1,
        Type::S16 | Type::U16 => 2,
        Type::S32 | Type::U32 | Type::F32 | Type::Char | Type::Own(_) | Type::Borrow(_) => 4,
        Type::S64 | Type::U64 | Type::F64 => 8,
        Type::String | Type::List(_) => 4,
        Type::Record(_) | Type::Tuple(_) => {
            t.fields().unwrap_or_default().into_iter().map(alignment).max().unwrap_or(1)
        }
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            let cases = t.cases().unwrap_or_default();
            discriminant_size(cases.len()).max(max_case_alignment(&cases))
        }
        Type::Flags(names) => match flags_size(names.len()) {
            1 => 1,
            2 => 2,
            _ => 4,
        },
    }
}

/// The size of `t` in memory, in bytes (a multiple of its alignment).
pub fn size(t: &Type) -> u32 {
    match t {
        Type::Bool | Type::S8 | Type::U8 => 1,
        Type::S16 | Type::U16 => 2,
        Type::S32 | Type::U32 | Type::F32 | Type::Char | Type::Own(_) | Type::Borrow(_) => 4,
        Type::S64 | Type::U64 | Type::F64 => 8,
        Type::String | Type::List(_) => 8,
        Type::Record(_) | Type::Tuple(_) => {
            let mut s = 0;
            for f in t.fields().unwrap_or_default() {
                s = align_to(s, alignment(f)) + size(f);
            }
            align_to(s, alignment(t))
        }
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            let cases = t.cases().unwrap_or_default();
            let s = align_to(discriminant_size(cases.len()), max_case_alignment(&cases));
            let payload = cases.iter().flatten().map(|c| size(c)).max().unwrap_or(0);
            align_to(s + payload, alignment(t))
        }
        Type::Flags(names) => flags_size(names.len()),
    }
}

/// Where each field of a record-like type starts, from the record's start.
pub fn field_offsets(fields: &[&Type]) -> Vec<u32> {
    let mut s = 0;
    fields
        .iter()
        .map(|f| {
            s = align_to(s, alignment(f));
            let at = s;
            s += size(f);
            at
        })
        .collect()
}

/// Where a variant's payload starts, from the variant's start.
pub fn payload_offset(cases: &[Option<&Type>]) -> u32 {
    align_to(discriminant_size(cases.len()), max_case_alignment(cases))
}

/// The bytes of a variant's discriminant: the smallest of 1, 2, 4 that
/// numbers its cases.
pub fn discriminant_size(cases: usize) -> u32 {
    if cases <= 1 << 8 {
        1
    } else if cases <= 1 << 16 {
        2
    } else {
        4
    }
}

/// The bytes of a flags value with `n` flags.
pub fn flags_size(n: usize) -> u32 {
    match n {
        0..=8 => 1,
        9..=16 => 2,
        _ => 4 * n.div_ceil(32) as u32,
    }
}

fn max_case_alignment(cases: &[Option<&Type>]) -> u32 {
    cases.iter().flatten().map(|c| alignment(c)).max().unwrap_or(1)
}

/// `n` rounded up to a multiple of `align` (a power of two).
pub fn align_to(n: u32, align: u32) -> u32 {
    n.div_ceil(align) * align
}

/// The core value types `t` flattens to.
pub fn flatten(t: &Type) -> Vec<CoreType> {
    let mut out = Vec::new();
    flatten_into(t, &mut out);
    out
}

fn flatten_into(t: &Type, out: &mut Vec<CoreType>) {
    match t {
        Type::Bool
        | Type::S8
        | Type::U8
        | Type::S16
        | Type::U16
        | Type::S32
        | Type::U32
        | Type::Char
        | Type::Own(_)
        | Type::Borrow(_) => out.push(CoreType::I32),
        Type::S64 | Type::U64 => out.push(CoreType::I64),
        Type::F32 => out.push(CoreType::F32),
        Type::F64 => out.push(CoreType::F64),
        Type::String | Type::List(_) => out.extend([CoreType::I32, CoreType::I32]),
        Type::Record(_) | Type::Tuple(_) => {
            for f in t.fields().unwrap_or_default() {
                flatten_into(f, out);
            }
        }
        Type::Variant(_) | Type::Enum(_) | Type::Option(_) | Type::Result { .. } => {
            out.push(CoreType::I32);
            out.extend(variant_payload_types(&t.cases().unwrap_or_default()));
        }
        Type::Flags(names) => out.extend(std::iter::repeat_n(CoreType::I32, names.len().div_ceil(32))),
    }
}

/// The flat types a variant's payload takes: position by position, the
/// join of every case's flat types.
pub fn variant_payload_types(cases: &[Option<&Type>]) -> Vec<CoreType> {
    let mut joined: Vec<CoreType> = Vec::new();
    for case in cases.iter().flatten() {
        for (i, ft) in flatten(case).into_iter().enumerate() {
            match joined.get_mut(i) {
                Some(j) => *j = join(*j, ft),
                None => joined.push(ft),
            }
        }
    }
    joined
}

fn join(a: CoreType, b: CoreType) -> CoreType {
    match (a, b) {
        _ if a == b => a,
        (CoreType::I32, CoreType::F32) | (CoreType::F32, CoreType::I32) => CoreType::I32,
        _ => CoreType::I64,
    }
}

/// How a function's values cross between the host and core wasm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlatSignature {
    /// The core parameters: the flat parameters, or one pointer to them.
    pub params: Vec<CoreType>,
    /// The core results: the flat result, or none (lowered: the results go
    /// to a pointer passed last) or one pointer (lifted: the callee returns
    /// where it put them).
    pub results: Vec<CoreType>,
    /// The parameters are in memory, as a tuple at the one pointer.
    pub params_in_memory: bool,
    /// The results are in memory.
    pub results_in_memory: bool,
}

/// Which side of `canon` a function is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// `canon lower`: core wasm calls the host.
    Lower,
    /// `canon lift`: the host calls core wasm.
    Lift,
}

/// The core signature of `f` (CanonicalABI.md, `flatten_functype`).
pub fn flat_signature(f: &FuncType, direction: Direction) -> FlatSignature {
    let mut params: Vec<CoreType> = f.params.iter().flat_map(|(_, t)| flatten(t)).collect();
    let mut results: Vec<CoreType> = f.result.iter().flat_map(flatten).collect();
    let params_in_memory = params.len() > MAX_FLAT_PARAMS;
    if params_in_memory {
        params = vec![CoreType::I32];
    }
    let results_in_memory = results.len() > MAX_FLAT_RESULTS;
    if results_in_memory {
        match direction {
            Direction::Lift => results = vec![CoreType::I32],
            Direction::Lower => {
                params.push(CoreType::I32);
                results = Vec::new();
            }
        }
    }
    FlatSignature { params, results, params_in_memory, results_in_memory }
}
