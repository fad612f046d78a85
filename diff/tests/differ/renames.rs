//! Renames from hints: tables and columns, and what follows them.

use super::*;

/// Asserts the plan from `from` to `to` is `people` renamed to `users`, and nothing else.
fn assert_renames_people_to_users(from: &retort_schema::Schema, to: &retort_schema::Schema) {
    assert_plan(
        from,
        to,
        &pg(),
        vec![Op::RenameTable {
            table: q("people"),
            new_name: "users".into(),
        }],
    );
}

#[test]
fn a_table_rename_hint_renames() {
    let from = schema(vec![table("people")]);
    let to = schema(vec![table("users").renamed_from("people")]);
    let d = diff(&from, &to, &pg());
    // The primary key keeps its old name: the name is compared too.
    assert_eq!(
        d.ops,
        [
            Op::DropPrimaryKey {
                table: q("people"),
                name: "pk_people".into()
            },
            Op::RenameTable {
                table: q("people"),
                new_name: "users".into()
            },
            Op::AddPrimaryKey {
                table: q("users"),
                primary_key: PrimaryKey::new("pk_users", ["id"])
            },
        ]
    );
    round_trip(&from, &to, &pg(), &d);
    // Same constraint names: a bare rename.
    let to = schema(vec![table("users")
        .renamed_from("people")
        .primary_key("pk_people", ["id"])]);
    assert_renames_people_to_users(&from, &to);
}

#[test]
fn a_rename_hint_whose_old_name_is_absent_is_ignored() {
    let to = schema(vec![table("users").renamed_from("ghosts")]);
    let d = diff(&schema(vec![]), &to, &pg());
    assert!(
        matches!(&d.ops[..], [Op::CreateTable(t)] if t.name == "users" && t.renamed_from.is_empty())
    );
}

#[test]
fn a_column_rename_hint_renames() {
    let from = schema(vec![users_with(vec![col("nick", SqlType::Text)])]);
    let to = schema(vec![users_with(vec![
        col("handle", SqlType::Text).renamed_from("nick")
    ])]);
    let d = assert_plan(
        &from,
        &to,
        &lite(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "nick").rename("handle"),
        )],
    );
    assert!(d.notes.is_empty(), "a plain rename is no rebuild on SQLite");
}

#[test]
fn a_rename_and_a_type_change_are_one_alter() {
    let from = schema(vec![users_with(vec![col("nick", SqlType::Varchar(20))])]);
    let to = schema(vec![users_with(vec![col("handle", SqlType::Text)
        .nullable(true)
        .renamed_from("nick")])]);
    assert_alter(
        &from,
        &to,
        &pg(),
        AlterColumn::new("users", "nick")
            .rename("handle")
            .ty(SqlType::Text)
            .nullable(true),
    );
}

#[test]
fn a_renamed_column_keeps_its_check_and_index() {
    let from = schema(vec![users_with(vec![col("age", SqlType::Integer)])
        .check(Check::new("ck_users_age", "age >= 0"))
        .index(Index::new("ix_users_age", ["age"]))]);
    let to = schema(vec![users_with(vec![
        col("years", SqlType::Integer).renamed_from("age")
    ])
    .check(Check::new("ck_users_age", "years >= 0"))
    .index(Index::new("ix_users_age", ["years"]))]);
    assert_alter(
        &from,
        &to,
        &pg(),
        AlterColumn::new("users", "age").rename("years"),
    );
}

#[test]
fn foreign_keys_follow_a_renamed_table() {
    let people = table("people");
    let posts = |target: &str| {
        table("posts")
            .with_column(col("author_id", SqlType::BigInt))
            .foreign_key(fk("fk_posts_author_id_users", "author_id", target))
    };
    let from = schema(vec![people, posts("people")]);
    let to = schema(vec![
        table("users")
            .renamed_from("people")
            .primary_key("pk_people", ["id"]),
        posts("users"),
    ]);
    assert_renames_people_to_users(&from, &to);
}

#[test]
fn a_renamed_table_is_altered_under_its_new_name() {
    let from = schema(vec![table("people").with_column(col("nick", SqlType::Text))]);
    let to = schema(vec![table("users")
        .renamed_from("people")
        .primary_key("pk_people", ["id"])
        .with_column(col("nick", SqlType::Text).nullable(true))
        .index(Index::new("ix_users_nick", ["nick"]))]);
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![
            Op::RenameTable {
                table: q("people"),
                new_name: "users".into(),
            },
            Op::AlterColumn(AlterColumn::new("users", "nick").nullable(true)),
            Op::CreateIndex {
                table: q("users"),
                index: Index::new("ix_users_nick", ["nick"]),
            },
        ],
    );
}

#[test]
fn a_column_hint_is_ignored_when_both_names_exist() {
    let from = schema(vec![users_with(vec![
        col("a", SqlType::Text),
        col("b", SqlType::Text),
    ])]);
    let to = schema(vec![users_with(vec![
        col("a", SqlType::Text),
        col("b", SqlType::Text).renamed_from("a"),
    ])]);
    assert_no_change(&from, &to, &pg());
}
