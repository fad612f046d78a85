//! Nothing hangs: connect, lock-wait and statement bounds, a network that freezes mid-run, and
//! messages that name what was waited for. Through the app library, on SQLite, PostgreSQL and
//! MariaDB (`cargo test -p retort-app --all-features --test timeouts`). Every test sets small
//! timeouts and runs in a few seconds; everything is on loopback.

mod common;

use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{assert_contains, cmd, tmp, write_config, ScratchDb, Server};
use retort_app::Context;
use retort_runner::{Migration, MigrationSet, Script};
use retort_schema::{Column, PrimaryKey, Schema, SqlType, Table};
use retort_test_support::server_tests;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const E1: &str = "e1e1e1e1e1e1";
const E2: &str = "e2e2e2e2e2e2";
const E3: &str = "e3e3e3e3e3e3";

const H_E1: &str = "//! Create users\n//!\n//! Revision ID: e1e1e1e1e1e1\n//! Revises:\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-07 00:00:00 UTC\n";
const H_E2: &str = "//! Add nickname\n//!\n//! Revision ID: e2e2e2e2e2e2\n//! Revises: e1e1e1e1e1e1\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-07 00:01:00 UTC\n";
const H_E3: &str = "//! Posts and the frozen table\n//!\n//! Revision ID: e3e3e3e3e3e3\n//! Revises: e2e2e2e2e2e2\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-07 00:02:00 UTC\n";

fn table(name: &str) -> Table {
    let mut t = Table::new(name);
    t.columns.push(Column::new("id", SqlType::Integer));
    t.primary_key = Some(PrimaryKey {
        name: format!("pk_{name}"),
        columns: vec!["id".to_string()],
    });
    t
}

fn up1(m: &mut Migration) {
    m.create_table(table("users"));
}
fn down1(m: &mut Migration) {
    m.drop_table("users");
}
fn up2(m: &mut Migration) {
    m.add_column(
        "users",
        Column::new("nickname", SqlType::Varchar(40)).nullable(true),
    );
}
fn down2(m: &mut Migration) {
    m.drop_column("users", "nickname");
}
/// Two statements; the proxy of the freeze tests stops forwarding when it sees the second.
fn up3(m: &mut Migration) {
    m.create_table(table("posts"));
    m.create_table(table("frozen_net"));
}
fn down3(m: &mut Migration) {
    m.drop_table("frozen_net");
    m.drop_table("posts");
}

fn history() -> MigrationSet {
    MigrationSet::new(
        "",
        vec![
            Script::new("e1e1e1e1e1e1_create_users.rs", H_E1, 1, up1, down1),
            Script::new("e2e2e2e2e2e2_add_nickname.rs", H_E2, 2, up2, down2),
            Script::new("e3e3e3e3e3e3_posts.rs", H_E3, 3, up3, down3),
        ],
    )
}

fn no_target() -> Result<Schema, String> {
    Ok(Schema::default())
}

/// A context in `dir` with `retort.toml` holding `toml` and `DATABASE_URL` = `url`.
fn context(dir: &Path, toml: &str, url: &str) -> Context {
    std::fs::write(dir.join("retort.toml"), toml).unwrap();
    Context::isolated(history(), no_target, dir).with_env("DATABASE_URL", url)
}

/// Runs a command; (exit code, stdout + error text, how long it took).
async fn timed(c: &Context, args: &[&str]) -> (i32, String, Duration) {
    let start = Instant::now();
    let (code, out, err) = cmd(c, args).await;
    (code, format!("{out}{err}"), start.elapsed())
}

// ----- servers ----------------------------------------------------------------------------

/// `url` through another address (its host:port replaced).
fn via(url: &str, addr: SocketAddr) -> String {
    let scheme_end = url.find("://").map(|i| i + 3).unwrap_or(0);
    let rest = &url[scheme_end..];
    let authority_end = scheme_end + rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &url[scheme_end..authority_end];
    let userinfo = authority.rfind('@').map_or("", |at| &authority[..=at]);
    format!(
        "{}{userinfo}{addr}{}",
        &url[..scheme_end],
        &url[authority_end..]
    )
}

