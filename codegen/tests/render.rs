//! render_rust: snapshots, and agreement with rustfmt on many plans.

mod common;

use common::*;
use retort_codegen::{render_rust, rust_string};
use retort_diff::{diff, Note, Options, Risk};
use retort_schema::{
    AlterColumn, Check, Column, Dialect, EnumType, FkAction, ForeignKey, Index, Op, Schema,
    SqlType, Table,
};

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
    // Tables with an `id BIGINT` auto-increment primary key, as the models would give them.
    let with_id = |name: &str, cols: Vec<Column>| {
        cols.into_iter().fold(
            Table::new(name)
                .with_column(Column::new("id", SqlType::BigInt).autoincrement())
                .primary_key(format!("pk_{name}"), ["id"]),
            Table::with_column,
        )
    };
    let mut from = Schema {
        tables: vec![with_id("users", vec![Column::new("nick", SqlType::Text)])],
        ..Schema::default()
    };
    let mut to = Schema {
        tables: vec![
            with_id(
                "users",
                vec![
                    Column::new("handle", SqlType::Varchar(40)).renamed_from("nick"),
                    Column::new(
                        "created_at",
                        SqlType::Timestamp {
                            with_time_zone: true,
                        },
                    )
                    .default("CURRENT_TIMESTAMP"),
                ],
            ),
            with_id("posts", vec![Column::new("author_id", SqlType::BigInt)]).foreign_key(
                ForeignKey::new("fk_posts_author_id_users", ["author_id"], "users", ["id"])
                    .on_delete(FkAction::Cascade),
            ),
        ],
        ..Schema::default()
    };
    from.normalize_order();
    to.normalize_order();
    let d = diff(&from, &to, &Options::new(Dialect::Postgres));
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
