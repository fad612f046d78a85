//! retort: Alembic for Rust.
//!
//! retort keeps a database schema in step with Rust structs. Put `#[derive(retort::Table)]` on
//! your models; each derive registers its table through `inventory`, so the *target schema* is
//! gathered at link time with no hand-written list ([`registry::target_schema`]). retort then
//! compares that target with a live database (SQLite, PostgreSQL, MySQL/MariaDB) or with the
//! schema the migration history produces, writes reviewable Rust migration scripts, and runs
//! them along an Alembic-style revision graph.
//!
//! ```
//! use retort::{DbEnum, Model, SqlType};
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
//! The derive attributes are described on [`Table`](derive@Table) and [`DbEnum`](derive@DbEnum).
//! Field types map to SQL types through [`ColumnType`], which you can implement for your own
//! newtypes.
//!
//! Cargo features: `sqlite` (default), `postgres`, `mysql` select database drivers; `chrono`,
//! `time`, `uuid`, `json` (serde_json and [`Json<T>`]), `decimal` (rust_decimal) add column
//! types; `cli` the command-line application.

mod model;
pub mod registry;
pub mod testing;
mod types;

pub use retort_schema as schema;
pub use retort_schema::{
    Check, Column, Dialect, EnumType, FkAction, ForeignKey, Index, PrimaryKey, QName, Schema,
    SqlType, Table, Unique,
};

pub use model::{DbEnum, Model};
pub use registry::{target_schema, Models, RegistryError};
#[cfg(feature = "json")]
pub use types::Json;
pub use types::{ColumnType, TypeArgs};

pub use retort_revision as revision;
pub use retort_runner as runner;
pub use retort_runner::{migrate_to_head, Db, MigrationSet};

/// What migration scripts import: `use retort::migration::prelude::*;`.
pub mod migration {
    pub use retort_runner::prelude;
    pub use retort_runner::{Migration, MigrationSet, Script};
}

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

/// The command-line application for a workspace's `cli` binary (feature `cli`).
#[cfg(feature = "cli")]
pub mod cli {
    /// Runs retort's command line with the compiled-in migrations and the registered models;
    /// exits the process with 0 (success), 1 (failure, or differences for `check`) or 2
    /// (usage error).
    pub fn main(migrations: crate::MigrationSet) -> ! {
        retort_app::main(migrations, || {
            crate::registry::target_schema().map_err(|e| e.to_string())
        })
    }

    pub use retort_app::{run, Context};
}

/// `#[derive(Table)]`: a struct that maps to a table.
///
/// Table attributes (`#[table(..)]`, possibly split over several attributes): `name` (default:
/// the struct name in snake_case), `schema`, `comment`, `renamed_from`, `primary_key = ["a",
/// "b"]` (composite), `primary_key_name = ".."` (default `pk_<table>`), `index(name = ..,
/// columns = [..], unique, where = "..")`, `unique(name =
/// .., columns = [..])`, `check(name = .., expr = "..")`, `foreign_key(name = .., columns =
/// [..], references = "table(col, ..)", on_delete = "..", on_update = "..", deferrable)`.
///
/// Column attributes (`#[column(..)]`): `name`, `primary_key`, `autoincrement`, `length`,
/// `precision`, `scale`, `sql_type`, `nullable`, `unique`, `index`, `references = "table.col"`
/// (or `"schema.table.col"`), `on_delete`/`on_update` (`cascade`, `set null`, `set default`,
/// `restrict`, `no action`), `server_default` (raw SQL), `comment`, `renamed_from`, `skip`.
///
/// Index and constraint names follow [`schema::naming`] unless given with `name = ".."`.
pub use retort_macros::Table;

/// `#[derive(DbEnum)]`: a fieldless enum stored as a database enum. Labels are the variant
/// names in snake_case unless `#[db_enum(rename = "..")]`; the type is named after the enum in
/// snake_case unless `#[db_enum(name = "..")]` on the enum.
pub use retort_macros::DbEnum;

/// What the derives expand to. Not public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::registry::TableRegistration;
    pub use crate::{ColumnType, DbEnum, Model, TypeArgs};
    pub use inventory;
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
