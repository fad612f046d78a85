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
//! # Applied-migrations log
//!
//! `<version table>_log` ([`log_table`]) keeps one row per migration run, stamp, baseline or
//! accepted edit, with the checksum of the script ([`checksum_hex`] of its file hash), written
//! in the migration's transaction where the database has one. [`upgrade`] refuses when an
//! applied script's checksum differs from the recorded one ([`RunError::EditedScripts`]);
//! [`accept_edits`] records the new checksums. [`MigrationSet::check_fresh`] guards only the
//! development checkout (the build-time folder exists); a deployed binary relies on the log.
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
//! PostgreSQL with `transaction_per_migration = false`: the revisions' records (version-table
//! writes, log rows) are held and written just before the transaction commits (or splits),
//! in one round trip: the version table moves once, from the rows the transaction began with
//! to the rows its last revision leaves, and the log rows go in one INSERT. Nothing outside
//! the transaction could see the rows in between; a Rust step that reads the version table
//! inside such a run sees the rows the transaction began with.
//!
//! SQLite: `PRAGMA foreign_keys = OFF` before `BEGIN` (it cannot change inside a transaction;
//! `retort-sql`'s table rebuilds rely on it), `PRAGMA foreign_key_check` before each `COMMIT`
//! (violations in or pointing at a table the transaction changed, or grown by its raw SQL or
//! Rust steps, roll back with [`RunError::ForeignKeyViolation`]; older violations elsewhere
//! are an [`Event::Note`]), `PRAGMA foreign_keys = ON` after.
//!
//! MySQL/MariaDB commit every DDL statement implicitly: statements run one by one in autocommit
//! mode, and the version table, the log row and the removal of the revision's progress marker
//! are one transaction right after the migration's last statement, sent in the same round
//! trip as that statement, `COMMIT` included where the server can check the version write
//! itself (the log row after it is refused unless it changed one row, which stops the batch
//! before `COMMIT`); on failure,
//! [`RunError::PartiallyApplied`] lists the statements of the failing migration that had been
//! applied, and the version table stays at the previous revision.
//!
//! # Interrupted revisions (MySQL/MariaDB)
//!
//! A progress marker ([`progress_table`], [`Progress`]) is written before a revision's first
//! statement and before each statement, so a run killed half-way leaves a record of how far it
//! got. Within a run, the marker of the next revision (its first statement in flight) is
//! written in the same transaction as the previous revision's record, so that a revision costs
//! no more commits than its statements and its record. While it is there, [`current`] and every command that writes fail with
//! [`RunError::Interrupted`] (the revision, statements done of total, the statement in flight
//! and, where the command compared it with the live schema, whether it ran: [`InFlight`]);
//! [`resume`] runs the remaining statements ([`ResumeMode::Run`]) or settles a revision
//! finished or undone by hand ([`ResumeMode::Finished`], [`ResumeMode::Abandon`]). PostgreSQL
//! and SQLite roll an interrupted revision back whole and never write the marker.
//!
//! # Lock
//!
//! Every command that writes takes a lock first, then reads the version table and plans from
//! there, so concurrent `upgrade head` processes all succeed and apply each migration once:
//! - PostgreSQL: `pg_try_advisory_lock(<key from the version table's name>)` ([`pg_lock_key`]),
//!   polled until [`RunOptions::lock_timeout`], on the same connection for the whole run,
//!   released at the end (so the version table is read once, after it is taken; each version
//!   write still checks the row it changes);
//! - MySQL/MariaDB: `GET_LOCK('retort:<db>.<version table>', timeout)` / `RELEASE_LOCK`;
//! - SQLite: each migration's transaction is `BEGIN IMMEDIATE` (the database's write lock),
//!   waited for with `busy_timeout = lock_timeout`; inside it the version table is read again,
//!   and migrations another process applied meanwhile are skipped. Known limit: a migration
//!   split by an autocommit statement (SQLite: `VACUUM`, `PRAGMA foreign_keys`) releases the
//!   lock at the split.
//!
//! # Bounded waits
//!
//! [`Db::connect_with`] connects within [`Timeouts::connect`] and sets the session's lock-wait
//! and statement bounds; inside a run every round trip to a server is bounded by
//! [`Timeouts::round_trip`], after which the connection is abandoned ([`RunError::NoAnswer`]).
//! A wait that expires is reported with what waited and for what: [`RunError::LockTimeout`]
//! names the session holding the migration lock, [`RunError::Waited`] the statement, the table
//! and (PostgreSQL, MySQL/MariaDB) the sessions holding it. See [`limits`].
//!
//! # Rendering
//!
//! Online, each operation is rendered against the database's schema as it is before it: read
//! with `retort-introspect` once per run inside the lock, completed with what only the history
//! knows (enum type names on MySQL/SQLite, SQLite `AUTOINCREMENT`), and carried forward
//! operation by operation through the run; read again after a step it cannot follow (raw SQL,
//! a Rust hook, a SQLite rename, migrations another process applied). So a migration
//! autogenerated against a database changed by hand runs on it, and a SQLite rebuild keeps the
//! table's hand-made columns, indexes, triggers and views. Before each migration, every table
//! it changes is compared with the history's replay ([`MigrationSet::replay`], carried forward
//! too); a difference is reported as [`Event::Drift`] (a table found in step is not compared
//! again while both are carried forward).
//!
//! Offline (`--sql`) the history's replay is used. An operation that does not fit it (the
//! history made the object with raw SQL) is still rendered when its SQL needs nothing but the
//! operation itself (a `DROP TABLE`, PostgreSQL/MySQL `ADD COLUMN`, ...); otherwise it is an
//! error naming the operation and the table.
//!
//! # Data-migration hooks
//!
//! [`Migration::run`] hooks run on the live connection, inside the migration's transaction
//! (PostgreSQL, SQLite; MySQL/MariaDB: autocommit mode). Offline, they are skipped with a
//! `-- retort: skipped Rust step (offline)` comment and an [`Event::Note`].
//!
//! # Backends
//!
//! What each database does its own way (the lock, transactions, catalog queries, session
//! setup) is one file per database under `src/backend/`, behind one internal trait; the
//! version-table and log SQL is written once there, for the online run, [`offline`] and
//! [`stamp_sql`] alike.
//!
//! # Errors
//!
//! [`RunError`] keeps typed causes ([`std::error::Error::source`]): the revision graph's
//! errors, the database's error as a [`DbError`] (the driver's error, whose `Display` redacts
//! passwords). An [`upgrade`] or [`downgrade`] that fails after applying migrations returns
//! [`RunError::Failed`], which carries the revisions applied before the failure
//! ([`RunError::applied`]); [`RunError::kind`] is the cause whichever way it is wrapped.

