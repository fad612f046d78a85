//! Risk notes. What SQLite rebuilds is retort-sql's decision ([`retort_sql::sqlite::plan`]),
//! the one the renderer takes.

use std::collections::BTreeSet;

use retort_schema::{AlterColumn, Dialect, Op, QName, Schema, SqlType, Table};
use retort_sql::sqlite::{self, Plan};

use crate::normalize::{canon_type, decimal_digits, is_narrowing};
use crate::{Note, Risk};

/// Walks `ops` from `from`, attaching notes to the risky ones. `created` are the tables the
/// plan creates (empty, so adding a unique or a foreign key to them cannot fail).
pub(crate) fn notes(from: &Schema, ops: &[Op], created: &BTreeSet<QName>, d: Dialect) -> Vec<Note> {
    let mut state = from.clone();
    let mut notes = Vec::new();
    let mut created: BTreeSet<QName> = created.clone();
    for (i, op) in ops.iter().enumerate() {
        let mut note = |risk: Risk, message: String| {
            notes.push(Note {
                op_index: i,
                risk,
                message,
            })
        };
        let existing = |t: &QName| !created.contains(t);
        match op {
            Op::DropTable { table } => {
                note(
                    Risk::Destructive,
                    format!("drops table `{table}` and all its rows"),
                );
            }
            Op::DropColumn { table, column } => note(
                Risk::Destructive,
                format!("drops column `{table}.{column}` and its data"),
            ),
            Op::AlterColumn(a) => {
                let before = state.table(&a.table).and_then(|t| t.column(&a.column));
                if let (Some(ty), Some(col)) = (&a.ty, before) {
                    if is_narrowing(&col.ty, ty, d) {
                        note(
                            Risk::Narrowing,
                            narrowing_message(a, &col.ty, ty, d),
                        );
                    }
                }
                if a.nullable == Some(false) && before.is_none_or(|c| c.nullable) {
                    note(
                        Risk::MayFail,
                        format!(
                            "makes `{}.{}` NOT NULL: fails if a row holds NULL",
                            a.table, a.column
                        ),
                    );
                }
            }
            Op::AddColumn { table, column }
                if !column.nullable && column.default.is_none() && !column.autoincrement =>
            {
                note(
                    Risk::MayFail,
                    format!(
                        "adds NOT NULL column `{table}.{}` without a default: if `{table}` has rows, PostgreSQL and SQLite fail, while MySQL/MariaDB fills them with {} (the type's implicit default) and succeeds; to mean the same everywhere, give it a `server_default`, or add it nullable, fill it, then make it NOT NULL",
                        column.name,
                        mysql_implicit_default(&column.ty)
                    ),
                );
            }
            Op::CreateIndex { table, index } => {
                if let Some(m) = state
                    .table(table)
                    .and_then(|t| partial_index_message(t, index))
                {
                    note(Risk::Degraded, m);
                }
                if index.unique && existing(table) {
                    note(
                        Risk::MayFail,
                        adds_key("unique index", &index.name, table, &index.columns, "duplicates"),
                    );
                }
            }
            Op::CreateTable(t) => {
                for i in &t.indexes {
                    if let Some(m) = partial_index_message(t, i) {
                        note(Risk::Degraded, m);
                    }
                }
            }
            Op::AddUnique { table, unique } if existing(table) => note(
                Risk::MayFail,
                adds_key(
                    "unique constraint",
                    &unique.name,
                    table,
                    &unique.columns,
                    "duplicates",
                ),
            ),
            Op::AddPrimaryKey { table, primary_key } if existing(table) => note(
                Risk::MayFail,
                adds_key(
                    "primary key",
                    &primary_key.name,
                    table,
                    &primary_key.columns,
                    "duplicates or NULLs",
                ),
            ),
            Op::AddForeignKey { table, foreign_key } if existing(table) => note(
                Risk::MayFail,
                format!(
                    "adds foreign key `{}` on `{table}`: fails if a row references a missing `{}` row",
                    foreign_key.name, foreign_key.ref_table
                ),
            ),
            Op::AddCheck { table, check } if existing(table) => note(
                Risk::MayFail,
                format!(
                    "adds check constraint `{}` on `{table}`: fails if a row violates `{}`",
                    check.name, check.expr
                ),
            ),
            Op::SetEnumValues { name, values } => {
                let old = state
                    .enum_type(name)
                    .map(|e| e.values.join(", "))
                    .unwrap_or_default();
                note(
                    Risk::Rewrite,
                    format!(
                        "rewrites enum type `{name}` ({old} -> {}): every column of that type is converted; fails if a row holds a removed value",
                        values.join(", ")
                    ),
                );
            }
            _ => {}
        }
        for message in auto_increment_notes(op, &state) {
            note(Risk::MayFail, message);
        }
        if let (Dialect::Sqlite, Plan::Rebuild(tables)) = (d, sqlite::plan(op, &state)) {
            for t in tables.iter().filter(|t| existing(t)) {
                note(
                    Risk::Rewrite,
                    format!("SQLite rebuilds table `{t}`: a copy of every row is made, the old table dropped"),
                );
            }
        }
        if let Op::RenameTable { table, new_name } = op {
            if created.remove(table) {
                created.insert(QName::with_schema(table.schema.clone(), new_name.clone()));
            }
        }
        if op.apply(&mut state).is_err() {
            // A plan that does not apply (hand-made input): keep the notes found so far.
            break;
        }
    }
    notes
}

