//! `Op` -> SQL, one function per dialect.

use retort_schema::{AlterColumn, Column, Dialect, Op, QName, Schema, SqlType, Table, Value};

use crate::ddl::{
    check_clause, cols, column_def, create_index_sql, create_table_sql, drop_index_sql, fk_clause,
    is_literal, pk_clause, qi, unique_clause,
};
use crate::narrow;
use crate::quote::{quote_qname, quote_string, render_literal};
use crate::sqlite;
use crate::types::render_type_in;
use crate::RenderError;

/// Rows per `INSERT` statement in a bulk insert.
pub(crate) const BULK_INSERT_CHUNK: usize = 500;

pub(crate) struct Ctx<'a> {
    pub op: &'a Op,
    pub d: Dialect,
    pub before: &'a Schema,
    pub after: &'a Schema,
}

impl Ctx<'_> {
    pub fn table_before(&self, q: &QName) -> Result<&Table, RenderError> {
        self.before
            .table(q)
            .ok_or_else(|| self.state_error(format!("table `{q}` is not in the schema")))
    }

    pub fn table_after(&self, q: &QName) -> Result<&Table, RenderError> {
        self.after
            .table(q)
            .ok_or_else(|| self.state_error(format!("table `{q}` is not in the schema")))
    }

    pub fn state_error(&self, reason: String) -> RenderError {
        RenderError::Unsupported {
            op: self.op.describe(),
            dialect: self.d,
            reason,
        }
    }
}

/// The SQL texts for one operation (autocommit is decided by the caller).
pub(crate) fn render(cx: &Ctx<'_>) -> Result<Vec<String>, RenderError> {
    match cx.d {
        Dialect::Postgres => postgres(cx),
        Dialect::Mysql => mysql(cx),
        Dialect::Sqlite => sqlite::render(cx),
    }
}

fn alter(q: &QName, d: Dialect, rest: &str) -> String {
    format!("ALTER TABLE {} {rest}", quote_qname(q, d))
}

/// Statements shared by every dialect, or `None` for the dialect-specific ones.
pub(crate) fn common(cx: &Ctx<'_>) -> Result<Option<Vec<String>>, RenderError> {
    let d = cx.d;
    Ok(Some(match cx.op {
        Op::DropTable { table } => vec![format!("DROP TABLE {}", quote_qname(table, d))],
        // An index left out on this database (`Index::dialects`) is neither created nor dropped.
        Op::CreateIndex { index, .. } if !index.exists_on(d) => vec![],
        Op::CreateIndex { table, index } => {
            vec![create_index_sql(cx.table_after(table)?, index, d)]
        }
        Op::DropIndex { table, name }
            if cx
                .before
                .table(table)
                .and_then(|t| t.indexes.iter().find(|i| &i.name == name))
                .is_some_and(|i| !i.exists_on(d)) =>
        {
            vec![]
        }
        Op::DropIndex { table, name } => vec![drop_index_sql(table, name, d)],
        Op::Sql(raw) => raw
            .for_dialect(d)
            .filter(|s| !s.trim().is_empty())
            .map(|s| vec![s.to_string()])
            .unwrap_or_default(),
        Op::BulkInsert {
            table,
            columns,
            rows,
        } => bulk_insert(table, columns, rows, d)?,
        _ => return Ok(None),
    }))
}

pub(crate) fn bulk_insert(
    table: &QName,
    columns: &[String],
    rows: &[Vec<Value>],
    d: Dialect,
) -> Result<Vec<String>, RenderError> {
    for (i, r) in rows.iter().enumerate() {
        if r.len() != columns.len() {
            return Err(RenderError::RowLength {
                table: table.clone(),
                row: i,
                expected: columns.len(),
                got: r.len(),
            });
        }
    }
    if columns.is_empty() && !rows.is_empty() {
        return Err(RenderError::Unsupported {
            op: format!("insert {} rows into {table}", rows.len()),
            dialect: d,
            reason: "a bulk insert needs at least one column; list the columns to fill".into(),
        });
    }
    Ok(rows
        .chunks(BULK_INSERT_CHUNK)
        .map(|chunk| {
            let values: Vec<String> = chunk
                .iter()
                .map(|r| {
                    let v: Vec<String> = r.iter().map(|v| render_literal(v, d)).collect();
                    format!("({})", v.join(", "))
                })
                .collect();
            format!(
                "INSERT INTO {} ({}) VALUES\n    {}",
                quote_qname(table, d),
                cols(columns, d),
                values.join(",\n    ")
            )
        })
        .collect())
}

