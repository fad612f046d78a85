//! Column type changes, with the rows converted.

use retort_schema::SqlType;
use retort_tests::scenario::Scenario;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    vec![
        type_change(
            "integer to bigint",
            SqlType::Integer,
            SqlType::BigInt,
            i(2_147_483_647),
            i(2_147_483_647),
        ),
        type_change(
            "smallint to integer",
            SqlType::SmallInt,
            SqlType::Integer,
            i(32_000),
            i(32_000),
        ),
        type_change(
            "varchar(50) to varchar(200)",
            SqlType::Varchar(50),
            SqlType::Varchar(200),
            s("hello"),
            s("hello"),
        ),
        type_change(
            "varchar to text",
            SqlType::Varchar(50),
            SqlType::Text,
            s("hello"),
            s("hello"),
        ),
        type_change(
            "text to varchar (data fits)",
            SqlType::Text,
            SqlType::Varchar(100),
            s("short"),
            s("short"),
        ),
        type_change(
            "varchar(200) narrowed to varchar(50) (data fits)",
            SqlType::Varchar(200),
            SqlType::Varchar(50),
            s("fits"),
            s("fits"),
        ),
        type_change(
            "integer to text",
            SqlType::Integer,
            SqlType::Text,
            i(42),
            s("42"),
        ),
        type_change(
            "boolean to integer",
            SqlType::Boolean,
            SqlType::Integer,
            b(true),
            i(1),
        ),
        type_change(
            "integer to boolean",
            SqlType::Integer,
            SqlType::Boolean,
            i(1),
            b(true),
        ),
        type_change(
            "decimal precision change",
            SqlType::Decimal {
                precision: Some(8),
                scale: Some(2),
            },
            SqlType::Decimal {
                precision: Some(12),
                scale: Some(4),
            },
            f(12.5),
            f(12.5),
        ),
        type_change(
            "real to double",
            SqlType::Real,
            SqlType::Double,
            f(1.5),
            f(1.5),
        ),
        Scenario::new(
            "date to timestamp",
            vec![users(vec![opt("born", SqlType::Date)])],
            vec![users(vec![opt(
                "born",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )])],
        )
        .expect(&["AlterColumn users.born type"])
        .keeps(user_rows()),
        Scenario::new(
            "timestamp gains a time zone",
            vec![users(vec![opt(
                "seen",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )])],
            vec![users(vec![opt(
                "seen",
                SqlType::Timestamp {
                    with_time_zone: true,
                },
            )])],
        )
        .expect(&["AlterColumn users.seen type"])
        // MySQL/MariaDB have one timestamp type (DATETIME(6)): nothing to do.
        .on(M, &[])
        .keeps(user_rows()),
    ]
}
