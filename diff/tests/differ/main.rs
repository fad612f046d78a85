//! Alembic's m1/m2 pattern: `from` as the database reports it, `to` as the models say, exact
//! operations expected; every plan is also applied, re-diffed (empty) and reverted.
//!
//! One test binary, one module per topic.

mod columns;
#[path = "../common/mod.rs"]
mod common;
mod constraints;
mod downgrades;
mod enums;
mod mysql;
mod plans;
mod postgres;
mod renames;
mod sqlite;
mod tables;
mod unnamed;

use common::*;
use retort_diff::{diff, Risk};
use retort_schema::{
    AlterColumn, Check, EnumType, FkAction, ForeignKey, Index, Op, PrimaryKey, QName, SqlType,
    Table, Unique,
};

fn q(s: &str) -> QName {
    QName::parse(s)
}

/// `DROP INDEX name` on `table`.
fn drop_index(table: &str, name: &str) -> Op {
    Op::DropIndex {
        table: q(table),
        name: name.into(),
    }
}

/// `Op::AddColumn` of `column` to `table`.
fn add_column(table: &str, column: retort_schema::Column) -> Op {
    Op::AddColumn {
        table: q(table),
        column,
    }
}

fn users_with(cols: Vec<retort_schema::Column>) -> Table {
    cols.into_iter()
        .fold(table("users"), |t, c| t.with_column(c))
}

fn mood(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn with_mood(values: &[&str]) -> retort_schema::Schema {
    schema_enums(
        vec![users_with(vec![col("mood", mood(values))])],
        vec![EnumType::new("mood", values.iter().copied())],
    )
}

fn default_pair(
    ty: SqlType,
    db: &str,
    model: &str,
) -> (retort_schema::Schema, retort_schema::Schema) {
    (
        schema(vec![users_with(vec![col("x", ty.clone()).default(db)])]),
        schema(vec![users_with(vec![col("x", ty).default(model)])]),
    )
}

fn fk(name: &str, col: &str, target: &str) -> ForeignKey {
    ForeignKey::new(name, [col], target, ["id"])
}

/// Each (database spelling, model spelling) pair of a column's type is no change.
fn assert_types_are_no_change(
    pairs: impl IntoIterator<Item = (SqlType, SqlType)>,
    o: &retort_diff::Options,
) {
    for (db, model) in pairs {
        let from = schema(vec![users_with(vec![col("x", db)])]);
        let to = schema(vec![users_with(vec![col("x", model)])]);
        assert_no_change(&from, &to, o);
    }
}

/// Asserts the plan from `from` to `to` is the one `AlterColumn` `alter`.
fn assert_alter(
    from: &retort_schema::Schema,
    to: &retort_schema::Schema,
    o: &retort_diff::Options,
    alter: AlterColumn,
) {
    assert_plan(from, to, o, vec![Op::AlterColumn(alter)]);
}
