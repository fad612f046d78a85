//! PostgreSQL normalization: its spellings are not changes.

use super::*;

#[test]
fn postgres_type_spellings_are_not_changes() {
    let pairs = [
        (SqlType::Custom("int4".into()), SqlType::Integer),
        (SqlType::Custom("integer".into()), SqlType::Integer),
        (SqlType::Custom("int8".into()), SqlType::BigInt),
        (
            SqlType::Custom("character varying(20)".into()),
            SqlType::Varchar(20),
        ),
        (
            SqlType::Custom("timestamptz".into()),
            SqlType::Timestamp {
                with_time_zone: true,
            },
        ),
        (
            SqlType::Custom("timestamp with time zone".into()),
            SqlType::Timestamp {
                with_time_zone: true,
            },
        ),
        (SqlType::Custom("bool".into()), SqlType::Boolean),
        (SqlType::Custom("double precision".into()), SqlType::Double),
        (
            SqlType::Decimal {
                precision: Some(8),
                scale: Some(0),
            },
            SqlType::Decimal {
                precision: Some(8),
                scale: None,
            },
        ),
    ];
    assert_types_are_no_change(pairs, &pg());
}

#[test]
fn postgres_jsonb_and_json_differ() {
    let from = schema(vec![users_with(vec![col(
        "x",
        SqlType::Json { binary: false },
    )])]);
    let to = schema(vec![users_with(vec![col(
        "x",
        SqlType::Json { binary: true },
    )])]);
    assert_eq!(diff(&from, &to, &pg()).ops.len(), 1);
}

#[test]
fn postgres_default_spellings_are_not_changes() {
    let ts = SqlType::Timestamp {
        with_time_zone: true,
    };
    let num = SqlType::Decimal {
        precision: Some(10),
        scale: Some(2),
    };
    let cases = [
        (SqlType::Text, "'x'::text", "'x'"),
        (
            SqlType::Varchar(20),
            "'draft'::character varying",
            "'draft'",
        ),
        (ts.clone(), "now()", "CURRENT_TIMESTAMP"),
        (ts, "CURRENT_TIMESTAMP", "now()"),
        (SqlType::Boolean, "false", "'false'"),
        (SqlType::Boolean, "true", "TRUE"),
        (num.clone(), "'0'::numeric", "0"),
        (num, "0.00", "0"),
        (SqlType::Integer, "'-1'::integer", "-1"),
        (SqlType::Json { binary: true }, "'{}'::jsonb", "'{}'"),
        (SqlType::Text, "('it''s'::text)", "'it''s'"),
    ];
    for (ty, db, model) in cases {
        let (from, to) = default_pair(ty.clone(), db, model);
        assert_no_change(&from, &to, &pg());
    }
}

#[test]
fn postgres_real_default_changes_are_seen() {
    for (ty, a, b) in [
        (SqlType::Text, "'x'::text", "'y'"),
        (SqlType::Boolean, "false", "true"),
        (SqlType::Integer, "0", "1"),
        (SqlType::Text, "'0'", "'00'"),
    ] {
        let (from, to) = default_pair(ty, a, b);
        assert_eq!(diff(&from, &to, &pg()).ops.len(), 1, "{a} vs {b}");
    }
}

#[test]
fn a_nextval_default_on_an_identity_is_not_a_default() {
    let mut from = schema(vec![table("users")]);
    from.tables[0].columns[0].default = Some("nextval('users_id_seq'::regclass)".into());
    assert_no_change(&from, &schema(vec![table("users")]), &pg());
}
