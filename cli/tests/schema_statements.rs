//! `cli schema --dialect X` prints CREATE statements for the example models that run as-is on
//! SQLite, PostgreSQL and MariaDB.

mod common;
use common::*;
use sqlx::{Connection, Executor, Row};

fn statements(dialect: &str) -> String {
    let out = ok(&["schema", "--dialect", dialect]);
    assert!(out.contains("CREATE TABLE"), "no CREATE TABLE in:\n{out}");
    out
}

/// Runs the `dialect` statements on a new connection to `url`, then counts with `count_sql`
/// how many of the example's tables (`{TABLES}` in it) exist.
async fn tables_created<C>(dialect: &str, url: &str, count_sql: &str) -> i64
where
    C: Connection,
    for<'c> &'c mut C: Executor<'c, Database = C::Database>,
    i64: sqlx::Type<C::Database> + for<'r> sqlx::Decode<'r, C::Database>,
    usize: sqlx::ColumnIndex<<C::Database as sqlx::Database>::Row>,
{
    let sql = statements(dialect);
    let mut c = C::connect(url).await.unwrap();
    c.execute(sql.as_str()).await.unwrap();
    let count_sql = count_sql.replace(
        "{TABLES}",
        "('users', 'posts', 'comments', 'tags', 'post_tags')",
    );
    let n = c.fetch_one(count_sql.as_str()).await.unwrap().get(0);
    c.close().await.unwrap();
    n
}

#[tokio::test]
async fn create_statements_run_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("s.db").display());
    let n = tables_created::<sqlx::SqliteConnection>(
        "sqlite",
        &url,
        "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN {TABLES}",
    )
    .await;
    assert_eq!(n, 5);
}

#[tokio::test]
async fn create_statements_run_on_postgres() {
    let Some(db) = pg_database().await else {
        return;
    };
    let n = tables_created::<sqlx::PgConnection>(
        "postgres",
        &db.url,
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN {TABLES}",
    )
    .await;
    assert_eq!(n, 5);
    db.drop().await;
}

#[tokio::test]
async fn create_statements_run_on_mariadb() {
    let Some(db) = mysql_database().await else {
        return;
    };
    let n = tables_created::<sqlx::MySqlConnection>(
        "mysql",
        &db.url,
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN {TABLES}",
    )
    .await;
    assert_eq!(n, 5);
    db.drop().await;
}
