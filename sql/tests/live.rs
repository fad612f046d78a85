//! Live tests: the rendered SQL runs on SQLite, PostgreSQL and MariaDB, executed the way the
//! runner executes a migration.

use retort_schema::{
    AlterColumn, Check, Column, Dialect, EnumType, FkAction, ForeignKey, Index, Op, PrimaryKey,
    QName, RawSql, Schema, SqlType, Table, Unique, Value,
};
use retort_sql::{create_schema, render_ops, Statement};
use retort_test_support::{scratch_mysql, scratch_schema};
use sqlx::{Connection, MySqlConnection, PgConnection, Row, SqliteConnection};

// ---------------------------------------------------------------------------------------------
// Plumbing

async fn sqlite() -> SqliteConnection {
    // sqlx turns foreign keys on for SQLite connections, like the runner's connections.
    SqliteConnection::connect("sqlite::memory:").await.unwrap()
}

async fn exec<C>(conn: &mut C, sql: &str)
where
    for<'c> &'c mut C: sqlx::Executor<'c>,
{
    if let Err(e) = sqlx::raw_sql(sql).execute(conn).await {
        panic!("statement failed: {e}\n{sql}");
    }
}

/// One migration on SQLite, as the runner does it: foreign keys off outside the transaction,
/// `foreign_key_check` before commit.
async fn run_sqlite(conn: &mut SqliteConnection, stmts: &[Statement]) {
    exec(conn, "PRAGMA foreign_keys=OFF").await;
    exec(conn, "BEGIN").await;
    for s in stmts {
        assert!(!s.autocommit, "{}", s.sql);
        exec(conn, &s.sql).await;
    }
    let bad = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut *conn)
        .await
        .unwrap();
    assert!(bad.is_empty(), "foreign_key_check found {} rows", bad.len());
    exec(conn, "COMMIT").await;
    exec(conn, "PRAGMA foreign_keys=ON").await;
}

/// One migration on PostgreSQL: a transaction, with autocommit statements run between two.
async fn run_pg(conn: &mut PgConnection, stmts: &[Statement]) {
    exec(conn, "BEGIN").await;
    for s in stmts {
        if s.autocommit {
            exec(conn, "COMMIT").await;
            exec(conn, &s.sql).await;
            exec(conn, "BEGIN").await;
        } else {
            exec(conn, &s.sql).await;
        }
    }
    exec(conn, "COMMIT").await;
}

/// One migration on MariaDB: statement by statement (DDL commits implicitly).
async fn run_mysql(conn: &mut MySqlConnection, stmts: &[Statement]) {
    for s in stmts {
        exec(conn, &s.sql).await;
    }
}

// ---------------------------------------------------------------------------------------------
// The rich schema and the migrations applied to it

fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

fn pk(name: &str, cols: &[&str]) -> Option<PrimaryKey> {
    Some(PrimaryKey {
        name: name.into(),
        columns: cols.iter().map(|c| c.to_string()).collect(),
    })
}

fn fk(name: &str, cols: &[&str], to: &str, ref_cols: &[&str], del: Option<FkAction>) -> ForeignKey {
    ForeignKey {
        name: name.into(),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        ref_table: QName::new(to),
        ref_columns: ref_cols.iter().map(|c| c.to_string()).collect(),
        on_delete: del,
        on_update: None,
        deferrable: false,
    }
}

fn index(name: &str, cols: &[&str], unique: bool, predicate: Option<&str>) -> Index {
    Index {
        name: name.into(),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        unique,
        predicate: predicate.map(str::to_string),
        dialects: Vec::new(),
    }
}

