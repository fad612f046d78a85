//! retort's shared test plumbing, used only as a dev-dependency (and by `retort-tests`):
//!
//! - the servers the live tests run on ([`Server::url`]: `RETORT_TEST_PG_URL`,
//!   `RETORT_TEST_MYSQL_URL`, else the local defaults);
//! - the rule for a server (or tool) that is not there ([`skip`], [`skip_or_fail`]): locally a
//!   loud `SKIPPED (...): test` line and the test returns; under `CI=true` the test fails;
//! - scratch databases and schemas with unique names ([`ScratchDb`], [`IsolatedDb`],
//!   [`scratch_schema`], [`unique_suffix`]) and their cleanup;
//! - [`per_dialect!`]: one test per database feature for an `async fn(Dialect)`;
//!   [`server_tests!`]: one per server for an `async fn(Server, test)`;
//!   [`dialect_tests!`]: one per database, named as given, for an `async fn(Dialect, test)`;
//!   [`url_tests!`]: one per database on an [`IsolatedDb`] for an `async fn(url, what)`;
//! - running a binary and reading what it printed ([`run_bin`], [`text`], [`assert_ok`]);
//! - [`assert_contains`]: every one of several pieces is in a text, naming the one missing.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicU64, Ordering};

pub use retort_schema::Dialect;
use sqlx::{Connection, Executor};

/// `per_dialect!(name, ..)`: for each async `fn name(Dialect)`, a module `name` with one test
/// per database feature of the calling crate (`sqlite`, `postgres`, `mariadb`, behind the
/// features `sqlite`, `postgres`, `mysql`). The calling crate depends on `tokio`.
#[macro_export]
macro_rules! per_dialect {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[cfg(feature = "sqlite")]
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name($crate::Dialect::Sqlite).await
            }
            #[cfg(feature = "postgres")]
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$name($crate::Dialect::Postgres).await
            }
            #[cfg(feature = "mysql")]
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn mariadb() {
                super::$name($crate::Dialect::Mysql).await
            }
        }
    )*};
}

/// `server_tests! { body => postgres_test, mariadb_test; .. }`: for an async
/// `fn body(Server, test: &str, ..)`, one `#[tokio::test]` per server feature of the calling
/// crate (`postgres`, `mysql`), named as given and passing its own name as `test`; extra
/// arguments follow the body's name in parentheses: `body(true) => ..`.
#[macro_export]
macro_rules! server_tests {
    ($($body:ident $(($($arg:expr),+))? => $pg:ident, $my:ident;)*) => {$(
        #[cfg(feature = "postgres")]
        #[tokio::test]
        async fn $pg() {
            $body($crate::Server::Postgres, stringify!($pg) $($(, $arg)+)?).await
        }
        #[cfg(feature = "mysql")]
        #[tokio::test]
        async fn $my() {
            $body($crate::Server::Mariadb, stringify!($my) $($(, $arg)+)?).await
        }
    )*};
}

/// `dialect_tests! { body => sqlite_test, postgres_test, mysql_test; .. }`: for an async
/// `fn body(Dialect, test: &str)`, one `#[tokio::test]` per database (SQLite, PostgreSQL,
/// MySQL/MariaDB), named as given and passing its own name as `test`. Unlike [`per_dialect!`]
/// the tests are not behind the calling crate's features (the body skips a server that is not
/// there by the [`skip_or_fail`] rule).
#[macro_export]
macro_rules! dialect_tests {
    ($($body:ident => $sqlite:ident, $pg:ident, $my:ident;)*) => {$(
        #[tokio::test]
        async fn $sqlite() {
            $body($crate::Dialect::Sqlite, stringify!($sqlite)).await
        }
        #[tokio::test]
        async fn $pg() {
            $body($crate::Dialect::Postgres, stringify!($pg)).await
        }
        #[tokio::test]
        async fn $my() {
            $body($crate::Dialect::Mysql, stringify!($my)).await
        }
    )*};
}

