//! The autogenerate scenario suite (issue 4, "Done when"): before/after model pairs run on
//! SQLite, PostgreSQL and MariaDB. For each: create `before` with rows, introspect and find no
//! false positives, diff against `after` and check the operations, run them, autogenerate
//! again and find nothing, check the data, downgrade and find the starting schema again.
//!
//! One test per database; scenarios run one after the other, each in its own database
//! (SQLite temp file, PostgreSQL schema, MariaDB database). A failure names the scenario, the
//! database, the step and the unexpected operations; every scenario runs even if one fails.
//!
//! Beyond the differ's own opinion, each scenario checks (independently of the differ) that
//! the migrated database has the structure of one created from `after`, and the downgraded one
//! the structure of one created from `before`; that risky operations carry risk notes; and,
//! where given, that the upgraded schema accepts or refuses particular rows.
//!
//! `cargo test -p retort-tests --test scenarios -- --nocapture` prints one line per
//! scenario and database with its time.
//!
//! The scenarios live in one module per topic; [`scenarios`] is all of them, in topic order.

mod checks;
mod columns;
mod combined;
mod comments;
mod defaults;
mod enums;
mod foreign_keys;
mod helpers;
mod identifiers;
mod indexes;
mod not_ours;
mod nullability;
mod primary_keys;
mod renames;
mod tables;
mod types;
mod uniques;

use helpers::{M, P, S};
use retort_tests::scenario::{report, run_all, Scenario};

fn scenarios() -> Vec<Scenario> {
    [
        tables::scenarios(),
        columns::scenarios(),
        types::scenarios(),
        nullability::scenarios(),
        defaults::scenarios(),
        indexes::scenarios(),
        uniques::scenarios(),
        primary_keys::scenarios(),
        foreign_keys::scenarios(),
        checks::scenarios(),
        comments::scenarios(),
        enums::scenarios(),
        renames::scenarios(),
        identifiers::scenarios(),
        not_ours::scenarios(),
        combined::scenarios(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[test]
fn there_are_at_least_55_scenarios_with_unique_names() {
    let all = scenarios();
    assert!(all.len() >= 55, "only {} scenarios", all.len());
    let mut names: Vec<&str> = all.iter().map(|s| s.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), all.len(), "duplicate scenario names");
}

#[tokio::test]
async fn autogenerate_scenarios_sqlite() {
    let r = run_all(S, &scenarios(), "autogenerate_scenarios_sqlite").await;
    report(S, r);
}

#[tokio::test]
async fn autogenerate_scenarios_postgres() {
    let r = run_all(P, &scenarios(), "autogenerate_scenarios_postgres").await;
    report(P, r);
}

#[tokio::test]
async fn autogenerate_scenarios_mysql() {
    let r = run_all(M, &scenarios(), "autogenerate_scenarios_mysql").await;
    report(M, r);
}
