//! `cli schema --dialect X` prints CREATE statements for the example models that run as-is on
//! SQLite, PostgreSQL and MariaDB.

mod common;
use common::*;
use sqlx::{Connection, Executor};

fn statements(dialect: &str) -> String {
    let out = ok(&["schema", "--dialect", dialect]);
    assert!(out.contains("CREATE TABLE"), "no CREATE TABLE in:\n{out}");
    out
}

#[tokio::test]
async fn create_statements_run_on_sqlite() {
    let sql = statements("sqlite");
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("s.db").display());
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    c.execute(sql.as_str()).await.unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN ('users', 'posts', 'comments', 'tags', 'post_tags')",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(n, 5);
}

#[tokio::test]
async fn create_statements_run_on_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    let sql = statements("postgres");
    let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
    c.execute(sql.as_str()).await.unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('users', 'posts', 'comments', 'tags', 'post_tags')",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(n, 5);
    c.close().await.unwrap();
    db.drop().await;
}

#[tokio::test]
async fn create_statements_run_on_mariadb() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let sql = statements("mysql");
    let mut c = sqlx::MySqlConnection::connect(&db.url).await.unwrap();
    c.execute(sql.as_str()).await.unwrap();
    let n: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN ('users', 'posts', 'comments', 'tags', 'post_tags')",
    )
    .fetch_one(&mut c)
    .await
    .unwrap();
    assert_eq!(n, 5);
    c.close().await.unwrap();
    db.drop().await;
}
