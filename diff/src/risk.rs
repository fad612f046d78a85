//! Risk notes, and the rule for what SQLite must rebuild (the same as retort-sql's renderer).

use std::collections::BTreeSet;

use retort_schema::{Column, Dialect, Op, QName, Schema, SqlType, Table};

use crate::normalize::is_narrowing;
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
                            format!(
                                "changes the type of `{}.{}` from {} to {}: values that do not fit make it fail or are truncated",
                                a.table, a.column, col.ty, ty
                            ),
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
                        "adds NOT NULL column `{table}.{}` without a default: fails if `{table}` has rows",
                        column.name
                    ),
                );
            }
            Op::AddUnique { table, unique } if existing(table) => note(
                Risk::MayFail,
                format!(
                    "adds unique constraint `{}` on `{table}` ({}): fails if existing rows hold duplicates",
                    unique.name,
                    unique.columns.join(", ")
                ),
            ),
            Op::CreateIndex { table, index } if index.unique && existing(table) => note(
                Risk::MayFail,
                format!(
                    "adds unique index `{}` on `{table}` ({}): fails if existing rows hold duplicates",
                    index.name,
                    index.columns.join(", ")
                ),
            ),
            Op::AddPrimaryKey { table, primary_key } if existing(table) => note(
                Risk::MayFail,
                format!(
                    "adds primary key `{}` on `{table}` ({}): fails if existing rows hold duplicates or NULLs",
                    primary_key.name,
                    primary_key.columns.join(", ")
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
        if d == Dialect::Sqlite && sqlite_needs_rebuild(op, &state) {
            for t in rebuilt_tables(op, &state) {
                if existing(&t) {
                    note(
                        Risk::Rewrite,
                        format!("SQLite rebuilds table `{t}`: a copy of every row is made, the old table dropped"),
                    );
                }
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

fn rebuilt_tables(op: &Op, before: &Schema) -> Vec<QName> {
    match op {
        Op::AddEnumValue { name, .. } | Op::SetEnumValues { name, .. } => {
            let mut v: Vec<QName> = enum_columns(before, name)
                .into_iter()
                .map(|(t, _)| t.qname())
                .collect();
            v.dedup();
            v
        }
        other => other.table().cloned().into_iter().collect(),
    }
}

fn enum_columns<'s>(schema: &'s Schema, name: &QName) -> Vec<(&'s Table, &'s Column)> {
    let mut out = Vec::new();
    for t in &schema.tables {
        for c in &t.columns {
            if let SqlType::Enum { name: n, .. } = &c.ty {
                let q = QName::with_schema(t.schema.clone(), n.clone());
                if &q == name || (name.schema.is_none() && n == &name.name) {
                    out.push((t, c));
                }
            }
        }
    }
    out
}

pub use retort_sql::sqlite_needs_rebuild;