/// `url_tests! { body in "prefix" => sqlite_test, postgres_test, mariadb_test; .. }`: for an
/// async `fn body(url: &str, what: &str, ..)`, a test on an [`IsolatedDb`] named `<prefix>_..`
/// (dropped afterwards) of each database: SQLite always, the servers behind the calling crate's
/// features (`postgres`, `mysql`); `what` names the database ([`what`]). Extra arguments follow the body's name in parentheses: `body(true) in ..`.
#[macro_export]
macro_rules! url_tests {
    ($($body:ident $(($($arg:expr),+))? in $prefix:literal => $sqlite:ident, $pg:ident, $my:ident;)*) => {$(
        #[tokio::test]
        async fn $sqlite() {
            $crate::url_tests!(@run $body $(($($arg),+))?, $prefix, $crate::Dialect::Sqlite, $sqlite);
        }
        #[cfg(feature = "postgres")]
        #[tokio::test]
        async fn $pg() {
            $crate::url_tests!(@run $body $(($($arg),+))?, $prefix, $crate::Dialect::Postgres, $pg);
        }
        #[cfg(feature = "mysql")]
        #[tokio::test]
        async fn $my() {
            $crate::url_tests!(@run $body $(($($arg),+))?, $prefix, $crate::Dialect::Mysql, $my);
        }
    )*};
    (@run $body:ident $(($($arg:expr),+))?, $prefix:literal, $d:expr, $test:ident) => {
        let Some(db) = $crate::IsolatedDb::create($d, $prefix, stringify!($test)).await else {
            return;
        };
        $body(&db.url, $crate::what($d) $($(, $arg)+)?).await;
        db.drop().await;
    };
}

/// The database of a dialect as messages name it: "SQLite", else [`Server::what`].
pub fn what(d: Dialect) -> &'static str {
    Server::of(d).map_or("SQLite", Server::what)
}

// ----- servers ---------------------------------------------------------------------------------

/// A database server the live tests use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Server {
    Postgres,
    Mariadb,
}

impl Server {
    /// The server of a dialect; `None` for SQLite (a file, no server).
    pub fn of(d: Dialect) -> Option<Server> {
        match d {
            Dialect::Sqlite => None,
            Dialect::Postgres => Some(Server::Postgres),
            Dialect::Mysql => Some(Server::Mariadb),
        }
    }

    pub fn dialect(self) -> Dialect {
        match self {
            Server::Postgres => Dialect::Postgres,
            Server::Mariadb => Dialect::Mysql,
        }
    }

    /// The server's URL (its `test` database): `RETORT_TEST_PG_URL` / `RETORT_TEST_MYSQL_URL`,
    /// else the local default.
    pub fn url(self) -> String {
        let (var, default) = match self {
            Server::Postgres => (
                "RETORT_TEST_PG_URL",
                "postgres://postgres@127.0.0.1:5432/test",
            ),
            Server::Mariadb => ("RETORT_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/test"),
        };
        std::env::var(var).unwrap_or_else(|_| default.to_string())
    }

    /// What SKIPPED lines and failures call it.
    pub fn what(self) -> &'static str {
        match self {
            Server::Postgres => "PostgreSQL",
            Server::Mariadb => "MariaDB/MySQL",
        }
    }

    /// `name` quoted as an identifier.
    pub fn quote(self, name: &str) -> String {
        match self {
            Server::Postgres => format!("\"{name}\""),
            Server::Mariadb => format!("`{name}`"),
        }
    }

    /// Runs `sql` on a fresh connection to the server's URL.
    async fn admin(self, sql: &str) -> Result<(), String> {
        let url = self.url();
        let r = match self {
            Server::Postgres => run_once::<sqlx::PgConnection>(&url, sql).await,
            Server::Mariadb => run_once::<sqlx::MySqlConnection>(&url, sql).await,
        };
        r.map_err(|e| format!("{sql}: {e}"))
    }

    /// Whether the server answers; when not, [`skip_or_fail`] has been applied for `test`.
    pub async fn reachable(self, test: &str) -> bool {
        match self {
            Server::Postgres => connect::<sqlx::PgConnection>(self, test).await.is_some(),
            Server::Mariadb => connect::<sqlx::MySqlConnection>(self, test).await.is_some(),
        }
    }
}

