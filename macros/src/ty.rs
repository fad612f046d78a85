//! What can be told about a field's Rust type from its tokens alone.

use syn::{GenericArgument, PathArguments, Type};

/// A type recognised by name. `Other` is anything else (a user's newtype, an alias): the
/// macro gives it the benefit of the doubt and lets `ColumnType` decide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    String,
    Integer,
    Float,
    Bool,
    Bytes,
    Decimal,
    Temporal,
    Uuid,
    Json,
    Other,
}

impl Kind {
    pub fn describe(self) -> &'static str {
        match self {
            Kind::String => "a string",
            Kind::Integer => "an integer",
            Kind::Float => "a float",
            Kind::Bool => "a boolean",
            Kind::Bytes => "bytes",
            Kind::Decimal => "a decimal",
            Kind::Temporal => "a date/time",
            Kind::Uuid => "a UUID",
            Kind::Json => "JSON",
            Kind::Other => "a custom type",
        }
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        Type::Group(g) => last_segment(&g.elem),
        Type::Paren(p) => last_segment(&p.elem),
        _ => None,
    }
}

fn single_type_arg(seg: &syn::PathSegment) -> Option<&Type> {
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    let mut types = args.args.iter().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    let first = types.next()?;
    types.next().is_none().then_some(first)
}

/// `T` when `ty` is `Option<T>`.
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let seg = last_segment(ty)?;
    if seg.ident != "Option" {
        return None;
    }
    single_type_arg(seg)
}

/// The kind of `ty`, looking through `Option`.
pub fn kind(ty: &Type) -> Kind {
    let ty = option_inner(ty).unwrap_or(ty);
    let path_has = |name: &str| match ty {
        Type::Path(p) => p.path.segments.iter().any(|s| s.ident == name),
        _ => false,
    };
    let Some(seg) = last_segment(ty) else {
        return Kind::Other;
    };
    match seg.ident.to_string().as_str() {
        "String" | "str" => Kind::String,
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => Kind::Integer,
        "f32" | "f64" => Kind::Float,
        "bool" => Kind::Bool,
        "Vec" => match single_type_arg(seg).and_then(last_segment) {
            Some(inner) if inner.ident == "u8" => Kind::Bytes,
            _ => Kind::Other,
        },
        "Decimal" => Kind::Decimal,
        "NaiveDate" | "NaiveTime" | "NaiveDateTime" | "DateTime" | "PrimitiveDateTime"
        | "OffsetDateTime" | "Date" | "Time" => Kind::Temporal,
        "Uuid" => Kind::Uuid,
        "Json" => Kind::Json,
        "Value" if path_has("serde_json") => Kind::Json,
        _ => Kind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    #[test]
    fn kinds() {
        let k = |t: Type| kind(&t);
        assert_eq!(k(parse_quote!(String)), Kind::String);
        assert_eq!(k(parse_quote!(Option<String>)), Kind::String);
        assert_eq!(k(parse_quote!(std::string::String)), Kind::String);
        assert_eq!(k(parse_quote!(i64)), Kind::Integer);
        assert_eq!(k(parse_quote!(Vec<u8>)), Kind::Bytes);
        assert_eq!(k(parse_quote!(Vec<String>)), Kind::Other);
        assert_eq!(k(parse_quote!(rust_decimal::Decimal)), Kind::Decimal);
        assert_eq!(
            k(parse_quote!(chrono::DateTime<chrono::Utc>)),
            Kind::Temporal
        );
        assert_eq!(k(parse_quote!(serde_json::Value)), Kind::Json);
        assert_eq!(k(parse_quote!(Value)), Kind::Other);
        assert_eq!(k(parse_quote!(Email)), Kind::Other);
    }

    #[test]
    fn options() {
        let t: Type = parse_quote!(Option<i64>);
        assert!(option_inner(&t).is_some());
        let t: Type = parse_quote!(core::option::Option<i64>);
        assert!(option_inner(&t).is_some());
        let t: Type = parse_quote!(i64);
        assert!(option_inner(&t).is_none());
    }
}
