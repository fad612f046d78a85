//! Whole plans: nothing to do, mixed plans, qualified names, spellings across databases.

use super::*;

#[test]
fn an_unchanged_schema_gives_nothing_on_every_dialect() {
    let users = table("users")
        .with_column(col("email", SqlType::Varchar(320)))
        .unique(Unique::new("uq_users_email", ["email"]));
    let posts = table("posts")
        .with_column(col("author_id", SqlType::BigInt))
        .with_column(col("body", SqlType::Text).nullable(true))
        .index(Index::new("ix_posts_author_id", ["author_id"]))
        .foreign_key(
            fk("fk_posts_author_id_users", "author_id", "users").on_delete(FkAction::Cascade),
        )
        .check(Check::new("ck_posts_body", "length(body) > 0"));
    let s = schema(vec![users, posts]);
    for o in [pg(), my(), lite()] {
        assert_no_change(&s, &s, &o);
    }
}

#[test]
fn a_mixed_plan_is_ordered_and_reversible() {
    let from = schema_enums(
        vec![
            table("users")
                .with_column(col("nick", SqlType::Varchar(40)))
                .with_column(col("legacy", SqlType::Text).nullable(true))
                .index(Index::new("ix_users_legacy", ["legacy"])),
            table("old_logs"),
        ],
        vec![],
    );
    let to = schema_enums(
        vec![
            table("users")
                .with_column(col("handle", SqlType::Varchar(40)).renamed_from("nick"))
                .with_column(col("mood", mood(&["ok"])).default("'ok'"))
                .index(Index::new("ix_users_handle", ["handle"])),
            table("posts")
                .with_column(col("author_id", SqlType::BigInt))
                .foreign_key(fk("fk_posts_author_id_users", "author_id", "users")),
        ],
        vec![EnumType::new("mood", ["ok"])],
    );
    let d = diff(&from, &to, &pg());
    let kinds: Vec<String> = d.ops.iter().map(|o| o.describe()).collect();
    assert_eq!(
        kinds,
        [
            "create enum type mood",
            "drop index ix_users_legacy on users",
            "drop table old_logs",
            "drop column users.legacy",
            "rename column users.nick -> handle",
            "add column users.mood",
            "create index ix_users_handle on users",
            "create table posts",
        ]
    );
    round_trip(&from, &to, &pg(), &d);
    assert_eq!(risks(&d), [(2, Risk::Destructive), (3, Risk::Destructive)]);
}

#[test]
fn tables_in_a_schema_are_matched_by_qualified_name() {
    let from = schema(vec![table("events").schema("audit")]);
    let to = schema(vec![table("events")
        .schema("audit")
        .with_column(col("at", SqlType::Date).nullable(true))]);
    assert_plan(
        &from,
        &to,
        &pg(),
        vec![add_column(
            "audit.events",
            col("at", SqlType::Date).nullable(true),
        )],
    );
}

#[test]
fn mariadb_spellings_of_timestamp_defaults_and_length_checks_are_no_change() {
    use retort_diff::{normalize_expr, same_default};
    use retort_schema::Dialect;
    let ts = SqlType::Timestamp {
        with_time_zone: false,
    };
    assert!(same_default(
        Some("current_timestamp(6)"),
        Some("CURRENT_TIMESTAMP"),
        &ts,
        Dialect::Mysql
    ));
    assert!(same_default(
        Some("now(3)"),
        Some("CURRENT_TIMESTAMP"),
        &ts,
        Dialect::Postgres
    ));
    assert!(!same_default(
        Some("current_timestamp(6)"),
        Some("'2020-01-01'"),
        &ts,
        Dialect::Mysql
    ));
    assert_eq!(
        normalize_expr("octet_length(`body`) > 0"),
        normalize_expr("length(body) > 0")
    );
    assert_ne!(
        normalize_expr("octet_length(body) > 1"),
        normalize_expr("length(body) > 0")
    );
}

#[test]
fn postgres_spelling_of_negative_literals_in_checks_is_no_change() {
    use retort_diff::normalize_expr;
    assert_eq!(
        normalize_expr("((small > '-100'::integer) AND (small < 100))"),
        normalize_expr("small > -100 AND small < 100")
    );
    assert_ne!(
        normalize_expr("a - 1 > 0"),
        normalize_expr("a -1 > 0 AND b")
    );
    assert_eq!(normalize_expr("a - 1 > 0"), normalize_expr("(a - 1) > 0"));
}

/// MySQL and SQLite keep no enum names: the caller passes the enum types the history created
/// in `from.enums`. The last column of a type going away drops the type (a no-op there, but
/// the same history then runs on PostgreSQL); a type the history already has is not created
/// again; with no history types, nothing is invented.
#[test]
fn inline_enum_dialects_drop_the_history_type_when_its_last_column_goes() {
    // As introspected: the column's enum is named `<table>_<column>`, `enums` is the history's.
    let inline = |values: &[&str]| SqlType::Enum {
        name: "users_mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    };
    for o in [my(), lite()] {
        let db = schema_enums(
            vec![users_with(vec![col("mood", inline(&["ok"]))])],
            vec![EnumType::new("mood", ["ok"])],
        );
        let d = diff(&db, &schema(vec![users_with(vec![])]), &o);
        assert_eq!(
            d.ops.last(),
            Some(&Op::DropEnum { name: q("mood") }),
            "{:?}: {:?}",
            o.dialect,
            d.ops
        );
        // In sync: no change.
        assert_no_change(&db, &with_mood(&["ok"]), &o);
        // The type is in the history but no column uses it: a new column reuses it.
        let bare = schema_enums(
            vec![users_with(vec![])],
            vec![EnumType::new("mood", ["ok"])],
        );
        let d = diff(&bare, &with_mood(&["ok"]), &o);
        assert!(
            !d.ops
                .iter()
                .any(|op| matches!(op, Op::CreateEnum(_) | Op::DropEnum { .. })),
            "{:?}: {:?}",
            o.dialect,
            d.ops
        );
        // Without history types, introspection lists the columns' own: nothing is dropped
        // while the column stays, and nothing is invented.
        let mut introspected = schema(vec![users_with(vec![col("mood", inline(&["ok"]))])]);
        introspected.collect_enums_from_columns();
        assert_no_change(&introspected, &with_mood(&["ok"]), &o);
    }
}
