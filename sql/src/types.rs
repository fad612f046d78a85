//! Column types per dialect (the table is in the crate documentation).

use retort_schema::{Dialect, QName, SqlType};

use crate::quote::{quote_ident, quote_qname, quote_string};

/// The column type as written in DDL.
///
/// A PostgreSQL enum renders as its quoted type name, unqualified; DDL for a table in a named
/// schema qualifies it with the table's schema (see the crate documentation).
pub fn render_type(ty: &SqlType, d: Dialect) -> String {
    render_type_in(ty, d, None)
}

/// [`render_type`] for a column of a table in `schema` (PostgreSQL enums are qualified with it).
pub(crate) fn render_type_in(ty: &SqlType, d: Dialect, schema: Option<&str>) -> String {
    match d {
        Dialect::Postgres => postgres(ty, schema),
        Dialect::Mysql => mysql(ty),
        Dialect::Sqlite => sqlite(ty),
    }
}

/// `NUMERIC(p, s)`; a scale of 0 is written `NUMERIC(p)` (the same type, one spelling: SQLite
/// keeps the declared text, and a table rebuilt from an introspected schema, where a scale of 0
/// reads back as none, must declare what the upgrade declared).
fn decimal(word: &str, precision: Option<u32>, scale: Option<u32>) -> String {
    match (precision, scale) {
        (Some(p), Some(0) | None) => format!("{word}({p})"),
        (Some(p), Some(s)) => format!("{word}({p}, {s})"),
        // A scale without a precision cannot be written; the database default precision applies.
        (None, _) => word.to_string(),
    }
}

/// The PostgreSQL name of an enum type used by a column of a table in `schema`.
pub(crate) fn pg_enum_name(name: &str, schema: Option<&str>) -> String {
    quote_qname(
        &QName::with_schema(schema.map(str::to_string), name),
        Dialect::Postgres,
    )
}

fn postgres(ty: &SqlType, schema: Option<&str>) -> String {
    match ty {
        SqlType::Boolean => "BOOLEAN".into(),
        SqlType::SmallInt => "SMALLINT".into(),
        SqlType::Integer => "INTEGER".into(),
        SqlType::BigInt => "BIGINT".into(),
        SqlType::Real => "REAL".into(),
        SqlType::Double => "DOUBLE PRECISION".into(),
        SqlType::Text => "TEXT".into(),
        SqlType::Varchar(n) => format!("VARCHAR({n})"),
        SqlType::Blob => "BYTEA".into(),
        SqlType::Decimal { precision, scale } => decimal("NUMERIC", *precision, *scale),
        SqlType::Date => "DATE".into(),
        SqlType::Time => "TIME".into(),
        SqlType::Timestamp {
            with_time_zone: false,
        } => "TIMESTAMP".into(),
        SqlType::Timestamp {
            with_time_zone: true,
        } => "TIMESTAMPTZ".into(),
        SqlType::Uuid => "UUID".into(),
        SqlType::Json { binary: false } => "JSON".into(),
        SqlType::Json { binary: true } => "JSONB".into(),
        SqlType::Enum { name, .. } => pg_enum_name(name, schema),
        SqlType::Custom(s) => s.clone(),
    }
}

/// MySQL/MariaDB: PostgreSQL's spellings for `BOOLEAN`, `SMALLINT`, `BIGINT`, `VARCHAR(n)`,
/// `DATE` and custom types; their own for the rest.
fn mysql(ty: &SqlType) -> String {
    match ty {
        SqlType::Integer => "INT".into(),
        SqlType::Real => "FLOAT".into(),
        SqlType::Double => "DOUBLE".into(),
        SqlType::Text => "LONGTEXT".into(),
        SqlType::Blob => "LONGBLOB".into(),
        SqlType::Decimal { precision, scale } => decimal("DECIMAL", *precision, *scale),
        SqlType::Time => "TIME(6)".into(),
        SqlType::Timestamp { .. } => "DATETIME(6)".into(),
        SqlType::Uuid => "CHAR(36)".into(),
        SqlType::Json { .. } => "JSON".into(),
        SqlType::Enum { values, .. } => {
            let vals: Vec<String> = values
                .iter()
                .map(|v| quote_string(v, Dialect::Mysql))
                .collect();
            format!("ENUM({})", vals.join(", "))
        }
        other => postgres(other, None),
    }
}

