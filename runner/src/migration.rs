//! The builder migration scripts fill in: `pub fn upgrade(m: &mut Migration) { .. }`.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use retort_schema::{
    AlterColumn, Check, Column, EnumType, ForeignKey, Index, Op, PrimaryKey, QName, RawSql, Table,
    Unique, Value,
};

use crate::Db;

/// A boxed, sendable future (what a data-migration hook returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The error a data-migration hook may return (anything that is an `Error`, via `?`).
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// A data-migration hook: async Rust on the live connection.
pub type Hook =
    Arc<dyn for<'c> Fn(&'c mut Db) -> BoxFuture<'c, Result<(), BoxError>> + Send + Sync>;

/// One step of a migration: an operation rendered to SQL, or a Rust hook.
// A migration holds a handful of steps: boxing the `Op` would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone)]
pub enum MigrationStep {
    Op(Op),
    Run(Hook),
}

impl std::fmt::Debug for MigrationStep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MigrationStep::Op(op) => f.debug_tuple("Op").field(op).finish(),
            MigrationStep::Run(_) => f.write_str("Run(<Rust step>)"),
        }
    }
}

/// The plan of one migration script's `upgrade` or `downgrade`: operations in order, and
/// Rust hooks between them. One method per [`Op`]; `t` is a table name (`"users"` or
/// `"audit.events"`, see [`QName`]).
#[derive(Clone, Debug, Default)]
pub struct Migration {
    steps: Vec<MigrationStep>,
}

impl Migration {
    #[inline(never)]
    pub fn new() -> Self {
        Migration::default()
    }

    /// Every step, in order.
    #[inline(never)]
    pub fn steps(&self) -> &[MigrationStep] {
        &self.steps
    }

    /// The operations, in order (Rust hooks left out).
    #[inline(never)]
    pub fn ops(&self) -> Vec<&Op> {
        self.steps
            .iter()
            .filter_map(|s| match s {
                MigrationStep::Op(op) => Some(op),
                MigrationStep::Run(_) => None,
            })
            .collect()
    }

    /// Appends any operation.
    #[inline(never)]
    pub fn op(&mut self, op: Op) -> &mut Self {
        self.steps.push(MigrationStep::Op(op));
        self
    }

    #[inline(never)]
    pub fn create_table(&mut self, table: Table) -> &mut Self {
        self.op(Op::CreateTable(table))
    }

    #[inline(never)]
    pub fn drop_table(&mut self, t: impl Into<QName>) -> &mut Self {
        self.op(Op::DropTable { table: t.into() })
    }

    /// Renames a table within its schema.
    #[inline(never)]
    pub fn rename_table(&mut self, t: impl Into<QName>, new_name: impl Into<String>) -> &mut Self {
        self.op(Op::RenameTable {
            table: t.into(),
            new_name: new_name.into(),
        })
    }

    #[inline(never)]
    pub fn add_column(&mut self, t: impl Into<QName>, column: Column) -> &mut Self {
        self.op(Op::AddColumn {
            table: t.into(),
            column,
        })
    }

    #[inline(never)]
    pub fn drop_column(&mut self, t: impl Into<QName>, column: impl Into<String>) -> &mut Self {
        self.op(Op::DropColumn {
            table: t.into(),
            column: column.into(),
        })
    }

    #[inline(never)]
    pub fn alter_column(&mut self, alter: AlterColumn) -> &mut Self {
        self.op(Op::AlterColumn(alter))
    }

    #[inline(never)]
    pub fn create_index(&mut self, t: impl Into<QName>, index: Index) -> &mut Self {
        self.op(Op::CreateIndex {
            table: t.into(),
            index,
        })
    }

