//! Live SQLite introspection: hand-written DDL in a temp file, read back field by field.
#![cfg(feature = "sqlite")]

mod common;

use common::{assert_table, auto, col, decimal, exec, index, pk, unique};
use retort_introspect::{sqlite, Options};
use retort_schema::{Check, Column, EnumType, Index, QName, SqlType, Table};
use sqlx::{Connection, SqliteConnection};

async fn fresh() -> (SqliteConnection, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let conn = SqliteConnection::connect(&url).await.unwrap();
    (conn, dir)
}

const RICH: &str = r#"
CREATE TABLE "order" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_order" PRIMARY KEY AUTOINCREMENT,
    "b" BOOLEAN NOT NULL DEFAULT 1,
    "s" SMALLINT,
    "i" INTEGER,
    "bi" BIGINT NOT NULL DEFAULT 0,
    "r" REAL,
    "d" DOUBLE,
    "t" TEXT DEFAULT 'it''s',
    "v" VARCHAR(320) NOT NULL,
    "bl" BLOB,
    "n" NUMERIC(10, 2),
    "dt" DATE,
    "tm" TIME,
    "ts" TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "tz" TIMESTAMPTZ DEFAULT (datetime('now')),
    "u" UUID,
    "j" JSON,
    "Mixed Case" TEXT,
    "status" TEXT NOT NULL DEFAULT 'new' CONSTRAINT "ck_order_status_enum" CHECK ("status" IN ('new', 'paid')),
    "c" CITEXT
);
CREATE TABLE orgs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE "memberships" (
    "org_id" BIGINT NOT NULL,
    "user_id" BIGINT NOT NULL,
    "role" TEXT,
    CONSTRAINT "pk_memberships" PRIMARY KEY ("org_id", "user_id"),
    CONSTRAINT "uq_memberships_user_role" UNIQUE ("user_id", "role"),
    CONSTRAINT "ck_memberships_role" CHECK (role <> ''),
    CHECK (org_id > 0),
    CONSTRAINT "fk_memberships_org" FOREIGN KEY ("org_id") REFERENCES "orgs" ("id") ON DELETE CASCADE,
    CONSTRAINT "fk_memberships_order" FOREIGN KEY ("user_id") REFERENCES "order" ("id") ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED
);
CREATE INDEX "ix_order_v_ts" ON "order" ("v", "ts");
CREATE UNIQUE INDEX "ix_order_mixed" ON "order" ("Mixed Case") WHERE "Mixed Case" IS NOT NULL;
CREATE INDEX "ix_memberships_role_org" ON "memberships" ("role" DESC, "org_id");
CREATE TABLE legacy_stuff (a INTEGER);
CREATE TABLE retort_version (version_num VARCHAR(255) NOT NULL PRIMARY KEY);
CREATE TABLE x (a INTEGER);
"#;

