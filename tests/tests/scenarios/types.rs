//! Column type changes, with the rows converted.

use retort_schema::SqlType;
use retort_tests::scenario::Scenario;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    use SqlType::*;
    let dec = |p, s| Decimal {
        precision: Some(p),
        scale: Some(s),
    };
    let ts = |with_time_zone| Timestamp { with_time_zone };
    // (scenario, type before, after, a value before, the value after)
    #[rustfmt::skip]
    let cases = [
        ("integer to bigint", Integer, BigInt, i(2_147_483_647), i(2_147_483_647)),
        ("smallint to integer", SmallInt, Integer, i(32_000), i(32_000)),
        ("varchar(50) to varchar(200)", Varchar(50), Varchar(200), s("hello"), s("hello")),
        ("varchar to text", Varchar(50), Text, s("hello"), s("hello")),
        ("text to varchar (data fits)", Text, Varchar(100), s("short"), s("short")),
        ("varchar(200) narrowed to varchar(50) (data fits)", Varchar(200), Varchar(50), s("fits"), s("fits")),
        ("integer to text", Integer, Text, i(42), s("42")),
        ("boolean to integer", Boolean, Integer, b(true), i(1)),
        ("integer to boolean", Integer, Boolean, i(1), b(true)),
        ("decimal precision change", dec(8, 2), dec(12, 4), f(12.5), f(12.5)),
        ("real to double", Real, Double, f(1.5), f(1.5)),
    ];
    let mut v: Vec<Scenario> = cases
        .into_iter()
        .map(|(name, from, to, before, after)| type_change(name, from, to, before, after))
        .collect();
    v.extend([
        Scenario::new(
            "date to timestamp",
            vec![users(vec![opt("born", Date)])],
            vec![users(vec![opt("born", ts(false))])],
        )
        .expect(&["AlterColumn users.born type"])
        .keeps(user_rows()),
        Scenario::new(
            "timestamp gains a time zone",
            vec![users(vec![opt("seen", ts(false))])],
            vec![users(vec![opt("seen", ts(true))])],
        )
        .expect(&["AlterColumn users.seen type"])
        // MySQL/MariaDB have one timestamp type (DATETIME(6)): nothing to do.
        .on(M, &[])
        .keeps(user_rows()),
    ]);
    v
}
