//! MariaDB Galera cluster: the migration lock as a row written through the cluster.
//!
//! `GET_LOCK` is per node, so two runs through two nodes of one cluster would both get it.
//! On a node with `wsrep_on = ON` the lock is the one row of `<version table>_lock`
//! (`lock_key = 'migration'`), taken by an `INSERT` that replicates: of two nodes inserting it
//! at once, certification lets one commit and fails the other (deadlock, 1213); a later insert
//! finds the key (duplicate, 1062). A run that does not get it reads the row (holder, node,
//! heartbeat) and tries again until `lock_timeout`. The holder refreshes `heartbeat_at` and
//! `expires_at` as it runs ([`heartbeat`], before each migration and statement, at most every
//! 2 s); a row past its `expires_at`
//! (the holder's own bound on one round trip, plus a margin) belongs to a run that died, and
//! the next run takes it over with a note. `unlock` deletes the row (also after an error).
//!
//! The session is set for the cluster: DDL in total-order isolation (`wsrep_OSU_method =
//! TOI`, the default, set explicitly) so every node runs each DDL statement at the same point
//! of the replication stream, and causal reads (`wsrep_sync_wait = 15`: reads, UPDATE/DELETE,
//! INSERT/REPLACE and SHOW wait until the node has applied what the cluster committed before
//! them), so a node that just got the lock sees the version-table rows another node wrote.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use retort_schema::{Dialect, QName};
use retort_sql::{quote_qname, quote_string};

use super::Lock;
use crate::{Db, RunError, RunOptions};

/// The lock row's key (one row per version table).
const KEY: &str = "migration";

/// Added to the holder's round-trip bound before its row counts as stale.
const STALE_MARGIN: Duration = Duration::from_secs(10);

/// How often a waiting run tries the lock again.
const POLL: Duration = Duration::from_millis(200);

/// A heartbeat is written at most this often.
const BEAT_EVERY: Duration = Duration::from_secs(2);

/// The session settings of a run on a Galera node.
pub(crate) const SESSION_SQL: &str = "SET SESSION wsrep_OSU_method = 'TOI', wsrep_sync_wait = 15";

/// A Galera node, as detected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Node {
    /// `wsrep_cluster_size`.
    pub cluster_size: u32,
    /// `wsrep_node_name`.
    pub name: String,
}

/// The lock row a run holds.
#[derive(Debug)]
pub(crate) struct RowLock {
    table: QName,
    /// This run's token in the row's `holder` column.
    holder: String,
    /// Seconds the row stays valid after a heartbeat (`None`: no bound, statement_timeout 0).
    valid_for: Option<u64>,
    /// Milliseconds since `started` of the last heartbeat.
    last_beat: AtomicU64,
    started: Instant,
    /// What the run's output says about the lock (which lock, a takeover).
    pub notes: Vec<String>,
}

/// The lock table of a version table: `<name>_lock` in the same schema.
pub fn lock_table(version_table: &QName) -> QName {
    QName::with_schema(
        version_table.schema.clone(),
        format!("{}_lock", version_table.name),
    )
}

/// `CREATE TABLE IF NOT EXISTS` of the lock table (a primary key, as Galera wants).
pub(crate) fn create_sql(vt: &QName) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {} (lock_key VARCHAR(32) NOT NULL PRIMARY KEY, holder VARCHAR(255) NOT NULL, host VARCHAR(512) NOT NULL, acquired_at DATETIME(3) NOT NULL, heartbeat_at DATETIME(3) NOT NULL, expires_at DATETIME(3) NULL) ENGINE=InnoDB",
        quote_qname(&lock_table(vt), Dialect::Mysql)
    )
}

/// The `expires_at` expression of a row refreshed now.
fn expires(valid_for: Option<u64>) -> String {
    match valid_for {
        Some(s) => format!("UTC_TIMESTAMP(3) + INTERVAL {s} SECOND"),
        None => "NULL".to_string(),
    }
}

/// Whether this node is part of a Galera cluster (`wsrep_on = ON`); `None` on a plain
/// MariaDB/MySQL server (MySQL has no `wsrep_on` at all).
pub(crate) async fn detect(db: &mut Db) -> Result<Option<Node>, RunError> {
    let on = db.query_strings("SHOW VARIABLES LIKE 'wsrep_on'").await?;
    let on = on
        .first()
        .and_then(|r| r.get(1).cloned().flatten())
        .is_some_and(|v| v.eq_ignore_ascii_case("ON"));
    if !on {
        return Ok(None);
    }
    let size = db
        .query_strings("SHOW STATUS LIKE 'wsrep_cluster_size'")
        .await?
        .first()
        .and_then(|r| r.get(1).cloned().flatten())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let name = db
        .query_scalar("SELECT @@wsrep_node_name")
        .await?
        .unwrap_or_default();
    Ok(Some(Node {
        cluster_size: size,
        name,
    }))
}

