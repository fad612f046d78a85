//! The database connection: one enum over the drivers compiled in.
// Without any driver feature `Db` has no variant and most of this is unreachable.
#![cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(unused_variables, unreachable_code, unused_imports)
)]

use retort_schema::Dialect;
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
use sqlx::{Connection, Executor, Row};

use crate::limits::{round_trip, take_connect_timeout, within, Timeouts};
use crate::RunError;

/// A live connection to one database. Which variants exist depends on the crate features
/// (`sqlite`, the default; `postgres`; `mysql`, which also speaks to MariaDB).
///
/// Data-migration hooks ([`crate::Migration::run`]) receive the `Db` the migration runs on;
/// match on it to use sqlx directly, or call [`Db::execute`] / [`Db::query_strings`].
#[non_exhaustive]
pub enum Db {
    #[cfg(feature = "sqlite")]
    Sqlite(sqlx::SqliteConnection),
    #[cfg(feature = "postgres")]
    Postgres(sqlx::PgConnection),
    #[cfg(feature = "mysql")]
    Mysql(sqlx::MySqlConnection),
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({})", self.dialect())
    }
}

/// Runs `$body` with `$c` bound to the driver connection (`&mut`), whatever the variant.
macro_rules! with_conn {
    ($db:expr, $c:ident => $body:expr) => {
        match $db {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(ref mut $c) => $body,
            #[cfg(feature = "postgres")]
            Db::Postgres(ref mut $c) => $body,
            #[cfg(feature = "mysql")]
            Db::Mysql(ref mut $c) => $body,
        }
    };
}

/// Fetches every row of `$sql` on connection `$c`, each cell as text ([`cell_as_string!`],
/// `$extra` naming the driver's further numeric types).
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
macro_rules! rows_as_strings {
    ($c:expr, $sql:expr, [$($extra:ty),*]) => {{
        let rows = $c
            .fetch_all(sqlx::raw_sql($sql))
            .await
            .map_err(|e| RunError::driver($sql, e))?;
        Ok(rows
            .iter()
            .map(|r| (0..r.len()).map(|i| cell_as_string!(r, i, [$($extra),*])).collect())
            .collect())
    }};
}

/// Decodes column `$i` of `$row` as text, whatever its SQL type.
#[cfg(any(feature = "sqlite", feature = "postgres", feature = "mysql"))]
macro_rules! cell_as_string {
    ($row:expr, $i:expr, [$($extra:ty),*]) => {{
        let row = $row;
        let i = $i;
        if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            v
        } else if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map(|v| v.to_string())
        } else if let Ok(v) = row.try_get::<Option<i32>, _>(i) {
            v.map(|v| v.to_string())
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            v.map(|v| v.to_string())
        } else if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
            v.map(|v| v.to_string())
        } $(else if let Ok(v) = row.try_get::<Option<$extra>, _>(i) {
            v.map(|v| v.to_string())
        })* else if let Ok(v) = row.try_get_unchecked::<Option<String>, _>(i) {
            // Text protocol (raw SQL): DECIMAL and friends arrive as text.
            v
        } else if let Ok(v) = row.try_get::<Option<Vec<u8>>, _>(i) {
            v.map(|v| String::from_utf8_lossy(&v).into_owned())
        } else {
            None
        }
    }};
}

/// A server connection's setup (connect plus session settings), bounded by the connect
/// timeout; past it, [`RunError::ConnectTimeout`] names the server and the setting.
#[cfg(any(feature = "postgres", feature = "mysql"))]
struct Bound {
    server: &'static str,
    at: String,
    waited: std::time::Duration,
    setting: &'static str,
}

#[cfg(any(feature = "postgres", feature = "mysql"))]
impl Bound {
    async fn run(
        self,
        setup: impl std::future::Future<Output = Result<Db, RunError>>,
    ) -> Result<Db, RunError> {
        within(self.waited, setup).await.unwrap_or_else(|| {
            Err(RunError::ConnectTimeout {
                server: self.server,
                at: self.at,
                waited: self.waited,
                setting: self.setting,
            })
        })
    }
}

/// A failed [`Db::execute_batch`]: how many statements ran before the one that failed, and
/// its error.
#[derive(Debug)]
pub(crate) struct BatchError {
    /// Statements completed before the failure (the failing one is `statements[done]`).
    pub done: usize,
    /// The rows each of them affected.
    pub rows: Vec<u64>,
    pub error: RunError,
}

impl Db {
    /// Connects to `url` with the default [`Timeouts`]: `sqlite:<path>` / `sqlite://<path>` /
    /// `sqlite::memory:` (the file is created if missing), `postgres://` / `postgresql://`,
    /// `mysql://` / `mariadb://`. Error messages never contain the password.
    pub async fn connect(url: &str) -> Result<Db, RunError> {
        Db::connect_with(url, &Timeouts::default()).await
    }

