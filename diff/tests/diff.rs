//! Alembic's m1/m2 pattern: `from` as the database reports it, `to` as the models say, exact
//! operations expected; every plan is also applied, re-diffed (empty) and reverted.

mod common;

use common::*;
use retort_diff::{diff, Risk};
use retort_schema::{
    AlterColumn, Check, EnumType, FkAction, ForeignKey, Index, Op, PrimaryKey, QName, SqlType,
    Table, Unique,
};

fn q(s: &str) -> QName {
    QName::parse(s)
}

// ---------------------------------------------------------------------------------- tables

#[test]
fn creates_a_table() {
    let to = schema(vec![
        table("users").with_column(col("email", SqlType::Varchar(320)))
    ]);
    let d = assert_plan(
        &schema(vec![]),
        &to,
        &lite(),
        vec![Op::CreateTable(to.tables[0].clone())],
    );
    assert!(d.notes.is_empty());
}

#[test]
fn drops_a_table_with_a_destructive_note() {
    let from = schema(vec![table("legacy")]);
    let d = assert_plan(
        &from,
        &schema(vec![]),
        &pg(),
        vec![Op::DropTable { table: q("legacy") }],
    );
    assert_eq!(risks(&d), [(0, Risk::Destructive)]);
    assert_eq!(d.notes[0].message, "drops table `legacy` and all its rows");
}

fn fk(name: &str, col: &str, target: &str) -> ForeignKey {
    ForeignKey::new(name, [col], target, ["id"])
}

#[test]
fn creates_tables_in_foreign_key_order() {
    // a_comments -> m_posts -> z_users: alphabetical order is exactly wrong.
    let users = table("z_users");
    let posts = table("m_posts")
        .with_column(col("author_id", SqlType::BigInt))
        .foreign_key(fk("fk_m_posts_author_id_z_users", "author_id", "z_users"));
    let comments = table("a_comments")
        .with_column(col("post_id", SqlType::BigInt))
        .foreign_key(fk("fk_a_comments_post_id_m_posts", "post_id", "m_posts"));
    let to = schema(vec![users.clone(), posts.clone(), comments.clone()]);
    assert_plan(
        &schema(vec![]),
        &to,
        &pg(),
        vec![
            Op::CreateTable(users),
            Op::CreateTable(posts),
            Op::CreateTable(comments),
        ],
    );
}

fn cycle() -> (Table, Table) {
    let a = table("a")
        .with_column(col("b_id", SqlType::BigInt).nullable(true))
        .foreign_key(fk("fk_a_b_id_b", "b_id", "b"));
    let b = table("b")
        .with_column(col("a_id", SqlType::BigInt).nullable(true))
        .foreign_key(fk("fk_b_a_id_a", "a_id", "a"));
    (a, b)
}

#[test]
fn a_foreign_key_cycle_is_closed_after_the_tables() {
    let (a, b) = cycle();
    let to = schema(vec![a.clone(), b.clone()]);
    let mut a_bare = a.clone();
    a_bare.foreign_keys.clear();
    assert_plan(
        &schema(vec![]),
        &to,
        &pg(),
        vec![
            Op::CreateTable(a_bare),
            Op::CreateTable(b),
            Op::AddForeignKey {
                table: q("a"),
                foreign_key: fk("fk_a_b_id_b", "b_id", "b"),
            },
        ],
    );
}

#[test]
fn a_cyclic_foreign_key_is_added_after_the_tables_on_every_dialect() {
    // One history, every database: the script diffed against SQLite must run on PostgreSQL
    // and MySQL, which refuse a reference to a table that does not exist yet.
    let (a, b) = cycle();
    let to = schema(vec![a.clone(), b.clone()]);
    let mut a_bare = a.clone();
    a_bare.foreign_keys.clear();
    for opts in [lite(), pg(), my()] {
        let d = assert_plan(
            &schema(vec![]),
            &to,
            &opts,
            vec![
                Op::CreateTable(a_bare.clone()),
                Op::CreateTable(b.clone()),
                Op::AddForeignKey {
                    table: q("a"),
                    foreign_key: fk("fk_a_b_id_b", "b_id", "b"),
                },
            ],
        );
        assert!(
            d.notes.is_empty(),
            "{:?}: no risk for tables created in the same migration: {:?}",
            opts.dialect,
            d.notes
        );
    }
}

#[test]
fn a_self_reference_stays_in_create_table() {
    let t = table("nodes")
        .with_column(col("parent_id", SqlType::BigInt).nullable(true))
        .foreign_key(fk("fk_nodes_parent_id_nodes", "parent_id", "nodes"));
    assert_plan(
        &schema(vec![]),
        &schema(vec![t.clone()]),
        &pg(),
        vec![Op::CreateTable(t)],
    );
}

#[test]
fn drops_children_before_parents() {
    let users = table("a_users");
    let posts = table("z_posts")
        .with_column(col("author_id", SqlType::BigInt))
        .foreign_key(fk("fk_z_posts_author_id_a_users", "author_id", "a_users"));
    let d = assert_plan(
        &schema(vec![users, posts]),
        &schema(vec![]),
        &pg(),
        vec![
            Op::DropTable {
                table: q("z_posts"),
            },
            Op::DropTable {
                table: q("a_users"),
            },
        ],
    );
    assert_eq!(risks(&d), [(0, Risk::Destructive), (1, Risk::Destructive)]);
}

#[test]
fn a_dropped_cycle_loses_its_foreign_key_first() {
    let (a, b) = cycle();
    assert_plan(
        &schema(vec![a, b]),
        &schema(vec![]),
        &pg(),
        vec![
            Op::DropForeignKey {
                table: q("b"),
                name: "fk_b_a_id_a".into(),
            },
            Op::DropTable { table: q("a") },
            Op::DropTable { table: q("b") },
        ],
    );
}

#[test]
fn foreign_keys_to_a_dropped_table_go_first() {
    let users = table("users");
    let posts = table("posts")
        .with_column(col("author_id", SqlType::BigInt))
        .foreign_key(fk("fk_posts_author_id_users", "author_id", "users"));
    let posts_after = table("posts").with_column(col("author_id", SqlType::BigInt));
    assert_plan(
        &schema(vec![users, posts]),
        &schema(vec![posts_after]),
        &pg(),
        vec![
            Op::DropForeignKey {
                table: q("posts"),
                name: "fk_posts_author_id_users".into(),
            },
            Op::DropTable { table: q("users") },
        ],
    );
}

