//! Check constraints.

use retort_schema::Check;
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let users_c = |c: Option<Check>| {
        let t = users(vec![score(None)]);
        match c {
            Some(c) => t.check(c),
            None => t,
        }
    };
    vec![
        Scenario::new(
            "check constraint added",
            vec![users_c(None)],
            vec![users_c(Some(Check::new("ck_users_score", "score >= 0")))],
        )
        .expect(&["AddCheck users.ck_users_score"])
        .rejects(Rows::new(
            "users",
            ["id", "name", "score"],
            vec![vec![i(3), s("neg"), i(-1)]],
        ))
        .keeps(score_rows()),
        Scenario::new(
            "check constraint dropped",
            vec![users_c(Some(Check::new("ck_users_score", "score >= 0")))],
            vec![users_c(None)],
        )
        .expect(&["DropCheck users.ck_users_score"])
        .keeps(score_rows()),
        Scenario::new(
            "check constraint expression changed",
            vec![users_c(Some(Check::new("ck_users_score", "score >= 0")))],
            vec![users_c(Some(Check::new(
                "ck_users_score",
                "score >= 0 AND score <= 100",
            )))],
        )
        .expect(&[
            "AddCheck users.ck_users_score",
            "DropCheck users.ck_users_score",
        ])
        .keeps(score_rows()),
    ]
}
