//! SQLite: plain `ALTER TABLE` where SQLite has one, otherwise the documented table rebuild.

use retort_schema::{Dependent, DependentKind, Dialect, Op, QName, Table};

use crate::ddl::{column_def, create_index_sql, create_table_sql, qi};
use crate::ops::{common, enum_columns, sqlite_can_add_column, Ctx};
use crate::quote::quote_qname;
use crate::RenderError;

const D: Dialect = Dialect::Sqlite;

/// Prefix of the temporary table a rebuild creates.
pub const REBUILD_PREFIX: &str = "_retort_new_";

pub(crate) fn render(cx: &Ctx<'_>) -> Result<Vec<String>, RenderError> {
    if let Some(v) = common(cx)? {
        return Ok(v);
    }
    Ok(match cx.op {
        Op::CreateTable(t) => {
            let mut v = vec![create_table_sql(t, D, None, &|_| true)];
            v.extend(
                t.indexes
                    .iter()
                    .filter(|i| i.exists_on(D))
                    .map(|i| create_index_sql(t, i, D)),
            );
            v
        }
        Op::RenameTable { table, new_name } => vec![format!(
            "ALTER TABLE {} RENAME TO {}",
            quote_qname(table, D),
            qi(new_name, D)
        )],
        Op::AddColumn { table, column } => {
            if sqlite_can_add_column(column) {
                let t = cx.table_after(table)?;
                vec![format!(
                    "ALTER TABLE {} ADD COLUMN {}",
                    quote_qname(table, D),
                    column_def(t, column, D)
                )]
            } else {
                rebuild_same(cx, table)?
            }
        }
        Op::DropColumn { table, column } => {
            let t = cx.table_before(table)?;
            if can_drop_column(t, column) {
                vec![format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    quote_qname(table, D),
                    qi(column, D)
                )]
            } else {
                rebuild_same(cx, table)?
            }
        }
        Op::AlterColumn(a) => {
            let final_name = a.new_name.clone().unwrap_or_else(|| a.column.clone());
            let renamed = final_name != a.column;
            let reshaped = a.ty.is_some() || a.nullable.is_some() || a.default.is_some();
            if reshaped {
                let before = cx.table_before(&a.table)?;
                let after = cx.table_after(&a.table)?;
                let using = a.using.as_deref().filter(|_| a.ty.is_some());
                // SQLite does not enforce lengths: truncation is the copy's job.
                let cut = crate::narrow::truncate_to(cx, a)?
                    .map(|n| crate::narrow::cut_expr(&a.column, n, D));
                rebuild(before, after, &|new_col: &str| {
                    if new_col == final_name {
                        Some(match (using, &cut) {
                            (Some(expr), _) => expr.to_string(),
                            (None, Some(cut)) => cut.clone(),
                            (None, None) => qi(&a.column, D),
                        })
                    } else if before.column(new_col).is_some() {
                        Some(qi(new_col, D))
                    } else {
                        None
                    }
                })
            } else if renamed {
                vec![format!(
                    "ALTER TABLE {} RENAME COLUMN {} TO {}",
                    quote_qname(&a.table, D),
                    qi(&a.column, D),
                    qi(&final_name, D)
                )]
            } else {
                // Only a comment changed: SQLite has no comments.
                vec![]
            }
        }
        Op::AddUnique { table, .. }
        | Op::DropUnique { table, .. }
        | Op::AddForeignKey { table, .. }
        | Op::DropForeignKey { table, .. }
        | Op::AddCheck { table, .. }
        | Op::DropCheck { table, .. }
        | Op::AddPrimaryKey { table, .. }
        | Op::DropPrimaryKey { table, .. } => rebuild_same(cx, table)?,
        // SQLite keeps no comments and has no enum types of its own.
        Op::SetTableComment { .. } | Op::CreateEnum(_) | Op::DropEnum { .. } => vec![],
        Op::AddEnumValue { name, .. } | Op::SetEnumValues { name, .. } => {
            let mut tables: Vec<QName> = enum_columns(cx.after, name)
                .into_iter()
                .map(|(t, _)| t.qname())
                .collect();
            tables.dedup();
            let mut v = Vec::new();
            for q in &tables {
                v.extend(rebuild_same(cx, q)?);
            }
            v
        }
        Op::DropTable { .. }
        | Op::CreateIndex { .. }
        | Op::DropIndex { .. }
        | Op::Sql(_)
        | Op::BulkInsert { .. } => {
            return Err(cx
                .state_error("internal: operation was not rendered by the shared renderer".into()))
        }
    })
}