#[test]
fn a_new_table_may_reference_an_existing_one_inline() {
    let users = table("users");
    let posts = table("posts")
        .with_column(col("author_id", SqlType::BigInt))
        .foreign_key(fk("fk_posts_author_id_users", "author_id", "users"));
    assert_plan(
        &schema(vec![users.clone()]),
        &schema(vec![users, posts.clone()]),
        &pg(),
        vec![Op::CreateTable(posts)],
    );
}

#[test]
fn an_existing_table_references_a_new_one_after_it_exists() {
    let posts = table("posts");
    let tags = table("tags");
    let posts_after = table("posts")
        .with_column(col("tag_id", SqlType::BigInt).nullable(true))
        .foreign_key(fk("fk_posts_tag_id_tags", "tag_id", "tags"));
    let d = assert_plan(
        &schema(vec![posts]),
        &schema(vec![posts_after, tags.clone()]),
        &pg(),
        vec![
            Op::AddColumn {
                table: q("posts"),
                column: col("tag_id", SqlType::BigInt).nullable(true),
            },
            Op::CreateTable(tags),
            Op::AddForeignKey {
                table: q("posts"),
                foreign_key: fk("fk_posts_tag_id_tags", "tag_id", "tags"),
            },
        ],
    );
    assert_eq!(risks(&d), [(2, Risk::MayFail)]);
}

// --------------------------------------------------------------------------------- columns

fn users_with(cols: Vec<retort_schema::Column>) -> Table {
    cols.into_iter()
        .fold(table("users"), |t, c| t.with_column(c))
}

#[test]
fn adds_a_nullable_column_without_notes() {
    let from = schema(vec![table("users")]);
    let to = schema(vec![users_with(vec![
        col("age", SqlType::Integer).nullable(true)
    ])]);
    let d = assert_plan(
        &from,
        &to,
        &lite(),
        vec![Op::AddColumn {
            table: q("users"),
            column: col("age", SqlType::Integer).nullable(true),
        }],
    );
    assert!(d.notes.is_empty(), "SQLite adds a nullable column in place");
}

#[test]
fn a_new_not_null_column_without_default_may_fail() {
    let from = schema(vec![table("users")]);
    let to = schema(vec![users_with(vec![col("age", SqlType::Integer)])]);
    let d = assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::AddColumn {
            table: q("users"),
            column: col("age", SqlType::Integer),
        }],
    );
    assert_eq!(risks(&d), [(0, Risk::MayFail)]);
    assert_eq!(
        d.notes[0].message,
        "adds NOT NULL column `users.age` without a default: if `users` has rows, PostgreSQL and SQLite fail, while MySQL/MariaDB fills them with 0 (the type's implicit default) and succeeds; to mean the same everywhere, give it a `server_default`, or add it nullable, fill it, then make it NOT NULL"
    );
}

#[test]
fn a_new_not_null_column_with_default_is_safe() {
    let from = schema(vec![table("users")]);
    let to = schema(vec![users_with(vec![
        col("age", SqlType::Integer).default("0")
    ])]);
    let d = diff(&from, &to, &pg());
    assert_eq!(d.ops.len(), 1);
    assert!(d.notes.is_empty());
}

#[test]
fn drops_a_column_with_a_destructive_note() {
    let from = schema(vec![users_with(vec![col("nick", SqlType::Text)])]);
    let d = assert_plan(
        &from,
        &schema(vec![table("users")]),
        &pg(),
        vec![Op::DropColumn {
            table: q("users"),
            column: "nick".into(),
        }],
    );
    assert_eq!(risks(&d), [(0, Risk::Destructive)]);
    assert_eq!(d.notes[0].message, "drops column `users.nick` and its data");
}

#[test]
fn narrowing_a_varchar_is_flagged() {
    let from = schema(vec![users_with(vec![col("email", SqlType::Varchar(320))])]);
    let to = schema(vec![users_with(vec![col("email", SqlType::Varchar(100))])]);
    let d = assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "email").ty(SqlType::Varchar(100)),
        )],
    );
    assert_eq!(risks(&d), [(0, Risk::Narrowing)]);
}

#[test]
fn widening_is_not_flagged() {
    for (a, b) in [
        (SqlType::Varchar(100), SqlType::Varchar(320)),
        (SqlType::Varchar(100), SqlType::Text),
        (SqlType::Integer, SqlType::BigInt),
        (SqlType::Real, SqlType::Double),
    ] {
        let from = schema(vec![users_with(vec![col("x", a.clone())])]);
        let to = schema(vec![users_with(vec![col("x", b.clone())])]);
        let d = diff(&from, &to, &pg());
        assert_eq!(d.ops.len(), 1, "{a} -> {b}");
        assert!(d.notes.is_empty(), "{a} -> {b}: {:?}", d.notes);
    }
}

#[test]
fn text_and_bigint_narrowings_are_flagged() {
    for (a, b) in [
        (SqlType::Text, SqlType::Varchar(10)),
        (SqlType::BigInt, SqlType::Integer),
        (SqlType::Text, SqlType::Integer),
        (
            SqlType::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
            SqlType::Decimal {
                precision: Some(8),
                scale: Some(2),
            },
        ),
    ] {
        let from = schema(vec![users_with(vec![col("x", a.clone())])]);
        let to = schema(vec![users_with(vec![col("x", b.clone())])]);
        let d = diff(&from, &to, &pg());
        assert_eq!(risks(&d), [(0, Risk::Narrowing)], "{a} -> {b}");
    }
}

#[test]
fn a_type_change_carries_no_dialect_cast() {
    // The script runs on every database: a PostgreSQL `USING "age"::integer` in it would be a
    // syntax error in SQLite's rebuild. PostgreSQL's renderer writes the cast itself.
    let from = schema(vec![users_with(vec![col("age", SqlType::Text)])]);
    let to = schema(vec![users_with(vec![col("age", SqlType::Integer)])]);
    for o in [pg(), my(), lite()] {
        assert_plan(
            &from,
            &to,
            &o,
            vec![Op::AlterColumn(
                AlterColumn::new("users", "age").ty(SqlType::Integer),
            )],
        );
    }
}

