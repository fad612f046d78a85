//! retort: Alembic for Rust.
//!
//! retort keeps a database schema (SQLite, PostgreSQL, MySQL/MariaDB) in step with Rust
//! structs, through a history of reviewable Rust migration scripts. The story, in four steps:
//!
//! # 1. Models
//!
//! Put `#[derive(retort::Table)]` on a struct per table ([`DbEnum`](derive@DbEnum) on enums
//! stored as database enums). Each derive implements [`Model`] and registers its table through
//! `inventory`, so the *target schema* is gathered at link time with no hand-written list
//! ([`target_schema`]; [`Models`] for an explicit list). Field types map to SQL types through
//! [`ColumnType`], which you can implement for your own newtypes. Mistakes inside one struct are
//! compile errors; mistakes across tables (a foreign key to an unknown column, two structs
//! claiming one table) are reported, all at once, by [`target_schema`] ([`RegistryError`]).
//!
//! ```
//! use retort::{DbEnum, Model};
//! use retort::schema::SqlType;
//!
//! #[derive(retort::DbEnum)]
//! pub enum UserStatus {
//!     Active,
//!     Banned,
//! }
//!
//! #[derive(retort::Table)]
//! #[table(name = "users", comment = "people who can sign in")]
//! pub struct User {
//!     #[column(primary_key)]                 // an integer primary key is auto-increment
//!     pub id: i64,
//!     #[column(length = 320, unique)]        // VARCHAR(320) + a unique constraint
//!     pub email: String,
//!     pub display_name: Option<String>,      // Option<T> => NULL allowed
//!     #[column(server_default = "'active'")] // raw SQL, as the database should see it
//!     pub status: UserStatus,
//! }
//!
//! let users = User::table();
//! assert_eq!(users.column("email").unwrap().ty, SqlType::Varchar(320));
//! assert_eq!(users.uniques[0].name, "uq_users_email");
//! assert!(users.column("display_name").unwrap().nullable);
//! assert_eq!(UserStatus::Banned.as_str(), "banned");
//!
//! let schema = retort::Models::new().add::<User>().schema().unwrap();
//! assert_eq!(schema.enums[0].name, "user_status");
//! ```
//!
//! The table a model describes is plain data: [`schema::Table`], its columns, keys, indexes and
//! constraints, named by the convention in [`schema::naming`] unless given a `name`.
//!
//! # 2. Migrations
//!
//! The `retort` command line (`cargo run -p cli -- revision --autogenerate -m "..."`, the `cli`
//! package that `retort init` scaffolds, built on `retort::cli::main`, feature `cli`) compares the models with a
//! database and writes a migration script into `migrations/versions/`: a Rust file with a
//! header and an `upgrade` and a `downgrade` function filling in a [`migration::Migration`]
//! with dialect-neutral operations. Scripts start with `use retort::migration::prelude::*;`
//! ([`migration::prelude`]) and are edited by hand like any other code.
//!
//! # 3. Embedding at start-up
//!
//! A build script (`retort_build::migrations("../migrations")`) compiles the scripts into the
//! binary; [`include_migrations!`] defines `fn migrations() -> retort::MigrationSet` from
//! them, and [`migrate_to_head`] applies what is pending from async code, with the same lock,
//! version table and applied-migrations log as the command line:
//!
//! ```ignore
//! retort::include_migrations!();
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     retort::migrate_to_head(&std::env::var("DATABASE_URL")?, &migrations()).await?;
//!     Ok(())
//! }
//! ```
//!
//! [`migration`] has the rest of the runner for applications that need more (options, the
//! current revision, the log).
//!
//! # 4. The CI check
//!
//! [`schema_test!`] defines a `#[test]` that replays the migration history in memory and fails,
//! listing the differences, when a model changed without a migration; no database server is
//! needed ([`testing`]). `cargo run -p cli -- check` does the same against a live database.
//!
//! # Cargo features
//!
//! `sqlite` (default), `postgres`, `mysql` select database drivers; `chrono`, `time`, `uuid`,
//! `json` (serde_json and `Json<T>`), `decimal` (rust_decimal) add column types; `cli` the
//! command-line application (`retort::cli`).
//!
//! The crate's API is listed, one line per item, in the README ("The `retort` crate's API").

#![warn(missing_docs)]

mod model;
mod registry;
pub mod testing;
mod types;

pub use model::{DbEnum, Model};
pub use registry::{
    registrations, target_schema, ModelProblem, Models, RegistryError, TableRegistration,
};
#[cfg(feature = "json")]
pub use types::Json;
pub use types::{ColumnType, TypeArgs};

pub use retort_runner::{migrate_to_head, MigrationSet};

