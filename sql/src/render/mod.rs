//! `Op` -> SQL: one [`Renderer`] per dialect (`postgres.rs`, `mysql.rs`, `sqlite.rs`).
//!
//! The trait's default methods are the statements dialects share (`ALTER TABLE .. ADD
//! COLUMN`, `.. ADD CONSTRAINT`, `DROP TABLE`, ...); a dialect overrides only what it does
//! differently, and [`dispatch`] is the one match over every operation. SQLite decides alter
//! versus rebuild once, in [`sqlite::plan`], before the match.

pub(crate) mod mysql;
pub(crate) mod narrow;
pub(crate) mod pg_enum;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use retort_schema::{
    AlterColumn, Column, Dialect, EnumType, Op, PrimaryKey, QName, Schema, SqlType, Table, Value,
};

use crate::ddl::{
    check_clause, cols, column_def, create_index_sql, create_table_sql, drop_index_sql, fk_clause,
    pk_clause, qi, unique_clause,
};
use crate::error::RenderError;
use crate::quote::{quote_qname, render_literal};

/// The SQL texts for one operation, or why there are none.
pub(crate) type Sql = Result<Vec<String>, RenderError>;

/// New values for an enum type.
pub(crate) enum EnumChange<'a> {
    /// `AddEnumValue`: `value`, placed before `before` (at the end without one).
    Add {
        value: &'a str,
        before: Option<&'a str>,
    },
    /// `SetEnumValues`: the whole list.
    Set(&'a [String]),
}

/// Rows per `INSERT` statement in a bulk insert.
pub(crate) const BULK_INSERT_CHUNK: usize = 500;

/// What one operation is rendered from: the operation, the dialect, the schema before and
/// after it.
pub(crate) struct Ctx<'a> {
    pub op: &'a Op,
    pub d: Dialect,
    pub before: &'a Schema,
    /// The schema after the operation, made on first use ([`Ctx::after`]): a copy of the
    /// whole schema, which creating each table of a 1,000-table migration does not need.
    pub after: std::cell::OnceCell<Schema>,
    /// For an operation confined to one table ([`Op::confined_table`]): the operation applied
    /// to a copy of that table alone, made on first use ([`Ctx::check`]); that table's state
    /// after it, without a copy of the rest.
    pub confined: std::cell::OnceCell<Schema>,
}

impl<'a> Ctx<'a> {
    pub fn new(op: &'a Op, d: Dialect, before: &'a Schema) -> Self {
        Ctx {
            op,
            d,
            before,
            after: std::cell::OnceCell::new(),
            confined: std::cell::OnceCell::new(),
        }
    }

    /// The schema after the operation (the operation applied to a copy of `before`); its
    /// error if the operation does not apply.
    pub fn after(&self) -> Result<&Schema, RenderError> {
        if let Some(a) = self.after.get() {
            return Ok(a);
        }
        let mut a = self.before.clone();
        crate::apply(self.op, self.d, &mut a)?;
        Ok(self.after.get_or_init(|| a))
    }

    /// Whether the operation applies (its error if not), copying only what decides it: the
    /// operation's table when it is confined to one, else the whole schema.
    pub fn check(&self) -> Result<(), RenderError> {
        match self.op.confined_table() {
            Some(q) => self.confined(q).map(|_| ()),
            None => self.after().map(|_| ()),
        }
    }

    /// [`Ctx::confined`]'s schema (`q`: the confined table).
    fn confined(&self, q: &QName) -> Result<&Schema, RenderError> {
        if let Some(c) = self.confined.get() {
            return Ok(c);
        }
        let mut c = Schema {
            tables: self.before.table(q).cloned().into_iter().collect(),
            enums: Vec::new(),
        };
        crate::apply(self.op, self.d, &mut c)?;
        Ok(self.confined.get_or_init(|| c))
    }

    pub fn table_before(&self, q: &QName) -> Result<&Table, RenderError> {
        self.before
            .table(q)
            .ok_or_else(|| self.state_error(format!("table `{q}` is not in the schema")))
    }

