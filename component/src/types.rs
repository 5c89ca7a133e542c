//! The component value types, reduced to what the canonical ABI needs: field
//! and case names are kept for messages, resources are named by an id the
//! component's reader gives them.

/// A resource type, as an id: two handles are of one type when their ids are
/// equal. The reader of a component numbers the resource types it meets.
pub type ResourceType = u32;

/// A component value type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Type {
    Bool,
    S8,
    U8,
    S16,
    U16,
    S32,
    U32,
    S64,
    U64,
    F32,
    F64,
    Char,
    String,
    List(Box<Type>),
    Record(Vec<(String, Type)>),
    Tuple(Vec<Type>),
    /// Cases with their optional payload.
    Variant(Vec<(String, Option<Type>)>),
    /// Case names only.
    Enum(Vec<String>),
    Option(Box<Type>),
    Result {
        ok: Option<Box<Type>>,
        err: Option<Box<Type>>,
    },
    Flags(Vec<String>),
    Own(ResourceType),
    Borrow(ResourceType),
}

impl Type {
    /// The cases of a variant-like type (variant, enum, option, result), each
    /// with its payload type: how the canonical ABI sees all four.
    pub fn cases(&self) -> Option<Vec<Option<&Type>>> {
        Some(match self {
            Type::Variant(cases) => cases.iter().map(|(_, t)| t.as_ref()).collect(),
            Type::Enum(names) => names.iter().map(|_| None).collect(),
            Type::Option(t) => vec![None, Some(&**t)],
            Type::Result { ok, err } => vec![ok.as_deref(), err.as_deref()],
            _ => return None,
        })
    }

    /// The fields of a record-like type (record, tuple).
    pub fn fields(&self) -> Option<Vec<&Type>> {
        Some(match self {
            Type::Record(fields) => fields.iter().map(|(_, t)| t).collect(),
            Type::Tuple(ts) => ts.iter().collect(),
            _ => return None,
        })
    }
}

/// A component function's type: its parameters and its result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FuncType {
    pub params: Vec<(String, Type)>,
    pub result: Option<Type>,
}
