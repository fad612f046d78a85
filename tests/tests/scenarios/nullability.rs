//! NULL / NOT NULL changes.

use retort_schema::SqlType;
use retort_tests::scenario::Scenario;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let nick = |nullable: bool| col("nick", SqlType::Varchar(50)).nullable(nullable);
    // (scenario, nullable before, nullable after): no NULLs in the data either way.
    let cases = [
        ("nullable to NOT NULL (no NULLs in the data)", true, false),
        ("NOT NULL to nullable", false, true),
    ];
    let mut v: Vec<Scenario> = cases
        .into_iter()
        .map(|(name, before, after)| {
            users_change(name, vec![nick(before)], vec![nick(after)])
                .expect(&["AlterColumn users.nick nullable"])
                .keeps(user_rows_with("nick", s("a"), s("g")))
        })
        .collect();
    v.push(
        users_change(
            "NOT NULL and a default added together",
            vec![opt("score", SqlType::Integer)],
            vec![col("score", SqlType::Integer).default("0")],
        )
        .expect(&["AlterColumn users.score nullable+default"])
        .keeps(user_rows_with("score", i(3), i(4))),
    );
    v
}