async fn run_once<C>(url: &str, sql: &str) -> Result<(), sqlx::Error>
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c>,
{
    let mut c = C::connect(url).await?;
    let r = (&mut c).execute(sql).await.map(|_| ());
    let _ = c.close().await;
    r
}

/// A connection to `server`; `None` after [`skip_or_fail`] when it is unreachable.
async fn connect<C: Connection>(server: Server, test: &str) -> Option<C> {
    let url = server.url();
    match C::connect(&url).await {
        Ok(c) => Some(c),
        Err(e) => {
            skip_or_fail(server.what(), &url, test, e);
            None
        }
    }
}

/// The PostgreSQL server's URL.
pub fn pg_url() -> String {
    Server::Postgres.url()
}

/// The MariaDB / MySQL server's URL.
pub fn mysql_url() -> String {
    Server::Mariadb.url()
}

/// A connection to the PostgreSQL server; `None` after [`skip_or_fail`] when it is unreachable.
pub async fn connect_pg(test: &str) -> Option<sqlx::PgConnection> {
    connect(Server::Postgres, test).await
}

/// A connection to the MariaDB / MySQL server; `None` after [`skip_or_fail`] when it is
/// unreachable.
pub async fn connect_mysql(test: &str) -> Option<sqlx::MySqlConnection> {
    connect(Server::Mariadb, test).await
}

// ----- the SKIPPED / CI rule ------------------------------------------------------------------

/// Whether the tests run under `CI=true`, where nothing may be skipped.
pub fn under_ci() -> bool {
    std::env::var("CI").as_deref() == Ok("true")
}

/// Something `test` needs is missing (`why`): under `CI=true` the test fails here; otherwise a
/// loud `SKIPPED (why): test` line, and the caller returns.
pub fn skip(why: &str, test: &str) {
    if under_ci() {
        panic!("{why}, and CI=true: {test}");
    }
    eprintln!("SKIPPED ({why}): {test}");
}

/// [`skip`] for a server `what` that cannot be reached at `url`.
pub fn skip_or_fail(what: &str, url: &str, test: &str, err: impl std::fmt::Display) {
    if under_ci() {
        panic!("cannot reach {what} at {url} ({err}) and CI=true: {test}");
    }
    eprintln!("SKIPPED (no {what} at {url}): {test}");
}

// ----- scratch databases and schemas ----------------------------------------------------------

/// A suffix no other test (in this process or a parallel one) uses: lowercase hex and digits.
pub fn unique_suffix() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("{:x}{:x}_{n}", std::process::id(), nanos)
}

/// `<prefix>_<unique suffix>`.
pub fn unique_name(prefix: &str) -> String {
    format!("{prefix}_{}", unique_suffix())
}

/// `url` with its database (path) replaced by `db`; the query string is kept.
pub fn with_db(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut u = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        u.push('?');
        u.push_str(q);
    }
    u
}

/// A database of its own on a server, named `<prefix>_<unique suffix>`; [`ScratchDb::drop`]
/// removes it.
#[derive(Debug)]
pub struct ScratchDb {
    pub server: Server,
    pub name: String,
    /// The URL of the scratch database.
    pub url: String,
}

impl ScratchDb {
    /// Creates one; `None` (after [`skip_or_fail`]) when the server is unreachable.
    pub async fn create(server: Server, prefix: &str, test: &str) -> Option<ScratchDb> {
        if !server.reachable(test).await {
            return None;
        }
        Some(ScratchDb::create_reachable(server, prefix).await)
    }

    /// Creates one on a server known to answer (a second database in the same test).
    pub async fn create_reachable(server: Server, prefix: &str) -> ScratchDb {
        let name = unique_name(prefix);
        server
            .admin(&format!("CREATE DATABASE {}", server.quote(&name)))
            .await
            .unwrap();
        ScratchDb {
            server,
            url: with_db(&server.url(), &name),
            name,
        }
    }

    /// Drops the database (on PostgreSQL even while connections to it are left open).
    pub async fn drop(self) {
        let force = match self.server {
            Server::Postgres => " WITH (FORCE)",
            Server::Mariadb => "",
        };
        self.server
            .admin(&format!(
                "DROP DATABASE IF EXISTS {}{force}",
                self.server.quote(&self.name)
            ))
            .await
            .unwrap();
    }
}

