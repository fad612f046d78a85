//! Errors of the runner.

use std::time::Duration;

/// What went wrong while connecting, planning, rendering or running migrations.
///
/// Every message names what it is about (the revision, the statement, the file, the table)
/// and, where there is one, what to do. A database URL in a message never shows its password
/// (see [`crate::redact_url`]). `Debug` prints the same message, so that an application's
/// `main() -> Result<(), Box<dyn Error>>` reports it readably.
#[derive(thiserror::Error)]
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

    /// The migration lock (or, on SQLite, the database's write lock) was not free within
    /// `lock_timeout`. `holder` says who holds it where the database can tell.
    #[error("waited {} for the migration lock on {db} (lock_timeout): {holder}; or raise lock_timeout in retort.toml", crate::limits::secs_ref(.waited))]
    LockTimeout {
        db: String,
        waited: Duration,
        holder: String,
    },

    /// Connecting (or setting up the session) did not finish within `connect_timeout`.
    #[error("connecting to {server} at {at} timed out after {} ({setting}): the server did not answer; check the host, port and network, or raise connect_timeout in retort.toml (or `connect_timeout=` in the URL)", crate::limits::secs_ref(.waited))]
    ConnectTimeout {
        /// `PostgreSQL` or `MySQL/MariaDB`.
        server: &'static str,
        /// `host:port`.
        at: String,
        waited: Duration,
        /// `connect_timeout` or `connect_timeout in the URL`.
        setting: &'static str,
    },

    /// A round trip to the server got no answer within the bound (see
    /// [`crate::Timeouts::round_trip`]); the connection was abandoned.
    #[error("no answer from the database server for {} ({reason}) while running `{sql}`: the network or the server stopped answering, and retort dropped the connection", crate::limits::secs_ref(.waited))]
    NoAnswer {
        sql: String,
        waited: Duration,
        reason: String,
    },

    /// A call on a connection abandoned after [`RunError::NoAnswer`].
    #[error("not run: the connection was dropped after the server stopped answering (`{sql}`)")]
    ConnectionDropped { sql: String },

    /// A statement of a migration hit a bound: a lock wait (`lock_timeout`), its run time
    /// (`statement_timeout`), or the server stopped answering.
    #[error("{}", wait_message(.revision, .direction, .number, .sql, .kind, .waited, .reason, .table.as_deref(), .holders, .consequence))]
    Waited {
        revision: String,
        direction: &'static str,
        /// 1-based position of the statement in the migration.
        number: usize,
        sql: String,
        kind: crate::limits::WaitKind,
        waited: Duration,
        /// The setting(s) the bound comes from.
        reason: String,
        /// The table the statement changes, when known.
        table: Option<String>,
        /// Who holds the lock (PostgreSQL, MySQL/MariaDB), when it could be found.
        holders: String,
        /// What state the database is left in.
        consequence: String,
    },

    /// A setting (in the URL or the options) is out of range.
    #[error("{0}")]
    Setting(String),

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

    /// Applied scripts changed since they ran (their checksum differs from the one in the
    /// applied-migrations log); an upgrade refuses before running anything.
    #[error("{}", crate::log::edited_message(.0))]
    EditedScripts(Vec<crate::log::Mismatch>),

    /// Offline mode cannot do what was asked.
    #[error("{0}")]
    Offline(String),
}

#[allow(clippy::too_many_arguments)]
fn wait_message(
    revision: &str,
    direction: &str,
    number: &usize,
    sql: &str,
    kind: &crate::limits::WaitKind,
    waited: &Duration,
    reason: &str,
    table: Option<&str>,
    holders: &str,
    consequence: &str,
) -> String {
    use crate::limits::{secs, WaitKind};
    let on = match table {
        Some(t) => format!("a lock on table `{t}`"),
        None => "a lock".to_string(),
    };
    let mut s = match *kind {
        WaitKind::Lock => format!(
            "statement {number} of revision {revision} ({direction}) waited {} for {on} ({reason}): another session holds it",
            secs(*waited)
        ),
        WaitKind::Statement => format!(
            "statement {number} of revision {revision} ({direction}) ran for {} and was cancelled by the server ({reason})",
            secs(*waited)
        ),
        WaitKind::NoAnswer => format!(
            "statement {number} of revision {revision} ({direction}) got no answer from the server for {} ({reason}): the network or the server stopped answering, and retort dropped the connection",
            secs(*waited)
        ),
    };
    if !holders.is_empty() {
        s.push_str(" -- ");
        s.push_str(holders);
    }
    s.push_str(&format!("\n  statement: {sql}\n{consequence}"));
    match *kind {
        WaitKind::Lock => s.push_str("\nRun again when the lock is free, or raise lock_timeout in retort.toml."),
        WaitKind::Statement => s.push_str("\nRaise statement_timeout in retort.toml (0 = no limit) if the statement needs longer."),
        WaitKind::NoAnswer => {}
    }
    s
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

/// The message (see the type's docs).
impl std::fmt::Debug for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
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
