//! Rendering tests: every operation on every dialect. The SQL text is an insta snapshot per
//! case and dialect (`src/snapshots/retort_sql__tests__<case>@<dialect>.snap`, read as the
//! `--sql` output reads: the statement's comment, `[autocommit]` when it runs outside a
//! transaction, the statement); what a case is about beyond the text (a rebuild, a count, what
//! must not be there) is a plain assert.

use insta::assert_snapshot;
use retort_schema::{
    AlterColumn, Check, Column, Dependent, DependentKind, Dialect, EnumType, FkAction, ForeignKey,
    Index, Op, PrimaryKey, QName, RawSql, Schema, SqlType, Table, Unique, Value,
};

use crate::*;

use Dialect::{Mysql, Postgres, Sqlite};

const ALL: [Dialect; 3] = [Postgres, Mysql, Sqlite];

fn mood() -> SqlType {
    SqlType::enumeration("mood", ["happy", "sad"])
}

fn users() -> Table {
    Table::new("users")
        .with_column(Column::new("id", SqlType::BigInt).autoincrement())
        .with_column(Column::new("email", SqlType::Varchar(320)))
        .with_column(Column::new("mood", mood()).default("'happy'"))
        .with_column(
            Column::new("bio", SqlType::Text)
                .nullable(true)
                .comment("about them"),
        )
        .primary_key("pk_users", ["id"])
        .unique(Unique::new("uq_users_email", ["email"]))
        .index(Index::new("ix_users_mood", ["mood"]))
        .comment("people")
}

fn posts() -> Table {
    Table::new("posts")
        .with_column(Column::new("id", SqlType::Integer))
        .with_column(Column::new("author_id", SqlType::BigInt))
        .with_column(Column::new("title", SqlType::Varchar(200)))
        .with_column(Column::new("body", SqlType::Text).nullable(true))
        .primary_key("pk_posts", ["id"])
        .foreign_key(
            ForeignKey::new("fk_posts_author_id_users", ["author_id"], "users", ["id"])
                .on_delete(FkAction::Cascade),
        )
        .check(Check::new("ck_posts_title", "length(title) > 0"))
        .index(Index::new("ix_posts_author_id", ["author_id"]))
}

fn schema() -> Schema {
    Schema {
        tables: vec![posts(), users()],
        enums: vec![EnumType::new("mood", ["happy", "sad"])],
    }
}