/// The MySQL error numbers that mean "another node's write of the lock row won": duplicate
/// key, certification failure (reported as a deadlock), lock wait timeout.
fn lost_race(e: &RunError) -> bool {
    e.db_error()
        .and_then(|d| d.code())
        .is_some_and(|c| matches!(c.as_str(), "1062" | "1213" | "1205"))
}

/// The lock row as read: who holds it and whether it is past its `expires_at`.
struct Held {
    holder: String,
    host: String,
    acquired_at: String,
    heartbeat_at: String,
    expires_at: Option<String>,
    stale: bool,
}

impl Held {
    fn describe(&self) -> String {
        format!(
            "held by {} (run {}), since {} UTC, last heartbeat {} UTC, {}",
            self.host,
            self.holder,
            self.acquired_at,
            self.heartbeat_at,
            match &self.expires_at {
                Some(e) => format!("taken over as stale after {e} UTC"),
                None => "never stale (that run has no statement_timeout)".to_string(),
            }
        )
    }
}

async fn read_row(db: &mut Db, vt: &QName) -> Result<Option<Held>, RunError> {
    let d = Dialect::Mysql;
    let at = |c: &str| format!("DATE_FORMAT({c}, '%Y-%m-%d %H:%i:%s')");
    let sql = format!(
        "SELECT holder, host, {}, {}, {}, expires_at IS NOT NULL AND expires_at < UTC_TIMESTAMP(3) FROM {} WHERE lock_key = {}",
        at("acquired_at"),
        at("heartbeat_at"),
        at("expires_at"),
        quote_qname(&lock_table(vt), d),
        quote_string(KEY, d)
    );
    let rows = db.query_strings(&sql).await?;
    Ok(rows.into_iter().next().map(|r| {
        let get = |i: usize| r.get(i).cloned().flatten();
        Held {
            holder: get(0).unwrap_or_default(),
            host: get(1).unwrap_or_default(),
            acquired_at: get(2).unwrap_or_default(),
            heartbeat_at: get(3).unwrap_or_default(),
            expires_at: get(4),
            stale: get(5).as_deref() == Some("1"),
        }
    }))
}

/// Takes the cluster-wide lock on Galera node `node`, waiting up to `opts.lock_timeout`.
pub(crate) async fn lock(db: &mut Db, opts: &RunOptions, node: Node) -> Result<Lock, RunError> {
    let d = Dialect::Mysql;
    db.execute(SESSION_SQL).await?;
    let vt = &opts.version_table;
    db.execute(&create_sql(vt)).await?;
    let timeout = opts.timeouts().lock;
    let valid_for = opts
        .timeouts()
        .round_trip()
        .map(|rt| (rt + STALE_MARGIN).as_secs());
    let conn = db
        .query_scalar("SELECT CONNECTION_ID()")
        .await?
        .unwrap_or_default();
    let server = db
        .query_scalar("SELECT CONCAT(@@hostname, ':', @@port)")
        .await?
        .unwrap_or_default();
    let pid = std::process::id();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |t| t.as_nanos());
    let holder = format!("{pid}-{conn}-{:x}", nanos & 0xffff_ffff_ffff);
    let host = format!(
        "process {pid} on {}, connection {conn} to node `{}` ({server})",
        client_host(),
        node.name
    );
    let table = quote_qname(&lock_table(vt), d);
    let lit = |s: &str| quote_string(s, d);
    let insert = format!(
        "INSERT INTO {table} (lock_key, holder, host, acquired_at, heartbeat_at, expires_at) VALUES ({}, {}, {}, UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), {})",
        lit(KEY),
        lit(&holder),
        lit(&host),
        expires(valid_for)
    );
    let mut notes = vec![format!(
        "Galera cluster ({} nodes, this run through node `{}`): the migration lock is the row of {} written through the cluster (GET_LOCK is per node); DDL runs in total-order isolation (wsrep_OSU_method = TOI, set for this session) and reads wait for the cluster's earlier writes (wsrep_sync_wait = 15)",
        node.cluster_size,
        node.name,
        lock_table(vt)
    )];
    let start = Instant::now();
    let mut last_seen: Option<Held> = None;
    loop {
        match db.execute(&insert).await {
            Ok(_) => break,
            Err(e) if lost_race(&e) => {}
            Err(e) => return Err(e),
        }
        if let Some(h) = read_row(db, vt).await? {
            if h.stale {
                let takeover = format!(
                    "UPDATE {table} SET holder = {}, host = {}, acquired_at = UTC_TIMESTAMP(3), heartbeat_at = UTC_TIMESTAMP(3), expires_at = {} WHERE lock_key = {} AND holder = {} AND expires_at < UTC_TIMESTAMP(3)",
                    lit(&holder),
                    lit(&host),
                    expires(valid_for),
                    lit(KEY),
                    lit(&h.holder)
                );
                match db.execute(&takeover).await {
                    Ok(1) => {
                        notes.push(format!(
                            "took over the Galera migration lock from a run that stopped sending heartbeats: it was {}",
                            h.describe()
                        ));
                        break;
                    }
                    Ok(_) => {}
                    Err(e) if lost_race(&e) => {}
                    Err(e) => return Err(e),
                }
            }
            last_seen = Some(h);
        }
        if start.elapsed() >= timeout {
            let dbname = db
                .query_scalar("SELECT DATABASE()")
                .await?
                .unwrap_or_default();
            let holder = match last_seen {
                Some(h) => format!(
                    "the Galera migration lock (the row of {}) is {}; if that run is gone, wait until then or delete the row: DELETE FROM {table} WHERE lock_key = {}",
                    lock_table(vt),
                    h.describe(),
                    lit(KEY)
                ),
                None => format!(
                    "the Galera migration lock (the row of {}) was taken and released by other runs faster than this one could insert it",
                    lock_table(vt)
                ),
            };
            return Err(RunError::LockTimeout {
                db: format!(
                    "MariaDB Galera cluster database `{dbname}` (node `{}`)",
                    node.name
                ),
                waited: timeout,
                holder,
            });
        }
        tokio::time::sleep(POLL).await;
    }
    Ok(Lock::Cluster(Box::new(RowLock {
        table: lock_table(vt),
        holder,
        valid_for,
        last_beat: AtomicU64::new(0),
        started: Instant::now(),
        notes,
    })))
}