    /// Connects to `url` within `t.connect` (a `connect_timeout=<seconds>` query parameter of
    /// a PostgreSQL or MySQL URL takes precedence) and sets up the session's bounds: SQLite
    /// `busy_timeout` = `t.lock`; PostgreSQL `lock_timeout`, `statement_timeout`,
    /// `idle_in_transaction_session_timeout` (and, from PostgreSQL 14,
    /// `client_connection_check_interval`, so a statement whose client died is cancelled);
    /// MySQL/MariaDB `lock_wait_timeout`, `innodb_lock_wait_timeout`, `wait_timeout` and
    /// (MariaDB) `max_statement_time`. See [`crate::limits`] for what each bounds.
    pub async fn connect_with(url: &str, t: &Timeouts) -> Result<Db, RunError> {
        let t = t.clamped();
        let dialect = Dialect::from_url(url).ok_or_else(|| RunError::UnsupportedUrl {
            url: crate::secrets::redact_url(url),
        })?;
        let (stripped, from_url) = take_connect_timeout(url).map_err(RunError::Setting)?;
        let (connect_timeout, setting) = match from_url {
            Some(c) => (c, "connect_timeout in the URL"),
            None => (t.connect, "connect_timeout"),
        };
        let url_in = url;
        let url = stripped.as_str();
        let connect_err = |e: sqlx::Error| RunError::Connect {
            url: crate::secrets::redact_url(url_in),
            source: crate::error::DbError::connect(e, url_in),
        };
        #[cfg(any(feature = "postgres", feature = "mysql"))]
        let bounded = |server: &'static str, at: String| Bound {
            server,
            at,
            waited: connect_timeout,
            setting,
        };
        let _ = (connect_timeout, setting);
        match dialect {
            #[cfg(feature = "sqlite")]
            Dialect::Sqlite => {
                use std::str::FromStr;
                let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url)
                    .map_err(connect_err)?
                    .create_if_missing(true)
                    .busy_timeout(t.lock);
                let conn = sqlx::SqliteConnection::connect_with(&opts)
                    .await
                    .map_err(connect_err)?;
                Ok(Db::Sqlite(conn))
            }
            #[cfg(feature = "postgres")]
            Dialect::Postgres => {
                use std::str::FromStr;
                let mut opts =
                    sqlx::postgres::PgConnectOptions::from_str(url).map_err(connect_err)?;
                if opts.get_application_name().is_none() {
                    opts = opts.application_name("retort");
                }
                let at = format!("{}:{}", opts.get_host(), opts.get_port());
                let server = at.clone();
                let setup = async {
                    let conn = sqlx::PgConnection::connect_with(&opts)
                        .await
                        .map_err(connect_err)?;
                    let version = conn.server_version_num().unwrap_or(0);
                    let mut db = Db::Postgres(conn);
                    // The session's bounds and the server's version in one round trip.
                    // CockroachDB and YugabyteDB speak PostgreSQL's protocol: refused here,
                    // before anything relies on PostgreSQL's DDL, locks or catalogs (asked
                    // again alone if a setting was refused: such an engine may not have it).
                    let setup = format!(
                        "{} SELECT version()",
                        crate::backend::postgres::session_sql(&t, version)
                    );
                    let (text, set) = match db.query_strings(&setup).await {
                        Ok(rows) => (
                            rows.into_iter()
                                .next()
                                .and_then(|r| r.into_iter().next())
                                .flatten(),
                            Ok(()),
                        ),
                        Err(e) => (db.query_scalar("SELECT version()").await?, Err(e)),
                    };
                    let text = text.unwrap_or_default();
                    if let Some(d) = crate::backend::postgres::distributed_engine(&text) {
                        return Err(RunError::UnsupportedEngine {
                            engine: d.engine,
                            at: server,
                            why: d.why,
                            version: text,
                        });
                    }
                    set?;
                    Ok(db)
                };
                bounded("PostgreSQL", at).run(setup).await
            }
            #[cfg(feature = "mysql")]
            Dialect::Mysql => {
                use std::str::FromStr;
                let u = match url.strip_prefix("mariadb:") {
                    Some(rest) => format!("mysql:{rest}"),
                    None => url.to_string(),
                };
                let opts = sqlx::mysql::MySqlConnectOptions::from_str(&u).map_err(connect_err)?;
                let at = format!("{}:{}", opts.get_host(), opts.get_port());
                let setup = async {
                    let conn = sqlx::MySqlConnection::connect_with(&opts)
                        .await
                        .map_err(connect_err)?;
                    let mut db = Db::Mysql(conn);
                    db.execute(&crate::backend::mysql::session_sql(&t)).await?;
                    Ok(db)
                };
                bounded("MySQL/MariaDB", at).run(setup).await
            }
            // Built without this database's driver feature.
            #[allow(unreachable_patterns)]
            other => {
                let _ = connect_err;
                Err(RunError::DriverNotEnabled {
                    url: crate::secrets::redact_url(url),
                    feature: match other {
                        Dialect::Sqlite => "sqlite",
                        Dialect::Postgres => "postgres",
                        Dialect::Mysql => "mysql",
                    },
                    manifest: None,
                })
            }
        }
    }

    /// The SQL dialect of this connection.
    pub fn dialect(&self) -> Dialect {
        match *self {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(_) => Dialect::Sqlite,
            #[cfg(feature = "postgres")]
            Db::Postgres(_) => Dialect::Postgres,
            #[cfg(feature = "mysql")]
            Db::Mysql(_) => Dialect::Mysql,
        }
    }

    /// Runs `sql` (one or more statements, no parameters, text protocol) and returns the
    /// number of rows affected.
    ///
    /// Inside a run, a round trip to a PostgreSQL or MySQL/MariaDB server is bounded (see
    /// [`Timeouts::round_trip`]).
    pub async fn execute(&mut self, sql: &str) -> Result<u64, RunError> {
        let network = self.dialect() != Dialect::Sqlite;
        round_trip(network, sql, async {
            with_conn!(*self, c => {
                let r = c
                    .execute(sqlx::raw_sql(sql))
                    .await
                    .map_err(|e| RunError::driver(sql, e))?;
                Ok(r.rows_affected())
            })
        })
        .await
    }

    /// Runs `statements` in one round trip (joined into one multi-statement text; SQLite
    /// runs them in one call of its worker thread, MySQL/MariaDB as one `COM_QUERY` with
    /// multi-statements) and returns the rows each affected, in order. Each statement must
    /// be one SQL statement (the results are counted per statement). On failure, the
    /// statements before the failing one ran: [`BatchError::done`] says how many.
    ///
    /// Bounded like [`Db::execute`] (one round trip).
    pub(crate) async fn execute_batch(
        &mut self,
        statements: &[&str],
    ) -> Result<Vec<u64>, BatchError> {
        // Each statement on its own lines: a trailing `--` comment ends before the `;`.
        let sql = statements.join("\n;\n");
        let network = self.dialect() != Dialect::Sqlite;
        // Pushed to only in the drivers' arms: a build without any driver has none.
        #[allow(unused_mut)]
        let mut done: Vec<u64> = Vec::with_capacity(statements.len());
        let r = round_trip(network, &sql, async {
            with_conn!(*self, c => {
                let mut results = c.fetch_many(sqlx::raw_sql(&sql));
                loop {
                    let next = std::future::poll_fn(|cx| {
                        futures_core::Stream::poll_next(results.as_mut(), cx)
                    })
                    .await;
                    match next {
                        None => break Ok(()),
                        Some(Ok(sqlx::Either::Left(r))) => done.push(r.rows_affected()),
                        Some(Ok(sqlx::Either::Right(_))) => {}
                        Some(Err(e)) => {
                            let at = statements.get(done.len()).copied().unwrap_or(&sql);
                            break Err(RunError::driver(at, e));
                        }
                    }
                }
            })
        })
        .await;
        match r {
            Ok(()) => Ok(done),
            Err(error) => Err(BatchError {
                done: done.len().min(statements.len()),
                rows: done,
                error,
            }),
        }
    }

    /// Runs a query and returns every row, each column as text (`None` for NULL). Integers,
    /// floats and booleans are formatted; bytes are read as UTF-8 (lossy).
    pub async fn query_strings(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, RunError> {
        let network = self.dialect() != Dialect::Sqlite;
        round_trip(network, sql, self.query_strings_unbounded(sql)).await
    }

    async fn query_strings_unbounded(
        &mut self,
        sql: &str,
    ) -> Result<Vec<Vec<Option<String>>>, RunError> {
        match *self {
            #[cfg(feature = "sqlite")]
            Db::Sqlite(ref mut c) => rows_as_strings!(c, sql, []),
            #[cfg(feature = "postgres")]
            Db::Postgres(ref mut c) => rows_as_strings!(c, sql, [i16, f32]),
            #[cfg(feature = "mysql")]
            Db::Mysql(ref mut c) => rows_as_strings!(c, sql, [u64, u32, i16, i8, u8, f32]),
        }
    }

    /// Closes the connection cleanly; a server that does not take the goodbye within 5 s is
    /// left to notice the closed socket.
    pub async fn close(self) -> Result<(), RunError> {
        let close = async move {
            match self {
                #[cfg(feature = "sqlite")]
                Db::Sqlite(c) => c.close().await,
                #[cfg(feature = "postgres")]
                Db::Postgres(c) => c.close().await,
                #[cfg(feature = "mysql")]
                Db::Mysql(c) => c.close().await,
            }
        };
        let r: Result<(), sqlx::Error> = within(std::time::Duration::from_secs(5), close)
            .await
            .unwrap_or(Ok(()));
        r.map_err(|e| RunError::driver("<close connection>", e))
    }

    /// The first column of the first row, as text.
    pub(crate) async fn query_scalar(&mut self, sql: &str) -> Result<Option<String>, RunError> {
        Ok(self
            .query_strings(sql)
            .await?
            .into_iter()
            .next()
            .and_then(|r| r.into_iter().next())
            .flatten())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn unsupported_url_is_an_error_without_password() {
        let e = Db::connect("oracle://scott:tiger@h/x").await.unwrap_err();
        let m = e.to_string();
        assert!(m.contains("oracle://scott:***@h/x"), "{m}");
        assert!(!m.contains("tiger"), "{m}");
    }
}
