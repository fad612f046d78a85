//! SQLite: plain `ALTER TABLE` where SQLite has one, otherwise the documented table rebuild.
//! [`plan`] is the one decision between the two (Atlas's `alterable()`): the renderer
//! dispatches on it, and the differ's risk notes read it.

use retort_schema::{
    AlterColumn, Column, Dependent, DependentKind, Dialect, Op, QName, Schema, Table,
};

use super::{alter, dispatch, enum_columns, narrow, Ctx, EnumChange, Renderer, Sql};
use crate::ddl::{create_index_sql, create_table_sql, is_literal, qi};
use crate::quote::quote_qname;

const D: Dialect = Dialect::Sqlite;

/// Prefix of the temporary table a rebuild creates.
pub const REBUILD_PREFIX: &str = "_retort_new_";

/// How SQLite carries out an operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    /// In place: `ALTER TABLE`, `CREATE`/`DROP`, or no statement at all (comments, enum types
    /// no column uses).
    Alter,
    /// The table rebuild of each of these tables (new shape under a temporary name, copy,
    /// drop, rename; see the crate documentation).
    Rebuild(Vec<QName>),
}

impl Plan {
    pub fn is_rebuild(&self) -> bool {
        matches!(self, Plan::Rebuild(_))
    }
}

/// Whether SQLite alters in place or rebuilds tables for `op`, applied to `before`: a rebuild
/// for an `AlterColumn` changing type, nullability or default; an `AddColumn` that `ALTER
/// TABLE ADD COLUMN` refuses (NOT NULL without a default, a default that is not a constant,
/// auto-increment); a `DropColumn` of a column a key, index, constraint or predicate uses;
/// adding or dropping a unique, foreign key, check or primary key; new values for an enum
/// (every table with a column of it, for the column's CHECK). Everything else is altered in
/// place.
pub fn plan(op: &Op, before: &Schema) -> Plan {
    let rebuild = match op {
        Op::AlterColumn(a) => a.ty.is_some() || a.nullable.is_some() || a.default.is_some(),
        Op::AddColumn { column, .. } => !can_add_column(column),
        Op::DropColumn { table, column } => before
            .table(table)
            .is_some_and(|t| !can_drop_column(t, column)),
        Op::AddEnumValue { name, .. } | Op::SetEnumValues { name, .. } => {
            let mut tables: Vec<QName> = enum_columns(before, name)
                .into_iter()
                .map(|(t, _)| t.qname())
                .collect();
            tables.dedup();
            return if tables.is_empty() {
                Plan::Alter
            } else {
                Plan::Rebuild(tables)
            };
        }
        // The rest is altered in place, except a constraint added or dropped.
        _ => op.changes_constraint(),
    };
    match op.table() {
        Some(table) if rebuild => Plan::Rebuild(vec![table.clone()]),
        _ => Plan::Alter,
    }
}

pub(crate) struct Sqlite;

/// What [`plan`] sends to a rebuild never reaches the `ALTER` methods: the constraint
/// statements keep the trait's defaults, and the ones below cover only what SQLite alters in
/// place.
impl Renderer for Sqlite {
    fn dialect(&self) -> Dialect {
        D
    }

    fn render(&self, cx: &Ctx<'_>) -> Sql {
        match plan(cx.op, cx.before) {
            Plan::Alter => dispatch(self, cx),
            Plan::Rebuild(tables) => {
                let mut v = Vec::new();
                for q in &tables {
                    v.extend(rebuild_table(cx, q)?);
                }
                Ok(v)
            }
        }
    }

    /// In place only a rename (an enum column's CHECK keeps its name) or a comment, which
    /// SQLite does not keep.
    fn alter_column(&self, _cx: &Ctx<'_>, a: &AlterColumn) -> Sql {
        Ok(match a.new_name.as_ref().filter(|n| **n != a.column) {
            Some(new) => vec![alter(
                &a.table,
                D,
                &format!("RENAME COLUMN {} TO {}", qi(&a.column, D), qi(new, D)),
            )],
            None => vec![],
        })
    }

    /// SQLite keeps no comments.
    fn set_table_comment(&self, _table: &QName, _comment: Option<&str>) -> Vec<String> {
        vec![]
    }

    /// [`plan`] rebuilds every table with a column of the type; with none, nothing changes.
    fn change_enum(&self, _cx: &Ctx<'_>, _name: &QName, _change: EnumChange<'_>) -> Sql {
        Ok(vec![])
    }
}

