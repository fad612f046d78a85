//! Helpers for the example app's end-to-end tests: run the real `cli` binary, and give each test
//! its own database on each server.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

#[allow(unused_imports)]
pub use retort_test_support::text;
#[allow(unused_imports)]
pub use retort_test_support::Server;
use retort_test_support::{assert_ok, run_bin, Dialect, IsolatedDb, ScratchDb};

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs the example's `cli` binary from the repository root (where `retort.toml` is).
pub fn cli(args: &[&str]) -> Output {
    run_bin(env!("CARGO_BIN_EXE_cli"), args, &repo_root())
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

/// A fresh workspace's first round through `retort` (a runner of its commands there):
/// autogenerate writes the first script (naming `table`), upgrade creates retort.toml's SQLite
/// file `app.db`, check passes.
pub fn first_revision(ws: &Path, message: &str, table: &str, retort: impl Fn(&[&str]) -> String) {
    let out = retort(&["revision", "--autogenerate", "-m", message]);
    assert!(out.contains(table), "{out}");
    assert_eq!(versions(ws).len(), 1);
    retort(&["upgrade", "head"]);
    assert!(ws.join("app.db").is_file(), "retort.toml's SQLite file");
    retort(&["check"]);
}

pub fn ok(args: &[&str]) -> String {
    assert_ok(&cli(args), &format!("cli {}", args.join(" ")))
}

/// The running test's name (its thread's), for SKIPPED lines.
fn test_name() -> String {
    std::thread::current().name().unwrap_or("?").to_string()
}

/// A fresh database on `server` for one test; `None` (after a loud SKIPPED line) when the
/// server is unreachable.
pub async fn database_on(server: Server) -> Option<TestDb> {
    ScratchDb::create(server, "retort_e2e", &test_name()).await
}

/// A fresh PostgreSQL database for one test; `None` (after a loud SKIPPED line) when no server.
pub async fn pg_database() -> Option<TestDb> {
    database_on(Server::Postgres).await
}

/// A fresh MariaDB database for one test; `None` (after a loud SKIPPED line) when no server.
pub async fn mysql_database() -> Option<TestDb> {
    database_on(Server::Mariadb).await
}

pub type TestDb = ScratchDb;

/// Runs the blocking `f` with the URL of a database of `d` of its own (a SQLite file, or a
/// scratch database on the server), dropped afterwards; nothing (after a loud SKIPPED line)
/// when the server is unreachable.
pub async fn with_database(d: Dialect, test: &str, f: fn(&str)) {
    let Some(db) = IsolatedDb::create(d, "retort_e2e", test).await else {
        return;
    };
    let url = db.url.clone();
    tokio::task::spawn_blocking(move || f(&url)).await.unwrap();
    db.drop().await;
}