/// The server's address (host:port of the admin URL).
fn server_addr(url: &str) -> SocketAddr {
    let rest = &url[url.find("://").unwrap() + 3..];
    let authority = &rest[..rest.find(['/', '?']).unwrap_or(rest.len())];
    let hostport = &authority[authority.rfind('@').map(|i| i + 1).unwrap_or(0)..];
    use std::net::ToSocketAddrs;
    hostport.to_socket_addrs().unwrap().next().unwrap()
}

/// A fresh database; `None` (skipped) when the server is unreachable outside CI.
struct Fresh(ScratchDb);

impl Fresh {
    async fn new(server: Server, test: &str) -> Option<Fresh> {
        ScratchDb::create(server, "retort_to", test)
            .await
            .map(Fresh)
    }

    /// The URL through another address (a proxy).
    fn url_via(&self, addr: SocketAddr) -> String {
        via(&self.0.url, addr)
    }

    async fn connect(&self) -> retort_runner::Db {
        retort_runner::Db::connect(&self.0.url).await.unwrap()
    }

    async fn drop(self) {
        self.0.drop().await;
    }
}

async fn scalar(db: &mut retort_runner::Db, sql: &str) -> String {
    db.query_strings(sql).await.unwrap()[0][0]
        .clone()
        .unwrap_or_default()
}

async fn has_table(db: &mut retort_runner::Db, server: Server, name: &str) -> bool {
    let schema = match server {
        Server::Postgres => "current_schema()",
        Server::Mariadb => "DATABASE()",
    };
    scalar(
        db,
        &format!("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = {schema} AND table_name = '{name}'"),
    )
    .await
        != "0"
}

// ----- a server that accepts and never answers ---------------------------------------------

/// A loopback listener that accepts connections and never sends a byte.
async fn silent_server() -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        // Bounded: a test makes a handful of connections.
        for _ in 0..16 {
            match l.accept().await {
                Ok((s, _)) => held.push(s),
                Err(_) => break,
            }
        }
        std::future::pending::<()>().await;
    });
    (addr, task)
}