#[test]
fn postgres_implicit_casts_get_no_using() {
    let from = schema(vec![users_with(vec![col("n", SqlType::Integer)])]);
    let to = schema(vec![users_with(vec![col("n", SqlType::BigInt)])]);
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "n").ty(SqlType::BigInt),
        )],
    );
    let to = schema(vec![users_with(vec![col("n", SqlType::Text)])]);
    let d = diff(&from, &to, &pg());
    assert_eq!(
        d.ops,
        [Op::AlterColumn(
            AlterColumn::new("users", "n").ty(SqlType::Text)
        )]
    );
}

#[test]
fn making_a_column_not_null_may_fail() {
    let from = schema(vec![users_with(vec![
        col("email", SqlType::Text).nullable(true)
    ])]);
    let to = schema(vec![users_with(vec![col("email", SqlType::Text)])]);
    let d = assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "email").nullable(false),
        )],
    );
    assert_eq!(risks(&d), [(0, Risk::MayFail)]);
    // The other way is safe.
    let d = assert_plan(
        &to,
        &from,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "email").nullable(true),
        )],
    );
    assert!(d.notes.is_empty());
}

#[test]
fn server_defaults_added_changed_removed() {
    let none = schema(vec![users_with(vec![col("status", SqlType::Text)])]);
    let draft = schema(vec![users_with(vec![
        col("status", SqlType::Text).default("'draft'")
    ])]);
    let live = schema(vec![users_with(vec![
        col("status", SqlType::Text).default("'live'")
    ])]);
    assert_plan(
        &none,
        &draft,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "status").set_default("'draft'"),
        )],
    );
    assert_plan(
        &draft,
        &live,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "status").set_default("'live'"),
        )],
    );
    assert_plan(
        &live,
        &none,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "status").drop_default(),
        )],
    );
}

#[test]
fn options_turn_comparisons_off() {
    let from = schema(vec![users_with(vec![
        col("s", SqlType::Text).default("'a'")
    ])]);
    let to = schema(vec![users_with(vec![
        col("s", SqlType::Varchar(9)).default("'b'")
    ])]);
    let mut o = pg();
    o.compare_server_default = false;
    o.compare_types = false;
    assert_no_change(&from, &to, &o);
    o.compare_types = true;
    assert_eq!(
        diff(&from, &to, &o).ops,
        [Op::AlterColumn(
            AlterColumn::new("users", "s").ty(SqlType::Varchar(9))
        )]
    );
}

#[test]
fn column_and_table_comments_on_postgres_and_mysql() {
    let from = schema(vec![users_with(vec![col("age", SqlType::Integer)])]);
    let to = schema(vec![users_with(vec![
        col("age", SqlType::Integer).comment("years")
    ])
    .comment("people")]);
    for o in [pg(), my()] {
        assert_plan(
            &from,
            &to,
            &o,
            vec![
                Op::AlterColumn(AlterColumn::new("users", "age").comment(Some("years"))),
                Op::SetTableComment {
                    table: q("users"),
                    comment: Some("people".into()),
                },
            ],
        );
    }
}

#[test]
fn sqlite_ignores_comments() {
    let from = schema(vec![users_with(vec![col("age", SqlType::Integer)])]);
    let to = schema(vec![users_with(vec![
        col("age", SqlType::Integer).comment("years")
    ])
    .comment("people")]);
    assert_no_change(&from, &to, &lite());
}

#[test]
fn autoincrement_versus_identity_is_not_a_change() {
    let mut from = schema(vec![table("users")]);
    from.tables[0].columns[0].autoincrement = false;
    assert_no_change(&from, &schema(vec![table("users")]), &pg());
}

// --------------------------------------------------------------------------------- renames

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
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::RenameTable {
            table: q("people"),
            new_name: "users".into(),
        }],
    );
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
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "nick")
                .rename("handle")
                .ty(SqlType::Text)
                .nullable(true),
        )],
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
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "age").rename("years"),
        )],
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
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::RenameTable {
            table: q("people"),
            new_name: "users".into(),
        }],
    );
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

// ----------------------------------------------------------------- indexes and constraints

#[test]
fn an_index_comes_after_its_column() {
    let from = schema(vec![table("users")]);
    let to = schema(vec![users_with(vec![
        col("email", SqlType::Text).nullable(true)
    ])
    .index(Index::new("ix_users_email", ["email"]))]);
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![
            Op::AddColumn {
                table: q("users"),
                column: col("email", SqlType::Text).nullable(true),
            },
            Op::CreateIndex {
                table: q("users"),
                index: Index::new("ix_users_email", ["email"]),
            },
        ],
    );
}

#[test]
fn an_index_goes_before_its_column() {
    let from = schema(vec![users_with(vec![col("email", SqlType::Text)])
        .index(Index::new("ix_users_email", ["email"]))]);
    let to = schema(vec![table("users")]);
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![
            Op::DropIndex {
                table: q("users"),
                name: "ix_users_email".into(),
            },
            Op::DropColumn {
                table: q("users"),
                column: "email".into(),
            },
        ],
    );
}

#[test]
fn a_changed_index_is_dropped_and_created() {
    let base = users_with(vec![col("a", SqlType::Text), col("b", SqlType::Text)]);
    let from = schema(vec![base.clone().index(Index::new("ix_users_a", ["a"]))]);
    let to = schema(vec![
        base.index(Index::new("ix_users_a", ["a", "b"]).unique())
    ]);
    let d = assert_plan(
        &from,
        &to,
        &pg(),
        vec![
            Op::DropIndex {
                table: q("users"),
                name: "ix_users_a".into(),
            },
            Op::CreateIndex {
                table: q("users"),
                index: Index::new("ix_users_a", ["a", "b"]).unique(),
            },
        ],
    );
    assert_eq!(risks(&d), [(1, Risk::MayFail)]);
}

#[test]
fn a_partial_index_predicate_is_normalized() {
    let base = users_with(vec![col("a", SqlType::Text).nullable(true)]);
    let from = schema(vec![base
        .clone()
        .index(Index::new("ix_users_a", ["a"]).predicate("(a IS NOT NULL)"))]);
    let to = schema(vec![base
        .clone()
        .index(Index::new("ix_users_a", ["a"]).predicate("a is not null"))]);
    assert_no_change(&from, &to, &pg());
    let other = schema(vec![
        base.index(Index::new("ix_users_a", ["a"]).predicate("a IS NULL"))
    ]);
    assert_eq!(diff(&from, &other, &pg()).ops.len(), 2);
}

