//! Table and column comments (SQLite has none: nothing to do there).

use retort_schema::Table;
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
    const TABLE: &str = "SetTableComment users";
    const COLUMN: &str = "AlterColumn users.name comment";
    let on_table: fn(Option<&str>) -> Table = commented;
    let on_name: fn(Option<&str>) -> Table = name_commented;
    // (scenario, the table with that comment, comment before, after, the operation)
    #[rustfmt::skip]
    let cases = [
        ("table comment added", on_table, None, Some("people who sign in"), TABLE),
        ("table comment changed", on_table, Some("people who sign in"), Some("people who can't sign in"), TABLE),
        ("table comment removed", on_table, Some("people who sign in"), None, TABLE),
        ("column comment added", on_name, None, Some("display name"), COLUMN),
        ("column comment changed", on_name, Some("display name"), Some("full name"), COLUMN),
    ];
    cases
        .into_iter()
        .map(|(name, table, before, after, op)| {
            Scenario::new(name, vec![table(before)], vec![table(after)])
                .expect(&[op])
                .on(S, &[])
                .keeps(user_rows())
        })
        .collect()
}