fn order_status(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "order_status".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn rich_schema() -> Schema {
    let mut customers = Table::new("customers");
    let mut id = col("id", SqlType::BigInt);
    id.autoincrement = true;
    customers.columns = vec![
        id,
        col("email", SqlType::Varchar(320)),
        col("name", SqlType::Text),
        col("active", SqlType::Boolean).default("TRUE"),
        col("favorite_order_id", SqlType::Integer).nullable(true),
    ];
    customers.primary_key = pk("pk_customers", &["id"]);
    customers.uniques.push(Unique {
        name: "uq_customers_email".into(),
        columns: vec!["email".into()],
    });
    // Closes a cycle with "order": added after both tables exist.
    customers.foreign_keys.push(fk(
        "fk_customers_favorite_order_id_order",
        &["favorite_order_id"],
        "order",
        &["id"],
        Some(FkAction::SetNull),
    ));
    customers.comment = Some("people who buy".into());

    let mut order = Table::new("order");
    let mut oid = col("id", SqlType::Integer);
    oid.autoincrement = true;
    let mut txt = col("txt", SqlType::Text);
    txt.comment = Some("free text, it's long".into());
    order.columns = vec![
        oid,
        col("customer_id", SqlType::BigInt),
        col("flag", SqlType::Boolean)
            .nullable(true)
            .default("FALSE"),
        col("small", SqlType::SmallInt).default("0"),
        col("big", SqlType::BigInt).nullable(true),
        col("real", SqlType::Real).nullable(true),
        col("dbl", SqlType::Double).nullable(true),
        txt,
        col("vc", SqlType::Varchar(50)).default("'x'"),
        col("blob", SqlType::Blob).nullable(true),
        col(
            "dec",
            SqlType::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
        )
        .default("0"),
        col(
            "dec8",
            SqlType::Decimal {
                precision: Some(8),
                scale: None,
            },
        )
        .nullable(true),
        col("date", SqlType::Date).nullable(true),
        col("time", SqlType::Time).nullable(true),
        col(
            "ts",
            SqlType::Timestamp {
                with_time_zone: false,
            },
        )
        .default("CURRENT_TIMESTAMP"),
        col(
            "tstz",
            SqlType::Timestamp {
                with_time_zone: true,
            },
        )
        .nullable(true),
        col("uuid", SqlType::Uuid).nullable(true),
        col("json", SqlType::Json { binary: false }).nullable(true),
        col("jsonb", SqlType::Json { binary: true }).nullable(true),
        col("status", order_status(&["new", "paid"])).default("'new'"),
        col("code", SqlType::Custom("CHAR(3)".into())).nullable(true),
    ];
    order.primary_key = pk("pk_order", &["id"]);
    order.foreign_keys.push(fk(
        "fk_order_customer_id_customers",
        &["customer_id"],
        "customers",
        &["id"],
        Some(FkAction::Cascade),
    ));
    order.checks.push(Check {
        name: "ck_order_small".into(),
        expr: "small >= 0".into(),
    });
    order.indexes.push(index(
        "ix_order_status",
        &["status"],
        false,
        Some("big > 0"),
    ));
    order
        .indexes
        .push(index("ix_order_txt", &["txt"], false, None));
    order.comment = Some("what was bought".into());

    let mut mixed = Table::new("Mixed Case");
    mixed.columns = vec![
        col("a", SqlType::Integer),
        col("b", SqlType::Varchar(20)),
        col("c", SqlType::Varchar(20)),
        col("d", SqlType::Integer),
        col("order_id", SqlType::Integer).nullable(true),
        col("se\"le`ct", SqlType::Integer).nullable(true),
        col("select", SqlType::Varchar(5)).default("'it''s'"),
    ];
    mixed.primary_key = pk("pk_Mixed Case", &["a", "b"]);
    mixed.uniques.push(Unique {
        name: "uq_Mixed Case_c_d".into(),
        columns: vec!["c".into(), "d".into()],
    });
    mixed.foreign_keys.push(fk(
        "fk_Mixed Case_order_id_order",
        &["order_id"],
        "order",
        &["id"],
        Some(FkAction::SetNull),
    ));

    let mut items = Table::new("line_items");
    items.columns = vec![
        col("id", SqlType::Integer),
        col("mc_a", SqlType::Integer),
        col("mc_b", SqlType::Varchar(20)),
    ];
    items.primary_key = pk("pk_line_items", &["id"]);
    items.foreign_keys.push(fk(
        "fk_line_items_mc_a_mc_b_Mixed Case",
        &["mc_a", "mc_b"],
        "Mixed Case",
        &["a", "b"],
        Some(FkAction::Cascade),
    ));

    let mut s = Schema {
        tables: vec![customers, items, mixed, order],
        enums: vec![EnumType {
            schema: None,
            name: "order_status".into(),
            values: vec!["new".into(), "paid".into()],
        }],
    };
    s.normalize_order();
    s
}

fn s(v: &str) -> Value {
    Value::Text(v.into())
}

fn insert(table: &str, columns: &[&str], rows: Vec<Vec<Value>>) -> Op {
    Op::BulkInsert {
        table: table.into(),
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows,
    }
}

fn alter(table: &str, column: &str, f: impl FnOnce(&mut AlterColumn)) -> Op {
    let mut a = AlterColumn::new(table, column);
    f(&mut a);
    Op::AlterColumn(a)
}

fn migrations() -> Vec<Vec<Op>> {
    let order_cols = [
        "id",
        "customer_id",
        "flag",
        "small",
        "big",
        "real",
        "dbl",
        "txt",
        "vc",
        "blob",
        "dec",
        "date",
        "time",
        "tstz",
        "uuid",
        "json",
        "jsonb",
        "status",
        "code",
    ];
    let order_row = |id: i64, cust: i64, status: &str| {
        vec![
            Value::Int(id),
            Value::Int(cust),
            Value::Bool(id % 2 == 0),
            Value::Int(id),
            Value::Int(id * 1000),
            Value::Float(1.5),
            Value::Float(-2.25e-3),
            s("it's a \\ text"),
            s("vc"),
            Value::Bytes(vec![0, 1, 0xfe]),
            s("12.50"),
            s("2024-01-02"),
            s("12:34:56"),
            s("2024-01-02 03:04:05"),
            s("6f1c5e3a-6d2b-4c52-9a53-0f0e7c3b2a10"),
            s("{\"a\": 1}"),
            s("[1, 2]"),
            s(status),
            s("abc"),
        ]
    };
    vec![
        // Data for every later step to carry along.
        vec![
            insert(
                "customers",
                &["id", "email", "name"],
                vec![
                    vec![Value::Int(1), s("a@example.com"), s("Ann")],
                    vec![Value::Int(2), s("b@example.com"), s("Bob")],
                ],
            ),
            insert(
                "order",
                &order_cols,
                vec![
                    order_row(1, 1, "new"),
                    order_row(2, 1, "paid"),
                    order_row(3, 2, "new"),
                ],
            ),
            Op::Sql(RawSql {
                sql: Some("UPDATE customers SET favorite_order_id = 1 WHERE id = 1".into()),
                ..Default::default()
            }),
            insert(
                "Mixed Case",
                &["a", "b", "c", "d", "order_id"],
                vec![
                    vec![Value::Int(1), s("x"), s("c1"), Value::Int(1), Value::Int(1)],
                    vec![Value::Int(2), s("y"), s("c2"), Value::Int(2), Value::Null],
                ],
            ),
            insert(
                "line_items",
                &["id", "mc_a", "mc_b"],
                vec![
                    vec![Value::Int(1), Value::Int(1), s("x")],
                    vec![Value::Int(2), Value::Int(2), s("y")],
                ],
            ),
        ],
        // Columns.
        vec![
            Op::AddColumn {
                table: "order".into(),
                column: col("note", SqlType::Varchar(100)).nullable(true),
            },
            Op::AddColumn {
                table: "order".into(),
                column: col("qty", SqlType::Integer).default("1"),
            },
            alter("order", "small", |a| a.ty = Some(SqlType::Integer)),
            alter("order", "txt", |a| a.nullable = Some(true)),
            alter("order", "vc", |a| a.default = Some(Some("'y'".into()))),
            alter("order", "big", |a| {
                a.ty = Some(SqlType::Decimal {
                    precision: Some(20),
                    scale: Some(0),
                });
                a.nullable = Some(false);
            }),
            alter("order", "code", |a| {
                a.comment = Some(Some("3 letters".into()))
            }),
        ],
        // Renames.
        vec![
            Op::RenameTable {
                table: "order".into(),
                new_name: "orders".into(),
            },
            alter("orders", "txt", |a| a.new_name = Some("Text Col".into())),
            alter("customers", "name", |a| {
                a.new_name = Some("Full Name".into())
            }),
        ],
        // Indexes and constraints.
        vec![
            Op::CreateIndex {
                table: "orders".into(),
                index: index("ix_orders_note", &["note", "Text Col"], false, None),
            },
            Op::DropIndex {
                table: "orders".into(),
                name: "ix_orders_note".into(),
            },
            Op::AddUnique {
                table: "orders".into(),
                unique: Unique {
                    name: "uq_orders_vc_id".into(),
                    columns: vec!["vc".into(), "id".into()],
                },
            },
            Op::DropUnique {
                table: "orders".into(),
                name: "uq_orders_vc_id".into(),
            },
            Op::AddCheck {
                table: "orders".into(),
                check: Check {
                    name: "ck_orders_qty".into(),
                    expr: "qty > 0".into(),
                },
            },
            Op::DropCheck {
                table: "orders".into(),
                name: "ck_order_small".into(),
            },
            Op::DropForeignKey {
                table: "Mixed Case".into(),
                name: "fk_Mixed Case_order_id_order".into(),
            },
            Op::AddForeignKey {
                table: "Mixed Case".into(),
                foreign_key: fk(
                    "fk_Mixed Case_order_id_orders",
                    &["order_id"],
                    "orders",
                    &["id"],
                    Some(FkAction::Cascade),
                ),
            },
            Op::DropPrimaryKey {
                table: "line_items".into(),
                name: "pk_line_items".into(),
            },
            Op::AddPrimaryKey {
                table: "line_items".into(),
                primary_key: PrimaryKey {
                    name: "pk_line_items".into(),
                    columns: vec!["id".into(), "mc_a".into()],
                },
            },
            Op::SetTableComment {
                table: "orders".into(),
                comment: Some("orders, renamed".into()),
            },
        ],
        // Enums.
        vec![
            Op::CreateEnum(EnumType {
                schema: None,
                name: "priority".into(),
                values: vec!["low".into(), "high".into()],
            }),
            Op::AddColumn {
                table: "orders".into(),
                column: col(
                    "priority",
                    SqlType::Enum {
                        name: "priority".into(),
                        values: vec!["low".into(), "high".into()],
                    },
                )
                .nullable(true),
            },
            Op::AddEnumValue {
                name: "priority".into(),
                value: "mid".into(),
                before: Some("high".into()),
            },
            Op::SetEnumValues {
                name: "order_status".into(),
                values: vec!["new".into(), "paid".into(), "refunded".into()],
            },
            Op::Sql(RawSql {
                sql: Some("UPDATE orders SET status = 'refunded' WHERE id = 3".into()),
                ..Default::default()
            }),
        ],
        // Drops, a late type change, and data that uses the new enum values.
        vec![
            insert(
                "orders",
                &["id", "customer_id", "Text Col", "big", "status", "priority"],
                vec![vec![
                    Value::Int(4),
                    Value::Int(2),
                    s("four"),
                    Value::Int(4),
                    s("refunded"),
                    s("mid"),
                ]],
            ),
            Op::DropColumn {
                table: "orders".into(),
                column: "note".into(),
            },
            Op::DropColumn {
                table: "orders".into(),
                column: "flag".into(),
            },
            alter("orders", "vc", |a| a.ty = Some(SqlType::Text)),
            Op::DropTable {
                table: "line_items".into(),
            },
        ],
    ]
}

/// The rich schema's CREATE script, then each migration's statements, rendered against the
/// schema state the earlier ones left.
fn plan(d: Dialect) -> Vec<Vec<Statement>> {
    let start = rich_schema();
    let mut out = vec![create_schema(&start, d)];
    let mut state = start;
    for (i, ops) in migrations().into_iter().enumerate() {
        out.push(render_ops(&ops, d, &state).unwrap_or_else(|e| panic!("{d} m{i}: {e}")));
        state.apply_all(&ops).unwrap();
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The rich schema and migrations on each database

macro_rules! check_final_data {
    ($conn:expr, $q:literal) => {{
        let count = |t: &str| format!("SELECT COUNT(*) FROM {}", t);
        let n: i64 = sqlx::query_scalar(&count(&format!("{q}orders{q}", q = $q)))
            .fetch_one(&mut *$conn)
            .await
            .unwrap();
        assert_eq!(n, 4, "orders");
        let n: i64 = sqlx::query_scalar(&count(&format!("{q}customers{q}", q = $q)))
            .fetch_one(&mut *$conn)
            .await
            .unwrap();
        assert_eq!(n, 2, "customers");
        let n: i64 = sqlx::query_scalar(&count(&format!("{q}Mixed Case{q}", q = $q)))
            .fetch_one(&mut *$conn)
            .await
            .unwrap();
        assert_eq!(n, 2, "Mixed Case");
        let sel: String = sqlx::query_scalar(&format!(
            "SELECT {q}select{q} FROM {q}Mixed Case{q} WHERE a = 2",
            q = $q
        ))
        .fetch_one(&mut *$conn)
        .await
        .unwrap();
        assert_eq!(sel, "it's", "default of a column named select");
        let name: String = sqlx::query_scalar(&format!(
            "SELECT {q}Full Name{q} FROM customers WHERE id = 1",
            q = $q
        ))
        .fetch_one(&mut *$conn)
        .await
        .unwrap();
        assert_eq!(name, "Ann");
        let text: String = sqlx::query_scalar(&format!(
            "SELECT {q}Text Col{q} FROM orders WHERE id = 2",
            q = $q
        ))
        .fetch_one(&mut *$conn)
        .await
        .unwrap();
        assert_eq!(text, "it's a \\ text");
        let statuses: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT CAST(status AS {}) FROM orders ORDER BY id",
            if $q == "`" { "CHAR" } else { "TEXT" }
        ))
        .fetch_all(&mut *$conn)
        .await
        .unwrap();
        assert_eq!(statuses, vec!["new", "paid", "refunded", "refunded"]);
    }};
}

#[tokio::test]
async fn sqlite_rich_schema_and_migrations() {
    let mut conn = sqlite().await;
    for stmts in plan(Dialect::Sqlite) {
        run_sqlite(&mut conn, &stmts).await;
    }
    let conn = &mut conn;
    check_final_data!(conn, "\"");
    // A value outside the enum is refused by the CHECK.
    let err = sqlx::raw_sql("UPDATE orders SET status = 'lost' WHERE id = 1")
        .execute(&mut *conn)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("CHECK"), "{err}");
    // The foreign keys renamed along with "order" still cascade.
    exec(conn, "DELETE FROM orders WHERE id = 1").await;
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM \"Mixed Case\"")
        .fetch_one(&mut *conn)
        .await
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn postgres_rich_schema_and_migrations() {
    let Some(mut scratch) =
        scratch_schema("retort_sql", "postgres_rich_schema_and_migrations").await
    else {
        return;
    };
    let conn = &mut scratch.conn;
    for stmts in plan(Dialect::Postgres) {
        run_pg(conn, &stmts).await;
    }
    {
        check_final_data!(conn, "\"");
        let comment: Option<String> =
            sqlx::query_scalar("SELECT obj_description('orders'::regclass, 'pg_class')")
                .fetch_one(&mut *conn)
                .await
                .unwrap();
        assert_eq!(comment.as_deref(), Some("orders, renamed"));
        let labels: Vec<String> = sqlx::query_scalar(
            "SELECT e.enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
             JOIN pg_namespace n ON n.oid = t.typnamespace \
             WHERE t.typname = 'priority' AND n.nspname = current_schema() ORDER BY e.enumsortorder",
        )
        .fetch_all(&mut *conn)
        .await
        .unwrap();
        assert_eq!(labels, vec!["low", "mid", "high"]);
        let old: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace \
                 WHERE t.typname = 'order_status__old' AND n.nspname = current_schema()",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(old, 0, "the old enum type is dropped");
    }
    scratch.drop().await;
}

