//! Errors of the runner.

use crate::words::show_rows;
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

    /// The URL names a database whose driver was not compiled in. `manifest`: the Cargo.toml
    /// that chooses the binary's drivers, when the caller knows it (the application: `cli/`
    /// beside retort.toml, as `retort init` lays it out).
    #[error("{}", driver_not_enabled(url, feature, manifest.as_deref()))]
    DriverNotEnabled {
        url: String,
        feature: &'static str,
        manifest: Option<std::path::PathBuf>,
    },

    /// Connecting failed.
    #[error("cannot connect to `{url}`: {source}")]
    Connect {
        url: String,
        #[source]
        source: DbError,
    },

    /// A statement the runner issued itself (version table, lock, catalog query) failed.
    #[error("statement failed: {source}\n  statement: {sql}")]
    Sql {
        sql: String,
        #[source]
        source: DbError,
    },

    /// A statement of a migration failed; the migration was rolled back (transactional DDL:
    /// PostgreSQL, SQLite).
    #[error(
        "migration {revision} ({direction}) failed: {source}\n  statement: {sql}\n{consequence}"
    )]
    Statement {
        revision: String,
        direction: &'static str,
        sql: String,
        /// The database's error.
        #[source]
        source: DbError,
        /// What state the database is left in.
        consequence: String,
    },

    /// A statement of a migration failed on MySQL/MariaDB, where every DDL statement commits
    /// on its own: the statements before it stay applied.
    #[error("{}", mysql_partial_message(.revision, .direction, .applied, .sql, .source, .version))]
    PartiallyApplied {
        revision: String,
        direction: &'static str,
        /// The statements of the failing migration that ran successfully, in order.
        applied: Vec<String>,
        /// The failing statement.
        sql: String,
        /// The database's error.
        #[source]
        source: DbError,
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

    /// The server behind a PostgreSQL URL is a distributed PostgreSQL-compatible engine
    /// (CockroachDB, YugabyteDB) retort has not been tested with: refused at connect.
    #[error("{engine} at {at} is not supported: retort has not been tested with it, and what retort relies on differs there: {why}. Use retort with PostgreSQL, MySQL/MariaDB or SQLite; see docs/operations.md (Distributed PostgreSQL-compatible engines). The server said: {version}")]
    UnsupportedEngine {
        engine: &'static str,
        at: String,
        why: &'static str,
        version: String,
    },

    /// PostgreSQL: the run is committed on the primary, but a replica of
    /// `wait_for_replicas` did not replay it within `replica_timeout`.
    #[error("{done} IS committed on the primary; but waited {} (replica_timeout) for the replicas to replay it (the primary's WAL position {lsn}): {lagging}. Do not run it again: a replica catches up on its own once it streams again; raise replica_timeout in retort.toml, or check the replica (pg_stat_replication on the primary)", crate::limits::secs_ref(.waited))]
    ReplicasBehind {
        done: String,
        waited: Duration,
        lsn: String,
        lagging: String,
    },

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

    /// The revision graph of the scripts is invalid (a cycle, a missing parent, ...).
    #[error(transparent)]
    Graph(#[from] retort_revision::GraphError),

    /// A revision expression (a target, `stamp`'s revisions) does not resolve against the
    /// graph and the version table.
    #[error(transparent)]
    Resolve(#[from] retort_revision::ResolveError),

    /// The start of a `from:to` range (offline mode) does not resolve.
    #[error("range start `{from}`: {source}")]
    Range {
        from: String,
        #[source]
        source: retort_revision::ResolveError,
    },

    /// No compiled-in script has this revision id.
    #[error("no migration script has revision id `{id}`")]
    NoScript { id: String },

    /// The version table names a revision that no compiled-in script has.
    #[error("revision `{id}` is not among the migration scripts (the version table names a revision this binary does not have; `stamp --purge` rewrites it)")]
    UnknownApplied { id: String },

    /// The version table names a revision that `squash` folded into `into`; its original
    /// script is compiled in (`versions/squashed/`), and `upgrade` brings the database to
    /// `into` with the originals first.
    #[error("the database is at revision `{id}`, which was squashed into `{into}`; run `upgrade` (it runs the original scripts kept in versions/squashed/ up to {into} first)")]
    SquashedApplied { id: String, into: String },

    /// A step's version-table change does not apply to the rows before it.
    #[error("revision {revision}: {message}")]
    VersionChange { revision: String, message: String },

    /// A version-table change this runner does not know how to write (a newer
    /// `retort-revision`).
    #[error("this runner does not know the version-table change {change}; update retort-runner")]
    UnknownVersionChange { change: String },

    /// SQLite: while this run waited for the write lock, another process moved the version
    /// table somewhere the plan does not pass through.
    #[error("the version table changed while this run waited for the lock: expected {}, found {}; another process ran a different command concurrently. Check `current` and run again", show_rows(.expected), show_rows(.found))]
    ChangedWhileWaiting {
        expected: Vec<String>,
        found: Vec<String>,
    },

    /// The scripts on disk are not the ones compiled into this binary.
    #[error(transparent)]
    Stale(#[from] retort_revision::StaleError),

    /// Applied scripts changed since they ran (their checksum differs from the one in the
    /// applied-migrations log); an upgrade refuses before running anything.
    #[error("{}", crate::log::edited_message(.0))]
    EditedScripts(Vec<crate::log::Mismatch>),

    /// A revision that runs outside a transaction (MySQL/MariaDB) was interrupted: its
    /// progress marker is in the database. Every command that reads or writes the version table
    /// refuses with it until [`crate::resume`] finishes the revision (or the marker is settled
    /// by hand: [`crate::ResumeMode`]). `in_flight` is what the live schema says about the
    /// statement in flight, where it was compared.
    #[error("{}", crate::progress::interrupted_message(.progress, .in_flight.as_ref(), .version))]
    Interrupted {
        progress: Box<crate::progress::Progress>,
        in_flight: Option<crate::progress::InFlight>,
        /// The version table's rows now.
        version: Vec<String>,
    },

    /// `resume` cannot finish the interrupted revision safely; `reason` says why and what to do.
    #[error("cannot resume revision {revision}: {reason}")]
    CannotResume { revision: String, reason: String },

    /// Offline mode cannot do what was asked.
    #[error("{0}")]
    Offline(String),

    /// A run failed after it had applied some migrations: `source` is why, `applied` the
    /// revisions applied (and committed) before the failure, in order. Only [`crate::upgrade`]
    /// and [`crate::downgrade`] return it, and only when at least one migration had been
    /// applied; its message is `source`'s. Match on [`RunError::kind`] to see the cause
    /// whichever way it is wrapped.
    #[error("{source}")]
    Failed {
        /// What the run applied before it failed.
        applied: Vec<String>,
        #[source]
        source: Box<RunError>,
    },
}

/// The database's own message for a failed statement (without sqlx's prefix).
pub(crate) fn db_error_text(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(d) => match d.code() {
            Some(code) => format!("{} (code {code})", d.message()),
            None => d.message().to_string(),
        },
        other => other.to_string(),
    }
}

/// A database driver's error (or a message about a database call), whose `Display` never shows
/// a password: the text is redacted ([`crate::redact_text`]) when it is displayed. The driver's
/// own error stays reachable with [`DbError::driver`]; it is deliberately not the
/// [`std::error::Error::source`], because its `Display` (a connect error, for instance) may
/// quote the URL with its password.
pub struct DbError {
    /// The database's message, `<message> (code <code>)` where it has a code.
    text: String,
    driver: Option<sqlx::Error>,
}

impl DbError {
    /// The error of a driver call.
    #[cfg_attr(
        not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
        allow(dead_code)
    )]
    pub(crate) fn driver_error(e: sqlx::Error) -> DbError {
        DbError {
            text: db_error_text(&e),
            driver: Some(e),
        }
    }

    /// The error of connecting to `url`: the URL (and its password wherever the driver quotes
    /// it alone) is redacted.
    pub(crate) fn connect(e: sqlx::Error, url: &str) -> DbError {
        DbError {
            text: crate::secrets::scrub(&e.to_string(), url),
            driver: Some(e),
        }
    }

    /// A message about a database call that is not a driver error.
    pub(crate) fn message_only(text: impl Into<String>) -> DbError {
        DbError {
            text: text.into(),
            driver: None,
        }
    }

    /// The database's message (`<message> (code <code>)`), as the database wrote it.
    pub fn message(&self) -> &str {
        &self.text
    }

    /// The driver's error, when this came from one.
    pub fn driver(&self) -> Option<&sqlx::Error> {
        self.driver.as_ref()
    }

    /// The database's error code: PostgreSQL's SQLSTATE, SQLite's extended result code,
    /// MySQL/MariaDB's error number; `None` when the database did not answer with an error.
    pub fn code(&self) -> Option<String> {
        let db = self.driver.as_ref()?.as_database_error()?;
        #[cfg(feature = "mysql")]
        if let Some(m) = db.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>() {
            return Some(m.number().to_string());
        }
        db.code().map(|c| c.into_owned())
    }
}

