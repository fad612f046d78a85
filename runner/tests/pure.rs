//! Without a database: replay, freshness, offline script shape, the builder.

mod common;

use common::*;
use retort_runner::prelude::*;
use retort_runner::{offline, Direction, MigrationSet, RunError, RunOptions, Script};
use retort_test_support::assert_contains;

fn t1_up(m: &mut Migration) {
    m.create_table(id_text("users", "email"));
}
fn t1_down(m: &mut Migration) {
    m.drop_table("users");
}
fn t2_up(m: &mut Migration) {
    m.add_column("users", col("age", SqlType::Integer).nullable(true));
    m.alter_column(AlterColumn {
        new_name: Some("mail".into()),
        ..AlterColumn::new("users", "email")
    });
    m.run(|db| {
        Box::pin(async move {
            db.execute("UPDATE users SET age = 0").await?;
            Ok(())
        })
    });
}
fn t2_down(m: &mut Migration) {
    m.drop_column("users", "age");
}
fn raw_up(m: &mut Migration) {
    m.execute("CREATE TABLE legacy (id INTEGER)");
    m.drop_column("legacy", "id");
}
fn none(_: &mut Migration) {}

fn two() -> MigrationSet {
    set(vec![
        script("t1", &[], None, t1_up, t1_down),
        script("t2", &["t1"], None, t2_up, t2_down),
    ])
}

#[test]
fn replay_produces_the_schema_of_the_history() {
    let set = two();
    let s1 = set.replay(&s(&["t1"])).unwrap();
    let u = s1.table(&"users".into()).unwrap();
    assert_eq!(
        u.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "email"]
    );
    let s2 = set.replay(&s(&["t2"])).unwrap();
    let u = s2.table(&"users".into()).unwrap();
    assert_eq!(
        u.columns
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>(),
        ["id", "mail", "age"]
    );
    assert!(set.replay(&[]).unwrap().tables.is_empty());
}

#[test]
fn replay_names_the_operation_that_does_not_apply() {
    let set = set(vec![script("x1", &[], None, raw_up, none)]);
    let e = set.replay(&s(&["x1"])).unwrap_err();
    assert!(matches!(e, RunError::Replay { .. }), "{e:?}");
    let m = e.to_string();
    assert!(
        m.contains("x1") && m.contains("drop column legacy.id"),
        "{m}"
    );
    let e = two().replay(&s(&["nope"])).unwrap_err();
    assert!(e.to_string().contains("nope"), "{e}");
}

#[test]
fn builder_collects_ops_and_hooks_in_order() {
    let mut m = Migration::new();
    t2_up(&mut m);
    assert_eq!(m.steps().len(), 3);
    assert_eq!(m.ops().len(), 2);
    assert_eq!(m.ops()[0].describe(), "add column users.age");
}

#[test]
fn bad_header_names_the_file() {
    let set = MigrationSet::new(
        "",
        vec![Script::new("zz_bad.rs", "no header here", 0, none, none)],
    );
    let e = set.revision_map().unwrap_err();
    assert!(e.to_string().contains("zz_bad.rs"), "{e}");
}

/// A `versions/` folder holding the one script `t1_one.rs` (returned) and the set built from
/// it, as a build script would make it.
fn one_script_on_disk() -> (tempfile::TempDir, &'static str, MigrationSet) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("versions")).unwrap();
    let body = "//! One\n//!\n//! Revision ID: t1\n//! Revises:\n";
    std::fs::write(dir.path().join("versions/t1_one.rs"), body).unwrap();
    let hash = retort_revision::file_hash(body.as_bytes());
    let path: &'static str = Box::leak(dir.path().display().to_string().into_boxed_str());
    let set = MigrationSet::new(
        path,
        vec![Script::new("t1_one.rs", body, hash, t1_up, t1_down)],
    );
    (dir, body, set)
}

#[test]
fn stale_scripts_stop_every_command() {
    let (dir, body, fresh) = one_script_on_disk();
    fresh.check_fresh().unwrap();
    // Edited on disk since the build.
    std::fs::write(
        dir.path().join("versions/t1_one.rs"),
        format!("{body}\n// edit\n"),
    )
    .unwrap();
    let e = fresh.check_fresh().unwrap_err();
    assert!(matches!(e, RunError::Stale(_)), "{e:?}");
    assert!(e.to_string().contains("t1_one.rs"), "{e}");
    let e = offline(
        &fresh,
        Dialect::Sqlite,
        Direction::Up,
        "head",
        &RunOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(e, RunError::Stale(_)), "{e:?}");
}