#[test]
fn a_new_unique_constraint_may_fail() {
    let base = users_with(vec![col("email", SqlType::Text)]);
    let d = assert_plan(
        &schema(vec![base.clone()]),
        &schema(vec![base.unique(Unique::new("uq_users_email", ["email"]))]),
        &pg(),
        vec![Op::AddUnique {
            table: q("users"),
            unique: Unique::new("uq_users_email", ["email"]),
        }],
    );
    assert_eq!(risks(&d), [(0, Risk::MayFail)]);
    assert!(d.notes[0].message.contains("duplicates"));
}

#[test]
fn foreign_key_action_changes_are_drop_and_add() {
    let users = table("users");
    let posts = |f: ForeignKey| {
        table("posts")
            .with_column(col("author_id", SqlType::BigInt))
            .foreign_key(f)
    };
    let plain = fk("fk_posts_author_id_users", "author_id", "users");
    let cascade = plain.clone().on_delete(FkAction::Cascade);
    let from = schema(vec![users.clone(), posts(plain)]);
    let to = schema(vec![users.clone(), posts(cascade.clone())]);
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![
            Op::DropForeignKey {
                table: q("posts"),
                name: "fk_posts_author_id_users".into(),
            },
            Op::AddForeignKey {
                table: q("posts"),
                foreign_key: cascade.clone(),
            },
        ],
    );
    let deferred = schema(vec![users.clone(), posts(cascade.clone().deferrable())]);
    assert_eq!(diff(&to, &deferred, &pg()).ops.len(), 2);
    let updated = schema(vec![users, posts(cascade.on_update(FkAction::SetNull))]);
    assert_eq!(diff(&to, &updated, &pg()).ops.len(), 2);
}

#[test]
fn no_action_and_unspecified_are_the_same() {
    let users = table("users");
    let posts = |f: ForeignKey| {
        table("posts")
            .with_column(col("author_id", SqlType::BigInt))
            .foreign_key(f)
    };
    let plain = fk("fk_posts_author_id_users", "author_id", "users");
    let from = schema(vec![
        users.clone(),
        posts(plain.clone().on_delete(FkAction::NoAction)),
    ]);
    let to = schema(vec![users.clone(), posts(plain.clone())]);
    assert_no_change(&from, &to, &pg());
    // MySQL: RESTRICT is what MariaDB reports for an unspecified rule.
    let from = schema(vec![
        users,
        posts(
            plain
                .on_delete(FkAction::Restrict)
                .on_update(FkAction::Restrict),
        ),
    ]);
    assert_no_change(&from, &to, &my());
    assert!(!diff(&from, &to, &pg()).ops.is_empty());
}

#[test]
fn check_expression_changes_are_detected() {
    let base = users_with(vec![col("age", SqlType::Integer)]);
    let from = schema(vec![base
        .clone()
        .check(Check::new("ck_users_age", "(age >= 0)"))]);
    let to = schema(vec![base.check(Check::new("ck_users_age", "age >= 18"))]);
    let d = assert_plan(
        &from,
        &to,
        &pg(),
        vec![
            Op::DropCheck {
                table: q("users"),
                name: "ck_users_age".into(),
            },
            Op::AddCheck {
                table: q("users"),
                check: Check::new("ck_users_age", "age >= 18"),
            },
        ],
    );
    assert_eq!(risks(&d), [(1, Risk::MayFail)]);
}

#[test]
fn check_spelling_differences_are_not_changes() {
    let base = users_with(vec![
        col("age", SqlType::Integer),
        col("status", SqlType::Text),
    ]);
    let cases = [
        ("(age >= 0)", "age >= 0"),
        ("((age >= 0) AND (age < 200))", "age >= 0 and age < 200"),
        ("(\"age\" <> 3)", "age != 3"),
        (
            "(status = ANY (ARRAY['a'::text, 'b'::text]))",
            "status IN ('a', 'b')",
        ),
        ("`age` >= 0", "AGE>=0"),
    ];
    for (db, model) in cases {
        let from = schema(vec![base.clone().check(Check::new("ck_users_x", db))]);
        let to = schema(vec![base.clone().check(Check::new("ck_users_x", model))]);
        assert_no_change(&from, &to, &pg());
    }
}

#[test]
fn a_check_renamed_is_drop_and_add() {
    let base = users_with(vec![col("age", SqlType::Integer)]);
    let from = schema(vec![base
        .clone()
        .check(Check::new("ck_users_a", "age >= 0"))]);
    let to = schema(vec![base.check(Check::new("ck_users_b", "age >= 0"))]);
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![
            Op::DropCheck {
                table: q("users"),
                name: "ck_users_a".into(),
            },
            Op::AddCheck {
                table: q("users"),
                check: Check::new("ck_users_b", "age >= 0"),
            },
        ],
    );
}

#[test]
fn primary_key_changes_are_drop_and_add() {
    let base = Table::new("pairs")
        .with_column(col("a", SqlType::Integer))
        .with_column(col("b", SqlType::Integer));
    let from = schema(vec![base.clone().primary_key("pk_pairs", ["a"])]);
    let to = schema(vec![base.primary_key("pk_pairs", ["a", "b"])]);
    let d = assert_plan(
        &from,
        &to,
        &pg(),
        vec![
            Op::DropPrimaryKey {
                table: q("pairs"),
                name: "pk_pairs".into(),
            },
            Op::AddPrimaryKey {
                table: q("pairs"),
                primary_key: PrimaryKey::new("pk_pairs", ["a", "b"]),
            },
        ],
    );
    assert_eq!(risks(&d), [(1, Risk::MayFail)]);
}

// ------------------------------------------------------------------------ PostgreSQL enums