/// The statements as `--sql` shows them: `-- comment` (plus ` [autocommit]`), then the SQL
/// and `;`; `(no statement)` for none.
fn show(stmts: &[Statement]) -> String {
    if stmts.is_empty() {
        return "(no statement)".to_string();
    }
    stmts
        .iter()
        .map(|s| {
            let flag = if s.autocommit { " [autocommit]" } else { "" };
            format!("-- {}{flag}\n{};\n", s.comment, s.sql)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Snapshots `stmts` as case `name` on dialect `d`.
fn snap(name: &str, d: Dialect, stmts: &[Statement]) {
    assert_snapshot!(format!("{name}@{d}"), show(stmts));
}

/// Renders `op` against `before` on each of `dialects`, snapshots each, and returns the SQL
/// texts per dialect (in the order given).
fn snap_on(name: &str, op: &Op, before: &Schema, dialects: &[Dialect]) -> Vec<Vec<String>> {
    dialects
        .iter()
        .map(|&d| {
            let stmts = render_op(op, d, before).unwrap_or_else(|e| panic!("{name}@{d}: {e}"));
            snap(name, d, &stmts);
            stmts.into_iter().map(|s| s.sql).collect()
        })
        .collect()
}

/// [`snap_on`] against [`schema`] on every dialect: the SQL texts for PostgreSQL, MySQL,
/// SQLite.
fn snap_all(name: &str, op: &Op) -> [Vec<String>; 3] {
    let mut v = snap_on(name, op, &schema(), &ALL).into_iter();
    [(); 3].map(|_| v.next().expect("three dialects"))
}

/// Asserts the statements are the SQLite rebuild of `table` (temporary table, copy, drop,
/// rename).
fn assert_rebuild(v: &[String], table: &str) {
    let tmp = format!("\"{}{table}\"", sqlite::REBUILD_PREFIX);
    assert!(v[0].starts_with(&format!("CREATE TABLE {tmp} (")), "{v:#?}");
    assert!(
        v.iter().any(|s| s == &format!("DROP TABLE \"{table}\"")),
        "{v:#?}"
    );
    assert!(
        v.iter()
            .any(|s| s == &format!("ALTER TABLE {tmp} RENAME TO \"{table}\"")),
        "{v:#?}"
    );
}

/// Asserts SQLite alters in place: one statement, no temporary table.
fn assert_in_place(v: &[String]) {
    assert_eq!(v.len(), 1, "{v:#?}");
    assert!(!v[0].contains(sqlite::REBUILD_PREFIX), "{v:#?}");
}

#[test]
fn create_table() {
    let mut s = schema();
    s.tables.retain(|t| t.name != "users");
    let v = snap_on("create_table", &Op::CreateTable(users()), &s, &ALL);
    // Table, index, and on PostgreSQL the comments as statements of their own.
    let counts: Vec<usize> = v.iter().map(Vec::len).collect();
    assert_eq!(counts, [4, 2, 2]);
}

#[test]
fn create_table_with_fk_check_and_schema() {
    let mut t = posts().schema("blog");
    t.foreign_keys[0].ref_table = QName::with_schema(Some("blog".into()), "users");
    t.foreign_keys[0].deferrable = true;
    t.foreign_keys[0].on_update = Some(FkAction::SetNull);
    t.indexes[0].predicate = Some("author_id > 0".into());
    let v = snap_on(
        "create_table_in_a_schema",
        &Op::CreateTable(t),
        &Schema::default(),
        &ALL,
    );
    // MySQL has no deferred constraints; SQLite cannot name the parent's schema.
    assert!(!v[1][0].contains("DEFERRABLE"), "{:?}", v[1]);
    assert!(!v[2][0].contains("\"blog\".\"users\""), "{:?}", v[2]);
}

#[test]
fn enum_type_is_schema_qualified_on_postgres() {
    let t = Table::new("t")
        .schema("app")
        .with_column(Column::new("m", mood()));
    let s = Schema {
        tables: vec![t],
        enums: vec![],
    };
    snap(
        "create_schema_enum_in_a_schema",
        Postgres,
        &create_schema(&s, Postgres),
    );
}

#[test]
fn drop_and_rename_table() {
    let drop = Op::DropTable {
        table: "posts".into(),
    };
    for v in snap_all("drop_table", &drop) {
        assert_eq!(v.len(), 1);
    }
    let ren = Op::RenameTable {
        table: "posts".into(),
        new_name: "Blog Posts".into(),
    };
    let [_, _, lite] = snap_all("rename_table", &ren);
    assert_in_place(&lite);
}

#[test]
fn add_column() {
    let op = Op::AddColumn {
        table: "posts".into(),
        column: Column::new("views", SqlType::Integer)
            .default("0")
            .comment("count"),
    };
    let [_, _, lite] = snap_all("add_column", &op);
    assert_in_place(&lite);
    assert!(!sqlite::plan(&op, &schema()).is_rebuild());
}

#[test]
fn sqlite_add_column_that_alter_cannot_add_is_a_rebuild() {
    for (case, column) in [
        (
            "not_null_without_default",
            Column::new("n", SqlType::Integer),
        ),
        (
            "current_timestamp_default",
            Column::new(
                "at",
                SqlType::Timestamp {
                    with_time_zone: false,
                },
            )
            .default("CURRENT_TIMESTAMP"),
        ),
        (
            "expression_default",
            Column::new("x", SqlType::Integer)
                .nullable(true)
                .default("abs(-1)"),
        ),
    ] {
        let op = Op::AddColumn {
            table: "posts".into(),
            column,
        };
        let v = snap_on(
            &format!("add_column_rebuild_{case}"),
            &op,
            &schema(),
            &[Sqlite],
        );
        assert_rebuild(&v[0], "posts");
        // The new column is left to its default: it is not in the copy.
        assert!(!v[0][1].contains("\"n\"") && !v[0][1].contains("\"at\""));
        assert!(!v[0][1].contains("\"x\""), "{}", v[0][1]);
        assert!(sqlite::plan(&op, &schema()).is_rebuild());
    }
}

#[test]
fn drop_column() {
    let op = Op::DropColumn {
        table: "posts".into(),
        column: "body".into(),
    };
    let [_, _, lite] = snap_all("drop_column", &op);
    assert_in_place(&lite);
    // Indexed and FK column: SQLite cannot drop it in place.
    let op = Op::DropColumn {
        table: "posts".into(),
        column: "author_id".into(),
    };
    let [_, _, v] = snap_all("drop_column_indexed", &op);
    assert_rebuild(&v, "posts");
    assert!(!v[0].contains("author_id"), "{}", v[0]);
    // The index went with the column: nothing to recreate.
    assert_eq!(v.len(), 4);
    // Named by a CHECK.
    let op = Op::DropColumn {
        table: "posts".into(),
        column: "title".into(),
    };
    let v = snap_on("drop_column_in_a_check", &op, &schema(), &[Sqlite]);
    assert_rebuild(&v[0], "posts");
}

#[test]
fn alter_column_type() {
    let op = Op::AlterColumn(AlterColumn::new("posts", "id").ty(SqlType::BigInt));
    let [pg, _, lite] = snap_all("alter_column_type", &op);
    assert_eq!(pg.len(), 1);
    assert_rebuild(&lite, "posts");
    // With a default, USING, a rename and a comment.
    let op = Op::AlterColumn(
        AlterColumn::new("users", "mood")
            .ty(SqlType::Text)
            .using("upper(\"mood\"::text)")
            .rename("feeling")
            .comment(Some("how")),
    );
    let [pg, _, _] = snap_all("alter_column_type_using_rename_comment", &op);
    // The old default is dropped before the type change and set again after it; the rename
    // comes last, so `using` names the old column.
    assert_eq!(pg.len(), 5);
    // To an enum: through text.
    let op = Op::AlterColumn(AlterColumn::new("posts", "title").ty(mood()));
    snap_all("alter_column_type_to_enum", &op);
}

#[test]
fn alter_column_nullability_and_default() {
    let op = Op::AlterColumn(
        AlterColumn::new("posts", "title")
            .nullable(true)
            .set_default("'untitled'"),
    );
    let [_, my, lite] = snap_all("alter_column_nullable_set_default", &op);
    assert_eq!(my.len(), 1);
    assert_rebuild(&lite, "posts");
    let op = Op::AlterColumn(
        AlterColumn::new("users", "bio")
            .nullable(false)
            .drop_default(),
    );
    let [_, my, lite] = snap_all("alter_column_not_null_drop_default", &op);
    // MySQL restates the comment so it is not lost.
    assert!(my[0].contains("COMMENT 'about them'"), "{my:?}");
    assert_rebuild(&lite, "users");
}

#[test]
fn alter_column_rename() {
    let op = Op::AlterColumn(AlterColumn::new("posts", "title").rename("headline"));
    let [_, _, lite] = snap_all("alter_column_rename", &op);
    assert_in_place(&lite);
    // Rename plus type change: the copy reads the old name.
    let op = Op::AlterColumn(
        AlterColumn::new("posts", "title")
            .rename("headline")
            .ty(SqlType::Text),
    );
    let [_, _, lite] = snap_all("alter_column_rename_and_type", &op);
    assert_rebuild(&lite, "posts");
}

#[test]
fn sqlite_type_change_uses_using() {
    let op = Op::AlterColumn(
        AlterColumn::new("posts", "title")
            .ty(SqlType::Integer)
            .using("length(\"title\")"),
    );
    let v = snap_on("alter_column_type_using", &op, &schema(), &[Sqlite]);
    assert_rebuild(&v[0], "posts");
    assert!(v[0][1].contains("length(\"title\")"), "{}", v[0][1]);
}

#[test]
fn string_narrowing_fails_on_long_values_unless_truncation_is_asked_for() {
    let narrow = AlterColumn::new("posts", "title").ty(SqlType::Varchar(20));
    // PostgreSQL: no USING, so the assignment cast fails on a longer value (the explicit
    // cast `"title"::VARCHAR(20)` would cut it silently).
    let [pg, _, _] = snap_all("narrow_varchar", &Op::AlterColumn(narrow.clone()));
    assert!(!pg[0].contains("USING"), "{pg:?}");
    let [pg, my, lite] = snap_all(
        "narrow_varchar_truncate",
        &Op::AlterColumn(narrow.truncate()),
    );
    assert!(pg[0].contains("USING"), "{pg:?}");
    assert!(my[0].starts_with("UPDATE"), "{my:?}");
    assert!(
        lite[1].contains("substr(\"title\", 1, 20)"),
        "the copy cuts the values: {}",
        lite[1]
    );
    // To a CHAR(n) spelled as a custom type: also no explicit cast.
    let to_char =
        Op::AlterColumn(AlterColumn::new("posts", "title").ty(SqlType::Custom("CHAR(2)".into())));
    let v = snap_on("narrow_to_custom_char", &to_char, &schema(), &[Postgres]);
    assert!(!v[0][0].contains("USING"), "{:?}", v[0]);
    // Truncation of a type without a length is refused, naming the column.
    let bad = Op::AlterColumn(
        AlterColumn::new("posts", "title")
            .ty(SqlType::Integer)
            .truncate(),
    );
    for d in ALL {
        let e = render_op(&bad, d, &schema()).unwrap_err().to_string();
        assert!(
            e.contains("posts.title") && e.contains(".truncate()"),
            "{d}: {e}"
        );
    }
}

#[test]
fn comment_only_changes() {
    let op = Op::AlterColumn(AlterColumn::new("users", "bio").comment(None));
    let [_, _, lite] = snap_all("alter_column_comment", &op);
    assert!(lite.is_empty());
    let op = Op::SetTableComment {
        table: "users".into(),
        comment: Some("it's people".into()),
    };
    let [_, _, lite] = snap_all("set_table_comment", &op);
    assert!(lite.is_empty());
}

#[test]
fn indexes() {
    let op = Op::CreateIndex {
        table: "posts".into(),
        index: Index::new("ix_posts_body_title", ["body", "title"]).predicate("body IS NOT NULL"),
    };
    let [_, my, _] = snap_all("create_index_partial", &op);
    // MySQL: the predicate is dropped (the comment says so) and the TEXT column is prefixed.
    assert!(
        !my[0].contains("WHERE") && my[0].contains("(255)"),
        "{my:?}"
    );
    let op = Op::CreateIndex {
        table: "posts".into(),
        index: Index::new("ux_posts_body", ["body"]).unique(),
    };
    let v = snap_on("create_index_unique_text", &op, &schema(), &[Mysql]);
    assert!(!v[0][0].contains("(255)"), "{:?}", v[0]);
    let op = Op::DropIndex {
        table: "posts".into(),
        name: "ix_posts_author_id".into(),
    };
    snap_all("drop_index", &op);
    // An index left out on a database is neither created nor dropped there.
    let op = Op::CreateIndex {
        table: "posts".into(),
        index: Index::new("ix_posts_title", ["title"]).dialects([Postgres]),
    };
    let [pg, my, lite] = snap_all("create_index_left_out", &op);
    assert_eq!((pg.len(), my.len(), lite.len()), (1, 0, 0));
}

#[test]
fn constraints() {
    // (case, operation, table SQLite rebuilds, what its new shape no longer has)
    let cases: Vec<(&str, Op, &str, Option<&str>)> = vec![
        (
            "add_unique",
            Op::AddUnique {
                table: "posts".into(),
                unique: Unique::new("uq_posts_author_id_title", ["author_id", "title"]),
            },
            "posts",
            None,
        ),
        (
            "drop_unique",
            Op::DropUnique {
                table: "users".into(),
                name: "uq_users_email".into(),
            },
            "users",
            Some("uq_users_email"),
        ),
        (
            "drop_foreign_key",
            Op::DropForeignKey {
                table: "posts".into(),
                name: "fk_posts_author_id_users".into(),
            },
            "posts",
            Some("FOREIGN KEY"),
        ),
        (
            "add_foreign_key",
            Op::AddForeignKey {
                table: "users".into(),
                foreign_key: ForeignKey::new("fk_users_id_users", ["id"], "users", ["id"])
                    .on_update(FkAction::Restrict),
            },
            "users",
            None,
        ),
        (
            "add_check",
            Op::AddCheck {
                table: "posts".into(),
                check: Check::new("ck_posts_id", "id > 0"),
            },
            "posts",
            None,
        ),
        (
            "drop_check",
            Op::DropCheck {
                table: "posts".into(),
                name: "ck_posts_title".into(),
            },
            "posts",
            Some("CHECK"),
        ),
        (
            "drop_primary_key",
            Op::DropPrimaryKey {
                table: "posts".into(),
                name: "pk_posts".into(),
            },
            "posts",
            Some("PRIMARY KEY"),
        ),
    ];
    for (case, op, table, gone) in cases {
        let [_, _, v] = snap_all(case, &op);
        assert_rebuild(&v, table);
        if let Some(gone) = gone {
            assert!(!v[0].contains(gone), "{case}: {}", v[0]);
        }
    }

    let mut no_pk = schema();
    no_pk.table_mut(&"posts".into()).unwrap().primary_key = None;
    let add_pk = Op::AddPrimaryKey {
        table: "posts".into(),
        primary_key: PrimaryKey::new("pk_posts", ["id", "author_id"]),
    };
    let v = snap_on("add_primary_key", &add_pk, &no_pk, &ALL);
    assert_rebuild(&v[2], "posts");
}

#[test]
fn mysql_primary_key_change_on_an_auto_increment_column() {
    // MySQL refuses `DROP PRIMARY KEY` while the key's column is AUTO_INCREMENT: the flag goes
    // in the same statement, and comes back with the new key.
    let mut s = schema();
    let drop_pk = Op::DropPrimaryKey {
        table: "users".into(),
        name: "pk_users".into(),
    };
    let v = snap_on("drop_primary_key_auto_increment", &drop_pk, &s, &[Mysql]);
    assert_eq!(v[0].len(), 1, "one statement: {:?}", v[0]);
    drop_pk.apply(&mut s).unwrap();
    let add_pk = Op::AddPrimaryKey {
        table: "users".into(),
        primary_key: PrimaryKey::new("pk_users", ["id", "email"]),
    };
    let v = snap_on("add_primary_key_auto_increment", &add_pk, &s, &[Mysql]);
    assert!(v[0][0].contains("AUTO_INCREMENT"), "{:?}", v[0]);
}

#[test]
fn enums() {
    let create = Op::CreateEnum(EnumType::new("color", ["red", "it's"]));
    let [_, my, lite] = snap_all("create_enum", &create);
    assert!(my.is_empty() && lite.is_empty());
    let drop = Op::DropEnum {
        name: "mood".into(),
    };
    let [_, my, lite] = snap_all("drop_enum", &drop);
    assert!(my.is_empty() && lite.is_empty());

    let add = Op::AddEnumValue {
        name: "mood".into(),
        value: "meh".into(),
        before: Some("sad".into()),
    };
    let [_, _, v] = snap_all("add_enum_value", &add);
    let pg = render_op(&add, Postgres, &schema()).unwrap();
    assert_eq!(pg.len(), 1);
    assert!(pg[0].autocommit);
    assert_rebuild(&v, "users");
    assert!(v[0].contains("'meh'"), "{}", v[0]);

    let set = Op::SetEnumValues {
        name: "mood".into(),
        values: vec!["happy".into(), "ok".into()],
    };
    let [pg, _, v] = snap_all("set_enum_values", &set);
    // First a guard naming any view on the column (views are not in the schema model).
    assert!(
        pg[0].starts_with("DO $retort$") && pg[0].contains("users.mood"),
        "{}",
        pg[0]
    );
    assert_eq!(pg.len(), 7);
    assert!(render_op(&set, Postgres, &schema())
        .unwrap()
        .iter()
        .all(|s| !s.autocommit));
    assert_rebuild(&v, "users");
}

#[test]
fn set_enum_values_recreates_what_is_bound_to_the_old_type_on_postgres() {
    let mut s = schema();
    let users = s.table_mut(&"users".into()).unwrap();
    users.indexes[0].predicate = Some("mood <> 'sad'".into());
    users
        .checks
        .push(Check::new("ck_users_mood", "mood <> 'sad'"));
    let set = Op::SetEnumValues {
        name: "mood".into(),
        values: vec!["sad".into(), "happy".into()],
    };
    let v = snap_on("set_enum_values_bound_objects", &set, &s, &[Postgres]);
    let pos = |needle: &str| v[0].iter().position(|x| x.starts_with(needle));
    // Dropped before the conversion, created again after it.
    assert!(pos("DROP INDEX") < pos("ALTER TABLE \"users\" ALTER COLUMN \"mood\" TYPE"));
    assert!(pos("CREATE INDEX") > pos("ALTER TABLE \"users\" ALTER COLUMN \"mood\" TYPE"));
}

#[test]
fn raw_sql_and_bulk_insert() {
    let raw = Op::Sql(RawSql {
        sql: Some("UPDATE posts SET body = ''".into()),
        postgres: Some("CREATE INDEX CONCURRENTLY ix ON posts (title)".into()),
        ..Default::default()
    });
    snap_all("raw_sql", &raw);
    let pg = render_op(&raw, Postgres, &schema()).unwrap();
    assert!(pg[0].autocommit);
    let pg_only = Op::Sql(RawSql {
        postgres: Some("SELECT 1".into()),
        ..Default::default()
    });
    let [pg, my, lite] = snap_all("raw_sql_postgres_only", &pg_only);
    assert_eq!((pg.len(), my.len(), lite.len()), (1, 0, 0));

    let ins = Op::BulkInsert {
        table: "posts".into(),
        columns: vec!["id".into(), "title".into(), "body".into()],
        rows: vec![
            vec![Value::Int(1), Value::Text("it's".into()), Value::Null],
            vec![
                Value::Int(2),
                Value::Text("b".into()),
                Value::Text(r"a\b".into()),
            ],
        ],
    };
    snap_all("bulk_insert", &ins);
    let many = Op::BulkInsert {
        table: "posts".into(),
        columns: vec!["id".into()],
        rows: (0..1001).map(|i| vec![Value::Int(i)]).collect(),
    };
    let v = render_op(&many, Sqlite, &schema()).unwrap();
    assert_eq!(v.len(), 3, "500 rows a statement");
    let bad = Op::BulkInsert {
        table: "posts".into(),
        columns: vec!["id".into(), "title".into()],
        rows: vec![vec![Value::Int(1)]],
    };
    let no_columns = Op::BulkInsert {
        table: "posts".into(),
        columns: vec![],
        rows: vec![vec![]],
    };
    let msg = render_op(&no_columns, Postgres, &schema())
        .unwrap_err()
        .to_string();
    assert!(msg.contains("needs at least one column"), "{msg}");
    let err = render_op(&bad, Postgres, &schema()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "bulk insert into `posts`: row 0 has 1 values but 2 columns are listed; give one value per column"
    );
}

#[test]
fn errors_name_the_object() {
    let op = Op::AddColumn {
        table: "ghosts".into(),
        column: Column::new("x", SqlType::Integer),
    };
    let err = render_op(&op, Postgres, &schema()).unwrap_err();
    assert!(matches!(err, RenderError::State { .. }));
    let msg = err.to_string();
    assert!(msg.contains("add column ghosts.x"), "{msg}");
    assert!(msg.contains("table `ghosts` does not exist"), "{msg}");
    let op = Op::AlterColumn(AlterColumn::new("posts", "nope").nullable(true));
    let msg = render_op(&op, Mysql, &schema()).unwrap_err().to_string();
    assert!(msg.contains("column `posts.nope` does not exist"), "{msg}");
}

#[test]
fn render_ops_threads_the_state() {
    // The rename must be visible to the rebuild that follows it.
    let ops = vec![
        Op::AlterColumn(AlterColumn::new("posts", "title").rename("headline")),
        Op::AlterColumn(AlterColumn::new("posts", "headline").nullable(true)),
    ];
    let v = render_ops(&ops, Sqlite, &schema()).unwrap();
    snap("render_ops_rename_then_rebuild", Sqlite, &v);
    assert!(
        v[1].sql.contains("\"headline\" VARCHAR(200),"),
        "{}",
        v[1].sql
    );
    assert_eq!(v[1].comment, "alter column posts.headline");
    // Without threading the second op would not find the column.
    assert!(render_op(&ops[1], Sqlite, &schema()).is_err());
}

#[test]
fn create_schema_orders_by_foreign_keys_and_breaks_cycles() {
    // a -> b -> c -> a (a cycle), d -> a, and e standalone; given in an unhelpful order.
    let table = |name: &str, refs: Option<&str>| {
        let mut t = Table::new(name)
            .with_column(Column::new("id", SqlType::Integer))
            .with_column(Column::new("ref", SqlType::Integer).nullable(true))
            .primary_key(format!("pk_{name}"), ["id"])
            .index(Index::new(format!("ix_{name}_ref"), ["ref"]));
        if let Some(to) = refs {
            t = t.foreign_key(ForeignKey::new(
                format!("fk_{name}_{to}"),
                ["ref"],
                to,
                ["id"],
            ));
        }
        t
    };
    let s = Schema {
        tables: vec![
            table("d", Some("a")),
            table("a", Some("b")),
            table("b", Some("c")),
            table("c", Some("a")),
            table("e", None),
        ],
        enums: vec![],
    };
    for d in ALL {
        let stmts = create_schema(&s, d);
        snap("create_schema_fk_cycle", d, &stmts);
        let created: Vec<&str> = stmts
            .iter()
            .filter_map(|s| s.comment.strip_prefix("create table "))
            .collect();
        // e first (no deps); then the cycle a -> b -> c -> a is broken at a (its foreign key to
        // b is added afterwards); d, c, b follow; d, outside the cycle, keeps its foreign key.
        assert_eq!(created, vec!["e", "a", "d", "c", "b"], "{d}");
        let deferred: Vec<&str> = stmts
            .iter()
            .filter(|s| s.sql.starts_with("ALTER TABLE"))
            .map(|s| s.comment.as_str())
            .collect();
        if d == Sqlite {
            // Every foreign key inline: a table may reference one created later.
            assert!(deferred.is_empty(), "{deferred:?}");
            assert_eq!(stmts.len(), 5 + 5);
            continue;
        }
        assert_eq!(deferred, vec!["add foreign key fk_a_b on a"], "{d}");
        // Deferred FKs come after every CREATE TABLE, indexes after that.
        let first_alter = stmts
            .iter()
            .position(|s| s.sql.starts_with("ALTER"))
            .unwrap();
        let last_create = stmts
            .iter()
            .rposition(|s| s.sql.starts_with("CREATE TABLE"))
            .unwrap();
        assert!(first_alter > last_create);
        assert!(stmts.last().unwrap().sql.starts_with("CREATE INDEX"));
        assert_eq!(stmts.len(), 5 + 1 + 5);
    }
}

#[test]
fn create_schema_puts_enums_first_and_comments_last_on_postgres() {
    for d in ALL {
        let stmts = create_schema(&schema(), d);
        snap("create_schema", d, &stmts);
        let tables: Vec<&str> = stmts
            .iter()
            .filter_map(|s| s.comment.strip_prefix("create table "))
            .collect();
        assert_eq!(tables, vec!["users", "posts"], "{d}");
        assert!(stmts.iter().all(|s| !s.autocommit));
    }
    let stmts = create_schema(&schema(), Postgres);
    assert!(stmts[0].sql.starts_with("CREATE TYPE"));
    assert!(stmts.last().unwrap().sql.starts_with("COMMENT ON"));
}

#[test]
fn quoting_of_awkward_names_in_ddl() {
    let t = Table::new("order")
        .with_column(Column::new("Mixed Case", SqlType::Integer))
        .with_column(Column::new("we\"ird`", SqlType::Integer));
    let s = Schema {
        tables: vec![t],
        enums: vec![],
    };
    for d in ALL {
        snap("create_schema_awkward_names", d, &create_schema(&s, d));
    }
}

#[test]
fn sqlite_rebuild_writes_an_enum_check_once_with_the_new_values() {
    let t = Table::new("users")
        .with_column(Column::new("id", SqlType::Integer))
        .with_column(Column::new("mood", mood()))
        // introspection reports the column's CHECK in the table's checks too
        .check(Check::new(
            "ck_users_mood_enum",
            "\"mood\" IN ('happy', 'sad')",
        ));
    let s = Schema {
        tables: vec![t],
        enums: vec![],
    };
    let a =
        AlterColumn::new("users", "mood").ty(SqlType::enumeration("mood", ["happy", "sad", "meh"]));
    let sql = render_ops(&[Op::AlterColumn(a)], Dialect::Sqlite, &s).unwrap();
    snap("sqlite_rebuild_enum_check", Sqlite, &sql);
    let create = sql
        .iter()
        .find(|st| st.sql.starts_with("CREATE TABLE"))
        .unwrap();
    assert_eq!(
        create.sql.matches("ck_users_mood_enum").count(),
        1,
        "{}",
        create.sql
    );
    assert!(create.sql.contains("'meh'"), "{}", create.sql);
}

#[test]
fn a_rebuild_drops_the_views_first_and_recreates_triggers_and_views_last() {
    let mut t = Table::new("users")
        .with_column(Column::new("id", SqlType::Integer))
        .with_column(Column::new("name", SqlType::Varchar(10)))
        .primary_key("pk_users", ["id"]);
    let trigger = "CREATE TRIGGER trg AFTER INSERT ON users BEGIN SELECT 1; END";
    let view = "CREATE VIEW v AS SELECT name FROM users";
    t.dependents = vec![
        Dependent {
            kind: DependentKind::Trigger,
            name: "trg".into(),
            sql: trigger.into(),
        },
        Dependent {
            kind: DependentKind::View,
            name: "v".into(),
            sql: view.into(),
        },
    ];
    let before = Schema {
        tables: vec![t],
        enums: vec![],
    };
    let op = Op::AlterColumn(AlterColumn::new("users", "name").ty(SqlType::Varchar(20)));
    let v = snap_on("sqlite_rebuild_views_and_triggers", &op, &before, &[Sqlite]);
    let sql = &v[0];
    let pos = |needle: &str| {
        sql.iter()
            .position(|s| s.starts_with(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in {sql:#?}"))
    };
    assert_eq!(pos("DROP VIEW \"v\""), 0);
    assert!(pos("DROP TABLE") < pos("ALTER TABLE"));
    assert!(pos("ALTER TABLE") < pos(trigger));
    assert_eq!(pos(view), sql.len() - 1);
}