impl std::fmt::Display for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::secrets::redact_text(&self.text))
    }
}

impl std::fmt::Debug for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for DbError {}

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
    message: &DbError,
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
    s.push_str(&format!(
        "The version table stays at the previous revision ({}).",
        show_rows(version)
    ));
    if applied.is_empty() {
        s.push_str(" Fix the cause and run again.");
    } else {
        s.push_str(
            " The revision's progress is recorded beside the version table: fix the cause, then \
             `retort resume` runs its remaining statements (or finish it by hand and `retort resume \
             --finished`, or undo the applied statements and `retort resume --abandon`).",
        );
    }
    s
}

/// The message (see the type's docs).
impl std::fmt::Debug for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl RunError {
    /// A statement's failure that is not a driver error (the text says what happened).
    pub(crate) fn sql(sql: &str, message: impl std::fmt::Display) -> RunError {
        RunError::Sql {
            sql: sql.to_string(),
            source: DbError::message_only(message.to_string()),
        }
    }

    /// A driver error of `sql`.
    #[cfg_attr(
        not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
        allow(dead_code)
    )]
    pub(crate) fn driver(sql: &str, e: sqlx::Error) -> RunError {
        RunError::Sql {
            sql: sql.to_string(),
            source: DbError::driver_error(e),
        }
    }

    /// The database's own message, for errors that carry one.
    pub fn db_message(&self) -> Option<&str> {
        self.db_error().map(DbError::message)
    }

    /// The database's error, for errors that carry one.
    pub fn db_error(&self) -> Option<&DbError> {
        match self.kind() {
            RunError::Sql { source, .. }
            | RunError::Connect { source, .. }
            | RunError::Statement { source, .. }
            | RunError::PartiallyApplied { source, .. } => Some(source),
            _ => None,
        }
    }

    /// The error itself, or for [`RunError::Failed`] the error that stopped the run.
    pub fn kind(&self) -> &RunError {
        match self {
            RunError::Failed { source, .. } => source.kind(),
            e => e,
        }
    }

    /// The revisions a failed [`crate::upgrade`] / [`crate::downgrade`] applied before it
    /// failed (empty for other errors, and when it failed at the first migration).
    pub fn applied(&self) -> &[String] {
        match self {
            RunError::Failed { applied, .. } => applied,
            _ => &[],
        }
    }

    /// A statement's error turned into the failure of a migration: the driver error it
    /// carries, or (for a dropped connection) its message.
    pub(crate) fn into_db_error(self) -> DbError {
        match self {
            RunError::Sql { source, .. } => source,
            other => DbError::message_only(other.to_string()),
        }
    }
}