fn mood(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn with_mood(values: &[&str]) -> retort_schema::Schema {
    schema_enums(
        vec![users_with(vec![col("mood", mood(values))])],
        vec![EnumType::new("mood", values.iter().copied())],
    )
}

#[test]
fn an_enum_type_is_created_before_its_table() {
    let to = with_mood(&["ok", "meh"]);
    assert_plan(
        &schema(vec![]),
        &to,
        &pg(),
        vec![
            Op::CreateEnum(EnumType::new("mood", ["ok", "meh"])),
            Op::CreateTable(to.tables[0].clone()),
        ],
    );
}

#[test]
fn enum_types_come_from_columns_when_the_list_is_empty() {
    let to = schema(vec![users_with(vec![col("mood", mood(&["ok"]))])]);
    let d = diff(&schema(vec![]), &to, &pg());
    assert_eq!(d.ops[0], Op::CreateEnum(EnumType::new("mood", ["ok"])));
}

#[test]
fn appended_enum_values_are_added() {
    let d = assert_plan(
        &with_mood(&["ok"]),
        &with_mood(&["ok", "meh", "sad"]),
        &pg(),
        vec![
            Op::AddEnumValue {
                name: q("mood"),
                value: "meh".into(),
                before: None,
            },
            Op::AddEnumValue {
                name: q("mood"),
                value: "sad".into(),
                before: None,
            },
        ],
    );
    assert!(d.notes.is_empty());
}

#[test]
fn removed_or_reordered_enum_values_are_a_rewrite() {
    for target in [&["ok"][..], &["meh", "ok"][..], &["ok", "new", "meh"][..]] {
        let d = assert_plan(
            &with_mood(&["ok", "meh"]),
            &with_mood(target),
            &pg(),
            vec![Op::SetEnumValues {
                name: q("mood"),
                values: target.iter().map(|v| v.to_string()).collect(),
            }],
        );
        assert_eq!(risks(&d), [(0, Risk::Rewrite)]);
    }
}

#[test]
fn an_enum_type_is_dropped_last() {
    let from = with_mood(&["ok"]);
    assert_plan(
        &from,
        &schema(vec![]),
        &pg(),
        vec![
            Op::DropTable { table: q("users") },
            Op::DropEnum { name: q("mood") },
        ],
    );
}

// --------------------------------------------------------- PostgreSQL normalization (no noise)

#[test]
fn postgres_type_spellings_are_not_changes() {
    let pairs = [
        (SqlType::Custom("int4".into()), SqlType::Integer),
        (SqlType::Custom("integer".into()), SqlType::Integer),
        (SqlType::Custom("int8".into()), SqlType::BigInt),
        (
            SqlType::Custom("character varying(20)".into()),
            SqlType::Varchar(20),
        ),
        (
            SqlType::Custom("timestamptz".into()),
            SqlType::Timestamp {
                with_time_zone: true,
            },
        ),
        (
            SqlType::Custom("timestamp with time zone".into()),
            SqlType::Timestamp {
                with_time_zone: true,
            },
        ),
        (SqlType::Custom("bool".into()), SqlType::Boolean),
        (SqlType::Custom("double precision".into()), SqlType::Double),
        (
            SqlType::Decimal {
                precision: Some(8),
                scale: Some(0),
            },
            SqlType::Decimal {
                precision: Some(8),
                scale: None,
            },
        ),
    ];
    for (db, model) in pairs {
        let from = schema(vec![users_with(vec![col("x", db)])]);
        let to = schema(vec![users_with(vec![col("x", model)])]);
        assert_no_change(&from, &to, &pg());
    }
}

#[test]
fn postgres_jsonb_and_json_differ() {
    let from = schema(vec![users_with(vec![col(
        "x",
        SqlType::Json { binary: false },
    )])]);
    let to = schema(vec![users_with(vec![col(
        "x",
        SqlType::Json { binary: true },
    )])]);
    assert_eq!(diff(&from, &to, &pg()).ops.len(), 1);
}

fn default_pair(
    ty: SqlType,
    db: &str,
    model: &str,
) -> (retort_schema::Schema, retort_schema::Schema) {
    (
        schema(vec![users_with(vec![col("x", ty.clone()).default(db)])]),
        schema(vec![users_with(vec![col("x", ty).default(model)])]),
    )
}

#[test]
fn postgres_default_spellings_are_not_changes() {
    let ts = SqlType::Timestamp {
        with_time_zone: true,
    };
    let num = SqlType::Decimal {
        precision: Some(10),
        scale: Some(2),
    };
    let cases = [
        (SqlType::Text, "'x'::text", "'x'"),
        (
            SqlType::Varchar(20),
            "'draft'::character varying",
            "'draft'",
        ),
        (ts.clone(), "now()", "CURRENT_TIMESTAMP"),
        (ts, "CURRENT_TIMESTAMP", "now()"),
        (SqlType::Boolean, "false", "'false'"),
        (SqlType::Boolean, "true", "TRUE"),
        (num.clone(), "'0'::numeric", "0"),
        (num, "0.00", "0"),
        (SqlType::Integer, "'-1'::integer", "-1"),
        (SqlType::Json { binary: true }, "'{}'::jsonb", "'{}'"),
        (SqlType::Text, "('it''s'::text)", "'it''s'"),
    ];
    for (ty, db, model) in cases {
        let (from, to) = default_pair(ty.clone(), db, model);
        assert_no_change(&from, &to, &pg());
    }
}

#[test]
fn postgres_real_default_changes_are_seen() {
    for (ty, a, b) in [
        (SqlType::Text, "'x'::text", "'y'"),
        (SqlType::Boolean, "false", "true"),
        (SqlType::Integer, "0", "1"),
        (SqlType::Text, "'0'", "'00'"),
    ] {
        let (from, to) = default_pair(ty, a, b);
        assert_eq!(diff(&from, &to, &pg()).ops.len(), 1, "{a} vs {b}");
    }
}

#[test]
fn a_nextval_default_on_an_identity_is_not_a_default() {
    let mut from = schema(vec![table("users")]);
    from.tables[0].columns[0].default = Some("nextval('users_id_seq'::regclass)".into());
    assert_no_change(&from, &schema(vec![table("users")]), &pg());
}

// ------------------------------------------------------------------------------------ MySQL

#[test]
fn mysql_type_spellings_are_not_changes() {
    let pairs = [
        (SqlType::Custom("tinyint(1)".into()), SqlType::Boolean),
        (SqlType::Custom("LONGTEXT".into()), SqlType::Text),
        (SqlType::Custom("int(11)".into()), SqlType::Integer),
        (SqlType::Custom("bigint(20)".into()), SqlType::BigInt),
        (SqlType::Custom("char(36)".into()), SqlType::Uuid),
        (
            SqlType::Custom("datetime".into()),
            SqlType::Timestamp {
                with_time_zone: false,
            },
        ),
        (
            SqlType::Json { binary: false },
            SqlType::Json { binary: true },
        ),
        (
            SqlType::Timestamp {
                with_time_zone: false,
            },
            SqlType::Timestamp {
                with_time_zone: true,
            },
        ),
        (
            SqlType::Enum {
                name: "users_mood".into(),
                values: vec!["ok".into(), "meh".into()],
            },
            mood(&["ok", "meh"]),
        ),
    ];
    for (db, model) in pairs {
        let from = schema(vec![users_with(vec![col("x", db)])]);
        let to = schema(vec![users_with(vec![col("x", model)])]);
        assert_no_change(&from, &to, &my());
    }
}

#[test]
fn mysql_default_spellings_are_not_changes() {
    let ts = SqlType::Timestamp {
        with_time_zone: false,
    };
    let cases = [
        (SqlType::Varchar(10), "'draft'", "'draft'"),
        (SqlType::Varchar(10), "draft", "'draft'"),
        (SqlType::Varchar(10), "hello world", "'hello world'"),
        (ts, "current_timestamp()", "CURRENT_TIMESTAMP"),
        (SqlType::Integer, "0", "'0'"),
        (SqlType::Integer, "'0'", "0"),
        (SqlType::Boolean, "1", "true"),
        (SqlType::Boolean, "0", "FALSE"),
        (SqlType::Varchar(10), "0", "'0'"),
        (mood(&["ok"]), "'ok'", "'ok'"),
    ];
    for (ty, db, model) in cases {
        let (from, to) = default_pair(ty, db, model);
        assert_no_change(&from, &to, &my());
    }
    let (from, to) = default_pair(SqlType::Varchar(10), "draft", "'live'");
    assert_eq!(diff(&from, &to, &my()).ops.len(), 1);
}

#[test]
fn a_null_default_is_no_default() {
    let from = schema(vec![users_with(vec![col("x", SqlType::Text)
        .nullable(true)
        .default("NULL")])]);
    let to = schema(vec![users_with(vec![
        col("x", SqlType::Text).nullable(true)
    ])]);
    for o in [my(), pg(), lite()] {
        assert_no_change(&from, &to, &o);
    }
}

#[test]
fn mysql_enum_value_changes_alter_the_column() {
    let from = schema(vec![users_with(vec![col(
        "mood",
        SqlType::Enum {
            name: "users_mood".into(),
            values: vec!["ok".into(), "meh".into()],
        },
    )])]);
    let to = schema(vec![users_with(vec![col("mood", mood(&["ok"]))])]);
    let d = assert_plan(
        &from,
        &to,
        &my(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "mood").ty(mood(&["ok"])),
        )],
    );
    assert_eq!(risks(&d), [(0, Risk::Narrowing)]);
    let to = schema(vec![users_with(vec![col(
        "mood",
        mood(&["ok", "meh", "sad"]),
    )])]);
    let d = diff(&from, &to, &my());
    assert_eq!(d.ops.len(), 1);
    assert!(d.notes.is_empty(), "appending is safe");
}