/// What a narrowing type change does on each database: PostgreSQL and MySQL/MariaDB (strict
/// mode) fail on a value that does not fit (retort renders no truncating cast) and round to a
/// smaller scale; SQLite keeps values as they are (it enforces neither lengths nor widths).
/// What adding a key (`what` named `name` over `columns`) to an existing `table` risks: it
/// fails if existing rows hold `offenders`.
fn adds_key(what: &str, name: &str, table: &QName, columns: &[String], offenders: &str) -> String {
    format!(
        "adds {what} `{name}` on `{table}` ({}): fails if existing rows hold {offenders}",
        columns.join(", ")
    )
}

fn narrowing_message(a: &AlterColumn, from: &SqlType, to: &SqlType, d: Dialect) -> String {
    use SqlType::*;
    let head = format!(
        "changes the type of `{}.{}` from {from} to {to}",
        a.table, a.column
    );
    let (f, t) = (canon_type(from, d), canon_type(to, d));
    match (&f, &t) {
        (Enum { values: old, .. }, Enum { values: new, .. }) => {
            let gone: Vec<&str> = old
                .iter()
                .filter(|v| !new.contains(v))
                .map(String::as_str)
                .collect();
            format!(
                "{head}: removes enum value(s) {}: fails on every database if a row holds one",
                gone.join(", ")
            )
        }
        (_, Varchar(n)) if f.is_string() => {
            if a.truncate {
                format!("{head}: `.truncate()` cuts values longer than {n} characters to {n}, on every database")
            } else {
                format!(
                    "{head}: PostgreSQL and MySQL/MariaDB fail if a value is longer than {n} characters (add `.truncate()` to cut such values instead); SQLite does not enforce lengths and keeps longer values as they are"
                )
            }
        }
        (a, b) if a.is_integer() && b.is_integer() => format!(
            "{head}: PostgreSQL and MySQL/MariaDB fail if a value is out of {b}'s range; SQLite does not enforce integer widths and keeps every value"
        ),
        (Decimal { .. }, Decimal { .. }) => {
            let ((i1, s1), (i2, s2)) = (decimal_digits(&f), decimal_digits(&t));
            let mut parts = Vec::new();
            if s2 < s1 {
                parts.push(format!(
                    "PostgreSQL and MySQL/MariaDB round values to {s2} decimal place(s) (SQLite keeps them as they are)"
                ));
            }
            if let Some(i2) = i2 {
                if i1.is_none_or(|i1| i2 < i1) {
                    parts.push(format!(
                        "PostgreSQL and MySQL/MariaDB fail if a value has more than {i2} digit(s) before the point; SQLite keeps values as they are"
                    ));
                }
            }
            if parts.is_empty() {
                parts.push("values that do not fit make it fail".into());
            }
            format!("{head}: {}", parts.join("; "))
        }
        _ => format!(
            "{head}: fails on PostgreSQL and MySQL/MariaDB if a value does not convert; SQLite keeps values as they are"
        ),
    }
}

