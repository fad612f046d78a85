//! Several changes at once, and nothing changed in a schema with every kind of object.

use retort_schema::{Check, FkAction, Index, SqlType, Table, Unique};
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

/// Tables with every kind of object: unique, index, check, enum, foreign key, composite key.
fn everything() -> Vec<Table> {
    vec![
        users(vec![
            email(),
            score(Some("0")),
            opt("mood", mood(&["happy", "sad"])),
        ])
        .unique(Unique::new("uq_users_email", ["email"]))
        .index(Index::new("ix_users_name", ["name"]))
        .check(Check::new("ck_users_score", "score >= 0")),
        posts(Some(posts_fk().on_delete(FkAction::Cascade)), false),
        memberships(&["user_id", "group_id"]),
    ]
}

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario::new(
            "several changes to one table with rows",
            vec![users(vec![
                opt("nick", SqlType::Varchar(50)),
                col("score", SqlType::Integer),
            ])],
            vec![users(vec![
                col("score", SqlType::BigInt).default("0"),
                opt("bio", SqlType::Text),
            ])
            .index(Index::new("ix_users_name", ["name"]))],
        )
        .expect(&[
            "AddColumn users.bio",
            "AlterColumn users.score type+default",
            "CreateIndex users.ix_users_name",
            "DropColumn users.nick",
        ])
        .rows_up_only(Rows::new(
            "users",
            ["id", "name", "nick", "score"],
            vec![
                vec![i(1), s("ada"), s("a"), i(5)],
                vec![i(2), s("grace"), null(), i(6)],
            ],
        ))
        .rows_after(Rows::new(
            "users",
            ["id", "name", "score", "bio"],
            vec![
                vec![i(1), s("ada"), i(5), null()],
                vec![i(2), s("grace"), i(6), null()],
            ],
        )),
        Scenario::new(
            "nothing changed in a schema with every kind of object",
            everything(),
            everything(),
        )
        .expect(&[]),
    ]
}
