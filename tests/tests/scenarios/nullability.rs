//! NULL / NOT NULL changes.

use retort_schema::SqlType;
use retort_tests::scenario::Scenario;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    vec![
        users_change(
            "nullable to NOT NULL (no NULLs in the data)",
            vec![opt("nick", SqlType::Varchar(50))],
            vec![col("nick", SqlType::Varchar(50))],
        )
        .expect(&["AlterColumn users.nick nullable"])
        .keeps(user_rows_with("nick", s("a"), s("g"))),
        users_change(
            "NOT NULL to nullable",
            vec![col("nick", SqlType::Varchar(50))],
            vec![opt("nick", SqlType::Varchar(50))],
        )
        .expect(&["AlterColumn users.nick nullable"])
        .keeps(user_rows_with("nick", s("a"), s("g"))),
        users_change(
            "NOT NULL and a default added together",
            vec![opt("score", SqlType::Integer)],
            vec![col("score", SqlType::Integer).default("0")],
        )
        .expect(&["AlterColumn users.score nullable+default"])
        .keeps(user_rows_with("score", i(3), i(4))),
    ]
}
