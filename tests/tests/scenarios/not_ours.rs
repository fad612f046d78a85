//! What is not ours (tables outside the models) is left alone.

use retort_schema::{SqlType, Table};
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let legacy = Rows::new("legacy_data", ["id", "v"], vec![vec![i(1), s("old")]]);
    let versions = Rows::new(
        "retort_version",
        ["version_num"],
        vec![vec![s("3f2a9c1b7d4e")]],
    );
    vec![
        users_change(
            "tables excluded by glob stay untouched",
            vec![],
            vec![opt("age", SqlType::Integer)],
        )
        .unmanaged(table("legacy_data", vec![col("v", SqlType::Text)]))
        .exclude("legacy_*")
        .expect(&["AddColumn users.age"])
        .keeps(user_rows())
        .keeps(legacy),
        users_change(
            "version table stays untouched",
            vec![],
            vec![opt("age", SqlType::Integer)],
        )
        .unmanaged(
            Table::new("retort_version")
                .with_column(col("version_num", SqlType::Varchar(255)))
                .primary_key("pk_retort_version", ["version_num"]),
        )
        .expect(&["AddColumn users.age"])
        .keeps(user_rows())
        .keeps(versions),
    ]
}