/// The columns (table, column) of `schema` whose type is the enum `name`.
pub(crate) fn enum_columns<'s>(schema: &'s Schema, name: &QName) -> Vec<(&'s Table, &'s Column)> {
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

fn pg_comment_table(q: &QName, comment: Option<&str>) -> String {
    let d = Dialect::Postgres;
    format!(
        "COMMENT ON TABLE {} IS {}",
        quote_qname(q, d),
        comment.map_or("NULL".to_string(), |c| quote_string(c, d))
    )
}

fn pg_comment_column(q: &QName, column: &str, comment: Option<&str>) -> String {
    let d = Dialect::Postgres;
    format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        quote_qname(q, d),
        qi(column, d),
        comment.map_or("NULL".to_string(), |c| quote_string(c, d))
    )
}

/// `COMMENT ON` statements for a new PostgreSQL table.
pub(crate) fn pg_table_comments(t: &Table) -> Vec<String> {
    let q = t.qname();
    let mut out = Vec::new();
    if let Some(c) = &t.comment {
        out.push(pg_comment_table(&q, Some(c)));
    }
    for c in &t.columns {
        if let Some(cm) = &c.comment {
            out.push(pg_comment_column(&q, &c.name, Some(cm)));
        }
    }
    out
}

pub(crate) fn pg_create_enum(q: &QName, values: &[String]) -> String {
    let d = Dialect::Postgres;
    let vals: Vec<String> = values.iter().map(|v| quote_string(v, d)).collect();
    format!(
        "CREATE TYPE {} AS ENUM ({})",
        quote_qname(q, d),
        vals.join(", ")
    )
}

fn postgres(cx: &Ctx<'_>) -> Result<Vec<String>, RenderError> {
    if let Some(v) = common(cx)? {
        return Ok(v);
    }
    let d = Dialect::Postgres;
    Ok(match cx.op {
        Op::CreateTable(t) => {
            let mut v = vec![create_table_sql(t, d, None, &|_| true)];
            v.extend(
                t.indexes
                    .iter()
                    .filter(|i| i.exists_on(d))
                    .map(|i| create_index_sql(t, i, d)),
            );
            v.extend(pg_table_comments(t));
            v
        }
        Op::RenameTable { table, new_name } => {
            vec![alter(table, d, &format!("RENAME TO {}", qi(new_name, d)))]
        }
        Op::AddColumn { table, column } => {
            let t = cx.table_after(table)?;
            let mut v = vec![alter(
                table,
                d,
                &format!("ADD COLUMN {}", column_def(t, column, d)),
            )];
            if let Some(cm) = &column.comment {
                v.push(pg_comment_column(table, &column.name, Some(cm)));
            }
            v
        }
        Op::DropColumn { table, column } => {
            vec![alter(table, d, &format!("DROP COLUMN {}", qi(column, d)))]
        }
        Op::AlterColumn(a) => pg_alter_column(cx, a)?,
        Op::AddUnique { table, unique } => vec![alter(
            table,
            d,
            &format!("ADD {}", unique_clause(&unique.name, &unique.columns, d)),
        )],
        Op::AddForeignKey { table, foreign_key } => {
            vec![alter(
                table,
                d,
                &format!("ADD {}", fk_clause(foreign_key, d)),
            )]
        }
        Op::AddCheck { table, check } => vec![alter(
            table,
            d,
            &format!("ADD {}", check_clause(&check.name, &check.expr, d)),
        )],
        Op::AddPrimaryKey { table, primary_key } => vec![alter(
            table,
            d,
            &format!(
                "ADD {}",
                pk_clause(&primary_key.name, &primary_key.columns, d)
            ),
        )],
        Op::DropUnique { table, name }
        | Op::DropForeignKey { table, name }
        | Op::DropCheck { table, name }
        | Op::DropPrimaryKey { table, name } => {
            vec![alter(table, d, &format!("DROP CONSTRAINT {}", qi(name, d)))]
        }
        Op::SetTableComment { table, comment } => {
            vec![pg_comment_table(table, comment.as_deref())]
        }
        Op::CreateEnum(e) => vec![pg_create_enum(&e.qname(), &e.values)],
        Op::DropEnum { name } => vec![format!("DROP TYPE {}", quote_qname(name, d))],
        Op::AddEnumValue {
            name,
            value,
            before,
        } => {
            let mut s = format!(
                "ALTER TYPE {} ADD VALUE {}",
                quote_qname(name, d),
                quote_string(value, d)
            );
            if let Some(b) = before {
                s.push_str(" BEFORE ");
                s.push_str(&quote_string(b, d));
            }
            vec![s]
        }
        Op::SetEnumValues { name, values } => crate::pg_enum::set_enum_values(cx, name, values),
        Op::DropTable { .. }
        | Op::CreateIndex { .. }
        | Op::DropIndex { .. }
        | Op::Sql(_)
        | Op::BulkInsert { .. } => unreachable_common(cx)?,
    })
}

