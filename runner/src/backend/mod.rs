//! One backend per database: what the runner does differently on SQLite, PostgreSQL and
//! MySQL/MariaDB (the migration lock, transactions, the catalog query that says whether a
//! table exists, the log table's column types, session setup, busy handling), behind the
//! [`Backend`] trait (after sqlx's `Migrate`). `run.rs` holds the dialect-free algorithm (plan,
//! render, execute, record) and calls only this trait; [`offline`] writes the same statements
//! as text for `--sql` and `stamp --sql`.
//!
//! The version-table and applied-log SQL is written here once, for every backend and for the
//! offline script.

use std::time::{Duration, SystemTime};

use retort_revision::VersionChange;
use retort_schema::{Column, Dialect, QName};
use retort_sql::{quote_ident, quote_qname, quote_string};

use crate::{BoxFuture, Db, RunError, RunOptions};

pub(crate) mod galera;
pub(crate) mod mysql;
pub(crate) mod offline;
pub(crate) mod postgres;
pub(crate) mod sqlite;

/// The migration lock a run holds (released by [`Backend::unlock`]).
pub(crate) enum Lock {
    /// SQLite: each migration's `BEGIN IMMEDIATE` is the lock; nothing to release.
    None,
    /// PostgreSQL: the advisory lock key.
    Advisory(i64),
    /// MySQL/MariaDB: the `GET_LOCK` name.
    Named(String),
    /// MariaDB Galera cluster: the lock row written through the cluster.
    Cluster(Box<galera::RowLock>),
}

impl Lock {
    /// What the run's output says about the lock taken (a Galera cluster's lock row).
    pub(crate) fn notes(&self) -> &[String] {
        match self {
            Lock::Cluster(l) => &l.notes,
            _ => &[],
        }
    }

    /// Keeps the lock alive while the run goes on (a Galera lock row's heartbeat); an error
    /// when the lock was lost.
    pub(crate) async fn heartbeat(&self, db: &mut Db) -> Result<(), RunError> {
        match self {
            Lock::Cluster(l) => galera::heartbeat(db, l).await,
            _ => Ok(()),
        }
    }
}

/// What one database does its own way. SQL shared by every database (the version table, the
/// log rows) is in the free functions of this module.
pub(crate) trait Backend: Sync {
    fn dialect(&self) -> Dialect;

    /// Whether DDL runs inside a transaction (each migration and its version-table writes
    /// commit together).
    fn transactional(&self) -> bool {
        self.dialect().transactional_ddl()
    }

    /// The query counting the tables named `q` (0 or 1).
    fn table_exists_sql(&self, q: &QName) -> String;

    /// The log table's `id` column definition and `applied_at` type.
    fn log_columns(&self) -> (&'static str, &'static str);

    /// The database clock in UTC, as the log's `applied_at` column stores it.
    fn now_utc(&self) -> &'static str;

    /// The log's `applied_at` read back as `YYYY-MM-DD HH:MM:SS.fff`.
    fn applied_at_text(&self) -> &'static str;

    /// The setting(s) a statement's lock wait comes from, as an error names them.
    fn lock_wait_setting(&self) -> &'static str;

    /// The milliseconds since `since` when the statement runs, as SQL (a log row's
    /// `duration_ms` written in one batch with the statements it times); by default the
    /// client's count when the SQL is made.
    fn elapsed_ms_sql(&self, since: SystemTime) -> String {
        let t = SystemTime::now().duration_since(since).unwrap_or_default();
        t.as_millis().to_string()
    }

