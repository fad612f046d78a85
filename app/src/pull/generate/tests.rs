use retort_schema::{Check, EnumType, ForeignKey, Index, Unique};

use super::*;

fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

/// A shop as a database would report it (names as PostgreSQL spells them).
fn shop(d: Dialect) -> Schema {
    let status = SqlType::Enum {
        name: if d == Dialect::Postgres {
            "order status".into()
        } else {
            "orders_status".into()
        },
        values: vec!["new".into(), "in-progress".into(), "Done".into()],
    };
    let mut customers = Table::new("Customers");
    customers.comment = Some("people who buy".into());
    customers.columns = vec![
        Column {
            autoincrement: true,
            ..col("customerID", SqlType::Integer)
        },
        col("email", SqlType::Varchar(320)),
        col("type", SqlType::Text).nullable(true),
        col(
            "created_at",
            SqlType::Timestamp {
                with_time_zone: true,
            },
        )
        .default("CURRENT_TIMESTAMP"),
        col("referrer_id", SqlType::Integer).nullable(true),
    ];
    customers.primary_key = Some(PrimaryKey {
        name: "Customers_pkey".into(),
        columns: vec!["customerID".into()],
    });
    customers.uniques = vec![Unique {
        name: naming::unique("Customers", &["email"]),
        columns: vec!["email".into()],
    }];
    customers.foreign_keys = vec![ForeignKey::new(
        "customers_referrer_fk",
        ["referrer_id"],
        "Customers",
        ["customerID"],
    )
    .on_delete(FkAction::SetNull)];
    let mut orders = Table::new("order");
    orders.columns = vec![
        Column {
            autoincrement: true,
            ..col("id", SqlType::BigInt)
        },
        col("customer_id", SqlType::Integer),
        col("status", status.clone()).default("'new'"),
        col(
            "total",
            SqlType::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
        ),
        col("meta", SqlType::Json { binary: false }).nullable(true),
        col("ref", SqlType::Uuid),
        col("shipped_on", SqlType::Date).nullable(true),
        col("weird", SqlType::Custom("interval".into())).nullable(true),
    ];
    orders.primary_key = Some(PrimaryKey {
        name: naming::primary_key("order"),
        columns: vec!["id".into()],
    });
    let fk_name = naming::foreign_key("order", &["customer_id"], "Customers");
    orders.foreign_keys =
        vec![
            ForeignKey::new(fk_name, ["customer_id"], "Customers", ["customerID"])
                .on_delete(FkAction::Cascade),
        ];
    orders.indexes = vec![
        Index {
            name: naming::index("order", &["customer_id"]),
            columns: vec!["customer_id".into()],
            unique: false,
            predicate: None,
            dialects: Vec::new(),
        },
        Index {
            name: "ix_open_orders".into(),
            columns: vec!["customer_id".into(), "status".into()],
            unique: true,
            predicate: (d != Dialect::Mysql).then(|| "(shipped_on IS NULL)".to_string()),
            dialects: Vec::new(),
        },
    ];
    orders.checks = vec![
        Check {
            name: "order_total_check".into(),
            expr: "(total >= (0)::numeric)".into(),
        },
        Check {
            name: "order_weird_check".into(),
            expr: "(weird = ANY (ARRAY['1 day'::interval, '2 days'::interval]))".into(),
        },
    ];
    let mut lines = Table::new("Order Lines");
    lines.columns = vec![
        col("order_id", SqlType::BigInt),
        col("line_no", SqlType::SmallInt),
        col("qty", SqlType::Integer).default("1"),
        col("note", SqlType::Text).nullable(true),
        Column {
            comment: (d != Dialect::Sqlite)
                .then(|| "a comment long enough to break the attribute over lines".into()),
            ..col("long_column_name_for_a_very_long_comment", SqlType::Integer).default("0")
        },
    ];
    lines.primary_key = Some(PrimaryKey {
        name: naming::primary_key("Order Lines"),
        columns: vec!["order_id".into(), "line_no".into()],
    });
    lines.foreign_keys = vec![ForeignKey {
        deferrable: d == Dialect::Postgres,
        ..ForeignKey::new("lines_order_fk", ["order_id"], "order", ["id"])
            .on_delete(FkAction::Cascade)
            .on_update(FkAction::Restrict)
    }];
    lines.columns[2].comment = (d != Dialect::Sqlite).then(|| "how many \"units\"".to_string());
    let mut s = Schema {
        tables: vec![customers, orders, lines],
        enums: Vec::new(),
    };
    if d == Dialect::Postgres {
        s.enums.push(EnumType {
            schema: None,
            name: "order status".into(),
            values: vec!["new".into(), "in-progress".into(), "Done".into()],
        });
    } else {
        s.collect_enums_from_columns();
    }
    if d == Dialect::Sqlite {
        s.tables[1].checks.push(Check {
            name: "ck_order_status_enum".into(),
            expr: "\"status\" IN ('new', 'in-progress', 'Done')".into(),
        });
        for t in &mut s.tables {
            t.comment = None;
        }
    }
    s.normalize_order();
    s
}

