//! String literals with quotes in CHECK expressions and defaults (`''`, `'it''s'`) are the same
//! after a round trip through each database: `check` is clean right after the upgrade, and
//! stays clean (issue 11, item 6: MariaDB reported such a check as changed forever).

mod common;

use common::*;
use retort_app::Context;
use retort_runner::{Migration, MigrationSet, Script};
use retort_schema::{Check, Column, PrimaryKey, Schema, SqlType, Table};
use retort_test_support::url_tests;

const H: &str = "//! Notes\n//!\n//! Revision ID: 9a9a9a9a9a9a\n//! Revises:\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-07 00:00:00 UTC\n";

fn notes() -> Table {
    let mut t = Table::new("notes");
    let mut id = Column::new("id", SqlType::Integer);
    id.autoincrement = true;
    t.columns.push(id);
    t.columns
        .push(Column::new("name", SqlType::Varchar(40)).default("'it''s'"));
    t.columns
        .push(Column::new("tag", SqlType::Varchar(40)).default("''"));
    t.primary_key = Some(PrimaryKey {
        name: "pk_notes".into(),
        columns: vec!["id".into()],
    });
    t.checks.push(Check {
        name: "ck_notes_name".into(),
        expr: "name <> '' AND name <> 'it''s not' AND tag <> 'a''b''''c'".into(),
    });
    t
}

fn up(m: &mut Migration) {
    m.create_table(notes());
}
fn down(m: &mut Migration) {
    m.drop_table("notes");
}

fn target() -> Result<Schema, String> {
    let mut s = Schema {
        tables: vec![notes()],
        ..Default::default()
    };
    s.normalize_order();
    Ok(s)
}

async fn round_trip(url: &str, what: &str) {
    let d = tmp();
    let set = MigrationSet::new(
        "",
        vec![Script::new("9a9a9a9a9a9a_notes.rs", H, 9, up, down)],
    );
    let c = Context::isolated(set, target, d.path());
    let u = ["--url", url];
    let args = |rest: &[&'static str]| -> Vec<&str> {
        u.iter().copied().chain(rest.iter().copied()).collect()
    };
    ok(&c, &args(&["upgrade", "head"])).await;
    for _ in 0..2 {
        let (code, out, err) = cmd(&c, &args(&["check"])).await;
        assert_eq!(code, 0, "{what}: check must be clean:\n{out}{err}");
    }
    let out = ok(&c, &args(&["revision", "--autogenerate", "-m", "none"])).await;
    assert!(out.contains("No changes detected"), "{what}: {out}");
    // The default with a quote is what the database stores.
    let mut db = retort_runner::Db::connect(url).await.unwrap();
    db.execute("INSERT INTO notes (tag) VALUES ('x')")
        .await
        .unwrap();
    let rows = db.query_strings("SELECT name FROM notes").await.unwrap();
    assert_eq!(rows[0][0].as_deref(), Some("it's"), "{what}");
    db.close().await.unwrap();
    ok(&c, &args(&["downgrade", "base"])).await;
}

url_tests! {
    round_trip in "retort_quoted" => quoted_literals_round_trip_on_sqlite,
        quoted_literals_round_trip_on_postgres,
        quoted_literals_round_trip_on_mariadb;
}