    pub fn table_after(&self, q: &QName) -> Result<&Table, RenderError> {
        let after = match self.op.confined_table() {
            // The operation's own table: its state after it is the confined copy's.
            Some(c) if c == q => self.confined(c)?,
            _ => self.after()?,
        };
        after
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

/// One dialect's SQL. The defaults are the statements at least two dialects share; each
/// dialect file overrides what it does differently.
pub(crate) trait Renderer {
    fn dialect(&self) -> Dialect;

    /// The SQL texts for `cx.op` (autocommit is decided by the caller).
    fn render(&self, cx: &Ctx<'_>) -> Sql {
        dispatch(self, cx)
    }

    /// The table, its indexes, then its comments where they are statements of their own.
    fn create_table(&self, t: &Table) -> Vec<String> {
        let d = self.dialect();
        let mut v = vec![create_table_sql(t, d, None, &|_| true)];
        v.extend(indexes_of(t, d));
        v.extend(self.table_comments(t));
        v
    }

    /// Comments of a new table as statements of their own: none by default (MySQL writes them
    /// in `CREATE TABLE`, SQLite keeps none).
    fn table_comments(&self, _t: &Table) -> Vec<String> {
        vec![]
    }

    fn rename_table(&self, table: &QName, new_name: &str) -> Vec<String> {
        let d = self.dialect();
        vec![alter(table, d, &format!("RENAME TO {}", qi(new_name, d)))]
    }

    fn add_column(&self, cx: &Ctx<'_>, table: &QName, column: &Column) -> Sql {
        Ok(vec![add_column_sql(cx, table, column)?])
    }

    fn drop_column(&self, table: &QName, column: &str) -> Vec<String> {
        let d = self.dialect();
        vec![alter(table, d, &format!("DROP COLUMN {}", qi(column, d)))]
    }

    /// Every dialect changes a column its own way.
    fn alter_column(&self, cx: &Ctx<'_>, a: &AlterColumn) -> Sql;

    /// `ALTER TABLE .. ADD <clause>` for a unique, a foreign key or a check.
    fn add_constraint(&self, table: &QName, clause: String) -> Vec<String> {
        vec![alter(table, self.dialect(), &format!("ADD {clause}"))]
    }

    fn add_primary_key(&self, _cx: &Ctx<'_>, table: &QName, pk: &PrimaryKey) -> Sql {
        Ok(self.add_constraint(table, pk_clause(&pk.name, &pk.columns, self.dialect())))
    }

    fn drop_constraint(&self, table: &QName, name: &str) -> Vec<String> {
        let d = self.dialect();
        vec![alter(table, d, &format!("DROP CONSTRAINT {}", qi(name, d)))]
    }

    fn drop_unique(&self, table: &QName, name: &str) -> Vec<String> {
        self.drop_constraint(table, name)
    }

    fn drop_foreign_key(&self, _cx: &Ctx<'_>, table: &QName, name: &str) -> Vec<String> {
        self.drop_constraint(table, name)
    }

    fn drop_primary_key(&self, _cx: &Ctx<'_>, table: &QName, name: &str) -> Sql {
        Ok(self.drop_constraint(table, name))
    }

    fn set_table_comment(&self, table: &QName, comment: Option<&str>) -> Vec<String>;

    /// Nothing by default: only PostgreSQL has enum types of their own (MySQL writes the
    /// values in the column type, SQLite a CHECK on the column).
    fn create_enum(&self, _e: &EnumType) -> Vec<String> {
        vec![]
    }

    /// Nothing by default (see [`Renderer::create_enum`]).
    fn drop_enum(&self, _name: &QName) -> Vec<String> {
        vec![]
    }

    /// `AddEnumValue` / `SetEnumValues`.
    fn change_enum(&self, cx: &Ctx<'_>, name: &QName, change: EnumChange<'_>) -> Sql;
}

/// The one match over every operation: the statements every dialect writes alike here, the
/// others through `r`'s methods.
pub(crate) fn dispatch<R: Renderer + ?Sized>(r: &R, cx: &Ctx<'_>) -> Sql {
    let d = r.dialect();
    Ok(match cx.op {
        Op::CreateTable(t) => r.create_table(t),
        Op::DropTable { table } => vec![format!("DROP TABLE {}", quote_qname(table, d))],
        Op::RenameTable { table, new_name } => r.rename_table(table, new_name),
        Op::AddColumn { table, column } => r.add_column(cx, table, column)?,
        Op::DropColumn { table, column } => r.drop_column(table, column),
        Op::AlterColumn(a) => r.alter_column(cx, a)?,
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
        Op::AddUnique { table, unique } => {
            r.add_constraint(table, unique_clause(&unique.name, &unique.columns, d))
        }
        Op::DropUnique { table, name } => r.drop_unique(table, name),
        Op::AddForeignKey { table, foreign_key } => {
            r.add_constraint(table, fk_clause(foreign_key, d))
        }
        Op::DropForeignKey { table, name } => r.drop_foreign_key(cx, table, name),
        Op::AddCheck { table, check } => {
            r.add_constraint(table, check_clause(&check.name, &check.expr, d))
        }
        Op::DropCheck { table, name } => r.drop_constraint(table, name),
        Op::AddPrimaryKey { table, primary_key } => r.add_primary_key(cx, table, primary_key)?,
        Op::DropPrimaryKey { table, name } => r.drop_primary_key(cx, table, name)?,
        Op::SetTableComment { table, comment } => r.set_table_comment(table, comment.as_deref()),
        Op::CreateEnum(e) => r.create_enum(e),
        Op::DropEnum { name } => r.drop_enum(name),
        Op::AddEnumValue {
            name,
            value,
            before,
        } => {
            let before = before.as_deref();
            r.change_enum(cx, name, EnumChange::Add { value, before })?
        }
        Op::SetEnumValues { name, values } => r.change_enum(cx, name, EnumChange::Set(values))?,
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
    })
}

/// `ALTER TABLE <q> <rest>`.
pub(crate) fn alter(q: &QName, d: Dialect, rest: &str) -> String {
    format!("ALTER TABLE {} {rest}", quote_qname(q, d))
}

/// `CREATE INDEX` for each index of `t` that exists on `d`.
pub(crate) fn indexes_of(t: &Table, d: Dialect) -> impl Iterator<Item = String> + '_ {
    t.indexes
        .iter()
        .filter(move |i| i.exists_on(d))
        .map(move |i| create_index_sql(t, i, d))
}

/// `ALTER TABLE .. ADD COLUMN <definition>`, the column as the table has it after the change.
pub(crate) fn add_column_sql(
    cx: &Ctx<'_>,
    table: &QName,
    column: &Column,
) -> Result<String, RenderError> {
    let t = cx.table_after(table)?;
    Ok(alter(
        table,
        cx.d,
        &format!("ADD COLUMN {}", column_def(t, column, cx.d)),
    ))
}

pub(crate) fn bulk_insert(
    table: &QName,
    columns: &[String],
    rows: &[Vec<Value>],
    d: Dialect,
) -> Sql {
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
