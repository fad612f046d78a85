//! `cli schema --dialect X` prints CREATE statements for the example models that run as-is on
//! SQLite, PostgreSQL and MariaDB.

mod common;
use common::*;
use retort_test_support::{dialect_tests, Dialect, IsolatedDb};
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

const SQLITE_COUNT: &str =
    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN {TABLES}";
const PG_COUNT: &str = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN {TABLES}";
const MYSQL_COUNT: &str = "SELECT count(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name IN {TABLES}";

/// The statements for `d` create the example's five tables on a database of its own.
async fn create_statements_run(d: Dialect, test: &str) {
    use sqlx::{MySqlConnection, PgConnection, SqliteConnection};
    let Some(db) = IsolatedDb::create(d, "retort_e2e", test).await else {
        return;
    };
    let url = &db.url;
    let n = match d {
        Dialect::Sqlite => tables_created::<SqliteConnection>("sqlite", url, SQLITE_COUNT).await,
        Dialect::Postgres => tables_created::<PgConnection>("postgres", url, PG_COUNT).await,
        Dialect::Mysql => tables_created::<MySqlConnection>("mysql", url, MYSQL_COUNT).await,
    };
    assert_eq!(n, 5, "{d}");
    db.drop().await;
}

dialect_tests! {
    create_statements_run => create_statements_run_on_sqlite, create_statements_run_on_postgres, create_statements_run_on_mariadb;
}