    /// The statements that open a migration's transaction (text, for the offline script).
    fn begin_sql(&self) -> &'static [&'static str] {
        &["BEGIN"]
    }

    /// The statements that commit it (text, for the offline script).
    fn commit_sql(&self) -> &'static [&'static str] {
        &["COMMIT"]
    }

    /// Whether a catalog read inside a transaction must be fenced by a savepoint (a failed
    /// query aborts a PostgreSQL transaction).
    fn fence_catalog_reads(&self) -> bool {
        false
    }

    /// Whether a rename rewrites other objects' SQL (SQLite triggers and views), so that the
    /// live schema must be read again after it.
    fn rename_rewrites_sql(&self) -> bool {
        false
    }

    /// Whether enum types are schema objects with names the database keeps (PostgreSQL);
    /// elsewhere an enum lives in its column, and the live schema takes the history's names.
    fn named_enums(&self) -> bool {
        false
    }

    /// Completes a live column with what only the history knows about it on this database.
    fn column_from_history(&self, live: &mut Column, history: &Column) {
        let _ = (live, history);
    }

    /// Takes the migration lock, waiting up to `opts.lock_timeout`.
    fn lock<'a>(
        &'a self,
        db: &'a mut Db,
        opts: &'a RunOptions,
    ) -> BoxFuture<'a, Result<Lock, RunError>>;

    /// Releases the migration lock.
    fn unlock<'a>(&'a self, db: &'a mut Db, lock: Lock) -> BoxFuture<'a, Result<(), RunError>>;

    /// Opens a migration's transaction (only called where [`Backend::transactional`]).
    fn begin<'a>(&'a self, db: &'a mut Db) -> BoxFuture<'a, Result<(), RunError>> {
        execute_all(db, self.begin_sql())
    }

    /// Commits it; `revision` names the migration in errors (SQLite's foreign-key check).
    fn commit<'a>(
        &'a self,
        db: &'a mut Db,
        revision: &'a str,
    ) -> BoxFuture<'a, Result<(), RunError>> {
        let _ = revision;
        execute_all(db, self.commit_sql())
    }

    /// Rolls it back.
    fn rollback<'a>(&'a self, db: &'a mut Db) -> BoxFuture<'a, Result<(), RunError>> {
        Box::pin(async move {
            db.execute("ROLLBACK").await?;
            Ok(())
        })
    }

    /// An error as the user should see it: SQLite's "database is locked" after
    /// `busy_timeout` is the lock timeout it is.
    fn explain_busy(&self, opts: &RunOptions, e: RunError) -> RunError {
        let _ = opts;
        e
    }

    /// Who holds the table lock a statement waited for (empty where the database cannot
    /// tell).
    fn table_lock_holders<'a>(
        &'a self,
        db: &'a mut Db,
        table: Option<&'a QName>,
    ) -> BoxFuture<'a, String> {
        let _ = (db, table);
        Box::pin(async { String::new() })
    }
}

/// The backend of dialect `d`.
/// Runs `statements` in order, stopping at the first that fails: the live side of
/// [`Backend::begin_sql`] / [`Backend::commit_sql`], so the offline script and a live run
/// say the same.
fn execute_all<'a>(
    db: &'a mut Db,
    statements: &'static [&'static str],
) -> BoxFuture<'a, Result<(), RunError>> {
    Box::pin(async move {
        // One round trip for all of them (e.g. SQLite's `COMMIT` and `PRAGMA foreign_keys`).
        db.execute_batch(statements).await.map_err(|b| b.error)?;
        Ok(())
    })
}

pub(crate) fn backend(d: Dialect) -> &'static dyn Backend {
    match d {
        Dialect::Sqlite => &sqlite::Sqlite,
        Dialect::Postgres => &postgres::Postgres,
        Dialect::Mysql => &mysql::Mysql,
    }
}

// ----- the version table and the applied log: the SQL, once ---------------------------------

/// `CREATE TABLE IF NOT EXISTS` of the version table.
pub(crate) fn create_version_table(vt: &QName, d: Dialect) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (version_num VARCHAR(255) NOT NULL, CONSTRAINT {} PRIMARY KEY (version_num))",
        quote_qname(vt, d),
        quote_ident(&format!("{}_pkc", vt.name), d)
    )
}

/// The query of the version table's rows.
pub(crate) fn select_heads(vt: &QName, d: Dialect) -> String {
    format!("SELECT version_num FROM {}", quote_qname(vt, d))
}

