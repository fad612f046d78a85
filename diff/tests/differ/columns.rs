//! Columns: added, dropped, type, nullability, default and comment changes.

use super::*;

#[test]
fn adds_a_nullable_column_without_notes() {
    let from = schema(vec![table("users")]);
    let to = schema(vec![users_with(vec![
        col("age", SqlType::Integer).nullable(true)
    ])]);
    let d = assert_plan(
        &from,
        &to,
        &lite(),
        vec![add_column(
            "users",
            col("age", SqlType::Integer).nullable(true),
        )],
    );
    assert!(d.notes.is_empty(), "SQLite adds a nullable column in place");
}

#[test]
fn a_new_not_null_column_without_default_may_fail() {
    let from = schema(vec![table("users")]);
    let to = schema(vec![users_with(vec![col("age", SqlType::Integer)])]);
    let d = assert_plan(
        &from,
        &to,
        &pg(),
        vec![add_column("users", col("age", SqlType::Integer))],
    );
    assert_eq!(risks(&d), [(0, Risk::MayFail)]);
    assert_eq!(
        d.notes[0].message,
        "adds NOT NULL column `users.age` without a default: if `users` has rows, PostgreSQL and SQLite fail, while MySQL/MariaDB fills them with 0 (the type's implicit default) and succeeds; to mean the same everywhere, give it a `server_default`, or add it nullable, fill it, then make it NOT NULL"
    );
}

#[test]
fn a_new_not_null_column_with_default_is_safe() {
    let from = schema(vec![table("users")]);
    let to = schema(vec![users_with(vec![
        col("age", SqlType::Integer).default("0")
    ])]);
    let d = diff(&from, &to, &pg());
    assert_eq!(d.ops.len(), 1);
    assert!(d.notes.is_empty());
}

#[test]
fn drops_a_column_with_a_destructive_note() {
    let from = schema(vec![users_with(vec![col("nick", SqlType::Text)])]);
    let d = assert_plan(
        &from,
        &schema(vec![table("users")]),
        &pg(),
        vec![Op::DropColumn {
            table: q("users"),
            column: "nick".into(),
        }],
    );
    assert_eq!(risks(&d), [(0, Risk::Destructive)]);
    assert_eq!(d.notes[0].message, "drops column `users.nick` and its data");
}

#[test]
fn narrowing_a_varchar_is_flagged() {
    let from = schema(vec![users_with(vec![col("email", SqlType::Varchar(320))])]);
    let to = schema(vec![users_with(vec![col("email", SqlType::Varchar(100))])]);
    let d = assert_plan(
        &from,
        &to,
        &pg(),
        vec![Op::AlterColumn(
            AlterColumn::new("users", "email").ty(SqlType::Varchar(100)),
        )],
    );
    assert_eq!(risks(&d), [(0, Risk::Narrowing)]);
}

#[test]
fn widening_is_not_flagged() {
    for (a, b) in [
        (SqlType::Varchar(100), SqlType::Varchar(320)),
        (SqlType::Varchar(100), SqlType::Text),
        (SqlType::Integer, SqlType::BigInt),
        (SqlType::Real, SqlType::Double),
    ] {
        let from = schema(vec![users_with(vec![col("x", a.clone())])]);
        let to = schema(vec![users_with(vec![col("x", b.clone())])]);
        let d = diff(&from, &to, &pg());
        assert_eq!(d.ops.len(), 1, "{a} -> {b}");
        assert!(d.notes.is_empty(), "{a} -> {b}: {:?}", d.notes);
    }
}

#[test]
fn text_and_bigint_narrowings_are_flagged() {
    for (a, b) in [
        (SqlType::Text, SqlType::Varchar(10)),
        (SqlType::BigInt, SqlType::Integer),
        (SqlType::Text, SqlType::Integer),
        (
            SqlType::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
            SqlType::Decimal {
                precision: Some(8),
                scale: Some(2),
            },
        ),
    ] {
        let from = schema(vec![users_with(vec![col("x", a.clone())])]);
        let to = schema(vec![users_with(vec![col("x", b.clone())])]);
        let d = diff(&from, &to, &pg());
        assert_eq!(risks(&d), [(0, Risk::Narrowing)], "{a} -> {b}");
    }
}

