//! Helpers shared by the live introspection tests: scratch databases and schemas of their own
//! on the shared servers (a missing server skips the test, or fails it under `CI=true`),
//! statements, and the expected objects the tests compare with.
#![allow(dead_code, unused_imports)]

use retort_introspect::Introspection;
use retort_schema::{
    Column, FkAction, ForeignKey, Index, PrimaryKey, QName, SqlType, Table, Unique,
};

// Server URLs (`RETORT_TEST_PG_URL` / `RETORT_TEST_MYSQL_URL`), the SKIPPED / CI rule and
// unique names come from the shared test-support crate.
#[cfg(feature = "mysql")]
pub use retort_test_support::connect_mysql as mysql_connect;
#[cfg(feature = "postgres")]
pub use retort_test_support::connect_pg as pg_connect;
pub use retort_test_support::unique_suffix as suffix;

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

/// An auto-increment (serial / identity / rowid alias) NOT NULL column.
pub fn auto(name: &str, ty: SqlType) -> Column {
    let mut c = Column::new(name, ty);
    c.autoincrement = true;
    c
}

/// A NOT NULL column with a comment.
pub fn commented(name: &str, ty: SqlType, comment: &str) -> Column {
    let mut c = Column::new(name, ty);
    c.comment = Some(comment.into());
    c
}

/// `DECIMAL(precision, scale)`.
pub fn decimal(precision: Option<u32>, scale: Option<u32>) -> SqlType {
    SqlType::Decimal { precision, scale }
}

/// A primary key `name (cols)`.
pub fn pk(name: &str, cols: &[&str]) -> Option<PrimaryKey> {
    Some(PrimaryKey {
        name: name.into(),
        columns: strings(cols),
    })
}

/// A unique constraint `name (cols)`.
pub fn unique(name: &str, cols: &[&str]) -> Unique {
    Unique {
        name: name.into(),
        columns: strings(cols),
    }
}

/// The table as read equals `want`, compared column by column first (a readable failure),
/// then as a whole.
#[track_caller]
pub fn assert_table(got: &Table, want: &Table) {
    for (g, w) in got.columns.iter().zip(&want.columns) {
        assert_eq!(g, w);
    }
    assert_eq!(got, want);
}
