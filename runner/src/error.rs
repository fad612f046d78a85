//! Errors of the runner.

use std::time::Duration;

/// What went wrong while connecting, planning, rendering or running migrations.
///
/// Every message names what it is about (the revision, the statement, the file, the table)
/// and, where there is one, what to do. A database URL in a message never shows its password
/// (see [`crate::redact_url`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The URL's scheme is not a database retort knows.
    #[error("unsupported database URL `{url}`: use sqlite:, postgres://, postgresql://, mysql:// or mariadb://")]
    UnsupportedUrl { url: String },

    /// The URL names a database whose driver was not compiled in.
    #[error("database URL `{url}` needs the `{feature}` feature of retort, which this binary was built without")]
    DriverNotEnabled { url: String, feature: &'static str },

    /// Connecting failed.
    #[error("cannot connect to `{url}`: {message}")]
    Connect { url: String, message: String },

    /// A statement the runner issued itself (version table, lock, catalog query) failed.
    #[error("statement failed: {message}\n  statement: {sql}")]
    Sql { sql: String, message: String },

    /// A statement of a migration failed; the migration was rolled back (transactional DDL:
    /// PostgreSQL, SQLite).
    #[error(
        "migration {revision} ({direction}) failed: {message}\n  statement: {sql}\n{consequence}"
    )]
    Statement {
        revision: String,
        direction: &'static str,
        sql: String,
        message: String,
        /// What state the database is left in.
        consequence: String,
    },

    /// A statement of a migration failed on MySQL/MariaDB, where every DDL statement commits
    /// on its own: the statements before it stay applied.
    #[error("{}", mysql_partial_message(.revision, .direction, .applied, .sql, .message, .version))]
    PartiallyApplied {
        revision: String,
        direction: &'static str,
        /// The statements of the failing migration that ran successfully, in order.
        applied: Vec<String>,
        /// The failing statement.
        sql: String,
        message: String,
        /// The version table's heads, which were not changed.
        version: Vec<String>,
    },

    /// A data-migration hook (`Migration::run`) returned an error.
    #[error(
        "the Rust step of migration {revision} ({direction}) failed: {message}\n{consequence}"
    )]
    Hook {
        revision: String,
        direction: &'static str,
        message: String,
        consequence: String,
    },

    /// `PRAGMA foreign_key_check` found rows violating a foreign key at the end of a SQLite
    /// migration; it was rolled back.
    #[error("migration {revision} leaves rows in table `{table}` whose foreign key to `{parent}` points nowhere ({count} row(s)); the migration was rolled back and the version table is unchanged. Fix the data (or the migration) and run again")]
    ForeignKeyViolation {
        revision: String,
        table: String,
        parent: String,
        count: usize,
    },

    /// An operation could not be rendered as SQL.
    #[error("migration {revision} ({direction}): {source}")]
    Render {
        revision: String,
        direction: &'static str,
        #[source]
        source: retort_sql::RenderError,
    },

    /// Replaying the migration history as a schema failed.
    #[error("replaying migration {revision} (`{op}`): {source}; the history does not replay as a schema (objects made with raw SQL are invisible to the replay)")]
    Replay {
        revision: String,
        op: String,
        #[source]
        source: retort_schema::ApplyError,
    },

    /// Another process holds the migration lock.
    #[error("another retort process holds the migration lock on {db} (waited {} s); set lock_timeout in retort.toml", .waited.as_secs())]
    LockTimeout { db: String, waited: Duration },

    /// A version-table UPDATE or DELETE did not match exactly one row.
    #[error("migration {revision}: the version table `{table}` changed underneath this run (`{sql}` matched {rows} row(s), expected 1): another process modified it concurrently; check `current` and run again")]
    ConcurrentModification {
        revision: String,
        table: String,
        sql: String,
        rows: u64,
    },

    /// A migration script's header cannot be read.
    #[error("migration script `{file}`: {message}")]
    Script { file: String, message: String },

    /// The revision graph is invalid, or a revision expression does not resolve.
    #[error("{0}")]
    Revision(String),

    /// The scripts on disk are not the ones compiled into this binary.
    #[error("{0}")]
    Stale(String),

    /// Offline mode cannot do what was asked.
    #[error("{0}")]
    Offline(String),
}

fn mysql_partial_message(
    revision: &str,
    direction: &str,
    applied: &[String],
    sql: &str,
    message: &str,
    version: &[String],
) -> String {
    let mut s = format!(
        "migration {revision} ({direction}) failed: {message}\n  statement: {sql}\n\
         MySQL/MariaDB commit every DDL statement on its own, so the migration is half-applied.\n"
    );
    if applied.is_empty() {
        s.push_str("No statement of this migration had been applied before the failing one.\n");
    } else {
        s.push_str(&format!(
            "These {} statement(s) of {revision} had been applied and stay applied:\n",
            applied.len()
        ));
        for (i, a) in applied.iter().enumerate() {
            s.push_str(&format!("  {}. {a}\n", i + 1));
        }
    }
    let v = if version.is_empty() {
        "<base>".to_string()
    } else {
        version.join(", ")
    };
    s.push_str(&format!(
        "The version table stays at the previous revision ({v}). Undo the applied statements \
         (or finish the migration by hand and `stamp` it), then run again."
    ));
    s
}

impl RunError {
    pub(crate) fn sql(sql: &str, e: impl std::fmt::Display) -> RunError {
        RunError::Sql {
            sql: sql.to_string(),
            message: e.to_string(),
        }
    }

    /// The database's own message, for errors that carry one.
    pub fn db_message(&self) -> Option<&str> {
        match self {
            RunError::Sql { message, .. }
            | RunError::Statement { message, .. }
            | RunError::PartiallyApplied { message, .. } => Some(message),
            _ => None,
        }
    }
}
