//! Foreign keys: added, dropped, changed actions, cycles.

use retort_schema::{FkAction, ForeignKey, Index, SqlType, Table};
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

use super::helpers::*;

pub fn scenarios() -> Vec<Scenario> {
    let fk_case = |name: &'static str,
                   before: Option<ForeignKey>,
                   after: Option<ForeignKey>,
                   nullable: bool,
                   expect: &[&str]| {
        Scenario::new(
            name,
            vec![users(vec![]), posts(before, nullable)],
            vec![users(vec![]), posts(after, nullable)],
        )
        .expect(expect)
        .keeps(user_rows())
        .keeps(post_rows())
    };
    let fk_change = [
        "AddForeignKey posts.fk_posts_user_id_users",
        "DropForeignKey posts.fk_posts_user_id_users",
    ];
    let cycle = || {
        vec![
            table("authors", vec![opt("favorite_book_id", SqlType::BigInt)]).foreign_key(
                ForeignKey::new(
                    "fk_authors_favorite_book_id_books",
                    ["favorite_book_id"],
                    "books",
                    ["id"],
                ),
            ),
            table("books", vec![opt("author_id", SqlType::BigInt)]).foreign_key(ForeignKey::new(
                "fk_books_author_id_authors",
                ["author_id"],
                "authors",
                ["id"],
            )),
        ]
    };
    vec![
        fk_case(
            "foreign key added",
            None,
            Some(posts_fk()),
            false,
            &["AddForeignKey posts.fk_posts_user_id_users"],
        ),
        fk_case(
            "foreign key dropped",
            Some(posts_fk()),
            None,
            false,
            &["DropForeignKey posts.fk_posts_user_id_users"],
        ),
        fk_case(
            "foreign key gains ON DELETE CASCADE",
            Some(posts_fk()),
            Some(posts_fk().on_delete(FkAction::Cascade)),
            false,
            &fk_change,
        ),
        fk_case(
            "foreign key gains ON UPDATE CASCADE",
            Some(posts_fk()),
            Some(posts_fk().on_update(FkAction::Cascade)),
            false,
            &fk_change,
        ),
        fk_case(
            "foreign key ON DELETE CASCADE to SET NULL",
            Some(posts_fk().on_delete(FkAction::Cascade)),
            Some(posts_fk().on_delete(FkAction::SetNull)),
            true,
            &fk_change,
        ),
        Scenario::new(
            "foreign key to a new table",
            vec![users(vec![])],
            vec![
                table("orgs", vec![name_col()]),
                users(vec![opt("org_id", SqlType::BigInt)]).foreign_key(ForeignKey::new(
                    "fk_users_org_id_orgs",
                    ["org_id"],
                    "orgs",
                    ["id"],
                )),
            ],
        )
        .expect(&[
            "AddColumn users.org_id",
            "AddForeignKey users.fk_users_org_id_orgs",
            "CreateTable orgs",
        ])
        .keeps(user_rows()),
        Scenario::new(
            "table referenced by another dropped",
            vec![users(vec![]), posts(Some(posts_fk()), true)],
            vec![posts(None, true)],
        )
        .expect(&[
            "DropForeignKey posts.fk_posts_user_id_users",
            "DropTable users",
        ])
        // users' rows are gone after the downgrade, so the posts point at nobody (NULL): the
        // foreign key can come back.
        .rows_up_only(user_rows())
        .keeps(Rows::new(
            "posts",
            ["id", "user_id", "title"],
            vec![
                vec![i(10), null(), s("hello")],
                vec![i(11), null(), s("world")],
            ],
        )),
        Scenario::new(
            "parent and child tables dropped",
            vec![users(vec![]), posts(Some(posts_fk()), false)],
            vec![table("tags", vec![name_col()])],
        )
        .expect(&["CreateTable tags", "DropTable posts", "DropTable users"])
        .or(&[
            "CreateTable tags",
            "DropForeignKey posts.fk_posts_user_id_users",
            "DropTable posts",
            "DropTable users",
        ])
        .rows_up_only(user_rows())
        .rows_up_only(post_rows()),
        Scenario::new("foreign-key cycle between two new tables", vec![], cycle())
            .expect(&[
                "AddForeignKey authors.fk_authors_favorite_book_id_books",
                "CreateTable authors",
                "CreateTable books",
            ])
            .or(&[
                "AddForeignKey books.fk_books_author_id_authors",
                "CreateTable authors",
                "CreateTable books",
            ])
            .or(&[
                "AddForeignKey authors.fk_authors_favorite_book_id_books",
                "AddForeignKey books.fk_books_author_id_authors",
                "CreateTable authors",
                "CreateTable books",
            ]),
        Scenario::new(
            "column with foreign key and index added",
            vec![users(vec![]), posts(None, false)],
            vec![
                users(vec![]),
                posts(None, false)
                    .with_column(opt("editor_id", SqlType::BigInt))
                    .foreign_key(ForeignKey::new(
                        "fk_posts_editor_id_users",
                        ["editor_id"],
                        "users",
                        ["id"],
                    ))
                    .index(Index::new("ix_posts_editor_id", ["editor_id"])),
            ],
        )
        .expect(&[
            "AddColumn posts.editor_id",
            "AddForeignKey posts.fk_posts_editor_id_users",
            "CreateIndex posts.ix_posts_editor_id",
        ])
        .keeps(user_rows())
        .keeps(post_rows()),
        Scenario::new(
            "parent table rewritten while children reference it with ON DELETE CASCADE",
            vec![
                users(vec![opt("nick", SqlType::Varchar(50))]),
                posts(Some(posts_fk().on_delete(FkAction::Cascade)), false),
            ],
            vec![
                users(vec![col("nick", SqlType::Varchar(80)).default("'x'")]),
                posts(Some(posts_fk().on_delete(FkAction::Cascade)), false),
            ],
        )
        .expect(&["AlterColumn users.nick type+nullable+default"])
        .keeps(user_rows_with("nick", s("a"), s("g")))
        .keeps(post_rows()),
        Scenario::new(
            "composite foreign key added",
            vec![memberships(&["user_id", "group_id"]), grants()],
            vec![
                memberships(&["user_id", "group_id"]),
                grants().foreign_key(
                    ForeignKey::new(
                        "fk_grants_user_id_group_id_memberships",
                        ["user_id", "group_id"],
                        "memberships",
                        ["user_id", "group_id"],
                    )
                    .on_delete(FkAction::Cascade),
                ),
            ],
        )
        .expect(&["AddForeignKey grants.fk_grants_user_id_group_id_memberships"])
        .keeps(membership_rows())
        .keeps(Rows::new(
            "grants",
            ["id", "user_id", "group_id"],
            vec![vec![i(1), i(1), i(1)], vec![i(2), i(2), i(1)]],
        )),
    ]
}

/// `grants (user_id, group_id)`, no keys: the child of the composite foreign key.
fn grants() -> Table {
    table(
        "grants",
        vec![
            col("user_id", SqlType::BigInt),
            col("group_id", SqlType::BigInt),
        ],
    )
}
