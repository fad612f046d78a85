//! Migration operations as plain data.
//!
//! An operation names what it changes and carries only what it needs; whatever else is known
//! about the object (the full column for a `DropColumn`, say) comes from the schema the
//! operation applies to. [`Op::apply`] is the operation's effect on a [`Schema`] (used to replay
//! a migration history without a database, and to know the shape of a table before rendering
//! SQLite rebuilds or MySQL `MODIFY`); [`Op::reverse`] gives the operations that undo it, given
//! the schema as it was before (used to write a downgrade from an upgrade).

use crate::{
    Check, Column, EnumType, ForeignKey, Index, PrimaryKey, QName, Schema, SqlType, Table, Unique,
};

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Op {
    CreateTable(Table),
    DropTable {
        table: QName,
    },
    /// Renames a table within its schema.
    RenameTable {
        table: QName,
        new_name: String,
    },
    AddColumn {
        table: QName,
        column: Column,
    },
    DropColumn {
        table: QName,
        column: String,
    },
    AlterColumn(AlterColumn),
    CreateIndex {
        table: QName,
        index: Index,
    },
    DropIndex {
        table: QName,
        name: String,
    },
    AddUnique {
        table: QName,
        unique: Unique,
    },
    DropUnique {
        table: QName,
        name: String,
    },
    AddForeignKey {
        table: QName,
        foreign_key: ForeignKey,
    },
    DropForeignKey {
        table: QName,
        name: String,
    },
    AddCheck {
        table: QName,
        check: Check,
    },
    DropCheck {
        table: QName,
        name: String,
    },
    AddPrimaryKey {
        table: QName,
        primary_key: PrimaryKey,
    },
    DropPrimaryKey {
        table: QName,
        name: String,
    },
    SetTableComment {
        table: QName,
        comment: Option<String>,
    },
    CreateEnum(EnumType),
    DropEnum {
        name: QName,
    },
    /// Appends `value` (or inserts it before `before`).
    AddEnumValue {
        name: QName,
        value: String,
        before: Option<String>,
    },
    /// Replaces the whole list of values (values removed or reordered): a rewrite of every
    /// column that uses the type.
    SetEnumValues {
        name: QName,
        values: Vec<String>,
    },
    /// Raw SQL, optionally with a variant per dialect. Opaque to [`Op::apply`].
    Sql(RawSql),
    BulkInsert {
        table: QName,
        columns: Vec<String>,
        rows: Vec<Vec<Value>>,
    },
}

/// `ALTER COLUMN`: every field that is `Some` changes.
///
/// ```
/// use retort_schema::{AlterColumn, SqlType};
///
/// let a = AlterColumn::new("users", "nick")
///     .rename("handle")
///     .ty(SqlType::Varchar(20))
///     .truncate()
///     .nullable(false)
///     .set_default("''");
/// assert_eq!(a.new_name.as_deref(), Some("handle"));
/// assert_eq!(a.default, Some(Some("''".to_string())));
/// ```
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct AlterColumn {
    pub table: QName,
    pub column: String,
    pub new_name: Option<String>,
    pub ty: Option<SqlType>,
    pub nullable: Option<bool>,
    /// `Some(None)` drops the default.
    pub default: Option<Option<String>>,
    /// `Some(None)` drops the comment.
    pub comment: Option<Option<String>>,
    /// Conversion expression for a type change (PostgreSQL `USING`), in terms of the column.
    pub using: Option<String>,
    /// A change to a shorter string type cuts longer values to the new length (on every
    /// database) instead of failing on them. Never set by autogenerate: the script asks for it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncate: bool,
}

impl AlterColumn {
    pub fn new(table: impl Into<QName>, column: impl Into<String>) -> Self {
        AlterColumn {
            table: table.into(),
            column: column.into(),
            ..Default::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        self.new_name.is_none()
            && self.ty.is_none()
            && self.nullable.is_none()
            && self.default.is_none()
            && self.comment.is_none()
    }
}

/// Raw SQL for [`Op::Sql`]: one statement, with a variant per database where their SQL
/// differs; `sql` is used on a database without a variant of its own, and a database with
/// neither gets nothing.
///
/// ```
/// use retort_schema::{Dialect, RawSql};
///
/// let raw = RawSql {
///     mysql: Some("DROP INDEX ix_a ON t".into()),
///     sql: Some("DROP INDEX ix_a".into()),
///     ..RawSql::default()
/// };
/// assert_eq!(raw.for_dialect(Dialect::Mysql), Some("DROP INDEX ix_a ON t"));
/// assert_eq!(raw.for_dialect(Dialect::Postgres), Some("DROP INDEX ix_a"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RawSql {
    /// Used on every dialect that has no variant of its own.
    pub sql: Option<String>,
    pub sqlite: Option<String>,
    pub postgres: Option<String>,
    pub mysql: Option<String>,
}

