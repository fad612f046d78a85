//! Crash and concurrency loops on SQLite, PostgreSQL and MariaDB, with worker processes: this
//! test binary runs itself again as the worker (`RETORT_CRASH_WORKER` set: the `crash_worker`
//! test runs one command of the runner library on a 30-revision `MigrationSet` built in code,
//! then exits), so no scaffold workspace is compiled.
//!
//! - kill loop: a worker upgrades to head (or downgrades to base) and is SIGKILLed after a
//!   random delay; then the next command must tell the truth (on MariaDB the progress marker
//!   matches the schema the database holds; elsewhere the version table does), and the
//!   recovery (`resume`, then `upgrade head`) reaches head with the right schema and log;
//! - concurrency loop: N workers run `upgrade head` at once on a fresh database, T times:
//!   every one succeeds, every migration is applied exactly once.
//!
//! Small counts by default (CI); `RETORT_STRESS=full` runs 30 kills per database and 16
//! processes x 20 trials:
//!
//! ```text
//! RETORT_STRESS=full CI=true cargo test -p retort-runner --all-features --test crash -- --nocapture
//! ```
//!
//! `RETORT_STRESS_SEED=N` repeats a run's random delays (each loop prints its seed).
#[macro_use]
mod common;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use retort_runner::prelude::*;
use retort_runner::{
    Db, Direction, Event, InFlight, MigrationSet, ResumeMode, RunError, RunOptions,
};
use retort_schema::{Op, Schema};
use retort_test_support::assert_contains;

const REVS: usize = 30;

fn full() -> bool {
    std::env::var("RETORT_STRESS").as_deref() == Ok("full")
}

fn rev(n: usize) -> String {
    format!("rv{n:02}")
}

/// 30 revisions of 3-4 statements each (each operation one statement on MariaDB).
fn history() -> MigrationSet {
    set(
        chain_history!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29),
    )
}

// ----- the worker process --------------------------------------------------------------------

/// The worker: `RETORT_CRASH_WORKER=<command>` (`upgrade:<target>` or `downgrade:<target>`),
/// `RETORT_CRASH_URL=<url>`. Exits 0 on success, 1 with the error on stderr.
#[test]
fn crash_worker() {
    let Ok(cmd) = std::env::var("RETORT_CRASH_WORKER") else {
        return;
    };
    let url = std::env::var("RETORT_CRASH_URL").expect("RETORT_CRASH_URL");
    let rt = tokio::runtime::Runtime::new().unwrap();
    let r: Result<(), RunError> = rt.block_on(async {
        let opts = RunOptions::default();
        let mut db = Db::connect_with(&url, &opts.timeouts()).await?;
        let set = history();
        let (dir, target) = cmd.split_once(':').expect("command:target");
        // `RETORT_CRASH_EXIT_AFTER=<rev>`: the process ends (no clean-up, the connection
        // dropped) as soon as that revision is recorded, before the next one starts.
        let exit_after = std::env::var("RETORT_CRASH_EXIT_AFTER").ok();
        let mut events = |e: Event| {
            if let Event::Applied { revision, .. } = &e {
                if exit_after.as_deref() == Some(revision.as_str()) {
                    std::process::exit(9);
                }
            }
        };
        let r = match dir {
            "upgrade" => retort_runner::upgrade(&mut db, &set, target, &opts, &mut events).await,
            _ => retort_runner::downgrade(&mut db, &set, target, &opts, &mut events).await,
        };
        let _ = db.close().await;
        r.map(|_| ())
    });
    match r {
        Ok(()) => std::process::exit(0),
        Err(e) => {
            eprintln!("worker error: {e}");
            std::process::exit(1)
        }
    }
}

fn spawn_worker(url: &str, cmd: &str) -> Child {
    worker(url, cmd).spawn().expect("spawn the worker")
}