#[tokio::test]
async fn mariadb_rich_schema_and_migrations() {
    let Some(mut scratch) = scratch_mysql("retort_t", "mariadb_rich_schema_and_migrations").await
    else {
        return;
    };
    let conn = &mut scratch.conn;
    for stmts in plan(Dialect::Mysql) {
        run_mysql(conn, &stmts).await;
    }
    {
        check_final_data!(conn, "`");
        let ty: String = sqlx::query_scalar(
            "SELECT CAST(COLUMN_TYPE AS CHAR) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'priority'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(ty, "enum('low','mid','high')");
        let comment: String = sqlx::query_scalar(
            "SELECT CAST(COLUMN_COMMENT AS CHAR) FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'orders' AND COLUMN_NAME = 'Text Col'",
        )
        .fetch_one(&mut *conn)
        .await
        .unwrap();
        assert_eq!(
            comment, "free text, it's long",
            "MODIFY/CHANGE keep the comment"
        );
    }
    scratch.drop().await;
}

// ---------------------------------------------------------------------------------------------
// SQLite rebuilds keep rows, indexes and foreign keys (parent and child)

fn kind(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "kind".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn family() -> Schema {
    let mut parent = Table::new("parent");
    let mut id = col("id", SqlType::BigInt);
    id.autoincrement = true;
    parent.columns = vec![
        id,
        col("name", SqlType::Varchar(50)),
        col("code", SqlType::Varchar(10)).nullable(true),
        col("kind", kind(&["a", "b"])).default("'a'"),
        col("other_id", SqlType::BigInt).nullable(true),
    ];
    parent.primary_key = pk("pk_parent", &["id"]);
    parent
        .indexes
        .push(index("ix_parent_name", &["name"], false, None));
    parent.indexes.push(index(
        "ix_parent_code",
        &["code"],
        false,
        Some("code IS NOT NULL"),
    ));
    parent.checks.push(Check {
        name: "ck_parent_name".into(),
        expr: "length(name) > 0".into(),
    });
    parent.uniques.push(Unique {
        name: "uq_parent_name_code".into(),
        columns: vec!["name".into(), "code".into()],
    });

    let mut child = Table::new("child");
    child.columns = vec![
        col("id", SqlType::Integer),
        col("parent_id", SqlType::BigInt),
        col("label", SqlType::Text).nullable(true),
    ];
    child.primary_key = pk("pk_child", &["id"]);
    child.foreign_keys.push(fk(
        "fk_child_parent_id_parent",
        &["parent_id"],
        "parent",
        &["id"],
        Some(FkAction::Cascade),
    ));
    child
        .indexes
        .push(index("ix_child_parent_id", &["parent_id"], false, None));
    Schema {
        tables: vec![child, parent],
        enums: vec![EnumType {
            schema: None,
            name: "kind".into(),
            values: vec!["a".into(), "b".into()],
        }],
    }
}

fn family_data() -> Vec<Op> {
    vec![
        insert(
            "parent",
            &["id", "name", "code", "kind"],
            vec![
                vec![Value::Int(1), s("one"), s("c1"), s("a")],
                vec![Value::Int(2), s("two"), Value::Null, s("b")],
                vec![Value::Int(3), s("three"), s("c3"), s("a")],
            ],
        ),
        insert(
            "child",
            &["id", "parent_id", "label"],
            vec![
                vec![Value::Int(1), Value::Int(1), s("1a")],
                vec![Value::Int(2), Value::Int(1), s("1b")],
                vec![Value::Int(3), Value::Int(2), s("2a")],
                vec![Value::Int(4), Value::Int(3), s("3a")],
                vec![Value::Int(5), Value::Int(3), Value::Null],
            ],
        ),
    ]
}

async fn index_names(conn: &mut SqliteConnection, table: &str) -> Vec<String> {
    let mut v: Vec<String> = sqlx::query(&format!("PRAGMA index_list(\"{table}\")"))
        .fetch_all(&mut *conn)
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<String, _>("name"))
        .filter(|n| !n.starts_with("sqlite_autoindex"))
        .collect();
    v.sort();
    v
}

async fn count(conn: &mut SqliteConnection, table: &str) -> i64 {
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{table}\""))
        .fetch_one(&mut *conn)
        .await
        .unwrap()
}