/// The operations `common` handles never reach the per-dialect match; this keeps the match
/// exhaustive without a panic.
fn unreachable_common(cx: &Ctx<'_>) -> Result<Vec<String>, RenderError> {
    Err(cx.state_error("internal: operation was not rendered by the shared renderer".into()))
}

fn pg_alter_column(cx: &Ctx<'_>, a: &AlterColumn) -> Result<Vec<String>, RenderError> {
    let d = Dialect::Postgres;
    let t = cx.table_before(&a.table)?;
    let col = t.column(&a.column).ok_or_else(|| {
        cx.state_error(format!("column `{}.{}` does not exist", a.table, a.column))
    })?;
    let final_name = a.new_name.clone().unwrap_or_else(|| a.column.clone());
    let after_col = cx
        .table_after(&a.table)?
        .column(&final_name)
        .ok_or_else(|| {
            cx.state_error(format!("column `{}.{final_name}` does not exist", a.table))
        })?;
    let q = &a.table;
    let c = qi(&a.column, d);
    let mut v = Vec::new();
    let mut default_done = false;
    if let Some(ty) = &a.ty {
        let tyr = render_type_in(ty, d, t.schema.as_deref());
        if col.default.is_some() {
            // The old default may not cast to the new type: drop it and set the final one after.
            v.push(alter(q, d, &format!("ALTER COLUMN {c} DROP DEFAULT")));
        }
        let using = match (&a.using, narrow::truncate_to(cx, a)?) {
            (Some(u), _) => Some(u.clone()),
            // The explicit cast cuts strings to the new length.
            (None, Some(_)) => Some(format!("{c}::{tyr}")),
            // An assignment cast: fails on a value that does not fit, never truncates.
            (None, None) if narrow::pg_assignment_cast(&col.ty, ty) => None,
            (None, None) => {
                let via_text =
                    matches!(ty, SqlType::Enum { .. }) || matches!(col.ty, SqlType::Enum { .. });
                Some(if via_text {
                    format!("{c}::text::{tyr}")
                } else {
                    format!("{c}::{tyr}")
                })
            }
        };
        let using = using.map(|u| format!(" USING {u}")).unwrap_or_default();
        v.push(alter(q, d, &format!("ALTER COLUMN {c} TYPE {tyr}{using}")));
        if col.default.is_some() {
            if let Some(def) = &after_col.default {
                v.push(alter(q, d, &format!("ALTER COLUMN {c} SET DEFAULT {def}")));
            }
            default_done = true;
        }
    }
    if !default_done {
        match &a.default {
            Some(Some(def)) => v.push(alter(q, d, &format!("ALTER COLUMN {c} SET DEFAULT {def}"))),
            Some(None) => v.push(alter(q, d, &format!("ALTER COLUMN {c} DROP DEFAULT"))),
            None => {}
        }
    }
    match a.nullable {
        Some(true) => v.push(alter(q, d, &format!("ALTER COLUMN {c} DROP NOT NULL"))),
        Some(false) => v.push(alter(q, d, &format!("ALTER COLUMN {c} SET NOT NULL"))),
        None => {}
    }
    if final_name != a.column {
        v.push(alter(
            q,
            d,
            &format!("RENAME COLUMN {c} TO {}", qi(&final_name, d)),
        ));
    }
    if let Some(cm) = &a.comment {
        v.push(pg_comment_column(q, &final_name, cm.as_deref()));
    }
    Ok(v)
}

