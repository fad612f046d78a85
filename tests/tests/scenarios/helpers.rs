//! Model builders and rows shared by the scenario topics.

use retort_schema::{Column, Dialect, ForeignKey, SqlType, Table, Value};
use retort_tests::scenario::Scenario;
use retort_tests::Rows;

pub const S: Dialect = Dialect::Sqlite;
pub const P: Dialect = Dialect::Postgres;
pub const M: Dialect = Dialect::Mysql;

pub fn id() -> Column {
    Column::new("id", SqlType::BigInt).autoincrement()
}

pub fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

pub fn opt(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty).nullable(true)
}

/// A table with an auto-increment `id` primary key named `pk_<name>` and `cols`.
pub fn table(name: &str, cols: Vec<Column>) -> Table {
    let mut t = Table::new(name).with_column(id());
    for c in cols {
        t = t.with_column(c);
    }
    t.primary_key(format!("pk_{name}"), ["id"])
}

pub fn name_col() -> Column {
    col("name", SqlType::Varchar(100))
}

/// `users(id, name, ..extra)`.
pub fn users(extra: Vec<Column>) -> Table {
    let mut cols = vec![name_col()];
    cols.extend(extra);
    table("users", cols)
}

pub fn i(n: i64) -> Value {
    Value::Int(n)
}
pub fn s(x: &str) -> Value {
    Value::Text(x.to_string())
}
pub fn b(x: bool) -> Value {
    Value::Bool(x)
}
pub fn f(x: f64) -> Value {
    Value::Float(x)
}
pub fn null() -> Value {
    Value::Null
}

/// Two users.
pub fn user_rows() -> Rows {
    Rows::new(
        "users",
        ["id", "name"],
        vec![vec![i(1), s("ada")], vec![i(2), s("grace")]],
    )
}

/// Two users with one more column.
pub fn user_rows_with(col: &str, a: Value, b2: Value) -> Rows {
    Rows::new(
        "users",
        ["id", "name", col],
        vec![vec![i(1), s("ada"), a], vec![i(2), s("grace"), b2]],
    )
}

pub fn posts(fk: Option<ForeignKey>, nullable_user: bool) -> Table {
    let user = if nullable_user {
        opt("user_id", SqlType::BigInt)
    } else {
        col("user_id", SqlType::BigInt)
    };
    let t = table("posts", vec![user, col("title", SqlType::Varchar(200))]);
    match fk {
        Some(fk) => t.foreign_key(fk),
        None => t,
    }
}

pub fn posts_fk() -> ForeignKey {
    ForeignKey::new("fk_posts_user_id_users", ["user_id"], "users", ["id"])
}

pub fn post_rows() -> Rows {
    Rows::new(
        "posts",
        ["id", "user_id", "title"],
        vec![vec![i(10), i(1), s("hello")], vec![i(11), i(2), s("world")]],
    )
}

pub fn mood(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

pub fn memberships(pk: &[&str]) -> Table {
    Table::new("memberships")
        .with_column(col("user_id", SqlType::BigInt))
        .with_column(col("group_id", SqlType::BigInt))
        .with_column(col("role", SqlType::Varchar(20)))
        .primary_key("pk_memberships", pk.iter().copied())
}

pub fn membership_rows() -> Rows {
    Rows::new(
        "memberships",
        ["user_id", "group_id", "role"],
        vec![vec![i(1), i(1), s("owner")], vec![i(2), i(1), s("member")]],
    )
}

/// `"order"(id, "Mixed Case")`: a reserved word and an identifier that needs quoting.
pub fn order_table(extra: Vec<Column>, mixed: Column) -> Table {
    let mut cols = vec![mixed];
    cols.extend(extra);
    table("order", cols)
}

pub fn type_change(
    name: &'static str,
    from: SqlType,
    to: SqlType,
    before: Value,
    after: Value,
) -> Scenario {
    Scenario::new(
        name,
        vec![users(vec![opt("v", from)])],
        vec![users(vec![opt("v", to)])],
    )
    .expect(&["AlterColumn users.v type"])
    .rows(user_rows_with("v", before.clone(), null()))
    .rows_after(user_rows_with("v", after, null()))
}

fn with_default(c: Column, d: Option<&str>) -> Column {
    match d {
        Some(d) => c.default(d),
        None => c,
    }
}

/// `score INTEGER NOT NULL`, with the default `d`.
pub fn score(d: Option<&str>) -> Column {
    with_default(col("score", SqlType::Integer), d)
}

/// `status VARCHAR(20) NOT NULL`, with the default `d`.
pub fn status(d: Option<&str>) -> Column {
    with_default(col("status", SqlType::Varchar(20)), d)
}

/// `created_at TIMESTAMP NULL`, with the default `d`.
pub fn created(d: Option<&str>) -> Column {
    with_default(
        opt(
            "created_at",
            SqlType::Timestamp {
                with_time_zone: false,
            },
        ),
        d,
    )
}

/// `active BOOLEAN NOT NULL`, with the default `d`.
pub fn active(d: Option<&str>) -> Column {
    with_default(col("active", SqlType::Boolean), d)
}

pub fn score_rows() -> Rows {
    user_rows_with("score", i(7), i(8))
}

pub fn status_rows() -> Rows {
    user_rows_with("status", s("x"), s("y"))
}

pub fn active_rows() -> Rows {
    user_rows_with("active", b(true), b(false))
}

/// `email VARCHAR(200) NOT NULL`.
pub fn email() -> Column {
    col("email", SqlType::Varchar(200))
}

pub fn email_rows() -> Rows {
    user_rows_with("email", s("a@x"), s("g@x"))
}

/// `users(id, name, email)`.
pub fn users_with_email() -> Table {
    users(vec![email()])
}

/// A scenario on `users` alone: its extra columns before and after.
pub fn users_change(name: &'static str, before: Vec<Column>, after: Vec<Column>) -> Scenario {
    Scenario::new(name, vec![users(before)], vec![users(after)])
}

/// `(scenario, object name, its columns before, after (none: no such object), operations)`.
pub type ObjectCase = (
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [&'static str],
);

/// One scenario per case on an index or constraint of `users(id, name, email)`:
/// `with(name, columns)` is the table with it on `columns` (none: without it); each operation
/// is expected as `<op> users.<name>`; the rows are kept.
pub fn object_changes(
    cases: &[ObjectCase],
    with: impl Fn(&str, &[&str]) -> Table,
) -> Vec<Scenario> {
    cases
        .iter()
        .map(|&(scenario, name, before, after, ops)| {
            let ops: Vec<String> = ops.iter().map(|op| format!("{op} users.{name}")).collect();
            let ops: Vec<&str> = ops.iter().map(String::as_str).collect();
            Scenario::new(scenario, vec![with(name, before)], vec![with(name, after)])
                .expect(&ops)
                .keeps(email_rows())
        })
        .collect()
}