async fn silent_server_times_out(scheme: &str, server: &str) {
    let (addr, task) = silent_server().await;
    let d = tmp();
    let url = format!("{scheme}://u:s3cret@{addr}/app");
    let c = context(d.path(), "connect_timeout = 1\n", &url);
    let (code, out, took) = timed(&c, &["current"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "connecting to {server} at {addr} timed out after 1 s (connect_timeout)"
        )),
        "{out}"
    );
    assert!(!out.contains("s3cret"), "{out}");
    assert!(took < Duration::from_secs(4), "took {took:?}");

    // `connect_timeout` in the URL wins over retort.toml.
    let c = context(
        d.path(),
        "connect_timeout = 60\n",
        &format!("{url}?connect_timeout=1"),
    );
    let (code, out, took) = timed(&c, &["upgrade", "head"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("timed out after 1 s (connect_timeout in the URL)"),
        "{out}"
    );
    assert!(took < Duration::from_secs(4), "took {took:?}");

    // A URL value that is not a number of seconds is named.
    let c = context(d.path(), "", &format!("{url}?connect_timeout=soon"));
    let (code, out, _) = timed(&c, &["current"]).await;
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("`connect_timeout=soon` in the database URL"),
        "{out}"
    );
    task.abort();
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_server_that_never_answers() {
    silent_server_times_out("postgres", "PostgreSQL").await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mariadb_server_that_never_answers() {
    silent_server_times_out("mysql", "MySQL/MariaDB").await;
}

// ----- a network that freezes mid-run -----------------------------------------------------

/// A loopback proxy to `target` that forwards both ways until the client sends `marker`, then
/// stops forwarding (keeping every socket open, like a network that froze).
async fn freezing_proxy(
    target: SocketAddr,
    marker: &'static [u8],
) -> (SocketAddr, Arc<AtomicBool>) {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let frozen = Arc::new(AtomicBool::new(false));
    let f = frozen.clone();
    tokio::spawn(async move {
        for _ in 0..16 {
            let Ok((client, _)) = l.accept().await else {
                break;
            };
            let Ok(server) = TcpStream::connect(target).await else {
                break;
            };
            let (mut cr, mut cw) = client.into_split();
            let (mut sr, mut sw) = server.into_split();
            let f1 = f.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = match cr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if buf[..n].windows(marker.len()).any(|w| w == marker) {
                        f1.store(true, Ordering::SeqCst);
                    }
                    if f1.load(Ordering::SeqCst) {
                        // Frozen: hold the sockets, forward nothing.
                        let _keep = (cr, sw);
                        std::future::pending::<()>().await;
                        return;
                    }
                    if sw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
            let f2 = f.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 64 * 1024];
                loop {
                    let n = match sr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    if f2.load(Ordering::SeqCst) {
                        let _keep = (sr, cw);
                        std::future::pending::<()>().await;
                        return;
                    }
                    if cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (addr, frozen)
}

const SMALL: &str = "connect_timeout = 1\nlock_timeout = 1\nstatement_timeout = 2\n";

async fn network_freezes_mid_run(server: Server, test: &str) {
    let Some(db) = Fresh::new(server, test).await else {
        return;
    };
    let d = tmp();
    let direct = context(d.path(), SMALL, &db.0.url);
    let (code, out, _) = timed(&direct, &["upgrade", E2]).await;
    assert_eq!(code, 0, "{out}");

    let (addr, frozen) = freezing_proxy(server_addr(&server.url()), b"frozen_net").await;
    let via = context(d.path(), SMALL, &db.url_via(addr));
    let (code, out, took) = timed(&via, &["upgrade", "head"]).await;
    eprintln!("--- {test}: frozen run ({took:?}):\n{out}");
    assert!(
        frozen.load(Ordering::SeqCst),
        "the proxy never froze: {out}"
    );
    assert_eq!(code, 1, "{out}");
    // Round trip bound: statement_timeout 2 s + connect_timeout 1 s.
    assert!(
        out.contains(&format!(
            "statement 2 of revision {E3} (upgrade) got no answer from the server for 3 s (statement_timeout 2 s + connect_timeout 1 s)"
        )),
        "{out}"
    );
    assert_contains(&out, &["retort dropped the connection", "frozen_net"]);
    assert!(
        took < Duration::from_secs(8),
        "the frozen run took {took:?}"
    );
    match server {
        Server::Postgres => {
            assert_contains(
                &out,
                &[
                    "transaction was not committed",
                    "idle_in_transaction_session_timeout",
                ],
            );
        }
        Server::Mariadb => {
            // DDL commits on its own: statement 1 stays, statement 2's fate is unknown.
            assert_contains(
                &out,
                &[
                    "half-applied",
                    "1. CREATE TABLE `posts`",
                    "Whether statement 2 ran is unknown",
                    "wait_timeout",
                ],
            );
        }
    }
    // The version table tells the truth at once (reading takes no lock); on MariaDB with the
    // revision's progress marker: E3 stopped half-way.
    let (code, out, _) = timed(&direct, &["current"]).await;
    match server {
        Server::Postgres => assert_eq!((code, out.trim()), (0, E2), "{out}"),
        Server::Mariadb => {
            assert_eq!(code, 1, "{out}");
            assert_contains(
                &out,
                &[
                    format!("revision {E3} (upgrade) was interrupted").as_str(),
                    "the version table is at e2e2e2e2e2e2",
                ],
            );
        }
    }

    // The next run, on a working network: the server ends the abandoned session after the
    // same bound, releasing the migration lock; this run waits for it, not forever.
    let patient = "connect_timeout = 1\nlock_timeout = 10\nstatement_timeout = 2\n";
    let next = context(d.path(), patient, &db.0.url);
    let (code, out, took) = timed(&next, &["upgrade", "head"]).await;
    eprintln!("--- {test}: next run ({took:?}):\n{out}");
    assert!(took < Duration::from_secs(10), "the next run took {took:?}");
    let mut c = db.connect().await;
    match server {
        Server::Postgres => {
            // The frozen transaction was rolled back; the rerun applies the whole revision.
            assert_eq!(code, 0, "{out}");
            assert!(has_table(&mut c, server, "posts").await);
            assert!(has_table(&mut c, server, "frozen_net").await);
        }
        Server::Mariadb => {
            // The half-applied revision is reported from its progress marker: the proxy froze
            // on the marker of statement 2, so the marker still names statement 1 (which ran;
            // resume checks it against the schema and skips it).
            assert_eq!(code, 1, "{out}");
            assert!(
                out.contains(&format!("revision {E3} (upgrade) was interrupted")),
                "{out}"
            );
            assert_contains(
                &out,
                &[
                    "0 of 2 statement(s) done",
                    "In flight: statement 1: CREATE TABLE `posts`",
                    "retort resume",
                ],
            );
            assert!(!out.contains("already exists"), "{out}");
            assert!(!out.contains("migration lock"), "{out}");
            assert!(has_table(&mut c, server, "posts").await);
            assert!(!has_table(&mut c, server, "frozen_net").await);
            // Recovery: resume runs what remains.
            let (code, out, _) = timed(&next, &["resume"]).await;
            assert_eq!(code, 0, "{out}");
            assert!(has_table(&mut c, server, "frozen_net").await);
        }
    }
    let (code, out, _) = timed(&direct, &["current"]).await;
    assert_eq!(
        (code, out.trim()),
        (0, format!("{E3} (head)").as_str()),
        "{out}"
    );
    let _ = c.close().await;
    db.drop().await;
}

server_tests! {
    network_freezes_mid_run => postgres_network_freezes_mid_run, mariadb_network_freezes_mid_run;
}

// ----- a table lock held by the application ------------------------------------------------

async fn table_lock_held(server: Server, test: &str) {
    let Some(db) = Fresh::new(server, test).await else {
        return;
    };
    let d = tmp();
    let c = context(d.path(), SMALL, &db.0.url);
    let (code, out, _) = timed(&c, &["upgrade", E1]).await;
    assert_eq!(code, 0, "{out}");

    // The application reads `users` in a transaction it keeps open.
    let mut app = db.connect().await;
    let app_id = scalar(
        &mut app,
        match server {
            Server::Postgres => "SELECT pg_backend_pid()",
            Server::Mariadb => "SELECT CONNECTION_ID()",
        },
    )
    .await;
    app.execute("BEGIN").await.unwrap();
    app.execute("SELECT * FROM users").await.unwrap();

    let (code, out, took) = timed(&c, &["upgrade", "head"]).await;
    eprintln!("--- {test} ({took:?}):\n{out}");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!(
            "statement 1 of revision {E2} (upgrade) waited 1 s for a lock on table `users` (lock_timeout"
        )),
        "{out}"
    );
    assert!(out.contains("another session holds it"), "{out}");
    match server {
        Server::Postgres => {
            assert!(
                out.contains(&format!("held by PostgreSQL session pid {app_id}")),
                "{out}"
            );
            assert_contains(
                &out,
                &[
                    "AccessShareLock",
                    "SELECT * FROM users",
                    "idle in transaction",
                ],
            );
            assert_contains(
                &out,
                &[
                    format!("pg_terminate_backend({app_id})").as_str(),
                    "The migration was rolled back",
                ],
            );
        }
        Server::Mariadb => {
            assert_contains(
                &out,
                &[
                    format!("MySQL/MariaDB connection {app_id}").as_str(),
                    format!("KILL {app_id}").as_str(),
                ],
            );
            assert_contains(
                &out,
                &["Statement 1 was not applied", "nothing of it is applied"],
            );
        }
    }
    assert!(took < Duration::from_secs(5), "took {took:?}");
    let (code, out, _) = timed(&c, &["current"]).await;
    assert_eq!((code, out.trim()), (0, E1), "{out}");

    // The application commits: the migration goes through.
    app.execute("COMMIT").await.unwrap();
    let (code, out, _) = timed(&c, &["upgrade", E2]).await;
    assert_eq!(code, 0, "{out}");
    let _ = app.close().await;
    db.drop().await;
}

server_tests! {
    table_lock_held => postgres_table_lock_held_by_the_application, mariadb_table_lock_held_by_the_application;
}

// ----- the migration lock held by a session that is still working -------------------------

/// What a SIGKILLed run leaves when the server keeps executing its statement: a session that
/// holds the migration lock and is busy. The next run names it.
async fn migration_lock_held_by_busy_session(server: Server, test: &str) {
    let Some(db) = Fresh::new(server, test).await else {
        return;
    };
    let d = tmp();
    let c = context(d.path(), SMALL, &db.0.url);
    let mut holder = db.connect().await;
    let (id_sql, lock_sql, sleep_sql) = match server {
        Server::Postgres => (
            "SELECT pg_backend_pid()".to_string(),
            format!(
                "SELECT pg_advisory_lock({})",
                retort_runner::pg_lock_key(&retort_schema::QName::new("retort_version"))
            ),
            "SELECT pg_sleep(4)",
        ),
        Server::Mariadb => (
            "SELECT CONNECTION_ID()".to_string(),
            "SELECT GET_LOCK(CONCAT('retort:', DATABASE(), '.retort_version'), 0)".to_string(),
            "SELECT SLEEP(4)",
        ),
    };
    let id = scalar(&mut holder, &id_sql).await;
    holder.execute(&lock_sql).await.unwrap();
    let busy = tokio::spawn(async move {
        holder.execute(sleep_sql).await.unwrap();
        holder
    });
    tokio::time::sleep(Duration::from_millis(300)).await;

    let (code, out, took) = timed(&c, &["upgrade", "head"]).await;
    eprintln!("--- {test} ({took:?}):\n{out}");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("waited 1 s for the migration lock on"),
        "{out}"
    );
    assert!(!out.contains("another retort process"), "{out}");
    match server {
        Server::Postgres => {
            assert!(
                out.contains(&format!("it is held by PostgreSQL session pid {id}")),
                "{out}"
            );
            assert_contains(&out, &["state `active`", "pg_sleep(4)"]);
            assert!(
                out.contains(&format!("pg_terminate_backend({id})")),
                "{out}"
            );
        }
        Server::Mariadb => {
            assert_contains(
                &out,
                &[
                    format!("it is held by MySQL/MariaDB connection {id}").as_str(),
                    "SLEEP(4)",
                    format!("KILL {id}").as_str(),
                ],
            );
        }
    }
    assert!(
        out.contains("the server is still executing its statement"),
        "{out}"
    );
    assert!(took < Duration::from_secs(4), "took {took:?}");
    let holder = busy.await.unwrap();
    let _ = holder.close().await;
    // The lock is free again: the run goes through.
    let (code, out, _) = timed(&c, &["upgrade", "head"]).await;
    assert_eq!(code, 0, "{out}");
    db.drop().await;
}

server_tests! {
    migration_lock_held_by_busy_session => postgres_migration_lock_held_by_a_busy_session, mariadb_migration_lock_held_by_a_busy_session;
}

// ----- statement_timeout ------------------------------------------------------------------

fn slow_up(m: &mut Migration) {
    m.create_table(table("before_slow"));
    m.execute("SELECT pg_sleep(5)");
}
fn slow_up_my(m: &mut Migration) {
    m.create_table(table("before_slow"));
    m.execute("SELECT SLEEP(5)");
}
fn nothing(_: &mut Migration) {}

async fn statement_timeout_cancels(server: Server, test: &str) {
    let Some(db) = Fresh::new(server, test).await else {
        return;
    };
    let d = tmp();
    write_config(
        d.path(),
        "connect_timeout = 1\nlock_timeout = 1\nstatement_timeout = 1\n",
    );
    let up = match server {
        Server::Postgres => slow_up,
        Server::Mariadb => slow_up_my,
    };
    let set = MigrationSet::new(
        "",
        vec![Script::new("e1e1e1e1e1e1_slow.rs", H_E1, 1, up, nothing)],
    );
    let c = Context::isolated(set, no_target, d.path()).with_env("DATABASE_URL", &db.0.url);
    let (code, out, took) = timed(&c, &["upgrade", "head"]).await;
    eprintln!("--- {test} ({took:?}, exit {code}):\n{out}");
    assert!(took < Duration::from_secs(4), "took {took:?}");
    let mut conn = db.connect().await;
    match server {
        Server::Postgres => {
            assert_eq!(code, 1, "{out}");
            assert!(
                out.contains(&format!(
                    "statement 2 of revision {E1} (upgrade) ran for 1 s and was cancelled by the server (statement_timeout)"
                )),
                "{out}"
            );
            assert!(out.contains("The migration was rolled back"), "{out}");
            assert!(!has_table(&mut conn, server, "before_slow").await);
        }
        Server::Mariadb => {
            // max_statement_time; DDL commits on its own, so statement 1 stays.
            assert_eq!(code, 1, "{out}");
            assert!(
                out.contains(&format!(
                    "statement 2 of revision {E1} (upgrade) ran for 1 s and was cancelled by the server (statement_timeout)"
                )),
                "{out}"
            );
            assert!(out.contains("1. CREATE TABLE `before_slow`"), "{out}");
            assert!(has_table(&mut conn, server, "before_slow").await);
        }
    }
    let _ = conn.close().await;
    db.drop().await;
}

server_tests! {
    statement_timeout_cancels => postgres_statement_timeout_cancels_a_long_statement, mariadb_statement_timeout_bounds_a_long_statement;
}

// ----- SQLite: the write lock --------------------------------------------------------------

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_held_write_lock_is_a_lock_timeout_whatever_lock_timeout() {
    use sqlx::Connection;
    let d = tmp();
    let url = format!("sqlite://{}?mode=rwc", d.path().join("app.db").display());
    let c = context(d.path(), "lock_timeout = 1\n", &url);
    let (code, out, _) = timed(&c, &["upgrade", E1]).await;
    assert_eq!(code, 0, "{out}");

    // Another connection holds the write lock (RESERVED), then an exclusive one (readers
    // are refused too).
    for (how, lock_timeout) in [
        ("BEGIN IMMEDIATE", 1u64),
        ("BEGIN IMMEDIATE", 0),
        ("BEGIN EXCLUSIVE", 1),
        ("BEGIN EXCLUSIVE", 0),
    ] {
        let mut other = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::Executor::execute(&mut other, how).await.unwrap();
        let c = context(d.path(), &format!("lock_timeout = {lock_timeout}\n"), &url);
        let commands: &[&[&str]] = if how == "BEGIN EXCLUSIVE" {
            &[&["upgrade", "head"], &["current"]]
        } else {
            &[&["upgrade", "head"]]
        };
        for args in commands {
            // "sometimes": a few tries each.
            for _ in 0..3 {
                let (code, out, took) = timed(&c, args).await;
                assert_eq!(code, 1, "{how} {args:?}: {out}");
                assert!(
                    out.contains(
                        "for the migration lock on the SQLite database (lock_timeout): another connection holds its write lock"
                    ),
                    "{how} lock_timeout={lock_timeout} {args:?}: {out}"
                );
                assert!(!out.contains("(code 5)"), "{out}");
                assert!(
                    took < Duration::from_secs(lock_timeout + 3),
                    "took {took:?}"
                );
            }
        }
        sqlx::Executor::execute(&mut other, "ROLLBACK")
            .await
            .unwrap();
        other.close().await.unwrap();
    }
    let (code, out, _) = timed(&c, &["upgrade", "head"]).await;
    assert_eq!(code, 0, "{out}");
}

// ----- lock_timeout out of range -----------------------------------------------------------

#[tokio::test]
async fn huge_lock_timeout_is_refused_with_its_limit() {
    let d = tmp();
    let url = format!("sqlite://{}?mode=rwc", d.path().join("app.db").display());
    let c = context(d.path(), "lock_timeout = 9223372036854775807\n", &url);
    let (code, out, _) = timed(&c, &["upgrade", "head"]).await;
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("`lock_timeout = 9223372036854775807` is too large: at most 2147483 seconds"),
        "{out}"
    );
    assert!(!d.path().join("app.db").exists(), "nothing was touched");
}