#[test]
fn enum_value_changes_are_enum_operations_on_every_dialect() {
    // `from` as `reconcile` gives it: the enum columns carry the history's type name and
    // `enums` lists the history's types (with the live values).
    let mood_type = |values: &[&str]| retort_schema::EnumType {
        schema: None,
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let mut from = schema(vec![users_with(vec![col("mood", mood(&["ok", "meh"]))])]);
    from.enums = vec![mood_type(&["ok", "meh"])];
    for o in [my(), pg(), lite()] {
        let to = schema(vec![users_with(vec![col(
            "mood",
            mood(&["ok", "meh", "sad"]),
        )])]);
        assert_plan(
            &from,
            &to,
            &o,
            vec![Op::AddEnumValue {
                name: q("mood"),
                value: "sad".into(),
                before: None,
            }],
        );
        for values in [&["ok"][..], &["meh", "ok"][..]] {
            let to = schema(vec![users_with(vec![col("mood", mood(values))])]);
            assert_plan(
                &from,
                &to,
                &o,
                vec![Op::SetEnumValues {
                    name: q("mood"),
                    values: values.iter().map(|v| v.to_string()).collect(),
                }],
            );
        }
    }
}

#[test]
fn mysql_unique_index_and_unique_constraint_are_the_same() {
    let base = users_with(vec![col("email", SqlType::Varchar(320))]);
    let from = schema(vec![base
        .clone()
        .unique(Unique::new("uq_users_email", ["email"]))]);
    let to = schema(vec![base
        .clone()
        .index(Index::new("uq_users_email", ["email"]).unique())]);
    assert_no_change(&from, &to, &my());
    assert_no_change(&to, &from, &my());
    assert_eq!(diff(&from, &to, &pg()).ops.len(), 2, "not on PostgreSQL");
    let other = schema(vec![
        base.index(Index::new("uq_users_email", ["id", "email"]).unique())
    ]);
    assert_eq!(
        diff(&from, &other, &my()).ops,
        [
            Op::DropUnique {
                table: q("users"),
                name: "uq_users_email".into()
            },
            Op::CreateIndex {
                table: q("users"),
                index: Index::new("uq_users_email", ["id", "email"]).unique()
            },
        ]
    );
}

#[test]
fn mysql_primary_key_name_is_irrelevant() {
    let from = schema(vec![table("users").primary_key("PRIMARY", ["id"])]);
    assert_no_change(&from, &schema(vec![table("users")]), &my());
}

// ----------------------------------------------------------------------------------- SQLite

#[test]
fn sqlite_spellings_are_not_changes() {
    let ts = SqlType::Timestamp {
        with_time_zone: false,
    };
    let from = schema(vec![users_with(vec![
        col("a", SqlType::Custom("DATETIME".into())).default("(CURRENT_TIMESTAMP)"),
        col("b", SqlType::Custom("varchar(20)".into())),
        col("c", SqlType::Custom("Int".into())).default("(0)"),
    ])]);
    let to = schema(vec![users_with(vec![
        col("a", ts).default("CURRENT_TIMESTAMP"),
        col("b", SqlType::Varchar(20)),
        col("c", SqlType::Integer).default("0"),
    ])]);
    assert_no_change(&from, &to, &lite());
}

#[test]
fn sqlite_rowid_alias_is_integer_even_if_the_model_says_bigint() {
    let mut from = schema(vec![table("users")]);
    from.tables[0].columns[0].ty = SqlType::Integer;
    assert_no_change(&from, &schema(vec![table("users")]), &lite());
    assert_eq!(
        diff(&from, &schema(vec![table("users")]), &pg()).ops.len(),
        1
    );
}

fn sqlite_enum_table(values: &[&str]) -> Table {
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    users_with(vec![col(
        "mood",
        SqlType::Enum {
            name: "users_mood".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        },
    )])
    .check(Check::new(
        "ck_users_mood_enum",
        format!("\"mood\" IN ({list})"),
    ))
}

#[test]
fn sqlite_enum_check_is_part_of_the_column() {
    let from = schema(vec![sqlite_enum_table(&["ok", "meh"])]);
    let to = schema(vec![users_with(vec![col("mood", mood(&["ok", "meh"]))])]);
    assert_no_change(&from, &to, &lite());
}

#[test]
fn sqlite_enum_change_is_a_column_rebuild() {
    let from = schema(vec![sqlite_enum_table(&["ok", "meh"])]);
    let to = schema(vec![users_with(vec![col(
        "mood",
        mood(&["ok", "meh", "sad"]),
    )])]);
    let d = diff(&from, &to, &lite());
    assert_eq!(
        d.ops,
        [Op::AlterColumn(
            AlterColumn::new("users", "mood").ty(mood(&["ok", "meh", "sad"]))
        )]
    );
    assert_eq!(risks(&d), [(0, Risk::Rewrite)]);
    assert!(d.notes[0].message.contains("SQLite rebuilds table `users`"));
}

#[test]
fn sqlite_rebuilds_are_flagged() {
    let base = users_with(vec![col("email", SqlType::Text)]);
    let d = diff(
        &schema(vec![base.clone()]),
        &schema(vec![base
            .clone()
            .unique(Unique::new("uq_users_email", ["email"]))]),
        &lite(),
    );
    assert_eq!(risks(&d), [(0, Risk::MayFail), (0, Risk::Rewrite)]);
    // A column with a non-constant default cannot be added in place.
    let d = diff(
        &schema(vec![base.clone()]),
        &schema(vec![base.with_column(
            col(
                "at",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )
            .default("CURRENT_TIMESTAMP"),
        )]),
        &lite(),
    );
    assert_eq!(risks(&d), [(0, Risk::Rewrite)]);
}

// ----------------------------------------------------------------------------- whole plans

#[test]
fn an_unchanged_schema_gives_nothing_on_every_dialect() {
    let users = table("users")
        .with_column(col("email", SqlType::Varchar(320)))
        .unique(Unique::new("uq_users_email", ["email"]));
    let posts = table("posts")
        .with_column(col("author_id", SqlType::BigInt))
        .with_column(col("body", SqlType::Text).nullable(true))
        .index(Index::new("ix_posts_author_id", ["author_id"]))
        .foreign_key(
            fk("fk_posts_author_id_users", "author_id", "users").on_delete(FkAction::Cascade),
        )
        .check(Check::new("ck_posts_body", "length(body) > 0"));
    let s = schema(vec![users, posts]);
    for o in [pg(), my(), lite()] {
        assert_no_change(&s, &s, &o);
    }
}

#[test]
fn a_mixed_plan_is_ordered_and_reversible() {
    let from = schema_enums(
        vec![
            table("users")
                .with_column(col("nick", SqlType::Varchar(40)))
                .with_column(col("legacy", SqlType::Text).nullable(true))
                .index(Index::new("ix_users_legacy", ["legacy"])),
            table("old_logs"),
        ],
        vec![],
    );
    let to = schema_enums(
        vec![
            table("users")
                .with_column(col("handle", SqlType::Varchar(40)).renamed_from("nick"))
                .with_column(col("mood", mood(&["ok"])).default("'ok'"))
                .index(Index::new("ix_users_handle", ["handle"])),
            table("posts")
                .with_column(col("author_id", SqlType::BigInt))
                .foreign_key(fk("fk_posts_author_id_users", "author_id", "users")),
        ],
        vec![EnumType::new("mood", ["ok"])],
    );
    let d = diff(&from, &to, &pg());
    let kinds: Vec<String> = d.ops.iter().map(|o| o.describe()).collect();
    assert_eq!(
        kinds,
        [
            "create enum type mood",
            "drop index ix_users_legacy on users",
            "drop table old_logs",
            "drop column users.legacy",
            "rename column users.nick -> handle",
            "add column users.mood",
            "create index ix_users_handle on users",
            "create table posts",
        ]
    );
    round_trip(&from, &to, &pg(), &d);
    assert_eq!(risks(&d), [(2, Risk::Destructive), (3, Risk::Destructive)]);
}

#[test]
fn tables_in_a_schema_are_matched_by_qualified_name() {
    let from = schema(vec![table("events").schema("audit")]);
    let to = schema(vec![table("events")
        .schema("audit")
        .with_column(col("at", SqlType::Date).nullable(true))]);
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::AddColumn {
            table: q("audit.events"),
            column: col("at", SqlType::Date).nullable(true),
        }],
    );
}