    #[inline(never)]
    pub fn drop_index(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropIndex {
            table: t.into(),
            name: name.into(),
        })
    }

    #[inline(never)]
    pub fn add_unique(&mut self, t: impl Into<QName>, unique: Unique) -> &mut Self {
        self.op(Op::AddUnique {
            table: t.into(),
            unique,
        })
    }

    #[inline(never)]
    pub fn drop_unique(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropUnique {
            table: t.into(),
            name: name.into(),
        })
    }

    #[inline(never)]
    pub fn add_foreign_key(&mut self, t: impl Into<QName>, foreign_key: ForeignKey) -> &mut Self {
        self.op(Op::AddForeignKey {
            table: t.into(),
            foreign_key,
        })
    }

    #[inline(never)]
    pub fn drop_foreign_key(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropForeignKey {
            table: t.into(),
            name: name.into(),
        })
    }

    #[inline(never)]
    pub fn add_check(&mut self, t: impl Into<QName>, check: Check) -> &mut Self {
        self.op(Op::AddCheck {
            table: t.into(),
            check,
        })
    }

    #[inline(never)]
    pub fn drop_check(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropCheck {
            table: t.into(),
            name: name.into(),
        })
    }

    #[inline(never)]
    pub fn add_primary_key(&mut self, t: impl Into<QName>, primary_key: PrimaryKey) -> &mut Self {
        self.op(Op::AddPrimaryKey {
            table: t.into(),
            primary_key,
        })
    }

    #[inline(never)]
    pub fn drop_primary_key(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropPrimaryKey {
            table: t.into(),
            name: name.into(),
        })
    }

    /// Sets (`Some`) or removes (`None`) the table's comment.
    #[inline(never)]
    pub fn set_table_comment(&mut self, t: impl Into<QName>, comment: Option<&str>) -> &mut Self {
        self.op(Op::SetTableComment {
            table: t.into(),
            comment: comment.map(str::to_string),
        })
    }

    #[inline(never)]
    pub fn create_enum(&mut self, e: EnumType) -> &mut Self {
        self.op(Op::CreateEnum(e))
    }

    #[inline(never)]
    pub fn drop_enum(&mut self, name: impl Into<QName>) -> &mut Self {
        self.op(Op::DropEnum { name: name.into() })
    }

    /// Appends a value to an enum type (PostgreSQL: `ALTER TYPE .. ADD VALUE`, which runs
    /// outside the migration's transaction).
    #[inline(never)]
    pub fn add_enum_value(
        &mut self,
        name: impl Into<QName>,
        value: impl Into<String>,
    ) -> &mut Self {
        self.op(Op::AddEnumValue {
            name: name.into(),
            value: value.into(),
            before: None,
        })
    }

    /// Replaces the whole list of an enum's values (removing or reordering values).
    #[inline(never)]
    pub fn set_enum_values<I, S>(&mut self, name: impl Into<QName>, values: I) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.op(Op::SetEnumValues {
            name: name.into(),
            values: values.into_iter().map(Into::into).collect(),
        })
    }

    /// Raw SQL, the same on every dialect (one statement).
    #[inline(never)]
    pub fn execute(&mut self, sql: impl Into<String>) -> &mut Self {
        self.op(Op::Sql(RawSql {
            sql: Some(sql.into()),
            ..RawSql::default()
        }))
    }

    /// Raw SQL with per-dialect variants.
    #[inline(never)]
    pub fn execute_raw(&mut self, sql: RawSql) -> &mut Self {
        self.op(Op::Sql(sql))
    }

    /// Inserts literal rows (one value per listed column).
    #[inline(never)]
    pub fn bulk_insert<I, S>(
        &mut self,
        t: impl Into<QName>,
        columns: I,
        rows: Vec<Vec<Value>>,
    ) -> &mut Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.op(Op::BulkInsert {
            table: t.into(),
            columns: columns.into_iter().map(Into::into).collect(),
            rows,
        })
    }

    /// Async Rust on the live connection, inside the migration's transaction (PostgreSQL,
    /// SQLite; on MySQL/MariaDB the connection is in autocommit mode). Skipped, with a note,
    /// when the migration is rendered offline (`--sql`).
    ///
    /// ```ignore
    /// m.run(|db| Box::pin(async move {
    ///     db.execute("UPDATE users SET email = lower(email)").await?;
    ///     Ok(())
    /// }));
    /// ```
    #[inline(never)]
    pub fn run<F>(&mut self, f: F) -> &mut Self
    where
        F: for<'c> Fn(&'c mut Db) -> BoxFuture<'c, Result<(), BoxError>> + Send + Sync + 'static,
    {
        self.steps.push(MigrationStep::Run(Arc::new(f)));
        self
    }
}
