//! Primary keys.

use retort_tests::scenario::Scenario;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario::new(
            "table with a composite primary key created",
            vec![users(vec![])],
            vec![users(vec![]), memberships(&["user_id", "group_id"])],
        )
        .expect(&["CreateTable memberships"])
        .keeps(user_rows()),
        Scenario::new(
            "primary key extended to two columns",
            vec![memberships(&["user_id"])],
            vec![memberships(&["user_id", "group_id"])],
        )
        .expect(&[
            "AddPrimaryKey memberships.pk_memberships",
            "DropPrimaryKey memberships.pk_memberships",
        ])
        .keeps(membership_rows()),
        Scenario::new(
            "composite primary key replaced",
            vec![memberships(&["user_id", "group_id"])],
            vec![memberships(&["group_id", "role"])],
        )
        .expect(&[
            "AddPrimaryKey memberships.pk_memberships",
            "DropPrimaryKey memberships.pk_memberships",
        ])
        .keeps(membership_rows()),
    ]
}
