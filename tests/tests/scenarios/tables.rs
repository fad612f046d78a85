//! Creating and dropping tables.

use retort_schema::SqlType;
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    vec![
        Scenario::new(
            "add table",
            vec![users(vec![])],
            vec![users(vec![]), posts(Some(posts_fk()), false)],
        )
        .expect(&["CreateTable posts"])
        .keeps(user_rows()),
        Scenario::new(
            "drop table with rows",
            vec![
                users(vec![]),
                table("notes", vec![col("body", SqlType::Text)]),
            ],
            vec![users(vec![])],
        )
        .expect(&["DropTable notes"])
        .keeps(user_rows())
        .rows_up_only(Rows::new("notes", ["id", "body"], vec![vec![i(1), s("x")]])),
        Scenario::new(
            "add table with every column type",
            vec![],
            vec![table(
                "kitchen_sink",
                vec![
                    opt("b", SqlType::Boolean),
                    opt("si", SqlType::SmallInt),
                    opt("n", SqlType::Integer),
                    opt("r", SqlType::Real),
                    opt("d", SqlType::Double),
                    opt("t", SqlType::Text),
                    opt("bl", SqlType::Blob),
                    opt(
                        "dec",
                        SqlType::Decimal {
                            precision: Some(10),
                            scale: Some(2),
                        },
                    ),
                    opt("dt", SqlType::Date),
                    opt("tm", SqlType::Time),
                    opt(
                        "ts",
                        SqlType::Timestamp {
                            with_time_zone: false,
                        },
                    ),
                    opt("u", SqlType::Uuid),
                    opt("j", SqlType::Json { binary: true }),
                ],
            )],
        )
        .expect(&["CreateTable kitchen_sink"]),
    ]
}
