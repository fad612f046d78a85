//! The traits that `#[derive(Table)]` and `#[derive(DbEnum)]` implement.

use retort_schema::Table;

/// A struct that maps to a table. Implemented by `#[derive(Table)]`; rarely written by hand.
pub trait Model {
    /// The Rust name of the struct (`"User"`), used in messages.
    const STRUCT_NAME: &'static str;

    /// `(column name, field name)` for every column, in declaration order, so that a message
    /// about a column can name the field the user wrote (`Post.author_id`).
    const FIELDS: &'static [(&'static str, &'static str)];

    /// The table this struct describes: columns, keys, indexes and constraints, with every
    /// index and constraint named (explicitly or by the naming convention).
    fn table() -> Table;

    /// The field that declares column `column`, if any.
    fn field_of(column: &str) -> Option<&'static str> {
        Self::FIELDS
            .iter()
            .find(|(c, _)| *c == column)
            .map(|(_, f)| *f)
    }
}

/// A Rust enum stored as a database enum (`#[derive(DbEnum)]`): a PostgreSQL enum type, a
/// MySQL `ENUM(..)`, a CHECK constraint on SQLite.
pub trait DbEnum: Sized + 'static {
    /// The database type name (`user_status`).
    const NAME: &'static str;
    /// The labels, in declaration order.
    const VALUES: &'static [&'static str];

    /// The label of this value.
    fn as_str(&self) -> &'static str;

    /// The value with label `label`, if any.
    fn from_str(label: &str) -> Option<Self>;
}
