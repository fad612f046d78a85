use std::fmt;

use crate::SqlType;

/// A possibly schema-qualified name (`users`, `audit.events`).
#[derive(
    Clone,
    Debug,
    Default,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    serde::Serialize,
    serde::Deserialize,
)]
pub struct QName {
    pub schema: Option<String>,
    pub name: String,
}

impl QName {
    pub fn new(name: impl Into<String>) -> Self {
        QName {
            schema: None,
            name: name.into(),
        }
    }

    pub fn with_schema(schema: Option<String>, name: impl Into<String>) -> Self {
        QName {
            schema,
            name: name.into(),
        }
    }

    /// Parses `name` or `schema.name` (no quoting: names with dots use [`QName::with_schema`]).
    pub fn parse(s: &str) -> Self {
        match s.split_once('.') {
            Some((schema, name)) => QName {
                schema: Some(schema.to_string()),
                name: name.to_string(),
            },
            None => QName::new(s),
        }
    }
}

impl From<&str> for QName {
    fn from(s: &str) -> Self {
        QName::parse(s)
    }
}

impl From<String> for QName {
    fn from(s: String) -> Self {
        QName::parse(&s)
    }
}

impl fmt::Display for QName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// A whole database schema: what the models want, what the database has, or what the
/// migration history produces.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Schema {
    /// Tables in a deterministic order (models: sorted by name; introspection: sorted by name).
    pub tables: Vec<Table>,
    /// Named enum types (PostgreSQL `CREATE TYPE .. AS ENUM`). On other dialects enums live
    /// inline in the column type and this list is still filled from the columns, so that the
    /// differ sees the same thing everywhere.
    pub enums: Vec<EnumType>,
}

impl Schema {
    pub fn table(&self, name: &QName) -> Option<&Table> {
        self.tables.iter().find(|t| t.is(name))
    }

    pub fn table_mut(&mut self, name: &QName) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.is(name))
    }

    /// The tables by name: for looking up many (a [`Schema::table`] per table of another
    /// schema is quadratic at a thousand tables).
    pub fn tables_by_name(&self) -> std::collections::BTreeMap<QName, &Table> {
        self.tables.iter().map(|t| (t.qname(), t)).collect()
    }

    pub fn enum_type(&self, name: &QName) -> Option<&EnumType> {
        self.enums.iter().find(|e| e.is(name))
    }

    /// Sorts tables, enums and every table's indexes and constraints by name, so that two
    /// schemas with the same content compare equal.
    pub fn normalize_order(&mut self) {
        // Ordered as their QNames are (schema, then name), without building them.
        self.tables
            .sort_by(|a, b| (a.schema.as_deref(), &a.name).cmp(&(b.schema.as_deref(), &b.name)));
        self.enums
            .sort_by(|a, b| (a.schema.as_deref(), &a.name).cmp(&(b.schema.as_deref(), &b.name)));
        for t in &mut self.tables {
            t.normalize_order();
        }
    }

    /// Collects the enum types used by columns into [`Schema::enums`] (deduplicated by name).
    pub fn collect_enums_from_columns(&mut self) {
        for t in &self.tables {
            for c in &t.columns {
                if let SqlType::Enum { name, values } = &c.ty {
                    let q = QName::with_schema(t.schema.clone(), name.clone());
                    if !self.enums.iter().any(|e| e.qname() == q) {
                        self.enums.push(EnumType {
                            schema: t.schema.clone(),
                            name: name.clone(),
                            values: values.clone(),
                        });
                    }
                }
            }
        }
        self.enums.sort_by_key(|x| x.qname());
    }
}

