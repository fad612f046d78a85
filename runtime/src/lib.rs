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
//! ```
//! # /*
//! retort::include_migrations!();
//! # */
//! # // `include_migrations!()` needs the build script; this example builds the same set by hand.
//! # use retort::migration::prelude::*;
//! # fn migrations() -> retort::MigrationSet {
//! #     let header = "//! users\n//!\n//! Revision ID: 0a1b2c3d4e5f\n//! Revises:\n";
//! #     let up: fn(&mut Migration) = |m| {
//! #         m.create_table(Table::new("users").with_column(Column::new("id", SqlType::BigInt)));
//! #     };
//! #     let down: fn(&mut Migration) = |m| {
//! #         m.drop_table("users");
//! #     };
//! #     let script = retort::migration::Script::new("0a1b2c3d4e5f_users.rs", header, 0, up, down);
//! #     retort::MigrationSet::new("", vec![script])
//! # }
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! #   let file = std::env::temp_dir().join(format!("retort-guide-{}.db", std::process::id()));
//! #   std::env::set_var("DATABASE_URL", format!("sqlite://{}?mode=rwc", file.display()));
//!     let report = retort::migrate_to_head(&std::env::var("DATABASE_URL")?, &migrations()).await?;
//! #   assert_eq!(report.applied, ["0a1b2c3d4e5f"]);
//! #   std::fs::remove_file(file)?;
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
//! # SQLite
//!
//! Feature `sqlite` (default); URLs `sqlite://path/to/file.db` (`?mode=rwc` to create it).
//! What SQLite's `ALTER TABLE` cannot do (a column's type, nullability or default; keys and
//! constraints) is a table rebuild that keeps every row, index, trigger and view; foreign keys
//! are checked before each migration commits. Enums are `TEXT` with a `CHECK`, comments are not
//! stored, auto-increment is only the single `INTEGER PRIMARY KEY`. Each migration is one
//! transaction, under the database's write lock.
//!
//! # PostgreSQL
//!
//! Feature `postgres`; URLs `postgres://user:password@host:5432/db`. Each migration is one
//! transaction, except statements that cannot run in one (`ALTER TYPE .. ADD VALUE`, `CREATE
//! INDEX CONCURRENTLY` in raw SQL), which are split out and reported. Enums are `CREATE TYPE ..
//! AS ENUM`; removing or reordering values builds a new type. The migration lock is an advisory
//! lock.
//!
//! # MySQL and MariaDB
//!
//! Feature `mysql`; URLs `mysql://user:password@host:3306/db`. Every DDL statement commits on
//! its own: a migration that fails half-way leaves its earlier statements applied (the error
//! lists them) and the version table at the previous revision. Enums are `ENUM(..)` in each
//! column, there are no partial indexes (an index with a predicate covers every row) and no
//! deferrable constraints. The migration lock is `GET_LOCK`.
//!
//! # More documentation
//!
//! In the repository: `docs/operations.md` (every operation a script can use, per database),
//! `docs/cookbook.md` (complete scripts for changes that move data), `docs/alembic.md` (for
//! Alembic users), and the README (commands, configuration, behaviour on failure).
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
    //! the applied-migrations log. On MySQL/MariaDB a revision interrupted mid-way (its DDL
    //! commits statement by statement) is reported by [`interrupted`] and finished, recorded
    //! or abandoned with [`resume`] and a [`ResumeMode`].

    /// What migration scripts import: `use retort::migration::prelude::*;`.
    pub mod prelude {
        pub use retort_runner::prelude::*;
    }

    pub use retort_runner::{
        checksum_hex, current, downgrade, interrupted, read_log, resume, upgrade, Db, Event,
        LogEntry, LogKind, Migration, Report, ResumeMode, RunError, RunOptions, Script, Timeouts,
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

/// The documentation pages (`README.md`, `docs/*.md`), compiled here so that every Rust block
/// in them runs as a doctest (`cargo test -p retort --all-features --doc`): the docs cannot
/// drift from the code. Not public API.
#[doc(hidden)]
// The pages are written for GitHub, where `[tz]` is text, not an intra-doc link.
#[allow(rustdoc::broken_intra_doc_links)]
pub mod __docs {
    #[doc = include_str!("../../README.md")]
    pub mod readme {}
    #[doc = include_str!("../../docs/operations.md")]
    pub mod operations {}
    #[doc = include_str!("../../docs/cookbook.md")]
    pub mod cookbook {}
    #[doc = include_str!("../../docs/alembic.md")]
    pub mod alembic {}
    #[doc = include_str!("../../docs/ARCHITECTURE.md")]
    pub mod architecture {}

    use crate::migration::{Db, Migration, RunOptions, Script};
    use crate::schema::Dialect;
    use crate::MigrationSet;

    /// Two revisions: `setup` (the schema and rows an example starts from), then the
    /// example's script.
    fn set(
        setup: fn(&mut Migration),
        upgrade: fn(&mut Migration),
        downgrade: fn(&mut Migration),
    ) -> MigrationSet {
        const SETUP: &str = "//! setup\n//!\n//! Revision ID: d0c5000000a1\n//! Revises:\n";
        const EXAMPLE: &str =
            "//! example\n//!\n//! Revision ID: d0c5000000b2\n//! Revises: d0c5000000a1\n";
        MigrationSet::new(
            "",
            vec![
                Script::new("d0c5000000a1_setup.rs", SETUP, 1, setup, |_| {}),
                Script::new("d0c5000000b2_example.rs", EXAMPLE, 2, upgrade, downgrade),
            ],
        )
    }

    /// Runs a documentation example's script on a new SQLite database file: `setup` first
    /// (the tables and rows the example starts from), then the example's `upgrade`, its
    /// `downgrade` and its `upgrade` again, as `upgrade head` / `downgrade -1` would. Returns
    /// the connection for the example's own assertions. Panics with the runner's error.
    pub async fn run_on_sqlite(
        setup: fn(&mut Migration),
        upgrade: fn(&mut Migration),
        downgrade: fn(&mut Migration),
    ) -> Db {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let path = std::env::temp_dir().join(format!(
            "retort-doc-{}-{}-{}.db",
            std::process::id(),
            N.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
        ));
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let mut db = Db::connect(&url).await.expect("open a scratch SQLite file");
        let set = set(setup, upgrade, downgrade);
        let opts = RunOptions::default();
        let steps = [
            ("upgrade", "d0c5000000a1"),
            ("upgrade", "d0c5000000b2"),
            ("downgrade", "d0c5000000a1"),
            ("upgrade", "d0c5000000b2"),
        ];
        for (command, target) in steps {
            let r = if command == "upgrade" {
                crate::migration::upgrade(&mut db, &set, target, &opts, &mut |_| {}).await
            } else {
                crate::migration::downgrade(&mut db, &set, target, &opts, &mut |_| {}).await
            };
            if let Err(e) = r {
                panic!("{command} to {target}: {e}");
            }
        }
        db
    }

    /// The SQL that `upgrade --sql` prints for the example's `upgrade` on `dialect` (after
    /// `setup`; no database needed).
    pub fn sql(setup: fn(&mut Migration), upgrade: fn(&mut Migration), dialect: Dialect) -> String {
        retort_runner::offline(
            &set(setup, upgrade, |_| {}),
            dialect,
            retort_runner::Direction::Up,
            "d0c5000000a1:d0c5000000b2",
            &RunOptions::default(),
        )
        .unwrap_or_else(|e| panic!("render for {dialect:?}: {e}"))
    }

    /// The rows of a statement, each value as text (`"NULL"` for NULL). Panics on an error.
    pub async fn rows(db: &mut Db, sql: &str) -> Vec<Vec<String>> {
        let rows = db.query_strings(sql).await;
        let rows = rows.unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|v| v.unwrap_or_else(|| "NULL".into()))
                    .collect()
            })
            .collect()
    }
}

/// What generated code (the derives, `include_migrations!`, the build script's output) refers
/// to. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry::desc::TableDesc;
    pub use crate::registry::TableRegistration;
    pub use crate::types::ColumnTypeDesc;
    pub use crate::{ColumnType, DbEnum, Model, TypeArgs};
    pub use inventory;
    pub use retort_runner::Script;
    pub use retort_schema::{
        naming, Check, Column, Dialect, FkAction, ForeignKey, Index, PrimaryKey, QName, SqlType,
        Table, Unique,
    };
}
