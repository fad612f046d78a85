//! The dialect-neutral schema model shared by every part of retort.
//!
//! Data flows one way: models (`#[derive(Table)]`) and introspection both produce a [`Schema`];
//! the differ turns two schemas into a list of [`Op`]s; renderers turn operations into SQL for a
//! [`Dialect`] or into Rust source for a migration script; the runner executes the SQL.
//!
//! Everything here is plain data: no I/O, no database, no inventory.

mod build;
mod dialect;
pub mod expr;
mod model;
pub mod naming;
mod ops;
mod types;

pub use dialect::Dialect;
pub use model::{
    Check, Column, Dependent, DependentKind, EnumType, FkAction, ForeignKey, Index, PrimaryKey,
    QName, Schema, Table, Unique,
};
pub use ops::{reverse_all, AlterColumn, ApplyError, Op, RawSql, Value};
pub use types::SqlType;