/// SQLite keeps declared types as written: PostgreSQL's spellings, except `BLOB` (SQLite would
/// give `BYTEA` numeric affinity), `DOUBLE`, `JSON` for both kinds and `TEXT` for an enum.
fn sqlite(ty: &SqlType) -> String {
    match ty {
        SqlType::Double => "DOUBLE".into(),
        SqlType::Blob => "BLOB".into(),
        SqlType::Json { .. } => "JSON".into(),
        // The values are a CHECK on the column (`sqlite_enum_check`).
        SqlType::Enum { .. } => "TEXT".into(),
        other => postgres(other, None),
    }
}

/// The SQLite CHECK that stands for an enum type: `"col" IN ('a', 'b')`.
pub(crate) fn sqlite_enum_check(column: &str, values: &[String]) -> String {
    let vals: Vec<String> = values
        .iter()
        .map(|v| quote_string(v, Dialect::Sqlite))
        .collect();
    format!(
        "{} IN ({})",
        quote_ident(column, Dialect::Sqlite),
        vals.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_on_every_dialect() {
        let e = SqlType::Enum {
            name: "mood".into(),
            values: vec!["happy".into(), "it's".into()],
        };
        let dec = |p, s| SqlType::Decimal {
            precision: p,
            scale: s,
        };
        // (type, sqlite, postgres, mysql)
        let cases: Vec<(SqlType, &str, &str, &str)> = vec![
            (SqlType::Boolean, "BOOLEAN", "BOOLEAN", "BOOLEAN"),
            (SqlType::SmallInt, "SMALLINT", "SMALLINT", "SMALLINT"),
            (SqlType::Integer, "INTEGER", "INTEGER", "INT"),
            (SqlType::BigInt, "BIGINT", "BIGINT", "BIGINT"),
            (SqlType::Real, "REAL", "REAL", "FLOAT"),
            (SqlType::Double, "DOUBLE", "DOUBLE PRECISION", "DOUBLE"),
            (SqlType::Text, "TEXT", "TEXT", "LONGTEXT"),
            (
                SqlType::Varchar(320),
                "VARCHAR(320)",
                "VARCHAR(320)",
                "VARCHAR(320)",
            ),
            (SqlType::Blob, "BLOB", "BYTEA", "LONGBLOB"),
            (
                dec(Some(10), Some(2)),
                "NUMERIC(10, 2)",
                "NUMERIC(10, 2)",
                "DECIMAL(10, 2)",
            ),
            (dec(Some(8), None), "NUMERIC(8)", "NUMERIC(8)", "DECIMAL(8)"),
            (
                dec(Some(8), Some(0)),
                "NUMERIC(8)",
                "NUMERIC(8)",
                "DECIMAL(8)",
            ),
            (dec(None, None), "NUMERIC", "NUMERIC", "DECIMAL"),
            (SqlType::Date, "DATE", "DATE", "DATE"),
            (SqlType::Time, "TIME", "TIME", "TIME(6)"),
            (
                SqlType::Timestamp {
                    with_time_zone: false,
                },
                "TIMESTAMP",
                "TIMESTAMP",
                "DATETIME(6)",
            ),
            (
                SqlType::Timestamp {
                    with_time_zone: true,
                },
                "TIMESTAMPTZ",
                "TIMESTAMPTZ",
                "DATETIME(6)",
            ),
            (SqlType::Uuid, "UUID", "UUID", "CHAR(36)"),
            (SqlType::Json { binary: false }, "JSON", "JSON", "JSON"),
            (SqlType::Json { binary: true }, "JSON", "JSONB", "JSON"),
            (e.clone(), "TEXT", r#""mood""#, "ENUM('happy', 'it''s')"),
            (
                SqlType::Custom("CITEXT".into()),
                "CITEXT",
                "CITEXT",
                "CITEXT",
            ),
        ];
        for (ty, sqlite, pg, my) in cases {
            assert_eq!(render_type(&ty, Dialect::Sqlite), sqlite, "{ty:?} sqlite");
            assert_eq!(render_type(&ty, Dialect::Postgres), pg, "{ty:?} postgres");
            assert_eq!(render_type(&ty, Dialect::Mysql), my, "{ty:?} mysql");
        }
        assert_eq!(
            render_type_in(&e, Dialect::Postgres, Some("audit")),
            r#""audit"."mood""#
        );
    }

    #[test]
    fn sqlite_enum_check_quotes_values() {
        assert_eq!(
            sqlite_enum_check("my col", &["a".into(), "b'c".into()]),
            r#""my col" IN ('a', 'b''c')"#
        );
    }
}