/// Runs `ops` (one migration) on the populated family and checks that nothing was lost.
async fn rebuild_case(name: &str, ops: Vec<Op>, rebuilt: &str) {
    let mut conn = sqlite().await;
    let mut state = family();
    run_sqlite(&mut conn, &create_schema(&state, Dialect::Sqlite)).await;
    let data = family_data();
    run_sqlite(
        &mut conn,
        &render_ops(&data, Dialect::Sqlite, &state).unwrap(),
    )
    .await;

    let stmts = render_ops(&ops, Dialect::Sqlite, &state).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(
        stmts.iter().any(|s| s
            .sql
            .starts_with(&format!("CREATE TABLE \"_retort_new_{rebuilt}\""))),
        "{name}: expected a rebuild of {rebuilt}, got {stmts:#?}"
    );
    run_sqlite(&mut conn, &stmts).await;
    state.apply_all(&ops).unwrap();

    // Every row of both tables is still there.
    assert_eq!(count(&mut conn, "parent").await, 3, "{name}: parent rows");
    assert_eq!(count(&mut conn, "child").await, 5, "{name}: child rows");
    let labels: Vec<Option<String>> = sqlx::query_scalar("SELECT label FROM child ORDER BY id")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        labels,
        vec![
            Some("1a".to_string()),
            Some("1b".into()),
            Some("2a".into()),
            Some("3a".into()),
            None
        ],
        "{name}"
    );
    // The indexes the schema says the tables have exist.
    for t in ["parent", "child"] {
        let mut want: Vec<String> = state
            .table(&t.into())
            .unwrap()
            .indexes
            .iter()
            .map(|i| i.name.clone())
            .collect();
        want.sort();
        assert_eq!(
            index_names(&mut conn, t).await,
            want,
            "{name}: indexes of {t}"
        );
    }
    // The child's foreign key still points at the parent, with its action.
    let fks = sqlx::query("PRAGMA foreign_key_list(\"child\")")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(fks.len(), 1, "{name}");
    assert_eq!(fks[0].get::<String, _>("table"), "parent", "{name}");
    assert_eq!(fks[0].get::<String, _>("on_delete"), "CASCADE", "{name}");
    let bad = sqlx::query("PRAGMA foreign_key_check")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert!(bad.is_empty(), "{name}");
    // ...and it works: deleting a parent cascades to its children (foreign keys are on again).
    exec(&mut conn, "DELETE FROM parent WHERE id = 1").await;
    assert_eq!(count(&mut conn, "child").await, 3, "{name}: cascade");
    // No temporary table is left behind.
    let left: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE '\\_retort\\_new\\_%' ESCAPE '\\'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(left, 0, "{name}");
}