/// The stamp the build records (size, mtime, ctime) proves a script unchanged only while all
/// three hold: an in-place edit that keeps the size and puts the old mtime back is stale, through
/// `fresh_revision_map` (what every app command calls) as through `check_fresh`.
#[test]
fn a_stamped_script_edited_in_place_with_its_old_mtime_is_stale() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("versions")).unwrap();
    let body = "//! One\n//!\n//! Revision ID: t1\n//! Revises:\n";
    let file = dir.path().join("versions/t1_one.rs");
    std::fs::write(&file, body).unwrap();
    let meta = std::fs::metadata(&file).unwrap();
    let st = retort_revision::Stamp::of(&meta).unwrap();
    let path: &'static str = Box::leak(dir.path().display().to_string().into_boxed_str());
    let set = MigrationSet::new(
        path,
        vec![Script::new(
            "t1_one.rs",
            body,
            retort_revision::file_hash(body.as_bytes()),
            t1_up,
            t1_down,
        )
        .stamped(st.len, st.modified_ns, st.changed_ns)],
    );
    assert_eq!(set.fresh_revision_map().unwrap().heads(), ["t1"]);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let edited = body.replace("One", "Two");
    assert_eq!(edited.len(), body.len());
    std::fs::write(&file, &edited).unwrap();
    let f = std::fs::File::options().write(true).open(&file).unwrap();
    f.set_modified(meta.modified().unwrap()).unwrap();
    drop(f);
    let e = set.fresh_revision_map().unwrap_err();
    assert!(matches!(e, RunError::Stale(_)), "{e:?}");
    assert!(e.to_string().contains("edited: t1_one.rs"), "{e}");
    assert!(matches!(set.check_fresh(), Err(RunError::Stale(_))));
    // Put back byte for byte: the stamp no longer matches, the hash does: fresh again.
    std::fs::write(&file, body).unwrap();
    assert_eq!(set.fresh_revision_map().unwrap().heads(), ["t1"]);
}

/// The header the build parsed (`Script::parsed`, what `retort-build` generates) is the header
/// `Script::header` gives, without parsing `header_src` again.
#[test]
fn a_script_built_with_its_parsed_header_does_not_parse_it_again() {
    let src = "//! One \"quoted\"\n//!\n//! Revision ID: t2\n//! Revises: t1\n//! Branch labels: lab\n//! Depends on: t0\n//! Create date: 2026-12-07\n";
    let plain = Script::new("t2_one.rs", src, 0, t1_up, t1_down);
    let parsed = plain
        .clone()
        .parsed("t2", "t1", "lab", "t0", "One \"quoted\"", "2026-12-07");
    assert_eq!(parsed.header().unwrap(), plain.header().unwrap());
    // What is used is the parsed form, not the text.
    let other = plain.parsed("t9", "", "", "", "m", "");
    assert_eq!(other.header().unwrap().revision, "t9");
    assert!(other.header().unwrap().down_revisions.is_empty());
    // A merge: the parents comma-separated.
    let merge = Script::new("m1.rs", "", 0, t1_up, t1_down).parsed("m1", "a1,b1", "", "", "m", "");
    assert_eq!(merge.header().unwrap().down_revisions, ["a1", "b1"]);
}

#[test]
fn offline_sqlite_script_shape() {
    let sql = offline(
        &two(),
        Dialect::Sqlite,
        Direction::Up,
        "head",
        &RunOptions::default(),
    )
    .unwrap();
    let create = sql
        .find("CREATE TABLE IF NOT EXISTS \"retort_version\"")
        .unwrap();
    let off = sql.find("PRAGMA foreign_keys = OFF;\nBEGIN;").unwrap();
    let insert = sql
        .find("INSERT INTO \"retort_version\" (version_num) VALUES ('t1');")
        .unwrap();
    let update = sql
        .find("UPDATE \"retort_version\" SET version_num = 't2' WHERE version_num = 't1';")
        .unwrap();
    assert!(create < off && off < insert && insert < update, "{sql}");
    assert_contains(
        &sql,
        &[
            "-- Running upgrade <base> -> t1: Revision t1",
            "-- retort: skipped Rust step (offline)",
            "COMMIT;\nPRAGMA foreign_keys = ON;",
        ],
    );

    // One transaction for the whole run when asked.
    let o = RunOptions {
        transaction_per_migration: false,
        ..RunOptions::default()
    };
    let sql = offline(&two(), Dialect::Postgres, Direction::Up, "head", &o).unwrap();
    assert_eq!(sql.matches("BEGIN;").count(), 1, "{sql}");
    // MySQL: no transactions at all.
    let sql = offline(
        &two(),
        Dialect::Mysql,
        Direction::Down,
        "t2:base",
        &RunOptions::default(),
    )
    .unwrap();
    assert!(!sql.contains("BEGIN;"), "{sql}");
    assert!(
        sql.contains("DELETE FROM `retort_version` WHERE version_num = 't1';"),
        "{sql}"
    );
}