/// MySQL/MariaDB have no partial indexes: what a partial index `i` of `t` becomes there, unless
/// it is left out there (`Index::dialects`). Said on every dialect: the script runs on all.
pub(crate) fn partial_index_message(t: &Table, i: &retort_schema::Index) -> Option<String> {
    let p = i.predicate.as_deref()?;
    if !i.exists_on(Dialect::Mysql) {
        return None;
    }
    let twin = t
        .indexes
        .iter()
        .find(|o| o.name != i.name && o.columns == i.columns && o.exists_on(Dialect::Mysql))
        .map(|o| format!("; there it duplicates index `{}` (same columns)", o.name))
        .unwrap_or_default();
    Some(format!(
        "index `{}` on `{}` ({}) is partial (`WHERE {p}`): MySQL/MariaDB has no partial indexes and creates it over every row{}{twin}; add `dialects = [\"postgres\", \"sqlite\"]` to the index (`.dialects([Dialect::Postgres, Dialect::Sqlite])` in a script) to leave it out there",
        i.name,
        t.qname(),
        i.columns.join(", "),
        if i.unique {
            ", refusing duplicates the predicate would have allowed"
        } else {
            ""
        }
    ))
}

/// What MySQL/MariaDB put in the existing rows for a NOT NULL column added without a default.
fn mysql_implicit_default(ty: &SqlType) -> &'static str {
    match canon_type(ty, Dialect::Mysql) {
        SqlType::Boolean
        | SqlType::SmallInt
        | SqlType::Integer
        | SqlType::BigInt
        | SqlType::Real
        | SqlType::Double
        | SqlType::Decimal { .. } => "0",
        SqlType::Date => "'0000-00-00'",
        SqlType::Time => "'00:00:00'",
        SqlType::Timestamp { .. } => "'0000-00-00 00:00:00'",
        SqlType::Enum { .. } => "the first enum value",
        SqlType::Custom(_) => "the type's zero value ('' or 0)",
        _ => "''",
    }
}

/// Where a primary key leaves an auto-increment column generating values on some databases
/// only (the same script runs on all three, whichever database it was diffed against):
/// SQLite auto-increments only a single-column `INTEGER PRIMARY KEY`, MariaDB only a key
/// column.
fn auto_increment_notes(op: &Op, before: &Schema) -> Vec<String> {
    let (t, pk) = match op {
        Op::CreateTable(t) => match &t.primary_key {
            Some(pk) => (t, pk),
            None => return Vec::new(),
        },
        Op::AddPrimaryKey { table, primary_key } => match before.table(table) {
            Some(t) => (t, primary_key),
            None => return Vec::new(),
        },
        _ => return Vec::new(),
    };
    let q = t.qname();
    t.columns
        .iter()
        .filter(|c| c.autoincrement && c.ty.is_integer())
        .filter_map(|c| {
            let in_pk = pk.columns.contains(&c.name);
            if in_pk && pk.columns.len() > 1 {
                Some(format!(
                    "`{q}.{}` is auto-increment in a primary key of {} columns: SQLite gives it no values (it auto-increments only a single-column INTEGER PRIMARY KEY), PostgreSQL and MariaDB do; inserts that leave it out fail on SQLite",
                    c.name,
                    pk.columns.len()
                ))
            } else if !in_pk && matches!(op, Op::AddPrimaryKey { .. }) {
                Some(format!(
                    "`{q}.{}` is auto-increment but not in primary key `{}`: MariaDB drops its AUTO_INCREMENT (only a key column keeps it), SQLite gives it no values, PostgreSQL keeps its identity",
                    c.name, pk.name
                ))
            } else {
                None
            }
        })
        .collect()
}