#[test]
fn mariadb_spellings_of_timestamp_defaults_and_length_checks_are_no_change() {
    use retort_diff::{normalize_expr, same_default};
    use retort_schema::Dialect;
    let ts = SqlType::Timestamp {
        with_time_zone: false,
    };
    assert!(same_default(
        Some("current_timestamp(6)"),
        Some("CURRENT_TIMESTAMP"),
        &ts,
        Dialect::Mysql
    ));
    assert!(same_default(
        Some("now(3)"),
        Some("CURRENT_TIMESTAMP"),
        &ts,
        Dialect::Postgres
    ));
    assert!(!same_default(
        Some("current_timestamp(6)"),
        Some("'2020-01-01'"),
        &ts,
        Dialect::Mysql
    ));
    assert_eq!(
        normalize_expr("octet_length(`body`) > 0"),
        normalize_expr("length(body) > 0")
    );
    assert_ne!(
        normalize_expr("octet_length(body) > 1"),
        normalize_expr("length(body) > 0")
    );
}

#[test]
fn postgres_spelling_of_negative_literals_in_checks_is_no_change() {
    use retort_diff::normalize_expr;
    assert_eq!(
        normalize_expr("((small > '-100'::integer) AND (small < 100))"),
        normalize_expr("small > -100 AND small < 100")
    );
    assert_ne!(
        normalize_expr("a - 1 > 0"),
        normalize_expr("a -1 > 0 AND b")
    );
    assert_eq!(normalize_expr("a - 1 > 0"), normalize_expr("(a - 1) > 0"));
}

