//! What can go wrong rendering an operation.

use retort_schema::{ApplyError, Dialect, QName};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The operation does not fit the schema given as the state before it.
    #[error("cannot render `{op}`: {source} (the schema before the operation, from the migration history or the database, does not have what the operation expects; check the operation or the order of the migrations)")]
    State {
        op: String,
        #[source]
        source: ApplyError,
    },
    /// The dialect cannot express the operation.
    #[error("cannot render `{op}` for {dialect}: {reason}")]
    Unsupported {
        op: String,
        dialect: Dialect,
        reason: String,
    },
    /// A bulk-insert row whose length differs from the column list.
    #[error("bulk insert into `{table}`: row {row} has {got} values but {expected} columns are listed; give one value per column")]
    RowLength {
        table: QName,
        row: usize,
        expected: usize,
        got: usize,
    },
}