#[test]
fn the_models_register_what_the_database_has() {
    for d in Dialect::ALL {
        let db = shop(d);
        let p = generate(&db, d, &[]);
        let diff = retort_diff::diff(&db, &p.expected, &retort_diff::Options::new(d));
        assert!(
            diff.ops.is_empty(),
            "{d}: {:?}\n{}",
            diff.ops.iter().map(|o| o.describe()).collect::<Vec<_>>(),
            p.source
        );
        // And from nothing, the expected schema is what a fresh database gets.
        assert_eq!(p.expected.tables.len(), 3, "{d}");
        assert!(p.skipped.is_empty(), "{d}: {:?}", p.skipped);
    }
}

#[test]
fn names_types_and_attributes() {
    let p = generate(&shop(Dialect::Postgres), Dialect::Postgres, &[]);
    let s = &p.source;
    for want in [
        "#[table(\n    name = \"Customers\",\n    comment = \"people who buy\",\n    primary_key_name = \"Customers_pkey\"\n)]\n#[table(foreign_key(name = \"customers_referrer_fk\", columns = [\"referrer_id\"], references = \"Customers(customerID)\", on_delete = \"set null\"))]",
        "pub struct Customers {",
        "#[column(name = \"customerID\", primary_key)]",
        "pub customer_id: i32,",
        "#[column(length = 320, unique)]",
        "#[column(name = \"type\")]",
        "pub type_: Option<String>,",
        "pub created_at: chrono::DateTime<chrono::Utc>,",
        "pub struct Order {",
        "#[column(primary_key)]",
        "#[column(index, references = \"Customers.customerID\", on_delete = \"cascade\")]",
        "#[column(server_default = \"'new'\")]",
        "pub status: OrderStatus,",
        "#[column(precision = 10, scale = 2)]",
        "pub total: rust_decimal::Decimal,",
        "#[column(sql_type = \"json\")]",
        "pub meta: Option<serde_json::Value>,",
        "#[column(name = \"ref\")]\n    pub ref_: uuid::Uuid,",
        "#[column(sql_type = \"interval\")]",
        "#[table(index(name = \"ix_open_orders\", columns = [\"customer_id\", \"status\"], unique, where = \"(shipped_on IS NULL)\"))]",
        "#[table(check(name = \"order_total_check\", expr = \"(total >= (0)::numeric)\"))]\n#[table(check(\n    name = \"order_weird_check\",\n    expr = \"(weird = ANY (ARRAY['1 day'::interval, '2 days'::interval]))\"\n))]\npub struct Order {",
        "#[table(name = \"Order Lines\")]\n#[table(primary_key = [\"order_id\", \"line_no\"])]",
        "pub struct OrderLines {",
        "references = \"order(id)\", on_delete = \"cascade\", on_update = \"restrict\", deferrable)",
        "#[column(server_default = \"1\", comment = \"how many \\\"units\\\"\")]",
        "#[column(\n        server_default = \"0\",\n        comment = \"a comment long enough to break the attribute over lines\"\n    )]",
        "#[db_enum(name = \"order status\")]",
        "pub enum OrderStatus {",
        "#[db_enum(rename = \"in-progress\")]",
        "#[db_enum(rename = \"Done\")]",
    ] {
        assert!(s.contains(want), "missing `{want}` in\n{s}");
    }
    assert_eq!(
        p.features.iter().copied().collect::<Vec<_>>(),
        ["chrono", "decimal", "json", "uuid"]
    );
}

#[test]
fn output_is_rustfmt_clean() {
    let Ok(o) = std::process::Command::new("rustfmt")
        .arg("--version")
        .output()
    else {
        eprintln!("SKIPPED: no rustfmt on PATH");
        return;
    };
    assert!(o.status.success());
    for d in Dialect::ALL {
        let p = generate(&shop(d), d, &[]);
        if let Err(e) = syn::parse_file(&p.source) {
            panic!("{d}: not Rust: {e}\n{}", p.source);
        }
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pulled.rs");
        std::fs::write(&f, &p.source).unwrap();
        let o = std::process::Command::new("rustfmt")
            .args(["--edition", "2021", "--check"])
            .arg(&f)
            .output()
            .unwrap();
        assert!(
            o.status.success(),
            "{d}: rustfmt --check:\n{}",
            String::from_utf8_lossy(&o.stdout)
        );
    }
}

#[test]
fn what_cannot_be_modelled_is_left_out_with_its_dependents() {
    let d = Dialect::Postgres;
    let mut db = shop(d);
    // An expression index on `order`: `order` goes, and `Order Lines`, which references it.
    db.table_mut(&QName::new("order"))
        .unwrap()
        .indexes
        .push(Index {
            name: "ix_lower".into(),
            columns: vec!["lower(status::text)".into()],
            unique: false,
            predicate: None,
            dialects: Vec::new(),
        });
    db.normalize_order();
    let p = generate(
        &db,
        d,
        &[Skipped {
            table: QName::new("Customers"),
            reason: "generated column `x`".into(),
        }],
    );
    let names: Vec<String> = p.skipped.iter().map(|s| s.table.to_string()).collect();
    assert_eq!(names, ["Customers", "Order Lines", "order"]);
    assert!(p.expected.tables.is_empty());
    assert!(
        p.skipped[2].reason.contains("expression"),
        "{:?}",
        p.skipped
    );
    assert!(
        p.source.contains("//! - `order`: index `ix_lower`"),
        "{}",
        p.source
    );
}
