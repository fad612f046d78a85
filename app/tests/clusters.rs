//! `--wait-replicas` / `wait_for_replicas` through the command line: refused where it cannot
//! mean anything (with `--sql`, on a database without streaming replicas), and on a PostgreSQL
//! primary with a streaming replica started here (`retort_test_support::cluster`) the upgrade
//! reports success once the replica has replayed it.

mod common;

use common::{cmd_text, ctx, linear, sqlite_url, tmp};

#[tokio::test]
async fn wait_replicas_is_refused_offline_and_on_sqlite() {
    let dir = tmp();
    let c = ctx(linear(), dir.path());
    let url = sqlite_url(dir.path(), "t.db");
    let (code, text) = cmd_text(
        &c,
        &["--url", &url, "upgrade", "head", "--sql", "--wait-replicas"],
    )
    .await;
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains("--wait-replicas") && text.contains("--sql"),
        "{text}"
    );

    for empty in ["--wait-replicas=", "--wait-replicas=r1,,r2"] {
        let (code, text) = cmd_text(&c, &["--url", &url, "upgrade", "head", empty]).await;
        assert_eq!(code, 2, "{empty}: {text}");
        assert!(text.contains("names no replica"), "{empty}: {text}");
    }

    let (code, text) = cmd_text(
        &c,
        &["--url", &url, "upgrade", "head", "--wait-replicas=r1"],
    )
    .await;
    assert_ne!(code, 0, "{text}");
    assert!(
        text.contains("wait_for_replicas") && text.contains("PostgreSQL"),
        "{text}"
    );
    let (_, current) = cmd_text(&c, &["--url", &url, "current"]).await;
    assert!(!current.contains("c3c3c3c3c3c3"), "nothing ran: {current}");
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_reports_success_once_the_replica_replayed_it() {
    use retort_test_support::cluster::PgReplicaPair;
    let test = "upgrade_reports_success_once_the_replica_replayed_it";
    let Some(pair) = PgReplicaPair::start(test).await else {
        return;
    };
    let dir = tmp();
    let c = ctx(linear(), dir.path());
    let named = format!("--wait-replicas={}", pair.replica_name);
    let (code, text) = cmd_text(
        &c,
        &[
            "--url",
            &pair.primary_url,
            "upgrade",
            "b2b2b2b2b2b2",
            &named,
        ],
    )
    .await;
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains(&format!(
            "`{}` replayed the primary's WAL",
            pair.replica_name
        )),
        "{text}"
    );
    let (code, text) = cmd_text(&c, &["--url", &pair.replica_url, "current"]).await;
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("b2b2b2b2b2b2"),
        "the replica is at b2 when upgrade returns: {text}"
    );

    // Every connected replica (no names), then a stopped one with retort.toml's timeout.
    let (code, text) = cmd_text(
        &c,
        &[
            "--url",
            &pair.primary_url,
            "upgrade",
            "head",
            "--wait-replicas",
        ],
    )
    .await;
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("replayed the primary's WAL"), "{text}");
    pair.stop_replica();
    std::fs::write(
        dir.path().join("retort.toml"),
        format!(
            "wait_for_replicas = [\"{}\"]\nreplica_timeout = 1\n",
            pair.replica_name
        ),
    )
    .unwrap();
    let (code, text) = cmd_text(&c, &["--url", &pair.primary_url, "downgrade", "-1"]).await;
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("IS committed on the primary") && text.contains("not connected"),
        "{text}"
    );
}
