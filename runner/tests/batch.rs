//! A migration's statements sent in few round trips (SQLite: one batch with the version-table
//! writes and the log row; MySQL/MariaDB: each progress-marker write with its statement, the
//! last statement with the record and its COMMIT, the version write checked by the server):
//! what a failure names, what a success records.

mod common;

use common::*;
use retort_runner::prelude::*;
use retort_runner::{checksum_hex, read_log, upgrade, Event, RunError};

per_dialect!(
    a_failing_statement_in_the_middle_is_named_and_rolled_back,
    a_batched_apply_records_versions_and_log,
    a_version_row_changed_meanwhile_stops_the_commit,
);

fn mk(m: &mut Migration, name: &str) {
    m.create_table(table(name, vec![col("id", SqlType::Integer)], &["id"]));
}

// ----- a failure in the middle of a batch ----------------------------------------------------

fn c1_up(m: &mut Migration) {
    m.create_table(table(
        "dup",
        vec![col("id", SqlType::Integer), col("v", SqlType::Integer)],
        &["id"],
    ));
    m.execute("INSERT INTO dup (id, v) VALUES (1, 7)");
    m.execute("INSERT INTO dup (id, v) VALUES (2, 7)");
}
fn c2_up(m: &mut Migration) {
    mk(m, "ok_one");
    mk(m, "ok_two");
    // Renders (the history knows `dup.v`), fails when it runs: the rows repeat `v`.
    let mut ix = Index::new("ix_dup_v", ["v"]);
    ix.unique = true;
    m.create_index("dup", ix);
    mk(m, "never");
}

/// The `sql` of every statement event, in order.
fn statements(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Statement { sql, .. } => Some(sql.clone()),
            _ => None,
        })
        .collect()
}

async fn a_failing_statement_in_the_middle_is_named_and_rolled_back(d: Dialect) {
    let Some(t) = TestDb::new(d, "batch_fails_midway").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = linear(&[("c1", c1_up), ("c2", c2_up)]);
    let mut events = Vec::new();
    let e = upgrade(&mut db, &set, "head", &opts(), &mut |e| events.push(e))
        .await
        .unwrap_err();
    let msg = e.to_string();
    // The statement named is the third of c2, the unique index.
    let failed = match e.kind() {
        RunError::Statement { revision, sql, .. } => (revision.clone(), sql.clone()),
        RunError::PartiallyApplied {
            revision,
            sql,
            applied,
            ..
        } => {
            assert_eq!(d, Dialect::Mysql, "{e:?}");
            assert_eq!(applied.len(), 2, "{applied:?}");
            (revision.clone(), sql.clone())
        }
        other => panic!("expected the statement's error, got {other:?}"),
    };
    assert_eq!(failed.0, "c2");
    assert!(failed.1.contains("ix_dup_v"), "{failed:?}");
    assert!(msg.contains("ix_dup_v"), "{msg}");
    let db_says = match d {
        Dialect::Sqlite => "UNIQUE constraint failed",
        Dialect::Postgres => "could not create unique index",
        Dialect::Mysql => "Duplicate entry",
    };
    assert!(msg.contains(db_says), "{msg}");
    // The statement events stop at the failing statement (none for `never`, none for the
    // version table of c2), each statement once.
    let sent = statements(&events);
    let of_c2: Vec<&String> = sent
        .iter()
        .filter(|s| {
            ["ok_one", "ok_two", "ix_dup_v", "never"]
                .iter()
                .any(|t| s.contains(t))
        })
        .collect();
    assert_eq!(of_c2.len(), 3, "{sent:#?}");
    assert!(
        of_c2[0].contains("ok_one") && of_c2[1].contains("ok_two"),
        "{of_c2:?}"
    );
    assert_eq!(of_c2[2], &failed.1);
    // c1 stays applied, logged once; c2 left nothing behind where transactions exist.
    assert_eq!(versions_even_interrupted(&mut db).await, s(&["c1"]));
    let log = read_log(&mut db, &opts()).await.unwrap();
    let logged: Vec<&str> = log.iter().map(|e| e.revision.as_str()).collect();
    assert_eq!(logged, vec!["c1"]);
    assert!(has_table(&mut db, "dup").await);
    assert!(!has_table(&mut db, "never").await);
    if d != Dialect::Mysql {
        assert!(msg.contains("rolled back"), "{msg}");
        assert!(
            !has_table(&mut db, "ok_one").await,
            "c2 must be rolled back"
        );
        assert!(
            !has_table(&mut db, "ok_two").await,
            "c2 must be rolled back"
        );
    }
    db.close().await.unwrap();
    t.drop().await;
}

// ----- what a batched apply records ------------------------------------------------------------

fn b1_up(m: &mut Migration) {
    mk(m, "b_one");
    mk(m, "b_two");
}
fn b2_up(m: &mut Migration) {
    m.add_column("b_one", col("name", SqlType::Text).nullable(true));
    mk(m, "b_three");
}
fn b3_up(m: &mut Migration) {
    m.drop_table("b_two");
}

