//! Rust identifiers for database names: snake_case fields, CamelCase types, keywords avoided,
//! and the same default names the derive computes (to know when `name = ".."` is needed).

use std::collections::BTreeSet;

/// Rust keywords (strict, reserved and edition 2024's `gen`): never used as an identifier.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv",
    "typeof", "unsized", "virtual", "yield", "try", "gen", "union",
];

/// Type names the generated code itself uses: a struct or enum must not shadow them.
const TAKEN_TYPES: &[&str] = &[
    "Self",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Clone",
    "Copy",
    "Debug",
    "PartialEq",
    "Eq",
    "Default",
    "Table",
    "DbEnum",
];

/// The derive's default table name for a struct (`OrderItem` -> `order_item`): the derive's own
/// rule, from `retort-schema`.
pub use retort_schema::naming::snake_case;

/// The words of a database name: `OrderLines`, `order-lines`, `order lines` -> `order`, `lines`.
fn words(name: &str) -> Vec<String> {
    snake_case(name)
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// A snake_case field identifier for a column name (`createdAt` -> `created_at`, `type` ->
/// `type_`, `2fa` -> `c_2fa`, `Ünïcode` -> `column`).
pub fn field_ident(column: &str) -> String {
    let mut id = words(column).join("_");
    if id.is_empty() {
        id = "column".to_string();
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id = format!("c_{id}");
    }
    if KEYWORDS.contains(&id.as_str()) {
        id.push('_');
    }
    id
}

/// A CamelCase type identifier for a table, enum type or label (`order_items` ->
/// `OrderItems`, `in-progress` -> `InProgress`, `Option` -> `OptionRow`).
pub fn type_ident(name: &str, fallback: &str) -> String {
    let mut id: String = words(name)
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect();
    if id.is_empty() {
        id = fallback.to_string();
    }
    if id.starts_with(|c: char| c.is_ascii_digit()) {
        id = format!("{fallback}{id}");
    }
    if TAKEN_TYPES.contains(&id.as_str()) {
        id.push_str(fallback);
    }
    id
}

/// Hands out identifiers unique within one scope (a struct's fields, a file's types).
#[derive(Default)]
pub struct Scope {
    used: BTreeSet<String>,
}

impl Scope {
    /// `id`, or `id_2`, `id_3`... (`Id2` for types) if taken.
    pub fn claim(&mut self, id: String, camel: bool) -> String {
        if self.used.insert(id.clone()) {
            return id;
        }
        (2..)
            .map(|n| {
                if camel {
                    format!("{id}{n}")
                } else {
                    format!("{id}_{n}")
                }
            })
            .find(|c| self.used.insert(c.clone()))
            .unwrap_or(id)
    }
}

/// A Rust string literal for `s` (escaped as Rust's `Debug` for `str` does, which is valid
/// literal syntax).
pub fn lit(s: &str) -> String {
    format!("{s:?}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields() {
        for (column, want) in [
            ("createdAt", "created_at"),
            ("CustomerID", "customer_id"),
            ("type", "type_"),
            ("Order Date", "order_date"),
            ("2fa_secret", "c_2fa_secret"),
            ("ÄÖ", "column"),
            ("self", "self_"),
        ] {
            assert_eq!(field_ident(column), want, "column {column:?}");
        }
    }

    #[test]
    fn types() {
        assert_eq!(type_ident("order_items", "Table"), "OrderItems");
        assert_eq!(type_ident("OrderLines", "Table"), "OrderLines");
        assert_eq!(type_ident("user", "Table"), "User");
        assert_eq!(type_ident("option", "Table"), "OptionTable");
        assert_eq!(type_ident("in-progress", "Variant"), "InProgress");
        assert_eq!(type_ident("2024_q1", "Table"), "Table2024Q1");
        assert_eq!(type_ident("", "Variant"), "Variant");
        assert_eq!(snake_case("OrderLines"), "order_lines");
    }

    #[test]
    fn scopes() {
        let mut s = Scope::default();
        assert_eq!(s.claim("id".into(), false), "id");
        assert_eq!(s.claim("id".into(), false), "id_2");
        assert_eq!(s.claim("User".into(), true), "User");
        assert_eq!(s.claim("User".into(), true), "User2");
    }
}
