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
    /// An operation, rendered to SQL for the database at hand.
    Op(Op),
    /// A Rust step ([`Migration::run`]).
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
/// `"audit.events"`, see [`QName`]). Every method returns `&mut Self`, so calls chain.
///
/// What each operation does on each database, what autogenerate writes it for and its reverse:
/// `docs/operations.md`; complete scripts for common changes: `docs/cookbook.md`.
///
/// ```
/// use retort_runner::prelude::*;
///
/// pub fn upgrade(m: &mut Migration) {
///     m.add_column("users", Column::new("bio", SqlType::Text).nullable(true))
///         .create_index("users", Index::new("ix_users_bio", ["bio"]));
/// }
///
/// pub fn downgrade(m: &mut Migration) {
///     m.drop_index("users", "ix_users_bio").drop_column("users", "bio");
/// }
/// # let mut m = Migration::new();
/// # upgrade(&mut m);
/// # assert_eq!(m.ops().len(), 2);
/// ```
#[derive(Clone, Debug, Default)]
pub struct Migration {
    steps: Vec<MigrationStep>,
}

impl Migration {
    /// An empty plan (the runner makes one and passes it to a script's `upgrade` / `downgrade`).
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

    /// Creates a table with its columns, keys, indexes and constraints. Reverse: [`Migration::drop_table`].
    /// See docs/operations.md for what each database runs.
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.create_table(
    ///     Table::new("tags")
    ///         .with_column(Column::new("id", SqlType::BigInt).autoincrement())
    ///         .with_column(Column::new("name", SqlType::Varchar(50)))
    ///         .primary_key("pk_tags", ["id"]),
    /// );
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn create_table(&mut self, table: Table) -> &mut Self {
        self.op(Op::CreateTable(table))
    }

    /// Drops a table and its rows. Reverse: [`Migration::create_table`] with the table as it was.
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.drop_table("tags");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn drop_table(&mut self, t: impl Into<QName>) -> &mut Self {
        self.op(Op::DropTable { table: t.into() })
    }

    /// Renames a table within its schema.
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.rename_table("people", "users");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn rename_table(&mut self, t: impl Into<QName>, new_name: impl Into<String>) -> &mut Self {
        self.op(Op::RenameTable {
            table: t.into(),
            new_name: new_name.into(),
        })
    }

    /// Adds a column (`NOT NULL` unless `.nullable(true)`; SQLite rebuilds the table when its
    /// `ADD COLUMN` cannot). Reverse: [`Migration::drop_column`].
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.add_column("users", Column::new("bio", SqlType::Text).nullable(true));
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn add_column(&mut self, t: impl Into<QName>, column: Column) -> &mut Self {
        self.op(Op::AddColumn {
            table: t.into(),
            column,
        })
    }

    /// Drops a column and its data (SQLite rebuilds the table when a key, index or constraint
    /// uses it). Reverse: [`Migration::add_column`] with the column as it was.
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.drop_column("users", "bio");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn drop_column(&mut self, t: impl Into<QName>, column: impl Into<String>) -> &mut Self {
        self.op(Op::DropColumn {
            table: t.into(),
            column: column.into(),
        })
    }

    /// Changes a column's name, type, nullability, default or comment ([`AlterColumn`]); SQLite
    /// rebuilds the table for anything but a rename or a comment.
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.alter_column(AlterColumn::new("users", "nick").rename("handle").nullable(false));
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn alter_column(&mut self, alter: AlterColumn) -> &mut Self {
        self.op(Op::AlterColumn(alter))
    }

    /// Creates an index ([`Index`]: unique, partial, only on some databases). Reverse:
    /// [`Migration::drop_index`].
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.create_index("users", Index::new("ix_users_email", ["email"]).unique());
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn create_index(&mut self, t: impl Into<QName>, index: Index) -> &mut Self {
        self.op(Op::CreateIndex {
            table: t.into(),
            index,
        })
    }

    /// Drops an index by name.
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.drop_index("users", "ix_users_email");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn drop_index(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropIndex {
            table: t.into(),
            name: name.into(),
        })
    }

    /// Adds a unique constraint (SQLite: a table rebuild). Reverse: [`Migration::drop_unique`].
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.add_unique("users", Unique::new("uq_users_email", ["email"]));
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn add_unique(&mut self, t: impl Into<QName>, unique: Unique) -> &mut Self {
        self.op(Op::AddUnique {
            table: t.into(),
            unique,
        })
    }