#[test]
fn version_table_name_and_schema_come_from_the_options() {
    let o = RunOptions {
        version_table: QName::parse("ops.schema_version"),
        ..RunOptions::default()
    };
    let sql = offline(&two(), Dialect::Postgres, Direction::Up, "t1", &o).unwrap();
    assert!(
        sql.contains("CREATE TABLE IF NOT EXISTS \"ops\".\"schema_version\" (version_num VARCHAR(255) NOT NULL, CONSTRAINT \"schema_version_pkc\" PRIMARY KEY (version_num))"),
        "{sql}"
    );
}

#[test]
fn a_deployed_binary_runs_its_compiled_in_scripts_without_the_source_folder() {
    let (dir, body, set) = one_script_on_disk();
    // Development checkout: the folder is there and compared.
    assert_eq!(set.source_versions(), Some(dir.path().join("versions")));
    set.check_fresh().unwrap();
    std::fs::write(dir.path().join("versions/t2_new.rs"), "x").unwrap();
    assert!(matches!(set.check_fresh(), Err(RunError::Stale(_))));

    // Deployed: the build-time folder does not exist where the binary runs.
    drop(dir);
    assert_eq!(set.source_versions(), None);
    set.check_fresh().unwrap();
    let sql = offline(
        &set,
        Dialect::Sqlite,
        Direction::Up,
        "head",
        &RunOptions::default(),
    )
    .unwrap();
    assert!(sql.contains("INSERT INTO \"retort_version\""), "{sql}");
    // The log row carries the compiled-in checksum.
    assert!(
        sql.contains(&format!(
            "INSERT INTO \"retort_version_log\" (revision, direction, checksum, file_name, applied_at, duration_ms, retort_version) VALUES ('t1', 'upgrade', '{}', 't1_one.rs', "
            , retort_runner::checksum_hex(retort_revision::file_hash(body.as_bytes()))
        )),
        "{sql}"
    );
}

/// `stamp --sql` and `upgrade --sql` write the version table with the same statements (one
/// place renders them): a stamp from t1 to t2 is the upgrade's version-table UPDATE and
/// creates the same tables, on every dialect.
#[test]
fn stamp_sql_writes_the_version_table_as_the_upgrade_script_does() {
    let o = RunOptions {
        version_table: QName::parse("ops.schema_version"),
        ..RunOptions::default()
    };
    for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let up = offline(&two(), d, Direction::Up, "t1:t2", &o).unwrap();
        let stamp = retort_runner::stamp_sql(&two(), d, &["t1:t2".to_string()], false, &o).unwrap();
        let creates = |s: &str| -> Vec<String> {
            s.lines()
                .filter(|l| l.starts_with("CREATE TABLE IF NOT EXISTS"))
                .map(str::to_string)
                .collect()
        };
        assert_eq!(creates(&stamp), creates(&up), "{d}:\n{stamp}\n---\n{up}");
        assert_eq!(creates(&stamp).len(), 2, "{d}: {stamp}");
        let update = up
            .lines()
            .find(|l| l.starts_with("UPDATE"))
            .unwrap_or_else(|| panic!("{d}: no UPDATE in {up}"));
        assert!(
            update.contains("'t2'") && update.contains("'t1'"),
            "{update}"
        );
        assert!(
            stamp.lines().any(|l| l == update),
            "{d}: {update} not in\n{stamp}"
        );
        assert!(
            stamp.starts_with(&format!("-- retort stamp t2 --sql ({d})\n\n")),
            "{stamp}"
        );
        // Stamped, not run: a `stamp` row in the applied log, no migration statement.
        assert!(stamp.contains("'stamp'"), "{stamp}");
        assert!(!stamp.contains("age"), "{stamp}");
    }
    // A range start that does not resolve names the start, and keeps the typed cause.
    let e = retort_runner::stamp_sql(&two(), Dialect::Sqlite, &["nope:t2".into()], false, &o)
        .unwrap_err();
    assert!(e.to_string().starts_with("range start `nope`"), "{e}");
    assert!(
        matches!(e, RunError::Range { .. }) && std::error::Error::source(&e).is_some(),
        "{e:?}"
    );
}
