//! Indexes and unique constraints the model does not name (`Table::convention_names`) match a
//! database index or constraint on the same columns whatever its name; explicit names compare
//! by name. MySQL: an index a foreign key uses is dropped after its replacement is created.

use super::*;
use retort_diff::diff;
use retort_schema::{ForeignKey, Index, Op, QName, SqlType, Table, Unique};

fn users(unique: &str, convention: bool) -> Table {
    let mut t = table("users").with_column(col("email", SqlType::Varchar(200)));
    t.uniques.push(Unique {
        name: unique.into(),
        columns: vec!["email".into()],
    });
    if convention {
        t.convention_names.push(unique.into());
    }
    t
}

fn index(name: &str, cols: &[&str], unique: bool) -> Index {
    Index {
        name: name.into(),
        columns: cols.iter().map(|c| c.to_string()).collect(),
        unique,
        predicate: None,
        dialects: Vec::new(),
    }
}

#[test]
fn an_unnamed_unique_matches_a_constraint_of_any_name() {
    let db = schema(vec![users("users_email_key", false)]);
    let models = schema(vec![users("uq_users_email", true)]);
    for o in [pg(), my(), lite()] {
        assert_no_change(&db, &models, &o);
    }
}

#[test]
fn an_unnamed_unique_matches_a_unique_index() {
    let mut t = table("users").with_column(col("email", SqlType::Varchar(200)));
    t.indexes.push(index("hand_email", &["email"], true));
    let db = schema(vec![t]);
    let models = schema(vec![users("uq_users_email", true)]);
    for o in [pg(), my(), lite()] {
        assert_no_change(&db, &models, &o);
    }
}

#[test]
fn an_explicit_name_compares_by_name() {
    let db = schema(vec![users("users_email_key", false)]);
    let models = schema(vec![users("uq_users_email", false)]);
    let d = diff(&db, &models, &pg());
    assert_eq!(
        d.ops,
        vec![
            Op::DropUnique {
                table: QName::new("users"),
                name: "users_email_key".into()
            },
            Op::AddUnique {
                table: QName::new("users"),
                unique: Unique {
                    name: "uq_users_email".into(),
                    columns: vec!["email".into()]
                }
            },
        ]
    );
}

#[test]
fn an_unnamed_index_matches_by_columns_only() {
    let mk = |name: &str, cols: &[&str], convention: bool| {
        let mut t = table("posts")
            .with_column(col("a", SqlType::Integer))
            .with_column(col("b", SqlType::Integer));
        t.indexes.push(index(name, cols, false));
        if convention {
            t.convention_names.push(name.into());
        }
        t
    };
    let models = schema(vec![mk("ix_posts_a", &["a"], true)]);
    for o in [pg(), my(), lite()] {
        assert_no_change(
            &schema(vec![mk("posts_a_hand", &["a"], false)]),
            &models,
            &o,
        );
        // Other columns: a different index.
        let d = diff(
            &schema(vec![mk("posts_b_hand", &["b"], false)]),
            &models,
            &o,
        );
        assert_eq!(d.ops.len(), 2, "{:#?}", d.ops);
        // A unique index is not a plain one.
        let mut uq = mk("posts_a_hand", &["a"], false);
        uq.indexes[0].unique = true;
        assert_eq!(diff(&schema(vec![uq]), &models, &o).ops.len(), 2);
    }
}

#[test]
fn mysql_creates_the_new_index_of_a_foreign_key_before_dropping_the_old() {
    let mk = |name: &str| {
        let mut t = table("posts").with_column(col("user_id", SqlType::BigInt));
        t.foreign_keys.push(ForeignKey::new(
            "fk_posts_user",
            ["user_id"],
            "users",
            ["id"],
        ));
        t.indexes.push(index(name, &["user_id"], false));
        t
    };
    assert_plan(
        &schema(vec![table("users"), mk("posts_user_hand")]),
        &schema(vec![table("users"), mk("ix_posts_user_id")]),
        &my(),
        vec![
            Op::CreateIndex {
                table: QName::new("posts"),
                index: index("ix_posts_user_id", &["user_id"], false),
            },
            drop_index("posts", "posts_user_hand"),
        ],
    );
}
