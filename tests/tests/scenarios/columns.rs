//! Adding and dropping columns.

use retort_schema::SqlType;
use retort_tests::scenario::Scenario;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    vec![
        users_change(
            "add nullable column",
            vec![],
            vec![opt("age", SqlType::Integer)],
        )
        .expect(&["AddColumn users.age"])
        .keeps(user_rows())
        .rows_after(user_rows_with("age", null(), null())),
        Scenario::new(
            "add NOT NULL column with a default to a table with rows",
            vec![users(vec![])],
            vec![users(vec![
                col("status", SqlType::Varchar(20)).default("'active'")
            ])],
        )
        .expect(&["AddColumn users.status"])
        .keeps(user_rows())
        .rows_after(user_rows_with("status", s("active"), s("active"))),
        users_change(
            "add NOT NULL column without default to an empty table",
            vec![],
            vec![col("code", SqlType::Varchar(10))],
        )
        .expect(&["AddColumn users.code"]),
        Scenario::new(
            "add column with CURRENT_TIMESTAMP default",
            vec![users(vec![])],
            vec![users(vec![col(
                "created_at",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )
            .default("CURRENT_TIMESTAMP")])],
        )
        .expect(&["AddColumn users.created_at"])
        .keeps(user_rows()),
        users_change(
            "drop column with rows",
            vec![opt("nick", SqlType::Varchar(50))],
            vec![],
        )
        .expect(&["DropColumn users.nick"])
        .rows_up_only(user_rows_with("nick", s("a"), s("g")))
        .rows_after(user_rows()),
        Scenario::new(
            "add uuid, json and blob columns",
            vec![users(vec![])],
            vec![users(vec![
                opt("token", SqlType::Uuid),
                opt("prefs", SqlType::Json { binary: false }),
                opt("avatar", SqlType::Blob),
            ])],
        )
        .expect(&[
            "AddColumn users.avatar",
            "AddColumn users.prefs",
            "AddColumn users.token",
        ])
        .keeps(user_rows()),
    ]
}
