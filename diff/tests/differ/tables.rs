//! Tables: created, dropped, in foreign-key order, cycles.

use super::*;

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
            add_column("posts", col("tag_id", SqlType::BigInt).nullable(true)),
            Op::CreateTable(tags),
            Op::AddForeignKey {
                table: q("posts"),
                foreign_key: fk("fk_posts_tag_id_tags", "tag_id", "tags"),
            },
        ],
    );
    assert_eq!(risks(&d), [(2, Risk::MayFail)]);
}
