//! Helpers shared by the live introspection tests: scratch databases and schemas of their own
//! on the shared servers (a missing server skips the test, or fails it under `CI=true`),
//! statements, and the expected objects the tests compare with.
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};

use retort_introspect::Introspection;
use retort_schema::{Column, FkAction, ForeignKey, Index, QName, SqlType, Table};

/// A name part no other test run uses at the same time.
pub fn suffix() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{:x}{:x}{}",
        std::process::id(),
        nanos,
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// A connection to the server at `$env` (else `default_url`), or `None` when there is none
/// (the test is SKIPPED; under `CI=true` it fails instead).
pub async fn connect<C: sqlx::Connection>(
    env: &str,
    default_url: &str,
    server: &str,
    test: &str,
) -> Option<C> {
    let url = std::env::var(env).unwrap_or_else(|_| default_url.into());
    match C::connect(&url).await {
        Ok(c) => Some(c),
        Err(e) => {
            if std::env::var("CI").as_deref() == Ok("true") {
                panic!("cannot reach {server} at {url} ({e}) and CI=true: {test}");
            }
            eprintln!("SKIPPED (no {server} at {url}): {test}");
            None
        }
    }
}

/// A PostgreSQL connection, or `None` (see [`connect`]).
#[cfg(feature = "postgres")]
pub async fn pg_connect(test: &str) -> Option<sqlx::PgConnection> {
    let default = "postgres://postgres@127.0.0.1:5432/test";
    connect("RETORT_TEST_PG_URL", default, "PostgreSQL", test).await
}

/// A MariaDB/MySQL connection, or `None` (see [`connect`]).
#[cfg(feature = "mysql")]
pub async fn mysql_connect(test: &str) -> Option<sqlx::MySqlConnection> {
    let default = "mysql://root@127.0.0.1:3306/test";
    connect("RETORT_TEST_MYSQL_URL", default, "MariaDB/MySQL", test).await
}

/// Runs `sql`, statement by statement (separated by `;` and a line break).
pub async fn exec<C>(conn: &mut C, sql: &str)
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    for stmt in sql.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
        sqlx::Executor::execute(&mut *conn, stmt)
            .await
            .unwrap_or_else(|e| panic!("{e}\n{stmt}"));
    }
}

/// A nullable column.
pub fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty).nullable(true)
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// A foreign key `name (cols) -> ref_table (ref_cols)`.
pub fn fk(
    name: &str,
    cols: &[&str],
    ref_table: QName,
    ref_cols: &[&str],
    (on_delete, on_update): (Option<FkAction>, Option<FkAction>),
    deferrable: bool,
) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        columns: strings(cols),
        ref_table,
        ref_columns: strings(ref_cols),
        on_delete,
        on_update,
        deferrable,
    }
}

/// The two foreign keys of every dialect's `memberships` test table:
/// `fk_memberships_order (order_col) -> order (id)` ON DELETE SET NULL ON UPDATE CASCADE
/// (`deferrable` where the database keeps it) and `fk_memberships_org (org_id) -> orgs (id)`
/// ON DELETE CASCADE; `q` names the referenced tables.
pub fn memberships_fks(
    order_col: &str,
    q: impl Fn(&'static str) -> QName,
    deferrable: bool,
) -> Vec<ForeignKey> {
    let (cascade, set_null) = (Some(FkAction::Cascade), Some(FkAction::SetNull));
    vec![
        fk(
            "fk_memberships_order",
            &[order_col],
            q("order"),
            &["id"],
            (set_null, cascade),
            deferrable,
        ),
        fk(
            "fk_memberships_org",
            &["org_id"],
            q("orgs"),
            &["id"],
            (cascade, None),
            false,
        ),
    ]
}

/// A plain (non-unique, non-partial) index.
pub fn index(name: &str, cols: &[&str]) -> Index {
    Index {
        name: name.into(),
        columns: strings(cols),
        unique: false,
        predicate: None,
        dialects: Vec::new(),
    }
}

/// `a` read 5 tables `t0..t4`, `b` 55 tables `t0..t54` of the same shape: the number of
/// catalog queries is the same (and small). Returns `t54` as `b` read it.
pub fn assert_query_count_is_flat<'b>(a: &Introspection, b: &'b Introspection) -> &'b Table {
    assert_eq!(a.schema.tables.len(), 5);
    assert_eq!(b.schema.tables.len(), 55);
    assert_eq!(a.queries, b.queries);
    assert!(b.queries <= 10, "{} queries", b.queries);
    b.schema.table(&QName::new("t54")).unwrap()
}
