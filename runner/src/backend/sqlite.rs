//! SQLite: the database's write lock (`BEGIN IMMEDIATE`, waited for with `busy_timeout`) is
//! the migration lock; `PRAGMA foreign_keys` off around each transaction (table rebuilds rely
//! on it) and `PRAGMA foreign_key_check` before each commit.

use retort_schema::{Column, Dialect, QName};
use retort_sql::{quote_ident, quote_string};

use super::{Backend, Lock};
use crate::limits::{classify_error, WaitKind};
use crate::{BoxFuture, Db, RunError, RunOptions};

pub(crate) struct Sqlite;

impl Backend for Sqlite {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn table_exists_sql(&self, q: &QName) -> String {
        let d = Dialect::Sqlite;
        format!(
            "SELECT COUNT(*) FROM {}.sqlite_master WHERE type = 'table' AND name = {}",
            q.schema
                .as_deref()
                .map(|s| quote_ident(s, d))
                .unwrap_or_else(|| "main".into()),
            quote_string(&q.name, d)
        )
    }

    fn log_columns(&self) -> (&'static str, &'static str) {
        ("id INTEGER PRIMARY KEY", "VARCHAR(32)")
    }

    fn now_utc(&self) -> &'static str {
        "strftime('%Y-%m-%d %H:%M:%f', 'now')"
    }

    fn applied_at_text(&self) -> &'static str {
        "applied_at"
    }

    fn lock_wait_setting(&self) -> &'static str {
        "lock_timeout, as busy_timeout"
    }

    /// The statements and the log row of a migration run in one batch (`run.rs`): SQLite's
    /// clock counts until the row is written (`julianday` has millisecond precision).
    fn elapsed_ms_sql(&self, since: std::time::SystemTime) -> String {
        let unix = since
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_secs_f64();
        format!(
            "MAX(0, CAST(ROUND((julianday('now') - {:.10}) * 86400000) AS INTEGER))",
            unix / 86400.0 + 2_440_587.5
        )
    }

    fn begin_sql(&self) -> &'static [&'static str] {
        &["PRAGMA foreign_keys = OFF", "BEGIN"]
    }

    /// The foreign-key check ran before, scoped to what the transaction touched
    /// (runner/src/fk_scope.rs): old violations elsewhere do not block a deploy.
    fn commit_sql(&self) -> &'static [&'static str] {
        &["COMMIT", "PRAGMA foreign_keys = ON"]
    }

    fn rename_rewrites_sql(&self) -> bool {
        true
    }

    /// SQLite reports every INTEGER PRIMARY KEY (a rowid alias) as auto-increment; whether the
    /// table says AUTOINCREMENT (and keeps a sqlite_sequence row) is what the history asked for.
    fn column_from_history(&self, live: &mut Column, history: &Column) {
        live.autoincrement = history.autoincrement;
    }

    fn lock<'a>(
        &'a self,
        db: &'a mut Db,
        opts: &'a RunOptions,
    ) -> BoxFuture<'a, Result<Lock, RunError>> {
        Box::pin(async move {
            // The write lock is each migration's `BEGIN IMMEDIATE`, waited for this long.
            let timeout = opts.timeouts().lock;
            db.execute(&format!("PRAGMA busy_timeout = {}", timeout.as_millis()))
                .await?;
            Ok(Lock::None)
        })
    }

    fn unlock<'a>(&'a self, _db: &'a mut Db, _lock: Lock) -> BoxFuture<'a, Result<(), RunError>> {
        Box::pin(async { Ok(()) })
    }

    fn begin<'a>(&'a self, db: &'a mut Db) -> BoxFuture<'a, Result<(), RunError>> {
        Box::pin(async move {
            // `foreign_keys` cannot change inside a transaction. One round trip for both.
            match db
                .execute_batch(&["PRAGMA foreign_keys = OFF", "BEGIN IMMEDIATE"])
                .await
            {
                Ok(_) => Ok(()),
                Err(b) => {
                    if b.done > 0 {
                        let _ = db.execute("PRAGMA foreign_keys = ON").await;
                    }
                    Err(b.error)
                }
            }
        })
    }

    fn rollback<'a>(&'a self, db: &'a mut Db) -> BoxFuture<'a, Result<(), RunError>> {
        Box::pin(async move {
            let r = db.execute("ROLLBACK").await;
            db.execute("PRAGMA foreign_keys = ON").await?;
            r.map(|_| ())
        })
    }

    /// SQLite answers "database is locked" (busy) once `busy_timeout` (= `lock_timeout`) is
    /// over, whichever statement waited: reported as the lock timeout it is.
    fn explain_busy(&self, opts: &RunOptions, e: RunError) -> RunError {
        let busy = matches!(e, RunError::Sql { .. })
            && e.db_error()
                .is_some_and(|d| classify_error(d) == Some(WaitKind::Lock));
        if busy {
            RunError::LockTimeout {
                db: "the SQLite database".into(),
                waited: opts.timeouts().lock,
                holder: "another connection holds its write lock (SQLite cannot say which process: look for a writer of this file, e.g. another retort run or the application)".into(),
            }
        } else {
            e
        }
    }
}
