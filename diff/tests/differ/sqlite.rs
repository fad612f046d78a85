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

#[test]
fn sqlite_needs_rebuild_matches_the_renderer_rule() {
    use retort_diff::sqlite_needs_rebuild;
    let s = schema(vec![users_with(vec![
        col("email", SqlType::Text),
        col("nick", SqlType::Text),
    ])
    .index(Index::new("ix_users_email", ["email"]))]);
    let drop = |c: &str| Op::DropColumn {
        table: q("users"),
        column: c.into(),
    };
    assert!(sqlite_needs_rebuild(&drop("email"), &s), "indexed");
    assert!(!sqlite_needs_rebuild(&drop("nick"), &s));
    assert!(sqlite_needs_rebuild(&drop("id"), &s), "primary key");
    let add = |c: retort_schema::Column| Op::AddColumn {
        table: q("users"),
        column: c,
    };
    assert!(!sqlite_needs_rebuild(
        &add(col("a", SqlType::Text).nullable(true)),
        &s
    ));
    assert!(!sqlite_needs_rebuild(
        &add(col("a", SqlType::Text).default("'x'")),
        &s
    ));
    assert!(sqlite_needs_rebuild(&add(col("a", SqlType::Text)), &s));
    assert!(sqlite_needs_rebuild(
        &add(col("a", SqlType::Text).default("lower('X')")),
        &s
    ));
    let rename = Op::AlterColumn(AlterColumn::new("users", "nick").rename("handle"));
    assert!(!sqlite_needs_rebuild(&rename, &s));
    let comment = Op::AlterColumn(AlterColumn::new("users", "nick").comment(Some("x")));
    assert!(!sqlite_needs_rebuild(&comment, &s));
    let ty = Op::AlterColumn(AlterColumn::new("users", "nick").ty(SqlType::Varchar(3)));
    assert!(sqlite_needs_rebuild(&ty, &s));
    assert!(!sqlite_needs_rebuild(
        &Op::CreateIndex {
            table: q("users"),
            index: Index::new("ix_users_nick", ["nick"])
        },
        &s
    ));
    assert!(sqlite_needs_rebuild(
        &Op::AddCheck {
            table: q("users"),
            check: Check::new("ck_users_x", "nick <> ''")
        },
        &s
    ));
}
