//! The applied-migrations log (`retort_version_log`): one row per run with the checksum of
//! the script, what `upgrade` does when an applied script changed since it ran, how an edit
//! is accepted, and databases written before the log existed. SQLite always; PostgreSQL and
//! MariaDB with the `postgres` / `mysql` features.

mod common;

use common::*;
use retort_runner::prelude::*;
use retort_runner::{
    accept_edits, checksum_hex, downgrade, offline, read_log, stamp, upgrade, verify_applied,
    Direction, LogEntry, MigrationSet, RunError, Script,
};

per_dialect!(
    each_run_is_logged_with_the_script_checksum,
    an_edited_applied_script_stops_upgrade_until_accepted,
    a_database_without_the_log_keeps_working_and_gains_it,
    stamp_and_offline_scripts_write_the_log,
);

/// a1 creates `authors`, b2 `books`; their downgrades drop them ([`hashed`]).
fn a_up(m: &mut Migration) {
    m.create_table(id_text("authors", "name"));
}
fn b_up(m: &mut Migration) {
    m.create_table(id_only("books", SqlType::Integer));
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A script whose file hash is `hash` (as the build computes it from the file's bytes).
fn hashed(rev: &str, revises: &[&str], hash: u64, up: fn(&mut Migration)) -> Script {
    let down: fn(&mut Migration) = match rev {
        "a1" => |m| {
            m.drop_table("authors");
        },
        _ => |m| {
            m.drop_table("books");
        },
    };
    let header = format!(
        "//! Revision {rev}\n//!\n//! Revision ID: {rev}\n//! Revises: {}\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-01-01 00:00:00 UTC\n",
        revises.join(", ")
    );
    Script::new(
        leak(format!("{rev}_revision.rs")),
        leak(header),
        hash,
        up,
        down,
    )
}

/// `a1` then `b2`; `a1`'s file hash is `a_hash`.
fn history(a_hash: u64) -> MigrationSet {
    set(vec![
        hashed("a1", &[], a_hash, a_up),
        hashed("b2", &["a1"], 0xb2b2_b2b2_b2b2_b2b2, b_up),
    ])
}

const A: u64 = 0x0123_4567_89ab_cdef;
const A_EDITED: u64 = 0xfedc_ba98_7654_3210;

async fn log(db: &mut Db) -> Vec<LogEntry> {
    read_log(db, &opts()).await.unwrap()
}

fn rows(log: &[LogEntry]) -> Vec<(String, String, String)> {
    log.iter()
        .map(|e| (e.revision.clone(), e.direction.clone(), e.checksum.clone()))
        .collect()
}

fn row(rev: &str, dir: &str, hash: u64) -> (String, String, String) {
    (rev.to_string(), dir.to_string(), checksum_hex(hash))
}

async fn each_run_is_logged_with_the_script_checksum(d: Dialect) {
    let Some(t) = TestDb::new(d, "each_run_is_logged").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = history(A);
    assert!(
        log(&mut db).await.is_empty(),
        "no log before the first write"
    );
    upgrade(&mut db, &set, "head", &opts(), &mut no_events())
        .await
        .unwrap();
    downgrade(&mut db, &set, "-1", &opts(), &mut no_events())
        .await
        .unwrap();
    let l = log(&mut db).await;
    assert_eq!(
        rows(&l),
        vec![
            row("a1", "upgrade", A),
            row("b2", "upgrade", 0xb2b2_b2b2_b2b2_b2b2),
            row("b2", "downgrade", 0xb2b2_b2b2_b2b2_b2b2),
        ]
    );
    assert_eq!(checksum_hex(A), "0123456789abcdef");
    for e in &l {
        assert_eq!(e.file_name, format!("{}_revision.rs", e.revision));
        assert!(e.duration_ms.is_some(), "{e:?}");
        assert_eq!(e.retort_version, retort_runner::RETORT_VERSION);
        // `YYYY-MM-DD HH:MM:SS.fff`, UTC from the database's clock.
        assert_eq!(e.applied_at.len(), 23, "{e:?}");
        assert!(e.applied_at.starts_with("20"), "{e:?}");
    }
    assert!(l.windows(2).all(|w| w[0].id < w[1].id));
    // The log is not a model table: not reported by the introspection behind check.
    assert!(has_table(&mut db, "retort_version_log").await);
    db.close().await.unwrap();
    t.drop().await;
}

async fn an_edited_applied_script_stops_upgrade_until_accepted(d: Dialect) {
    let Some(t) = TestDb::new(d, "edited_applied_script").await else {
        return;
    };
    let mut db = t.connect().await;
    upgrade(&mut db, &history(A), "a1", &opts(), &mut no_events())
        .await
        .unwrap();

    // The next build carries an edited a1 (and the new b2).
    let edited = history(A_EDITED);
    let m = verify_applied(&mut db, &edited, &opts()).await.unwrap();
    assert_eq!(m.len(), 1, "{m:?}");
    assert_eq!(m[0].revision, "a1");
    assert_eq!(m[0].recorded, checksum_hex(A));
    assert_eq!(m[0].compiled, checksum_hex(A_EDITED));

    let e = upgrade(&mut db, &edited, "head", &opts(), &mut no_events())
        .await
        .unwrap_err();
    assert!(matches!(e, RunError::EditedScripts(_)), "{e:?}");
    let msg = e.to_string();
    for part in [
        "revision a1",
        "a1_revision.rs",
        "0123456789abcdef",
        "fedcba9876543210",
        "stamp --accept-edits",
    ] {
        assert!(msg.contains(part), "`{part}` missing from: {msg}");
    }
    // Refused before anything ran.
    assert_eq!(versions(&mut db).await, s(&["a1"]));
    assert!(!has_table(&mut db, "books").await);

    // A downgrade runs the current downgrade() and says the script changed.
    let mut notes = Vec::new();
    {
        let mut on_event = collect_notes(&mut notes);
        downgrade(&mut db, &edited, "base", &opts(), &mut on_event)
            .await
            .unwrap();
    }
    assert_noted(&notes, &["a1", "fedcba9876543210"]);
    upgrade(&mut db, &history(A), "a1", &opts(), &mut no_events())
        .await
        .unwrap();

    // Accepting the edit records the new checksum; nothing else changes.
    let r = accept_edits(&mut db, &edited, &opts(), &mut no_events())
        .await
        .unwrap();
    assert_eq!(r.applied, s(&["a1"]));
    assert_eq!(versions(&mut db).await, s(&["a1"]));
    assert_eq!(
        rows(&log(&mut db).await).last().cloned(),
        Some(row("a1", "accept", A_EDITED))
    );
    assert!(verify_applied(&mut db, &edited, &opts())
        .await
        .unwrap()
        .is_empty());
    upgrade(&mut db, &edited, "head", &opts(), &mut no_events())
        .await
        .unwrap();
    assert_eq!(versions(&mut db).await, s(&["b2"]));
    assert!(has_table(&mut db, "books").await);
    // Nothing left to accept.
    let r = accept_edits(&mut db, &edited, &opts(), &mut no_events())
        .await
        .unwrap();
    assert!(r.applied.is_empty());
    db.close().await.unwrap();
    t.drop().await;
}

async fn a_database_without_the_log_keeps_working_and_gains_it(d: Dialect) {
    let Some(t) = TestDb::new(d, "database_without_the_log").await else {
        return;
    };
    let mut db = t.connect().await;
    // As an older retort left it: the version table at a1, the table a1 made, no log.
    upgrade(&mut db, &history(A), "a1", &opts(), &mut no_events())
        .await
        .unwrap();
    db.execute("DROP TABLE retort_version_log").await.unwrap();
    assert!(log(&mut db).await.is_empty());
    assert!(verify_applied(&mut db, &history(A_EDITED), &opts())
        .await
        .unwrap()
        .is_empty());
    assert_eq!(versions(&mut db).await, s(&["a1"]));

    // The next write creates the log, with a baseline row for what is already applied.
    upgrade(&mut db, &history(A), "head", &opts(), &mut no_events())
        .await
        .unwrap();
    assert_eq!(versions(&mut db).await, s(&["b2"]));
    assert_eq!(
        rows(&log(&mut db).await),
        vec![
            row("a1", "baseline", A),
            row("b2", "upgrade", 0xb2b2_b2b2_b2b2_b2b2)
        ]
    );
    // From then on an edit of a1 is seen.
    let m = verify_applied(&mut db, &history(A_EDITED), &opts())
        .await
        .unwrap();
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].direction, "baseline");
    db.close().await.unwrap();
    t.drop().await;
}