fn mysql(cx: &Ctx<'_>) -> Result<Vec<String>, RenderError> {
    if let Some(v) = common(cx)? {
        return Ok(v);
    }
    let d = Dialect::Mysql;
    Ok(match cx.op {
        Op::CreateTable(t) => {
            let mut v = vec![create_table_sql(t, d, None, &|_| true)];
            v.extend(
                t.indexes
                    .iter()
                    .filter(|i| i.exists_on(d))
                    .map(|i| create_index_sql(t, i, d)),
            );
            v
        }
        Op::RenameTable { table, new_name } => {
            let new = QName::with_schema(table.schema.clone(), new_name.clone());
            vec![alter(
                table,
                d,
                &format!("RENAME TO {}", quote_qname(&new, d)),
            )]
        }
        Op::AddColumn { table, column } => {
            let t = cx.table_after(table)?;
            vec![alter(
                table,
                d,
                &format!("ADD COLUMN {}", column_def(t, column, d)),
            )]
        }
        Op::DropColumn { table, column } => {
            vec![alter(table, d, &format!("DROP COLUMN {}", qi(column, d)))]
        }
        Op::AlterColumn(a) => {
            if a.is_empty() {
                return Ok(vec![]);
            }
            let t = cx.table_after(&a.table)?;
            let final_name = a.new_name.clone().unwrap_or_else(|| a.column.clone());
            let col = t.column(&final_name).ok_or_else(|| {
                cx.state_error(format!("column `{}.{final_name}` does not exist", a.table))
            })?;
            let renamed = final_name != a.column;
            let mut v = Vec::new();
            if let Some(n) = narrow::truncate_to(cx, a)? {
                v.push(narrow::mysql_cut_update(a, n));
            }
            let only_rename = a.ty.is_none()
                && a.nullable.is_none()
                && a.default.is_none()
                && a.comment.is_none();
            v.push(if renamed && only_rename {
                alter(
                    &a.table,
                    d,
                    &format!(
                        "RENAME COLUMN {} TO {}",
                        qi(&a.column, d),
                        qi(&final_name, d)
                    ),
                )
            } else if renamed {
                alter(
                    &a.table,
                    d,
                    &format!(
                        "CHANGE COLUMN {} {}",
                        qi(&a.column, d),
                        column_def(t, col, d)
                    ),
                )
            } else {
                alter(
                    &a.table,
                    d,
                    &format!("MODIFY COLUMN {}", column_def(t, col, d)),
                )
            });
            v
        }
        Op::AddUnique { table, unique } => vec![alter(
            table,
            d,
            &format!("ADD {}", unique_clause(&unique.name, &unique.columns, d)),
        )],
        Op::DropUnique { table, name } => {
            vec![alter(table, d, &format!("DROP INDEX {}", qi(name, d)))]
        }
        Op::AddForeignKey { table, foreign_key } => {
            vec![alter(
                table,
                d,
                &format!("ADD {}", fk_clause(foreign_key, d)),
            )]
        }
        Op::DropForeignKey { table, name } => {
            let mut v = vec![alter(
                table,
                d,
                &format!("DROP FOREIGN KEY {}", qi(name, d)),
            )];
            // InnoDB created an index named after the key when no other index could serve it;
            // it outlives the key, so it goes with it.
            if let Some(t) = cx.before.table(table) {
                if mysql_fk_has_implicit_index(t, name) {
                    v.push(alter(table, d, &format!("DROP INDEX {}", qi(name, d))));
                }
            }
            v
        }
        Op::AddCheck { table, check } => vec![alter(
            table,
            d,
            &format!("ADD {}", check_clause(&check.name, &check.expr, d)),
        )],
        Op::DropCheck { table, name } => {
            vec![alter(table, d, &format!("DROP CONSTRAINT {}", qi(name, d)))]
        }
        Op::AddPrimaryKey { table, primary_key } => {
            // MySQL keeps an AUTO_INCREMENT column only while it is a key: the flag that
            // `DropPrimaryKey` took off comes back with the new key, in the same statement.
            let t = cx.table_after(table)?;
            let mut parts = vec![format!(
                "ADD {}",
                pk_clause(&primary_key.name, &primary_key.columns, d)
            )];
            for c in mysql_auto_increment_columns(t, &primary_key.columns) {
                parts.push(format!("MODIFY COLUMN {}", column_def(t, c, d)));
            }
            vec![alter(table, d, &parts.join(", "))]
        }
        Op::DropPrimaryKey { table, .. } => {
            // `DROP PRIMARY KEY` fails on an AUTO_INCREMENT column ("there can be only one auto
            // column and it must be defined as a key"): the flag goes first, in the same
            // statement; `AddPrimaryKey` puts it back.
            let t = cx.table_before(table)?;
            let pk_columns = t
                .primary_key
                .as_ref()
                .map(|pk| pk.columns.clone())
                .unwrap_or_default();
            let mut parts = Vec::new();
            for c in mysql_auto_increment_columns(t, &pk_columns) {
                let mut plain = c.clone();
                plain.autoincrement = false;
                parts.push(format!("MODIFY COLUMN {}", column_def(t, &plain, d)));
            }
            parts.push("DROP PRIMARY KEY".to_string());
            vec![alter(table, d, &parts.join(", "))]
        }
        Op::SetTableComment { table, comment } => vec![alter(
            table,
            d,
            &format!(
                "COMMENT = {}",
                quote_string(comment.as_deref().unwrap_or(""), d)
            ),
        )],
        // MySQL enums live in the column type.
        Op::CreateEnum(_) | Op::DropEnum { .. } => vec![],
        Op::AddEnumValue { name, .. } | Op::SetEnumValues { name, .. } => {
            enum_columns(cx.after, name)
                .into_iter()
                .map(|(t, c)| {
                    alter(
                        &t.qname(),
                        d,
                        &format!("MODIFY COLUMN {}", column_def(t, c, d)),
                    )
                })
                .collect()
        }
        Op::DropTable { .. }
        | Op::CreateIndex { .. }
        | Op::DropIndex { .. }
        | Op::Sql(_)
        | Op::BulkInsert { .. } => unreachable_common(cx)?,
    })
}

