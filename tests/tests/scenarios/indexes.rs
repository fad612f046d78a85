//! Indexes: plain, unique, partial, expression, changed.

use retort_schema::{Index, Table};
use retort_tests::scenario::Scenario;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let users_e = |idx: Vec<Index>| idx.into_iter().fold(users_with_email(), Table::index);
    const CREATE: &[&str] = &["CreateIndex"];
    const DROP: &[&str] = &["DropIndex"];
    const BOTH: &[&str] = &["CreateIndex", "DropIndex"];
    // (scenario, the index, its columns before and after (none: no index), the operations on it)
    #[rustfmt::skip]
    const CASES: &[ObjectCase] = &[
        ("index added", "ix_users_name", &[], &["name"], CREATE),
        ("index dropped", "ix_users_name", &["name"], &[], DROP),
        ("index columns changed", "ix_users_lookup", &["name"], &["name", "email"], BOTH),
        ("index column order changed", "ix_users_lookup", &["name", "email"], &["email", "name"], BOTH),
    ];
    let mut v = object_changes(CASES, |name, cols| match cols {
        [] => users_with_email(),
        _ => users_with_email().index(Index::new(name, cols.iter().copied())),
    });
    v.extend([
        Scenario::new(
            "index becomes unique",
            vec![users_e(vec![Index::new("ix_users_email", ["email"])])],
            vec![users_e(vec![
                Index::new("ix_users_email", ["email"]).unique()
            ])],
        )
        .expect(&[
            "CreateIndex users.ix_users_email",
            "DropIndex users.ix_users_email",
        ])
        .keeps(email_rows()),
        Scenario::new(
            "unique index becomes plain",
            vec![users_e(vec![
                Index::new("ix_users_email", ["email"]).unique()
            ])],
            vec![users_e(vec![Index::new("ix_users_email", ["email"])])],
        )
        .expect(&[
            "CreateIndex users.ix_users_email",
            "DropIndex users.ix_users_email",
        ])
        // MariaDB keeps a unique index and a UNIQUE constraint as the same thing: introspection
        // reports a `Unique`.
        .on(
            M,
            &[
                "CreateIndex users.ix_users_email",
                "DropUnique users.ix_users_email",
            ],
        )
        .keeps(email_rows()),
        Scenario::new(
            "partial index added",
            vec![users(vec![score(None)])],
            vec![users(vec![score(None)])
                .index(Index::new("ix_users_scored", ["name"]).predicate("score > 0"))],
        )
        .only(&[S, P])
        .expect(&["CreateIndex users.ix_users_scored"])
        .keeps(score_rows()),
        Scenario::new(
            "partial index predicate changed",
            vec![users(vec![score(None)])
                .index(Index::new("ix_users_scored", ["name"]).predicate("score > 0"))],
            vec![users(vec![score(None)])
                .index(Index::new("ix_users_scored", ["name"]).predicate("score > 10"))],
        )
        .only(&[S, P])
        .expect(&[
            "CreateIndex users.ix_users_scored",
            "DropIndex users.ix_users_scored",
        ])
        .keeps(score_rows()),
    ]);
    v
}