/// What to do about a missing driver: the feature to add, and where.
fn driver_not_enabled(url: &str, feature: &str, manifest: Option<&std::path::Path>) -> String {
    let file = match manifest {
        Some(p) => p.display().to_string(),
        None => "the Cargo.toml of the package that builds it (cli/Cargo.toml in a workspace `retort init` wrote)".to_string(),
    };
    format!(
        "database URL `{url}` needs the `{feature}` feature of retort, which this binary was built without: add \"{feature}\" to the features of the `retort` dependency in {file} (e.g. `features = [\"cli\", \"{feature}\"]`), then run it again"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_driver_names_the_feature_and_the_manifest() {
        let e = RunError::DriverNotEnabled {
            url: "mysql://db/app".to_string(),
            feature: "mysql",
            manifest: None,
        };
        let text = e.to_string();
        assert!(text.contains("needs the `mysql` feature"), "{text}");
        assert!(text.contains("add \"mysql\" to the features of the `retort` dependency in the Cargo.toml of the package that builds it (cli/Cargo.toml"), "{text}");
        let e = RunError::DriverNotEnabled {
            url: "mysql://db/app".to_string(),
            feature: "mysql",
            manifest: Some("/w/shop/cli/Cargo.toml".into()),
        };
        let text = e.to_string();
        assert!(
            text.contains(
                "dependency in /w/shop/cli/Cargo.toml (e.g. `features = [\"cli\", \"mysql\"]`)"
            ),
            "{text}"
        );
    }

    #[test]
    fn a_database_error_never_displays_a_password() {
        let e = RunError::Connect {
            url: crate::redact_url("postgres://bob:hunter2@db/app"),
            source: DbError::message_only(
                "error with configuration: postgres://bob:hunter2@db/app refused",
            ),
        };
        assert!(!e.to_string().contains("hunter2"), "{e}");
        let source = std::error::Error::source(&e).expect("the database error is the source");
        assert!(!source.to_string().contains("hunter2"), "{source}");
        assert!(source.to_string().contains("bob:***@db"), "{source}");
        // The database's message itself is kept for classification.
        assert!(e.db_message().is_some_and(|m| m.contains("refused")));
    }

    #[test]
    fn a_failed_run_reports_what_it_applied_and_its_cause() {
        let cause = RunError::sql("SELECT 1", "boom");
        let e = RunError::Failed {
            applied: vec!["a1".into()],
            source: Box::new(cause),
        };
        assert_eq!(e.applied(), ["a1".to_string()]);
        assert!(matches!(e.kind(), RunError::Sql { .. }));
        assert_eq!(
            e.to_string(),
            "statement failed: boom\n  statement: SELECT 1"
        );
        assert_eq!(e.db_message(), Some("boom"));
        assert!(RunError::sql("x", "y").applied().is_empty());
    }
}
