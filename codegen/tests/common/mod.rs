//! What the test files share: the sample operations and the rustfmt check.
#![allow(dead_code)]

use retort_schema::{
    AlterColumn, Check, Column, EnumType, FkAction, ForeignKey, Index, Op, PrimaryKey, QName,
    RawSql, SqlType, Table, Unique, Value,
};

pub use retort_test_support::rustfmt_check;

/// [`rustfmt_check`] on a rendered body wrapped in a function.
pub fn assert_rustfmt_agrees(body: &str) {
    rustfmt_check(&format!("pub fn upgrade(m: &mut Migration) {{\n{body}}}\n"));
}

pub fn q(s: &str) -> QName {
    QName::parse(s)
}

/// One operation of every kind, with most shapes of their arguments.
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
