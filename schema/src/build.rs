//! Fluent constructors, so that migration scripts (hand-written or generated) read well.
//! They are `#[inline(never)]`: a generated migration is one long function of these calls, and
//! inlining them all makes an optimizing build of a big history take minutes.
//!
//!
//! ```
//! use retort_schema::{Column, FkAction, ForeignKey, Index, SqlType, Table};
//!
//! let t = Table::new("posts")
//!     .with_column(Column::new("id", SqlType::BigInt).autoincrement())
//!     .with_column(Column::new("author_id", SqlType::BigInt))
//!     .with_column(Column::new("title", SqlType::Varchar(200)).default("''"))
//!     .primary_key("pk_posts", ["id"])
//!     .index(Index::new("ix_posts_author_id", ["author_id"]))
//!     .foreign_key(
//!         ForeignKey::new("fk_posts_author_id_users", ["author_id"], "users", ["id"])
//!             .on_delete(FkAction::Cascade),
//!     );
//! assert_eq!(t.columns.len(), 3);
//! ```
//!
//! `Table::column(&self, name)` is the column getter, so the builder that appends a column is
//! [`Table::with_column`].

use crate::{
    AlterColumn, Check, Column, EnumType, FkAction, ForeignKey, Index, PrimaryKey, QName, SqlType,
    Table, Unique,
};

fn strings<I, S>(items: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    items.into_iter().map(Into::into).collect()
}

impl Table {
    /// Puts the table in a database schema (PostgreSQL schema, MySQL database).
    #[inline(never)]
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// The table's comment (PostgreSQL `COMMENT ON`, MySQL/MariaDB inline; SQLite keeps none).
    #[inline(never)]
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Appends a column.
    #[inline(never)]
    pub fn with_column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// The primary key: constraint name (`pk_<table>` by convention) and columns.
    #[inline(never)]
    pub fn primary_key<I, S>(mut self, name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.primary_key = Some(PrimaryKey::new(name, columns));
        self
    }

    /// Adds an index, created after the table.
    #[inline(never)]
    pub fn index(mut self, index: Index) -> Self {
        self.indexes.push(index);
        self
    }

    /// Adds a unique constraint.
    #[inline(never)]
    pub fn unique(mut self, unique: Unique) -> Self {
        self.uniques.push(unique);
        self
    }

    /// Adds a foreign key.
    #[inline(never)]
    pub fn foreign_key(mut self, foreign_key: ForeignKey) -> Self {
        self.foreign_keys.push(foreign_key);
        self
    }

    /// Adds a check constraint.
    #[inline(never)]
    pub fn check(mut self, check: Check) -> Self {
        self.checks.push(check);
        self
    }

    /// Adds an earlier name of the table (a hint for the differ).
    #[inline(never)]
    pub fn renamed_from(mut self, old: impl Into<String>) -> Self {
        self.renamed_from.push(old.into());
        self
    }
}

impl Column {
    /// Auto-increment / identity.
    #[inline(never)]
    pub fn autoincrement(mut self) -> Self {
        self.autoincrement = true;
        self
    }

    /// The column's comment (not stored by SQLite).
    #[inline(never)]
    pub fn comment(mut self, comment: impl Into<String>) -> Self {
        self.comment = Some(comment.into());
        self
    }

    /// Adds an earlier name of the column (a hint for the differ).
    #[inline(never)]
    pub fn renamed_from(mut self, old: impl Into<String>) -> Self {
        self.renamed_from.push(old.into());
        self
    }
}

impl PrimaryKey {
    /// A primary key named `name` over `columns`, in order.
    #[inline(never)]
    pub fn new<I, S>(name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        PrimaryKey {
            name: name.into(),
            columns: strings(columns),
        }
    }
}

impl Index {
    /// A plain (non-unique, non-partial) index.
    #[inline(never)]
    pub fn new<I, S>(name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Index {
            name: name.into(),
            columns: strings(columns),
            unique: false,
            predicate: None,
            dialects: Vec::new(),
        }
    }

    /// Makes it a unique index.
    #[inline(never)]
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Partial index (`WHERE ..`; PostgreSQL and SQLite).
    #[inline(never)]
    pub fn predicate(mut self, predicate: impl Into<String>) -> Self {
        self.predicate = Some(predicate.into());
        self
    }

    /// Only on these databases (e.g. a partial index left out on MySQL/MariaDB, which has no
    /// partial indexes); see [`Index::dialects`].
    #[inline(never)]
    pub fn dialects(mut self, dialects: impl IntoIterator<Item = crate::Dialect>) -> Self {
        self.dialects = dialects.into_iter().collect();
        self
    }
}

impl Unique {
    /// A unique constraint named `name` over `columns`.
    #[inline(never)]
    pub fn new<I, S>(name: impl Into<String>, columns: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Unique {
            name: name.into(),
            columns: strings(columns),
        }
    }
}