async fn a_batched_apply_records_versions_and_log(d: Dialect) {
    let Some(t) = TestDb::new(d, "batch_records").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = linear(&[("b1", b1_up), ("b2", b2_up), ("b3", b3_up)]);
    let mut events = Vec::new();
    let before = std::time::SystemTime::now();
    let r = upgrade(&mut db, &set, "b2", &opts(), &mut |e| events.push(e))
        .await
        .unwrap();
    assert_eq!(r.applied, s(&["b1", "b2"]));
    assert_eq!(versions(&mut db).await, s(&["b2"]));
    // Each migration: its statements, then its version write and log row, then Applied.
    // From the first migration on (the log's creation comes before).
    let first = events
        .iter()
        .position(|e| matches!(e, Event::Applying { .. }))
        .expect("an Applying event");
    let order: Vec<String> = events[first..]
        .iter()
        .filter_map(|e| match e {
            Event::Statement { comment, .. } if comment == "version table" => {
                Some("version".into())
            }
            Event::Statement { comment, .. } if comment == "applied-migrations log" => {
                Some("log".into())
            }
            Event::Statement { comment, .. } if comment == "progress marker" => None,
            // MySQL/MariaDB: the next revision's marker, in the previous one's record.
            Event::Statement { comment, .. }
                if comment == "progress marker of the next revision" =>
            {
                Some("next marker".into())
            }
            Event::Statement { .. } => Some("stmt".into()),
            Event::Applied { revision, .. } => Some(format!("applied {revision}")),
            _ => None,
        })
        .collect();
    let next_marker: &[&str] = if d == Dialect::Mysql {
        &["next marker"]
    } else {
        &[]
    };
    assert_eq!(
        order,
        [
            &["stmt", "stmt", "version", "log"][..],
            next_marker,
            &["applied b1", "stmt", "stmt", "version", "log", "applied b2"]
        ]
        .concat()
        .into_iter()
        .map(String::from)
        .collect::<Vec<_>>()
    );
    upgrade(&mut db, &set, "head", &opts(), &mut no_events())
        .await
        .unwrap();
    assert_eq!(versions(&mut db).await, s(&["b3"]));
    assert!(has_table(&mut db, "b_one").await && has_table(&mut db, "b_three").await);
    assert!(!has_table(&mut db, "b_two").await);
    let log = read_log(&mut db, &opts()).await.unwrap();
    assert_eq!(
        log_rows(&log),
        vec![("b1", "upgrade"), ("b2", "upgrade"), ("b3", "upgrade")]
    );
    let elapsed = before.elapsed().unwrap().as_millis() as i64;
    for e in &log {
        assert_eq!(e.checksum, checksum_hex(0), "{e:?}");
        assert_eq!(e.file_name, format!("{}_revision.rs", e.revision));
        // Counted by the database on SQLite (the row travels with the statements): a real
        // duration, never more than the whole test took.
        let ms = e.duration_ms.expect("a run's duration");
        assert!(
            (0..=elapsed).contains(&ms),
            "{ms} ms of {elapsed} ms: {e:?}"
        );
    }
    db.close().await.unwrap();
    t.drop().await;
}

// ----- the version row's check still stops the commit ---------------------------------------

fn v1_up(m: &mut Migration) {
    mk(m, "v_one");
}
fn v2_up(m: &mut Migration) {
    mk(m, "v_two");
    // The version row moves under the run's feet: the checked UPDATE then changes no row.
    m.execute("DELETE FROM retort_version");
}

async fn a_version_row_changed_meanwhile_stops_the_commit(d: Dialect) {
    let Some(t) = TestDb::new(d, "batch_version_check").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = linear(&[("v1", v1_up), ("v2", v2_up)]);
    let e = upgrade(&mut db, &set, "head", &opts(), &mut no_events())
        .await
        .unwrap_err();
    let RunError::ConcurrentModification {
        revision,
        rows,
        sql,
        ..
    } = e.kind()
    else {
        panic!("expected ConcurrentModification, got {e:?}")
    };
    assert_eq!((revision.as_str(), *rows), ("v2", 0));
    assert!(sql.starts_with("UPDATE"), "{sql}");
    if d != Dialect::Mysql {
        // Nothing of v2 committed: the DELETE is rolled back with the rest.
        assert_eq!(versions(&mut db).await, s(&["v1"]));
        assert!(!has_table(&mut db, "v_two").await);
    }
    // MySQL/MariaDB: the record's batch carries its COMMIT, and the server's guard (the log row
    // after the UPDATE) stopped it: no log row for v2, and v2's progress marker stays.
    let log = read_log(&mut db, &opts()).await.unwrap();
    assert_eq!(log.len(), 1, "{log:?}");
    if d == Dialect::Mysql {
        let e = upgrade(&mut db, &set, "head", &opts(), &mut no_events())
            .await
            .unwrap_err();
        assert!(e.to_string().contains("interrupted"), "{e}");
    }
    db.close().await.unwrap();
    t.drop().await;
}