#[tokio::test]
async fn rich_schema_is_read_field_by_field() {
    let (mut conn, _dir) = fresh().await;
    exec(&mut conn, RICH).await;
    let opts = Options {
        exclude_tables: vec!["legacy_*".into(), "?".into()],
        ..Options::default()
    };
    let got = sqlite(&mut conn, &opts).await.unwrap();
    assert_eq!(got.queries, 4);
    let s = got.schema;
    let names: Vec<String> = s.tables.iter().map(|t| t.qname().to_string()).collect();
    assert_eq!(names, ["memberships", "order", "orgs"]);

    // "order": every type, defaults, rowid alias, enum, indexes.
    let status = SqlType::Enum {
        name: "order_status".into(),
        values: vec!["new".into(), "paid".into()],
    };
    let mut order = Table::new("order");
    order.columns = vec![
        auto("id", SqlType::Integer),
        Column::new("b", SqlType::Boolean).default("1"),
        col("s", SqlType::SmallInt),
        col("i", SqlType::Integer),
        Column::new("bi", SqlType::BigInt).default("0"),
        col("r", SqlType::Real),
        col("d", SqlType::Double),
        col("t", SqlType::Text).default("'it''s'"),
        Column::new("v", SqlType::Varchar(320)),
        col("bl", SqlType::Blob),
        col("n", decimal(Some(10), Some(2))),
        col("dt", SqlType::Date),
        col("tm", SqlType::Time),
        Column::new(
            "ts",
            SqlType::Timestamp {
                with_time_zone: false,
            },
        )
        .default("CURRENT_TIMESTAMP"),
        col(
            "tz",
            SqlType::Timestamp {
                with_time_zone: true,
            },
        )
        .default("datetime('now')"),
        col("u", SqlType::Uuid),
        col("j", SqlType::Json { binary: false }),
        col("Mixed Case", SqlType::Text),
        Column::new("status", status.clone()).default("'new'"),
        col("c", SqlType::Custom("CITEXT".into())),
    ];
    order.primary_key = pk("pk_order", &["id"]);
    order.indexes = vec![
        Index {
            name: "ix_order_mixed".into(),
            columns: vec!["Mixed Case".into()],
            unique: true,
            predicate: Some(r#""Mixed Case" IS NOT NULL"#.into()),
            dialects: Vec::new(),
        },
        index("ix_order_v_ts", &["v", "ts"]),
    ];
    order.checks = vec![Check {
        name: "ck_order_status_enum".into(),
        expr: r#""status" IN ('new', 'paid')"#.into(),
    }];
    assert_table(s.table(&QName::new("order")).unwrap(), &order);

    // orgs: rowid alias without AUTOINCREMENT, unnamed PK and UNIQUE get convention names.
    let mut orgs = Table::new("orgs");
    orgs.columns = vec![
        auto("id", SqlType::Integer),
        Column::new("name", SqlType::Text),
    ];
    orgs.primary_key = pk("pk_orgs", &["id"]);
    orgs.uniques = vec![unique("uq_orgs_name", &["name"])];
    assert_eq!(s.table(&QName::new("orgs")).unwrap(), &orgs);

    // memberships: composite PK, composite unique, FKs, checks, multi-column index order.
    let mut m = Table::new("memberships");
    m.columns = vec![
        Column::new("org_id", SqlType::BigInt),
        Column::new("user_id", SqlType::BigInt),
        col("role", SqlType::Text),
    ];
    m.primary_key = pk("pk_memberships", &["org_id", "user_id"]);
    m.uniques = vec![unique("uq_memberships_user_role", &["user_id", "role"])];
    m.checks = vec![
        Check {
            name: "ck_memberships_1".into(),
            expr: "org_id > 0".into(),
        },
        Check {
            name: "ck_memberships_role".into(),
            expr: "role <> ''".into(),
        },
    ];
    m.foreign_keys = common::memberships_fks("user_id", QName::new, true);
    m.indexes = vec![index("ix_memberships_role_org", &["role", "org_id"])];
    assert_eq!(s.table(&QName::new("memberships")).unwrap(), &m);

    assert_eq!(
        s.enums,
        vec![EnumType {
            schema: None,
            name: "order_status".into(),
            values: vec!["new".into(), "paid".into()],
        }]
    );
}

#[tokio::test]
async fn query_count_does_not_grow_with_tables() {
    let (mut conn, _dir) = fresh().await;
    let create = |from: usize, to: usize| {
        (from..to)
            .map(|i| {
                format!(
                    "CREATE TABLE t{i} (id INTEGER PRIMARY KEY AUTOINCREMENT, p INTEGER REFERENCES t0(id), v TEXT UNIQUE CHECK (v <> ''));\
                     CREATE INDEX ix_t{i}_v ON t{i} (v);"
                )
            })
            .collect::<String>()
    };
    let first = create(0, 5);
    exec(&mut conn, &first).await;
    let a = sqlite(&mut conn, &Options::default()).await.unwrap();
    let more = create(5, 55);
    exec(&mut conn, &more).await;
    let b = sqlite(&mut conn, &Options::default()).await.unwrap();
    let t54 = common::assert_query_count_is_flat(&a, &b);
    assert_eq!(t54.indexes.len(), 1);
    assert_eq!(t54.uniques.len(), 1);
    assert_eq!(t54.foreign_keys.len(), 1);
    assert_eq!(t54.checks.len(), 1);
}

#[tokio::test]
async fn excluded_and_version_tables_are_invisible() {
    let (mut conn, _dir) = fresh().await;
    exec(
        &mut conn,
        "CREATE TABLE keep (id INTEGER PRIMARY KEY);
         CREATE TABLE legacy_a (id INTEGER PRIMARY KEY);
         CREATE TABLE tmp_1 (id INTEGER);
         CREATE TABLE tmp_22 (id INTEGER);
         CREATE TABLE my_version (version_num TEXT);
         CREATE TABLE retort_version (version_num TEXT);",
    )
    .await;
    let opts = Options {
        schemas: vec![],
        exclude_tables: vec!["legacy_*".into(), "tmp_?".into()],
        version_table: "my_version".into(),
    };
    let s = sqlite(&mut conn, &opts).await.unwrap().schema;
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    // The version table option replaces the default name; `tmp_?` matches one character only.
    assert_eq!(names, ["keep", "retort_version", "tmp_22"]);

    let s = sqlite(&mut conn, &Options::default()).await.unwrap().schema;
    let names: Vec<&str> = s.tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["keep", "legacy_a", "my_version", "tmp_1", "tmp_22"]);

    let err = sqlite(
        &mut conn,
        &Options {
            schemas: vec!["aux".into()],
            ..Options::default()
        },
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("`aux`"), "{err}");
}