impl ForeignKey {
    /// `columns` reference `ref_columns` of `ref_table` (`"users"` or `"auth.users"`), with the
    /// database's default actions and not deferrable.
    #[inline(never)]
    pub fn new<I, S, J, T>(
        name: impl Into<String>,
        columns: I,
        ref_table: impl Into<QName>,
        ref_columns: J,
    ) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
        J: IntoIterator<Item = T>,
        T: Into<String>,
    {
        ForeignKey {
            name: name.into(),
            columns: strings(columns),
            ref_table: ref_table.into(),
            ref_columns: strings(ref_columns),
            on_delete: None,
            on_update: None,
            deferrable: false,
        }
    }

    /// `ON DELETE` action.
    #[inline(never)]
    pub fn on_delete(mut self, action: FkAction) -> Self {
        self.on_delete = Some(action);
        self
    }

    /// `ON UPDATE` action.
    #[inline(never)]
    pub fn on_update(mut self, action: FkAction) -> Self {
        self.on_update = Some(action);
        self
    }

    /// `DEFERRABLE INITIALLY DEFERRED` (PostgreSQL, SQLite; MySQL/MariaDB have no deferred
    /// constraints and check immediately).
    #[inline(never)]
    pub fn deferrable(mut self) -> Self {
        self.deferrable = true;
        self
    }
}

impl Check {
    /// A check constraint named `name`; `expr` is raw SQL, as the database should see it.
    #[inline(never)]
    pub fn new(name: impl Into<String>, expr: impl Into<String>) -> Self {
        Check {
            name: name.into(),
            expr: expr.into(),
        }
    }
}

impl EnumType {
    /// An enum type named `name` (`"mood"` or `"app.mood"`).
    #[inline(never)]
    pub fn new<I, S>(name: impl Into<QName>, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let q = name.into();
        EnumType {
            schema: q.schema,
            name: q.name,
            values: strings(values),
        }
    }
}

impl SqlType {
    /// An enumeration type: `SqlType::enumeration("mood", ["ok", "meh"])`.
    #[inline(never)]
    pub fn enumeration<I, S>(name: impl Into<String>, values: I) -> SqlType
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        SqlType::Enum {
            name: name.into(),
            values: strings(values),
        }
    }
}

impl AlterColumn {
    /// Renames the column.
    #[inline(never)]
    pub fn rename(mut self, new_name: impl Into<String>) -> Self {
        self.new_name = Some(new_name.into());
        self
    }

    /// Changes the type.
    #[inline(never)]
    pub fn ty(mut self, ty: SqlType) -> Self {
        self.ty = Some(ty);
        self
    }

    /// Allows (`true`) or forbids (`false`) NULL.
    #[inline(never)]
    pub fn nullable(mut self, nullable: bool) -> Self {
        self.nullable = Some(nullable);
        self
    }

    /// Sets the server default (a raw SQL expression).
    #[inline(never)]
    pub fn set_default(mut self, expr: impl Into<String>) -> Self {
        self.default = Some(Some(expr.into()));
        self
    }

    /// Drops the server default.
    #[inline(never)]
    pub fn drop_default(mut self) -> Self {
        self.default = Some(None);
        self
    }

    /// Sets (`Some`) or drops (`None`) the column comment.
    #[inline(never)]
    pub fn comment(mut self, comment: Option<&str>) -> Self {
        self.comment = Some(comment.map(str::to_string));
        self
    }

    /// Conversion expression for a type change (PostgreSQL `USING`).
    #[inline(never)]
    pub fn using(mut self, expr: impl Into<String>) -> Self {
        self.using = Some(expr.into());
        self
    }

    /// With a change to a shorter `VARCHAR(n)`/`CHAR(n)`: cut longer values to `n` characters
    /// (on every database) instead of failing on them, which is what a narrowing does without it.
    #[inline(never)]
    pub fn truncate(mut self) -> Self {
        self.truncate = true;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_fill_the_model() {
        let fk = ForeignKey::new("fk_a_b_id_b", ["b_id"], "app.b", ["id"])
            .on_delete(FkAction::SetNull)
            .deferrable();
        assert_eq!(fk.ref_table, QName::with_schema(Some("app".into()), "b"));
        assert_eq!(fk.on_delete, Some(FkAction::SetNull));
        assert!(fk.deferrable);
        let a = AlterColumn::new("users", "email")
            .ty(SqlType::Text)
            .drop_default()
            .comment(None);
        assert_eq!(a.default, Some(None));
        assert_eq!(a.comment, Some(None));
        let e = EnumType::new("app.mood", ["ok"]);
        assert_eq!(e.qname().to_string(), "app.mood");
    }
}
