//! The example app's whole life through the real `cli` binary, on SQLite, PostgreSQL and
//! MariaDB: upgrade, current, history, check, offline SQL, downgrade, and eight processes
//! running `upgrade head` at once.

mod common;
use common::*;
use retort_test_support::{dialect_tests, Dialect};
use std::process::Command;

fn lifecycle(url: &str) {
    let u = ["--url", url];
    let args = |rest: &[&'static str]| -> Vec<&str> {
        u.iter().copied().chain(rest.iter().copied()).collect()
    };

    assert_eq!(
        ok(&args(&["current"])).trim(),
        "",
        "a fresh database has no revision"
    );
    let up = ok(&args(&["upgrade", "head"]));
    assert!(
        up.contains("create blog tables") && up.contains("add bio to users"),
        "{up}"
    );
    let heads = ok(&args(&["heads"]));
    let head = heads.split_whitespace().next().unwrap().to_string();
    let current = ok(&args(&["current"]));
    assert!(
        current.contains(&head),
        "current {current:?} should be the head {head}"
    );
    let history = ok(&args(&["history", "--indicate-current"]));
    assert!(
        history.contains("(current)") && history.contains("(head)"),
        "{history}"
    );
    assert!(ok(&args(&["check"])).contains("No differences"));

    // one step back and forth by relative identifiers
    ok(&args(&["downgrade", "-1"]));
    let o = cli(&args(&["check"]));
    assert_eq!(
        o.status.code(),
        Some(1),
        "check must fail one revision behind:\n{}",
        text(&o)
    );
    ok(&args(&["upgrade", "+1"]));
    assert!(ok(&args(&["current"])).contains(&head));

    // offline SQL needs no connection and describes the same history
    let sql = ok(&args(&["upgrade", "base:head", "--sql"]));
    assert!(
        sql.contains("CREATE TABLE") && sql.contains("retort_version"),
        "{sql}"
    );

    ok(&args(&["downgrade", "base"]));
    assert_eq!(ok(&args(&["current"])).trim(), "");
}

/// Eight `upgrade head` processes at once: all exit 0, the database ends at head, and the
/// check passes (a migration applied twice would have failed with "already exists").
fn concurrent(url: &str) {
    let children: Vec<_> = (0..8)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_cli"))
                .args(["--url", url, "upgrade", "head"])
                .current_dir(repo_root())
                .env_remove("DATABASE_URL")
                .spawn()
                .unwrap()
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for o in &outputs {
        assert!(
            o.status.success(),
            "a concurrent upgrade failed:\n{}",
            text(o)
        );
    }
    let head = ok(&["heads"])
        .split_whitespace()
        .next()
        .unwrap()
        .to_string();
    assert!(ok(&["--url", url, "current"]).contains(&head));
    assert!(ok(&["--url", url, "check"]).contains("No differences"));
}

async fn lifecycle_on(d: Dialect, test: &str) {
    with_database(d, test, lifecycle).await;
}

async fn concurrent_on(d: Dialect, test: &str) {
    with_database(d, test, concurrent).await;
}

dialect_tests! {
    lifecycle_on => lifecycle_on_sqlite, lifecycle_on_postgres, lifecycle_on_mariadb;
    concurrent_on => eight_processes_upgrade_sqlite, eight_processes_upgrade_postgres, eight_processes_upgrade_mariadb;
}