impl RawSql {
    pub fn for_dialect(&self, dialect: crate::Dialect) -> Option<&str> {
        let specific = match dialect {
            crate::Dialect::Sqlite => &self.sqlite,
            crate::Dialect::Postgres => &self.postgres,
            crate::Dialect::Mysql => &self.mysql,
        };
        specific.as_deref().or(self.sql.as_deref())
    }
}

/// A literal value for [`Op::BulkInsert`], quoted for each database when rendered.
///
/// ```
/// use retort_schema::Value;
///
/// let row = vec![Value::Int(1), Value::Text("O'Brien".into()), Value::Null, Value::Bool(true)];
/// assert_eq!(row.len(), 4);
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Text(String),
    Bytes(Vec<u8>),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    #[error("table `{0}` does not exist")]
    NoTable(QName),
    #[error("table `{0}` already exists")]
    TableExists(QName),
    #[error("column `{table}.{column}` does not exist")]
    NoColumn { table: QName, column: String },
    #[error("column `{table}.{column}` already exists")]
    ColumnExists { table: QName, column: String },
    #[error("{kind} `{name}` does not exist on table `{table}`")]
    NoConstraint {
        table: QName,
        kind: &'static str,
        name: String,
    },
    #[error("{kind} `{name}` already exists on table `{table}`")]
    ConstraintExists {
        table: QName,
        kind: &'static str,
        name: String,
    },
    #[error("enum type `{0}` does not exist")]
    NoEnum(QName),
    #[error("enum type `{0}` already exists")]
    EnumExists(QName),
    #[error("enum type `{name}` has no value `{value}`")]
    NoEnumValue { name: QName, value: String },
    #[error("{0} cannot be reversed automatically; write its downgrade by hand")]
    Irreversible(&'static str),
}

impl Op {
    /// Adds or drops a unique constraint, foreign key, check or primary key of an existing
    /// table: what SQLite cannot `ALTER` (it rebuilds the table).
    pub fn changes_constraint(&self) -> bool {
        matches!(
            self,
            Op::AddUnique { .. }
                | Op::DropUnique { .. }
                | Op::AddForeignKey { .. }
                | Op::DropForeignKey { .. }
                | Op::AddCheck { .. }
                | Op::DropCheck { .. }
                | Op::AddPrimaryKey { .. }
                | Op::DropPrimaryKey { .. }
        )
    }

    /// A short description for comments, logs and error messages.
    pub fn describe(&self) -> String {
        match self {
            Op::CreateTable(t) => format!("create table {}", t.qname()),
            Op::DropTable { table } => format!("drop table {table}"),
            Op::RenameTable { table, new_name } => format!("rename table {table} to {new_name}"),
            Op::AddColumn { table, column } => format!("add column {table}.{}", column.name),
            Op::DropColumn { table, column } => format!("drop column {table}.{column}"),
            Op::AlterColumn(a) => match &a.new_name {
                Some(new) => {
                    let only_rename = AlterColumn {
                        new_name: None,
                        ..a.clone()
                    }
                    .is_empty();
                    let mut s = format!("rename column {}.{} -> {new}", a.table, a.column);
                    if !only_rename {
                        s.push_str(&format!(", alter column {}.{new}", a.table));
                    }
                    s
                }
                None => format!("alter column {}.{}", a.table, a.column),
            },
            Op::CreateIndex { table, index } => format!("create index {} on {table}", index.name),
            Op::DropIndex { table, name } => format!("drop index {name} on {table}"),
            Op::AddUnique { table, unique } => {
                format!("add unique constraint {} on {table}", unique.name)
            }
            Op::DropUnique { table, name } => format!("drop unique constraint {name} on {table}"),
            Op::AddForeignKey { table, foreign_key } => {
                format!("add foreign key {} on {table}", foreign_key.name)
            }
            Op::DropForeignKey { table, name } => format!("drop foreign key {name} on {table}"),
            Op::AddCheck { table, check } => {
                format!("add check constraint {} on {table}", check.name)
            }
            Op::DropCheck { table, name } => format!("drop check constraint {name} on {table}"),
            Op::AddPrimaryKey { table, primary_key } => {
                format!("add primary key {} on {table}", primary_key.name)
            }
            Op::DropPrimaryKey { table, name } => format!("drop primary key {name} on {table}"),
            Op::SetTableComment { table, .. } => format!("set comment on table {table}"),
            Op::CreateEnum(e) => format!("create enum type {}", e.qname()),
            Op::DropEnum { name } => format!("drop enum type {name}"),
            Op::AddEnumValue { name, value, .. } => {
                format!("add value '{value}' to enum type {name}")
            }
            Op::SetEnumValues { name, .. } => format!("rewrite enum type {name}"),
            Op::Sql(_) => "execute SQL".to_string(),
            Op::BulkInsert { table, rows, .. } => {
                format!("insert {} rows into {table}", rows.len())
            }
        }
    }

