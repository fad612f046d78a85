//! Bounds on every wait: connecting, lock waits, statements, and each round trip to a server.
//!
//! - connecting (TCP, TLS, authentication and the session settings below) is bounded by
//!   [`Timeouts::connect`];
//! - each statement's wait for a lock is bounded by the server: PostgreSQL `lock_timeout`,
//!   MySQL/MariaDB `lock_wait_timeout` and `innodb_lock_wait_timeout`, SQLite `busy_timeout`,
//!   all set from [`Timeouts::lock`] when the connection is made;
//! - each statement's run time is bounded by the server: PostgreSQL `statement_timeout`,
//!   MariaDB `max_statement_time` (MySQL and SQLite have no such bound for DDL);
//! - sqlx exposes no TCP keepalive, so a network that stops answering is caught on the client:
//!   inside a run, every round trip to a PostgreSQL or MySQL/MariaDB server is bounded by
//!   [`Timeouts::round_trip`] (the longest wait the server itself allows, plus
//!   `connect_timeout`); when it expires the connection is abandoned and every later call on
//!   it fails at once. The server is told to end a session that goes silent for as long
//!   (PostgreSQL `idle_in_transaction_session_timeout`; MySQL/MariaDB `wait_timeout`, one
//!   second longer, so that retort, not the server, reports the silence first), so the locks
//!   an abandoned session holds are released.

use std::cell::Cell;
use std::future::Future;
use std::time::Duration;

use crate::RunError;

/// The largest accepted timeout, in seconds: PostgreSQL's limit (2^31 - 1 milliseconds, about
/// 24.8 days). Larger values are refused by the configuration and clamped by the runner.
pub const MAX_TIMEOUT_SECS: u64 = 2_147_483;

/// How long each kind of wait may last (`retort.toml`: `connect_timeout`, `lock_timeout`,
/// `statement_timeout`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Connecting, authenticating and setting up the session. Default 10 s.
    pub connect: Duration,
    /// Waiting for the migration lock, and each statement's wait for a table lock (SQLite:
    /// the database's write lock). Zero: do not wait. Default 60 s.
    pub lock: Duration,
    /// How long one statement may run (PostgreSQL, MariaDB). Zero: no limit (and then round
    /// trips are not bounded either). Default 600 s.
    pub statement: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect: Duration::from_secs(10),
            lock: Duration::from_secs(60),
            statement: Duration::from_secs(600),
        }
    }
}

impl Timeouts {
    /// Every timeout at most [`MAX_TIMEOUT_SECS`]; `connect` at least 1 ms.
    pub fn clamped(self) -> Timeouts {
        let max = Duration::from_secs(MAX_TIMEOUT_SECS);
        Timeouts {
            connect: self.connect.clamp(Duration::from_millis(1), max),
            lock: self.lock.min(max),
            statement: self.statement.min(max),
        }
    }

    /// How long one round trip to a server may take before the network is deemed gone: the
    /// longest wait the server allows a statement (`max(statement, lock)`) plus `connect`.
    /// `None` when `statement` is zero (no limit).
    pub fn round_trip(&self) -> Option<Duration> {
        let t = self.clamped();
        if t.statement.is_zero() {
            return None;
        }
        let max = Duration::from_secs(MAX_TIMEOUT_SECS);
        Some((t.statement.max(t.lock) + t.connect).min(max))
    }

    /// How [`Timeouts::round_trip`] is made, for messages.
    pub(crate) fn round_trip_reason(&self) -> String {
        let t = self.clamped();
        let (name, longest) = if t.lock > t.statement {
            ("lock_timeout", t.lock)
        } else {
            ("statement_timeout", t.statement)
        };
        format!(
            "{name} {} + connect_timeout {}",
            secs(longest),
            secs(t.connect)
        )
    }
}

