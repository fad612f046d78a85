//! The autogenerate scenario suite (issue 4, "Done when"): before/after model pairs run on
//! SQLite, PostgreSQL and MariaDB. For each: create `before` with rows, introspect and find no
//! false positives, diff against `after` and check the operations, run them, autogenerate
//! again and find nothing, check the data, downgrade and find the starting schema again.
//!
//! One test per database; scenarios run one after the other, each in its own database
//! (SQLite temp file, PostgreSQL schema, MariaDB database). A failure names the scenario, the
//! database, the step and the unexpected operations; every scenario runs even if one fails.
//!
//! Beyond the differ's own opinion, each scenario checks (independently of the differ) that
//! the migrated database has the structure of one created from `after`, and the downgraded one
//! the structure of one created from `before`; that risky operations carry risk notes; and,
//! where given, that the upgraded schema accepts or refuses particular rows.
//!
//! `cargo test -p retort-tests --test autogenerate_scenarios -- --nocapture` prints one line per
//! scenario and database with its time.

use retort_schema::{
    Check, Column, Dialect, FkAction, ForeignKey, Index, SqlType, Table, Unique, Value,
};
use retort_tests::scenario::{report, run_all, Scenario};
use retort_tests::Rows;

const S: Dialect = Dialect::Sqlite;
const P: Dialect = Dialect::Postgres;
const M: Dialect = Dialect::Mysql;

// ---------------------------------------------------------------- model helpers

fn id() -> Column {
    Column::new("id", SqlType::BigInt).autoincrement()
}

fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

fn opt(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty).nullable(true)
}

/// A table with an auto-increment `id` primary key named `pk_<name>` and `cols`.
fn table(name: &str, cols: Vec<Column>) -> Table {
    let mut t = Table::new(name).with_column(id());
    for c in cols {
        t = t.with_column(c);
    }
    t.primary_key(format!("pk_{name}"), ["id"])
}

fn name_col() -> Column {
    col("name", SqlType::Varchar(100))
}

/// `users(id, name, ..extra)`.
fn users(extra: Vec<Column>) -> Table {
    let mut cols = vec![name_col()];
    cols.extend(extra);
    table("users", cols)
}

fn i(n: i64) -> Value {
    Value::Int(n)
}
fn s(x: &str) -> Value {
    Value::Text(x.to_string())
}
fn b(x: bool) -> Value {
    Value::Bool(x)
}
fn f(x: f64) -> Value {
    Value::Float(x)
}
fn null() -> Value {
    Value::Null
}

/// Two users.
fn user_rows() -> Rows {
    Rows::new(
        "users",
        ["id", "name"],
        vec![vec![i(1), s("ada")], vec![i(2), s("grace")]],
    )
}

/// Two users with one more column.
fn user_rows_with(col: &str, a: Value, b2: Value) -> Rows {
    Rows::new(
        "users",
        ["id", "name", col],
        vec![vec![i(1), s("ada"), a], vec![i(2), s("grace"), b2]],
    )
}