    /// The table this operation changes, if it changes one.
    pub fn table(&self) -> Option<&QName> {
        match self {
            Op::DropTable { table }
            | Op::RenameTable { table, .. }
            | Op::AddColumn { table, .. }
            | Op::DropColumn { table, .. }
            | Op::CreateIndex { table, .. }
            | Op::DropIndex { table, .. }
            | Op::AddUnique { table, .. }
            | Op::DropUnique { table, .. }
            | Op::AddForeignKey { table, .. }
            | Op::DropForeignKey { table, .. }
            | Op::AddCheck { table, .. }
            | Op::DropCheck { table, .. }
            | Op::AddPrimaryKey { table, .. }
            | Op::DropPrimaryKey { table, .. }
            | Op::SetTableComment { table, .. }
            | Op::BulkInsert { table, .. } => Some(table),
            Op::AlterColumn(a) => Some(&a.table),
            Op::CreateTable(_)
            | Op::CreateEnum(_)
            | Op::DropEnum { .. }
            | Op::AddEnumValue { .. }
            | Op::SetEnumValues { .. }
            | Op::Sql(_) => None,
        }
    }

    /// The one table whose state alone decides whether [`Op::apply`] succeeds and what that
    /// table becomes: `apply` on a schema holding only this table gives the same result and
    /// the same table as on the whole schema (other tables may change too: a column rename
    /// follows the foreign keys that point at it). `None`: `apply` reads more (a new table's
    /// or a rename's name must be free, enums, raw SQL). Lets a caller check that an
    /// operation applies without copying the whole schema.
    pub fn confined_table(&self) -> Option<&QName> {
        match self {
            // A table's new name must be free among all the tables.
            Op::RenameTable { .. } => None,
            _ => self.table(),
        }
    }

