//! Unique constraints.

use retort_schema::{Table, Unique};
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let users_u = |u: Vec<Unique>| u.into_iter().fold(users_with_email(), Table::unique);
    vec![
        Scenario::new(
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
        .keeps(email_rows()),
        Scenario::new(
            "unique constraint dropped",
            vec![users_u(vec![Unique::new("uq_users_email", ["email"])])],
            vec![users_u(vec![])],
        )
        .expect(&["DropUnique users.uq_users_email"])
        .keeps(email_rows()),
        Scenario::new(
            "composite unique constraint added",
            vec![users_u(vec![])],
            vec![users_u(vec![Unique::new(
                "uq_users_name_email",
                ["name", "email"],
            )])],
        )
        .expect(&["AddUnique users.uq_users_name_email"])
        .keeps(email_rows()),
        Scenario::new(
            "unique constraint columns changed",
            vec![users_u(vec![Unique::new("uq_users_contact", ["email"])])],
            vec![users_u(vec![Unique::new(
                "uq_users_contact",
                ["email", "name"],
            )])],
        )
        .expect(&[
            "AddUnique users.uq_users_contact",
            "DropUnique users.uq_users_contact",
        ])
        .keeps(email_rows()),
    ]
}
