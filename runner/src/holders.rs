//! Who holds a lock retort waited for: the migration lock (PostgreSQL advisory lock,
//! MySQL/MariaDB `GET_LOCK`) or a table. Best effort: a failed lookup says so.

use retort_schema::{Dialect, QName};
use retort_sql::{quote_qname, quote_string};

use crate::Db;

/// One session, as the server describes it.
struct Session {
    id: String,
    user: Option<String>,
    application: Option<String>,
    state: Option<String>,
    seconds: Option<String>,
    query: Option<String>,
    mode: Option<String>,
}

impl Session {
    fn describe(&self, d: Dialect) -> String {
        let mut parts = Vec::new();
        if let Some(a) = self.application.as_deref().filter(|a| !a.is_empty()) {
            parts.push(format!("application `{a}`"));
        }
        if let Some(u) = self.user.as_deref().filter(|u| !u.is_empty()) {
            parts.push(format!("user `{u}`"));
        }
        if let Some(m) = &self.mode {
            parts.push(format!("holding {m}"));
        }
        if let Some(s) = self.state.as_deref().filter(|s| !s.is_empty()) {
            parts.push(format!("state `{s}`"));
        }
        if let Some(t) = &self.seconds {
            parts.push(format!("for {t} s"));
        }
        if let Some(q) = self.query.as_deref().filter(|q| !q.trim().is_empty()) {
            let q: String = q.split_whitespace().collect::<Vec<_>>().join(" ");
            let q = if q.chars().count() > 160 {
                format!("{}...", q.chars().take(160).collect::<String>())
            } else {
                q
            };
            parts.push(format!("last query `{q}`"));
        }
        let who = match d {
            Dialect::Postgres => format!("PostgreSQL session pid {}", self.id),
            _ => format!("MySQL/MariaDB connection {}", self.id),
        };
        if parts.is_empty() {
            who
        } else {
            format!("{who} ({})", parts.join(", "))
        }
    }

    fn end_hint(&self, d: Dialect) -> String {
        match d {
            Dialect::Postgres => format!("SELECT pg_terminate_backend({})", self.id),
            _ => format!("KILL {}", self.id),
        }
    }
}

fn sessions(rows: Vec<Vec<Option<String>>>) -> Vec<Session> {
    rows.into_iter()
        .map(|r| {
            let mut it = r.into_iter();
            let mut next = || it.next().flatten();
            Session {
                id: next().unwrap_or_default(),
                user: next(),
                application: next(),
                state: next(),
                seconds: next(),
                query: next(),
                mode: next(),
            }
        })
        .collect()
}

/// Says who holds the migration lock (called after the wait for it expired).
pub(crate) async fn migration_lock_holder(db: &mut Db, lock: &MigrationLockName<'_>) -> String {
    let d = db.dialect();
    let found = match (d, lock) {
        (Dialect::Postgres, MigrationLockName::Postgres(key)) => {
            let key = *key as u64;
            let (hi, lo) = (key >> 32, key & 0xffff_ffff);
            let sql = format!(
                "SELECT a.pid, a.usename, a.application_name, a.state, \
                 (EXTRACT(EPOCH FROM now() - COALESCE(a.query_start, a.backend_start)))::bigint, \
                 a.query, NULL \
                 FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
                 WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
                 AND l.classid::text = '{hi}' AND l.objid::text = '{lo}' \
                 AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())"
            );
            db.query_strings(&sql).await.map(sessions)
        }
        (Dialect::Mysql, MigrationLockName::Mysql(name)) => {
            let sql = format!(
                "SELECT p.ID, p.USER, NULL, CONCAT(p.COMMAND, IF(p.STATE IS NULL OR p.STATE = '', '', CONCAT(': ', p.STATE))), \
                 p.TIME, p.INFO, NULL \
                 FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK({})",
                quote_string(name, Dialect::Mysql)
            );
            db.query_strings(&sql).await.map(sessions)
        }
        _ => return String::new(),
    };
    match found {
        Ok(s) if !s.is_empty() => {
            let s = &s[0];
            let mut m = format!("it is held by {}", s.describe(d));
            let active = s
                .state
                .as_deref()
                .is_some_and(|st| st == "active" || st.starts_with("Query"));
            if active && s.query.is_some() {
                m.push_str(
                    ". If that is a retort run that was killed or lost its network, the server is still executing its statement",
                );
            }
            m.push_str(&format!(
                ". Wait for it to finish, or end it with `{}`",
                s.end_hint(d)
            ));
            m
        }
        Ok(_) => "its holder released it just after the wait expired; run again".to_string(),
        Err(e) => format!("the holder could not be looked up ({e})"),
    }
}

/// The migration lock's identity, for [`migration_lock_holder`].
pub(crate) enum MigrationLockName<'a> {
    Postgres(i64),
    Mysql(&'a str),
}

/// Says which other sessions hold locks on `table` (PostgreSQL) or have a transaction open
/// (MySQL/MariaDB, which shows metadata-lock holders only through a plugin). Called after the
/// failed statement's transaction was rolled back. Empty when nothing is found.
pub(crate) async fn table_lock_holders(db: &mut Db, table: Option<&QName>) -> String {
    let d = db.dialect();
    let found = match d {
        Dialect::Postgres => {
            let Some(t) = table else {
                return String::new();
            };
            let sql = format!(
                "SELECT a.pid, a.usename, a.application_name, a.state, \
                 (EXTRACT(EPOCH FROM now() - COALESCE(a.xact_start, a.query_start, a.backend_start)))::bigint, \
                 a.query, string_agg(DISTINCT l.mode, ', ') \
                 FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
                 WHERE l.locktype = 'relation' AND l.granted AND l.pid <> pg_backend_pid() \
                 AND l.relation = to_regclass({}) \
                 GROUP BY a.pid, a.usename, a.application_name, a.state, a.xact_start, a.query_start, a.backend_start, a.query \
                 ORDER BY a.pid LIMIT 5",
                quote_string(&quote_qname(t, d), d)
            );
            db.query_strings(&sql).await.map(sessions)
        }
        Dialect::Mysql => {
            let sql = "SELECT t.trx_mysql_thread_id, p.USER, NULL, \
                 CONCAT(COALESCE(p.COMMAND, ''), ', transaction ', t.trx_state), \
                 TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), COALESCE(t.trx_query, p.INFO), NULL \
                 FROM information_schema.INNODB_TRX t \
                 LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id \
                 WHERE t.trx_mysql_thread_id <> CONNECTION_ID() ORDER BY t.trx_started LIMIT 5";
            db.query_strings(sql).await.map(sessions)
        }
        Dialect::Sqlite => return String::new(),
    };
    match found {
        Ok(s) if !s.is_empty() => {
            let lead = match d {
                Dialect::Postgres => "held by",
                _ => "sessions with an open transaction (a metadata lock lasts until its transaction ends):",
            };
            let list: Vec<String> = s.iter().map(|x| x.describe(d)).collect();
            let hint = s
                .iter()
                .map(|x| format!("`{}`", x.end_hint(d)))
                .collect::<Vec<_>>()
                .join(", ");
            format!(
                "{lead} {}; let them finish, or end them with {hint}",
                list.join("; ")
            )
        }
        Ok(_) => String::new(),
        Err(e) => format!("its holder could not be looked up ({e})"),
    }
}
