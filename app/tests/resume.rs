//! `retort resume` and what every command says about a revision interrupted on MariaDB (its
//! progress marker), through the app library: on MariaDB a revision stops half-way and stays
//! recorded; on SQLite and PostgreSQL it rolls back and there is nothing to resume
//! (`cargo test -p retort-app --all-features --test resume`).

mod common;

use common::{assert_contains, cmd, ok, script_a1, tmp, Server};
use retort_app::Context;
use retort_runner::{Migration, MigrationSet, Script};
use retort_schema::{Column, Schema, SqlType, Table};
use retort_test_support::url_tests;

/// After common's a1 (create users): a table, then raw SQL that fails, so MariaDB keeps the
/// table and the revision stops half-way.
const H_HALF: &str = "//! Half\n//!\n//! Revision ID: b2b2b2b2b2b2\n//! Revises: a1a1a1a1a1a1\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-07 00:01:00 UTC\n";

fn up_half(m: &mut Migration) {
    m.create_table(
        Table::new("half")
            .with_column(Column::new("id", SqlType::Integer))
            .primary_key("pk_half", ["id"]),
    );
    m.execute("INSERT INTO no_such_table (id) VALUES (1)");
}
fn down_half(m: &mut Migration) {
    m.drop_table("half");
}

fn history() -> MigrationSet {
    MigrationSet::new(
        "",
        vec![
            script_a1(),
            Script::new("b2b2b2b2b2b2_half.rs", H_HALF, 2, up_half, down_half),
        ],
    )
}

fn ctx(dir: &std::path::Path, url: &str) -> Context {
    Context::isolated(history(), || Ok(Schema::default()), dir).with_env("DATABASE_URL", url)
}

async fn interrupted_then_resumed(url: &str, what: &str) {
    let mariadb = what == Server::Mariadb.what();
    let dir = tmp();
    let c = ctx(dir.path(), url);
    let (code, _, err) = cmd(&c, &["upgrade", "head"]).await;
    assert_eq!(code, 1, "{err}");
    if !mariadb {
        assert!(err.contains("rolled back"), "{err}");
        let out = ok(&c, &["resume"]).await;
        assert!(out.contains("nothing to resume"), "{out}");
        assert_eq!(ok(&c, &["current"]).await.trim(), "a1a1a1a1a1a1");
        return;
    }
    assert!(err.contains("retort resume"), "{err}");
    // Every command that reads the version table says where b2 stopped.
    for args in [
        &["current"][..],
        &["upgrade", "head"],
        &["stamp", "head"],
        &["history", "-i"],
    ] {
        let (code, _, err) = cmd(&c, args).await;
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(
            err.contains("revision b2b2b2b2b2b2 (upgrade) was interrupted"),
            "{args:?}: {err}"
        );
        assert!(err.contains("1 of 2 statement(s) done"), "{args:?}: {err}");
        assert!(
            err.contains("In flight: statement 2: INSERT INTO no_such_table"),
            "{args:?}: {err}"
        );
    }
    // Raw SQL: the schema cannot tell whether it ran, so resume refuses and names the ways out.
    let (code, _, err) = cmd(&c, &["resume"]).await;
    assert_eq!(code, 1, "{err}");
    assert_contains(
        &err,
        &[
            "cannot tell",
            "retort resume --finished",
            "retort resume --abandon",
        ],
    );
    let (code, _, err) = cmd(&c, &["resume", "--finished", "--abandon"]).await;
    assert_eq!(code, 2, "{err}");
    // The rest of b2 (the INSERT) is void: finished by hand means recorded.
    let out = ok(&c, &["resume", "--finished"]).await;
    assert!(out.contains("Recorded b2b2b2b2b2b2 (upgrade)"), "{out}");
    assert!(ok(&c, &["current"]).await.starts_with("b2b2b2b2b2b2"));
    let out = ok(&c, &["resume"]).await;
    assert!(out.contains("nothing to resume"), "{out}");
    ok(&c, &["downgrade", "base"]).await;
}

url_tests! {
    interrupted_then_resumed in "retort_resume" => sqlite, postgres, mariadb;
}
