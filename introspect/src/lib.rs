//! retort: reads a live database into the neutral schema model ([`Schema`]).
//!
//! One entry point per database, each behind its cargo feature (`sqlite` is the default):
//! [`sqlite()`], [`postgres()`], [`mysql()`]. Each runs a **fixed number of catalog queries**,
//! whatever the number of tables (PostgreSQL 6, MySQL/MariaDB 6, SQLite 4; see
//! [`Introspection::queries`]), then turns the rows into a [`Schema`] with pure functions that
//! are unit-tested without a database (`postgres.rs`, `mysql.rs`, `sqlite.rs`: queries first,
//! row parsing after).
//!
//! The result is sorted ([`Schema::normalize_order`]): tables by qualified name, indexes and
//! constraints by name, so the same database always gives the same value.
//!
//! # What is read, and the choices made
//!
//! Common to every dialect:
//! - A table is qualified with its schema (`QName::schema`) only when it is not in the
//!   default schema (PostgreSQL: `current_schema()`; MySQL: the connection's database; SQLite:
//!   `main`, the only schema read).
//! - [`Options::exclude_tables`] globs (`*`, `?`) and [`Options::version_table`] make tables
//!   invisible: their columns, indexes and constraints are not read. A glob matches the bare
//!   table name or `schema.table`.
//! - Server defaults are the database's own spelling, unnormalized (normalizing for comparison
//!   is the differ's job). Exceptions, where the catalog cannot tell "no default" from the
//!   implied one: a MariaDB `NULL` default is reported as no default, and an identity /
//!   `serial` / auto-increment column has no default.
//! - `Decimal` with a scale of 0 is reported as `scale: None` (`NUMERIC(8)` is stored as
//!   `NUMERIC(8,0)`; the renderer writes `Decimal{Some(8), None}` as `NUMERIC(8)`). The differ
//!   should treat `scale: Some(0)` and `None` as equal when a precision is given.
//! - Expression index columns (PostgreSQL, SQLite) are reported with the expression text as the
//!   column name; sort direction, operator classes, collations and index methods are not read.
//!
//! PostgreSQL:
//! - Types from `format_type`: `boolean`, `smallint`, `integer`, `bigint`, `real`,
//!   `double precision`, `text`, `character varying(n)`, `bytea`, `numeric(p,s)`, `date`,
//!   `time without time zone`, `timestamp without/with time zone`, `uuid`, `json`, `jsonb` and
//!   enum types map to their [`SqlType`](retort_schema::SqlType); anything else (arrays,
//!   domains, `time(3)`, `character varying` without a length...) is `Custom(format_type)`.
//! - Identity columns and `nextval(..)` defaults on integer columns (`serial`) are
//!   `autoincrement` with no default.
//! - UNIQUE constraints (`contype = 'u'`) are [`Unique`](retort_schema::Unique); the indexes
//!   backing a primary key, a UNIQUE or an exclusion constraint are not reported as indexes.
//!   A `CREATE UNIQUE INDEX` is an [`Index`](retort_schema::Index) with `unique: true`.
//! - CHECK expressions are `pg_get_constraintdef` without the `CHECK (...)` wrapper (and without
//!   a trailing `NOT VALID` / `NO INHERIT`), e.g. `(age >= 0)`.
//! - Enum types of the read schemas go to [`Schema::enums`]; an enum column's type is
//!   `Enum { name: <type name, unqualified>, values }`.
//!
//! MySQL / MariaDB:
//! - `tinyint(1)` is `Boolean`, `char(36)` is `Uuid`, `text`/`mediumtext`/`longtext` are `Text`,
//!   `blob`/`mediumblob`/`longblob` are `Blob`, `datetime`/`timestamp` (any precision) are
//!   `Timestamp { with_time_zone: false }`, `time` (any precision) is `Time`, `json` (and, on
//!   MariaDB, a `longtext` column with the automatic `json_valid(col)` CHECK named after the
//!   column, which is then not reported) is `Json { binary: false }` (the differ should treat
//!   `binary` as irrelevant on MySQL). `unsigned` and other types are `Custom(COLUMN_TYPE)`.
//! - `ENUM('a','b')` columns are `Enum { name: "<table>_<column>", values }`: MySQL enums have
//!   no name, so the differ must compare enum values, not names, on MySQL. [`Schema::enums`] is
//!   filled from the columns.
//! - MySQL always names the primary key `PRIMARY`, which carries no information: the primary
//!   key is reported with the convention name `pk_<table>` (what the models use).
//! - MariaDB stores a UNIQUE constraint as a UNIQUE index and the two cannot be told apart:
//!   every UNIQUE index (other than the primary key) is reported as a
//!   [`Unique`](retort_schema::Unique), except one with a prefix length on a column, which is an
//!   [`Index`](retort_schema::Index) with `unique: true`. The differ should treat a `Unique` and
//!   a unique `Index` with the same name and columns as equal on MySQL.
//! - The index InnoDB creates by itself for a foreign key (same name and columns as the
//!   foreign key) is not reported (DESIGN.md: it is the database's business).
//! - Non-unique index columns with a prefix length are reported by name (the prefix is the
//!   renderer's business).
//! - Foreign keys have no `deferrable` (MySQL has none). `NO ACTION` and `RESTRICT` are both
//!   `None`: InnoDB treats them alike and MariaDB reports an unspecified rule as `RESTRICT`
//!   (the differ should treat `Restrict`, `NoAction` and `None` as equal on MySQL).
//!
//! SQLite:
//! - Declared types are parsed as written: `BOOLEAN`, `SMALLINT`, `INTEGER`/`INT`, `BIGINT`,
//!   `REAL`, `DOUBLE`/`DOUBLE PRECISION`, `TEXT`, `VARCHAR(n)`, `BLOB`, `NUMERIC(p, s)`/`DECIMAL`,
//!   `DATE`, `TIME`, `TIMESTAMP`/`DATETIME`, `TIMESTAMPTZ`, `UUID`, `JSON`; anything else is
//!   `Custom(declared type)`.
//! - A single-column `INTEGER` primary key (a rowid alias, with or without `AUTOINCREMENT`) is
//!   `autoincrement`. Its type is `Integer` even if the model says `BigInt` (the renderer must
//!   write exactly `INTEGER` there).
//! - Constraint names are parsed from the `CREATE TABLE` text (`CONSTRAINT "name" ...`, table or
//!   column level). Unnamed ones get the naming convention: `pk_<table>`,
//!   `uq_<table>_<cols>`, `fk_<table>_<cols>_<reftable>`, and `ck_<table>_<n>` for the n-th
//!   unnamed CHECK.
//! - UNIQUE constraints (`sqlite_autoindex_*`, origin `u`) are `Unique`s; `CREATE INDEX` indexes
//!   are `Index`es, with the partial predicate parsed from their SQL.
//! - An enum is `TEXT` + `CONSTRAINT "ck_<table>_<col>_enum" CHECK ("col" IN ('a', 'b'))`: such a
//!   column's type is reported as `Enum { name: "<table>_<column>", values }` **and** the CHECK
//!   is kept in [`Table::checks`](retort_schema::Table) (the differ knows that the CHECK named
//!   `ck_<table>_<col>_enum` on an enum column is implied by the type). [`Schema::enums`] is
//!   filled from the columns.
//! - SQLite has no comments: they are always `None`.
//! - Triggers (on their table) and views (on every table their query names) are kept as
//!   [`Dependent`](retort_schema::Dependent)s of the table, with their SQL, so that a table
//!   rebuild can recreate them; the differ ignores them.
//!
//! # Known gaps
//!
//! - Generated (computed) columns are reported as plain columns without a default: the model
//!   has no place for the generation expression.
//! - Sequences and functions are not read, nor triggers and views outside SQLite (PostgreSQL
//!   and MariaDB keep them across their own ALTERs); PostgreSQL partitions are skipped
//!   (their parent table is read).
//! - An enum type living in another schema than the table using it is named unqualified.
//! - MySQL 8 (as opposed to MariaDB) is handled from its documentation (unquoted literal
//!   defaults, `CHECK_CONSTRAINTS` without a table column) but only MariaDB is tested live.