/// One isolated database for a dialect: a SQLite file in a temp dir of its own, or a
/// [`ScratchDb`] on the dialect's server. [`IsolatedDb::drop`] removes it.
pub struct IsolatedDb {
    pub dialect: Dialect,
    /// The database's URL (SQLite: `sqlite://<file>?mode=rwc`).
    pub url: String,
    /// The server database, `None` on SQLite.
    pub scratch: Option<ScratchDb>,
    dir: Option<tempfile::TempDir>,
}

impl IsolatedDb {
    /// `None` (after [`skip_or_fail`]) when the dialect's server is unreachable.
    pub async fn create(d: Dialect, prefix: &str, test: &str) -> Option<IsolatedDb> {
        let scratch = match Server::of(d) {
            Some(server) => Some(ScratchDb::create(server, prefix, test).await?),
            None => None,
        };
        Some(IsolatedDb::from_parts(d, prefix, scratch))
    }

    /// A second one on a server known to answer.
    pub async fn create_reachable(d: Dialect, prefix: &str) -> IsolatedDb {
        let scratch = match Server::of(d) {
            Some(server) => Some(ScratchDb::create_reachable(server, prefix).await),
            None => None,
        };
        IsolatedDb::from_parts(d, prefix, scratch)
    }

    fn from_parts(d: Dialect, prefix: &str, scratch: Option<ScratchDb>) -> IsolatedDb {
        match scratch {
            Some(s) => IsolatedDb {
                dialect: d,
                url: s.url.clone(),
                scratch: Some(s),
                dir: None,
            },
            None => {
                let dir = tempfile::tempdir().unwrap();
                let url = format!(
                    "sqlite://{}?mode=rwc",
                    dir.path().join(format!("{prefix}.db")).display()
                );
                IsolatedDb {
                    dialect: d,
                    url,
                    scratch: None,
                    dir: Some(dir),
                }
            }
        }
    }

    /// The SQLite file's folder (`None` on a server).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(|d| d.path())
    }

    pub async fn drop(self) {
        if let Some(s) = self.scratch {
            s.drop().await;
        }
    }
}

/// A connection to a scratch schema (PostgreSQL, first on its `search_path`) or database
/// (MariaDB, `USE`d) of its own: [`scratch_schema`], [`scratch_mysql`]. [`ScratchConn::drop`]
/// removes it.
pub struct ScratchConn<C> {
    pub conn: C,
    pub name: String,
    drop_sql: String,
}

impl<C> ScratchConn<C>
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c>,
{
    async fn new(mut conn: C, name: String, setup: [String; 2], drop_sql: String) -> Self {
        for sql in setup {
            (&mut conn).execute(sql.as_str()).await.unwrap();
        }
        ScratchConn {
            conn,
            name,
            drop_sql,
        }
    }

    pub async fn drop(mut self) {
        (&mut self.conn)
            .execute(self.drop_sql.as_str())
            .await
            .unwrap();
        let _ = self.conn.close().await;
    }
}

/// A schema of its own on the PostgreSQL server; `None` (after [`skip_or_fail`]) when the
/// server is unreachable.
pub async fn scratch_schema(prefix: &str, test: &str) -> Option<ScratchConn<sqlx::PgConnection>> {
    let conn = connect_pg(test).await?;
    let name = unique_name(prefix);
    let setup = [
        format!("CREATE SCHEMA \"{name}\""),
        format!("SET search_path TO \"{name}\""),
    ];
    let drop_sql = format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE");
    Some(ScratchConn::new(conn, name, setup, drop_sql).await)
}

/// A database of its own on the MariaDB server; `None` (after [`skip_or_fail`]) when the
/// server is unreachable.
pub async fn scratch_mysql(prefix: &str, test: &str) -> Option<ScratchConn<sqlx::MySqlConnection>> {
    let conn = connect_mysql(test).await?;
    let name = unique_name(prefix);
    let setup = [format!("CREATE DATABASE `{name}`"), format!("USE `{name}`")];
    let drop_sql = format!("DROP DATABASE IF EXISTS `{name}`");
    Some(ScratchConn::new(conn, name, setup, drop_sql).await)
}

