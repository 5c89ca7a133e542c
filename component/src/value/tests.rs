use super::*;
use crate::abi::{alignment, field_offsets, flat_signature, flatten, size, CoreType::*};

/// A guest with `len` bytes of memory and a bump allocator from 1024.
struct FakeGuest {
    mem: Vec<u8>,
    next: u32,
    handles: HandleTable,
    /// What realloc returns instead, if set (a hostile allocator).
    realloc_answer: Option<u32>,
}

impl FakeGuest {
    fn new(len: usize) -> Self {
        FakeGuest { mem: vec![0; len], next: 1024, handles: HandleTable::new(), realloc_answer: None }
    }
}

impl Guest for FakeGuest {
    fn memory_len(&self) -> u64 {
        self.mem.len() as u64
    }
    fn read(&self, at: u32, out: &mut [u8]) {
        out.copy_from_slice(&self.mem[at as usize..at as usize + out.len()]);
    }
    fn write(&mut self, at: u32, bytes: &[u8]) {
        self.mem[at as usize..at as usize + bytes.len()].copy_from_slice(bytes);
    }
    fn realloc(&mut self, _old: u32, _old_size: u32, align: u32, size: u32) -> Result<u32, Trap> {
        if let Some(p) = self.realloc_answer {
            return Ok(p);
        }
        let p = abi::align_to(self.next, align);
        self.next = p + size;
        Ok(p)
    }
    fn handles(&mut self) -> &mut HandleTable {
        &mut self.handles
    }
}

fn cx(g: &mut FakeGuest) -> Cx<'_> {
    Cx { guest: g, encoding: StringEncoding::Utf8 }
}

fn record(fields: &[Type]) -> Type {
    Type::Record(fields.iter().enumerate().map(|(i, t)| (format!("f{i}"), t.clone())).collect())
}

fn variant(cases: &[Option<Type>]) -> Type {
    Type::Variant(cases.iter().enumerate().map(|(i, t)| (format!("c{i}"), t.clone())).collect())
}

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("n{i}")).collect()
}

fn error_code() -> Type {
    // wasi:filesystem's error-code: an enum of 37 cases.
    Type::Enum(names(37))
}

#[test]
fn layouts_follow_the_canonical_abi() {
    let r = record(&[Type::U8, Type::U32]);
    assert_eq!((size(&r), alignment(&r)), (8, 4));
    assert_eq!(field_offsets(&[&Type::U8, &Type::U16, &Type::U8]), vec![0, 2, 4]);
    assert_eq!(size(&Type::Tuple(vec![Type::U8, Type::U16, Type::U8])), 6);
    let opt = Type::Option(Box::new(Type::U64));
    assert_eq!((size(&opt), alignment(&opt)), (16, 8));
    let res = Type::Result { ok: None, err: Some(Box::new(error_code())) };
    assert_eq!((size(&res), alignment(&res)), (2, 1));
    let big = Type::Enum(names(300));
    assert_eq!((size(&big), alignment(&big)), (2, 2));
    assert_eq!(size(&Type::Flags(names(8))), 1);
    assert_eq!(size(&Type::Flags(names(9))), 2);
    assert_eq!((size(&Type::Flags(names(33))), alignment(&Type::Flags(names(33)))), (8, 4));
    // wasi:filesystem's descriptor-stat-like record: u8, u64, option<record>.
    let ts = record(&[Type::U64, Type::U32]);
    let stat = record(&[Type::U8, Type::U64, Type::Option(Box::new(ts))]);
    assert_eq!((size(&stat), alignment(&stat)), (40, 8));
    assert_eq!(size(&Type::String), 8);
}

#[test]
fn variants_flatten_to_the_join_of_their_cases() {
    let r = Type::Result { ok: Some(Box::new(Type::U32)), err: Some(Box::new(Type::String)) };
    assert_eq!(flatten(&r), vec![I32, I32, I32]);
    assert_eq!(flatten(&variant(&[Some(Type::F32), Some(Type::U32)])), vec![I32, I32]);
    assert_eq!(flatten(&variant(&[Some(Type::F32), Some(Type::U64)])), vec![I32, I64]);
    assert_eq!(flatten(&variant(&[Some(Type::F32), Some(Type::F32)])), vec![I32, F32]);
    assert_eq!(flatten(&Type::Option(Box::new(Type::F64))), vec![I32, F64]);
    assert_eq!(flatten(&Type::Flags(names(40))), vec![I32, I32]);
    assert_eq!(flatten(&Type::Enum(names(3))), vec![I32]);
}

