//! The database commands on PostgreSQL and MariaDB/MySQL (features `postgres`, `mysql`):
//! `cargo test -p retort-app --all-features`. Each test works in its own database.
#![cfg(any(feature = "postgres", feature = "mysql"))]

mod common;

use common::*;

fn rand_suffix() -> String {
    retort_revision::new_revision_id()
}

/// `url` with its database name replaced.
fn with_db(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| scheme_end + i)
        .unwrap_or(base.len());
    let mut u = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        u.push('?');
        u.push_str(q);
    }
    u
}

/// A fresh database on the server at `admin_url`, or `None` (test skipped) if the server is
/// unreachable outside CI.
async fn fresh_db(admin_url: &str, what: &str, test: &str) -> Option<(String, String)> {
    let mut admin = match retort_runner::Db::connect(admin_url).await {
        Ok(db) => db,
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("no {what} at {admin_url}: {e}");
            }
            eprintln!("SKIPPED (no {what} at {admin_url}): {test}");
            return None;
        }
    };
    let name = format!("retort_t_{}", rand_suffix());
    admin
        .execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    let _ = admin.close().await;
    Some((name.clone(), with_db(admin_url, &name)))
}

async fn drop_db(admin_url: &str, name: &str) {
    if let Ok(mut admin) = retort_runner::Db::connect(admin_url).await {
        let _ = admin.execute(&format!("DROP DATABASE {name}")).await;
        let _ = admin.close().await;
    }
}

async fn round_trip(admin_url: &str, what: &str, test: &str) {
    let Some((name, url)) = fresh_db(admin_url, what, test).await else {
        return;
    };
    let d = tmp();
    let c = ctx(linear(), d.path()).with_env("DATABASE_URL", &url);
    let out = ok(&c, &["upgrade", "head"]).await;
    assert!(
        out.contains(&format!("Running upgrade {B2} -> {C3}, Add tags")),
        "{out}"
    );
    assert_eq!(ok(&c, &["current"]).await, format!("{C3} (head)\n"));
    if what == "PostgreSQL" && url.contains("://postgres@") {
        // Trust authentication ignores the password; it must not be printed.
        let with_pw = url.replacen("://postgres@", "://postgres:s3cretpw@", 1);
        let out = ok(&c, &["--url", &with_pw, "current", "-v"]).await;
        assert!(out.contains("postgres:***@"), "{out}");
        assert!(!out.contains("s3cretpw"), "{out}");
    }
    // The models are what the history made.
    let (code, out, err) = cmd(&c, &["check"]).await;
    assert_eq!(code, 0, "{out}{err}");
    let out = ok(&c, &["revision", "--autogenerate", "-m", "none"]).await;
    assert!(out.contains("No changes detected"), "{out}");
    assert!(versions(d.path()).is_empty());

    ok(&c, &["downgrade", "-2"]).await;
    assert_eq!(ok(&c, &["current"]).await, format!("{A1}\n"));
    let (code, _, err) = cmd(&c, &["check"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("not up to date"), "{err}");
    ok(&c, &["downgrade", "base"]).await;
    assert_eq!(ok(&c, &["current"]).await, "");

    // `schema --dialect` prints a script the server runs as-is.
    let dialect = if what == "PostgreSQL" {
        "postgres"
    } else {
        "mysql"
    };
    let sql = ok(&c, &["schema", "--dialect", dialect]).await;
    let mut db = retort_runner::Db::connect(&url).await.unwrap();
    for stmt in sql.split(";\n").filter(|s| !s.trim().is_empty()) {
        db.execute(stmt)
            .await
            .unwrap_or_else(|e| panic!("{stmt}: {e}"));
    }
    let current_schema = if what == "PostgreSQL" {
        "current_schema()"
    } else {
        "DATABASE()"
    };
    let n = db
        .query_strings(&format!(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = {current_schema} AND table_name IN ('users', 'posts', 'tags')"
        ))
        .await
        .unwrap();
    assert_eq!(n[0][0].as_deref(), Some("3"));
    let _ = db.close().await;
    drop_db(admin_url, &name).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_round_trip() {
    let admin = std::env::var("RETORT_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    round_trip(&admin, "PostgreSQL", "postgres_round_trip").await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_round_trip() {
    let admin = std::env::var("RETORT_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_string());
    round_trip(&admin, "MariaDB", "mysql_round_trip").await;
}

// ----- a partial index on MySQL/MariaDB: `--sql` and `check` say it covers every row --------

const H_P1: &str = "//! Create jobs\n//!\n//! Revision ID: p1p1p1p1p1p1\n//! Revises:\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-07 01:00:00 UTC\n";

fn jobs() -> retort_schema::Table {
    use retort_schema::{Column, Index, SqlType, Table};
    Table::new("jobs")
        .with_column(Column::new("id", SqlType::BigInt))
        .with_column(Column::new("state", SqlType::Integer))
        .primary_key("pk_jobs", ["id"])
        .index(Index::new("ix_jobs_pending", ["state"]).predicate("state = 0"))
}

fn up_p1(m: &mut retort_runner::Migration) {
    m.create_table(jobs());
}
fn down_p1(m: &mut retort_runner::Migration) {
    m.drop_table("jobs");
}

fn jobs_target() -> Result<retort_schema::Schema, String> {
    Ok(retort_schema::Schema {
        tables: vec![jobs()],
        ..Default::default()
    })
}

async fn partial_index_is_said(admin_url: &str, what: &str, test: &str) {
    let Some((name, url)) = fresh_db(admin_url, what, test).await else {
        return;
    };
    let d = tmp();
    let set = retort_runner::MigrationSet::new(
        "",
        vec![retort_runner::Script::new(
            "p1p1p1p1p1p1_create_jobs.rs",
            H_P1,
            1,
            up_p1,
            down_p1,
        )],
    );
    let c =
        retort_app::Context::isolated(set, jobs_target, d.path()).with_env("DATABASE_URL", &url);
    let mysql = what != "PostgreSQL";
    let said = "MySQL/MariaDB has no partial indexes: `ix_jobs_pending` covers every row";
    let sql = ok(&c, &["upgrade", "head", "--sql"]).await;
    assert_eq!(sql.contains(said), mysql, "{sql}");
    ok(&c, &["upgrade", "head"]).await;
    let (code, out, err) = cmd(&c, &["check"]).await;
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        out.contains("WARNING degraded: index `ix_jobs_pending` on `jobs` (state) is partial"),
        mysql,
        "{out}"
    );
    drop_db(admin_url, &name).await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_partial_index_is_not_degraded() {
    let admin = std::env::var("RETORT_TEST_PG_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_string());
    partial_index_is_said(
        &admin,
        "PostgreSQL",
        "postgres_partial_index_is_not_degraded",
    )
    .await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_partial_index_degradation_in_sql_and_check() {
    let admin = std::env::var("RETORT_TEST_MYSQL_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/test".to_string());
    partial_index_is_said(
        &admin,
        "MariaDB",
        "mysql_partial_index_degradation_in_sql_and_check",
    )
    .await;
}