/// A table: columns, primary key, indexes, unique constraints, foreign keys, checks. What
/// `#[derive(retort::Table)]` produces, and what a migration script's `create_table` takes
/// (built with [`Table::new`] and the builders in `build.rs`).
///
/// ```
/// use retort_schema::{Check, Column, SqlType, Table, Unique};
///
/// let t = Table::new("users")
///     .comment("people who can sign in")
///     .with_column(Column::new("id", SqlType::BigInt).autoincrement())
///     .with_column(Column::new("email", SqlType::Varchar(320)))
///     .with_column(Column::new("age", SqlType::Integer).nullable(true))
///     .primary_key("pk_users", ["id"])
///     .unique(Unique::new("uq_users_email", ["email"]))
///     .check(Check::new("ck_users_age", "age >= 0"));
/// assert_eq!(t.primary_key.as_ref().unwrap().columns, ["id"]);
/// assert!(t.column("age").unwrap().nullable);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Table {
    pub schema: Option<String>,
    pub name: String,
    pub comment: Option<String>,
    /// Columns in declaration order.
    pub columns: Vec<Column>,
    pub primary_key: Option<PrimaryKey>,
    pub indexes: Vec<Index>,
    pub uniques: Vec<Unique>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
    /// Earlier names of this table (`#[table(renamed_from = "..")]`): a hint for the differ.
    pub renamed_from: Vec<String>,
    /// Index and unique-constraint names the naming convention gave because the model did not
    /// name them (`#[column(unique)]`, `#[table(index(columns = [..]))]` without `name`): the
    /// differ matches those by columns, whatever the database calls them. Every other name is
    /// explicit and compared by name (scripts and introspection leave this empty).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub convention_names: Vec<String>,
    /// Objects of the database that depend on this table and that retort does not manage
    /// (triggers, views that read it), kept as their SQL: read by introspection so that a
    /// SQLite table rebuild can recreate them. The differ ignores them, so models never drop
    /// them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependents: Vec<Dependent>,
}

/// What a [`Dependent`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DependentKind {
    /// A trigger on the table (dropped with it).
    Trigger,
    /// A view whose query reads the table.
    View,
}

/// A trigger or view depending on a table, opaque to retort: its name and the SQL that
/// creates it, as the database keeps it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Dependent {
    pub kind: DependentKind,
    pub name: String,
    /// The `CREATE TRIGGER` / `CREATE VIEW` statement.
    pub sql: String,
}

impl Table {
    #[inline(never)]
    pub fn new(name: impl Into<String>) -> Self {
        Table {
            schema: None,
            name: name.into(),
            comment: None,
            columns: Vec::new(),
            primary_key: None,
            indexes: Vec::new(),
            uniques: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            renamed_from: Vec::new(),
            convention_names: Vec::new(),
            dependents: Vec::new(),
        }
    }

    pub fn qname(&self) -> QName {
        QName::with_schema(self.schema.clone(), self.name.clone())
    }

    /// Whether this table is the one `name` names (`qname() == *name`, without allocating).
    pub fn is(&self, name: &QName) -> bool {
        self.name == name.name && self.schema == name.schema
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    pub fn normalize_order(&mut self) {
        self.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        self.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        self.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        self.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }

    /// Whether `column` is (part of) the primary key.
    pub fn is_pk_column(&self, column: &str) -> bool {
        self.primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.iter().any(|c| c == column))
    }
}

/// A column: `NOT NULL` unless [`Column::nullable`], an optional server default (raw SQL, as
/// the database should see it), auto-increment, comment.
///
/// ```
/// use retort_schema::{Column, SqlType};
///
/// let c = Column::new("status", SqlType::Varchar(20)).default("'active'").comment("state");
/// assert!(!c.nullable);
/// assert_eq!(c.default.as_deref(), Some("'active'"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Column {
    pub name: String,
    pub ty: SqlType,
    pub nullable: bool,
    /// Raw SQL expression, as the database should see it (`CURRENT_TIMESTAMP`, `0`, `'draft'`).
    pub default: Option<String>,
    /// Auto-increment / identity.
    pub autoincrement: bool,
    pub comment: Option<String>,
    /// Earlier names of this column (`#[column(renamed_from = "..")]`): a hint for the differ.
    pub renamed_from: Vec<String>,
}

impl Column {
    #[inline(never)]
    pub fn new(name: impl Into<String>, ty: SqlType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: false,
            default: None,
            autoincrement: false,
            comment: None,
            renamed_from: Vec::new(),
        }
    }

    #[inline(never)]
    pub fn nullable(mut self, nullable: bool) -> Self {
        self.nullable = nullable;
        self
    }

    #[inline(never)]
    pub fn default(mut self, expr: impl Into<String>) -> Self {
        self.default = Some(expr.into());
        self
    }
}

/// A primary key: its constraint name and columns, in order.
///
/// ```
/// use retort_schema::PrimaryKey;
///
/// let pk = PrimaryKey::new("pk_members", ["org_id", "user_id"]);
/// assert_eq!(pk.columns, ["org_id", "user_id"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PrimaryKey {
    pub name: String,
    pub columns: Vec<String>,
}

