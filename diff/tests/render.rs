//! render_rust: snapshots, and agreement with rustfmt on many plans.

mod common;

use std::process::Command;

use common::*;
use retort_diff::{diff, render_rust, rust_string, Note, Risk};
use retort_schema::{
    AlterColumn, Check, Column, EnumType, FkAction, ForeignKey, Index, Op, PrimaryKey, QName,
    RawSql, SqlType, Table, Unique, Value,
};

/// Runs `rustfmt --check` on the rendered body wrapped in a function; panics with rustfmt's
/// diff when it would reformat anything.
fn assert_rustfmt_agrees(body: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.rs");
    let src = format!("pub fn upgrade(m: &mut Migration) {{\n{body}}}\n");
    std::fs::write(&path, &src).unwrap();
    let out = Command::new("rustfmt")
        .args(["--edition", "2021", "--check"])
        .arg(&path)
        .output()
        .expect("rustfmt runs");
    assert!(
        out.status.success(),
        "rustfmt disagrees:\n{}\n--- rendered ---\n{src}",
        String::from_utf8_lossy(&out.stdout)
    );
}

fn q(s: &str) -> QName {
    QName::parse(s)
}

#[allow(dead_code)]
pub fn sample_ops() -> Vec<Op> {
    let ts = SqlType::Timestamp {
        with_time_zone: false,
    };
    let users = Table::new("users")
        .comment("people who can sign in")
        .with_column(Column::new("id", SqlType::BigInt).autoincrement())
        .with_column(Column::new("email", SqlType::Varchar(320)))
        .with_column(Column::new("display_name", SqlType::Text).nullable(true))
        .with_column(Column::new("created_at", ts.clone()).default("CURRENT_TIMESTAMP"))
        .with_column(
            Column::new(
                "balance",
                SqlType::Decimal {
                    precision: Some(10),
                    scale: Some(2),
                },
            )
            .default("0"),
        )
        .with_column(Column::new(
            "mood",
            SqlType::enumeration("mood", ["ok", "meh"]),
        ))
        .with_column(Column::new("meta", SqlType::Json { binary: true }).nullable(true))
        .with_column(Column::new("ip", SqlType::Custom("inet".into())).nullable(true))
        .primary_key("pk_users", ["id"])
        .index(Index::new("ix_users_created_at", ["created_at"]))
        .unique(Unique::new("uq_users_email", ["email"]))
        .check(Check::new("ck_users_email", "email <> ''"));
    let posts = Table::new("posts")
        .schema("blog")
        .with_column(Column::new("id", SqlType::BigInt).autoincrement())
        .with_column(Column::new("author_id", SqlType::BigInt))
        .with_column(Column::new("title", SqlType::Varchar(200)).default("'untitled'"))
        .primary_key("pk_posts", ["id"])
        .foreign_key(
            ForeignKey::new("fk_posts_author_id_users", ["author_id"], "users", ["id"])
                .on_delete(FkAction::Cascade)
                .on_update(FkAction::NoAction)
                .deferrable(),
        );
    vec![
        Op::CreateEnum(EnumType::new("mood", ["ok", "meh"])),
        Op::CreateEnum(EnumType::new(
            "status",
            ["draft", "published", "archived", "deleted", "spam", "held"],
        )),
        Op::CreateTable(users),
        Op::CreateTable(posts),
        Op::CreateTable(Table::new("t")),
        Op::DropTable { table: q("legacy") },
        Op::RenameTable {
            table: q("people"),
            new_name: "persons".into(),
        },
        Op::AddColumn {
            table: q("users"),
            column: Column::new("age", SqlType::Integer).nullable(true),
        },
        Op::AddColumn {
            table: q("users"),
            column: Column::new("seen_at", ts.clone()),
        },
        Op::AddColumn {
            table: q("users"),
            column: Column::new("note", SqlType::Text).comment("free text, \"quoted\""),
        },
        Op::DropColumn {
            table: q("users"),
            column: "nick".into(),
        },
        Op::AlterColumn(AlterColumn::new("users", "email").ty(SqlType::Text)),
        Op::AlterColumn(
            AlterColumn::new("users", "email")
                .ty(SqlType::Text)
                .nullable(false),
        ),
        Op::AlterColumn(
            AlterColumn::new("users", "nick")
                .rename("handle")
                .ty(ts)
                .nullable(true)
                .set_default("now()")
                .comment(Some("when"))
                .using("\"nick\"::timestamp"),
        ),
        Op::AlterColumn(AlterColumn::new("users", "x").drop_default().comment(None)),
        Op::CreateIndex {
            table: q("users"),
            index: Index::new("ix_users_email", ["email"]),
        },
        Op::CreateIndex {
            table: q("users"),
            index: Index::new("ix_users_org_id_email", ["org_id", "email"])
                .unique()
                .predicate("deleted_at IS NULL"),
        },
        Op::DropIndex {
            table: q("users"),
            name: "ix_users_email".into(),
        },
        Op::AddUnique {
            table: q("users"),
            unique: Unique::new("uq_users_org_id_email", ["org_id", "email"]),
        },
        Op::DropUnique {
            table: q("users"),
            name: "uq_users_email".into(),
        },
        Op::AddForeignKey {
            table: q("posts"),
            foreign_key: ForeignKey::new("fk_p_a_u", ["a"], "u", ["id"]),
        },
        Op::DropForeignKey {
            table: q("posts"),
            name: "fk_posts_author_id_users".into(),
        },
        Op::AddCheck {
            table: q("users"),
            check: Check::new("ck_users_age", "age >= 0 AND age < 200"),
        },
        Op::DropCheck {
            table: q("users"),
            name: "ck_users_age".into(),
        },
        Op::AddPrimaryKey {
            table: q("pairs"),
            primary_key: PrimaryKey::new("pk_pairs", ["a", "b"]),
        },
        Op::DropPrimaryKey {
            table: q("pairs"),
            name: "pk_pairs".into(),
        },
        Op::SetTableComment {
            table: q("users"),
            comment: Some("people".into()),
        },
        Op::SetTableComment {
            table: q("audit.events"),
            comment: None,
        },
        Op::DropEnum { name: q("mood") },
        Op::AddEnumValue {
            name: q("mood"),
            value: "sad".into(),
            before: None,
        },
        Op::SetEnumValues {
            name: q("mood"),
            values: vec!["ok".into(), "sad".into()],
        },
        Op::Sql(RawSql {
            sql: Some("UPDATE users SET email = lower(email)".into()),
            ..RawSql::default()
        }),
        Op::Sql(RawSql {
            sql: None,
            sqlite: Some("SELECT 1".into()),
            postgres: Some("SELECT 2".into()),
            mysql: None,
        }),
        Op::BulkInsert {
            table: q("users"),
            columns: vec!["id".into(), "email".into()],
            rows: vec![
                vec![Value::Int(1), Value::Text("a@example.com".into())],
                vec![Value::Null, Value::Bool(true)],
                vec![Value::Float(1.5), Value::Bytes(vec![1, 2])],
            ],
        },
    ]
}