#[test]
fn many_params_go_through_memory_and_a_big_result_through_a_pointer() {
    let f = FuncType { params: (0..17).map(|i| (format!("p{i}"), Type::U32)).collect(), result: None };
    let s = flat_signature(&f, Direction::Lower);
    assert!(s.params_in_memory);
    assert_eq!(s.params, vec![I32]);
    let f = FuncType { params: vec![("s".into(), Type::String)], result: Some(Type::String) };
    let lowered = flat_signature(&f, Direction::Lower);
    assert_eq!((lowered.params, lowered.results), (vec![I32, I32, I32], vec![]));
    let lifted = flat_signature(&f, Direction::Lift);
    assert_eq!((lifted.params, lifted.results), (vec![I32, I32], vec![I32]));
}

/// A type with one of everything.
fn everything() -> Type {
    record(&[
        Type::Bool,
        Type::S8,
        Type::U16,
        Type::S64,
        Type::F32,
        Type::F64,
        Type::Char,
        Type::String,
        Type::List(Box::new(Type::U8)),
        Type::List(Box::new(Type::Tuple(vec![Type::U32, Type::String]))),
        variant(&[None, Some(Type::F32), Some(Type::U64)]),
        Type::Option(Box::new(Type::String)),
        Type::Result { ok: Some(Box::new(Type::U32)), err: Some(Box::new(error_code())) },
        Type::Flags(names(40)),
        Type::Enum(names(3)),
    ])
}

fn everything_val() -> Val {
    Val::Record(vec![
        Val::Bool(true),
        Val::S8(-5),
        Val::U16(65535),
        Val::S64(-1 << 40),
        Val::F32(1.5),
        Val::F64(-2.25),
        Val::Char('é'),
        Val::String("héllo".into()),
        Val::Bytes(vec![1, 2, 3]),
        Val::List(vec![
            Val::Record(vec![Val::U32(7), Val::String("a".into())]),
            Val::Record(vec![Val::U32(8), Val::String("".into())]),
        ]),
        Val::Case(1, Some(Box::new(Val::F32(-0.5)))),
        Val::some(Val::String("x".into())),
        Val::err(Some(Val::Case(36, None))),
        Val::Flags(vec![0x8000_0001, 0x80]),
        Val::Case(2, None),
    ])
}

#[test]
fn a_value_of_every_kind_stores_and_loads_back() {
    let mut g = FakeGuest::new(1 << 16);
    let (t, v) = (everything(), everything_val());
    store(&mut cx(&mut g), &t, &v, 64).unwrap();
    assert_eq!(load(&mut cx(&mut g), &t, 64).unwrap(), v);
}

#[test]
fn a_value_of_every_kind_lowers_to_flat_values_and_lifts_back() {
    let mut g = FakeGuest::new(1 << 16);
    let (t, v) = (everything(), everything_val());
    let mut flat = Vec::new();
    lower_flat(&mut cx(&mut g), &t, &v, &mut flat).unwrap();
    assert_eq!(flat.len(), flatten(&t).len());
    let back = lift_flat(&mut cx(&mut g), &t, &mut FlatIter { vals: &flat, at: 0 }).unwrap();
    assert_eq!(back, v);
}

#[test]
fn a_float_case_travels_as_the_bits_of_the_joined_integer() {
    let mut g = FakeGuest::new(4096);
    let t = variant(&[Some(Type::F32), Some(Type::U64)]);
    let mut flat = Vec::new();
    lower_flat(&mut cx(&mut g), &t, &Val::Case(0, Some(Box::new(Val::F32(1.0)))), &mut flat).unwrap();
    assert_eq!(flat, vec![Flat::I32(0), Flat::I64(i64::from(1.0f32.to_bits()))]);
}