/// `stamp --purge`: every row of the version table deleted.
pub(crate) fn purge_version_table(vt: &QName, d: Dialect) -> String {
    format!("DELETE FROM {}", quote_qname(vt, d))
}

/// One write to the version table; `checked`: must affect exactly one row.
pub(crate) struct VersionWrite {
    pub sql: String,
    pub checked: bool,
}

/// The SQL of one [`VersionChange`], in order.
pub(crate) fn version_writes(
    change: &VersionChange,
    vt: &QName,
    d: Dialect,
) -> Result<Vec<VersionWrite>, RunError> {
    let w = VersionWrites::new(vt, d);
    Ok(match change {
        VersionChange::Insert { new } => vec![w.insert(new)],
        VersionChange::Update { old, new } => vec![w.update(old, new)],
        VersionChange::Delete { old } => vec![w.delete(old)],
        VersionChange::MergeUp {
            delete: gone,
            update_from,
            new,
        } => {
            let mut v: Vec<VersionWrite> = gone.iter().map(|g| w.delete(g)).collect();
            v.push(w.update(update_from, new));
            v
        }
        VersionChange::Unmerge {
            old,
            insert: ins,
            update_to,
        } => {
            let mut v = vec![w.update(old, update_to)];
            v.extend(ins.iter().map(|i| w.insert(i)));
            v
        }
        other => {
            return Err(RunError::UnknownVersionChange {
                change: format!("{other:?}"),
            })
        }
    })
}

/// The writes that take the version table from rows `from` to rows `to` (several revisions'
/// changes at once): an UPDATE for each row that goes paired with one that comes, a DELETE for
/// each other row that goes, an INSERT for each other row that comes.
pub(crate) fn net_version_writes(
    from: &[String],
    to: &[String],
    vt: &QName,
    d: Dialect,
) -> Vec<VersionWrite> {
    let w = VersionWrites::new(vt, d);
    let gone: Vec<&String> = from.iter().filter(|r| !to.contains(r)).collect();
    let come: Vec<&String> = to.iter().filter(|r| !from.contains(r)).collect();
    let paired = gone.len().min(come.len());
    let mut v: Vec<VersionWrite> = gone
        .iter()
        .zip(&come)
        .map(|(o, n)| w.update(o, n))
        .collect();
    v.extend(gone[paired..].iter().map(|o| w.delete(o)));
    v.extend(come[paired..].iter().map(|n| w.insert(n)));
    v
}

/// The three version-table writes, for one version table.
struct VersionWrites {
    table: String,
    d: Dialect,
}

impl VersionWrites {
    fn new(vt: &QName, d: Dialect) -> Self {
        VersionWrites {
            table: quote_qname(vt, d),
            d,
        }
    }

    fn insert(&self, new: &str) -> VersionWrite {
        let sql = format!(
            "INSERT INTO {} (version_num) VALUES ({})",
            self.table,
            self.lit(new)
        );
        VersionWrite {
            sql,
            checked: false,
        }
    }

    fn update(&self, old: &str, new: &str) -> VersionWrite {
        let (t, new, old) = (&self.table, self.lit(new), self.lit(old));
        let sql = format!("UPDATE {t} SET version_num = {new} WHERE version_num = {old}");
        VersionWrite { sql, checked: true }
    }

    fn delete(&self, old: &str) -> VersionWrite {
        let sql = format!(
            "DELETE FROM {} WHERE version_num = {}",
            self.table,
            self.lit(old)
        );
        VersionWrite { sql, checked: true }
    }

    fn lit(&self, s: &str) -> String {
        quote_string(s, self.d)
    }
}

/// The retort version written into each log row.
pub const RETORT_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The log table of a version table: `<name>_log` in the same schema
/// (`retort_version` -> `retort_version_log`).
pub fn log_table(version_table: &QName) -> QName {
    QName::with_schema(
        version_table.schema.clone(),
        format!("{}_log", version_table.name),
    )
}

