//! SQLite: spellings, the rowid alias, rebuilds.

use super::*;

#[test]
fn sqlite_spellings_are_not_changes() {
    let ts = SqlType::Timestamp {
        with_time_zone: false,
    };
    let from = schema(vec![users_with(vec![
        col("a", SqlType::Custom("DATETIME".into())).default("(CURRENT_TIMESTAMP)"),
        col("b", SqlType::Custom("varchar(20)".into())),
        col("c", SqlType::Custom("Int".into())).default("(0)"),
    ])]);
    let to = schema(vec![users_with(vec![
        col("a", ts).default("CURRENT_TIMESTAMP"),
        col("b", SqlType::Varchar(20)),
        col("c", SqlType::Integer).default("0"),
    ])]);
    assert_no_change(&from, &to, &lite());
}

#[test]
fn sqlite_rowid_alias_is_integer_even_if_the_model_says_bigint() {
    let mut from = schema(vec![table("users")]);
    from.tables[0].columns[0].ty = SqlType::Integer;
    assert_no_change(&from, &schema(vec![table("users")]), &lite());
    assert_eq!(
        diff(&from, &schema(vec![table("users")]), &pg()).ops.len(),
        1
    );
}

fn sqlite_enum_table(values: &[&str]) -> Table {
    let list = values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ");
    users_with(vec![col(
        "mood",
        SqlType::Enum {
            name: "users_mood".into(),
            values: values.iter().map(|v| v.to_string()).collect(),
        },
    )])
    .check(Check::new(
        "ck_users_mood_enum",
        format!("\"mood\" IN ({list})"),
    ))
}

#[test]
fn sqlite_enum_check_is_part_of_the_column() {
    let from = schema(vec![sqlite_enum_table(&["ok", "meh"])]);
    let to = schema(vec![users_with(vec![col("mood", mood(&["ok", "meh"]))])]);
    assert_no_change(&from, &to, &lite());
}

#[test]
fn sqlite_enum_change_is_a_column_rebuild() {
    let from = schema(vec![sqlite_enum_table(&["ok", "meh"])]);
    let to = schema(vec![users_with(vec![col(
        "mood",
        mood(&["ok", "meh", "sad"]),
    )])]);
    let d = diff(&from, &to, &lite());
    assert_eq!(
        d.ops,
        [Op::AlterColumn(
            AlterColumn::new("users", "mood").ty(mood(&["ok", "meh", "sad"]))
        )]
    );
    assert_eq!(risks(&d), [(0, Risk::Rewrite)]);
    assert!(d.notes[0].message.contains("SQLite rebuilds table `users`"));
}

#[test]
fn sqlite_rebuilds_are_flagged() {
    let base = users_with(vec![col("email", SqlType::Text)]);
    let d = diff(
        &schema(vec![base.clone()]),
        &schema(vec![base
            .clone()
            .unique(Unique::new("uq_users_email", ["email"]))]),
        &lite(),
    );
    assert_eq!(risks(&d), [(0, Risk::MayFail), (0, Risk::Rewrite)]);
    // A column with a non-constant default cannot be added in place.
    let d = diff(
        &schema(vec![base.clone()]),
        &schema(vec![base.with_column(
            col(
                "at",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )
            .default("CURRENT_TIMESTAMP"),
        )]),
        &lite(),
    );
    assert_eq!(risks(&d), [(0, Risk::Rewrite)]);
}
