//! The schema check that needs no database server: replay the migration history into a schema
//! (in memory, operation by operation, as [`MigrationSet::replay`](crate::MigrationSet::replay) does) and compare it with the
//! models. Add one line to a test file of the crate that compiles the migrations in (the `cli`
//! crate `init` scaffolds):
//!
//! ```ignore
//! retort::include_migrations!();
//! retort::schema_test!(migrations());
//! ```
//!
//! The test fails, listing the differences, when someone changed a model without writing the
//! migration (or wrote a migration the models do not match).

use std::fmt;

use retort_runner::MigrationSet;
use retort_schema::{Dialect, Schema};

/// What the history and the models disagree on.
#[derive(Debug)]
#[non_exhaustive]
pub enum SchemaCheckError {
    /// The models could not be read (empty registry, cross-table problems).
    Models(String),
    /// The migration history could not be replayed.
    History(String),
    /// The operations a new migration would need, one description each.
    Drift(Vec<String>),
}

impl fmt::Display for SchemaCheckError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SchemaCheckError::Models(e) => write!(f, "the models could not be read: {e}"),
            SchemaCheckError::History(e) => {
                write!(f, "the migration history could not be replayed: {e}")
            }
            SchemaCheckError::Drift(ops) => {
                writeln!(
                    f,
                    "the models and the migration history differ; a new migration needs:"
                )?;
                for op in ops {
                    writeln!(f, "  - {op}")?;
                }
                write!(
                    f,
                    "run `cargo run -p cli -- revision --autogenerate -m \"...\"` against a database at head, review the file, and commit it"
                )
            }
        }
    }
}

impl std::error::Error for SchemaCheckError {}

/// The schema the migration history produces at its head(s).
pub fn history_schema(set: &MigrationSet) -> Result<Schema, SchemaCheckError> {
    let map = set
        .revision_map()
        .map_err(|e| SchemaCheckError::History(e.to_string()))?;
    let heads: Vec<String> = map.heads().into_iter().map(str::to_string).collect();
    let mut schema = set
        .replay(&heads)
        .map_err(|e| SchemaCheckError::History(e.to_string()))?;
    schema.collect_enums_from_columns();
    schema.normalize_order();
    Ok(schema)
}

/// Compares the history's schema with `models`. Both are in the models' own spelling, so the
/// comparison is exact: every type, default, constraint, comment and enum counts.
pub fn check(set: &MigrationSet, models: &Schema) -> Result<(), SchemaCheckError> {
    let history = history_schema(set)?;
    let mut models = models.clone();
    models.normalize_order();
    // Both sides are spelled by the models; PostgreSQL's rules compare everything (comments,
    // enum types by name and values).
    let opts = retort_diff::Options::new(Dialect::Postgres);
    let diff = retort_diff::diff(&history, &models, &opts);
    if diff.ops.is_empty() {
        Ok(())
    } else {
        Err(SchemaCheckError::Drift(
            diff.ops.iter().map(|op| op.describe()).collect(),
        ))
    }
}

/// [`check`] against the models registered with `#[derive(Table)]`; panics with the list of
/// differences (for `#[test]`s).
pub fn assert_in_sync(set: &MigrationSet) {
    let models = match crate::target_schema() {
        Ok(s) => s,
        Err(e) => panic!("{}", SchemaCheckError::Models(e.to_string())),
    };
    if let Err(e) = check(set, &models) {
        panic!("{e}");
    }
}

/// Defines a `#[test]` that fails when the models and the migration history differ:
/// `retort::schema_test!(migrations());`
#[macro_export]
macro_rules! schema_test {
    ($set:expr) => {
        #[test]
        fn retort_models_match_migrations() {
            $crate::testing::assert_in_sync(&$set);
        }
    };
}