// Errors carry the statements of a half-applied MySQL migration; they are rare and reported
// once, so their size does not matter.
#![allow(clippy::result_large_err)]

mod backend;
mod db;
mod error;
mod fk_scope;
mod holders;
pub mod limits;
mod live;
mod log;
mod migration;
mod offline;
mod progress;
mod render;
mod replicas;
mod run;
mod secrets;
mod set;
mod squashed;
mod words;

pub use backend::offline::stamp_sql;
pub use db::Db;
pub use error::{DbError, RunError};
pub use limits::{Timeouts, WaitKind};
pub use log::{
    checksum_hex, last_applied, log_table, log_table_sql, mismatches, read_log, stamp_log_sql,
    verify_applied, LogEntry, LogKind, Mismatch, RETORT_VERSION,
};
pub use migration::{BoxError, BoxFuture, Hook, Migration, MigrationStep};
pub use offline::{offline, offline_with_events};
pub use progress::{progress_table, read_progress, InFlight, Progress};
pub use replicas::ALL_REPLICAS;
pub use retort_revision::{Direction, RevisionMap};
pub use run::{
    accept_edits, current, downgrade, interrupted, migrate_to_head, pg_lock_key, resume, stamp,
    upgrade, Event, Report, ResumeMode, RunOptions,
};
pub use secrets::{redact_text, redact_url};
pub use set::{MigrationSet, Script};

/// What migration scripts import: `use retort::migration::prelude::*;`.
pub mod prelude {
    pub use crate::{BoxError, BoxFuture, Db, Migration};
    pub use retort_schema::{
        AlterColumn, Check, Column, Dialect, EnumType, FkAction, ForeignKey, Index, PrimaryKey,
        QName, RawSql, SqlType, Table, Unique, Value,
    };
}