/// The name of the machine this run is on (for the lock row).
fn client_host() -> String {
    std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.is_empty())
        .or_else(|| {
            std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
        })
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "this machine".to_string())
}

/// Refreshes the lock row's heartbeat (at most every [`BEAT_EVERY`]); an error if the row is
/// no longer this run's (another run took it over as stale).
pub(crate) async fn heartbeat(db: &mut Db, lock: &RowLock) -> Result<(), RunError> {
    let now = lock.started.elapsed().as_millis() as u64;
    let last = lock.last_beat.load(Ordering::Relaxed);
    if last != 0 && now.saturating_sub(last) < BEAT_EVERY.as_millis() as u64 {
        return Ok(());
    }
    let d = Dialect::Mysql;
    let sql = format!(
        "UPDATE {} SET heartbeat_at = UTC_TIMESTAMP(3), expires_at = {} WHERE lock_key = {} AND holder = {}",
        quote_qname(&lock.table, d),
        expires(lock.valid_for),
        quote_string(KEY, d),
        quote_string(&lock.holder, d)
    );
    if db.execute(&sql).await? == 0 {
        // Nothing changed: either the row is gone or it is another run's. (MariaDB counts
        // rows changed; a heartbeat within the same millisecond changes nothing, but the
        // throttle above rules that out.)
        return Err(RunError::sql(
            &sql,
            format!(
                "this run no longer holds the Galera migration lock (the row of {} is gone or another run took it over as stale): stop here; check the version table and the other run's output before running again",
                lock.table
            ),
        ));
    }
    lock.last_beat.store(now.max(1), Ordering::Relaxed);
    Ok(())
}

/// Releases the lock: deletes the row if it is still this run's.
pub(crate) async fn unlock(db: &mut Db, lock: &RowLock) -> Result<(), RunError> {
    let d = Dialect::Mysql;
    db.execute(&format!(
        "DELETE FROM {} WHERE lock_key = {} AND holder = {}",
        quote_qname(&lock.table, d),
        quote_string(KEY, d),
        quote_string(&lock.holder, d)
    ))
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_table_sits_beside_the_version_table() {
        let q = lock_table(&QName::with_schema(Some("app".into()), "retort_version"));
        assert_eq!(q.to_string(), "app.retort_version_lock");
        assert!(create_sql(&QName::new("v")).contains("`v_lock`"));
    }

    #[test]
    fn a_row_without_a_bound_never_expires() {
        assert_eq!(expires(None), "NULL");
        assert_eq!(expires(Some(70)), "UTC_TIMESTAMP(3) + INTERVAL 70 SECOND");
    }
}
