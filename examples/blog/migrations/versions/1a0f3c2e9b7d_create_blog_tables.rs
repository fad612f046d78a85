//! create blog tables
//!
//! Revision ID: 1a0f3c2e9b7d
//! Revises:
//! Branch labels:
//! Depends on:
//! Create date: 2026-11-25 09:02:49 UTC

use retort::migration::prelude::*;

pub fn upgrade(m: &mut Migration) {
    m.create_enum(EnumType::new(
        "user_status",
        ["active", "suspended", "pending"],
    ));
    m.create_table(
        Table::new("tags")
            .with_column(Column::new("id", SqlType::BigInt).autoincrement())
            .with_column(Column::new("name", SqlType::Varchar(50)))
            .primary_key("pk_tags", ["id"])
            .unique(Unique::new("uq_tags_name", ["name"])),
    );
    m.create_table(
        Table::new("users")
            .comment("people who can sign in")
            .with_column(Column::new("id", SqlType::BigInt).autoincrement())
            .with_column(Column::new("email", SqlType::Varchar(320)))
            .with_column(Column::new("display_name", SqlType::Varchar(100)).nullable(true))
            .with_column(
                Column::new(
                    "status",
                    SqlType::enumeration("user_status", ["active", "suspended", "pending"]),
                )
                .default("'pending'"),
            )
            .with_column(
                Column::new(
                    "created_at",
                    SqlType::Timestamp {
                        with_time_zone: false,
                    },
                )
                .default("CURRENT_TIMESTAMP"),
            )
            .primary_key("pk_users", ["id"])
            .unique(Unique::new("uq_users_email", ["email"])),
    );
    m.create_table(
        Table::new("posts")
            .comment("articles written by users")
            .with_column(Column::new("id", SqlType::BigInt).autoincrement())
            .with_column(Column::new("author_id", SqlType::BigInt))
            .with_column(Column::new("title", SqlType::Varchar(200)))
            .with_column(
                Column::new("slug", SqlType::Varchar(200))
                    .comment("URL path segment, unique per author"),
            )
            .with_column(Column::new("body", SqlType::Text))
            .with_column(
                Column::new(
                    "tip_amount",
                    SqlType::Decimal {
                        precision: Some(10),
                        scale: Some(2),
                    },
                )
                .default("0"),
            )
            .with_column(Column::new("published", SqlType::Boolean).default("false"))
            .with_column(
                Column::new(
                    "published_at",
                    SqlType::Timestamp {
                        with_time_zone: true,
                    },
                )
                .nullable(true),
            )
            .with_column(
                Column::new(
                    "created_at",
                    SqlType::Timestamp {
                        with_time_zone: false,
                    },
                )
                .default("CURRENT_TIMESTAMP"),
            )
            .with_column(
                Column::new(
                    "updated_at",
                    SqlType::Timestamp {
                        with_time_zone: false,
                    },
                )
                .default("CURRENT_TIMESTAMP"),
            )
            .with_column(Column::new("metadata", SqlType::Json { binary: true }).nullable(true))
            .primary_key("pk_posts", ["id"])
            .index(Index::new("ix_posts_author_id", ["author_id"]))
            .index(Index::new(
                "ix_posts_published_created_at",
                ["published", "created_at"],
            ))
            .unique(Unique::new(
                "uq_posts_author_id_slug",
                ["author_id", "slug"],
            ))
            .foreign_key(
                ForeignKey::new("fk_posts_author_id_users", ["author_id"], "users", ["id"])
                    .on_delete(FkAction::Cascade),
            )
            .check(Check::new(
                "ck_posts_tip_amount_non_negative",
                "tip_amount >= 0",
            )),
    );
    m.create_table(
        Table::new("comments")
            .with_column(Column::new("id", SqlType::BigInt).autoincrement())
            .with_column(Column::new("post_id", SqlType::BigInt))
            .with_column(Column::new("author_id", SqlType::BigInt).nullable(true))
            .with_column(Column::new("body", SqlType::Text))
            .with_column(
                Column::new(
                    "created_at",
                    SqlType::Timestamp {
                        with_time_zone: false,
                    },
                )
                .default("CURRENT_TIMESTAMP"),
            )
            .primary_key("pk_comments", ["id"])
            .index(Index::new("ix_comments_author_id", ["author_id"]))
            .index(Index::new("ix_comments_post_id", ["post_id"]))
            .foreign_key(
                ForeignKey::new(
                    "fk_comments_author_id_users",
                    ["author_id"],
                    "users",
                    ["id"],
                )
                .on_delete(FkAction::SetNull),
            )
            .foreign_key(
                ForeignKey::new("fk_comments_post_id_posts", ["post_id"], "posts", ["id"])
                    .on_delete(FkAction::Cascade),
            )
            .check(Check::new("ck_comments_length_body_0", "length(body) > 0")),
    );
    m.create_table(
        Table::new("post_tags")
            .with_column(Column::new("post_id", SqlType::BigInt))
            .with_column(Column::new("tag_id", SqlType::BigInt))
            .primary_key("pk_post_tags", ["post_id", "tag_id"])
            .index(Index::new("ix_post_tags_tag_id", ["tag_id"]))
            .foreign_key(
                ForeignKey::new("fk_post_tags_post_id_posts", ["post_id"], "posts", ["id"])
                    .on_delete(FkAction::Cascade),
            )
            .foreign_key(
                ForeignKey::new("fk_post_tags_tag_id_tags", ["tag_id"], "tags", ["id"])
                    .on_delete(FkAction::Cascade),
            ),
    );
}

pub fn downgrade(m: &mut Migration) {
    m.drop_table("post_tags");
    m.drop_table("comments");
    m.drop_table("posts");
    m.drop_table("users");
    m.drop_table("tags");
    m.drop_enum("user_status");
}