// ----- schema ---------------------------------------------------------------------------------

/// Every neutral column type but enums, in the README's order: those without arguments, one
/// `VARCHAR(varchar)`, and a `DECIMAL` for each `(precision, scale)` of `decimals`.
pub fn neutral_types(
    varchar: u32,
    decimals: &[(Option<u32>, Option<u32>)],
) -> Vec<retort_schema::SqlType> {
    use retort_schema::SqlType::*;
    let mut v = vec![Boolean, SmallInt, Integer, BigInt, Real, Double, Text];
    v.extend([Varchar(varchar), Blob]);
    v.extend(
        decimals
            .iter()
            .map(|&(precision, scale)| Decimal { precision, scale }),
    );
    v.extend([
        Date,
        Time,
        Timestamp {
            with_time_zone: false,
        },
        Timestamp {
            with_time_zone: true,
        },
        Uuid,
        Json { binary: false },
        Json { binary: true },
    ]);
    v
}

// ----- binaries ---------------------------------------------------------------------------------

/// Runs the binary at `exe` (a test's `env!("CARGO_BIN_EXE_<name>")`) in `cwd` with `args`,
/// without the caller's `DATABASE_URL`.
pub fn run_bin(exe: &str, args: &[&str], cwd: &Path) -> Output {
    Command::new(exe)
        .args(args)
        .current_dir(cwd)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap_or_else(|e| panic!("run {exe}: {e}"))
}

/// What a process printed: stdout, then stderr.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Asserts the process succeeded (else fails with `what` and all it printed); returns stdout.
#[track_caller]
pub fn assert_ok(o: &Output, what: &str) -> String {
    assert_ok_text(o, what);
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// [`assert_ok`], returning all the process printed ([`text`]).
#[track_caller]
pub fn assert_ok_text(o: &Output, what: &str) -> String {
    let all = text(o);
    assert!(o.status.success(), "`{what}` failed:\n{all}");
    all
}

/// Asserts that `text` contains every one of `pieces`; the failure names the first piece
/// missing and shows the whole text.
#[track_caller]
pub fn assert_contains(text: &str, pieces: &[&str]) {
    for piece in pieces {
        assert!(text.contains(piece), "missing {piece:?} in:\n{text}");
    }
}

/// Writes a binary package in `dir`: `Cargo.toml` (package `name`, edition 2021, unpublished,
/// then `more_manifest`: dependencies, `[workspace]`, ...) and `src/main.rs`.
pub fn write_package(dir: &Path, name: &str, more_manifest: &str, main_rs: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n{more_manifest}"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.join("src/main.rs"), main_rs).unwrap();
}

/// Runs `cmd` and asserts it succeeded (else fails with `what` and all it printed); returns
/// stdout.
pub fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("run `{what}`: {e}"));
    assert_ok(&out, what)
}

/// Runs `rustfmt --edition 2021 --check` on `source` (a whole file); panics with rustfmt's
/// diff when it would reformat anything (generated code must be what rustfmt writes).
pub fn rustfmt_check(source: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.rs");
    std::fs::write(&path, source).unwrap();
    let out = std::process::Command::new("rustfmt")
        .args(["--edition", "2021", "--check"])
        .arg(&path)
        .output()
        .expect("rustfmt runs");
    assert!(
        out.status.success(),
        "rustfmt disagrees:\n{}\n--- rendered ---\n{source}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_db_replaces_the_path_and_keeps_the_query() {
        assert_eq!(
            with_db("postgres://u:p@h:5432/test?sslmode=disable", "x"),
            "postgres://u:p@h:5432/x?sslmode=disable"
        );
        assert_eq!(with_db("mysql://root@h:3306", "x"), "mysql://root@h:3306/x");
    }

    #[test]
    fn unique_names_differ() {
        assert_ne!(unique_name("a"), unique_name("a"));
        assert!(unique_name("retort_t")
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'));
    }
}
pub mod cluster;
