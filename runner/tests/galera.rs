//! The migration lock on a real 3-node MariaDB Galera cluster (Debian's galera-4 and the
//! machine's mariadbd on loopback ports, started here: `retort_test_support::cluster`).
//!
//! - concurrent `upgrade head` through the three nodes at once, on a fresh database per
//!   trial: all three succeed, every migration is applied exactly once (the late runs find it
//!   done), the version table is at head on every node; each run says the Galera lock is used;
//! - a lock row whose holder stopped sending heartbeats is taken over, with a note;
//! - a live holder makes a run wait `lock_timeout` and the error names it;
//! - a run whose row was taken over stops at its next statement's heartbeat.
//!
//! Two trials by default (CI); `RETORT_GALERA_TRIALS=N` for more:
//!
//! ```text
//! RETORT_GALERA_TRIALS=10 cargo test -p retort-runner --features mysql --test galera -- --nocapture
//! ```
//!
//! Skipped loudly without galera-4 / rsync / mariadbd, failed under `CI=true`.
#![cfg(feature = "mysql")]
#[macro_use]
mod common;

use std::time::{Duration, Instant};

use common::*;
use retort_runner::prelude::*;
use retort_runner::{Db, MigrationSet, RunError, RunOptions};
use retort_test_support::cluster::GaleraCluster;
use retort_test_support::{unique_name, with_db};

const REVS: usize = 6;

fn rev(n: usize) -> String {
    format!("g{n:02}")
}

fn history() -> MigrationSet {
    set(chain_history!(0 1 2 3 4 5))
}

/// One revision whose Rust step, past the heartbeat interval, gives its lock row to another
/// run (as a stale takeover would); its next statement's heartbeat must notice.
fn stolen() -> MigrationSet {
    fn up(m: &mut Migration) {
        m.create_table(table("stolen_1", vec![col("id", SqlType::BigInt)], &["id"]));
        m.run(|db| {
            Box::pin(async move {
                tokio::time::sleep(Duration::from_millis(2200)).await;
                db.execute("UPDATE retort_version_lock SET holder = 'thief'")
                    .await?;
                Ok(())
            })
        });
        m.create_table(table("stolen_2", vec![col("id", SqlType::BigInt)], &["id"]));
    }
    fn down(m: &mut Migration) {
        m.drop_table("stolen_2");
        m.drop_table("stolen_1");
    }
    set(vec![script("s1", &[], None, up, down)])
}

/// Creates database `name` through node 1 and waits until every node has applied it (the
/// CREATE replicates in total order, but a node applies it on its own time).
async fn create_everywhere(admin: &mut Db, cluster: &GaleraCluster, name: &str) {
    admin
        .execute(&format!("CREATE DATABASE `{name}`"))
        .await
        .unwrap();
    for node in &cluster.nodes {
        let mut db = Db::connect(&with_db(&node.url, "mysql")).await.unwrap();
        db.execute("SET SESSION wsrep_sync_wait = 15")
            .await
            .unwrap();
        let n = db
            .query_strings(&format!(
                "SELECT COUNT(*) FROM information_schema.schemata WHERE schema_name = '{name}'"
            ))
            .await
            .unwrap();
        assert_eq!(n[0][0].as_deref(), Some("1"), "{name} on {}", node.name);
        db.close().await.unwrap();
    }
}

