//! PostgreSQL streaming replicas: after an `upgrade` / `downgrade` committed on the primary,
//! wait until the named replicas (or every replica streaming when the wait begins) have
//! replayed it ([`RunOptions::wait_for_replicas`], bounded by
//! [`RunOptions::replica_timeout`]).
//!
//! The primary's WAL position is read after the run (`pg_current_wal_lsn()`, which is past
//! every commit of the run); each replica is done when its `replay_lsn` in
//! `pg_stat_replication` has reached it. A replica reports its replay position as it
//! receives and replays WAL, and at least every `wal_receiver_status_interval` (default
//! 10 s). Past the timeout the error
//! says the migration IS committed on the primary and which replica lags by how much.

use std::time::{Duration, Instant};

use retort_schema::Dialect;
use retort_sql::quote_string;

use crate::limits::secs;
use crate::{Db, RunError, RunOptions};

/// The name in [`RunOptions::wait_for_replicas`] that means "every replica streaming when the
/// wait begins".
pub const ALL_REPLICAS: &str = "*";

/// How often `pg_stat_replication` is read while waiting.
const POLL: Duration = Duration::from_millis(100);

/// One row of `pg_stat_replication`, as this wait reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Standby {
    pub name: String,
    pub state: String,
    /// `replay_lsn` (NULL when the role may not see it, or nothing replayed yet).
    pub replay: Option<String>,
    /// Bytes of WAL between `replay_lsn` and the target position (<= 0: caught up).
    pub behind: Option<i64>,
}

/// The replicas waited for: `names` (as given), or every one in `rows` when `names` is empty
/// or `["*"]`.
pub(crate) fn wanted(names: &[String], rows: &[Standby]) -> Vec<String> {
    if names.is_empty() || names.iter().any(|n| n == ALL_REPLICAS) {
        let mut v: Vec<String> = rows.iter().map(|r| r.name.clone()).collect();
        v.sort();
        v.dedup();
        v
    } else {
        names.to_vec()
    }
}

/// What is still missing for replica `name` (`None`: it has replayed the target).
pub(crate) fn lag(name: &str, rows: &[Standby]) -> Option<String> {
    let Some(r) = rows.iter().find(|r| r.name == name) else {
        return Some(format!(
            "replica `{name}` is not connected (no row with application_name = '{name}' in pg_stat_replication: stopped, unreachable, or named otherwise -- its cluster_name or primary_conninfo application_name)"
        ));
    };
    match (&r.replay, r.behind) {
        (Some(_), Some(b)) if b <= 0 => None,
        (Some(at), Some(b)) => Some(format!(
            "replica `{name}` ({}) has replayed up to {at}, {b} bytes behind",
            r.state
        )),
        _ => Some(format!(
            "replica `{name}` ({}) reports no replay position (nothing replayed yet, or this role may not see it: grant it pg_read_all_stats)",
            r.state
        )),
    }
}

/// Waits until the replicas of `opts.wait_for_replicas` have replayed everything committed
/// so far; `done` describes what was committed (for the error); `note` receives what the
/// run reports as notes (no replica connected, who replayed in how long).
pub(crate) async fn wait(
    db: &mut Db,
    opts: &RunOptions,
    done: &str,
    note: &mut (dyn FnMut(String) + Send),
) -> Result<(), RunError> {
    let Some(names) = &opts.wait_for_replicas else {
        return Ok(());
    };
    let d = Dialect::Postgres;
    if db
        .query_scalar("SELECT pg_is_in_recovery()")
        .await?
        .as_deref()
        == Some("true")
    {
        return Err(RunError::Setting(
            "wait_for_replicas: this connection is to a standby (pg_is_in_recovery()), not the primary; point the URL at the primary".to_string(),
        ));
    }
    let lsn = db
        .query_scalar("SELECT pg_current_wal_lsn()::text")
        .await?
        .unwrap_or_default();
    let sql = format!(
        "SELECT application_name, state, replay_lsn::text, pg_wal_lsn_diff({}, replay_lsn)::bigint FROM pg_catalog.pg_stat_replication",
        quote_string(&lsn, d)
    );
    let start = Instant::now();
    let mut want: Option<Vec<String>> = None;
    loop {
        let rows: Vec<Standby> = db
            .query_strings(&sql)
            .await?
            .into_iter()
            .map(|r| {
                let get = |i: usize| r.get(i).cloned().flatten();
                Standby {
                    name: get(0).unwrap_or_default(),
                    state: get(1).unwrap_or_default(),
                    replay: get(2),
                    behind: get(3).and_then(|b| b.parse().ok()),
                }
            })
            .collect();
        // "All": the replicas streaming when the wait begins.
        let want = want.get_or_insert_with(|| wanted(names, &rows));
        if want.is_empty() {
            note(
                "wait_for_replicas: no replica is connected to the primary (pg_stat_replication is empty): nothing to wait for".to_string(),
            );
            return Ok(());
        }
        let lagging: Vec<String> = want.iter().filter_map(|n| lag(n, &rows)).collect();
        if lagging.is_empty() {
            note(format!(
                "replica(s) {} replayed the primary's WAL up to {lsn} in {}",
                want.iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", "),
                secs(start.elapsed())
            ));
            return Ok(());
        }
        if start.elapsed() >= opts.replica_timeout {
            return Err(RunError::ReplicasBehind {
                done: done.to_string(),
                waited: opts.replica_timeout,
                lsn,
                lagging: lagging.join("; "),
            });
        }
        tokio::time::sleep(POLL).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, replay: Option<&str>, behind: Option<i64>) -> Standby {
        Standby {
            name: name.into(),
            state: "streaming".into(),
            replay: replay.map(Into::into),
            behind,
        }
    }

    #[test]
    fn all_means_the_connected_ones() {
        let rows = [row("b", None, None), row("a", None, None)];
        assert_eq!(wanted(&[], &rows), ["a", "b"]);
        assert_eq!(wanted(&["*".into()], &rows), ["a", "b"]);
        assert_eq!(wanted(&["c".into()], &rows), ["c"]);
    }

    #[test]
    fn lag_says_what_is_missing() {
        let rows = [
            row("a", Some("0/30"), Some(0)),
            row("b", Some("0/10"), Some(32)),
        ];
        assert_eq!(lag("a", &rows), None);
        let b = lag("b", &rows).unwrap();
        assert!(b.contains("0/10") && b.contains("32 bytes behind"), "{b}");
        let c = lag("c", &rows).unwrap();
        assert!(c.contains("`c` is not connected"), "{c}");
        let n = lag("n", &[row("n", None, None)]).unwrap();
        assert!(n.contains("pg_read_all_stats"), "{n}");
    }
}
