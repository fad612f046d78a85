//! Quoting of identifiers and strings, and rendering of literal values.

use retort_schema::{Dialect, QName, Value};

/// Quotes an identifier: `"x"` on PostgreSQL and SQLite, `` `x` `` on MySQL/MariaDB. An
/// embedded quote character is doubled, so any name (spaces, capitals, quotes, reserved words)
/// comes through unchanged.
pub fn quote_ident(name: &str, d: Dialect) -> String {
    let q = match d {
        Dialect::Mysql => '`',
        Dialect::Postgres | Dialect::Sqlite => '"',
    };
    let mut out = String::with_capacity(name.len() + 2);
    out.push(q);
    for ch in name.chars() {
        if ch == q {
            out.push(q);
        }
        out.push(ch);
    }
    out.push(q);
    out
}

/// Quotes a possibly schema-qualified name: `"schema"."name"` or `"name"`.
pub fn quote_qname(q: &QName, d: Dialect) -> String {
    match &q.schema {
        Some(s) => format!("{}.{}", quote_ident(s, d), quote_ident(&q.name, d)),
        None => quote_ident(&q.name, d),
    }
}

/// Quotes a string literal: `'it''s'`. On MySQL/MariaDB a backslash is an escape character in
/// string literals (unless the server runs with `NO_BACKSLASH_ESCAPES`), so it is doubled too.
pub fn quote_string(s: &str, d: Dialect) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for ch in s.chars() {
        match ch {
            '\'' => out.push_str("''"),
            '\\' if d == Dialect::Mysql => out.push_str("\\\\"),
            _ => out.push(ch),
        }
    }
    out.push('\'');
    out
}

/// Renders a literal value for a bulk insert or offline SQL.
///
/// - booleans: `TRUE`/`FALSE` (SQLite: `1`/`0`);
/// - floats use the shortest representation that reads back to the same value; infinities and
///   NaN are `'Infinity'`, `'-Infinity'`, `'NaN'` on PostgreSQL, `9e999`/`-9e999`/`NULL` on
///   SQLite, and `NULL` on MySQL (which cannot store them);
/// - bytes: `'\x0A0B'::bytea` on PostgreSQL (read as hex with `standard_conforming_strings`
///   on, the default since PostgreSQL 9.1), `X'0A0B'` elsewhere.
pub fn render_literal(v: &Value, d: Dialect) -> String {
    match v {
        Value::Null => "NULL".to_string(),
        Value::Bool(b) => match (d, b) {
            (Dialect::Sqlite, true) => "1".to_string(),
            (Dialect::Sqlite, false) => "0".to_string(),
            (_, true) => "TRUE".to_string(),
            (_, false) => "FALSE".to_string(),
        },
        Value::Int(i) => i.to_string(),
        Value::Float(f) => render_float(*f, d),
        Value::Text(s) => quote_string(s, d),
        Value::Bytes(b) => {
            let mut hex = String::with_capacity(b.len() * 2);
            for byte in b {
                hex.push_str(&format!("{byte:02X}"));
            }
            match d {
                Dialect::Postgres => format!("'\\x{hex}'::bytea"),
                Dialect::Mysql | Dialect::Sqlite => format!("X'{hex}'"),
            }
        }
    }
}

fn render_float(f: f64, d: Dialect) -> String {
    if f.is_finite() {
        // `{:?}` is the shortest round-trip form (`1.0`, `0.1`, `1e-7`), valid SQL everywhere.
        return format!("{f:?}");
    }
    match d {
        Dialect::Postgres if f.is_nan() => "'NaN'".to_string(),
        Dialect::Postgres if f > 0.0 => "'Infinity'".to_string(),
        Dialect::Postgres => "'-Infinity'".to_string(),
        Dialect::Sqlite if f.is_nan() => "NULL".to_string(),
        Dialect::Sqlite if f > 0.0 => "9e999".to_string(),
        Dialect::Sqlite => "-9e999".to_string(),
        Dialect::Mysql => "NULL".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_double_embedded_quotes() {
        assert_eq!(quote_ident("order", Dialect::Postgres), r#""order""#);
        assert_eq!(
            quote_ident("Mixed Case", Dialect::Sqlite),
            r#""Mixed Case""#
        );
        assert_eq!(quote_ident(r#"a"b"#, Dialect::Postgres), r#""a""b""#);
        assert_eq!(quote_ident("a`b", Dialect::Mysql), "`a``b`");
        assert_eq!(quote_ident(r#"a"b"#, Dialect::Mysql), r#"`a"b`"#);
        assert_eq!(quote_ident("", Dialect::Postgres), r#""""#);
        assert_eq!(quote_ident("é ü", Dialect::Mysql), "`é ü`");
    }

    #[test]
    fn qualified_names() {
        let q = QName::with_schema(Some("audit".into()), "events");
        assert_eq!(quote_qname(&q, Dialect::Postgres), r#""audit"."events""#);
        assert_eq!(quote_qname(&q, Dialect::Mysql), "`audit`.`events`");
        assert_eq!(quote_qname(&QName::new("a.b"), Dialect::Sqlite), r#""a.b""#);
    }

    #[test]
    fn strings() {
        assert_eq!(quote_string("it's", Dialect::Postgres), "'it''s'");
        assert_eq!(quote_string(r"a\b", Dialect::Postgres), r"'a\b'");
        assert_eq!(quote_string(r"a\b", Dialect::Sqlite), r"'a\b'");
        assert_eq!(quote_string(r"it's a\b", Dialect::Mysql), r"'it''s a\\b'");
        assert_eq!(quote_string("", Dialect::Mysql), "''");
    }

    #[test]
    fn literals() {
        use Dialect::*;
        assert_eq!(render_literal(&Value::Null, Postgres), "NULL");
        assert_eq!(render_literal(&Value::Bool(true), Postgres), "TRUE");
        assert_eq!(render_literal(&Value::Bool(false), Mysql), "FALSE");
        assert_eq!(render_literal(&Value::Bool(true), Sqlite), "1");
        assert_eq!(render_literal(&Value::Int(-42), Sqlite), "-42");
        assert_eq!(render_literal(&Value::Float(1.0), Mysql), "1.0");
        assert_eq!(render_literal(&Value::Float(1e-7), Postgres), "1e-7");
        assert_eq!(render_literal(&Value::Float(f64::NAN), Postgres), "'NaN'");
        assert_eq!(
            render_literal(&Value::Float(f64::NEG_INFINITY), Sqlite),
            "-9e999"
        );
        assert_eq!(render_literal(&Value::Float(f64::INFINITY), Mysql), "NULL");
        assert_eq!(render_literal(&Value::Text("o'k".into()), Sqlite), "'o''k'");
        let bytes = Value::Bytes(vec![0, 0xab, 0x10]);
        assert_eq!(render_literal(&bytes, Postgres), r"'\x00AB10'::bytea");
        assert_eq!(render_literal(&bytes, Mysql), "X'00AB10'");
        assert_eq!(render_literal(&Value::Bytes(vec![]), Sqlite), "X''");
    }
}
