//! The example app: a small blog.
//!
//! Every struct here is a table, registered with retort by `#[derive(retort::Table)]`. The
//! migration history that builds these tables lives in `examples/blog/migrations/versions/`;
//! `cargo run -p cli -- check` verifies that models, migrations and database agree.
//!
//! Every server default is written so that SQLite, PostgreSQL and MariaDB 10.11 all accept it.

use chrono::{DateTime, NaiveDateTime, Utc};
use rust_decimal::Decimal;

/// Whether a user may sign in.
#[derive(retort::DbEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum UserStatus {
    Active,
    Suspended,
    /// Signed up, e-mail address not confirmed yet.
    #[db_enum(rename = "pending")]
    PendingConfirmation,
}

/// People who can sign in and write.
#[derive(retort::Table, Debug)]
#[table(name = "users", comment = "people who can sign in")]
pub struct User {
    #[column(primary_key)]
    pub id: i64,
    #[column(length = 320, unique)]
    pub email: String,
    #[column(length = 100)]
    pub display_name: Option<String>,
    /// A short self-description shown on the profile page.
    #[column(comment = "shown on the profile page")]
    pub bio: Option<String>,
    #[column(server_default = "'pending'")]
    pub status: UserStatus,
    #[column(server_default = "CURRENT_TIMESTAMP")]
    pub created_at: NaiveDateTime,
}

/// A blog post.
#[derive(retort::Table, Debug)]
#[table(name = "posts", comment = "articles written by users")]
#[table(unique(columns = ["author_id", "slug"]))]
#[table(check(name = "ck_posts_tip_amount_non_negative", expr = "tip_amount >= 0"))]
#[table(index(columns = ["published", "created_at"]))]
pub struct Post {
    #[column(primary_key)]
    pub id: i64,
    #[column(references = "users.id", on_delete = "cascade", index)]
    pub author_id: i64,
    #[column(length = 200)]
    pub title: String,
    #[column(length = 200, comment = "URL path segment, unique per author")]
    pub slug: String,
    pub body: String,
    /// Total tips received, in the site's currency.
    #[column(precision = 10, scale = 2, server_default = "0")]
    pub tip_amount: Decimal,
    #[column(server_default = "false")]
    pub published: bool,
    pub published_at: Option<DateTime<Utc>>,
    #[column(server_default = "CURRENT_TIMESTAMP")]
    pub created_at: NaiveDateTime,
    #[column(server_default = "CURRENT_TIMESTAMP")]
    pub updated_at: NaiveDateTime,
    /// Free-form data for the front end (cover image, reading time, ..).
    pub metadata: Option<serde_json::Value>,
}

/// A comment on a post.
#[derive(retort::Table, Debug)]
#[table(name = "comments")]
#[table(check(expr = "length(body) > 0"))]
pub struct Comment {
    #[column(primary_key)]
    pub id: i64,
    #[column(references = "posts.id", on_delete = "cascade", index)]
    pub post_id: i64,
    /// `NULL` once the author's account is deleted: the comment stays.
    #[column(references = "users.id", on_delete = "set null", index)]
    pub author_id: Option<i64>,
    pub body: String,
    #[column(server_default = "CURRENT_TIMESTAMP")]
    pub created_at: NaiveDateTime,
}

/// A label that posts can carry.
#[derive(retort::Table, Debug)]
#[table(name = "tags")]
pub struct Tag {
    #[column(primary_key)]
    pub id: i64,
    #[column(length = 50, unique)]
    pub name: String,
}

/// Which post carries which tag (many-to-many).
#[derive(retort::Table, Debug)]
#[table(name = "post_tags", primary_key = ["post_id", "tag_id"])]
#[table(foreign_key(columns = ["post_id"], references = "posts(id)", on_delete = "cascade"))]
#[table(foreign_key(columns = ["tag_id"], references = "tags(id)", on_delete = "cascade"))]
#[table(index(columns = ["tag_id"]))]
pub struct PostTag {
    pub post_id: i64,
    pub tag_id: i64,
}

/// The blog's models, listed explicitly (the same set that `inventory` registers).
pub fn models() -> retort::Models {
    retort::Models::new()
        .add::<User>()
        .add::<Post>()
        .add::<Comment>()
        .add::<Tag>()
        .add::<PostTag>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort::schema::SqlType;
    use retort::Model;

    #[test]
    fn models_make_a_valid_schema_equal_to_the_registry() {
        let explicit = models().schema().unwrap();
        let registered = retort::target_schema().unwrap();
        assert_eq!(explicit, registered);
        let names: Vec<&str> = explicit.tables.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["comments", "post_tags", "posts", "tags", "users"]);
        assert_eq!(explicit.enums.len(), 1);
        assert_eq!(explicit.enums[0].name, "user_status");
        assert_eq!(explicit.enums[0].values, ["active", "suspended", "pending"]);
    }

    #[test]
    fn the_blog_uses_the_documented_conventions() {
        let posts = Post::table();
        assert_eq!(
            posts.column("tip_amount").unwrap().ty,
            SqlType::Decimal {
                precision: Some(10),
                scale: Some(2)
            }
        );
        assert_eq!(posts.foreign_keys[0].name, "fk_posts_author_id_users");
        assert_eq!(posts.uniques[0].name, "uq_posts_author_id_slug");
        assert_eq!(
            posts.column("metadata").unwrap().ty,
            SqlType::Json { binary: true }
        );
        let pt = PostTag::table();
        assert_eq!(
            pt.primary_key.as_ref().unwrap().columns,
            ["post_id", "tag_id"]
        );
        assert!(pt.columns.iter().all(|c| !c.autoincrement));
        assert_eq!(pt.foreign_keys.len(), 2);
        assert!(Comment::table().column("author_id").unwrap().nullable);
        assert_eq!(Comment::table().checks[0].name, "ck_comments_length_body_0");
    }
}
