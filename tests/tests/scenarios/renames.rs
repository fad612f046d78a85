//! Renames of tables and columns (from hints), with their rows.

use retort_schema::{Check, ForeignKey, Index, SqlType, Table, Unique};
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

/// `users.nick VARCHAR(50)` renamed to `handle VARCHAR(length)`: `change` is what the
/// `AlterColumn` does; the rows follow the column.
fn nick_renamed(name: &'static str, length: u32, change: &str) -> Scenario {
    let handle = opt("handle", SqlType::Varchar(length)).renamed_from("nick");
    users_change(name, vec![opt("nick", SqlType::Varchar(50))], vec![handle])
        .expect(&[format!("AlterColumn users.nick {change}").as_str()])
        .rows(user_rows_with("nick", s("a"), s("g")))
        .rows_after(user_rows_with("handle", s("a"), s("g")))
}

pub fn scenarios() -> Vec<Scenario> {
    let notes = |name: &str, body: &str| {
        let mut t = Table::new(name)
            .with_column(id())
            .with_column(col(body, SqlType::Text))
            .primary_key("pk_notes", ["id"]);
        if name != "notes" {
            t = t.renamed_from("notes");
        }
        if body != "body" {
            t.columns[1].renamed_from.push("body".into());
        }
        t
    };
    let note_rows = |t: &str, c: &str| {
        Rows::new(
            t,
            ["id", c],
            vec![vec![i(1), s("first")], vec![i(2), s("second")]],
        )
    };
    vec![
        Scenario::new(
            "table renamed (renamed_from), rows kept",
            vec![notes("notes", "body")],
            vec![notes("memos", "body")],
        )
        .expect(&["RenameTable notes->memos"])
        .rows(note_rows("notes", "body"))
        .rows_after(note_rows("memos", "body")),
        Scenario::new(
            "table referenced by a foreign key renamed",
            vec![users(vec![]), posts(Some(posts_fk()), false)],
            vec![
                {
                    let mut t = users(vec![]).renamed_from("users");
                    t.name = "accounts".into();
                    t.primary_key = Some(retort_schema::PrimaryKey::new("pk_users", ["id"]));
                    t
                },
                posts(
                    Some(ForeignKey::new(
                        "fk_posts_user_id_users",
                        ["user_id"],
                        "accounts",
                        ["id"],
                    )),
                    false,
                ),
            ],
        )
        .expect(&["RenameTable users->accounts"])
        .rows(user_rows())
        .keeps(post_rows())
        .rows_after(Rows::new(
            "accounts",
            ["id", "name"],
            vec![vec![i(1), s("ada")], vec![i(2), s("grace")]],
        )),
        Scenario::new(
            "table with an index renamed",
            vec![notes("notes", "body").index(Index::new("ix_notes_body", ["body"]))],
            vec![notes("memos", "body").index(Index::new("ix_notes_body", ["body"]))],
        )
        .expect(&["RenameTable notes->memos"])
        .rows(note_rows("notes", "body"))
        .rows_after(note_rows("memos", "body")),
        nick_renamed(
            "column renamed (renamed_from), rows kept",
            50,
            "rename=handle",
        ),
        nick_renamed("column renamed and widened", 200, "rename=handle+type"),
        Scenario::new(
            "table and column renamed together",
            vec![notes("notes", "body")],
            vec![notes("memos", "content")],
        )
        .expect(&[
            "AlterColumn memos.body rename=content",
            "RenameTable notes->memos",
        ])
        .or(&[
            "AlterColumn notes.body rename=content",
            "RenameTable notes->memos",
        ])
        .rows(note_rows("notes", "body"))
        .rows_after(note_rows("memos", "content")),
        Scenario::new(
            "indexed column renamed",
            vec![users(vec![opt("nick", SqlType::Varchar(50))])
                .index(Index::new("ix_users_handle", ["nick"]))],
            vec![users(vec![
                opt("handle", SqlType::Varchar(50)).renamed_from("nick")
            ])
            .index(Index::new("ix_users_handle", ["handle"]))],
        )
        .expect(&["AlterColumn users.nick rename=handle"])
        .rows(user_rows_with("nick", s("a"), s("g")))
        .rows_after(user_rows_with("handle", s("a"), s("g"))),
        Scenario::new(
            "column used by a check and a unique constraint renamed",
            vec![users(vec![opt("pts", SqlType::Integer)])
                .check(Check::new("ck_users_points", "pts >= 0"))
                .unique(Unique::new("uq_users_points", ["pts"]))],
            vec![
                users(vec![opt("points", SqlType::Integer).renamed_from("pts")])
                    .check(Check::new("ck_users_points", "points >= 0"))
                    .unique(Unique::new("uq_users_points", ["points"])),
            ],
        )
        .expect(&["AlterColumn users.pts rename=points"])
        .rows(user_rows_with("pts", i(3), i(4)))
        .rows_after(user_rows_with("points", i(3), i(4))),
        Scenario::new(
            "referenced primary-key column renamed",
            vec![users(vec![]), posts(Some(posts_fk()), false)],
            vec![users(vec![]), {
                let mut p = posts(
                    Some(ForeignKey::new(
                        "fk_posts_user_id_users",
                        ["author_id"],
                        "users",
                        ["id"],
                    )),
                    false,
                );
                p.columns[1].name = "author_id".into();
                p.columns[1].renamed_from.push("user_id".into());
                p
            }],
        )
        .expect(&["AlterColumn posts.user_id rename=author_id"])
        .rows(user_rows())
        .rows(post_rows())
        .rows_after(user_rows())
        .rows_after(Rows::new(
            "posts",
            ["id", "author_id", "title"],
            vec![vec![i(10), i(1), s("hello")], vec![i(11), i(2), s("world")]],
        )),
        Scenario::new(
            "NOT NULL added to a column that has a default",
            vec![users(vec![
                opt("status", SqlType::Varchar(20)).default("'new'")
            ])],
            vec![users(vec![
                col("status", SqlType::Varchar(20)).default("'new'")
            ])],
        )
        .expect(&["AlterColumn users.status nullable"])
        .keeps(user_rows_with("status", s("new"), s("old"))),
        Scenario::new(
            "column renamed and its default changed",
            vec![users(vec![
                col("nick", SqlType::Varchar(50)).default("'anon'")
            ])],
            vec![users(vec![col("handle", SqlType::Varchar(50))
                .default("'nobody'")
                .renamed_from("nick")])],
        )
        .expect(&["AlterColumn users.nick rename=handle+default"])
        .rows(user_rows_with("nick", s("a"), s("g")))
        .rows_after(user_rows_with("handle", s("a"), s("g"))),
        Scenario::new(
            "indexed column dropped",
            vec![users(vec![opt("nick", SqlType::Varchar(50))])
                .index(Index::new("ix_users_nick", ["nick"]))],
            vec![users(vec![])],
        )
        .expect(&["DropColumn users.nick"])
        .or(&["DropColumn users.nick", "DropIndex users.ix_users_nick"])
        .rows_up_only(user_rows_with("nick", s("a"), s("g")))
        .rows_after(user_rows()),
    ]
}
