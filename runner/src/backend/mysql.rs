//! MySQL/MariaDB: every DDL statement commits on its own (statements run in autocommit
//! mode); the migration lock is `GET_LOCK('retort:<db>.<version table>', timeout)`.

use retort_schema::{Dialect, QName};
use retort_sql::quote_string;

use super::{Backend, Lock};
use crate::holders::{migration_lock_holder, table_lock_holders, Holders};
use crate::{BoxFuture, Db, RunError, RunOptions};

pub(crate) struct Mysql;

impl Backend for Mysql {
    fn dialect(&self) -> Dialect {
        Dialect::Mysql
    }

    fn table_exists_sql(&self, q: &QName) -> String {
        let d = Dialect::Mysql;
        format!(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = {} AND table_name = {}",
            q.schema
                .as_deref()
                .map(|s| quote_string(s, d))
                .unwrap_or_else(|| "DATABASE()".into()),
            quote_string(&q.name, d)
        )
    }

    fn log_columns(&self) -> (&'static str, &'static str) {
        (
            "id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY",
            "DATETIME(3)",
        )
    }

    fn now_utc(&self) -> &'static str {
        "UTC_TIMESTAMP(3)"
    }

    fn applied_at_text(&self) -> &'static str {
        // %f is microseconds: keep milliseconds, as the other databases show.
        "SUBSTRING(DATE_FORMAT(applied_at, '%Y-%m-%d %H:%i:%s.%f'), 1, 23)"
    }

    fn lock_wait_setting(&self) -> &'static str {
        "lock_timeout, as lock_wait_timeout"
    }

    fn lock<'a>(
        &'a self,
        db: &'a mut Db,
        opts: &'a RunOptions,
    ) -> BoxFuture<'a, Result<Lock, RunError>> {
        Box::pin(async move {
            // GET_LOCK is per node: a Galera cluster's lock is a row written through it.
            if let Some(node) = super::galera::detect(db).await? {
                return super::galera::lock(db, opts, node).await;
            }
            let timeout = opts.timeouts().lock;
            let (dbname, name) = lock_name(db, opts).await?;
            // The wait is bounded by its own timeout, not by MariaDB's `max_statement_time`
            // (the `/*M! */` part runs on MariaDB only).
            let sql = format!(
                "/*M!100108 SET STATEMENT max_statement_time = 0 FOR */ SELECT GET_LOCK({}, {:.3})",
                quote_string(&name, Dialect::Mysql),
                timeout.as_secs_f64()
            );
            match db.query_scalar(&sql).await?.as_deref() {
                Some("1") => Ok(Lock::Named(name)),
                Some("0") => {
                    let lock = Lock::Named(name);
                    let mut holder = migration_lock_holder(self, db, &lock).await;
                    // The holder's revision, as its progress marker records it (a run in
                    // progress, or a killed one whose statement the server still executes).
                    if let Ok(Some(p)) =
                        crate::progress::read_progress(db, &opts.version_table).await
                    {
                        let rows = crate::backend::read_heads(db, &opts.version_table)
                            .await
                            .unwrap_or_default();
                        holder.push_str(&format!(
                            ".\nIts progress marker: {}\n",
                            crate::progress::interrupted_message(&p, None, &rows)
                        ));
                    }
                    Err(RunError::LockTimeout {
                        db: format!("MySQL/MariaDB database `{dbname}`"),
                        waited: timeout,
                        holder,
                    })
                }
                other => Err(RunError::sql(
                    &sql,
                    format!(
                        "GET_LOCK returned {} for the migration lock `{name}`: the server gave up the wait without a result (it does so when the waiting statement is killed -- KILL QUERY, max_statement_time -- or runs out of memory); run again, and check the server's error log if it repeats",
                        other.unwrap_or("NULL")
                    ),
                )),
            }
        })
    }

    fn table_lock_holders<'a>(
        &'a self,
        db: &'a mut Db,
        table: Option<&'a QName>,
    ) -> BoxFuture<'a, String> {
        Box::pin(table_lock_holders(self, db, table))
    }

    fn unlock<'a>(&'a self, db: &'a mut Db, lock: Lock) -> BoxFuture<'a, Result<(), RunError>> {
        Box::pin(async move {
            match lock {
                Lock::Named(name) => {
                    db.execute(&format!(
                        "SELECT RELEASE_LOCK({})",
                        quote_string(&name, Dialect::Mysql)
                    ))
                    .await?;
                }
                Lock::Cluster(row) => super::galera::unlock(db, &row).await?,
                _ => {}
            }
            Ok(())
        })
    }
}

