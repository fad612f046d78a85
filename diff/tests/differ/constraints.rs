//! Indexes and constraints: order, changes, actions, checks, primary keys.

use super::*;

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
            add_column("users", col("email", SqlType::Text).nullable(true)),
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
            drop_index("users", "ix_users_email"),
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
            drop_index("users", "ix_users_a"),
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

/// `posts(author_id)` with the foreign key `f`.
fn posts(f: ForeignKey) -> Table {
    table("posts")
        .with_column(col("author_id", SqlType::BigInt))
        .foreign_key(f)
}

#[test]
fn foreign_key_action_changes_are_drop_and_add() {
    let users = table("users");
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

/// `users (age)` with check `before`, then with check `after`: the plan (on PostgreSQL) drops
/// the old check and adds the new one.
fn check_replaced(before: Check, after: Check) -> retort_diff::Diff {
    let base = users_with(vec![col("age", SqlType::Integer)]);
    let old_name = before.name.clone();
    let from = schema(vec![base.clone().check(before)]);
    let to = schema(vec![base.check(after.clone())]);
    let drop = Op::DropCheck {
        table: q("users"),
        name: old_name,
    };
    let add = Op::AddCheck {
        table: q("users"),
        check: after,
    };
    assert_plan(&from, &to, &pg(), vec![drop, add])
}

#[test]
fn check_expression_changes_are_detected() {
    let d = check_replaced(
        Check::new("ck_users_age", "(age >= 0)"),
        Check::new("ck_users_age", "age >= 18"),
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
    check_replaced(
        Check::new("ck_users_a", "age >= 0"),
        Check::new("ck_users_b", "age >= 0"),
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