/// `CREATE TABLE IF NOT EXISTS` of the applied-migrations log of version table `vt`.
pub(crate) fn create_log_table(vt: &QName, d: Dialect) -> String {
    let log = log_table(vt);
    let (id, at) = backend(d).log_columns();
    format!(
        "CREATE TABLE IF NOT EXISTS {} ({id}, revision VARCHAR(255) NOT NULL, direction VARCHAR(16) NOT NULL, checksum VARCHAR(64) NOT NULL, file_name VARCHAR(255) NOT NULL, applied_at {at} NOT NULL, duration_ms BIGINT, retort_version VARCHAR(32) NOT NULL)",
        quote_qname(&log, d)
    )
}

/// One row of the log, as values (the INSERT is [`log_row_sql`]).
pub(crate) struct LogRow<'a> {
    pub revision: &'a str,
    pub kind: &'a str,
    pub checksum: &'a str,
    pub file_name: &'a str,
    pub duration: Elapsed,
    /// MySQL/MariaDB: the row is refused (a NULL `revision`, error 1048, whatever the
    /// sql_mode: it is a one-row INSERT), so that a batch stops at it, unless the statement
    /// before it changed exactly one row: the server checks a version write before the COMMIT
    /// that follows in the same batch.
    pub guard: bool,
}

/// A log row's `duration_ms`.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Elapsed {
    /// Not a run (stamp, baseline, accepted edits): NULL.
    None,
    /// Measured by the runner once the migration's statements ran.
    Measured(Duration),
    /// Counted by the database when the row is written, from when the migration started
    /// (SQLite, where the row travels in one batch with the migration's statements).
    Since(SystemTime),
}

/// The INSERT of log rows, each [`log_values_sql`], in one statement.
pub(crate) fn log_rows_sql(values: &[String], vt: &QName, d: Dialect) -> String {
    format!(
        "INSERT INTO {} (revision, direction, checksum, file_name, applied_at, duration_ms, retort_version) VALUES {}",
        quote_qname(&log_table(vt), d),
        values.join(", ")
    )
}

/// One log row's values, `(...)`.
pub(crate) fn log_values_sql(row: &LogRow<'_>, d: Dialect) -> String {
    let lit = |s: &str| quote_string(s, d);
    format!(
        "({}, {}, {}, {}, {}, {}, {})",
        if row.guard {
            format!("IF(ROW_COUNT() = 1, {}, NULL)", lit(row.revision))
        } else {
            lit(row.revision)
        },
        lit(row.kind),
        lit(row.checksum),
        lit(row.file_name),
        backend(d).now_utc(),
        match row.duration {
            Elapsed::None => "NULL".to_string(),
            Elapsed::Measured(t) => t.as_millis().to_string(),
            Elapsed::Since(t) => backend(d).elapsed_ms_sql(t),
        },
        lit(RETORT_VERSION),
    )
}

/// The query of every log row, oldest first.
pub(crate) fn select_log(vt: &QName, d: Dialect) -> String {
    format!(
        "SELECT id, revision, direction, checksum, file_name, {}, duration_ms, retort_version FROM {} ORDER BY id",
        backend(d).applied_at_text(),
        quote_qname(&log_table(vt), d)
    )
}

// ----- online helpers shared by every backend -------------------------------------------------

/// Whether table `q` exists.
pub(crate) async fn table_exists(db: &mut Db, q: &QName) -> Result<bool, RunError> {
    let sql = backend(db.dialect()).table_exists_sql(q);
    Ok(db.query_scalar(&sql).await?.as_deref().unwrap_or("0") != "0")
}

/// The version table's rows (the applied heads), sorted.
pub(crate) async fn read_heads(db: &mut Db, vt: &QName) -> Result<Vec<String>, RunError> {
    let sql = select_heads(vt, db.dialect());
    let mut v: Vec<String> = db
        .query_strings(&sql)
        .await?
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    v.sort();
    Ok(v)
}
