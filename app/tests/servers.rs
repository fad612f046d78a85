//! The database commands on PostgreSQL and MariaDB/MySQL (features `postgres`, `mysql`):
//! `cargo test -p retort-app --all-features`. Each test works in its own database.
#![cfg(any(feature = "postgres", feature = "mysql"))]

mod common;

use common::*;
use retort_test_support::server_tests;
use retort_test_support::{unique_name, with_db};

async fn round_trip(server: Server, test: &str) {
    let what = server.what();
    let Some(scratch) = ScratchDb::create(server, "retort_t", test).await else {
        return;
    };
    let url = scratch.url.clone();
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
    scratch.drop().await;
}

server_tests! {
    round_trip => postgres_round_trip, mysql_round_trip;
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

async fn partial_index_is_said(server: Server, test: &str) {
    let mysql = server == Server::Mariadb;
    let Some(scratch) = ScratchDb::create(server, "retort_t", test).await else {
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
    let c = retort_app::Context::isolated(set, jobs_target, d.path())
        .with_env("DATABASE_URL", &scratch.url);
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
    scratch.drop().await;
}

server_tests! {
    partial_index_is_said => postgres_partial_index_is_not_degraded, mysql_partial_index_degradation_in_sql_and_check;
}

// ----- database create / drop ----------------------------------------------------------------

/// `database create` makes the URL's database (a second time: nothing to do), the commands
/// then work in it; `database drop` refuses without -y off a terminal, then drops it.
async fn create_and_drop(server: Server, test: &str) {
    if !server.reachable(test).await {
        return;
    }
    let name = unique_name("retort_c");
    let url = with_db(&server.url(), &name);
    let d = tmp();
    let c = ctx(linear(), d.path()).with_env("DATABASE_URL", &url);
    assert_eq!(
        ok(&c, &["database", "create"]).await,
        format!("Created the database {name}\n")
    );
    assert_eq!(
        ok(&c, &["database", "create"]).await,
        format!("The database {name} already exists\n")
    );
    // The JSON shapes are the same on every database.
    let out = ok(&c, &["upgrade", "head", "--format", "json"]).await;
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["format_version"], 1);
    let ran = json_revisions(&v);
    assert_eq!(ran, [A1, B2, C3], "{out}");
    assert!(v["revisions"][2]["duration_ms"].is_u64() && v["revisions"][2]["committed"] == true);
    assert_eq!(v["current"], serde_json::json!([C3]));
    assert_eq!(ok(&c, &["current"]).await, format!("{C3} (head)\n"));
    let v: serde_json::Value =
        serde_json::from_str(ok(&c, &["check", "--format", "json"]).await.trim()).unwrap();
    assert_eq!(
        (v["format_version"].clone(), v["in_sync"].clone()),
        (1.into(), true.into())
    );
    let out = ok(&c, &["downgrade", "-1"]).await;
    assert!(
        out.starts_with(&format!(
            "Running downgrade {C3} -> {B2}, Add tags ... done in "
        )),
        "{out}"
    );
    let (code, _, err) = cmd(&c, &["database", "drop"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("-y") && err.contains(&name), "{err}");
    assert!(
        retort_runner::Db::connect(&url).await.is_ok(),
        "still there"
    );
    assert_eq!(
        ok(&c, &["database", "drop", "-y"]).await,
        format!("Dropped the database {name}\n")
    );
    assert!(retort_runner::Db::connect(&url).await.is_err(), "dropped");
    assert_eq!(
        ok(&c, &["database", "drop", "-y"]).await,
        format!("The database {name} does not exist\n")
    );
}

server_tests! {
    create_and_drop => postgres_database_create_and_drop, mysql_database_create_and_drop;
}