#[test]
fn strings_in_utf16_and_latin1_utf16_round_trip() {
    for enc in [StringEncoding::Utf16, StringEncoding::Latin1Utf16] {
        for s in ["plain", "naïve", "snow ☃ and 𝄞"] {
            let mut g = FakeGuest::new(4096);
            let mut c = Cx { guest: &mut g, encoding: enc };
            store(&mut c, &Type::String, &Val::String(s.into()), 8).unwrap();
            assert_eq!(load(&mut c, &Type::String, 8).unwrap(), Val::String(s.into()), "{enc:?} {s}");
        }
    }
    // latin1+utf16 keeps latin-1 text one byte a char, untagged.
    let mut g = FakeGuest::new(4096);
    let mut c = Cx { guest: &mut g, encoding: StringEncoding::Latin1Utf16 };
    store(&mut c, &Type::String, &Val::String("naïve".into()), 8).unwrap();
    assert_eq!(u32::from_le_bytes(g.mem[12..16].try_into().unwrap()), 5);
}

fn put(g: &mut FakeGuest, at: usize, words: &[u32]) {
    for (i, w) in words.iter().enumerate() {
        g.mem[at + 4 * i..at + 4 * i + 4].copy_from_slice(&w.to_le_bytes());
    }
}

#[test]
fn a_string_or_list_out_of_bounds_or_misaligned_traps() {
    let mut g = FakeGuest::new(4096);
    put(&mut g, 0, &[4000, 200]);
    assert!(load(&mut cx(&mut g), &Type::String, 0).unwrap_err().0.contains("out of bounds"));
    put(&mut g, 0, &[u32::MAX, u32::MAX]);
    assert!(load(&mut cx(&mut g), &Type::List(Box::new(Type::U8)), 0).is_err());
    put(&mut g, 0, &[2, 1]);
    let e = load(&mut cx(&mut g), &Type::List(Box::new(Type::U32)), 0).unwrap_err();
    assert!(e.0.contains("aligned"), "{e}");
    // The value itself out of bounds, or misaligned.
    assert!(load(&mut cx(&mut g), &Type::U64, 4092).is_err());
    assert!(load(&mut cx(&mut g), &Type::U32, 2).is_err());
}

#[test]
fn a_list_of_empty_values_longer_than_the_limit_traps_without_allocating_it() {
    let mut g = FakeGuest::new(4096);
    put(&mut g, 0, &[0, u32::MAX]);
    let e = load(&mut cx(&mut g), &Type::List(Box::new(Type::Tuple(vec![]))), 0).unwrap_err();
    assert!(e.0.contains("at most"), "{e}");
}

#[test]
fn bad_utf8_a_bad_char_and_a_bad_case_trap() {
    let mut g = FakeGuest::new(4096);
    put(&mut g, 0, &[16, 2]);
    g.mem[16..18].copy_from_slice(&[0xff, 0xfe]);
    assert!(load(&mut cx(&mut g), &Type::String, 0).unwrap_err().0.contains("UTF-8"));
    put(&mut g, 0, &[0xD800]);
    assert!(load(&mut cx(&mut g), &Type::Char, 0).is_err());
    g.mem[0] = 2;
    assert!(load(&mut cx(&mut g), &Type::Option(Box::new(Type::U8)), 0).unwrap_err().0.contains("case 2"));
    let flat = [Flat::I32(5), Flat::I32(0)];
    let t = Type::Option(Box::new(Type::U32));
    assert!(lift_flat(&mut cx(&mut g), &t, &mut FlatIter { vals: &flat, at: 0 }).is_err());
}

#[test]
fn bits_past_the_last_flag_are_ignored() {
    let mut g = FakeGuest::new(64);
    g.mem[0] = 0xff;
    assert_eq!(load(&mut cx(&mut g), &Type::Flags(names(3)), 0).unwrap(), Val::Flags(vec![0b111]));
}

#[test]
fn an_allocator_that_answers_out_of_bounds_traps() {
    let mut g = FakeGuest::new(4096);
    g.realloc_answer = Some(4090);
    let e = store(&mut cx(&mut g), &Type::String, &Val::String("0123456789".into()), 0).unwrap_err();
    assert!(e.0.contains("cabi_realloc"), "{e}");
    g.realloc_answer = Some(3);
    let t = Type::List(Box::new(Type::U32));
    assert!(store(&mut cx(&mut g), &t, &Val::List(vec![Val::U32(1)]), 0).is_err());
}