/// MySQL and SQLite keep no enum names: the caller passes the enum types the history created
/// in `from.enums`. The last column of a type going away drops the type (a no-op there, but
/// the same history then runs on PostgreSQL); a type the history already has is not created
/// again; with no history types, nothing is invented.
#[test]
fn inline_enum_dialects_drop_the_history_type_when_its_last_column_goes() {
    // As introspected: the column's enum is named `<table>_<column>`, `enums` is the history's.
    let inline = |values: &[&str]| SqlType::Enum {
        name: "users_mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    for o in [my(), lite()] {
        let db = schema_enums(
            vec![users_with(vec![col("mood", inline(&["ok"]))])],
            vec![EnumType::new("mood", ["ok"])],
        );
        let d = diff(&db, &schema(vec![users_with(vec![])]), &o);
        assert_eq!(
            d.ops.last(),
            Some(&Op::DropEnum { name: q("mood") }),
            "{:?}: {:?}",
            o.dialect,
            d.ops
        );
        // In sync: no change.
        assert_no_change(&db, &with_mood(&["ok"]), &o);
        // The type is in the history but no column uses it: a new column reuses it.
        let bare = schema_enums(
            vec![users_with(vec![])],
            vec![EnumType::new("mood", ["ok"])],
        );
        let d = diff(&bare, &with_mood(&["ok"]), &o);
        assert!(
            !d.ops
                .iter()
                .any(|op| matches!(op, Op::CreateEnum(_) | Op::DropEnum { .. })),
            "{:?}: {:?}",
            o.dialect,
            d.ops
        );
        // Without history types, introspection lists the columns' own: nothing is dropped
        // while the column stays, and nothing is invented.
        let mut introspected = schema(vec![users_with(vec![col("mood", inline(&["ok"]))])]);
        introspected.collect_enums_from_columns();
        assert_no_change(&introspected, &with_mood(&["ok"]), &o);
    }
}

// ---------------------------------------------------------------------------------- downgrades

/// Downgrades get the notes upgrades get: re-adding a NOT NULL column without a default,
/// narrowing back, removing an enum value.
#[test]
fn downgrades_carry_risk_notes_like_upgrades() {
    let status = |values: &[&str]| SqlType::Enum {
        name: "status".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let with_enums = |cols: Vec<retort_schema::Column>| {
        let mut s = schema(vec![users_with(cols)]);
        s.collect_enums_from_columns();
        s
    };
    for opts in [lite(), pg(), my()] {
        let d = opts.dialect;
        // The upgrade drops a NOT NULL column, widens a VARCHAR, adds an enum value.
        let from = with_enums(vec![
            col("code", SqlType::Varchar(10)),
            col("name", SqlType::Varchar(10)),
            col("state", status(&["a", "b"])),
        ]);
        let to = with_enums(vec![
            col("name", SqlType::Varchar(200)),
            col("state", status(&["a", "b", "c"])),
        ]);
        let up = diff(&from, &to, &opts).ops;
        let (down, notes) = retort_diff::downgrade_with_notes(&from, &up, d).unwrap();
        let said: Vec<&str> = notes.iter().map(|n| n.message.as_str()).collect();
        let has = |what: &[&str]| said.iter().any(|m| what.iter().all(|w| m.contains(w)));
        assert!(
            has(&[
                "adds NOT NULL column `users.code` without a default",
                "MySQL/MariaDB fills them with ''"
            ]),
            "{d}: {said:?}"
        );
        assert!(
            has(&["`users.name`", "longer than 10 characters"]),
            "{d}: {said:?}"
        );
        assert!(
            has(&["c"]) && (has(&["removes enum value(s) c"]) || has(&["(a, b, c -> a, b)"])),
            "{d}: removing enum value c is flagged: {said:?}"
        );
        // Each note is attached to the operation it is about (the generated downgrade body
        // writes it as a `// WARNING` comment above that operation: retort-codegen).
        let on_code = notes
            .iter()
            .find(|n| n.message.starts_with("adds NOT NULL column `users.code`"))
            .expect("a note on re-adding users.code");
        assert_eq!(on_code.risk.label(), "may fail", "{d}");
        assert!(
            matches!(&down[on_code.op_index], Op::AddColumn { column, .. } if column.name == "code"),
            "{d}: {:?}",
            down[on_code.op_index]
        );
    }
}

#[test]
fn an_auto_increment_column_in_a_composite_primary_key_is_noted_for_every_database() {
    // The same script runs on the three databases: the note says where it means something
    // else, whichever database it was diffed against.
    let from = schema(vec![
        table("lines").with_column(col("code", SqlType::Varchar(10)))
    ]);
    let mut to = from.clone();
    to.tables[0].primary_key.as_mut().unwrap().columns = vec!["id".into(), "code".into()];
    for o in [lite(), pg(), my()] {
        let d = assert_plan(
            &from,
            &to,
            &o,
            vec![
                Op::DropPrimaryKey {
                    table: q("lines"),
                    name: "pk_lines".into(),
                },
                Op::AddPrimaryKey {
                    table: q("lines"),
                    primary_key: PrimaryKey {
                        name: "pk_lines".into(),
                        columns: vec!["id".into(), "code".into()],
                    },
                },
            ],
        );
        assert!(
            d.notes_for(1).any(|n| n.risk == Risk::MayFail
                && n.message.contains("`lines.id` is auto-increment in a primary key of 2 columns: SQLite gives it no values")),
            "{:?}: {:?}",
            o.dialect,
            d.notes
        );
    }
}