/// The columns of `t` among `columns` that MySQL makes AUTO_INCREMENT.
fn mysql_auto_increment_columns<'t>(t: &'t Table, columns: &[String]) -> Vec<&'t Column> {
    columns
        .iter()
        .filter_map(|c| t.column(c))
        .filter(|c| c.autoincrement && c.ty.is_integer())
        .collect()
}

/// Whether SQLite's `ALTER TABLE ADD COLUMN` can add `c` (no rebuild).
pub(crate) fn sqlite_can_add_column(c: &Column) -> bool {
    if c.autoincrement {
        return false;
    }
    match &c.default {
        // Only constant defaults; CURRENT_* and expressions are refused by ADD COLUMN.
        Some(def) => {
            let def = def.trim();
            is_literal(def) && (c.nullable || !def.eq_ignore_ascii_case("NULL"))
        }
        None => c.nullable,
    }
}

/// Whether InnoDB made an index of its own for foreign key `fk_name` of `t`: it does when no
/// other index (primary key, unique, index) of the table starts with the key's columns.
pub(crate) fn mysql_fk_has_implicit_index(t: &retort_schema::Table, fk_name: &str) -> bool {
    let Some(fk) = t.foreign_keys.iter().find(|f| f.name == fk_name) else {
        return false;
    };
    let serves = |cols: &[String]| {
        cols.len() >= fk.columns.len() && cols[..fk.columns.len()] == fk.columns[..]
    };
    let pk = t.primary_key.as_ref().is_some_and(|pk| serves(&pk.columns));
    let unique = t.uniques.iter().any(|u| serves(&u.columns));
    let index = t
        .indexes
        .iter()
        .any(|i| i.name != fk_name && i.exists_on(Dialect::Mysql) && serves(&i.columns));
    !(pk || unique || index)
}