/// The session settings of a MySQL/MariaDB connection.
impl Holders for Mysql {
    fn migration_lock_holder_sql(&self, lock: &Lock) -> Option<String> {
        let Lock::Named(name) = lock else {
            return None;
        };
        Some(format!(
            "SELECT p.ID, p.USER, NULL, CONCAT(p.COMMAND, IF(p.STATE IS NULL OR p.STATE = '', '', CONCAT(': ', p.STATE))), \
             p.TIME, p.INFO, NULL \
             FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK({})",
            quote_string(name, Dialect::Mysql)
        ))
    }

    /// MySQL/MariaDB show metadata-lock holders only through a plugin: the sessions with a
    /// transaction open.
    fn table_lock_holders_sql(&self, _table: Option<&QName>) -> Option<String> {
        Some(
            "SELECT t.trx_mysql_thread_id, p.USER, NULL, \
             CONCAT(COALESCE(p.COMMAND, ''), ', transaction ', t.trx_state), \
             TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), COALESCE(t.trx_query, p.INFO), NULL \
             FROM information_schema.INNODB_TRX t \
             LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id \
             WHERE t.trx_mysql_thread_id <> CONNECTION_ID() ORDER BY t.trx_started LIMIT 5"
                .to_string(),
        )
    }

    fn session_name(&self, id: &str) -> String {
        format!("MySQL/MariaDB connection {id}")
    }

    fn end_session_sql(&self, id: &str) -> String {
        format!("KILL {id}")
    }

    fn table_lock_lead(&self) -> &'static str {
        "sessions with an open transaction (a metadata lock lasts until its transaction ends):"
    }
}

/// The session's bounds in one statement for MySQL and MariaDB alike (so no round trip asks
/// which server it is): what only MariaDB has (`max_statement_time`; a lock wait of 0 s, where
/// MySQL's minimum is 1 s) is in a MariaDB executable comment, which MySQL reads as a comment.
#[cfg(feature = "mysql")]
pub(crate) fn session_sql(t: &crate::limits::Timeouts) -> String {
    let lock = crate::limits::ceil_secs(t.lock);
    let mut s = format!(
        "SET SESSION lock_wait_timeout = {m}, innodb_lock_wait_timeout = {m}",
        m = lock.max(1)
    );
    if let Some(rt) = t.round_trip() {
        // A session that stays silent this long is closed by the server, releasing its locks:
        // one second after the client's own bound, so that a client whose round trip got no
        // answer gives up first (and says so) instead of racing the server's close.
        s.push_str(&format!(
            ", wait_timeout = {}",
            crate::limits::ceil_secs(rt).max(1) + 1
        ));
    }
    let mut mariadb = format!(", max_statement_time = {:.3}", t.statement.as_secs_f64());
    if lock == 0 {
        mariadb.push_str(", lock_wait_timeout = 0, innodb_lock_wait_timeout = 0");
    }
    s.push_str(&format!(" /*M!100108 {mariadb} */"));
    s
}

/// The current database and the name of its migration lock (`GET_LOCK` names are
/// server-wide: the database and version table are in it).
async fn lock_name(db: &mut Db, opts: &RunOptions) -> Result<(String, String), RunError> {
    let dbname = db
        .query_scalar("SELECT DATABASE()")
        .await?
        .unwrap_or_default();
    let schema = opts.version_table.schema.clone().unwrap_or(dbname.clone());
    let mut name = format!("retort:{schema}.{}", opts.version_table.name);
    if name.len() > 64 {
        // MySQL limits lock names to 64 characters.
        name = format!(
            "retort:{:016x}",
            retort_schema::naming::fnv1a(name.as_bytes())
        );
    }
    Ok((dbname, name))
}
