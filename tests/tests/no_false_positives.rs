//! "No false positives" (issue 4): models using every supported type, every kind of default
//! and every kind of constraint, created on a live database; autogenerate against the same
//! models must say "no changes" on SQLite, PostgreSQL and MariaDB.

use retort_schema::{
    Check, Column, Dialect, FkAction, ForeignKey, Index, Schema, SqlType, Table, Unique,
};
use retort_test_support::dialect_tests;
use retort_tests::{list_ops, model, Server};

fn opt(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty).nullable(true)
}

fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

fn ts(tz: bool) -> SqlType {
    SqlType::Timestamp { with_time_zone: tz }
}

fn mood() -> SqlType {
    SqlType::Enum {
        name: "mood".into(),
        values: vec!["happy".into(), "sad".into(), "it's complicated".into()],
    }
}

/// The models: every `SqlType`, every kind of default, every kind of constraint.
fn models() -> Schema {
    let orgs = Table::new("orgs")
        .comment("organisations")
        .with_column(Column::new("id", SqlType::BigInt).autoincrement())
        .with_column(col("name", SqlType::Varchar(200)).comment("legal name"))
        .with_column(opt("parent_id", SqlType::BigInt))
        .primary_key("pk_orgs", ["id"])
        .unique(Unique::new("uq_orgs_name", ["name"]))
        // self-reference
        .foreign_key(
            ForeignKey::new("fk_orgs_parent_id_orgs", ["parent_id"], "orgs", ["id"])
                .on_delete(FkAction::SetNull),
        );

    let everything = Table::new("everything")
        .comment("one column of each type, it's all here")
        .with_column(Column::new("id", SqlType::BigInt).autoincrement())
        .with_column(col("flag", SqlType::Boolean).default("true"))
        .with_column(col("off", SqlType::Boolean).default("false"))
        .with_column(col("small", SqlType::SmallInt).default("-1"))
        .with_column(col("num", SqlType::Integer).default("0"))
        .with_column(col("big", SqlType::BigInt).default("9000000000"))
        .with_column(opt("ratio", SqlType::Real))
        .with_column(col("precise", SqlType::Double).default("1.5"))
        .with_column(opt("body", SqlType::Text).comment("free text"))
        .with_column(col("title", SqlType::Varchar(120)).default("'untitled'"))
        .with_column(col("quote", SqlType::Varchar(50)).default("'it''s'"))
        .with_column(col("empty", SqlType::Varchar(10)).default("''"))
        .with_column(opt("data", SqlType::Blob))
        .with_column(
            col(
                "price",
                SqlType::Decimal {
                    precision: Some(10),
                    scale: Some(2),
                },
            )
            .default("9.99"),
        )
        .with_column(opt(
            "whole",
            SqlType::Decimal {
                precision: Some(8),
                scale: None,
            },
        ))
        .with_column(opt("born", SqlType::Date))
        .with_column(opt("alarm", SqlType::Time))
        .with_column(col("created_at", ts(false)).default("CURRENT_TIMESTAMP"))
        .with_column(opt("seen_at", ts(true)))
        .with_column(opt("token", SqlType::Uuid))
        .with_column(opt("doc", SqlType::Json { binary: false }))
        .with_column(opt("docb", SqlType::Json { binary: true }))
        .with_column(col("mood", mood()).default("'happy'"))
        .with_column(opt("org_id", SqlType::BigInt))
        .with_column(opt("Mixed Case", SqlType::Varchar(30)))
        .primary_key("pk_everything", ["id"])
        .unique(Unique::new("uq_everything_title_num", ["title", "num"]))
        .index(Index::new("ix_everything_num", ["num"]))
        .index(Index::new("ix_everything_big_small", ["big", "small"]))
        .index(Index::new("ix_everything_token", ["token"]).unique())
        .index(Index::new("ix_everything_Mixed Case", ["Mixed Case"]))
        .check(Check::new("ck_everything_num", "num >= 0"))
        .check(Check::new(
            "ck_everything_small",
            "small > -100 AND small < 100",
        ))
        .foreign_key(
            ForeignKey::new("fk_everything_org_id_orgs", ["org_id"], "orgs", ["id"])
                .on_delete(FkAction::Cascade)
                .on_update(FkAction::Cascade),
        );

    // composite primary key, composite foreign key, reserved-word name
    let order = Table::new("order")
        .with_column(col("org_id", SqlType::BigInt))
        .with_column(col("number", SqlType::Integer))
        .with_column(opt("note", SqlType::Text))
        .primary_key("pk_order", ["org_id", "number"])
        .foreign_key(
            ForeignKey::new("fk_order_org_id_orgs", ["org_id"], "orgs", ["id"])
                .on_delete(FkAction::Restrict),
        );
    let lines = Table::new("order_lines")
        .with_column(Column::new("id", SqlType::Integer).autoincrement())
        .with_column(col("org_id", SqlType::BigInt))
        .with_column(col("number", SqlType::Integer))
        .with_column(col("qty", SqlType::Integer).default("1"))
        .primary_key("pk_order_lines", ["id"])
        .foreign_key(
            ForeignKey::new(
                "fk_order_lines_org_id_number_order",
                ["org_id", "number"],
                "order",
                ["org_id", "number"],
            )
            .on_delete(FkAction::Cascade),
        )
        .index(Index::new(
            "ix_order_lines_org_id_number",
            ["org_id", "number"],
        ));

    model(vec![orgs, everything, order, lines])
}

