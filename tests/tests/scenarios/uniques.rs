//! Unique constraints.

use retort_schema::{Table, Unique};
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let users_u = |u: Vec<Unique>| u.into_iter().fold(users_with_email(), Table::unique);
    let mut v = vec![Scenario::new(
        "unique constraint added",
        vec![users_u(vec![])],
        vec![users_u(vec![Unique::new("uq_users_email", ["email"])])],
    )
    .expect(&["AddUnique users.uq_users_email"])
    .rejects(Rows::new(
        "users",
        ["id", "name", "email"],
        vec![vec![i(3), s("dup"), s("a@x")]],
    ))
    .keeps(email_rows())];
    const ADD: &[&str] = &["AddUnique"];
    const DROP: &[&str] = &["DropUnique"];
    const BOTH: &[&str] = &["AddUnique", "DropUnique"];
    // (scenario, the constraint, its columns before and after (none: no constraint), the
    // operations on it)
    #[rustfmt::skip]
    const CASES: &[ObjectCase] = &[
        ("unique constraint dropped", "uq_users_email", &["email"], &[], DROP),
        ("composite unique constraint added", "uq_users_name_email", &[], &["name", "email"], ADD),
        ("unique constraint columns changed", "uq_users_contact", &["email"], &["email", "name"], BOTH),
    ];
    v.extend(object_changes(CASES, |name, cols| match cols {
        [] => users_with_email(),
        _ => users_with_email().unique(Unique::new(name, cols.iter().copied())),
    }));
    v
}
