//! `wait_for_replicas` (PostgreSQL): an upgrade waits until a streaming replica has replayed
//! it, on a primary and a replica started here on loopback ports (`initdb` + `pg_basebackup
//! -R`: `retort_test_support::cluster::PgReplicaPair`); a stopped replica makes the wait end
//! at `replica_timeout` with an error that says the migration is committed on the primary.
//! Skipped loudly without PostgreSQL server binaries, failed under `CI=true`.
#[macro_use]
mod common;

use std::time::{Duration, Instant};

use common::*;
use retort_runner::prelude::*;
use retort_runner::{Db, Direction, MigrationSet, RunError, RunOptions};

fn up<const N: usize>(m: &mut Migration) {
    m.create_table(table(
        &format!("r{N}"),
        vec![
            col("id", SqlType::BigInt),
            col("note", SqlType::Text).nullable(true),
        ],
        &["id"],
    ));
}

fn down<const N: usize>(m: &mut Migration) {
    m.drop_table(format!("r{N}").as_str());
}

fn history() -> MigrationSet {
    set(vec![
        script("a1", &[], None, up::<1>, down::<1>),
        script("a2", &["a1"], None, up::<2>, down::<2>),
        script("a3", &["a2"], None, up::<3>, down::<3>),
    ])
}

/// `upgrade` / `downgrade` of [`history`] to `target`, which must succeed; its notes go to
/// `notes`.
#[cfg(feature = "postgres")]
async fn migrate(
    db: &mut Db,
    direction: Direction,
    target: &str,
    opts: &RunOptions,
    notes: &mut Vec<String>,
) -> retort_runner::Report {
    let set = history();
    let mut events = collect_notes(notes);
    match direction {
        Direction::Up => retort_runner::upgrade(db, &set, target, opts, &mut events).await,
        Direction::Down => retort_runner::downgrade(db, &set, target, opts, &mut events).await,
    }
    .unwrap_or_else(|e| panic!("{direction:?} {target}: {e}"))
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_waits_for_the_replica_and_a_stopped_one_is_a_bounded_error() {
    use retort_test_support::cluster::PgReplicaPair;
    let test = "upgrade_waits_for_the_replica_and_a_stopped_one_is_a_bounded_error";
    let started = Instant::now();
    let Some(pair) = PgReplicaPair::start(test).await else {
        return;
    };
    eprintln!("primary + streaming replica up in {:?}", started.elapsed());
    let set = history();
    let named = RunOptions {
        wait_for_replicas: Some(vec![pair.replica_name.clone()]),
        replica_timeout: Duration::from_secs(30),
        ..RunOptions::default()
    };
    let mut primary = Db::connect(&pair.primary_url).await.unwrap();
    let mut replica = Db::connect(&pair.replica_url).await.unwrap();

    // Named: when upgrade returns, the replica has the tables and the version table.
    let mut notes = Vec::new();
    let t0 = Instant::now();
    let r = migrate(&mut primary, Direction::Up, "a2", &named, &mut notes).await;
    eprintln!("upgrade to a2 with the wait: {:?}", t0.elapsed());
    assert_eq!(r.applied, s(&["a1", "a2"]));
    assert_noted(
        &notes,
        &[&format!(
            "`{}` replayed the primary's WAL",
            pair.replica_name
        )],
    );
    assert!(
        has_table(&mut replica, "r2").await,
        "the replica has r2 when upgrade returns"
    );
    assert_eq!(versions(&mut replica).await, s(&["a2"]));

    // Every connected replica ("*"): a downgrade waits too.
    let all = RunOptions {
        wait_for_replicas: Some(vec![retort_runner::ALL_REPLICAS.to_string()]),
        ..named.clone()
    };
    let mut notes = Vec::new();
    migrate(&mut primary, Direction::Down, "a1", &all, &mut notes).await;
    assert_noted(&notes, &["replayed the primary's WAL"]);
    assert!(
        !has_table(&mut replica, "r2").await,
        "the replica lost r2 when downgrade returns"
    );

    // A stopped replica: the wait ends at replica_timeout; the migration is committed.
    replica.close().await.unwrap();
    pair.stop_replica();
    let short = RunOptions {
        replica_timeout: Duration::from_secs(2),
        ..named.clone()
    };
    let t0 = Instant::now();
    let e = retort_runner::upgrade(&mut primary, &set, "head", &short, &mut |_| {})
        .await
        .unwrap_err();
    let waited = t0.elapsed();
    let m = e.to_string();
    assert!(matches!(e.kind(), RunError::ReplicasBehind { .. }), "{m}");
    assert_eq!(e.applied(), s(&["a2", "a3"]), "{m}");
    assert!(m.contains("IS committed on the primary"), "{m}");
    assert!(
        m.contains(&format!("`{}` is not connected", pair.replica_name)),
        "{m}"
    );
    assert!(m.contains("replica_timeout"), "{m}");
    assert!(
        waited >= Duration::from_secs(2) && waited < Duration::from_secs(15),
        "{waited:?}"
    );
    assert_eq!(versions(&mut primary).await, s(&["a3"]));
    primary.close().await.unwrap();
    drop(pair);
    eprintln!("replica test done in {:?}", started.elapsed());
}

/// Asked on a database that has no streaming replicas: refused before anything runs.
#[cfg(feature = "sqlite")]
#[tokio::test]
async fn waiting_for_replicas_is_refused_on_sqlite_before_running() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut db = Db::connect(&url).await.unwrap();
    let o = RunOptions {
        wait_for_replicas: Some(vec![]),
        ..RunOptions::default()
    };
    let e = retort_runner::upgrade(&mut db, &history(), "head", &o, &mut |_| {})
        .await
        .unwrap_err();
    assert_contains(&e.to_string(), &["wait_for_replicas", "PostgreSQL"]);
    assert!(versions(&mut db).await.is_empty(), "nothing ran");
}