#[test]
fn rustfmt_agrees_with_every_sample_op() {
    let ops = sample_ops();
    let notes = vec![Note {
        op_index: 5,
        risk: Risk::Destructive,
        message: "drops table `legacy` and all its rows".into(),
    }];
    let body = render_rust(&ops, &notes);
    assert_rustfmt_agrees(&body);
}

#[test]
fn rustfmt_agrees_with_long_names_and_many_shapes() {
    let mut ops = Vec::new();
    for n in [1usize, 8, 20, 35, 50] {
        let name = "n".repeat(n);
        let table = Table::new(format!("t_{name}"))
            .with_column(Column::new(format!("c_{name}"), SqlType::Varchar(20)).nullable(true))
            .with_column(Column::new("id", SqlType::Integer).default(format!("'{name}'")))
            .index(Index::new(format!("ix_{name}"), [format!("c_{name}")]));
        ops.push(Op::CreateTable(table));
        ops.push(Op::AddColumn {
            table: q(&format!("t_{name}")),
            column: Column::new(format!("c_{name}"), SqlType::Integer),
        });
        ops.push(Op::AddColumn {
            table: q("t"),
            column: Column::new(format!("c_{name}"), SqlType::Integer)
                .nullable(true)
                .default("0"),
        });
        ops.push(Op::AlterColumn(
            AlterColumn::new(format!("t_{name}"), "c").nullable(true),
        ));
        ops.push(Op::AlterColumn(
            AlterColumn::new("t", format!("c_{name}")).ty(SqlType::Timestamp {
                with_time_zone: true,
            }),
        ));
        ops.push(Op::CreateIndex {
            table: q("t"),
            index: Index::new(format!("ix_{name}"), ["a", "b"]),
        });
        ops.push(Op::AddForeignKey {
            table: q("t"),
            foreign_key: ForeignKey::new(format!("fk_{name}"), ["a"], "u", ["id"])
                .on_delete(FkAction::SetNull),
        });
        ops.push(Op::CreateEnum(EnumType::new(
            format!("e_{name}"),
            ["a", "bb", "ccc"],
        )));
        ops.push(Op::AddCheck {
            table: q("t"),
            check: Check::new(format!("ck_{name}"), "x > 0"),
        });
        ops.push(Op::SetEnumValues {
            name: q(&format!("e_{name}")),
            values: (0..n.min(30)).map(|i| format!("v{i}")).collect(),
        });
        ops.push(Op::RenameTable {
            table: q(&format!("t_{name}")),
            new_name: format!("u_{name}"),
        });
    }
    assert_rustfmt_agrees(&render_rust(&ops, &[]));
}