/// A library caller passing a huge `lock_timeout` gets it clamped, on every database.
async fn huge_lock_timeout_is_clamped(url: &str) {
    let opts = retort_runner::RunOptions {
        lock_timeout: Duration::from_secs(i64::MAX as u64),
        ..Default::default()
    };
    let mut db = retort_runner::Db::connect_with(url, &opts.timeouts())
        .await
        .unwrap();
    let r = retort_runner::upgrade(&mut db, &history(), "head", &opts, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(r.applied, vec![E1, E2, E3]);
    let _ = db.close().await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_huge_lock_timeout_is_clamped() {
    let d = tmp();
    let url = format!("sqlite://{}?mode=rwc", d.path().join("app.db").display());
    huge_lock_timeout_is_clamped(&url).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_huge_lock_timeout_is_clamped() {
    let Some(db) = Fresh::new(Server::Postgres, "postgres_huge_lock_timeout_is_clamped").await
    else {
        return;
    };
    huge_lock_timeout_is_clamped(&db.0.url).await;
    db.drop().await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mariadb_huge_lock_timeout_is_clamped() {
    let Some(db) = Fresh::new(Server::Mariadb, "mariadb_huge_lock_timeout_is_clamped").await else {
        return;
    };
    huge_lock_timeout_is_clamped(&db.0.url).await;
    db.drop().await;
}

// ----- a run killed while the server executes its statement --------------------------------

fn sleepy_pg(m: &mut Migration) {
    m.create_table(table("users"));
    // Sleeps 30 s the first time only (sequences are not transactional).
    m.execute("SELECT pg_sleep(CASE WHEN nextval('sleep_once') = 1 THEN 30 ELSE 0 END)");
}
fn sleepy_my(m: &mut Migration) {
    m.create_table(table("users"));
    m.execute("SELECT SLEEP(IF(NEXTVAL(sleep_once) = 1, 30, 0))");
}

/// A run is killed (its future dropped: the socket closes as on SIGKILL) while the server runs a
/// 30 s statement. PostgreSQL notices the closed client (`client_connection_check_interval`),
/// cancels the statement and frees the migration lock: the next run goes through within
/// seconds. MariaDB keeps executing it: the next run names that session and its statement
/// instead of blaming "another retort process"; `max_statement_time` ends it.
async fn killed_run(server: Server, test: &str) {
    let Some(db) = Fresh::new(server, test).await else {
        return;
    };
    let mut conn = db.connect().await;
    conn.execute("CREATE SEQUENCE sleep_once").await.unwrap();
    let d = tmp();
    write_config(
        d.path(),
        "connect_timeout = 1\nlock_timeout = 1\nstatement_timeout = 6\n",
    );
    let up = match server {
        Server::Postgres => sleepy_pg,
        Server::Mariadb => sleepy_my,
    };
    let set = || {
        MigrationSet::new(
            "",
            vec![Script::new("e1e1e1e1e1e1_sleepy.rs", H_E1, 1, up, down1)],
        )
    };
    let c = Context::isolated(set(), no_target, d.path()).with_env("DATABASE_URL", &db.0.url);
    // Dropping the run's future after 1.5 s drops its connection mid-statement.
    let first = tokio::time::timeout(Duration::from_millis(1500), cmd(&c, &["upgrade", "head"]));
    assert!(first.await.is_err(), "the first run was not still running");
    let start = Instant::now();

    let c = Context::isolated(set(), no_target, d.path()).with_env("DATABASE_URL", &db.0.url);
    match server {
        Server::Postgres => {
            // Bounded: the server cancels within client_connection_check_interval (1 s here).
            let mut last = String::new();
            for _ in 0..6 {
                let (code, out, _) = timed(&c, &["upgrade", "head"]).await;
                if code == 0 {
                    last.clear();
                    break;
                }
                assert!(
                    out.contains("it is held by PostgreSQL session pid"),
                    "{out}"
                );
                last = out;
            }
            assert!(last.is_empty(), "still locked: {last}");
            assert!(
                start.elapsed() < Duration::from_secs(8),
                "{:?}",
                start.elapsed()
            );
        }
        Server::Mariadb => {
            // The next run waits for the lock the server still holds for the killed run, then
            // names the holder and where its progress marker says the run stopped.
            let (code, out, took) = timed(&c, &["upgrade", "head"]).await;
            eprintln!("--- {test} ({took:?}):\n{out}");
            assert_eq!(code, 1, "{out}");
            assert!(
                out.contains(&format!("revision {E1} (upgrade) was interrupted")),
                "{out}"
            );
            assert_contains(
                &out,
                &[
                    "1 of 2 statement(s) done",
                    "In flight: statement 2: SELECT SLEEP",
                ],
            );
            assert!(!out.contains("another retort process"), "{out}");
            // `resume` waits for the migration lock, and names the session that holds it.
            let (code, out, took) = timed(&c, &["resume"]).await;
            eprintln!("--- {test}: resume ({took:?}):\n{out}");
            assert_eq!(code, 1, "{out}");
            assert_contains(
                &out,
                &[
                    "it is held by MySQL/MariaDB connection",
                    "SLEEP(IF(NEXTVAL(sleep_once) = 1, 30, 0))",
                    "the server is still executing its statement",
                ],
            );
            assert!(!out.contains("another retort process"), "{out}");
            // max_statement_time (6 s) ends it, then the lock is free: bounded retries. The
            // killed run's CREATE TABLE committed on its own (half-applied), and whether the
            // raw SQL in flight ran cannot be told from the schema: resume refuses, naming the
            // ways out, not the lock.
            let mut last = String::new();
            for _ in 0..10 {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let (code, out, _) = timed(&c, &["resume"]).await;
                assert_eq!(code, 1, "{out}");
                last = out;
                if !last.contains("migration lock") {
                    break;
                }
            }
            eprintln!("--- {test}: after the server ended the statement:\n{last}");
            assert!(!last.contains("migration lock"), "{last}");
            assert_contains(&last, &["cannot tell", "retort resume --finished"]);
            assert!(
                start.elapsed() < Duration::from_secs(14),
                "{:?}",
                start.elapsed()
            );
        }
    }
    let _ = conn.close().await;
    db.drop().await;
}

server_tests! {
    killed_run => postgres_killed_run_frees_the_lock, mariadb_killed_run_is_named_by_the_next_run;
}
