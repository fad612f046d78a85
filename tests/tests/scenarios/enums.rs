//! Enums: created, values added and removed, dropped.

use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let mood_rows = |a: &str, b2: &str| user_rows_with("mood", s(a), s(b2));
    let a_meh_user = || {
        Rows::new(
            "users",
            ["id", "name", "mood"],
            vec![vec![i(3), s("new"), s("meh")]],
        )
    };
    let moods = |values: &[&str]| vec![opt("mood", mood(values))];
    // The values changed in place: (scenario, values before, after, PostgreSQL's operation).
    #[rustfmt::skip]
    let retyped = [
        ("enum value appended", &["happy", "sad"][..], &["happy", "sad", "meh"][..], "AddEnumValue mood.meh"),
        ("enum value removed (rewrite)", &["happy", "meh", "sad"], &["happy", "sad"], "SetEnumValues mood"),
        ("enum values reordered (rewrite)", &["happy", "sad"], &["sad", "happy"], "SetEnumValues mood"),
    ];
    let [appended, removed, reordered] = retyped.map(|(name, before, after, on_pg)| {
        users_change(name, moods(before), moods(after))
            .expect(&["AlterColumn users.mood type"])
            .on(P, &[on_pg])
            .keeps(mood_rows("happy", "sad"))
    });
    vec![
        users_change(
            "enum type created with a new column",
            vec![],
            moods(&["happy", "sad"]),
        )
        // Every dialect: a portable history creates the type (rendered as nothing where
        // enums are inline).
        .expect(&["AddColumn users.mood", "CreateEnum mood"])
        .keeps(user_rows()),
        users_change(
            "enum type dropped with its column",
            moods(&["happy", "sad"]),
            vec![],
        )
        .expect(&["DropColumn users.mood"])
        .on(P, &["DropColumn users.mood", "DropEnum mood"])
        .rows_up_only(mood_rows("happy", "sad"))
        .rows_after(user_rows()),
        appended.accepts(a_meh_user()),
        removed.rejects(a_meh_user()),
        reordered,
        Scenario::new(
            "enum column with a default added",
            vec![users(vec![])],
            vec![users(vec![
                col("mood", mood(&["happy", "sad"])).default("'happy'")
            ])],
        )
        // Every dialect: a portable history creates the type (rendered as nothing where
        // enums are inline).
        .expect(&["AddColumn users.mood", "CreateEnum mood"])
        .keeps(user_rows())
        .rows_after(mood_rows("happy", "happy")),
    ]
}