async fn stamp_and_offline_scripts_write_the_log(d: Dialect) {
    let Some(t) = TestDb::new(d, "stamp_and_offline_log").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = history(A);
    stamp(
        &mut db,
        &set,
        &s(&["head"]),
        false,
        &opts(),
        &mut no_events(),
    )
    .await
    .unwrap();
    stamp(&mut db, &set, &s(&["a1"]), false, &opts(), &mut no_events())
        .await
        .unwrap();
    let b = 0xb2b2_b2b2_b2b2_b2b2;
    assert_eq!(
        rows(&log(&mut db).await),
        vec![
            row("a1", "stamp", A),
            row("b2", "stamp", b),
            row("b2", "unstamp", b)
        ]
    );
    assert!(log(&mut db).await.iter().all(|e| e.duration_ms.is_none()));
    db.close().await.unwrap();

    // `upgrade --sql` fed to the database's own client writes the same rows as an online run.
    let t2 = t.sibling("stamp_and_offline_log_sql").await;
    let sql = offline(&set, d, Direction::Up, "head", &opts()).unwrap();
    assert!(sql.contains("retort_version_log"), "{sql}");
    t2.run_client(&sql);
    let mut db2 = t2.connect().await;
    assert_eq!(versions(&mut db2).await, s(&["b2"]));
    assert_eq!(
        rows(&log(&mut db2).await),
        vec![row("a1", "upgrade", A), row("b2", "upgrade", b)]
    );
    // The log written offline guards the next online upgrade too.
    let e = upgrade(
        &mut db2,
        &history(A_EDITED),
        "head",
        &opts(),
        &mut no_events(),
    )
    .await
    .unwrap_err();
    assert!(matches!(e, RunError::EditedScripts(_)), "{e:?}");
    db2.close().await.unwrap();
    t2.drop().await;
    t.drop().await;
}