fn trials() -> usize {
    std::env::var("RETORT_GALERA_TRIALS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2)
}

/// `upgrade head` on `url`; the notes it wrote and what it applied.
async fn upgrade(url: String, opts: RunOptions) -> (Result<Vec<String>, RunError>, Vec<String>) {
    let set = history();
    let mut notes = Vec::new();
    let r = async {
        let mut db = Db::connect_with(&url, &opts.timeouts()).await?;
        let r =
            retort_runner::upgrade(&mut db, &set, "head", &opts, &mut collect_notes(&mut notes))
                .await;
        let _ = db.close().await;
        r.map(|rep| rep.applied)
    }
    .await;
    (r, notes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn galera_lock_applies_each_migration_once_through_three_nodes() {
    let test = "galera_lock_applies_each_migration_once_through_three_nodes";
    let started = Instant::now();
    let Some(cluster) = GaleraCluster::start(3, test).await else {
        return;
    };
    eprintln!("3-node Galera cluster up in {:?}", started.elapsed());
    let head = vec![rev(REVS - 1)];
    let all: Vec<String> = (0..REVS).map(rev).collect();
    let opts = RunOptions::default();
    let mut admin = Db::connect(&cluster.nodes[0].url).await.unwrap();

    for trial in 0..trials() {
        let name = unique_name("galera");
        create_everywhere(&mut admin, &cluster, &name).await;
        let urls: Vec<String> = cluster
            .nodes
            .iter()
            .map(|n| with_db(&n.url, &name))
            .collect();
        let runs: Vec<_> = urls
            .iter()
            .map(|u| tokio::spawn(upgrade(u.clone(), opts.clone())))
            .collect();
        let mut applied = Vec::new();
        for (i, h) in runs.into_iter().enumerate() {
            let (r, notes) = h.await.unwrap();
            let a =
                r.unwrap_or_else(|e| panic!("trial {trial}: the run through node{}: {e}", i + 1));
            assert_noted(
                &notes,
                &[
                    "Galera cluster (3 nodes",
                    "wsrep_OSU_method = TOI",
                    "wsrep_sync_wait",
                ],
            );
            applied.extend(a);
        }
        applied.sort();
        assert_eq!(
            applied, all,
            "trial {trial}: every migration applied exactly once"
        );
        for (i, u) in urls.iter().enumerate() {
            let mut db = Db::connect(u).await.unwrap();
            db.execute("SET SESSION wsrep_sync_wait = 1").await.unwrap();
            assert_eq!(
                retort_runner::current(&mut db, &opts).await.unwrap(),
                head,
                "trial {trial}: version table on node{}",
                i + 1
            );
            let log = retort_runner::read_log(&mut db, &opts).await.unwrap();
            let ups: Vec<&str> = log.iter().map(|e| e.revision.as_str()).collect();
            assert_eq!(ups, all, "trial {trial}: the log on node{}", i + 1);
            assert!(has_table(&mut db, "t05").await, "node{}", i + 1);
            // The lock row is gone: released by the run that held it.
            let rows = db
                .query_strings("SELECT COUNT(*) FROM retort_version_lock")
                .await
                .unwrap();
            assert_eq!(rows[0][0].as_deref(), Some("0"), "node{}", i + 1);
            db.close().await.unwrap();
        }
        admin
            .execute(&format!("DROP DATABASE `{name}`"))
            .await
            .unwrap();
    }
    eprintln!(
        "Galera: {} trials of 3 concurrent upgrades through 3 nodes in {:?}, each migration applied once",
        trials(),
        started.elapsed()
    );

    // A holder whose heartbeat stopped (row past expires_at): taken over, with a note.
    let name = unique_name("galera");
    create_everywhere(&mut admin, &cluster, &name).await;
    let url2 = with_db(&cluster.nodes[1].url, &name);
    let mut db = Db::connect(&with_db(&cluster.nodes[0].url, &name))
        .await
        .unwrap();
    // This connection sees what the runs wrote through other nodes (as retort's own do).
    db.execute("SET SESSION wsrep_sync_wait = 15")
        .await
        .unwrap();
    db.execute("CREATE TABLE retort_version_lock (lock_key VARCHAR(32) NOT NULL PRIMARY KEY, holder VARCHAR(255) NOT NULL, host VARCHAR(512) NOT NULL, acquired_at DATETIME(3) NOT NULL, heartbeat_at DATETIME(3) NOT NULL, expires_at DATETIME(3) NULL)").await.unwrap();
    db.execute("INSERT INTO retort_version_lock VALUES ('migration', 'dead-run', 'process 1 on gone-host', UTC_TIMESTAMP(3) - INTERVAL 1 HOUR, UTC_TIMESTAMP(3) - INTERVAL 1 HOUR, UTC_TIMESTAMP(3) - INTERVAL 50 MINUTE)").await.unwrap();
    let (r, notes) = upgrade(url2.clone(), opts.clone()).await;
    assert_eq!(r.unwrap(), all);
    assert_noted(
        &notes,
        &[
            "took over the Galera migration lock",
            "gone-host",
            "dead-run",
        ],
    );

    // A live holder: the run waits lock_timeout and names it.
    db.execute("INSERT INTO retort_version_lock VALUES ('migration', 'live-run', 'process 2 on busy-host', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3) + INTERVAL 1 HOUR)").await.unwrap();
    let short = RunOptions {
        lock_timeout: Duration::from_secs(1),
        ..RunOptions::default()
    };
    let t0 = Instant::now();
    let (r, _) = upgrade(url2, short).await;
    let e = r.unwrap_err();
    let m = e.to_string();
    assert!(matches!(e, RunError::LockTimeout { .. }), "{m}");
    assert!(
        m.contains("busy-host") && m.contains("live-run") && m.contains("Galera"),
        "{m}"
    );
    assert!(m.contains("DELETE FROM `retort_version_lock`"), "{m}");
    assert!(t0.elapsed() < Duration::from_secs(20), "{:?}", t0.elapsed());

    // A run whose row another run took over stops before its next statement.
    let other = unique_name("galera");
    create_everywhere(&mut admin, &cluster, &other).await;
    let mut db3 = Db::connect(&with_db(&cluster.nodes[2].url, &other))
        .await
        .unwrap();
    let e = retort_runner::upgrade(&mut db3, &stolen(), "head", &opts, &mut |_| {})
        .await
        .unwrap_err();
    let m = e.to_string();
    assert!(
        m.contains("no longer holds the Galera migration lock"),
        "{m}"
    );
    assert!(has_table(&mut db3, "stolen_1").await && !has_table(&mut db3, "stolen_2").await);
    let rows = db3
        .query_strings("SELECT holder FROM retort_version_lock")
        .await
        .unwrap();
    assert_eq!(
        rows,
        vec![vec![Some("thief".to_string())]],
        "the thief's row stays"
    );
    db3.close().await.unwrap();
    admin
        .execute(&format!("DROP DATABASE `{other}`"))
        .await
        .unwrap();

    db.close().await.unwrap();
    admin
        .execute(&format!("DROP DATABASE `{name}`"))
        .await
        .unwrap();
    admin.close().await.unwrap();
    drop(cluster);
    eprintln!("Galera test done in {:?}", started.elapsed());
}
