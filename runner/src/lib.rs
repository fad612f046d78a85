//! retort: runs migrations: connection, lock, version table, transactions, offline SQL.
//!
//! - [`Migration`]: the builder a script's `upgrade` / `downgrade` fills in (one method per
//!   [`Op`](retort_schema::Op), plus [`Migration::run`] for async Rust on the live
//!   connection);
//! - [`Script`] / [`MigrationSet`]: the scripts compiled into the binary (`retort-build`
//!   generates the `MigrationSet`), the revision graph, the freshness check against the files
//!   on disk, and [`MigrationSet::replay`] (the schema the history produces, without a
//!   database);
//! - [`Db`]: a connection (SQLite, PostgreSQL, MySQL/MariaDB, one cargo feature each);
//! - [`current`], [`upgrade`], [`downgrade`], [`stamp`], [`migrate_to_head`]: online
//!   commands; [`offline`]: the SQL script of a run (`--sql`).
//!
//! # Version table
//!
//! `retort_version(version_num VARCHAR(255) NOT NULL, CONSTRAINT retort_version_pkc PRIMARY
//! KEY (version_num))` (name and schema from [`RunOptions::version_table`]), created when
//! missing by the commands that write. One row per applied head, written as the revision
//! graph's `VersionChange`s say (branch = INSERT, step = UPDATE, merge = DELETE + UPDATE,
//! downgrade past a branch point = DELETE); every UPDATE and DELETE must touch exactly one row,
//! else the run stops with [`RunError::ConcurrentModification`].
//!
//! # Transactions
//!
//! PostgreSQL and SQLite: each migration and its version-table writes run in one transaction
//! ([`RunOptions::transaction_per_migration`]; `false` puts the whole run in one). A failure
//! rolls that migration back: the database and the version table are as before it. A statement
//! that cannot run in a transaction (`Statement::autocommit`: PostgreSQL `CREATE INDEX
//! CONCURRENTLY`, `ALTER TYPE .. ADD VALUE`) splits it: what came before is committed, the
//! statement runs on its own, a new transaction begins ([`Event::AutocommitSplit`]); a later
//! failure cannot roll back what was committed, and the error lists it.
//!
//! SQLite: `PRAGMA foreign_keys = OFF` before `BEGIN` (it cannot change inside a transaction;
//! `retort-sql`'s table rebuilds rely on it), `PRAGMA foreign_key_check` before each `COMMIT`
//! (violations roll back with [`RunError::ForeignKeyViolation`]), `PRAGMA foreign_keys = ON`
//! after.
//!
//! MySQL/MariaDB commit every DDL statement implicitly: statements run one by one in autocommit
//! mode, the version table is written right after the migration's last statement; on failure,
//! [`RunError::PartiallyApplied`] lists the statements of the failing migration that had been
//! applied, and the version table stays at the previous revision.
//!
//! # Lock
//!
//! Every command that writes takes a lock first, then reads the version table and plans from
//! there, so concurrent `upgrade head` processes all succeed and apply each migration once:
//! - PostgreSQL: `pg_try_advisory_lock(<key from the version table's name>)` ([`pg_lock_key`]),
//!   polled until [`RunOptions::lock_timeout`], on the same connection for the whole run,
//!   released at the end;
//! - MySQL/MariaDB: `GET_LOCK('retort:<db>.<version table>', timeout)` / `RELEASE_LOCK`;
//! - SQLite: each migration's transaction is `BEGIN IMMEDIATE` (the database's write lock),
//!   waited for with `busy_timeout = lock_timeout`; inside it the version table is read again,
//!   and migrations another process applied meanwhile are skipped. Known limit: a migration
//!   split by an autocommit statement (SQLite: `VACUUM`, `PRAGMA foreign_keys`) releases the
//!   lock at the split.
//!
//! # Rendering
//!
//! Each operation is rendered against the schema as it is before it: the history replayed up to
//! the database's heads ([`MigrationSet::replay`]), carried forward operation by operation
//! through the run. Raw SQL and Rust steps are opaque to the replay. An operation that does
//! not fit the replayed schema (the history made the object with raw SQL) is still rendered
//! when its SQL needs nothing but the operation itself (a `DROP TABLE`, PostgreSQL/MySQL
//! `ADD COLUMN`, ...); otherwise it is an error naming the operation and the table.
//!
//! # Data-migration hooks
//!
//! [`Migration::run`] hooks run on the live connection, inside the migration's transaction
//! (PostgreSQL, SQLite; MySQL/MariaDB: autocommit mode). Offline, they are skipped with a
//! `-- retort: skipped Rust step (offline)` comment and an [`Event::Note`].

// Errors carry the statements of a half-applied MySQL migration; they are rare and reported
// once, so their size does not matter.
#![allow(clippy::result_large_err)]

mod db;
mod error;
mod live;
mod migration;
mod offline;
mod render;
mod run;
mod set;

pub use db::{redact_url, Db};
pub use error::RunError;
pub use migration::{BoxError, BoxFuture, Hook, Migration, MigrationStep};
pub use offline::{offline, offline_with_events};
pub use retort_revision::{Direction, RevisionMap};
pub use run::{
    current, downgrade, migrate_to_head, pg_lock_key, stamp, upgrade, Event, Report, RunOptions,
};
pub use set::{MigrationSet, Script};

/// What migration scripts import: `use retort::migration::prelude::*;`.
pub mod prelude {
    pub use crate::{BoxError, BoxFuture, Db, Migration};
    pub use retort_schema::{
        AlterColumn, Check, Column, Dialect, EnumType, FkAction, ForeignKey, Index, PrimaryKey,
        QName, RawSql, SqlType, Table, Unique, Value,
    };
}