mod common;
#[cfg(feature = "mysql")]
mod mysql;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;

pub use common::glob_match;
#[cfg(feature = "mysql")]
pub use mysql::mysql;
#[cfg(feature = "postgres")]
pub use postgres::postgres;
#[cfg(feature = "sqlite")]
pub use sqlite::sqlite;

use retort_schema::Schema;

/// What to read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    /// Schemas to read. PostgreSQL: empty = the current schema (`current_schema()`, usually
    /// `public`). MySQL/MariaDB: databases; empty = the connection's database. SQLite: only
    /// `main` (empty = `main`).
    pub schemas: Vec<String>,
    /// Globs (`*` = any run of characters, `?` = one character) on the table name or
    /// `schema.table`; matching tables are invisible.
    pub exclude_tables: Vec<String>,
    /// retort's version table (`name` or `schema.name`), always invisible, and so is its
    /// applied-migrations log (`<version table>_log`).
    pub version_table: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            schemas: Vec::new(),
            exclude_tables: Vec::new(),
            version_table: "retort_version".to_string(),
        }
    }
}

/// The schema read from a database, and how many queries it took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Introspection {
    pub schema: Schema,
    /// Number of SQL queries run: fixed per dialect, whatever the number of tables.
    pub queries: usize,
}

/// Why introspection failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntrospectError {
    /// A catalog query failed (permissions, connection lost, unsupported server version).
    #[error("introspection query `{what}` failed: {source}; check that the user can read the catalog and that the server version is supported")]
    Query {
        what: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// MySQL/MariaDB: no database selected and [`Options::schemas`] is empty.
    #[error("the MySQL/MariaDB connection has no current database: put one in the URL (mysql://host/db) or list it in Options::schemas")]
    NoDatabase,
    /// The options ask for something the dialect cannot do.
    #[error("{0}")]
    Unsupported(String),
    /// A catalog row could not be understood.
    #[error("cannot read {what} of table `{table}`: {message}")]
    Parse {
        table: String,
        what: &'static str,
        message: String,
    },
}
