//! Enums: created, values added and removed, dropped.

use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let mood_rows = |a: &str, b2: &str| user_rows_with("mood", s(a), s(b2));
    vec![
        users_change(
            "enum type created with a new column",
            vec![],
            vec![opt("mood", mood(&["happy", "sad"]))],
        )
        // Every dialect: a portable history creates the type (rendered as nothing where
        // enums are inline).
        .expect(&["AddColumn users.mood", "CreateEnum mood"])
        .keeps(user_rows()),
        users_change(
            "enum type dropped with its column",
            vec![opt("mood", mood(&["happy", "sad"]))],
            vec![],
        )
        .expect(&["DropColumn users.mood"])
        .on(P, &["DropColumn users.mood", "DropEnum mood"])
        .rows_up_only(mood_rows("happy", "sad"))
        .rows_after(user_rows()),
        users_change(
            "enum value appended",
            vec![opt("mood", mood(&["happy", "sad"]))],
            vec![opt("mood", mood(&["happy", "sad", "meh"]))],
        )
        .expect(&["AlterColumn users.mood type"])
        .on(P, &["AddEnumValue mood.meh"])
        .keeps(mood_rows("happy", "sad"))
        .accepts(Rows::new(
            "users",
            ["id", "name", "mood"],
            vec![vec![i(3), s("new"), s("meh")]],
        )),
        users_change(
            "enum value removed (rewrite)",
            vec![opt("mood", mood(&["happy", "meh", "sad"]))],
            vec![opt("mood", mood(&["happy", "sad"]))],
        )
        .expect(&["AlterColumn users.mood type"])
        .on(P, &["SetEnumValues mood"])
        .keeps(mood_rows("happy", "sad"))
        .rejects(Rows::new(
            "users",
            ["id", "name", "mood"],
            vec![vec![i(3), s("new"), s("meh")]],
        )),
        users_change(
            "enum values reordered (rewrite)",
            vec![opt("mood", mood(&["happy", "sad"]))],
            vec![opt("mood", mood(&["sad", "happy"]))],
        )
        .expect(&["AlterColumn users.mood type"])
        .on(P, &["SetEnumValues mood"])
        .keeps(mood_rows("happy", "sad")),
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
