//! Live MariaDB/MySQL introspection: hand-written DDL in a database of its own, read back field
//! by field.
#![cfg(feature = "mysql")]

mod common;

use common::{
    assert_table, auto, col, commented, decimal, exec, index, mysql_connect, pk, suffix, unique,
};
use retort_introspect::{mysql, Options};
use retort_schema::{Check, Column, EnumType, QName, SqlType, Table};
use sqlx::MySqlConnection;

/// A connection using a fresh database `retort_i_<random>`, or `None` (test skipped).
async fn my(test: &str) -> Option<(MySqlConnection, String)> {
    let mut conn = mysql_connect(test).await?;
    let db = format!("retort_i_{}", suffix());
    exec(&mut conn, &format!("CREATE DATABASE `{db}`")).await;
    exec(&mut conn, &format!("USE `{db}`")).await;
    Some((conn, db))
}

async fn done(mut conn: MySqlConnection, db: &str) {
    exec(&mut conn, &format!("DROP DATABASE `{db}`")).await;
}

const RICH: &str = r#"
CREATE TABLE `order` (
    id BIGINT NOT NULL AUTO_INCREMENT,
    b BOOLEAN NOT NULL DEFAULT TRUE,
    s SMALLINT,
    i INT,
    bi BIGINT NOT NULL DEFAULT 0,
    r FLOAT,
    d DOUBLE,
    t LONGTEXT DEFAULT ('it''s'),
    v VARCHAR(320) NOT NULL COMMENT 'the v',
    bl LONGBLOB,
    n DECIMAL(10, 2),
    n8 DECIMAL(8),
    dt DATE,
    tm TIME(6),
    ts DATETIME(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
    u CHAR(36),
    j JSON,
    `Mixed Case` VARCHAR(50),
    status ENUM('new', 'paid', 'it''s') NOT NULL DEFAULT 'new',
    c MEDIUMINT,
    PRIMARY KEY (id),
    CONSTRAINT ck_order_bi CHECK (bi >= 0)
) COMMENT = 'orders, placed';
CREATE TABLE orgs (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    CONSTRAINT uq_orgs_name UNIQUE (name)
);
CREATE TABLE memberships (
    org_id INT NOT NULL,
    user_id BIGINT NOT NULL,
    role VARCHAR(20),
    order_id BIGINT,
    PRIMARY KEY (org_id, user_id),
    CONSTRAINT uq_memberships_user_role UNIQUE (user_id, role),
    CONSTRAINT fk_memberships_org FOREIGN KEY (org_id) REFERENCES orgs (id) ON DELETE CASCADE,
    CONSTRAINT fk_memberships_order FOREIGN KEY (order_id) REFERENCES `order` (id)
        ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX ix_order_v_ts ON `order` (v, ts);
CREATE UNIQUE INDEX ix_order_mixed ON `order` (`Mixed Case`);
CREATE INDEX ix_order_t ON `order` (t(255));
CREATE INDEX ix_memberships_role_org ON memberships (role DESC, org_id);
CREATE TABLE legacy_stuff (a INT);
CREATE TABLE retort_version (version_num VARCHAR(255) NOT NULL PRIMARY KEY);
CREATE TABLE x (a INT);
"#;

#[tokio::test]
async fn rich_schema_is_read_field_by_field() {
    let Some((mut conn, db)) = my("rich_schema_is_read_field_by_field").await else {
        return;
    };
    exec(&mut conn, RICH).await;
    let opts = Options {
        exclude_tables: vec!["legacy_*".into(), "?".into()],
        ..Options::default()
    };
    let got = mysql(&mut conn, &opts).await.unwrap();
    assert_eq!(got.queries, 7);
    let s = got.schema;
    let names: Vec<String> = s.tables.iter().map(|t| t.qname().to_string()).collect();
    assert_eq!(names, ["memberships", "order", "orgs"]);

    let status = SqlType::Enum {
        name: "order_status".into(),
        values: vec!["new".into(), "paid".into(), "it's".into()],
    };
    let mut order = Table::new("order");
    order.comment = Some("orders, placed".into());
    order.columns = vec![
        auto("id", SqlType::BigInt),
        Column::new("b", SqlType::Boolean).default("1"),
        col("s", SqlType::SmallInt),
        col("i", SqlType::Integer),
        Column::new("bi", SqlType::BigInt).default("0"),
        col("r", SqlType::Real),
        col("d", SqlType::Double),
        // MariaDB's own spelling of the literal (raw: normalizing is the differ's job).
        col("t", SqlType::Text).default(r"'it\'s'"),
        commented("v", SqlType::Varchar(320), "the v"),
        col("bl", SqlType::Blob),
        col("n", decimal(Some(10), Some(2))),
        col("n8", decimal(Some(8), None)),
        col("dt", SqlType::Date),
        col("tm", SqlType::Time),
        Column::new(
            "ts",
            SqlType::Timestamp {
                with_time_zone: false,
            },
        )
        .default("current_timestamp(6)"),
        col("u", SqlType::Uuid),
        col("j", SqlType::Json { binary: false }),
        col("Mixed Case", SqlType::Varchar(50)),
        Column::new("status", status.clone()).default("'new'"),
        col("c", SqlType::Custom("mediumint(9)".into())),
    ];
    order.primary_key = pk("pk_order", &["id"]);
    order.checks = vec![Check {
        name: "ck_order_bi".into(),
        expr: "`bi` >= 0".into(),
    }];
    // MariaDB stores UNIQUE constraints as unique indexes: a unique index is a `Unique`.
    order.uniques = vec![unique("ix_order_mixed", &["Mixed Case"])];
    order.indexes = vec![
        index("ix_order_t", &["t"]),
        index("ix_order_v_ts", &["v", "ts"]),
    ];
    assert_table(s.table(&QName::new("order")).unwrap(), &order);

    let mut orgs = Table::new("orgs");
    orgs.columns = vec![
        auto("id", SqlType::Integer),
        Column::new("name", SqlType::Varchar(100)),
    ];
    orgs.primary_key = pk("pk_orgs", &["id"]);
    orgs.uniques = vec![unique("uq_orgs_name", &["name"])];
    assert_eq!(s.table(&QName::new("orgs")).unwrap(), &orgs);

    // The index InnoDB creates for fk_memberships_order is not reported.
    let mut m = Table::new("memberships");
    m.columns = vec![
        Column::new("org_id", SqlType::Integer),
        Column::new("user_id", SqlType::BigInt),
        col("role", SqlType::Varchar(20)),
        col("order_id", SqlType::BigInt),
    ];
    m.primary_key = pk("pk_memberships", &["org_id", "user_id"]);
    m.uniques = vec![unique("uq_memberships_user_role", &["user_id", "role"])];
    m.foreign_keys = common::memberships_fks("order_id", QName::new, false);
    m.indexes = vec![index("ix_memberships_role_org", &["role", "org_id"])];
    assert_eq!(s.table(&QName::new("memberships")).unwrap(), &m);

    assert_eq!(
        s.enums,
        vec![EnumType {
            schema: None,
            name: "order_status".into(),
            values: vec!["new".into(), "paid".into(), "it's".into()],
        }]
    );
    done(conn, &db).await;
}

#[tokio::test]
async fn query_count_does_not_grow_with_tables() {
    let Some((mut conn, db)) = my("query_count_does_not_grow_with_tables").await else {
        return;
    };
    let create = |from: usize, to: usize| {
        (from..to)
            .map(|i| {
                format!(
                    "CREATE TABLE t{i} (id BIGINT AUTO_INCREMENT PRIMARY KEY, p BIGINT, \
                     v VARCHAR(20) UNIQUE, CONSTRAINT ck_t{i}_v CHECK (v <> ''), \
                     CONSTRAINT fk_t{i}_p FOREIGN KEY (p) REFERENCES t0 (id));\n\
                     CREATE INDEX ix_t{i}_v ON t{i} (v, id);\n"
                )
            })
            .collect::<String>()
    };
    exec(&mut conn, &create(0, 5)).await;
    let a = mysql(&mut conn, &Options::default()).await.unwrap();
    exec(&mut conn, &create(5, 55)).await;
    let b = mysql(&mut conn, &Options::default()).await.unwrap();
    let t54 = common::assert_query_count_is_flat(&a, &b);
    assert_eq!(t54.indexes.len(), 1);
    assert_eq!(t54.uniques.len(), 1);
    assert_eq!(t54.checks.len(), 1);
    assert_eq!(t54.foreign_keys[0].ref_table, QName::new("t0"));
    done(conn, &db).await;
}

#[tokio::test]
async fn excluded_and_version_tables_are_invisible_and_other_databases_are_qualified() {
    let test = "excluded_and_version_tables_are_invisible_and_other_databases_are_qualified";
    let Some((mut conn, db)) = my(test).await else {
        return;
    };
    let Some((mut other_conn, other)) = my(test).await else {
        return;
    };
    exec(
        &mut conn,
        "CREATE TABLE keep (id INT PRIMARY KEY);
         CREATE TABLE legacy_a (id INT PRIMARY KEY);
         CREATE TABLE tmp_1 (id INT);
         CREATE TABLE tmp_22 (id INT);
         CREATE TABLE my_version (version_num TEXT);
         CREATE TABLE retort_version (version_num TEXT);",
    )
    .await;
    exec(
        &mut other_conn,
        "CREATE TABLE elsewhere (id INT PRIMARY KEY);",
    )
    .await;
    let o = Options {
        schemas: vec![],
        exclude_tables: vec!["legacy_*".into(), "tmp_?".into()],
        version_table: "my_version".into(),
    };
    let s = mysql(&mut conn, &o).await.unwrap().schema;
    let names: Vec<String> = s.tables.iter().map(|t| t.qname().to_string()).collect();
    assert_eq!(names, ["keep", "retort_version", "tmp_22"]);

    let o = Options {
        schemas: vec![db.clone(), other.clone()],
        exclude_tables: vec!["legacy_*".into(), "tmp_*".into()],
        ..Options::default()
    };
    let s = mysql(&mut conn, &o).await.unwrap().schema;
    let names: Vec<String> = s.tables.iter().map(|t| t.qname().to_string()).collect();
    assert_eq!(
        names,
        [
            "keep".to_string(),
            "my_version".to_string(),
            format!("{other}.elsewhere")
        ]
    );
    done(other_conn, &other).await;
    done(conn, &db).await;
}
