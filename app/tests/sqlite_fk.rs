//! SQLite's foreign-key check before a migration's COMMIT (issue 11, item 5): only the tables
//! the migration changed (or what its raw SQL grew) can fail it; an old orphan row elsewhere
//! is a note, not a blocked deploy.

mod common;

use common::*;
use retort_runner::{Migration, MigrationSet, Script};
use retort_schema::{Column, ForeignKey, PrimaryKey, SqlType, Table};

fn hdr(rev: &'static str, down: &'static str, msg: &'static str) -> &'static str {
    Box::leak(
        format!(
            "//! {msg}\n//!\n//! Revision ID: {rev}\n//! Revises: {down}\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-07 02:00:00 UTC\n"
        )
        .into_boxed_str(),
    )
}

fn t(name: &str, fk_to: Option<&str>) -> Table {
    let mut t = Table::new(name);
    t.columns.push(Column::new("id", SqlType::Integer));
    t.primary_key = Some(PrimaryKey {
        name: format!("pk_{name}"),
        columns: vec!["id".into()],
    });
    if let Some(parent) = fk_to {
        t.columns
            .push(Column::new("parent_id", SqlType::Integer).nullable(true));
        t.foreign_keys.push(ForeignKey {
            name: format!("fk_{name}_{parent}"),
            columns: vec!["parent_id".into()],
            ref_table: parent.into(),
            ref_columns: vec!["id".into()],
            on_delete: None,
            on_update: None,
            deferrable: false,
        });
    }
    t
}

const R1: &str = "f1f1f1f1f1f1";
const R2: &str = "f2f2f2f2f2f2";
const R3: &str = "f3f3f3f3f3f3";
const R4: &str = "f4f4f4f4f4f4";
const R5: &str = "f5f5f5f5f5f5";

fn set() -> MigrationSet {
    fn up1(m: &mut Migration) {
        m.create_table(t("users", None));
        m.create_table(t("posts", Some("users")));
    }
    fn down1(m: &mut Migration) {
        m.drop_table("posts");
        m.drop_table("users");
    }
    fn up2(m: &mut Migration) {
        m.create_table(t("tags", None));
    }
    fn down2(m: &mut Migration) {
        m.drop_table("tags");
    }
    fn up3(m: &mut Migration) {
        m.create_table(t("notes", Some("tags")));
        m.execute("INSERT INTO tags (id) VALUES (1)");
        m.execute("INSERT INTO notes (id, parent_id) VALUES (1, 1)");
    }
    fn down3(m: &mut Migration) {
        m.drop_table("notes");
    }
    // Raw SQL that orphans a row of a table no operation names.
    fn up4(m: &mut Migration) {
        m.execute("DELETE FROM tags WHERE id = 1");
    }
    fn down4(m: &mut Migration) {
        m.execute("INSERT INTO tags (id) VALUES (1)");
    }
    // An operation on the table holding the old orphan.
    fn up5(m: &mut Migration) {
        m.add_column("posts", Column::new("title", SqlType::Text).nullable(true));
    }
    fn down5(m: &mut Migration) {
        m.drop_column("posts", "title");
    }
    MigrationSet::new(
        "",
        vec![
            Script::new("f1_a.rs", hdr(R1, "", "users and posts"), 1, up1, down1),
            Script::new("f2_b.rs", hdr(R2, R1, "tags"), 2, up2, down2),
            Script::new("f3_c.rs", hdr(R3, R2, "notes"), 3, up3, down3),
            Script::new("f4_d.rs", hdr(R4, R3, "orphan a note"), 4, up4, down4),
            Script::new("f5_e.rs", hdr(R5, R4, "posts title"), 5, up5, down5),
        ],
    )
}

async fn version(url: &str) -> Vec<String> {
    let mut db = retort_runner::Db::connect(url).await.unwrap();
    let rows = db
        .query_strings("SELECT version_num FROM retort_version")
        .await
        .unwrap();
    db.close().await.unwrap();
    rows.into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect()
}

#[tokio::test]
async fn an_old_orphan_elsewhere_is_a_note_and_the_migration_own_violations_fail() {
    let d = tmp();
    let url = sqlite_url(d.path(), "fk.db");
    let c = ctx(set(), d.path());
    ok(&c, &["--url", &url, "upgrade", R1]).await;
    // An orphan row written outside retort, long ago.
    let mut db = retort_runner::Db::connect(&url).await.unwrap();
    db.execute("PRAGMA foreign_keys = OFF").await.unwrap();
    db.execute("INSERT INTO posts (id, parent_id) VALUES (7, 42)")
        .await
        .unwrap();
    db.close().await.unwrap();

    // A migration that touches neither posts nor users: applied, with a note naming them.
    let out = ok(&c, &["--url", &url, "upgrade", R3]).await;
    assert!(
        out.contains("note:") && out.contains("`posts`") && out.contains("`users`"),
        "the old violation is reported: {out}"
    );
    assert_eq!(version(&url).await, vec![R3.to_string()]);

    // Raw SQL that orphans a row of `notes` (no operation names it): refused, rolled back.
    let (code, _, err) = cmd(&c, &["--url", &url, "upgrade", R4]).await;
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(R4) && err.contains("`notes`") && err.contains("`tags`"),
        "names the revision and the tables: {err}"
    );
    assert_eq!(
        version(&url).await,
        vec![R3.to_string()],
        "version unchanged"
    );
    let mut db = retort_runner::Db::connect(&url).await.unwrap();
    let tags = db.query_strings("SELECT id FROM tags").await.unwrap();
    assert_eq!(tags.len(), 1, "the DELETE was rolled back");
    db.close().await.unwrap();

    // A migration changing `posts`, which holds the orphan: refused (it rebuilds the table).
    let c5 = ctx(set(), d.path());
    let mut db = retort_runner::Db::connect(&url).await.unwrap();
    db.execute("UPDATE retort_version SET version_num = 'f4f4f4f4f4f4'")
        .await
        .unwrap();
    db.close().await.unwrap();
    let (code, _, err) = cmd(&c5, &["--url", &url, "upgrade", R5]).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains(R5) && err.contains("`posts`"), "{err}");
    assert_eq!(version(&url).await, vec![R4.to_string()]);
}

#[tokio::test]
async fn one_transaction_for_the_whole_run_is_checked_and_rolled_back() {
    let d = tmp();
    let url = sqlite_url(d.path(), "fk_whole.db");
    write_config(d.path(), "transaction_per_migration = false\n");
    let c = ctx(set(), d.path());
    let (code, _, err) = cmd(&c, &["--url", &url, "upgrade", R4]).await;
    assert_eq!(code, 1, "{err}");
    // One transaction for the run: the check runs once, before its COMMIT, and names the
    // first revision of the run that changed `notes` (f3 creates it, f4 orphans its row).
    assert!(
        (err.contains(R3) || err.contains(R4)) && err.contains("`notes`"),
        "{err}"
    );
    let mut db = retort_runner::Db::connect(&url).await.unwrap();
    let vt = db
        .query_strings("SELECT name FROM sqlite_master WHERE name = 'users'")
        .await
        .unwrap();
    assert!(vt.is_empty(), "the whole run was rolled back");
    db.close().await.unwrap();
}