/// Partial indexes and deferrable foreign keys exist on PostgreSQL and SQLite only.
fn models_for(d: Dialect) -> Schema {
    let mut s = models();
    if d != Dialect::Mysql {
        let t = s
            .tables
            .iter_mut()
            .find(|t| t.name == "everything")
            .expect("everything");
        t.indexes
            .push(Index::new("ix_everything_recent", ["created_at"]).predicate("num > 0"));
        let o = s
            .tables
            .iter_mut()
            .find(|t| t.name == "order_lines")
            .expect("order_lines");
        o.foreign_keys[0].deferrable = true;
        s.normalize_order();
    }
    s
}

/// How the database gets the models' schema.
#[derive(Clone, Copy, Debug)]
enum Via {
    /// `retort_sql::create_schema` (what a first migration's `create_table`s amount to).
    CreateScript,
    /// Autogenerate against the empty database, then run the generated operations.
    Autogenerate,
}

async fn no_false_positives(d: Dialect, test: &str) {
    let Some(mut server) = Server::connect(d, test).await else {
        return;
    };
    let mut failures = Vec::new();
    for via in [Via::CreateScript, Via::Autogenerate] {
        if let Err(e) = upgraded_then_compared(&mut server, d, via).await {
            failures.push(format!("{via:?}: {e}"));
        }
    }
    if !failures.is_empty() {
        panic!("{}", failures.join("\n\n"));
    }
}

async fn upgraded_then_compared(server: &mut Server, d: Dialect, via: Via) -> Result<(), String> {
    let mut db = server.fresh().await?;
    let schema = models_for(d);
    let result = async {
        match via {
            Via::CreateScript => db.run(&retort_sql::create_schema(&schema, d)).await?,
            Via::Autogenerate => {
                let empty = db.introspect(&Default::default()).await?;
                let ops = retort_diff::diff(&empty, &schema, &retort_diff::Options::new(d)).ops;
                let stmts = retort_sql::render_ops(&ops, d, &empty).map_err(|e| e.to_string())?;
                db.run(&stmts).await?;
            }
        }
        let got = db.introspect(&Default::default()).await?;
        let diff = retort_diff::diff(&got, &schema, &retort_diff::Options::new(d));
        if diff.ops.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "autogenerate on an unchanged {d} database found {} change(s):\n{}",
                diff.ops.len(),
                list_ops(&diff.ops)
            ))
        }
    }
    .await;
    server.dispose(db).await;
    result
}

dialect_tests! {
    no_false_positives => no_false_positives_sqlite, no_false_positives_postgres, no_false_positives_mysql;
}