fn posts(fk: Option<ForeignKey>, nullable_user: bool) -> Table {
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

fn posts_fk() -> ForeignKey {
    ForeignKey::new("fk_posts_user_id_users", ["user_id"], "users", ["id"])
}

fn post_rows() -> Rows {
    Rows::new(
        "posts",
        ["id", "user_id", "title"],
        vec![vec![i(10), i(1), s("hello")], vec![i(11), i(2), s("world")]],
    )
}

fn mood(values: &[&str]) -> SqlType {
    SqlType::Enum {
        name: "mood".into(),
        values: values.iter().map(|v| v.to_string()).collect(),
    }
}

fn memberships(pk: &[&str]) -> Table {
    Table::new("memberships")
        .with_column(col("user_id", SqlType::BigInt))
        .with_column(col("group_id", SqlType::BigInt))
        .with_column(col("role", SqlType::Varchar(20)))
        .primary_key("pk_memberships", pk.iter().copied())
}

fn membership_rows() -> Rows {
    Rows::new(
        "memberships",
        ["user_id", "group_id", "role"],
        vec![vec![i(1), i(1), s("owner")], vec![i(2), i(1), s("member")]],
    )
}

/// `"order"(id, "Mixed Case")`: a reserved word and an identifier that needs quoting.
fn order_table(extra: Vec<Column>, mixed: Column) -> Table {
    let mut cols = vec![mixed];
    cols.extend(extra);
    table("order", cols)
}

// ---------------------------------------------------------------- the scenarios

fn type_change(
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

#[allow(clippy::vec_init_then_push)] // one push per scenario reads best
fn scenarios() -> Vec<Scenario> {
    let mut v = Vec::new();

    // ---- tables
    v.push(
        Scenario::new(
            "add table",
            vec![users(vec![])],
            vec![users(vec![]), posts(Some(posts_fk()), false)],
        )
        .expect(&["CreateTable posts"])
        .keeps(user_rows()),
    );
    v.push(
        Scenario::new(
            "drop table with rows",
            vec![
                users(vec![]),
                table("notes", vec![col("body", SqlType::Text)]),
            ],
            vec![users(vec![])],
        )
        .expect(&["DropTable notes"])
        .keeps(user_rows())
        .rows_up_only(Rows::new("notes", ["id", "body"], vec![vec![i(1), s("x")]])),
    );
    v.push(
        Scenario::new(
            "add table with every column type",
            vec![],
            vec![table(
                "kitchen_sink",
                vec![
                    opt("b", SqlType::Boolean),
                    opt("si", SqlType::SmallInt),
                    opt("n", SqlType::Integer),
                    opt("r", SqlType::Real),
                    opt("d", SqlType::Double),
                    opt("t", SqlType::Text),
                    opt("bl", SqlType::Blob),
                    opt(
                        "dec",
                        SqlType::Decimal {
                            precision: Some(10),
                            scale: Some(2),
                        },
                    ),
                    opt("dt", SqlType::Date),
                    opt("tm", SqlType::Time),
                    opt(
                        "ts",
                        SqlType::Timestamp {
                            with_time_zone: false,
                        },
                    ),
                    opt("u", SqlType::Uuid),
                    opt("j", SqlType::Json { binary: true }),
                ],
            )],
        )
        .expect(&["CreateTable kitchen_sink"]),
    );

    // ---- columns
    v.push(
        Scenario::new(
            "add nullable column",
            vec![users(vec![])],
            vec![users(vec![opt("age", SqlType::Integer)])],
        )
        .expect(&["AddColumn users.age"])
        .keeps(user_rows())
        .rows_after(user_rows_with("age", null(), null())),
    );
    v.push(
        Scenario::new(
            "add NOT NULL column with a default to a table with rows",
            vec![users(vec![])],
            vec![users(vec![
                col("status", SqlType::Varchar(20)).default("'active'")
            ])],
        )
        .expect(&["AddColumn users.status"])
        .keeps(user_rows())
        .rows_after(user_rows_with("status", s("active"), s("active"))),
    );
    v.push(
        Scenario::new(
            "add NOT NULL column without default to an empty table",
            vec![users(vec![])],
            vec![users(vec![col("code", SqlType::Varchar(10))])],
        )
        .expect(&["AddColumn users.code"]),
    );
    v.push(
        Scenario::new(
            "add column with CURRENT_TIMESTAMP default",
            vec![users(vec![])],
            vec![users(vec![col(
                "created_at",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )
            .default("CURRENT_TIMESTAMP")])],
        )
        .expect(&["AddColumn users.created_at"])
        .keeps(user_rows()),
    );
    v.push(
        Scenario::new(
            "drop column with rows",
            vec![users(vec![opt("nick", SqlType::Varchar(50))])],
            vec![users(vec![])],
        )
        .expect(&["DropColumn users.nick"])
        .rows_up_only(user_rows_with("nick", s("a"), s("g")))
        .rows_after(user_rows()),
    );
    v.push(
        Scenario::new(
            "add uuid, json and blob columns",
            vec![users(vec![])],
            vec![users(vec![
                opt("token", SqlType::Uuid),
                opt("prefs", SqlType::Json { binary: false }),
                opt("avatar", SqlType::Blob),
            ])],
        )
        .expect(&[
            "AddColumn users.avatar",
            "AddColumn users.prefs",
            "AddColumn users.token",
        ])
        .keeps(user_rows()),
    );

    // ---- type changes
    v.push(type_change(
        "integer to bigint",
        SqlType::Integer,
        SqlType::BigInt,
        i(2_147_483_647),
        i(2_147_483_647),
    ));
    v.push(type_change(
        "smallint to integer",
        SqlType::SmallInt,
        SqlType::Integer,
        i(32_000),
        i(32_000),
    ));
    v.push(type_change(
        "varchar(50) to varchar(200)",
        SqlType::Varchar(50),
        SqlType::Varchar(200),
        s("hello"),
        s("hello"),
    ));
    v.push(type_change(
        "varchar to text",
        SqlType::Varchar(50),
        SqlType::Text,
        s("hello"),
        s("hello"),
    ));
    v.push(type_change(
        "text to varchar (data fits)",
        SqlType::Text,
        SqlType::Varchar(100),
        s("short"),
        s("short"),
    ));
    v.push(type_change(
        "varchar(200) narrowed to varchar(50) (data fits)",
        SqlType::Varchar(200),
        SqlType::Varchar(50),
        s("fits"),
        s("fits"),
    ));
    v.push(type_change(
        "integer to text",
        SqlType::Integer,
        SqlType::Text,
        i(42),
        s("42"),
    ));
    v.push(type_change(
        "boolean to integer",
        SqlType::Boolean,
        SqlType::Integer,
        b(true),
        i(1),
    ));
    v.push(type_change(
        "integer to boolean",
        SqlType::Integer,
        SqlType::Boolean,
        i(1),
        b(true),
    ));
    v.push(type_change(
        "decimal precision change",
        SqlType::Decimal {
            precision: Some(8),
            scale: Some(2),
        },
        SqlType::Decimal {
            precision: Some(12),
            scale: Some(4),
        },
        f(12.5),
        f(12.5),
    ));
    v.push(type_change(
        "real to double",
        SqlType::Real,
        SqlType::Double,
        f(1.5),
        f(1.5),
    ));
    v.push(
        Scenario::new(
            "date to timestamp",
            vec![users(vec![opt("born", SqlType::Date)])],
            vec![users(vec![opt(
                "born",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )])],
        )
        .expect(&["AlterColumn users.born type"])
        .keeps(user_rows()),
    );
    v.push(
        Scenario::new(
            "timestamp gains a time zone",
            vec![users(vec![opt(
                "seen",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )])],
            vec![users(vec![opt(
                "seen",
                SqlType::Timestamp {
                    with_time_zone: true,
                },
            )])],
        )
        .expect(&["AlterColumn users.seen type"])
        // MySQL/MariaDB have one timestamp type (DATETIME(6)): nothing to do.
        .on(M, &[])
        .keeps(user_rows()),
    );

    // ---- nullability
    v.push(
        Scenario::new(
            "nullable to NOT NULL (no NULLs in the data)",
            vec![users(vec![opt("nick", SqlType::Varchar(50))])],
            vec![users(vec![col("nick", SqlType::Varchar(50))])],
        )
        .expect(&["AlterColumn users.nick nullable"])
        .keeps(user_rows_with("nick", s("a"), s("g"))),
    );
    v.push(
        Scenario::new(
            "NOT NULL to nullable",
            vec![users(vec![col("nick", SqlType::Varchar(50))])],
            vec![users(vec![opt("nick", SqlType::Varchar(50))])],
        )
        .expect(&["AlterColumn users.nick nullable"])
        .keeps(user_rows_with("nick", s("a"), s("g"))),
    );
    v.push(
        Scenario::new(
            "NOT NULL and a default added together",
            vec![users(vec![opt("score", SqlType::Integer)])],
            vec![users(vec![col("score", SqlType::Integer).default("0")])],
        )
        .expect(&["AlterColumn users.score nullable+default"])
        .keeps(user_rows_with("score", i(3), i(4))),
    );

    // ---- defaults
    let score = |d: Option<&str>| {
        let c = col("score", SqlType::Integer);
        match d {
            Some(d) => c.default(d),
            None => c,
        }
    };
    let status = |d: Option<&str>| {
        let c = col("status", SqlType::Varchar(20));
        match d {
            Some(d) => c.default(d),
            None => c,
        }
    };
    let created = |d: Option<&str>| {
        let c = opt(
            "created_at",
            SqlType::Timestamp {
                with_time_zone: false,
            },
        );
        match d {
            Some(d) => c.default(d),
            None => c,
        }
    };
    let active = |d: Option<&str>| {
        let c = col("active", SqlType::Boolean);
        match d {
            Some(d) => c.default(d),
            None => c,
        }
    };
    let default_case = |name: &'static str, before: Column, after: Column, rows: Rows| {
        let cname = before.name.clone();
        Scenario::new(name, vec![users(vec![before])], vec![users(vec![after])])
            .expect(&[format!("AlterColumn users.{cname} default").as_str()])
            .keeps(rows)
    };
    let score_rows = user_rows_with("score", i(7), i(8));
    let status_rows = user_rows_with("status", s("x"), s("y"));
    let active_rows = user_rows_with("active", b(true), b(false));
    v.push(default_case(
        "number default added",
        score(None),
        score(Some("0")),
        score_rows.clone(),
    ));
    v.push(default_case(
        "number default changed",
        score(Some("0")),
        score(Some("5")),
        score_rows.clone(),
    ));
    v.push(default_case(
        "number default removed",
        score(Some("5")),
        score(None),
        score_rows.clone(),
    ));
    v.push(default_case(
        "string default added",
        status(None),
        status(Some("'draft'")),
        status_rows.clone(),
    ));
    v.push(default_case(
        "string default changed",
        status(Some("'draft'")),
        status(Some("'published'")),
        status_rows.clone(),
    ));
    v.push(default_case(
        "string default removed",
        status(Some("'draft'")),
        status(None),
        status_rows.clone(),
    ));
    v.push(default_case(
        "string default with a quote added",
        status(None),
        status(Some("'it''s'")),
        status_rows.clone(),
    ));
    v.push(default_case(
        "CURRENT_TIMESTAMP default added",
        created(None),
        created(Some("CURRENT_TIMESTAMP")),
        user_rows(),
    ));
    v.push(default_case(
        "CURRENT_TIMESTAMP default removed",
        created(Some("CURRENT_TIMESTAMP")),
        created(None),
        user_rows(),
    ));
    v.push(default_case(
        "boolean default added",
        active(None),
        active(Some("false")),
        active_rows.clone(),
    ));
    v.push(default_case(
        "boolean default changed",
        active(Some("false")),
        active(Some("true")),
        active_rows.clone(),
    ));
    v.push(default_case(
        "default on a text column added",
        opt("bio", SqlType::Text),
        opt("bio", SqlType::Text).default("'none'"),
        user_rows_with("bio", s("x"), null()),
    ));
    let price = |d: &str| {
        col(
            "price",
            SqlType::Decimal {
                precision: Some(10),
                scale: Some(2),
            },
        )
        .default(d)
    };
    v.push(default_case(
        "decimal default changed",
        price("9.99"),
        price("10.50"),
        user_rows_with("price", f(1.25), f(2.5)),
    ));
    v.push(
        Scenario::new(
            "type widened, default kept",
            vec![users(vec![score(Some("7"))])],
            vec![users(vec![col("score", SqlType::BigInt).default("7")])],
        )
        .expect(&["AlterColumn users.score type"])
        .keeps(score_rows.clone())
        .accepts(Rows::new(
            "users",
            ["id", "name"],
            vec![vec![i(3), s("dflt")]],
        ))
        .rows_after(Rows::new(
            "users",
            ["id", "score"],
            vec![vec![i(1), i(7)], vec![i(2), i(8)]],
        )),
    );
    v.push(
        Scenario::new(
            "default removed from a nullable column",
            vec![users(vec![
                opt("nick", SqlType::Varchar(50)).default("'anon'")
            ])],
            vec![users(vec![opt("nick", SqlType::Varchar(50))])],
        )
        .expect(&["AlterColumn users.nick default"])
        .keeps(user_rows_with("nick", s("a"), null())),
    );

    // ---- indexes
    let email = || col("email", SqlType::Varchar(200));
    let users_e = |idx: Vec<Index>| {
        let mut t = users(vec![email()]);
        for x in idx {
            t = t.index(x);
        }
        t
    };
    let email_rows = user_rows_with("email", s("a@x"), s("g@x"));
    v.push(
        Scenario::new(
            "index added",
            vec![users_e(vec![])],
            vec![users_e(vec![Index::new("ix_users_name", ["name"])])],
        )
        .expect(&["CreateIndex users.ix_users_name"])
        .keeps(email_rows.clone()),
    );
    v.push(
        Scenario::new(
            "index dropped",
            vec![users_e(vec![Index::new("ix_users_name", ["name"])])],
            vec![users_e(vec![])],
        )
        .expect(&["DropIndex users.ix_users_name"])
        .keeps(email_rows.clone()),
    );
    v.push(
        Scenario::new(
            "index columns changed",
            vec![users_e(vec![Index::new("ix_users_lookup", ["name"])])],
            vec![users_e(vec![Index::new(
                "ix_users_lookup",
                ["name", "email"],
            )])],
        )
        .expect(&[
            "CreateIndex users.ix_users_lookup",
            "DropIndex users.ix_users_lookup",
        ])
        .keeps(email_rows.clone()),
    );
    v.push(
        Scenario::new(
            "index column order changed",
            vec![users_e(vec![Index::new(
                "ix_users_lookup",
                ["name", "email"],
            )])],
            vec![users_e(vec![Index::new(
                "ix_users_lookup",
                ["email", "name"],
            )])],
        )
        .expect(&[
            "CreateIndex users.ix_users_lookup",
            "DropIndex users.ix_users_lookup",
        ])
        .keeps(email_rows.clone()),
    );
    v.push(
        Scenario::new(
            "index becomes unique",
            vec![users_e(vec![Index::new("ix_users_email", ["email"])])],
            vec![users_e(vec![
                Index::new("ix_users_email", ["email"]).unique()
            ])],
        )
        .expect(&[
            "CreateIndex users.ix_users_email",
            "DropIndex users.ix_users_email",
        ])
        .keeps(email_rows.clone()),
    );
    v.push(
        Scenario::new(
            "unique index becomes plain",
            vec![users_e(vec![
                Index::new("ix_users_email", ["email"]).unique()
            ])],
            vec![users_e(vec![Index::new("ix_users_email", ["email"])])],
        )
        .expect(&[
            "CreateIndex users.ix_users_email",
            "DropIndex users.ix_users_email",
        ])
        // MariaDB keeps a unique index and a UNIQUE constraint as the same thing: introspection
        // reports a `Unique`.
        .on(
            M,
            &[
                "CreateIndex users.ix_users_email",
                "DropUnique users.ix_users_email",
            ],
        )
        .keeps(email_rows.clone()),
    );
    v.push(
        Scenario::new(
            "partial index added",
            vec![users(vec![score(None)])],
            vec![users(vec![score(None)])
                .index(Index::new("ix_users_scored", ["name"]).predicate("score > 0"))],
        )
        .only(&[S, P])
        .expect(&["CreateIndex users.ix_users_scored"])
        .keeps(score_rows.clone()),
    );
    v.push(
        Scenario::new(
            "partial index predicate changed",
            vec![users(vec![score(None)])
                .index(Index::new("ix_users_scored", ["name"]).predicate("score > 0"))],
            vec![users(vec![score(None)])
                .index(Index::new("ix_users_scored", ["name"]).predicate("score > 10"))],
        )
        .only(&[S, P])
        .expect(&[
            "CreateIndex users.ix_users_scored",
            "DropIndex users.ix_users_scored",
        ])
        .keeps(score_rows.clone()),
    );

    // ---- unique constraints
    let users_u = |u: Vec<Unique>| {
        let mut t = users(vec![email()]);
        for x in u {
            t = t.unique(x);
        }
        t
    };
    v.push(
        Scenario::new(
            "unique constraint added",
            vec![users_u(vec![])],
            vec![users_u(vec![Unique::new("uq_users_email", ["email"])])],
        )
        .expect(&["AddUnique users.uq_users_email"])
        .rejects(Rows::new(
            "users",
            ["id", "name", "email"],
            vec![vec![i(3), s("dup"), s("a@x")]],
        ))
        .keeps(email_rows.clone()),
    );
    v.push(
        Scenario::new(
            "unique constraint dropped",
            vec![users_u(vec![Unique::new("uq_users_email", ["email"])])],
            vec![users_u(vec![])],
        )
        .expect(&["DropUnique users.uq_users_email"])
        .keeps(email_rows.clone()),
    );
    v.push(
        Scenario::new(
            "composite unique constraint added",
            vec![users_u(vec![])],
            vec![users_u(vec![Unique::new(
                "uq_users_name_email",
                ["name", "email"],
            )])],
        )
        .expect(&["AddUnique users.uq_users_name_email"])
        .keeps(email_rows.clone()),
    );
    v.push(
        Scenario::new(
            "unique constraint columns changed",
            vec![users_u(vec![Unique::new("uq_users_contact", ["email"])])],
            vec![users_u(vec![Unique::new(
                "uq_users_contact",
                ["email", "name"],
            )])],
        )
        .expect(&[
            "AddUnique users.uq_users_contact",
            "DropUnique users.uq_users_contact",
        ])
        .keeps(email_rows.clone()),
    );

    // ---- primary keys
    v.push(
        Scenario::new(
            "table with a composite primary key created",
            vec![users(vec![])],
            vec![users(vec![]), memberships(&["user_id", "group_id"])],
        )
        .expect(&["CreateTable memberships"])
        .keeps(user_rows()),
    );
    v.push(
        Scenario::new(
            "primary key extended to two columns",
            vec![memberships(&["user_id"])],
            vec![memberships(&["user_id", "group_id"])],
        )
        .expect(&[
            "AddPrimaryKey memberships.pk_memberships",
            "DropPrimaryKey memberships.pk_memberships",
        ])
        .keeps(Rows::new(
            "memberships",
            ["user_id", "group_id", "role"],
            vec![vec![i(1), i(1), s("owner")], vec![i(2), i(1), s("member")]],
        )),
    );
    v.push(
        Scenario::new(
            "composite primary key replaced",
            vec![memberships(&["user_id", "group_id"])],
            vec![memberships(&["group_id", "role"])],
        )
        .expect(&[
            "AddPrimaryKey memberships.pk_memberships",
            "DropPrimaryKey memberships.pk_memberships",
        ])
        .keeps(membership_rows()),
    );

    // ---- foreign keys
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
    v.push(fk_case(
        "foreign key added",
        None,
        Some(posts_fk()),
        false,
        &["AddForeignKey posts.fk_posts_user_id_users"],
    ));
    v.push(fk_case(
        "foreign key dropped",
        Some(posts_fk()),
        None,
        false,
        &["DropForeignKey posts.fk_posts_user_id_users"],
    ));
    let fk_change = [
        "AddForeignKey posts.fk_posts_user_id_users",
        "DropForeignKey posts.fk_posts_user_id_users",
    ];
    v.push(fk_case(
        "foreign key gains ON DELETE CASCADE",
        Some(posts_fk()),
        Some(posts_fk().on_delete(FkAction::Cascade)),
        false,
        &fk_change,
    ));
    v.push(fk_case(
        "foreign key gains ON UPDATE CASCADE",
        Some(posts_fk()),
        Some(posts_fk().on_update(FkAction::Cascade)),
        false,
        &fk_change,
    ));
    v.push(fk_case(
        "foreign key ON DELETE CASCADE to SET NULL",
        Some(posts_fk().on_delete(FkAction::Cascade)),
        Some(posts_fk().on_delete(FkAction::SetNull)),
        true,
        &fk_change,
    ));
    v.push(
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
    );
    v.push(
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
    );
    v.push(
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
    );
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
    v.push(
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
    );
    v.push(
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
    );

    v.push(
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
    );
    v.push(
        Scenario::new(
            "composite foreign key added",
            vec![
                memberships(&["user_id", "group_id"]),
                table(
                    "grants",
                    vec![
                        col("user_id", SqlType::BigInt),
                        col("group_id", SqlType::BigInt),
                    ],
                ),
            ],
            vec![
                memberships(&["user_id", "group_id"]),
                table(
                    "grants",
                    vec![
                        col("user_id", SqlType::BigInt),
                        col("group_id", SqlType::BigInt),
                    ],
                )
                .foreign_key(
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
    );

    // ---- checks
    let users_c = |c: Option<Check>| {
        let t = users(vec![score(None)]);
        match c {
            Some(c) => t.check(c),
            None => t,
        }
    };
    v.push(
        Scenario::new(
            "check constraint added",
            vec![users_c(None)],
            vec![users_c(Some(Check::new("ck_users_score", "score >= 0")))],
        )
        .expect(&["AddCheck users.ck_users_score"])
        .rejects(Rows::new(
            "users",
            ["id", "name", "score"],
            vec![vec![i(3), s("neg"), i(-1)]],
        ))
        .keeps(score_rows.clone()),
    );
    v.push(
        Scenario::new(
            "check constraint dropped",
            vec![users_c(Some(Check::new("ck_users_score", "score >= 0")))],
            vec![users_c(None)],
        )
        .expect(&["DropCheck users.ck_users_score"])
        .keeps(score_rows.clone()),
    );
    v.push(
        Scenario::new(
            "check constraint expression changed",
            vec![users_c(Some(Check::new("ck_users_score", "score >= 0")))],
            vec![users_c(Some(Check::new(
                "ck_users_score",
                "score >= 0 AND score <= 100",
            )))],
        )
        .expect(&[
            "AddCheck users.ck_users_score",
            "DropCheck users.ck_users_score",
        ])
        .keeps(score_rows.clone()),
    );

    // ---- comments (SQLite has none: nothing to do there)
    let commented = |t: Option<&str>| {
        let u = users(vec![]);
        match t {
            Some(c) => u.comment(c),
            None => u,
        }
    };
    v.push(
        Scenario::new(
            "table comment added",
            vec![commented(None)],
            vec![commented(Some("people who sign in"))],
        )
        .expect(&["SetTableComment users"])
        .on(S, &[])
        .keeps(user_rows()),
    );
    v.push(
        Scenario::new(
            "table comment changed",
            vec![commented(Some("people who sign in"))],
            vec![commented(Some("people who can't sign in"))],
        )
        .expect(&["SetTableComment users"])
        .on(S, &[])
        .keeps(user_rows()),
    );
    v.push(
        Scenario::new(
            "table comment removed",
            vec![commented(Some("people who sign in"))],
            vec![commented(None)],
        )
        .expect(&["SetTableComment users"])
        .on(S, &[])
        .keeps(user_rows()),
    );
    let name_commented = |c: Option<&str>| {
        let mut n = name_col();
        n.comment = c.map(str::to_string);
        table("users", vec![n])
    };
    v.push(
        Scenario::new(
            "column comment added",
            vec![name_commented(None)],
            vec![name_commented(Some("display name"))],
        )
        .expect(&["AlterColumn users.name comment"])
        .on(S, &[])
        .keeps(user_rows()),
    );
    v.push(
        Scenario::new(
            "column comment changed",
            vec![name_commented(Some("display name"))],
            vec![name_commented(Some("full name"))],
        )
        .expect(&["AlterColumn users.name comment"])
        .on(S, &[])
        .keeps(user_rows()),
    );

    // ---- enums
    let mood_rows = |a: &str, b2: &str| user_rows_with("mood", s(a), s(b2));
    v.push(
        Scenario::new(
            "enum type created with a new column",
            vec![users(vec![])],
            vec![users(vec![opt("mood", mood(&["happy", "sad"]))])],
        )
        // Every dialect: a portable history creates the type (rendered as nothing where
        // enums are inline).
        .expect(&["AddColumn users.mood", "CreateEnum mood"])
        .keeps(user_rows()),
    );
    v.push(
        Scenario::new(
            "enum type dropped with its column",
            vec![users(vec![opt("mood", mood(&["happy", "sad"]))])],
            vec![users(vec![])],
        )
        .expect(&["DropColumn users.mood"])
        .on(P, &["DropColumn users.mood", "DropEnum mood"])
        .rows_up_only(mood_rows("happy", "sad"))
        .rows_after(user_rows()),
    );
    v.push(
        Scenario::new(
            "enum value appended",
            vec![users(vec![opt("mood", mood(&["happy", "sad"]))])],
            vec![users(vec![opt("mood", mood(&["happy", "sad", "meh"]))])],
        )
        .expect(&["AlterColumn users.mood type"])
        .on(P, &["AddEnumValue mood.meh"])
        .keeps(mood_rows("happy", "sad"))
        .accepts(Rows::new(
            "users",
            ["id", "name", "mood"],
            vec![vec![i(3), s("new"), s("meh")]],
        )),
    );
    v.push(
        Scenario::new(
            "enum value removed (rewrite)",
            vec![users(vec![opt("mood", mood(&["happy", "meh", "sad"]))])],
            vec![users(vec![opt("mood", mood(&["happy", "sad"]))])],
        )
        .expect(&["AlterColumn users.mood type"])
        .on(P, &["SetEnumValues mood"])
        .keeps(mood_rows("happy", "sad"))
        .rejects(Rows::new(
            "users",
            ["id", "name", "mood"],
            vec![vec![i(3), s("new"), s("meh")]],
        )),
    );
    v.push(
        Scenario::new(
            "enum values reordered (rewrite)",
            vec![users(vec![opt("mood", mood(&["happy", "sad"]))])],
            vec![users(vec![opt("mood", mood(&["sad", "happy"]))])],
        )
        .expect(&["AlterColumn users.mood type"])
        .on(P, &["SetEnumValues mood"])
        .keeps(mood_rows("happy", "sad")),
    );
    v.push(
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
    );

    // ---- renames
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
    v.push(
        Scenario::new(
            "table renamed (renamed_from), rows kept",
            vec![notes("notes", "body")],
            vec![notes("memos", "body")],
        )
        .expect(&["RenameTable notes->memos"])
        .rows(note_rows("notes", "body"))
        .rows_after(note_rows("memos", "body")),
    );
    v.push(
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
    );
    v.push(
        Scenario::new(
            "table with an index renamed",
            vec![notes("notes", "body").index(Index::new("ix_notes_body", ["body"]))],
            vec![notes("memos", "body").index(Index::new("ix_notes_body", ["body"]))],
        )
        .expect(&["RenameTable notes->memos"])
        .rows(note_rows("notes", "body"))
        .rows_after(note_rows("memos", "body")),
    );
    v.push(
        Scenario::new(
            "column renamed (renamed_from), rows kept",
            vec![users(vec![opt("nick", SqlType::Varchar(50))])],
            vec![users(vec![
                opt("handle", SqlType::Varchar(50)).renamed_from("nick")
            ])],
        )
        .expect(&["AlterColumn users.nick rename=handle"])
        .rows(user_rows_with("nick", s("a"), s("g")))
        .rows_after(user_rows_with("handle", s("a"), s("g"))),
    );
    v.push(
        Scenario::new(
            "column renamed and widened",
            vec![users(vec![opt("nick", SqlType::Varchar(50))])],
            vec![users(vec![
                opt("handle", SqlType::Varchar(200)).renamed_from("nick")
            ])],
        )
        .expect(&["AlterColumn users.nick rename=handle+type"])
        .rows(user_rows_with("nick", s("a"), s("g")))
        .rows_after(user_rows_with("handle", s("a"), s("g"))),
    );
    v.push(
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
    );
    v.push(
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
    );

    v.push(
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
    );
    v.push(
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
    );
    v.push(
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
    );

    v.push(
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
    );
    v.push(
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
    );

    // ---- awkward identifiers
    let mixed = || col("Mixed Case", SqlType::Varchar(50));
    let order_rows = Rows::new(
        "order",
        ["id", "Mixed Case"],
        vec![vec![i(1), s("x")], vec![i(2), s("y")]],
    );
    v.push(
        Scenario::new(
            "reserved word table and mixed-case column: add column and index",
            vec![order_table(vec![], mixed())],
            vec![order_table(vec![opt("select", SqlType::Integer)], mixed())
                .index(Index::new("ix_order_Mixed Case", ["Mixed Case"]))],
        )
        .expect(&[
            "AddColumn order.select",
            "CreateIndex order.ix_order_Mixed Case",
        ])
        .keeps(order_rows.clone()),
    );
    v.push(
        Scenario::new(
            "mixed-case column widened and made NOT NULL",
            vec![order_table(vec![], opt("Mixed Case", SqlType::Varchar(50)))],
            vec![order_table(
                vec![],
                col("Mixed Case", SqlType::Varchar(100)),
            )],
        )
        .expect(&["AlterColumn order.Mixed Case type+nullable"])
        .keeps(order_rows.clone()),
    );
    v.push(
        Scenario::new(
            "mixed-case table referencing a reserved-word table",
            vec![order_table(vec![], mixed())],
            vec![
                order_table(vec![], mixed()),
                table("Audit Log", vec![col("order", SqlType::BigInt)]).foreign_key(
                    ForeignKey::new("fk_Audit Log_order_order", ["order"], "order", ["id"])
                        .on_delete(FkAction::Cascade),
                ),
            ],
        )
        .expect(&["CreateTable Audit Log"])
        .keeps(order_rows.clone()),
    );

    // ---- what is not ours
    v.push(
        Scenario::new(
            "tables excluded by glob stay untouched",
            vec![users(vec![])],
            vec![users(vec![opt("age", SqlType::Integer)])],
        )
        .unmanaged(table("legacy_data", vec![col("v", SqlType::Text)]))
        .exclude("legacy_*")
        .expect(&["AddColumn users.age"])
        .keeps(user_rows())
        .keeps(Rows::new(
            "legacy_data",
            ["id", "v"],
            vec![vec![i(1), s("old")]],
        )),
    );
    v.push(
        Scenario::new(
            "version table stays untouched",
            vec![users(vec![])],
            vec![users(vec![opt("age", SqlType::Integer)])],
        )
        .unmanaged(
            Table::new("retort_version")
                .with_column(col("version_num", SqlType::Varchar(255)))
                .primary_key("pk_retort_version", ["version_num"]),
        )
        .expect(&["AddColumn users.age"])
        .keeps(user_rows())
        .keeps(Rows::new(
            "retort_version",
            ["version_num"],
            vec![vec![s("3f2a9c1b7d4e")]],
        )),
    );

    // ---- several changes at once
    v.push(
        Scenario::new(
            "several changes to one table with rows",
            vec![users(vec![
                opt("nick", SqlType::Varchar(50)),
                col("score", SqlType::Integer),
            ])],
            vec![users(vec![
                col("score", SqlType::BigInt).default("0"),
                opt("bio", SqlType::Text),
            ])
            .index(Index::new("ix_users_name", ["name"]))],
        )
        .expect(&[
            "AddColumn users.bio",
            "AlterColumn users.score type+default",
            "CreateIndex users.ix_users_name",
            "DropColumn users.nick",
        ])
        .rows_up_only(Rows::new(
            "users",
            ["id", "name", "nick", "score"],
            vec![
                vec![i(1), s("ada"), s("a"), i(5)],
                vec![i(2), s("grace"), null(), i(6)],
            ],
        ))
        .rows_after(Rows::new(
            "users",
            ["id", "name", "score", "bio"],
            vec![
                vec![i(1), s("ada"), i(5), null()],
                vec![i(2), s("grace"), i(6), null()],
            ],
        )),
    );
    v.push(
        Scenario::new(
            "nothing changed in a schema with every kind of object",
            vec![
                users(vec![
                    email(),
                    score(Some("0")),
                    opt("mood", mood(&["happy", "sad"])),
                ])
                .unique(Unique::new("uq_users_email", ["email"]))
                .index(Index::new("ix_users_name", ["name"]))
                .check(Check::new("ck_users_score", "score >= 0")),
                posts(Some(posts_fk().on_delete(FkAction::Cascade)), false),
                memberships(&["user_id", "group_id"]),
            ],
            vec![
                users(vec![
                    email(),
                    score(Some("0")),
                    opt("mood", mood(&["happy", "sad"])),
                ])
                .unique(Unique::new("uq_users_email", ["email"]))
                .index(Index::new("ix_users_name", ["name"]))
                .check(Check::new("ck_users_score", "score >= 0")),
                posts(Some(posts_fk().on_delete(FkAction::Cascade)), false),
                memberships(&["user_id", "group_id"]),
            ],
        )
        .expect(&[]),
    );

    v
}

#[test]
fn there_are_at_least_55_scenarios_with_unique_names() {
    let all = scenarios();
    assert!(all.len() >= 55, "only {} scenarios", all.len());
    let mut names: Vec<&str> = all.iter().map(|s| s.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), all.len(), "duplicate scenario names");
}

#[tokio::test]
async fn autogenerate_scenarios_sqlite() {
    let r = run_all(S, &scenarios(), "autogenerate_scenarios_sqlite").await;
    report(S, r);
}

#[tokio::test]
async fn autogenerate_scenarios_postgres() {
    let r = run_all(P, &scenarios(), "autogenerate_scenarios_postgres").await;
    report(P, r);
}

#[tokio::test]
async fn autogenerate_scenarios_mysql() {
    let r = run_all(M, &scenarios(), "autogenerate_scenarios_mysql").await;
    report(M, r);
}
