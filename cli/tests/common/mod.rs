//! Helpers for the example app's end-to-end tests: run the real `cli` binary, and give each test
//! its own database on each server.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs the example's `cli` binary from the repository root (where `retort.toml` is).
pub fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cli"))
        .args(args)
        .current_dir(repo_root())
        .env_remove("DATABASE_URL")
        .output()
        .expect("run the cli binary")
}

/// The cargo that runs the tests (`CARGO`), for building scaffolded workspaces.
pub fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// The migration scripts of a workspace (`migrations/versions/*.rs`), sorted.
pub fn versions(ws: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(ws.join("migrations/versions"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    v.sort();
    v
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

pub fn ok(args: &[&str]) -> String {
    let o = cli(args);
    assert!(
        o.status.success(),
        "`cli {}` failed:\n{}",
        args.join(" "),
        text(&o)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}_{}_{}_{}",
        std::process::id(),
        nanos % 100_000,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

pub fn pg_base() -> String {
    std::env::var("RETORT_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

pub fn mysql_base() -> String {
    std::env::var("RETORT_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".into())
}

fn skip_or_fail<T>(what: &str, url: &str, err: impl std::fmt::Display) -> Option<T> {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("{what} is required under CI=true but unreachable at {url}: {err}");
    }
    eprintln!("SKIPPED (no {what} at {url}): {err}");
    None
}

fn with_db(base: &str, db: &str) -> String {
    let (head, _) = base.rsplit_once('/').expect("URL with a database");
    format!("{head}/{db}")
}

/// A fresh PostgreSQL database for one test; `None` (after a loud SKIPPED line) when no server.
pub async fn pg_database() -> Option<TestDb> {
    use sqlx::Connection;
    let base = pg_base();
    let mut conn = match sqlx::PgConnection::connect(&base).await {
        Ok(c) => c,
        Err(e) => return skip_or_fail("PostgreSQL", &base, e),
    };
    let name = unique("retort_e2e");
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
        .unwrap();
    Some(TestDb {
        url: with_db(&base, &name),
        admin: base,
        name,
        kind: Kind::Pg,
    })
}

/// A fresh MariaDB database for one test; `None` (after a loud SKIPPED line) when no server.
pub async fn mysql_database() -> Option<TestDb> {
    use sqlx::Connection;
    let base = mysql_base();
    let mut conn = match sqlx::MySqlConnection::connect(&base).await {
        Ok(c) => c,
        Err(e) => return skip_or_fail("MariaDB", &base, e),
    };
    let name = unique("retort_e2e");
    sqlx::query(&format!("CREATE DATABASE `{name}`"))
        .execute(&mut conn)
        .await
        .unwrap();
    Some(TestDb {
        url: with_db(&base, &name),
        admin: base,
        name,
        kind: Kind::My,
    })
}

pub enum Kind {
    Pg,
    My,
}

pub struct TestDb {
    pub url: String,
    pub admin: String,
    pub name: String,
    pub kind: Kind,
}

impl TestDb {
    pub async fn drop(self) {
        use sqlx::Connection;
        match self.kind {
            Kind::Pg => {
                let mut c = sqlx::PgConnection::connect(&self.admin).await.unwrap();
                sqlx::query(&format!(
                    "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                    self.name
                ))
                .execute(&mut c)
                .await
                .unwrap();
            }
            Kind::My => {
                let mut c = sqlx::MySqlConnection::connect(&self.admin).await.unwrap();
                sqlx::query(&format!("DROP DATABASE IF EXISTS `{}`", self.name))
                    .execute(&mut c)
                    .await
                    .unwrap();
            }
        }
    }
}
