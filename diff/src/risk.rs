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

/// Whether SQLite must rebuild a table for `op`, applied to `before` (retort-sql's rule):
/// an `AlterColumn` changing the type, nullability or default; an `AddColumn` that `ALTER
/// TABLE ADD COLUMN` refuses (NOT NULL without a default, a non-constant default,
/// auto-increment); a `DropColumn` of a column in the primary key, an index, a unique, a
/// foreign key, a CHECK or an index predicate; adding or dropping a unique, foreign key,
/// check or primary key; changing the values of an enum used by a column.
pub fn sqlite_needs_rebuild(op: &Op, before: &Schema) -> bool {
    match op {
        Op::AlterColumn(a) => a.ty.is_some() || a.nullable.is_some() || a.default.is_some(),
        Op::AddColumn { column, .. } => !sqlite_can_add_column(column),
        Op::DropColumn { table, column } => before
            .table(table)
            .is_some_and(|t| !sqlite_can_drop_column(t, column)),
        Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::AddForeignKey { .. }
        | Op::DropForeignKey { .. }
        | Op::AddCheck { .. }
        | Op::DropCheck { .. }
        | Op::AddPrimaryKey { .. }
        | Op::DropPrimaryKey { .. } => true,
        Op::AddEnumValue { name, .. } | Op::SetEnumValues { name, .. } => {
            !enum_columns(before, name).is_empty()
        }
        _ => false,
    }
}

fn sqlite_can_add_column(c: &Column) -> bool {
    if c.autoincrement {
        return false;
    }
    match &c.default {
        Some(def) => {
            let def = def.trim();
            is_literal(def) && (c.nullable || !def.eq_ignore_ascii_case("NULL"))
        }
        None => c.nullable,
    }
}

fn sqlite_can_drop_column(t: &Table, column: &str) -> bool {
    let uses = |cols: &[String]| cols.iter().any(|c| c == column);
    let lower = column.to_lowercase();
    let mentions = |expr: &str| expr.to_lowercase().contains(&lower);
    !(t.is_pk_column(column)
        || t.indexes
            .iter()
            .any(|i| uses(&i.columns) || i.predicate.as_deref().is_some_and(mentions))
        || t.uniques.iter().any(|u| uses(&u.columns))
        || t.foreign_keys.iter().any(|f| uses(&f.columns))
        || t.checks.iter().any(|c| mentions(&c.expr)))
}

fn is_literal(e: &str) -> bool {
    let u = e.to_ascii_uppercase();
    if matches!(u.as_str(), "NULL" | "TRUE" | "FALSE") {
        return true;
    }
    if is_number(e) {
        return true;
    }
    let body = if (u.starts_with("X'") || u.starts_with("B'")) && e.len() >= 3 {
        &e[1..]
    } else {
        e
    };
    is_single_string(body)
}

fn is_number(e: &str) -> bool {
    let s = e.strip_prefix(['-', '+']).unwrap_or(e);
    let (mant, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut digits = 0;
    let mut dots = 0;
    for ch in mant.chars() {
        match ch {
            '0'..='9' => digits += 1,
            '.' => dots += 1,
            _ => return false,
        }
    }
    if digits == 0 || dots > 1 {
        return false;
    }
    match exp {
        None => true,
        Some(x) => {
            let x = x.strip_prefix(['-', '+']).unwrap_or(x);
            !x.is_empty() && x.chars().all(|c| c.is_ascii_digit())
        }
    }
}

fn is_single_string(s: &str) -> bool {
    let Some(inner) = s.strip_prefix('\'').and_then(|x| x.strip_suffix('\'')) else {
        return false;
    };
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            if chars.peek() == Some(&'\'') {
                chars.next();
            } else {
                return false;
            }
        }
    }
    true
}
