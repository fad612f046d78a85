//! Server defaults set, changed and dropped.

use retort_schema::{Column, SqlType};
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let default_case = |name: &'static str, before: Column, after: Column, rows: Rows| {
        let cname = before.name.clone();
        Scenario::new(name, vec![users(vec![before])], vec![users(vec![after])])
            .expect(&[format!("AlterColumn users.{cname} default").as_str()])
            .keeps(rows)
    };
    let price = |d: &str| {
        col(
            "price",
            SqlType::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
        )
        .default(d)
    };
    // (scenario, column, default before, default after, rows kept)
    type Case = (
        &'static str,
        fn(Option<&str>) -> Column,
        Option<&'static str>,
        Option<&'static str>,
        fn() -> Rows,
    );
    #[rustfmt::skip]
    const CASES: &[Case] = &[
        ("number default added", score, None, Some("0"), score_rows),
        ("number default changed", score, Some("0"), Some("5"), score_rows),
        ("number default removed", score, Some("5"), None, score_rows),
        ("string default added", status, None, Some("'draft'"), status_rows),
        ("string default changed", status, Some("'draft'"), Some("'published'"), status_rows),
        ("string default removed", status, Some("'draft'"), None, status_rows),
        ("string default with a quote added", status, None, Some("'it''s'"), status_rows),
        ("CURRENT_TIMESTAMP default added", created, None, Some("CURRENT_TIMESTAMP"), user_rows),
        ("CURRENT_TIMESTAMP default removed", created, Some("CURRENT_TIMESTAMP"), None, user_rows),
        ("boolean default added", active, None, Some("false"), active_rows),
        ("boolean default changed", active, Some("false"), Some("true"), active_rows),
    ];
    let mut v: Vec<Scenario> = CASES
        .iter()
        .map(|&(name, column, before, after, rows)| {
            default_case(name, column(before), column(after), rows())
        })
        .collect();
    v.extend([
        default_case(
            "default on a text column added",
            opt("bio", SqlType::Text),
            opt("bio", SqlType::Text).default("'none'"),
            user_rows_with("bio", s("x"), null()),
        ),
        default_case(
            "decimal default changed",
            price("9.99"),
            price("10.50"),
            user_rows_with("price", f(1.25), f(2.5)),
        ),
        users_change(
            "type widened, default kept",
            vec![score(Some("7"))],
            vec![col("score", SqlType::BigInt).default("7")],
        )
        .expect(&["AlterColumn users.score type"])
        .keeps(score_rows())
        .accepts(Rows::new(
            "users",
            ["id", "name"],
            vec![vec![i(3), s("dflt")]],
        ))
        .rows_after(Rows::new(
            "users",
            ["id", "score"],
            vec![vec![i(1), i(7)], vec![i(2), i(8)]],
        )),
        Scenario::new(
            "default removed from a nullable column",
            vec![users(vec![
                opt("nick", SqlType::Varchar(50)).default("'anon'")
            ])],
            vec![users(vec![opt("nick", SqlType::Varchar(50))])],
        )
        .expect(&["AlterColumn users.nick default"])
        .keeps(user_rows_with("nick", s("a"), null())),
    ]);
    v
}