/// Whether SQLite's `ALTER TABLE DROP COLUMN` can drop `column` from `t`: it refuses a column
/// that is (part of) the primary key, is indexed or unique, is in a foreign key, or is named
/// by a CHECK or a partial-index predicate. Names are searched for as text, so a false
/// positive only costs a rebuild.
pub(crate) fn can_drop_column(t: &Table, column: &str) -> bool {
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

/// Rebuild of a table whose columns keep their names (new columns are left to their defaults,
/// dropped ones are not copied).
fn rebuild_same(cx: &Ctx<'_>, table: &QName) -> Result<Vec<String>, RenderError> {
    let before = cx.table_before(table)?;
    let after = cx.table_after(table)?;
    Ok(rebuild(before, after, &|c: &str| {
        before.column(c).map(|_| qi(c, D))
    }))
}

/// SQLite's 12-step procedure (<https://www.sqlite.org/lang_altertable.html#otheralter>),
/// steps 3 to 8: drop the views that read the table (SQLite checks them when the table is
/// renamed), create the new shape under a temporary name, copy the rows, drop the old table
/// (its triggers go with it), rename the new one, recreate the indexes, the triggers and the
/// views, from their SQL as the database keeps it ([`Table::dependents`]). `source(col)` is
/// the expression that fills the new column `col` from the old table, or `None` to leave it
/// to its default. Relies on the runner for steps 1-2 and 10-12 (`PRAGMA foreign_keys=OFF`
/// outside the transaction, `PRAGMA foreign_key_check` before commit).
pub(crate) fn rebuild(
    before: &Table,
    after: &Table,
    source: &dyn Fn(&str) -> Option<String>,
) -> Vec<String> {
    let tmp = QName::with_schema(
        after.schema.clone(),
        format!("{REBUILD_PREFIX}{}", after.name),
    );
    let views: Vec<&Dependent> = before
        .dependents
        .iter()
        .filter(|x| x.kind == DependentKind::View)
        .collect();
    let triggers = before
        .dependents
        .iter()
        .filter(|x| x.kind == DependentKind::Trigger);
    let mut v: Vec<String> = views
        .iter()
        .map(|x| {
            let q = QName::with_schema(before.schema.clone(), x.name.clone());
            format!("DROP VIEW {}", quote_qname(&q, D))
        })
        .collect();
    v.push(create_table_sql(after, D, Some(&tmp), &|_| true));
    let mut dst = Vec::new();
    let mut src = Vec::new();
    for c in &after.columns {
        if let Some(expr) = source(&c.name) {
            dst.push(qi(&c.name, D));
            src.push(expr);
        }
    }
    if !dst.is_empty() {
        v.push(format!(
            "INSERT INTO {} ({}) SELECT {} FROM {}",
            quote_qname(&tmp, D),
            dst.join(", "),
            src.join(", "),
            quote_qname(&before.qname(), D)
        ));
    }
    v.push(format!("DROP TABLE {}", quote_qname(&before.qname(), D)));
    v.push(format!(
        "ALTER TABLE {} RENAME TO {}",
        quote_qname(&tmp, D),
        qi(&after.name, D)
    ));
    v.extend(
        after
            .indexes
            .iter()
            .filter(|i| i.exists_on(D))
            .map(|i| create_index_sql(after, i, D)),
    );
    v.extend(triggers.map(|x| x.sql.clone()));
    v.extend(views.iter().map(|x| x.sql.clone()));
    v
}

/// Whether SQLite must rebuild a table for `op`, applied to `before`: the rule
/// [`crate::render_op`] follows (an `AlterColumn` changing type, nullability or default; an
/// `AddColumn` that `ALTER TABLE ADD COLUMN` refuses; a `DropColumn` of a column a key, index,
/// constraint or predicate uses; adding or dropping a unique, foreign key, check or primary key;
/// new values for an enum a column uses). The differ uses it for its "table rewrite" notes.
pub fn sqlite_needs_rebuild(op: &retort_schema::Op, before: &retort_schema::Schema) -> bool {
    use retort_schema::Op;
    match op {
        Op::AlterColumn(a) => a.ty.is_some() || a.nullable.is_some() || a.default.is_some(),
        Op::AddColumn { column, .. } => !crate::ops::sqlite_can_add_column(column),
        Op::DropColumn { table, column } => before
            .table(table)
            .is_some_and(|t| !can_drop_column(t, column)),
        Op::AddUnique { .. }
        | Op::DropUnique { .. }
        | Op::AddForeignKey { .. }
        | Op::DropForeignKey { .. }
        | Op::AddCheck { .. }
        | Op::DropCheck { .. }
        | Op::AddPrimaryKey { .. }
        | Op::DropPrimaryKey { .. } => true,
        Op::AddEnumValue { name, .. } | Op::SetEnumValues { name, .. } => {
            !crate::ops::enum_columns(before, name).is_empty()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use retort_schema::{
        AlterColumn, Column, Dependent, DependentKind, Op, Schema, SqlType, Table,
    };

    #[test]
    fn a_rebuild_drops_the_views_first_and_recreates_triggers_and_views_last() {
        let mut t = Table::new("users")
            .with_column(Column::new("id", SqlType::Integer))
            .with_column(Column::new("name", SqlType::Varchar(10)))
            .primary_key("pk_users", ["id"]);
        let trigger = "CREATE TRIGGER trg AFTER INSERT ON users BEGIN SELECT 1; END";
        let view = "CREATE VIEW v AS SELECT name FROM users";
        t.dependents = vec![
            Dependent {
                kind: DependentKind::Trigger,
                name: "trg".into(),
                sql: trigger.into(),
            },
            Dependent {
                kind: DependentKind::View,
                name: "v".into(),
                sql: view.into(),
            },
        ];
        let before = Schema {
            tables: vec![t],
            enums: vec![],
        };
        let op = Op::AlterColumn(AlterColumn::new("users", "name").ty(SqlType::Varchar(20)));
        let sql: Vec<String> = crate::render_op(&op, retort_schema::Dialect::Sqlite, &before)
            .unwrap()
            .into_iter()
            .map(|s| s.sql)
            .collect();
        let pos = |needle: &str| {
            sql.iter()
                .position(|s| s.starts_with(needle))
                .unwrap_or_else(|| panic!("no `{needle}` in {sql:#?}"))
        };
        assert_eq!(pos("DROP VIEW \"v\""), 0);
        assert!(pos("DROP TABLE") < pos("ALTER TABLE"));
        assert!(pos("ALTER TABLE") < pos(trigger));
        assert_eq!(pos(view), sql.len() - 1);
    }
}