/// Whether SQLite's `ALTER TABLE ADD COLUMN` can add `c` (no rebuild).
pub(crate) fn can_add_column(c: &Column) -> bool {
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

/// The rebuild of table `q` for `cx.op`. Columns keep their names (new columns are left to
/// their defaults, dropped ones are not copied), except the column an `AlterColumn` changes:
/// read under its old name, through `AlterColumn::using` for a type change, cut to length
/// for `AlterColumn::truncate`.
fn rebuild_table(cx: &Ctx<'_>, q: &QName) -> Sql {
    let before = cx.table_before(q)?;
    let after = cx.table_after(q)?;
    let Op::AlterColumn(a) = cx.op else {
        return Ok(rebuild(before, after, &|c: &str| {
            before.column(c).map(|_| qi(c, D))
        }));
    };
    let final_name = a.new_name.clone().unwrap_or_else(|| a.column.clone());
    let using = a.using.as_deref().filter(|_| a.ty.is_some());
    // SQLite does not enforce lengths: truncation is the copy's job.
    let cut = narrow::truncate_to(cx, a)?.map(|n| narrow::cut_expr(&a.column, n, D));
    Ok(rebuild(before, after, &|new_col: &str| {
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

#[cfg(test)]
mod tests {
    use retort_schema::{AlterColumn, Check, Column, Index, Op, Schema, SqlType, Table};

    use super::{plan, Plan};

    #[test]
    fn plan_alters_what_sqlite_can_alter_and_rebuilds_the_rest() {
        let s = Schema {
            tables: vec![Table::new("users")
                .with_column(Column::new("id", SqlType::Integer))
                .with_column(Column::new("email", SqlType::Text))
                .with_column(Column::new("nick", SqlType::Text))
                .with_column(Column::new(
                    "mood",
                    SqlType::enumeration("mood", ["a", "b"]),
                ))
                .primary_key("pk_users", ["id"])
                .index(Index::new("ix_users_email", ["email"]))],
            enums: vec![],
        };
        let users = || vec!["users".into()];
        let drop = |c: &str| Op::DropColumn {
            table: "users".into(),
            column: c.into(),
        };
        let add = |c: Column| Op::AddColumn {
            table: "users".into(),
            column: c,
        };
        let alter = |a: AlterColumn| Op::AlterColumn(a);
        let cases: Vec<(&str, Op, Plan)> = vec![
            ("indexed column", drop("email"), Plan::Rebuild(users())),
            ("primary key column", drop("id"), Plan::Rebuild(users())),
            ("unused column", drop("nick"), Plan::Alter),
            (
                "nullable column",
                add(Column::new("a", SqlType::Text).nullable(true)),
                Plan::Alter,
            ),
            (
                "constant default",
                add(Column::new("a", SqlType::Text).default("'x'")),
                Plan::Alter,
            ),
            (
                "NOT NULL without default",
                add(Column::new("a", SqlType::Text)),
                Plan::Rebuild(users()),
            ),
            (
                "expression default",
                add(Column::new("a", SqlType::Text).default("lower('X')")),
                Plan::Rebuild(users()),
            ),
            (
                "rename",
                alter(AlterColumn::new("users", "nick").rename("handle")),
                Plan::Alter,
            ),
            (
                "comment",
                alter(AlterColumn::new("users", "nick").comment(Some("x"))),
                Plan::Alter,
            ),
            (
                "type",
                alter(AlterColumn::new("users", "nick").ty(SqlType::Varchar(3))),
                Plan::Rebuild(users()),
            ),
            (
                "index",
                Op::CreateIndex {
                    table: "users".into(),
                    index: Index::new("ix_users_nick", ["nick"]),
                },
                Plan::Alter,
            ),
            (
                "check",
                Op::AddCheck {
                    table: "users".into(),
                    check: Check::new("ck_users_x", "nick <> ''"),
                },
                Plan::Rebuild(users()),
            ),
            (
                "enum a column uses",
                Op::AddEnumValue {
                    name: "mood".into(),
                    value: "c".into(),
                    before: None,
                },
                Plan::Rebuild(users()),
            ),
            (
                "enum no column uses",
                Op::SetEnumValues {
                    name: "other".into(),
                    values: vec!["x".into()],
                },
                Plan::Alter,
            ),
        ];
        for (case, op, expected) in cases {
            assert_eq!(plan(&op, &s), expected, "{case}");
        }
    }
}