/// A duration for messages: `700 ms`, `5 s`, `2.5 s`.
pub fn secs(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

pub(crate) fn secs_ref(d: &Duration) -> String {
    secs(*d)
}

/// Whole seconds, rounded up (servers that count in seconds).
#[cfg_attr(not(feature = "mysql"), allow(dead_code))]
pub(crate) fn ceil_secs(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

struct RoundTrip {
    limit: Duration,
    reason: String,
    /// Set once a round trip went unanswered: the connection is abandoned.
    dropped: Cell<bool>,
}

tokio::task_local! {
    static ROUND_TRIP: RoundTrip;
}

/// Runs `f` with every round trip of [`crate::Db::execute`] / [`crate::Db::query_strings`] to a
/// PostgreSQL or MySQL/MariaDB server bounded by `t.round_trip()`.
pub(crate) async fn bounded<F: Future>(t: &Timeouts, f: F) -> F::Output {
    match t.round_trip() {
        Some(limit) => {
            let rt = RoundTrip {
                limit,
                reason: t.round_trip_reason(),
                dropped: Cell::new(false),
            };
            ROUND_TRIP.scope(rt, f).await
        }
        None => f.await,
    }
}

/// One round trip, bounded when inside [`bounded`] (network servers only).
pub(crate) async fn round_trip<T, F>(network: bool, sql: &str, f: F) -> Result<T, RunError>
where
    F: Future<Output = Result<T, RunError>>,
{
    let limit = if network {
        ROUND_TRIP
            .try_with(|r| (r.limit, r.reason.clone(), r.dropped.get()))
            .ok()
    } else {
        None
    };
    match limit {
        None => f.await,
        Some((_, _, true)) => Err(RunError::ConnectionDropped {
            sql: sql.to_string(),
        }),
        Some((limit, reason, false)) => match tokio::time::timeout(limit, f).await {
            Ok(r) => r,
            Err(_) => {
                let _ = ROUND_TRIP.try_with(|r| r.dropped.set(true));
                Err(RunError::NoAnswer {
                    sql: sql.to_string(),
                    waited: limit,
                    reason,
                })
            }
        },
    }
}

/// Runs `f` within `limit`; `None` when it did not finish in time.
pub(crate) async fn within<T>(limit: Duration, f: impl Future<Output = T>) -> Option<T> {
    tokio::time::timeout(limit, f).await.ok()
}

/// What kind of wait a database error reports, if it reports one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitKind {
    /// A lock wait hit `lock_timeout` (or SQLite's `busy_timeout`).
    Lock,
    /// A statement ran past `statement_timeout`.
    Statement,
    /// The server did not answer within the round-trip bound.
    NoAnswer,
}

/// Classifies a database error by its code (see [`crate::DbError::code`]); an error without
/// one (not the database's answer) by its message.
pub(crate) fn classify_error(e: &crate::DbError) -> Option<WaitKind> {
    let Some(code) = e.code() else {
        return classify(e.message());
    };
    match code.as_str() {
        // PostgreSQL: lock_not_available (lock_timeout).
        "55P03" => Some(WaitKind::Lock),
        // PostgreSQL: query_canceled, by statement_timeout (not by a cancel request).
        "57014" if e.message().contains("statement timeout") => Some(WaitKind::Statement),
        // MySQL/MariaDB: ER_LOCK_WAIT_TIMEOUT (lock_wait_timeout, innodb_lock_wait_timeout).
        "1205" => Some(WaitKind::Lock),
        // MariaDB max_statement_time (ER_STATEMENT_TIMEOUT), MySQL max_execution_time.
        "1969" | "3024" => Some(WaitKind::Statement),
        // SQLite: SQLITE_BUSY / SQLITE_LOCKED and their extended codes.
        c => match c.parse::<i32>() {
            Ok(n) if e.driver().is_some_and(is_sqlite) && matches!(n & 0xff, 5 | 6) => {
                Some(WaitKind::Lock)
            }
            _ => None,
        },
    }
}

/// Whether a driver error comes from SQLite (whose codes are numbers, as MySQL's are).
fn is_sqlite(e: &sqlx::Error) -> bool {
    #[cfg(feature = "sqlite")]
    if let Some(db) = e.as_database_error() {
        return db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some();
    }
    let _ = e;
    false
}

/// Classifies a database message (`db_error_text`'s form: `<message> (code <code>)`).
pub(crate) fn classify(message: &str) -> Option<WaitKind> {
    let m = message.to_ascii_lowercase();
    if m.contains("(code 55p03)")
        || m.contains("lock wait timeout exceeded")
        || m.contains("database is locked")
        || m.contains("database table is locked")
        || m.contains("(code 5)")
        || m.contains("(code 6)")
        || m.contains("canceling statement due to lock timeout")
    {
        Some(WaitKind::Lock)
    } else if m.contains("canceling statement due to statement timeout")
        || m.contains("max_statement_time exceeded")
        || m.contains("maximum statement execution time exceeded")
    {
        Some(WaitKind::Statement)
    } else {
        None
    }
}

/// The `connect_timeout` query parameter of `url` (seconds, as libpq spells it), and the URL
/// without it (sqlx does not know the parameter).
pub(crate) fn take_connect_timeout(url: &str) -> Result<(String, Option<Duration>), String> {
    let Some(q) = url.find('?') else {
        return Ok((url.to_string(), None));
    };
    let (base, rest) = url.split_at(q);
    let rest = &rest[1..];
    let (query, fragment) = match rest.find('#') {
        Some(h) => (&rest[..h], &rest[h..]),
        None => (rest, ""),
    };
    let mut found = None;
    let mut kept = Vec::new();
    for kv in query.split('&') {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        if k == "connect_timeout" {
            let secs: u64 = v.trim().parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                format!("`connect_timeout={v}` in the database URL: expected a whole number of seconds, at least 1")
            })?;
            if secs > MAX_TIMEOUT_SECS {
                return Err(format!(
                    "`connect_timeout={v}` in the database URL is too large: at most {MAX_TIMEOUT_SECS} s"
                ));
            }
            found = Some(Duration::from_secs(secs));
        } else if !kv.is_empty() {
            kept.push(kv);
        }
    }
    let mut out = base.to_string();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out.push_str(fragment);
    Ok((out, found))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_is_the_longest_server_wait_plus_connect() {
        let t = Timeouts {
            connect: Duration::from_secs(1),
            lock: Duration::from_secs(5),
            statement: Duration::from_secs(2),
        };
        assert_eq!(t.round_trip(), Some(Duration::from_secs(6)));
        assert_eq!(
            t.round_trip_reason(),
            "lock_timeout 5 s + connect_timeout 1 s"
        );
        let off = Timeouts {
            statement: Duration::ZERO,
            ..t
        };
        assert_eq!(off.round_trip(), None);
    }

    #[test]
    fn huge_values_are_clamped() {
        let t = Timeouts {
            connect: Duration::from_secs(u64::MAX),
            lock: Duration::from_secs(i64::MAX as u64),
            statement: Duration::from_secs(u64::MAX),
        }
        .clamped();
        assert_eq!(t.lock, Duration::from_secs(MAX_TIMEOUT_SECS));
        assert_eq!(t.connect, Duration::from_secs(MAX_TIMEOUT_SECS));
        assert!(t.round_trip().is_some());
    }

    #[test]
    fn connect_timeout_is_taken_from_the_url() {
        let (u, t) =
            take_connect_timeout("postgres://u:p@h:5432/db?sslmode=disable&connect_timeout=3")
                .unwrap();
        assert_eq!(u, "postgres://u:p@h:5432/db?sslmode=disable");
        assert_eq!(t, Some(Duration::from_secs(3)));
        let (u, t) = take_connect_timeout("mysql://root@h/test?connect_timeout=7").unwrap();
        assert_eq!(u, "mysql://root@h/test");
        assert_eq!(t, Some(Duration::from_secs(7)));
        let (u, t) = take_connect_timeout("sqlite://app.db?mode=rwc").unwrap();
        assert_eq!((u.as_str(), t), ("sqlite://app.db?mode=rwc", None));
        let e = take_connect_timeout("postgres://h/db?connect_timeout=soon").unwrap_err();
        assert!(e.contains("connect_timeout=soon"), "{e}");
        assert!(take_connect_timeout("postgres://h/db?connect_timeout=0").is_err());
    }

    #[test]
    fn messages_are_classified() {
        assert_eq!(
            classify("canceling statement due to lock timeout (code 55P03)"),
            Some(WaitKind::Lock)
        );
        assert_eq!(
            classify("Lock wait timeout exceeded; try restarting transaction (code HY000)"),
            Some(WaitKind::Lock)
        );
        assert_eq!(
            classify("database is locked (code 5)"),
            Some(WaitKind::Lock)
        );
        assert_eq!(
            classify("canceling statement due to statement timeout (code 57014)"),
            Some(WaitKind::Statement)
        );
        assert_eq!(
            classify("Query execution was interrupted (max_statement_time exceeded) (code 70100)"),
            Some(WaitKind::Statement)
        );
        assert_eq!(classify("syntax error (code 42601)"), None);
        assert_eq!(secs(Duration::from_millis(700)), "700 ms");
        assert_eq!(secs(Duration::from_millis(2500)), "2.5 s");
        assert_eq!(ceil_secs(Duration::from_millis(700)), 1);
    }
}
