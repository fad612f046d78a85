//! Table and column comments (SQLite has none: nothing to do there).

use retort_tests::scenario::Scenario;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let commented = |t: Option<&str>| {
        let u = users(vec![]);
        match t {
            Some(c) => u.comment(c),
            None => u,
        }
    };
    let name_commented = |c: Option<&str>| {
        let mut n = name_col();
        n.comment = c.map(str::to_string);
        table("users", vec![n])
    };
    vec![
        Scenario::new(
            "table comment added",
            vec![commented(None)],
            vec![commented(Some("people who sign in"))],
        )
        .expect(&["SetTableComment users"])
        .on(S, &[])
        .keeps(user_rows()),
        Scenario::new(
            "table comment changed",
            vec![commented(Some("people who sign in"))],
            vec![commented(Some("people who can't sign in"))],
        )
        .expect(&["SetTableComment users"])
        .on(S, &[])
        .keeps(user_rows()),
        Scenario::new(
            "table comment removed",
            vec![commented(Some("people who sign in"))],
            vec![commented(None)],
        )
        .expect(&["SetTableComment users"])
        .on(S, &[])
        .keeps(user_rows()),
        Scenario::new(
            "column comment added",
            vec![name_commented(None)],
            vec![name_commented(Some("display name"))],
        )
        .expect(&["AlterColumn users.name comment"])
        .on(S, &[])
        .keeps(user_rows()),
        Scenario::new(
            "column comment changed",
            vec![name_commented(Some("display name"))],
            vec![name_commented(Some("full name"))],
        )
        .expect(&["AlterColumn users.name comment"])
        .on(S, &[])
        .keeps(user_rows()),
    ]
}