#[test]
fn many_arguments_are_read_from_the_pointer_core_wasm_passes() {
    let f = FuncType { params: (0..17).map(|i| (format!("p{i}"), Type::U32)).collect(), result: None };
    let mut g = FakeGuest::new(4096);
    put(&mut g, 256, &(100..117).collect::<Vec<_>>());
    let args =
        lift_args(&mut cx(&mut g), &f, &flat_signature(&f, Direction::Lower), &[Flat::I32(256)]).unwrap();
    assert_eq!(args, (100..117).map(Val::U32).collect::<Vec<_>>());
}

#[test]
fn a_result_too_big_for_one_value_is_written_to_the_out_pointer() {
    // descriptor.read-via-stream-like: result<own<stream>, error-code>.
    let f = FuncType {
        params: vec![("self".into(), Type::Borrow(1)), ("offset".into(), Type::U64)],
        result: Some(Type::Result { ok: Some(Box::new(Type::Own(2))), err: Some(Box::new(error_code())) }),
    };
    let mut g = FakeGuest::new(4096);
    let me = g.handles.insert_own(1, 77).unwrap();
    let flat = [Flat::I32(me as i32), Flat::I64(0), Flat::I32(512)];
    let args = lift_args(&mut cx(&mut g), &f, &flat_signature(&f, Direction::Lower), &flat).unwrap();
    assert_eq!(args, vec![Val::Borrow(77), Val::U64(0)]);
    let out = lower_result(
        &mut cx(&mut g),
        &f,
        &flat_signature(&f, Direction::Lower),
        Some(&Val::ok(Some(Val::Own(5)))),
        &flat,
    )
    .unwrap();
    assert!(out.is_empty());
    assert_eq!(g.mem[512], 0);
    let h = u32::from_le_bytes(g.mem[516..520].try_into().unwrap());
    assert_eq!(g.handles.rep(h, 2), Ok(5));
    // The guest still holds its own handle: a borrow does not take it.
    assert_eq!(g.handles.rep(me, 1), Ok(77));
}

#[test]
fn an_own_argument_takes_the_handle_from_the_guest() {
    let f = FuncType { params: vec![("it".into(), Type::Own(3))], result: None };
    let mut g = FakeGuest::new(64);
    let h = g.handles.insert_own(3, 9).unwrap();
    assert_eq!(
        lift_args(&mut cx(&mut g), &f, &flat_signature(&f, Direction::Lower), &[Flat::I32(h as i32)])
            .unwrap(),
        vec![Val::Own(9)]
    );
    assert!(lift_args(&mut cx(&mut g), &f, &flat_signature(&f, Direction::Lower), &[Flat::I32(h as i32)])
        .is_err());
}

#[test]
fn a_host_value_that_does_not_match_its_type_is_an_error_not_a_panic() {
    let mut g = FakeGuest::new(64);
    assert!(store(&mut cx(&mut g), &Type::U32, &Val::String("x".into()), 0).is_err());
    assert!(store(&mut cx(&mut g), &Type::Enum(names(2)), &Val::Case(2, None), 0).is_err());
    let mut out = Vec::new();
    assert!(lower_flat(&mut cx(&mut g), &Type::Option(Box::new(Type::U8)), &Val::Case(1, None), &mut out)
        .is_err());
}

#[test]
fn an_export_with_many_params_gets_them_in_memory_and_returns_through_a_pointer() {
    let f = FuncType {
        params: (0..20).map(|i| (format!("p{i}"), Type::U8)).collect(),
        result: Some(Type::Tuple(vec![Type::U32, Type::U32])),
    };
    let mut g = FakeGuest::new(4096);
    let args: Vec<Val> = (0..20).map(Val::U8).collect();
    let flat = lower_args(&mut cx(&mut g), &f, &args).unwrap();
    let [Flat::I32(p)] = flat[..] else { panic!("{flat:?}") };
    assert_eq!(&g.mem[p as usize..p as usize + 20], &(0..20).collect::<Vec<u8>>()[..]);
    put(&mut g, 128, &[4, 5]);
    let r = lift_result(&mut cx(&mut g), &f, &[Flat::I32(128)]).unwrap();
    assert_eq!(r, Some(Val::Record(vec![Val::U32(4), Val::U32(5)])));
}