    /// Drops a unique constraint by name (SQLite: a table rebuild).
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.drop_unique("users", "uq_users_email");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn drop_unique(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropUnique {
            table: t.into(),
            name: name.into(),
        })
    }

    /// Adds a foreign key (SQLite: a table rebuild). Reverse: [`Migration::drop_foreign_key`].
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.add_foreign_key(
    ///     "posts",
    ///     ForeignKey::new("fk_posts_author_id_users", ["author_id"], "users", ["id"])
    ///         .on_delete(FkAction::Cascade),
    /// );
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn add_foreign_key(&mut self, t: impl Into<QName>, foreign_key: ForeignKey) -> &mut Self {
        self.op(Op::AddForeignKey {
            table: t.into(),
            foreign_key,
        })
    }

    /// Drops a foreign key by name (SQLite: a table rebuild).
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.drop_foreign_key("posts", "fk_posts_author_id_users");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn drop_foreign_key(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropForeignKey {
            table: t.into(),
            name: name.into(),
        })
    }

    /// Adds a check constraint, a raw SQL expression (SQLite: a table rebuild). Reverse:
    /// [`Migration::drop_check`].
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.add_check("users", Check::new("ck_users_age", "age >= 0"));
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn add_check(&mut self, t: impl Into<QName>, check: Check) -> &mut Self {
        self.op(Op::AddCheck {
            table: t.into(),
            check,
        })
    }

    /// Drops a check constraint by name (SQLite: a table rebuild).
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.drop_check("users", "ck_users_age");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn drop_check(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropCheck {
            table: t.into(),
            name: name.into(),
        })
    }

    /// Adds a primary key (SQLite: a table rebuild). Reverse: [`Migration::drop_primary_key`].
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.add_primary_key("members", PrimaryKey::new("pk_members", ["org_id", "user_id"]));
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn add_primary_key(&mut self, t: impl Into<QName>, primary_key: PrimaryKey) -> &mut Self {
        self.op(Op::AddPrimaryKey {
            table: t.into(),
            primary_key,
        })
    }

    /// Drops the primary key by name (SQLite: a table rebuild; MySQL/MariaDB: takes
    /// `AUTO_INCREMENT` off its column in the same statement).
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.drop_primary_key("members", "pk_members");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn drop_primary_key(&mut self, t: impl Into<QName>, name: impl Into<String>) -> &mut Self {
        self.op(Op::DropPrimaryKey {
            table: t.into(),
            name: name.into(),
        })
    }

    /// Sets (`Some`) or removes (`None`) the table's comment.
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.set_table_comment("users", Some("people who can sign in"));
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn set_table_comment(&mut self, t: impl Into<QName>, comment: Option<&str>) -> &mut Self {
        self.op(Op::SetTableComment {
            table: t.into(),
            comment: comment.map(str::to_string),
        })
    }

    /// Creates an enum type (PostgreSQL `CREATE TYPE .. AS ENUM`; nothing elsewhere, where the
    /// values live in each column). Reverse: [`Migration::drop_enum`].
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.create_enum(EnumType::new("mood", ["ok", "meh"]));
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn create_enum(&mut self, e: EnumType) -> &mut Self {
        self.op(Op::CreateEnum(e))
    }

    /// Drops an enum type (PostgreSQL `DROP TYPE`; nothing elsewhere).
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.drop_enum("mood");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn drop_enum(&mut self, name: impl Into<QName>) -> &mut Self {
        self.op(Op::DropEnum { name: name.into() })
    }

    /// Appends a value to an enum type (PostgreSQL: `ALTER TYPE .. ADD VALUE`, which runs
    /// outside the migration's transaction).
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.add_enum_value("mood", "great");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
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
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.set_enum_values("mood", ["ok", "great"]);
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
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
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.execute("UPDATE users SET email = lower(email)");
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn execute(&mut self, sql: impl Into<String>) -> &mut Self {
        self.op(Op::Sql(RawSql {
            sql: Some(sql.into()),
            ..RawSql::default()
        }))
    }

    /// Raw SQL with per-dialect variants.
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.execute_raw(RawSql {
    ///     postgres: Some("CREATE INDEX CONCURRENTLY ix_users_name ON users (name)".into()),
    ///     sql: Some("CREATE INDEX ix_users_name ON users (name)".into()),
    ///     ..RawSql::default()
    /// });
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
    #[inline(never)]
    pub fn execute_raw(&mut self, sql: RawSql) -> &mut Self {
        self.op(Op::Sql(sql))
    }

    /// Inserts literal rows (one value per listed column).
    ///
    /// ```
    /// # use retort_runner::prelude::*;
    /// let mut m = Migration::new();
    /// m.bulk_insert(
    ///     "countries",
    ///     ["code", "name"],
    ///     vec![vec![Value::Text("FR".into()), Value::Text("France".into())]],
    /// );
    /// # assert_eq!(m.ops().len(), 1);
    /// ```
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
    /// ```
    /// # use retort_runner::prelude::*;
    /// # let mut m = Migration::new();
    /// m.run(|db| {
    ///     Box::pin(async move {
    ///         db.execute("UPDATE users SET email = lower(email)").await?;
    ///         Ok(())
    ///     })
    /// });
    /// # assert_eq!(m.steps().len(), 1);
    /// # assert!(m.ops().is_empty());
    /// ```
    ///
    /// A complete script with a Rust step, run on SQLite: docs/operations.md and
    /// docs/cookbook.md ("A data migration in async Rust").
    #[inline(never)]
    pub fn run<F>(&mut self, f: F) -> &mut Self
    where
        F: for<'c> Fn(&'c mut Db) -> BoxFuture<'c, Result<(), BoxError>> + Send + Sync + 'static,
    {
        self.steps.push(MigrationStep::Run(Arc::new(f)));
        self
    }
}