/// `#[derive(Table)]`: a struct that maps to a table; implements [`Model`] and registers the
/// table for [`target_schema`].
///
/// Table attributes (`#[table(..)]`, possibly split over several attributes): `name` (default:
/// the struct name in snake_case), `schema`, `comment`, `renamed_from`, `primary_key = ["a",
/// "b"]` (composite), `primary_key_name = ".."` (default `pk_<table>`), `index(name = ..,
/// columns = [..], unique, where = "..")`, `unique(name = .., columns = [..])`, `check(name =
/// .., expr = "..")`, `foreign_key(name = .., columns = [..], references = "table(col, ..)",
/// on_delete = "..", on_update = "..", deferrable)`.
///
/// Column attributes (`#[column(..)]`): `name`, `primary_key`, `autoincrement`, `length`,
/// `precision`, `scale`, `sql_type`, `nullable`, `unique`, `index`, `references = "table.col"`
/// (or `"schema.table.col"`), `on_delete`/`on_update` (`cascade`, `set null`, `set default`,
/// `restrict`, `no action`), `server_default` (raw SQL), `comment`, `renamed_from`, `skip`.
///
/// Index and constraint names follow [`schema::naming`] unless given with `name = ".."`.
/// The table it produces is a [`schema::Table`].
pub use retort_macros::Table;

/// `#[derive(DbEnum)]`: a fieldless enum stored as a database enum; implements the [`DbEnum`]
/// trait. Labels are the variant names in snake_case unless `#[db_enum(rename = "..")]`; the
/// type is named after the enum in snake_case unless `#[db_enum(name = "..")]` on the enum.
pub use retort_macros::DbEnum;

/// Compiles in the migration scripts found by `retort_build::migrations(..)` in `build.rs`:
/// defines `fn migrations() -> retort::MigrationSet`.
///
/// ```ignore
/// // Cargo.toml: [build-dependencies] retort-build = { path = "<retort clone>/build" }
/// // build.rs
/// fn main() { retort_build::migrations("../migrations").unwrap(); }
/// // src/main.rs
/// retort::include_migrations!();
/// ```
///
/// Without the build script (or when it did not call `retort_build::migrations`), a compile
/// error says what to add.
pub use retort_macros::include_migrations;

pub mod schema {
    //! The schema model: what a [`Model`](crate::Model) describes and what the migration
    //! history replays to. Plain data, no I/O.

    pub use retort_schema::naming;
    pub use retort_schema::{
        Check, Column, Dialect, EnumType, FkAction, ForeignKey, Index, PrimaryKey, QName, Schema,
        SqlType, Table, Unique,
    };
}

pub mod migration {
    //! Migration scripts and running them.
    //!
    //! A script imports [`prelude`] (`use retort::migration::prelude::*;`): the [`Migration`]
    //! builder its `upgrade` and `downgrade` fill in, the schema types its operations take,
    //! and what a data-migration hook ([`Migration::run`]) needs. An application that applies
    //! its migrations with more control than [`migrate_to_head`](crate::migrate_to_head)
    //! connects a [`Db`] and calls [`upgrade`] / [`downgrade`] / [`current`] with
    //! [`RunOptions`] (version table name, lock and statement timeouts); [`read_log`] reads
    //! the applied-migrations log.

    /// What migration scripts import: `use retort::migration::prelude::*;`.
    pub mod prelude {
        pub use retort_runner::prelude::*;
    }

    pub use retort_runner::{
        checksum_hex, current, downgrade, read_log, upgrade, Db, Event, LogEntry, LogKind,
        Migration, Report, RunError, RunOptions, Script, Timeouts,
    };
}

#[cfg(feature = "cli")]
pub mod cli {
    //! The command-line application for a workspace's `cli` binary (feature `cli`): [`main`]
    //! for the binary, [`run`] for tests and tools (one command, no process exit).

    /// Runs retort's command line with the compiled-in migrations and the registered models;
    /// exits the process with 0 (success), 1 (failure, or differences for `check`) or 2
    /// (usage error).
    pub fn main(migrations: crate::MigrationSet) -> ! {
        retort_app::main(migrations, || {
            crate::target_schema().map_err(|e| e.to_string())
        })
    }

    pub use retort_app::{run, AppError, Context, ExitCode};
}

/// What generated code (the derives, `include_migrations!`, the build script's output) refers
/// to. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry::desc::{
        CheckDesc, ColumnDesc, ForeignKeyDesc, IndexDesc, ReferenceDesc, TableDesc, TypeDesc,
        UniqueDesc,
    };
    pub use crate::registry::TableRegistration;
    pub use crate::{ColumnType, DbEnum, Model, TypeArgs};
    pub use inventory;
    pub use retort_runner::Script;
    pub use retort_schema::{
        naming, Check, Column, Dialect, FkAction, ForeignKey, Index, PrimaryKey, QName, SqlType,
        Table, Unique,
    };

    /// Whether the column gets auto-increment: an explicit `autoincrement = ..` wins, else an
    /// integer column that is the whole primary key.
    pub fn autoincrement(explicit: Option<bool>, sole_pk: bool, ty: &SqlType) -> bool {
        explicit.unwrap_or(sole_pk && ty.is_integer())
    }

    /// The name of an unnamed check: `ck_<table>_<words of the expression>`.
    pub fn check_name(table: &str, expr: &str) -> String {
        let words: Vec<String> = expr
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
            .filter(|w| !w.is_empty())
            .map(|w| w.to_ascii_lowercase())
            .collect();
        naming::check(table, &words.join("_"))
    }
}