    /// Applies the operation's effect to `schema`. Raw SQL and bulk inserts change nothing.
    pub fn apply(&self, schema: &mut Schema) -> Result<(), ApplyError> {
        match self {
            Op::CreateTable(t) => {
                if schema.table(&t.qname()).is_some() {
                    return Err(ApplyError::TableExists(t.qname()));
                }
                schema.tables.push(t.clone());
                sort_tables(&mut schema.tables);
            }
            Op::DropTable { table } => {
                let before = schema.tables.len();
                schema.tables.retain(|t| &t.qname() != table);
                if schema.tables.len() == before {
                    return Err(ApplyError::NoTable(table.clone()));
                }
            }
            Op::RenameTable { table, new_name } => {
                let new = QName::with_schema(table.schema.clone(), new_name.clone());
                if schema.table(&new).is_some() {
                    return Err(ApplyError::TableExists(new));
                }
                let t = table_mut(schema, table)?;
                t.name = new_name.clone();
                for t in &mut schema.tables {
                    for fk in &mut t.foreign_keys {
                        if &fk.ref_table == table {
                            fk.ref_table = new.clone();
                        }
                    }
                }
                sort_tables(&mut schema.tables);
            }
            Op::AddColumn { table, column } => {
                let t = table_mut(schema, table)?;
                if t.column(&column.name).is_some() {
                    return Err(ApplyError::ColumnExists {
                        table: table.clone(),
                        column: column.name.clone(),
                    });
                }
                t.columns.push(column.clone());
            }
            Op::DropColumn { table, column } => {
                let t = table_mut(schema, table)?;
                let pos = column_pos(t, table, column)?;
                t.columns.remove(pos);
                // Whatever only covered this column goes with it, as on every database.
                t.indexes.retain(|i| !i.columns.iter().any(|c| c == column));
                t.uniques.retain(|u| !u.columns.iter().any(|c| c == column));
                t.foreign_keys
                    .retain(|f| !f.columns.iter().any(|c| c == column));
                t.checks
                    .retain(|c| !crate::expr::references_column(&c.expr, column));
                if t.primary_key
                    .as_ref()
                    .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
                {
                    t.primary_key = None;
                }
            }
            Op::AlterColumn(a) => {
                let t = table_mut(schema, &a.table)?;
                let pos = column_pos(t, &a.table, &a.column)?;
                if let Some(new) = &a.new_name {
                    if new != &a.column && t.column(new).is_some() {
                        return Err(ApplyError::ColumnExists {
                            table: a.table.clone(),
                            column: new.clone(),
                        });
                    }
                }
                let col = &mut t.columns[pos];
                if let Some(ty) = &a.ty {
                    col.ty = ty.clone();
                }
                if let Some(n) = a.nullable {
                    col.nullable = n;
                }
                if let Some(d) = &a.default {
                    col.default = d.clone();
                }
                if let Some(c) = &a.comment {
                    col.comment = c.clone();
                }
                if let Some(new) = &a.new_name {
                    col.name = new.clone();
                    rename_column_refs(t, &a.column, new);
                    let tq = a.table.clone();
                    for other in &mut schema.tables {
                        for fk in &mut other.foreign_keys {
                            if fk.ref_table == tq {
                                for c in &mut fk.ref_columns {
                                    if c == &a.column {
                                        *c = new.clone();
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Op::CreateIndex { table, index } => {
                let t = table_mut(schema, table)?;
                if t.indexes.iter().any(|i| i.name == index.name) {
                    return Err(exists(table, "index", &index.name));
                }
                t.indexes.push(index.clone());
            }
            Op::DropIndex { table, name } => {
                let t = table_mut(schema, table)?;
                remove_named(&mut t.indexes, |i| &i.name, name)
                    .ok_or_else(|| missing(table, "index", name))?;
            }
            Op::AddUnique { table, unique } => {
                let t = table_mut(schema, table)?;
                if t.uniques.iter().any(|u| u.name == unique.name) {
                    return Err(exists(table, "unique constraint", &unique.name));
                }
                t.uniques.push(unique.clone());
            }
            Op::DropUnique { table, name } => {
                let t = table_mut(schema, table)?;
                remove_named(&mut t.uniques, |u| &u.name, name)
                    .ok_or_else(|| missing(table, "unique constraint", name))?;
            }
            Op::AddForeignKey { table, foreign_key } => {
                let t = table_mut(schema, table)?;
                if t.foreign_keys.iter().any(|f| f.name == foreign_key.name) {
                    return Err(exists(table, "foreign key", &foreign_key.name));
                }
                t.foreign_keys.push(foreign_key.clone());
            }
            Op::DropForeignKey { table, name } => {
                let t = table_mut(schema, table)?;
                remove_named(&mut t.foreign_keys, |f| &f.name, name)
                    .ok_or_else(|| missing(table, "foreign key", name))?;
            }
            Op::AddCheck { table, check } => {
                let t = table_mut(schema, table)?;
                if t.checks.iter().any(|c| c.name == check.name) {
                    return Err(exists(table, "check constraint", &check.name));
                }
                t.checks.push(check.clone());
            }
            Op::DropCheck { table, name } => {
                let t = table_mut(schema, table)?;
                remove_named(&mut t.checks, |c| &c.name, name)
                    .ok_or_else(|| missing(table, "check constraint", name))?;
            }
            Op::AddPrimaryKey { table, primary_key } => {
                let t = table_mut(schema, table)?;
                if let Some(pk) = &t.primary_key {
                    return Err(exists(table, "primary key", &pk.name));
                }
                t.primary_key = Some(primary_key.clone());
            }
            Op::DropPrimaryKey { table, name } => {
                let t = table_mut(schema, table)?;
                match &t.primary_key {
                    Some(pk) if &pk.name == name => t.primary_key = None,
                    _ => return Err(missing(table, "primary key", name)),
                }
            }
            Op::SetTableComment { table, comment } => {
                table_mut(schema, table)?.comment = comment.clone();
            }
            Op::CreateEnum(e) => {
                if schema.enum_type(&e.qname()).is_some() {
                    return Err(ApplyError::EnumExists(e.qname()));
                }
                schema.enums.push(e.clone());
                schema.enums.sort_by_key(|x| x.qname());
            }
            Op::DropEnum { name } => {
                let before = schema.enums.len();
                schema.enums.retain(|e| &e.qname() != name);
                if schema.enums.len() == before {
                    return Err(ApplyError::NoEnum(name.clone()));
                }
            }
            Op::AddEnumValue {
                name,
                value,
                before,
            } => {
                let e = enum_mut(schema, name)?;
                let pos = match before {
                    Some(b) => e.values.iter().position(|v| v == b).ok_or_else(|| {
                        ApplyError::NoEnumValue {
                            name: name.clone(),
                            value: b.clone(),
                        }
                    })?,
                    None => e.values.len(),
                };
                e.values.insert(pos, value.clone());
                let values = e.values.clone();
                set_enum_columns(schema, name, &values);
            }
            Op::SetEnumValues { name, values } => {
                enum_mut(schema, name)?.values = values.clone();
                set_enum_columns(schema, name, values);
            }
            Op::Sql(_) | Op::BulkInsert { .. } => {}
        }
        Ok(())
    }

    /// The operations that undo this one, given the schema as it was *before* it ran.
    pub fn reverse(&self, before: &Schema) -> Result<Vec<Op>, ApplyError> {
        Ok(match self {
            Op::CreateTable(t) => vec![Op::DropTable { table: t.qname() }],
            Op::DropTable { table } => vec![Op::CreateTable(table_ref(before, table)?.clone())],
            Op::RenameTable { table, new_name } => vec![Op::RenameTable {
                table: QName::with_schema(table.schema.clone(), new_name.clone()),
                new_name: table.name.clone(),
            }],
            Op::AddColumn { table, column } => {
                vec![Op::DropColumn {
                    table: table.clone(),
                    column: column.name.clone(),
                }]
            }
            Op::DropColumn { table, column } => {
                let t = table_ref(before, table)?;
                let col = t.column(column).ok_or_else(|| ApplyError::NoColumn {
                    table: table.clone(),
                    column: column.clone(),
                })?;
                let mut ops = vec![Op::AddColumn {
                    table: table.clone(),
                    column: col.clone(),
                }];
                // Restore what went away with the column.
                let uses = |cols: &[String]| cols.iter().any(|c| c == column);
                if let Some(pk) = t.primary_key.as_ref().filter(|pk| uses(&pk.columns)) {
                    ops.push(Op::AddPrimaryKey {
                        table: table.clone(),
                        primary_key: pk.clone(),
                    });
                }
                for u in t.uniques.iter().filter(|u| uses(&u.columns)) {
                    ops.push(Op::AddUnique {
                        table: table.clone(),
                        unique: u.clone(),
                    });
                }
                for i in t.indexes.iter().filter(|i| uses(&i.columns)) {
                    ops.push(Op::CreateIndex {
                        table: table.clone(),
                        index: i.clone(),
                    });
                }
                for f in t.foreign_keys.iter().filter(|f| uses(&f.columns)) {
                    ops.push(Op::AddForeignKey {
                        table: table.clone(),
                        foreign_key: f.clone(),
                    });
                }
                let checks = t.checks.iter();
                for c in checks.filter(|c| crate::expr::references_column(&c.expr, column)) {
                    ops.push(Op::AddCheck {
                        table: table.clone(),
                        check: c.clone(),
                    });
                }
                ops
            }
            Op::AlterColumn(a) => {
                let t = table_ref(before, &a.table)?;
                let col = t.column(&a.column).ok_or_else(|| ApplyError::NoColumn {
                    table: a.table.clone(),
                    column: a.column.clone(),
                })?;
                let mut back = AlterColumn::new(
                    a.table.clone(),
                    a.new_name.clone().unwrap_or_else(|| a.column.clone()),
                );
                if a.new_name.as_ref().is_some_and(|n| n != &a.column) {
                    back.new_name = Some(a.column.clone());
                }
                if a.ty.as_ref().is_some_and(|ty| ty != &col.ty) {
                    back.ty = Some(col.ty.clone());
                }
                if a.nullable.is_some_and(|n| n != col.nullable) {
                    back.nullable = Some(col.nullable);
                }
                if a.default.as_ref().is_some_and(|d| d != &col.default) {
                    back.default = Some(col.default.clone());
                }
                if a.comment.as_ref().is_some_and(|c| c != &col.comment) {
                    back.comment = Some(col.comment.clone());
                }
                if back.is_empty() {
                    vec![]
                } else {
                    vec![Op::AlterColumn(back)]
                }
            }
            Op::CreateIndex { table, index } => vec![Op::DropIndex {
                table: table.clone(),
                name: index.name.clone(),
            }],
            Op::DropIndex { table, name } => {
                let t = table_ref(before, table)?;
                let i = t
                    .indexes
                    .iter()
                    .find(|i| &i.name == name)
                    .ok_or_else(|| missing(table, "index", name))?;
                vec![Op::CreateIndex {
                    table: table.clone(),
                    index: i.clone(),
                }]
            }
            Op::AddUnique { table, unique } => vec![Op::DropUnique {
                table: table.clone(),
                name: unique.name.clone(),
            }],
            Op::DropUnique { table, name } => {
                let t = table_ref(before, table)?;
                let u = t
                    .uniques
                    .iter()
                    .find(|u| &u.name == name)
                    .ok_or_else(|| missing(table, "unique constraint", name))?;
                vec![Op::AddUnique {
                    table: table.clone(),
                    unique: u.clone(),
                }]
            }
            Op::AddForeignKey { table, foreign_key } => {
                vec![Op::DropForeignKey {
                    table: table.clone(),
                    name: foreign_key.name.clone(),
                }]
            }
            Op::DropForeignKey { table, name } => {
                let t = table_ref(before, table)?;
                let f = t
                    .foreign_keys
                    .iter()
                    .find(|f| &f.name == name)
                    .ok_or_else(|| missing(table, "foreign key", name))?;
                vec![Op::AddForeignKey {
                    table: table.clone(),
                    foreign_key: f.clone(),
                }]
            }
            Op::AddCheck { table, check } => vec![Op::DropCheck {
                table: table.clone(),
                name: check.name.clone(),
            }],
            Op::DropCheck { table, name } => {
                let t = table_ref(before, table)?;
                let c = t
                    .checks
                    .iter()
                    .find(|c| &c.name == name)
                    .ok_or_else(|| missing(table, "check constraint", name))?;
                vec![Op::AddCheck {
                    table: table.clone(),
                    check: c.clone(),
                }]
            }
            Op::AddPrimaryKey { table, primary_key } => {
                vec![Op::DropPrimaryKey {
                    table: table.clone(),
                    name: primary_key.name.clone(),
                }]
            }
            Op::DropPrimaryKey { table, name } => {
                let t = table_ref(before, table)?;
                let pk = t
                    .primary_key
                    .as_ref()
                    .filter(|pk| &pk.name == name)
                    .ok_or_else(|| missing(table, "primary key", name))?;
                vec![Op::AddPrimaryKey {
                    table: table.clone(),
                    primary_key: pk.clone(),
                }]
            }
            Op::SetTableComment { table, .. } => {
                let t = table_ref(before, table)?;
                vec![Op::SetTableComment {
                    table: table.clone(),
                    comment: t.comment.clone(),
                }]
            }
            Op::CreateEnum(e) => vec![Op::DropEnum { name: e.qname() }],
            Op::DropEnum { name } => {
                let e = before
                    .enum_type(name)
                    .ok_or_else(|| ApplyError::NoEnum(name.clone()))?;
                vec![Op::CreateEnum(e.clone())]
            }
            Op::AddEnumValue { name, .. } | Op::SetEnumValues { name, .. } => {
                // No database can drop an enum value in place: going back is a rewrite.
                let e = before
                    .enum_type(name)
                    .ok_or_else(|| ApplyError::NoEnum(name.clone()))?;
                vec![Op::SetEnumValues {
                    name: name.clone(),
                    values: e.values.clone(),
                }]
            }
            Op::Sql(_) => return Err(ApplyError::Irreversible("raw SQL")),
            Op::BulkInsert { .. } => return Err(ApplyError::Irreversible("a bulk insert")),
        })
    }
}

/// Applies `ops` in order to a copy of `schema` and returns the downgrade: the reverse of each
/// operation, last first.
pub fn reverse_all(schema: &Schema, ops: &[Op]) -> Result<Vec<Op>, ApplyError> {
    let mut state = schema.clone();
    let mut undo: Vec<Vec<Op>> = Vec::with_capacity(ops.len());
    for op in ops {
        undo.push(op.reverse(&state)?);
        op.apply(&mut state)?;
    }
    Ok(undo.into_iter().rev().flatten().collect())
}

impl Schema {
    /// Applies every operation in order.
    pub fn apply_all(&mut self, ops: &[Op]) -> Result<(), ApplyError> {
        ops.iter().try_for_each(|op| op.apply(self))
    }

    /// See [`reverse_all`].
    pub fn reverse_ops(&self, ops: &[Op]) -> Result<Vec<Op>, ApplyError> {
        reverse_all(self, ops)
    }
}

fn table_mut<'a>(schema: &'a mut Schema, name: &QName) -> Result<&'a mut Table, ApplyError> {
    schema
        .table_mut(name)
        .ok_or_else(|| ApplyError::NoTable(name.clone()))
}

fn table_ref<'a>(schema: &'a Schema, name: &QName) -> Result<&'a Table, ApplyError> {
    schema
        .table(name)
        .ok_or_else(|| ApplyError::NoTable(name.clone()))
}

fn enum_mut<'a>(schema: &'a mut Schema, name: &QName) -> Result<&'a mut EnumType, ApplyError> {
    schema
        .enums
        .iter_mut()
        .find(|e| &e.qname() == name)
        .ok_or_else(|| ApplyError::NoEnum(name.clone()))
}

fn column_pos(t: &Table, table: &QName, column: &str) -> Result<usize, ApplyError> {
    t.columns
        .iter()
        .position(|c| c.name == column)
        .ok_or_else(|| ApplyError::NoColumn {
            table: table.clone(),
            column: column.to_string(),
        })
}

fn exists(table: &QName, kind: &'static str, name: &str) -> ApplyError {
    ApplyError::ConstraintExists {
        table: table.clone(),
        kind,
        name: name.to_string(),
    }
}

fn missing(table: &QName, kind: &'static str, name: &str) -> ApplyError {
    ApplyError::NoConstraint {
        table: table.clone(),
        kind,
        name: name.to_string(),
    }
}

fn remove_named<T>(items: &mut Vec<T>, name_of: impl Fn(&T) -> &String, name: &str) -> Option<T> {
    let pos = items.iter().position(|i| name_of(i) == name)?;
    Some(items.remove(pos))
}

fn rename_column_refs(t: &mut Table, old: &str, new: &str) {
    let fix = |cols: &mut Vec<String>| {
        for c in cols.iter_mut() {
            if c == old {
                *c = new.to_string();
            }
        }
    };
    if let Some(pk) = &mut t.primary_key {
        fix(&mut pk.columns);
    }
    t.indexes.iter_mut().for_each(|i| fix(&mut i.columns));
    t.uniques.iter_mut().for_each(|u| fix(&mut u.columns));
    t.foreign_keys.iter_mut().for_each(|f| fix(&mut f.columns));
    // The databases rewrite CHECK expressions and index predicates on a rename; so does the model.
    let quote = &crate::expr::neutral_quote;
    for c in &mut t.checks {
        c.expr = crate::expr::rename_column_in_expr(&c.expr, old, new, quote);
    }
    for i in &mut t.indexes {
        if let Some(p) = &mut i.predicate {
            *p = crate::expr::rename_column_in_expr(p, old, new, quote);
        }
    }
}

fn set_enum_columns(schema: &mut Schema, name: &QName, values: &[String]) {
    for t in &mut schema.tables {
        let tschema = t.schema.clone();
        for c in &mut t.columns {
            if let SqlType::Enum { name: n, values: v } = &mut c.ty {
                if QName::with_schema(tschema.clone(), n.clone()) == *name || n == &name.name {
                    *v = values.to_vec();
                }
            }
        }
    }
}

/// Sorts tables by qualified name as `sort_by_key(Table::qname)` does, comparing borrowed
/// names instead of allocating a `QName` per comparison (each table a 1,000-table migration
/// creates re-sorts the whole list, in the runner and the renderer).
fn sort_tables(tables: &mut [crate::Table]) {
    tables.sort_by(|a, b| {
        (a.schema.as_deref(), a.name.as_str()).cmp(&(b.schema.as_deref(), b.name.as_str()))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn users() -> Table {
        let mut t = Table::new("users");
        t.columns.push(Column::new("id", SqlType::BigInt));
        t.columns.push(Column::new("email", SqlType::Varchar(320)));
        t.primary_key = Some(PrimaryKey::new("pk_users", ["id"]));
        t.uniques.push(Unique::new("uq_users_email", ["email"]));
        t
    }

    /// `confined_table`'s promise: on a schema of that table alone, `apply` succeeds or fails
    /// as on the whole schema, and leaves that table the same.
    #[test]
    fn confined_ops_apply_alike_on_their_table_alone() {
        let mut posts = Table::new("posts");
        posts.columns.push(Column::new("id", SqlType::BigInt));
        posts.columns.push(Column::new("author", SqlType::BigInt));
        posts.columns.push(Column::new("parent", SqlType::BigInt));
        posts
            .foreign_keys
            .push(ForeignKey::new("fk_author", ["author"], "users", ["id"]));
        posts
            .foreign_keys
            .push(ForeignKey::new("fk_parent", ["parent"], "posts", ["id"]));
        let whole = Schema {
            tables: vec![posts, users()],
            enums: vec![],
        };
        let q = |n: &str| QName::new(n);
        let ops = vec![
            Op::DropTable { table: q("users") },
            Op::DropTable { table: q("nope") },
            Op::AddColumn {
                table: q("users"),
                column: Column::new("age", SqlType::Integer),
            },
            Op::AddColumn {
                table: q("users"),
                column: Column::new("email", SqlType::Text),
            },
            Op::DropColumn {
                table: q("users"),
                column: "email".into(),
            },
            Op::DropColumn {
                table: q("users"),
                column: "nope".into(),
            },
            Op::AlterColumn(AlterColumn::new("users", "id").rename("user_id")),
            Op::AlterColumn(AlterColumn::new("posts", "id").rename("post_id")),
            Op::AlterColumn(AlterColumn::new("users", "id").rename("email")),
            Op::CreateIndex {
                table: q("users"),
                index: Index::new("ix_users_email", ["email"]),
            },
            Op::DropIndex {
                table: q("users"),
                name: "nope".into(),
            },
            Op::AddUnique {
                table: q("users"),
                unique: Unique::new("uq_users_email", ["email"]),
            },
            Op::DropUnique {
                table: q("users"),
                name: "uq_users_email".into(),
            },
            Op::DropForeignKey {
                table: q("posts"),
                name: "fk_author".into(),
            },
            Op::DropPrimaryKey {
                table: q("users"),
                name: "pk_users".into(),
            },
            Op::AddPrimaryKey {
                table: q("users"),
                primary_key: PrimaryKey::new("pk2", ["id"]),
            },
            Op::SetTableComment {
                table: q("nope"),
                comment: Some("x".into()),
            },
        ];
        for op in ops {
            let t = op.confined_table().expect("confined").clone();
            let mut all = whole.clone();
            let mut alone = Schema {
                tables: whole.table(&t).cloned().into_iter().collect(),
                enums: vec![],
            };
            let (a, b) = (op.apply(&mut all), op.apply(&mut alone));
            assert_eq!(a, b, "{op:?}");
            assert_eq!(all.table(&t), alone.table(&t), "{op:?}");
        }
    }

    #[test]
    fn reverse_of_a_plan_restores_the_schema() {
        let start = Schema {
            tables: vec![users()],
            enums: vec![],
        };
        let ops = vec![
            Op::AddColumn {
                table: "users".into(),
                column: Column::new("age", SqlType::Integer).nullable(true),
            },
            Op::AlterColumn(AlterColumn {
                new_name: Some("mail".into()),
                ..AlterColumn::new("users", "email")
            }),
            Op::DropColumn {
                table: "users".into(),
                column: "mail".into(),
            },
            Op::RenameTable {
                table: "users".into(),
                new_name: "people".into(),
            },
        ];
        let mut end = start.clone();
        end.apply_all(&ops).unwrap();
        assert!(end
            .table(&"people".into())
            .unwrap()
            .column("mail")
            .is_none());
        let down = reverse_all(&start, &ops).unwrap();
        end.apply_all(&down).unwrap();
        assert_eq!(end, start);
    }

    #[test]
    fn errors_name_the_object() {
        let mut s = Schema {
            tables: vec![users()],
            enums: vec![],
        };
        let err = Op::DropColumn {
            table: "users".into(),
            column: "nope".into(),
        }
        .apply(&mut s)
        .unwrap_err();
        assert_eq!(err.to_string(), "column `users.nope` does not exist");
        let err = Op::DropTable {
            table: "ghosts".into(),
        }
        .apply(&mut s)
        .unwrap_err();
        assert_eq!(err.to_string(), "table `ghosts` does not exist");
    }
}

#[cfg(test)]
mod describe_tests {
    use super::*;

    #[test]
    fn a_rename_is_described_as_a_rename() {
        let mut a = AlterColumn::new("users", "nick");
        a.new_name = Some("handle".to_string());
        assert_eq!(
            Op::AlterColumn(a.clone()).describe(),
            "rename column users.nick -> handle"
        );
        a.nullable = Some(false);
        assert_eq!(
            Op::AlterColumn(a).describe(),
            "rename column users.nick -> handle, alter column users.handle"
        );
        let mut b = AlterColumn::new("users", "nick");
        b.nullable = Some(true);
        assert_eq!(Op::AlterColumn(b).describe(), "alter column users.nick");
    }
}