#[tokio::test]
async fn sqlite_rebuild_type_change() {
    rebuild_case(
        "type change",
        vec![alter("parent", "code", |a| a.ty = Some(SqlType::Text))],
        "parent",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_nullability() {
    rebuild_case(
        "nullability",
        vec![alter("parent", "name", |a| a.nullable = Some(true))],
        "parent",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_default_and_rename() {
    rebuild_case(
        "default + rename",
        vec![alter("parent", "code", |a| {
            a.default = Some(Some("'zz'".into()));
            a.new_name = Some("Code Name".into());
        })],
        "parent",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_add_column_with_expression_default() {
    rebuild_case(
        "add column with CURRENT_TIMESTAMP",
        vec![Op::AddColumn {
            table: "parent".into(),
            column: col(
                "created_at",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )
            .default("CURRENT_TIMESTAMP"),
        }],
        "parent",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_drop_indexed_column() {
    rebuild_case(
        "drop indexed column",
        vec![Op::DropColumn {
            table: "parent".into(),
            column: "code".into(),
        }],
        "parent",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_unique() {
    rebuild_case(
        "add + drop unique",
        vec![
            Op::AddUnique {
                table: "parent".into(),
                unique: Unique {
                    name: "uq_parent_name".into(),
                    columns: vec!["name".into()],
                },
            },
            Op::DropUnique {
                table: "parent".into(),
                name: "uq_parent_name_code".into(),
            },
        ],
        "parent",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_check() {
    rebuild_case(
        "add + drop check",
        vec![
            Op::AddCheck {
                table: "parent".into(),
                check: Check {
                    name: "ck_parent_id".into(),
                    expr: "id > 0".into(),
                },
            },
            Op::DropCheck {
                table: "parent".into(),
                name: "ck_parent_name".into(),
            },
        ],
        "parent",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_foreign_keys() {
    rebuild_case(
        "add + drop foreign key",
        vec![
            Op::AddForeignKey {
                table: "parent".into(),
                foreign_key: fk(
                    "fk_parent_other_id_parent",
                    &["other_id"],
                    "parent",
                    &["id"],
                    Some(FkAction::SetNull),
                ),
            },
            Op::Sql(RawSql {
                sql: Some("UPDATE parent SET other_id = 3 WHERE id = 2".into()),
                ..Default::default()
            }),
        ],
        "parent",
    )
    .await;
    rebuild_case(
        "drop the child's foreign key and add it back",
        vec![
            Op::DropForeignKey {
                table: "child".into(),
                name: "fk_child_parent_id_parent".into(),
            },
            Op::AddForeignKey {
                table: "child".into(),
                foreign_key: fk(
                    "fk_child_parent_id_parent",
                    &["parent_id"],
                    "parent",
                    &["id"],
                    Some(FkAction::Cascade),
                ),
            },
        ],
        "child",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_primary_key() {
    rebuild_case(
        "parent primary key dropped and added back",
        vec![
            Op::DropPrimaryKey {
                table: "parent".into(),
                name: "pk_parent".into(),
            },
            Op::AddPrimaryKey {
                table: "parent".into(),
                primary_key: PrimaryKey {
                    name: "pk_parent".into(),
                    columns: vec!["id".into()],
                },
            },
        ],
        "parent",
    )
    .await;
    rebuild_case(
        "child primary key made composite",
        vec![
            Op::DropPrimaryKey {
                table: "child".into(),
                name: "pk_child".into(),
            },
            Op::AddPrimaryKey {
                table: "child".into(),
                primary_key: PrimaryKey {
                    name: "pk_child".into(),
                    columns: vec!["id".into(), "parent_id".into()],
                },
            },
        ],
        "child",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_enum_values() {
    rebuild_case(
        "add enum value",
        vec![
            Op::AddEnumValue {
                name: "kind".into(),
                value: "c".into(),
                before: None,
            },
            Op::Sql(RawSql {
                sql: Some("UPDATE parent SET kind = 'c' WHERE id = 3".into()),
                ..Default::default()
            }),
        ],
        "parent",
    )
    .await;
    rebuild_case(
        "set enum values",
        vec![Op::SetEnumValues {
            name: "kind".into(),
            values: vec!["b".into(), "a".into(), "z".into()],
        }],
        "parent",
    )
    .await;
}

#[tokio::test]
async fn sqlite_rebuild_refuses_a_removed_enum_value_in_use() {
    // The new CHECK rejects rows that hold a dropped value: the copy fails and nothing changes.
    let mut conn = sqlite().await;
    let state = family();
    run_sqlite(&mut conn, &create_schema(&state, Dialect::Sqlite)).await;
    run_sqlite(
        &mut conn,
        &render_ops(&family_data(), Dialect::Sqlite, &state).unwrap(),
    )
    .await;
    let ops = vec![Op::SetEnumValues {
        name: "kind".into(),
        values: vec!["a".into()],
    }];
    let stmts = render_ops(&ops, Dialect::Sqlite, &state).unwrap();
    exec(&mut conn, "PRAGMA foreign_keys=OFF").await;
    exec(&mut conn, "BEGIN").await;
    let mut failed = false;
    for s in &stmts {
        if sqlx::raw_sql(&s.sql).execute(&mut conn).await.is_err() {
            failed = true;
            break;
        }
    }
    assert!(failed, "the copy must fail on the row with kind = 'b'");
    exec(&mut conn, "ROLLBACK").await;
    exec(&mut conn, "PRAGMA foreign_keys=ON").await;
    assert_eq!(count(&mut conn, "parent").await, 3);
    assert_eq!(count(&mut conn, "child").await, 5);
}
