//! retort's pure schema differ: two [`Schema`]s in (what the database has, what the models
//! want), a list of [`Op`]s in dependency order out, with risk [`Note`]s. Writing them as a
//! migration script's Rust is `retort-codegen`'s job.
//!
//! No I/O, no database. The `from` side is spelled by the database (introspection), the `to`
//! side by the models; per-dialect normalization ([`same_type`], [`same_default`],
//! [`normalize_expr`], [`normalize_expr_in`]) makes an unchanged model compare equal.
//!
//! # What is compared
//!
//! Tables (added, dropped, renamed from a `renamed_from` hint), columns (added, dropped, renamed
//! from a hint, type, nullability, server default, comment), primary keys, indexes, unique
//! constraints, foreign keys (columns, target, `ON DELETE`/`ON UPDATE`, deferrable), checks (by
//! name and normalized expression), table comments, and PostgreSQL enum types (created,
//! dropped, values appended, values removed or reordered). A changed index or constraint is a
//! drop and a create. The autoincrement / identity flag is never a change.
//!
//! Per dialect:
//! - Every dialect: a model index that [`Index::dialects`](retort_schema::Index::dialects)
//!   leaves out on it is not expected there.
//! - PostgreSQL: enum columns compare by type name; the type's values are compared on
//!   [`Schema::enums`]. Casts in defaults and checks (`'x'::text`) are ignored.
//! - MySQL/MariaDB: enums compare by values (the name is irrelevant: MySQL enums are inline);
//!   a [`Unique`](retort_schema::Unique) and a unique index with the same name and columns are
//!   the same; `RESTRICT`, `NO ACTION` and unspecified foreign-key actions are the same;
//!   `deferrable` and partial-index predicates are ignored; the JSON binary flag and the
//!   timestamp time zone flag are ignored.
//! - SQLite: enums compare by values; the `ck_<table>_<col>_enum` CHECK standing for an enum
//!   column is part of the column; comments are compared only when the caller asks (SQLite
//!   keeps none: the comments of a reconciled `from` are the history's); `INTEGER` and `BIGINT` are the same on
//!   an auto-increment column (the rowid alias is always `INTEGER`).
//!
//! A change of an enum type's values is an enum operation on every dialect (`AddEnumValue`,
//! `SetEnumValues`), which each renderer turns into its SQL. On MySQL and SQLite, where an enum
//! lives in the column, `from`'s [`Schema::enums`] are the types the history created: callers
//! pass the introspected schema through [`reconcile`] with the history's replayed schema, which
//! gives the live enum columns the history's type names. Without it (no history), a changed
//! inline enum is an [`AlterColumn`](retort_schema::AlterColumn) of the column's type.

mod differ;
mod normalize;
mod reconcile;
mod risk;

use retort_schema::{ApplyError, Dialect, Op, Schema};

pub use differ::{diff, diff_to_owned};
pub use normalize::{normalize_expr, normalize_expr_in, same_default, same_type};
pub use reconcile::{reconcile, reconcile_in};

/// What to compare.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    pub dialect: Dialect,
    /// Compare server defaults (default `true`).
    pub compare_server_default: bool,
    /// Compare column types (default `true`).
    pub compare_types: bool,
    /// Compare table and column comments (default `true`, but `false` on SQLite, which keeps
    /// none: there the comments of `from` are the history's, see [`reconcile`], and a caller
    /// that reconciled compares them).
    pub compare_comments: bool,
}

impl Options {
    /// Everything compared that `dialect` can store.
    pub fn new(dialect: Dialect) -> Self {
        Options {
            dialect,
            compare_server_default: true,
            compare_types: true,
            compare_comments: dialect != Dialect::Sqlite,
        }
    }
}

/// The result of [`diff`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    /// Operations in dependency order.
    pub ops: Vec<Op>,
    /// Risks, each attached to one operation (an operation may carry several).
    pub notes: Vec<Note>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    /// The notes attached to `ops[index]`.
    pub fn notes_for(&self, index: usize) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(move |n| n.op_index == index)
    }
}

/// A risk attached to an operation, e.g. "drops table `x` and all its rows".
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// Index into [`Diff::ops`].
    pub op_index: usize,
    pub risk: Risk,
    pub message: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Risk {
    /// Drops a table or a column: data is lost.
    Destructive,
    /// Narrows a type: may fail or truncate values.
    Narrowing,
    /// May fail on existing data: NOT NULL without a default, a unique that may hit duplicates.
    MayFail,
    /// Rewrites a table: a SQLite rebuild, a PostgreSQL enum rewrite.
    Rewrite,
    /// Means less on some database than the models say: a partial index is a full index on
    /// MySQL/MariaDB.
    Degraded,
}

impl Risk {
    /// The label used in `// WARNING (<label>): ..` comments.
    pub fn label(self) -> &'static str {
        match self {
            Risk::Destructive => "destructive",
            Risk::Narrowing => "narrowing",
            Risk::MayFail => "may fail",
            Risk::Rewrite => "rewrite",
            Risk::Degraded => "degraded",
        }
    }
}

/// The downgrade of `upgrade` applied to `from`: the reverse of each operation, last first
/// (= [`retort_schema::reverse_all`]).
pub fn downgrade(from: &Schema, upgrade: &[Op]) -> Result<Vec<Op>, ApplyError> {
    retort_schema::reverse_all(from, upgrade)
}

/// [`downgrade`] with its risk notes (on dialect `d`), attached like an upgrade's: a
/// downgrade re-adds NOT NULL columns, narrows types back, removes enum values, drops what the
/// upgrade created. The notes' `op_index` point into the returned operations.
pub fn downgrade_with_notes(
    from: &Schema,
    upgrade: &[Op],
    d: Dialect,
) -> Result<(Vec<Op>, Vec<Note>), ApplyError> {
    let down = downgrade(from, upgrade)?;
    let mut upgraded = from.clone();
    upgraded.apply_all(upgrade)?;
    let notes = risk_notes(&upgraded, &down, d);
    Ok((down, notes))
}

/// What the models `target` mean less on dialect `d` than they say, one message each (what
/// `check` prints even when models and database agree): on MySQL/MariaDB, each partial index
/// that is not left out there (`Index::dialects`) covers every row.
pub fn dialect_notes(target: &Schema, d: Dialect) -> Vec<String> {
    if d != Dialect::Mysql {
        return Vec::new();
    }
    target
        .tables
        .iter()
        .flat_map(|t| {
            t.indexes
                .iter()
                .filter_map(move |i| risk::partial_index_message(t, i))
        })
        .collect()
}

/// The risk notes of `ops` applied to `from` on dialect `d` (what [`diff`] attaches to its own
/// operations): for hand-made or derived plans, e.g. a downgrade.
pub fn risk_notes(from: &Schema, ops: &[Op], d: Dialect) -> Vec<Note> {
    let created = ops
        .iter()
        .filter_map(|op| match op {
            Op::CreateTable(t) => Some(t.qname()),
            _ => None,
        })
        .collect();
    risk::notes(from, ops, &created, d)
}