#[test]
fn rustfmt_agrees_with_a_real_diff() {
    let from = schema(vec![table("users").with_column(col("nick", SqlType::Text))]);
    let to = schema(vec![
        table("users")
            .with_column(col("handle", SqlType::Varchar(40)).renamed_from("nick"))
            .with_column(
                col(
                    "created_at",
                    SqlType::Timestamp {
                        with_time_zone: true,
                    },
                )
                .default("CURRENT_TIMESTAMP"),
            ),
        table("posts")
            .with_column(col("author_id", SqlType::BigInt))
            .foreign_key(
                ForeignKey::new("fk_posts_author_id_users", ["author_id"], "users", ["id"])
                    .on_delete(FkAction::Cascade),
            ),
    ]);
    let d = diff(&from, &to, &pg());
    assert_rustfmt_agrees(&render_rust(&d.ops, &d.notes));
}

#[test]
fn snapshot_create_table() {
    let t = Table::new("users")
        .with_column(Column::new("id", SqlType::BigInt).autoincrement())
        .with_column(Column::new("email", SqlType::Varchar(320)))
        .primary_key("pk_users", ["id"]);
    assert_eq!(
        render_rust(&[Op::CreateTable(t)], &[]),
        r#"    m.create_table(
        Table::new("users")
            .with_column(Column::new("id", SqlType::BigInt).autoincrement())
            .with_column(Column::new("email", SqlType::Varchar(320)))
            .primary_key("pk_users", ["id"]),
    );
"#
    );
}

#[test]
fn snapshot_warnings_and_small_ops() {
    let ops = vec![
        Op::DropColumn {
            table: q("users"),
            column: "nick".into(),
        },
        Op::AddColumn {
            table: q("users"),
            column: Column::new("age", SqlType::Integer).nullable(true),
        },
        Op::AlterColumn(
            AlterColumn::new("users", "email")
                .ty(SqlType::Text)
                .nullable(false),
        ),
    ];
    let notes = vec![Note {
        op_index: 0,
        risk: Risk::Destructive,
        message: "drops column `users.nick` and its data".into(),
    }];
    assert_eq!(
        render_rust(&ops, &notes),
        r#"    // WARNING (destructive): drops column `users.nick` and its data
    m.drop_column("users", "nick");
    m.add_column("users", Column::new("age", SqlType::Integer).nullable(true));
    m.alter_column(
        AlterColumn::new("users", "email")
            .ty(SqlType::Text)
            .nullable(false),
    );
"#
    );
}

#[test]
fn snapshot_overflowing_sole_argument() {
    let ops = vec![Op::CreateEnum(EnumType::new(
        "user_status",
        ["active", "suspended", "pending"],
    ))];
    assert_eq!(
        render_rust(&ops, &[]),
        r#"    m.create_enum(EnumType::new(
        "user_status",
        ["active", "suspended", "pending"],
    ));
"#
    );
}

#[test]
fn string_literals_are_escaped() {
    assert_eq!(rust_string("plain"), r#""plain""#);
    assert_eq!(rust_string("it's"), r#""it's""#);
    assert_eq!(rust_string(r#"say "hi""#), r##"r#"say "hi""#"##);
    assert_eq!(rust_string(r##"a "# b"##), r###"r##"a "# b"##"###);
    assert_eq!(rust_string("a\nb"), r#""a\nb""#);
    assert_eq!(rust_string("back\\slash"), r##"r#"back\slash"#"##);
    assert_eq!(rust_string("tab\t\"q\""), r#""tab\t\"q\"""#);
}