#[test]
fn a_type_change_carries_no_dialect_cast() {
    // The script runs on every database: a PostgreSQL `USING "age"::integer` in it would be a
    // syntax error in SQLite's rebuild. PostgreSQL's renderer writes the cast itself.
    let from = schema(vec![users_with(vec![col("age", SqlType::Text)])]);
    let to = schema(vec![users_with(vec![col("age", SqlType::Integer)])]);
    for o in [pg(), my(), lite()] {
        assert_plan(
            &from,
            &to,
            &o,
            vec![Op::AlterColumn(
                AlterColumn::new("users", "age").ty(SqlType::Integer),
            )],
        );
    }
}

#[test]
fn postgres_implicit_casts_get_no_using() {
    let from = schema(vec![users_with(vec![col("n", SqlType::Integer)])]);
    let to = schema(vec![users_with(vec![col("n", SqlType::BigInt)])]);
    assert_alter(
        &from,
        &to,
        &pg(),
        AlterColumn::new("users", "n").ty(SqlType::BigInt),
    );
    let to = schema(vec![users_with(vec![col("n", SqlType::Text)])]);
    let d = diff(&from, &to, &pg());
    assert_eq!(
        d.ops,
        [Op::AlterColumn(
            AlterColumn::new("users", "n").ty(SqlType::Text)
        )]
    );
}

#[test]
fn making_a_column_not_null_may_fail() {
    let from = schema(vec![users_with(vec![
        col("email", SqlType::Text).nullable(true)
    ])]);
    let to = schema(vec![users_with(vec![col("email", SqlType::Text)])]);
    let nullable = |from, to, nullable| {
        let alter = AlterColumn::new("users", "email").nullable(nullable);
        assert_plan(from, to, &pg(), vec![Op::AlterColumn(alter)])
    };
    let d = nullable(&from, &to, false);
    assert_eq!(risks(&d), [(0, Risk::MayFail)]);
    // The other way is safe.
    let d = nullable(&to, &from, true);
    assert!(d.notes.is_empty());
}

#[test]
fn server_defaults_added_changed_removed() {
    let none = schema(vec![users_with(vec![col("status", SqlType::Text)])]);
    let draft = schema(vec![users_with(vec![
        col("status", SqlType::Text).default("'draft'")
    ])]);
    let live = schema(vec![users_with(vec![
        col("status", SqlType::Text).default("'live'")
    ])]);
    assert_alter(
        &none,
        &draft,
        &pg(),
        AlterColumn::new("users", "status").set_default("'draft'"),
    );
    assert_alter(
        &draft,
        &live,
        &pg(),
        AlterColumn::new("users", "status").set_default("'live'"),
    );
    assert_alter(
        &live,
        &none,
        &pg(),
        AlterColumn::new("users", "status").drop_default(),
    );
}

#[test]
fn options_turn_comparisons_off() {
    let from = schema(vec![users_with(vec![
        col("s", SqlType::Text).default("'a'")
    ])]);
    let to = schema(vec![users_with(vec![
        col("s", SqlType::Varchar(9)).default("'b'")
    ])]);
    let mut o = pg();
    o.compare_server_default = false;
    o.compare_types = false;
    assert_no_change(&from, &to, &o);
    o.compare_types = true;
    assert_eq!(
        diff(&from, &to, &o).ops,
        [Op::AlterColumn(
            AlterColumn::new("users", "s").ty(SqlType::Varchar(9))
        )]
    );
}

/// `users(age)`, then with the comments `people` on the table and `years` on the column.
fn comments_added() -> (retort_schema::Schema, retort_schema::Schema) {
    let from = schema(vec![users_with(vec![col("age", SqlType::Integer)])]);
    let age = col("age", SqlType::Integer).comment("years");
    let to = schema(vec![users_with(vec![age]).comment("people")]);
    (from, to)
}

#[test]
fn column_and_table_comments_on_postgres_and_mysql() {
    let (from, to) = comments_added();
    for o in [pg(), my()] {
        assert_plan(
            &from,
            &to,
            &o,
            vec![
                Op::AlterColumn(AlterColumn::new("users", "age").comment(Some("years"))),
                Op::SetTableComment {
                    table: q("users"),
                    comment: Some("people".into()),
                },
            ],
        );
    }
}

#[test]
fn sqlite_ignores_comments() {
    let (from, to) = comments_added();
    assert_no_change(&from, &to, &lite());
}

#[test]
fn autoincrement_versus_identity_is_not_a_change() {
    let mut from = schema(vec![table("users")]);
    from.tables[0].columns[0].autoincrement = false;
    assert_no_change(&from, &schema(vec![table("users")]), &pg());
}
