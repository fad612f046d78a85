//! MySQL / MariaDB normalization and enums.

use super::*;

#[test]
fn mysql_type_spellings_are_not_changes() {
    let custom = |s: &str| SqlType::Custom(s.into());
    let pairs = [
        (custom("tinyint(1)"), SqlType::Boolean),
        (custom("LONGTEXT"), SqlType::Text),
        (custom("int(11)"), SqlType::Integer),
        (custom("bigint(20)"), SqlType::BigInt),
        (custom("char(36)"), SqlType::Uuid),
        (
            custom("datetime"),
            SqlType::Timestamp {
                with_time_zone: false,
            },
        ),
        (
            SqlType::Json { binary: false },
            SqlType::Json { binary: true },
        ),
        (
            SqlType::Timestamp {
                with_time_zone: false,
            },
            SqlType::Timestamp {
                with_time_zone: true,
            },
        ),
        (
            SqlType::Enum {
                name: "users_mood".into(),
                values: vec!["ok".into(), "meh".into()],
            },
            mood(&["ok", "meh"]),
        ),
    ];
    assert_types_are_no_change(pairs, &my());
}

#[test]
fn mysql_default_spellings_are_not_changes() {
    let ts = SqlType::Timestamp {
        with_time_zone: false,
    };
    let cases = [
        (SqlType::Varchar(10), "'draft'", "'draft'"),
        (SqlType::Varchar(10), "draft", "'draft'"),
        (SqlType::Varchar(10), "hello world", "'hello world'"),
        (ts, "current_timestamp()", "CURRENT_TIMESTAMP"),
        (SqlType::Integer, "0", "'0'"),
        (SqlType::Integer, "'0'", "0"),
        (SqlType::Boolean, "1", "true"),
        (SqlType::Boolean, "0", "FALSE"),
        (SqlType::Varchar(10), "0", "'0'"),
        (mood(&["ok"]), "'ok'", "'ok'"),
    ];
    for (ty, db, model) in cases {
        let (from, to) = default_pair(ty, db, model);
        assert_no_change(&from, &to, &my());
    }
    let (from, to) = default_pair(SqlType::Varchar(10), "draft", "'live'");
    assert_eq!(diff(&from, &to, &my()).ops.len(), 1);
}

#[test]
fn a_null_default_is_no_default() {
    let from = schema(vec![users_with(vec![col("x", SqlType::Text)
        .nullable(true)
        .default("NULL")])]);
    let to = schema(vec![users_with(vec![
        col("x", SqlType::Text).nullable(true)
    ])]);
    for o in [my(), pg(), lite()] {
        assert_no_change(&from, &to, &o);
    }
}

#[test]
fn mysql_enum_value_changes_alter_the_column() {
    let from = schema(vec![users_with(vec![col(
        "mood",
        SqlType::Enum {
            name: "users_mood".into(),
            values: vec!["ok".into(), "meh".into()],
        },
    )])]);
    let to = schema(vec![users_with(vec![col("mood", mood(&["ok"]))])]);
    let d = assert_plan(
        &from,
        &to,
        &my(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "mood").ty(mood(&["ok"])),
        )],
    );
    assert_eq!(risks(&d), [(0, Risk::Narrowing)]);
    let to = schema(vec![users_with(vec![col(
        "mood",
        mood(&["ok", "meh", "sad"]),
    )])]);
    let d = diff(&from, &to, &my());
    assert_eq!(d.ops.len(), 1);
    assert!(d.notes.is_empty(), "appending is safe");
}

#[test]
fn enum_value_changes_are_enum_operations_on_every_dialect() {
    // `from` as `reconcile` gives it: the enum columns carry the history's type name and
    // `enums` lists the history's types (with the live values).
    let mood_type = |values: &[&str]| retort_schema::EnumType {
        schema: None,
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    let mut from = schema(vec![users_with(vec![col("mood", mood(&["ok", "meh"]))])]);
    from.enums = vec![mood_type(&["ok", "meh"])];
    for o in [my(), pg(), lite()] {
        let to = schema(vec![users_with(vec![col(
            "mood",
            mood(&["ok", "meh", "sad"]),
        )])]);
        assert_plan(
            &from,
            &to,
            &o,
            vec![Op::AddEnumValue {
                name: q("mood"),
                value: "sad".into(),
                before: None,
            }],
        );
        for values in [&["ok"][..], &["meh", "ok"][..]] {
            let to = schema(vec![users_with(vec![col("mood", mood(values))])]);
            assert_plan(
                &from,
                &to,
                &o,
                vec![Op::SetEnumValues {
                    name: q("mood"),
                    values: values.iter().map(|v| v.to_string()).collect(),
                }],
            );
        }
    }
}

#[test]
fn mysql_unique_index_and_unique_constraint_are_the_same() {
    let base = users_with(vec![col("email", SqlType::Varchar(320))]);
    let from = schema(vec![base
        .clone()
        .unique(Unique::new("uq_users_email", ["email"]))]);
    let to = schema(vec![base
        .clone()
        .index(Index::new("uq_users_email", ["email"]).unique())]);
    assert_no_change(&from, &to, &my());
    assert_no_change(&to, &from, &my());
    assert_eq!(diff(&from, &to, &pg()).ops.len(), 2, "not on PostgreSQL");
    let other = schema(vec![
        base.index(Index::new("uq_users_email", ["id", "email"]).unique())
    ]);
    assert_eq!(
        diff(&from, &other, &my()).ops,
        [
            Op::DropUnique {
                table: q("users"),
                name: "uq_users_email".into()
            },
            Op::CreateIndex {
                table: q("users"),
                index: Index::new("uq_users_email", ["id", "email"]).unique()
            },
        ]
    );
}

#[test]
fn mysql_primary_key_name_is_irrelevant() {
    let from = schema(vec![table("users").primary_key("PRIMARY", ["id"])]);
    assert_no_change(&from, &schema(vec![table("users")]), &my());
}