/// An index: plain or unique, partial (`predicate`, PostgreSQL and SQLite), or only on some
/// databases (`dialects`).
///
/// ```
/// use retort_schema::{Dialect, Index};
///
/// let ix = Index::new("ix_users_active_email", ["email"])
///     .unique()
///     .predicate("deleted_at IS NULL")
///     .dialects([Dialect::Postgres, Dialect::Sqlite]);
/// assert!(ix.unique && ix.exists_on(Dialect::Sqlite) && !ix.exists_on(Dialect::Mysql));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Index {
    pub name: String,
    pub columns: Vec<String>,
    pub unique: bool,
    /// Partial index predicate (PostgreSQL and SQLite).
    pub predicate: Option<String>,
    /// The databases the index exists on; empty: every database. A partial index that must not
    /// become a full index on MySQL/MariaDB (which has no partial indexes) lists
    /// `[Postgres, Sqlite]`: retort then neither creates nor expects it there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dialects: Vec<crate::Dialect>,
}

impl Index {
    /// Whether the index exists on `d` (see [`Index::dialects`]).
    pub fn exists_on(&self, d: crate::Dialect) -> bool {
        self.dialects.is_empty() || self.dialects.contains(&d)
    }
}

/// A unique constraint: its name and columns.
///
/// ```
/// use retort_schema::Unique;
///
/// let uq = Unique::new("uq_users_email", ["email"]);
/// assert_eq!(uq.columns, ["email"]);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Unique {
    pub name: String,
    pub columns: Vec<String>,
}

/// A foreign key's `ON DELETE` / `ON UPDATE` action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum FkAction {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl FkAction {
    /// Parses `cascade`, `set null`, `set default`, `restrict`, `no action` (any case,
    /// `_` or space).
    pub fn parse(s: &str) -> Option<FkAction> {
        match s.trim().to_ascii_lowercase().replace('_', " ").as_str() {
            "cascade" => Some(FkAction::Cascade),
            "set null" => Some(FkAction::SetNull),
            "set default" => Some(FkAction::SetDefault),
            "restrict" => Some(FkAction::Restrict),
            "no action" => Some(FkAction::NoAction),
            _ => None,
        }
    }

    pub fn as_sql(self) -> &'static str {
        match self {
            FkAction::NoAction => "NO ACTION",
            FkAction::Restrict => "RESTRICT",
            FkAction::Cascade => "CASCADE",
            FkAction::SetNull => "SET NULL",
            FkAction::SetDefault => "SET DEFAULT",
        }
    }
}

/// A foreign key: columns of this table referencing columns of `ref_table`, with optional
/// actions and `deferrable` (PostgreSQL, SQLite).
///
/// ```
/// use retort_schema::{FkAction, ForeignKey, QName};
///
/// let fk = ForeignKey::new("fk_posts_author_id_users", ["author_id"], "auth.users", ["id"])
///     .on_delete(FkAction::Cascade);
/// assert_eq!(fk.ref_table, QName::with_schema(Some("auth".into()), "users"));
/// assert_eq!(fk.on_delete, Some(FkAction::Cascade));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ForeignKey {
    pub name: String,
    pub columns: Vec<String>,
    pub ref_table: QName,
    pub ref_columns: Vec<String>,
    /// `None` means the database default (NO ACTION).
    pub on_delete: Option<FkAction>,
    pub on_update: Option<FkAction>,
    pub deferrable: bool,
}

/// A check constraint: its name and a raw SQL expression.
///
/// ```
/// use retort_schema::Check;
///
/// let ck = Check::new("ck_users_age", "age >= 0");
/// assert_eq!(ck.expr, "age >= 0");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Check {
    pub name: String,
    pub expr: String,
}

/// A named enumeration type: a PostgreSQL `CREATE TYPE .. AS ENUM`; on MySQL/MariaDB and
/// SQLite the values live in each column that uses it ([`SqlType::Enum`](crate::SqlType::Enum)).
///
/// ```
/// use retort_schema::EnumType;
///
/// let e = EnumType::new("app.mood", ["ok", "meh"]);
/// assert_eq!((e.schema.as_deref(), e.name.as_str()), (Some("app"), "mood"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct EnumType {
    pub schema: Option<String>,
    pub name: String,
    pub values: Vec<String>,
}

impl EnumType {
    pub fn qname(&self) -> QName {
        QName::with_schema(self.schema.clone(), self.name.clone())
    }

    /// Whether this type is the one `name` names, without allocating.
    pub fn is(&self, name: &QName) -> bool {
        self.name == name.name && self.schema == name.schema
    }
}