fn worker(url: &str, cmd: &str) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args(["--exact", "crash_worker", "--nocapture", "--test-threads=1"])
        .env("RETORT_CRASH_WORKER", cmd)
        .env("RETORT_CRASH_URL", url)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn wait_ok(child: Child, what: &str) {
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{what}: worker failed ({:?}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

// ----- randomness and schema checks -------------------------------------------------------------

struct Rng(u64);

impl Rng {
    fn new(name: &str) -> Rng {
        let seed = std::env::var("RETORT_STRESS_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("{name}: RETORT_STRESS_SEED={seed}");
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

async fn introspect(db: &mut Db) -> Schema {
    let iopts = retort_introspect::Options {
        schemas: Vec::new(),
        exclude_tables: Vec::new(),
        version_table: "retort_version".into(),
    };
    match db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(c) => retort_introspect::sqlite(c, &iopts).await,
        #[cfg(feature = "postgres")]
        Db::Postgres(c) => retort_introspect::postgres(c, &iopts).await,
        #[cfg(feature = "mysql")]
        Db::Mysql(c) => retort_introspect::mysql(c, &iopts).await,
        #[allow(unreachable_patterns)]
        _ => unreachable!("built with the database's feature"),
    }
    .unwrap()
    .schema
}

/// The differences between the database and `expected`, as operations (empty: the same).
async fn differences(db: &mut Db, expected: &Schema) -> Vec<String> {
    let d = db.dialect();
    let live = retort_diff::reconcile(&introspect(db).await, expected, d);
    retort_diff::diff(expected, &live, &retort_diff::Options::new(d))
        .ops
        .iter()
        .map(Op::describe)
        .collect()
}

fn replay(set: &MigrationSet, heads: &[String], d: Dialect) -> Schema {
    set.replay_lenient(&set.revision_map().unwrap(), heads, d)
        .unwrap()
}

/// The history's schema at `heads` with the first `k` operations of `rev`'s `dir` applied.
fn partial(
    set: &MigrationSet,
    heads: &[String],
    rev: &str,
    dir: Direction,
    k: usize,
    d: Dialect,
) -> Schema {
    let mut s = replay(set, heads, d);
    let m = set.script(rev).unwrap().migration(dir);
    for op in m.ops().into_iter().take(k) {
        op.apply(&mut s).unwrap();
    }
    s
}

// ----- the kill loop ----------------------------------------------------------------------------

#[derive(Default, Debug)]
struct KillStats {
    /// SIGKILLs that hit a running worker.
    kills: usize,
    /// Workers that had finished before their kill (not counted as kills).
    finished_before_kill: usize,
    markers: usize,
    in_flight_ran: usize,
    in_flight_not_run: usize,
    between_statements: usize,
}

/// PostgreSQL: waits until the killed worker's session has ended (the server notices the
/// closed connection once it finishes the statement it was running).
async fn settle(db: &mut Db) {
    if db.dialect() != Dialect::Postgres {
        return;
    }
    let started = Instant::now();
    loop {
        let rows = db
            .query_strings(
                "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
            )
            .await
            .unwrap();
        if rows[0][0].as_deref() == Some("0") {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the killed worker's session is still there after 60 s"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// After a kill: what the next command says must be what the database holds; returns whether
/// a marker was found.
async fn tell_truth(db: &mut Db, set: &MigrationSet, stats: &mut KillStats) -> bool {
    let d = db.dialect();
    let opts = RunOptions::default();
    if d != Dialect::Mysql {
        // One transaction per revision: once the killed run's session is gone (the server
        // may still be finishing a COMMIT it had received), the version table is the truth.
        settle(db).await;
        let heads = retort_runner::current(db, &opts).await.unwrap();
        let diff = differences(db, &replay(set, &heads, d)).await;
        assert!(
            diff.is_empty(),
            "{d:?}: the version table says {heads:?}, the schema differs: {diff:?}"
        );
    }
    // `upgrade` takes the migration lock first, so it also waits for the killed session to
    // end (MariaDB finishes a DDL statement it had received before it notices).
    let refused = match retort_runner::upgrade(db, set, "heads", &opts, &mut |_| {}).await {
        Ok(_) => None,
        Err(e) => match e.kind() {
            RunError::Interrupted {
                progress,
                in_flight: Some(f),
                version,
            } => Some((
                e.to_string(),
                (**progress).clone(),
                f.clone(),
                version.clone(),
            )),
            _ => panic!("{d:?}: unexpected error after a kill: {e:?}"),
        },
    };
    let Some((msg, p, f, version)) = refused else {
        // No marker: the version table is the truth, and upgrade went on to head.
        let heads = retort_runner::current(db, &opts).await.unwrap();
        let diff = differences(db, &replay(set, &heads, d)).await;
        assert!(
            diff.is_empty(),
            "{d:?}: the version table says {heads:?}, the schema differs: {diff:?}"
        );
        return false;
    };
    assert_eq!(d, Dialect::Mysql, "only MySQL/MariaDB leave a marker");
    assert_eq!(version, p.version_before, "{p:?}");
    // `current` says the same.
    match retort_runner::current(db, &opts).await {
        Err(RunError::Interrupted {
            progress,
            in_flight: None,
            ..
        }) => assert_eq!(*progress, p),
        other => panic!("current after a kill: {other:?}"),
    }
    let ops = set
        .script(&p.revision)
        .unwrap()
        .migration(p.direction)
        .ops()
        .len();
    assert_eq!(
        p.statements_total, ops,
        "one statement per operation: {p:?}"
    );
    let k = p.statements_done;
    let at = |k: usize| partial(set, &p.version_before, &p.revision, p.direction, k, d);
    let before = differences(db, &at(k)).await;
    let after = if k < ops {
        differences(db, &at(k + 1)).await
    } else {
        before.clone()
    };
    assert!(msg.contains(&format!("revision {} (", p.revision)), "{msg}");
    assert!(
        msg.contains(&format!("{k} of {ops} statement(s) done")),
        "{msg}"
    );
    match &p.statement {
        None => {
            stats.between_statements += 1;
            assert_eq!(f, InFlight::None);
            assert!(
                before.is_empty(),
                "marker {p:?}, schema differs: {before:?}"
            );
        }
        Some(sql) => {
            assert!(msg.contains(sql.as_str()), "{msg}");
            match f {
                InFlight::Ran => {
                    stats.in_flight_ran += 1;
                    assert!(after.is_empty(), "said ran; {p:?}: {after:?}");
                }
                InFlight::NotRun => {
                    stats.in_flight_not_run += 1;
                    assert!(before.is_empty(), "said not run; {p:?}: {before:?}");
                }
                other => panic!("{p:?}: the in-flight statement is checkable: {other:?}"),
            }
        }
    }
    true
}

/// `resume` (when a marker is there) then `upgrade head`: head, the right schema, every
/// revision applied according to the log.
async fn recover(db: &mut Db, set: &MigrationSet, marker: bool) {
    let d = db.dialect();
    let opts = RunOptions::default();
    let r = retort_runner::resume(db, set, ResumeMode::Run, &opts, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{d:?}: resume: {e}"));
    if marker {
        assert_eq!(r.applied.len(), 1, "{r:?}");
    }
    retort_runner::upgrade(db, set, "head", &opts, &mut |_| {})
        .await
        .unwrap_or_else(|e| panic!("{d:?}: upgrade after recovery: {e}"));
    let head = vec![rev(REVS - 1)];
    assert_eq!(retort_runner::current(db, &opts).await.unwrap(), head);
    let diff = differences(db, &replay(set, &head, d)).await;
    assert!(
        diff.is_empty(),
        "{d:?}: at head, the schema differs: {diff:?}"
    );
    let log = retort_runner::read_log(db, &opts).await.unwrap();
    let applied = retort_runner::last_applied(&log);
    assert_eq!(applied.len(), REVS, "{d:?}: log {log:?}");
}

async fn kill_loop(d: Dialect) {
    let Some(t) = TestDb::new(d, "kill_loop").await else {
        return;
    };
    let kills = if full() { 30 } else { 4 };
    let set = history();
    let mut rng = Rng::new(&format!("kill_loop {d:?}"));
    // How long a whole run takes in a worker, each way: the kill lands within it.
    let started = Instant::now();
    wait_ok(spawn_worker(&t.url, "upgrade:head"), "calibration up");
    let mut up_wall = started.elapsed();
    let started = Instant::now();
    wait_ok(spawn_worker(&t.url, "downgrade:base"), "calibration down");
    let mut down_wall = started.elapsed();
    eprintln!("{d:?}: a whole run takes {up_wall:?} up, {down_wall:?} down");

    let mut db = t.connect().await;
    let opts = RunOptions::default();
    retort_runner::upgrade(&mut db, &set, "head", &opts, &mut |_| {})
        .await
        .unwrap();
    let mut stats = KillStats::default();
    let mut i = 0;
    while stats.kills < kills {
        assert!(
            i < 4 * kills,
            "{d:?}: most workers finished before their kill: {stats:?}"
        );
        i += 1;
        let (cmd, wall) = if i % 2 == 0 {
            ("downgrade:base", &mut down_wall)
        } else {
            // From a random revision below head (or base) up.
            let to = rng.below(REVS as u64) as usize;
            let target = if to == 0 {
                "base".to_string()
            } else {
                rev(to - 1)
            };
            retort_runner::downgrade(&mut db, &set, &target, &opts, &mut |_| {})
                .await
                .unwrap();
            ("upgrade:head", &mut up_wall)
        };
        let delay = Duration::from_micros(rng.below(wall.as_micros() as u64));
        let mut child = spawn_worker(&t.url, cmd);
        std::thread::sleep(delay);
        if child.try_wait().unwrap().is_some() {
            stats.finished_before_kill += 1;
            // Runs got faster than the calibration (it ran beside other tests): the kills
            // land earlier from now on.
            *wall /= 2;
        } else {
            child.kill().unwrap();
            stats.kills += 1;
        }
        let _ = child.wait();
        let marker = tell_truth(&mut db, &set, &mut stats).await;
        if marker {
            stats.markers += 1;
        }
        recover(&mut db, &set, marker).await;
    }
    eprintln!("kill loop {d:?}: {stats:?}");
    db.close().await.unwrap();
    t.drop().await;
}

// ----- the concurrency loop -----------------------------------------------------------------------

async fn concurrency_loop(d: Dialect) {
    let (procs, trials) = if full() { (16, 20) } else { (4, 2) };
    let set = history();
    let head = vec![rev(REVS - 1)];
    let opts = RunOptions::default();
    let started = Instant::now();
    for trial in 0..trials {
        let Some(t) = TestDb::new(d, "concurrency_loop").await else {
            return;
        };
        let children: Vec<Child> = (0..procs)
            .map(|_| spawn_worker(&t.url, "upgrade:head"))
            .collect();
        for (i, c) in children.into_iter().enumerate() {
            wait_ok(c, &format!("{d:?} trial {trial} process {i}"));
        }
        let mut db = t.connect().await;
        assert_eq!(retort_runner::current(&mut db, &opts).await.unwrap(), head);
        let log = retort_runner::read_log(&mut db, &opts).await.unwrap();
        let upgrades: Vec<&str> = log
            .iter()
            .filter(|e| e.direction == "upgrade")
            .map(|e| e.revision.as_str())
            .collect();
        let expected: Vec<String> = (0..REVS).map(rev).collect();
        assert_eq!(
            upgrades, expected,
            "{d:?} trial {trial}: each migration once"
        );
        assert_eq!(log.len(), REVS, "{d:?} trial {trial}: {log:?}");
        let diff = differences(&mut db, &replay(&set, &head, d)).await;
        assert!(diff.is_empty(), "{d:?} trial {trial}: {diff:?}");
        db.close().await.unwrap();
        t.drop().await;
    }
    eprintln!(
        "concurrency loop {d:?}: {procs} processes x {trials} trials in {:?}, every migration applied once",
        started.elapsed()
    );
}

/// A run that ends right after a revision is recorded, before the next one starts: on
/// MariaDB the next revision's marker (written with that record) says it had not begun — its
/// first statement in flight and not run — and `resume` runs it; elsewhere the version table
/// is the truth and nothing is left to resume.
async fn ended_between_two_revisions(d: Dialect) {
    let Some(t) = TestDb::new(d, "between_revisions").await else {
        return;
    };
    let set = history();
    let out = worker(&t.url, "upgrade:head")
        .env("RETORT_CRASH_EXIT_AFTER", rev(4))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(9),
        "the worker ends after {}: {}",
        rev(4),
        String::from_utf8_lossy(&out.stderr)
    );
    let opts = RunOptions::default();
    let mut db = t.connect().await;
    let at4 = vec![rev(4)];
    let diff = differences(&mut db, &replay(&set, &at4, d)).await;
    assert!(
        diff.is_empty(),
        "{d:?}: the schema differs from {at4:?}: {diff:?}"
    );
    if d == Dialect::Mysql {
        let e = retort_runner::current(&mut db, &opts).await.unwrap_err();
        let RunError::Interrupted { progress, .. } = e.kind() else {
            panic!("{e:?}")
        };
        assert_eq!(progress.revision, rev(5));
        assert_eq!(progress.statements_done, 0);
        assert_eq!(progress.version_before, at4);
        assert_eq!(progress.version_after, vec![rev(5)]);
        let first = progress
            .statement
            .clone()
            .expect("its first statement in flight");
        let (p, f) = retort_runner::interrupted(&mut db, &set, &opts)
            .await
            .unwrap()
            .expect("a marker");
        assert_eq!(p.statement.as_deref(), Some(first.as_str()));
        assert_eq!(f, InFlight::NotRun);
        let msg = retort_runner::upgrade(&mut db, &set, "head", &opts, &mut |_| {})
            .await
            .unwrap_err()
            .to_string();
        assert_contains(&msg, &[&format!("revision {} (", rev(5)), "0 of ", &first]);
        let r = retort_runner::resume(&mut db, &set, ResumeMode::Run, &opts, &mut |_| {})
            .await
            .unwrap();
        assert_eq!(r.applied, vec![rev(5)]);
    } else {
        assert_eq!(retort_runner::current(&mut db, &opts).await.unwrap(), at4);
        assert!(retort_runner::read_progress(&mut db, &opts.version_table)
            .await
            .unwrap()
            .is_none());
    }
    retort_runner::upgrade(&mut db, &set, "head", &opts, &mut |_| {})
        .await
        .unwrap();
    let head = vec![rev(REVS - 1)];
    assert_eq!(retort_runner::current(&mut db, &opts).await.unwrap(), head);
    let diff = differences(&mut db, &replay(&set, &head, d)).await;
    assert!(diff.is_empty(), "{d:?}: at head: {diff:?}");
    let log = retort_runner::read_log(&mut db, &opts).await.unwrap();
    assert_eq!(retort_runner::last_applied(&log).len(), REVS, "{log:?}");
    db.close().await.unwrap();
    t.drop().await;
}

// ----- recovery paths that need no kill -----------------------------------------------------------

fn broken_up(m: &mut Migration) {
    m.create_table(id_only("half", SqlType::BigInt));
    m.execute("INSERT INTO no_such_table (id) VALUES (1)");
    m.add_column("half", col("b", SqlType::Integer).nullable(true));
}

fn broken_down(m: &mut Migration) {
    m.drop_table("half");
}

fn one_up(m: &mut Migration) {
    m.create_table(id_only("one", SqlType::BigInt));
}

fn one_down(m: &mut Migration) {
    m.drop_table("one");
}

/// A migration whose raw SQL fails half-way: on MariaDB its marker stays, every command says
/// so, `resume` refuses (raw SQL cannot be checked against the schema), and the manual paths
/// (`--finished`, `--abandon`) settle it. Elsewhere the migration rolls back and there is
/// nothing to resume.
async fn manual_recovery(d: Dialect) {
    let set = set(vec![
        script("m1", &[], None, one_up, one_down),
        script("m2", &["m1"], None, broken_up, broken_down),
    ]);
    let Some(t) = TestDb::new(d, "manual_recovery").await else {
        return;
    };
    let opts = RunOptions::default();
    let mut db = t.connect().await;
    let e = retort_runner::upgrade(&mut db, &set, "head", &opts, &mut |_| {})
        .await
        .unwrap_err();
    assert_eq!(e.applied(), s(&["m1"]));
    if d != Dialect::Mysql {
        assert_eq!(versions(&mut db).await, s(&["m1"]));
        let r = retort_runner::resume(&mut db, &set, ResumeMode::Run, &opts, &mut |_| {})
            .await
            .unwrap();
        assert!(r.applied.is_empty());
        assert!(retort_runner::read_progress(&mut db, &opts.version_table)
            .await
            .unwrap()
            .is_none());
        assert!(retort_runner::interrupted(&mut db, &set, &opts)
            .await
            .unwrap()
            .is_none());
        db.close().await.unwrap();
        t.drop().await;
        return;
    }
    let msg = e.to_string();
    assert!(msg.contains("retort resume"), "{msg}");
    // Every command that reads the version table says where m2 stopped.
    let e = retort_runner::current(&mut db, &opts).await.unwrap_err();
    let RunError::Interrupted { progress, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!(progress.revision, "m2");
    assert_eq!(progress.statements_done, 1);
    assert_eq!(progress.statements_total, 3);
    assert_eq!(
        progress.statement.as_deref(),
        Some("INSERT INTO no_such_table (id) VALUES (1)")
    );
    // While another session holds the migration lock, the marker may be that session's
    // revision in progress: `upgrade` waits for the lock (a concurrent deploy must not stop on
    // it), and when the wait expires it names the holder and what its marker says.
    {
        use sqlx::Connection;
        let mut other = sqlx::MySqlConnection::connect(&t.url).await.unwrap();
        let (dbname,): (String,) = sqlx::query_as("SELECT DATABASE()")
            .fetch_one(&mut other)
            .await
            .unwrap();
        let lock = format!("retort:{dbname}.retort_version");
        let (got,): (i64,) = sqlx::query_as("SELECT GET_LOCK(?, 5)")
            .bind(&lock)
            .fetch_one(&mut other)
            .await
            .unwrap();
        assert_eq!(got, 1);
        let short = RunOptions {
            lock_timeout: std::time::Duration::from_secs(1),
            ..RunOptions::default()
        };
        let e = retort_runner::upgrade(&mut db, &set, "head", &short, &mut |_| {})
            .await
            .unwrap_err();
        assert!(matches!(e.kind(), RunError::LockTimeout { .. }), "{e:?}");
        let msg = e.to_string();
        assert_contains(
            &msg,
            &[
                "it is held by MySQL/MariaDB connection",
                "Its progress marker: revision m2 (upgrade)",
                "1 of 3 statement(s) done",
            ],
        );
        other.close().await.unwrap();
    }
    let e = retort_runner::current(&mut db, &opts).await.unwrap_err();
    assert!(matches!(e.kind(), RunError::Interrupted { .. }), "{e:?}");
    let e = retort_runner::stamp(&mut db, &set, &s(&["m1"]), false, &opts, &mut |_| {})
        .await
        .unwrap_err();
    assert!(matches!(e.kind(), RunError::Interrupted { .. }), "{e:?}");
    // The raw SQL cannot be checked: `interrupted` says so, resume refuses and says why.
    let (p, f) = retort_runner::interrupted(&mut db, &set, &opts)
        .await
        .unwrap()
        .expect("a marker");
    assert_eq!(p.revision, "m2");
    assert!(matches!(f, InFlight::Unknown(_)), "{f:?}");
    let e = retort_runner::resume(&mut db, &set, ResumeMode::Run, &opts, &mut |_| {})
        .await
        .unwrap_err();
    let RunError::Interrupted {
        in_flight: Some(InFlight::Unknown(why)),
        ..
    } = e.kind()
    else {
        panic!("{e:?}")
    };
    assert!(why.contains("changes no table shape"), "{why}");
    assert!(e.to_string().contains("resume --finished"), "{e}");
    // Finished by hand: the rest of m2, then `resume --finished`.
    db.execute("ALTER TABLE half ADD COLUMN b INT NULL")
        .await
        .unwrap();
    let r = retort_runner::resume(&mut db, &set, ResumeMode::Finished, &opts, &mut |_| {})
        .await
        .unwrap();
    assert_eq!(r.applied, s(&["m2"]));
    assert_eq!(versions(&mut db).await, s(&["m2"]));
    let log = retort_runner::read_log(&mut db, &opts).await.unwrap();
    assert_eq!(log.last().map(|e| e.revision.as_str()), Some("m2"));
    assert_eq!(log.last().map(|e| e.direction.as_str()), Some("upgrade"));
    // Down, and m2 again: this time undone by hand and abandoned.
    retort_runner::downgrade(&mut db, &set, "m1", &opts, &mut |_| {})
        .await
        .unwrap();
    retort_runner::upgrade(&mut db, &set, "head", &opts, &mut |_| {})
        .await
        .unwrap_err();
    db.execute("DROP TABLE half").await.unwrap();
    let r = retort_runner::resume(&mut db, &set, ResumeMode::Abandon, &opts, &mut |_| {})
        .await
        .unwrap();
    assert!(r.applied.is_empty());
    assert_eq!(versions(&mut db).await, s(&["m1"]));
    let diff = differences(&mut db, &replay(&set, &s(&["m1"]), d)).await;
    assert!(diff.is_empty(), "{diff:?}");
    db.close().await.unwrap();
    t.drop().await;
}

per_dialect!(
    kill_loop,
    concurrency_loop,
    manual_recovery,
    ended_between_two_revisions
);
