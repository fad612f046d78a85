//! What retort-sql writes, introspection reads back: every `SqlType` on every dialect, through
//! `create_schema` on a live database.

mod common;

use common::{auto, pk};
use retort_schema::{Column, Dialect, Schema, SqlType, Table};
use retort_test_support::neutral_types;

#[allow(dead_code)]
fn model() -> Table {
    let mut t = Table::new("rt");
    t.columns.push(auto("id", SqlType::BigInt));
    for (i, ty) in every_type().into_iter().enumerate() {
        t.columns
            .push(Column::new(format!("c{i}"), ty).nullable(true));
    }
    t.primary_key = pk("pk_rt", &["id"]);
    t
}

fn every_type() -> Vec<SqlType> {
    let mut v = neutral_types(320, &[(Some(10), Some(2)), (Some(8), None)]);
    v.push(SqlType::Enum {
        name: "mood".into(),
        values: vec!["happy".into(), "it's".into()],
    });
    v
}

/// The type introspection gives back for `ty` written by retort-sql on `d` (the documented
/// lossy cases: MySQL has one timestamp and one JSON, SQLite one JSON; MySQL and SQLite enums
/// have no name).
#[allow(dead_code)]
fn read_back(ty: &SqlType, d: Dialect) -> SqlType {
    match (ty, d) {
        (SqlType::Timestamp { .. }, Dialect::Mysql) => SqlType::Timestamp {
            with_time_zone: false,
        },
        (SqlType::Json { .. }, Dialect::Mysql | Dialect::Sqlite) => SqlType::Json { binary: false },
        (SqlType::Enum { values, .. }, Dialect::Mysql | Dialect::Sqlite) => SqlType::Enum {
            name: "rt_c18".into(),
            values: values.clone(),
        },
        _ => ty.clone(),
    }
}

#[allow(dead_code)]
fn check(got: &Schema, d: Dialect) {
    let t = &got.tables[0];
    assert_eq!(t.name, "rt");
    let id = t.column("id").unwrap();
    assert!(id.autoincrement, "{d}: id is auto-increment");
    // SQLite: the rowid alias must be declared exactly INTEGER.
    let id_ty = if d == Dialect::Sqlite {
        SqlType::Integer
    } else {
        SqlType::BigInt
    };
    assert_eq!(id.ty, id_ty, "{d}");
    for (i, ty) in every_type().iter().enumerate() {
        let c = t.column(&format!("c{i}")).unwrap();
        assert_eq!(c.ty, read_back(ty, d), "{d}: {ty:?}");
        assert!(c.nullable, "{d}: {ty:?}");
        assert_eq!(c.default, None, "{d}: {ty:?}");
    }
    assert_eq!(t.primary_key.as_ref().unwrap().name, "pk_rt", "{d}");
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_reads_back_what_retort_sql_writes() {
    use sqlx::{Connection, Executor};
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:")
        .await
        .unwrap();
    let schema = Schema {
        tables: vec![model()],
        enums: vec![],
    };
    for st in retort_sql::create_schema(&schema, Dialect::Sqlite) {
        conn.execute(st.sql.as_str()).await.unwrap();
    }
    let got = retort_introspect::sqlite(&mut conn, &Default::default())
        .await
        .unwrap();
    check(&got.schema, Dialect::Sqlite);
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_reads_back_what_retort_sql_writes() {
    use sqlx::Executor;
    let Some(mut conn) = common::pg_connect("postgres_reads_back_what_retort_sql_writes").await
    else {
        return;
    };
    let s = format!("retort_i_rt_{}", std::process::id());
    conn.execute(format!("DROP SCHEMA IF EXISTS \"{s}\" CASCADE").as_str())
        .await
        .unwrap();
    conn.execute(format!("CREATE SCHEMA \"{s}\"").as_str())
        .await
        .unwrap();
    conn.execute(format!("SET search_path TO \"{s}\"").as_str())
        .await
        .unwrap();
    let schema = Schema {
        tables: vec![model()],
        enums: vec![],
    };
    for st in retort_sql::create_schema(&schema, Dialect::Postgres) {
        conn.execute(st.sql.as_str()).await.unwrap();
    }
    let got = retort_introspect::postgres(&mut conn, &Default::default())
        .await
        .unwrap();
    check(&got.schema, Dialect::Postgres);
    assert_eq!(got.schema.enums.len(), 1);
    assert_eq!(got.schema.enums[0].name, "mood");
    conn.execute(format!("DROP SCHEMA \"{s}\" CASCADE").as_str())
        .await
        .unwrap();
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mysql_reads_back_what_retort_sql_writes() {
    use sqlx::Executor;
    let Some(mut conn) = common::mysql_connect("mysql_reads_back_what_retort_sql_writes").await
    else {
        return;
    };
    let db = format!("retort_i_rt_{}", std::process::id());
    conn.execute(format!("DROP DATABASE IF EXISTS `{db}`").as_str())
        .await
        .unwrap();
    conn.execute(format!("CREATE DATABASE `{db}`").as_str())
        .await
        .unwrap();
    conn.execute(format!("USE `{db}`").as_str()).await.unwrap();
    let schema = Schema {
        tables: vec![model()],
        enums: vec![],
    };
    for st in retort_sql::create_schema(&schema, Dialect::Mysql) {
        conn.execute(st.sql.as_str()).await.unwrap();
    }
    let got = retort_introspect::mysql(&mut conn, &Default::default())
        .await
        .unwrap();
    check(&got.schema, Dialect::Mysql);
    conn.execute(format!("DROP DATABASE `{db}`").as_str())
        .await
        .unwrap();
}
