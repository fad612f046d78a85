//! Online execution: the dialect-free algorithm (take the lock, read the version table, plan,
//! render against the live schema, execute, record). What each database does its own way is
//! behind [`crate::backend::Backend`].

use crate::words::direction_word;
use std::collections::BTreeSet;
use std::time::{Duration, Instant, SystemTime};

use retort_revision::{Direction, RevisionMap, Step};
use retort_schema::{Dialect, QName, Schema};

use crate::backend::{
    backend, create_version_table, purge_version_table, read_heads, table_exists, version_writes,
    Backend, Lock,
};
use crate::limits::{bounded, classify_error, Timeouts, WaitKind};
use crate::log::{self as applied_log, Elapsed, LogKind};
use crate::progress::{self, InFlight, Progress};
use crate::render::render;
use crate::set::apply_op;
use crate::words::show_rows;
use crate::{Db, MigrationSet, MigrationStep, RunError};

/// How a run behaves (`retort.toml`: `version_table`, `version_table_schema`, `lock_timeout`,
/// `connect_timeout`, `statement_timeout`, `transaction_per_migration`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// The version table; default `retort_version` (in the connection's default schema).
    pub version_table: QName,
    /// How long to wait for the migration lock, and for each statement's table locks
    /// (SQLite: the write lock); zero: do not wait; default 60 s.
    pub lock_timeout: Duration,
    /// How long connecting may take ([`Db::connect_with`]); inside a run it is also the
    /// margin added to the longest server-side wait to bound each round trip; default 10 s.
    pub connect_timeout: Duration,
    /// How long one statement may run (PostgreSQL `statement_timeout`, MariaDB
    /// `max_statement_time`), set on the connection by [`Db::connect_with`]; zero: no limit,
    /// and round trips are then unbounded; default 600 s.
    pub statement_timeout: Duration,
    /// PostgreSQL and SQLite: each migration and its version-table change in its own
    /// transaction (default `true`); `false`: the whole run in one transaction.
    pub transaction_per_migration: bool,
    /// PostgreSQL: after `upgrade` / `downgrade`, wait until these streaming replicas
    /// (`application_name` in `pg_stat_replication`) have replayed it; empty or `["*"]`: every
    /// replica streaming when the wait begins; `None` (default): do not wait.
    pub wait_for_replicas: Option<Vec<String>>,
    /// How long to wait for them ([`RunError::ReplicasBehind`] after); default 60 s.
    pub replica_timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            version_table: QName::new("retort_version"),
            lock_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            statement_timeout: Duration::from_secs(600),
            transaction_per_migration: true,
            wait_for_replicas: None,
            replica_timeout: Duration::from_secs(60),
        }
    }
}

impl RunOptions {
    /// The timeouts of these options, for [`Db::connect_with`].
    pub fn timeouts(&self) -> Timeouts {
        Timeouts {
            connect: self.connect_timeout,
            lock: self.lock_timeout,
            statement: self.statement_timeout,
        }
        .clamped()
    }
}

/// Progress of a run, for the command line or a log.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A migration starts.
    Applying {
        revision: String,
        direction: Direction,
        message: String,
    },
    /// A statement is about to run (migration statements and version-table writes).
    Statement { sql: String, comment: String },
    /// A statement that cannot run inside a transaction: what came before it was committed,
    /// it runs on its own, and a new transaction begins after it.
    AutocommitSplit { revision: String, sql: String },
    /// A migration and its version-table change are committed.
    Applied {
        revision: String,
        direction: Direction,
    },
    /// Anything else worth telling the user.
    Note(String),
    /// A table a migration is about to change differs in the database from what the history
    /// says (changed by hand): the migration's SQL is planned against the database.
    Drift {
        revision: String,
        table: String,
        /// What the database has that the history does not, as changes from the history.
        differences: String,
    },
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The revisions whose `upgrade()` (or `downgrade()`) ran, in order. For `stamp`: the
    /// version table's rows afterwards.
    pub applied: Vec<String>,
}

/// The version table's rows (the applied heads), sorted; empty if the table does not exist.
pub async fn current(db: &mut Db, opts: &RunOptions) -> Result<Vec<String>, RunError> {
    let b = backend(db.dialect());
    bounded(&opts.timeouts(), async {
        if !table_exists(db, &opts.version_table).await? {
            return Ok(Vec::new());
        }
        let heads = read_heads(db, &opts.version_table).await?;
        if let Some(p) = progress::read_progress(db, &opts.version_table).await? {
            return Err(RunError::Interrupted {
                progress: Box::new(p),
                in_flight: None,
                version: heads,
            });
        }
        Ok(heads)
    })
    .await
    .map_err(|e| b.explain_busy(opts, e))
}

/// Runs every migration up to `target` (`head`, `heads`, a revision, `+N`, `label@head`, ...).
///
/// Takes the migration lock first (see the crate docs), then reads the version table and
/// plans from there, so concurrent `upgrade` processes apply each migration exactly once and
/// all succeed.
pub async fn upgrade(
    db: &mut Db,
    set: &MigrationSet,
    target: &str,
    opts: &RunOptions,
    events: &mut (dyn FnMut(Event) + Send),
) -> Result<Report, RunError> {
    let cmd = Command::Migrate(Direction::Up, target);
    run_command(db, set, opts, events, cmd).await
}

/// Runs `downgrade()` of every applied migration above `target` (`base`, a revision, `-N`,
/// `label@base`, ...).
pub async fn downgrade(
    db: &mut Db,
    set: &MigrationSet,
    target: &str,
    opts: &RunOptions,
    events: &mut (dyn FnMut(Event) + Send),
) -> Result<Report, RunError> {
    let cmd = Command::Migrate(Direction::Down, target);
    run_command(db, set, opts, events, cmd).await
}

/// Writes the version table as if `targets` were applied, without running migrations.
/// `purge` empties the table first (it may name revisions that no longer exist).
pub async fn stamp(
    db: &mut Db,
    set: &MigrationSet,
    targets: &[String],
    purge: bool,
    opts: &RunOptions,
    events: &mut (dyn FnMut(Event) + Send),
) -> Result<Report, RunError> {
    run_command(db, set, opts, events, Command::Stamp(targets, purge)).await
}

/// Accepts intended edits of applied scripts: for every applied revision whose script's
/// checksum differs from the one in the applied-migrations log, records the compiled-in
/// checksum (an `accept` row). No migration runs; the version table is unchanged.
/// [`Report::applied`] lists the accepted revisions.
pub async fn accept_edits(
    db: &mut Db,
    set: &MigrationSet,
    opts: &RunOptions,
    events: &mut (dyn FnMut(Event) + Send),
) -> Result<Report, RunError> {
    run_command(db, set, opts, events, Command::AcceptEdits).await
}

/// What [`resume`] does with an interrupted revision.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResumeMode {
    /// Run its remaining statements: the one in flight when the run stopped is compared with
    /// the live schema first (skipped when its effect is there, run when it is absent; refused
    /// when the schema cannot tell), then the version change is recorded and the marker
    /// cleared.
    Run,
    /// Its remaining statements were finished by hand: record the version change (and a log
    /// row) and clear the marker; no migration SQL runs.
    Finished,
    /// Its applied statements were undone by hand: clear the marker; the version table stays.
    Abandon,
}

/// Finishes (or settles) a revision interrupted on a database without transactional DDL
/// (MySQL/MariaDB), as its progress marker records it (see [`RunError::Interrupted`]).
/// [`Report::applied`] names the revision, or is empty when there was nothing to resume (a
/// [`Event::Note`] says so) or the marker was abandoned.
pub async fn resume(
    db: &mut Db,
    set: &MigrationSet,
    mode: ResumeMode,
    opts: &RunOptions,
    events: &mut (dyn FnMut(Event) + Send),
) -> Result<Report, RunError> {
    run_command(db, set, opts, events, Command::Resume(mode)).await
}

/// The progress marker of an interrupted revision, if any, and what the live schema says about
/// its statement in flight (`None` on PostgreSQL and SQLite, which never leave one).
pub async fn interrupted(
    db: &mut Db,
    set: &MigrationSet,
    opts: &RunOptions,
) -> Result<Option<(Progress, InFlight)>, RunError> {
    let map = set.revision_map()?;
    bounded(&opts.timeouts(), async {
        let Some(p) = progress::read_progress(db, &opts.version_table).await? else {
            return Ok(None);
        };
        let f = progress::assess(db, set, &map, &p, &opts.version_table)
            .await
            .unwrap_or_else(|e| InFlight::Unknown(e.to_string()));
        Ok(Some((p, f)))
    })
    .await
}

/// Connects to `url` and upgrades to every head with default options: for applications that
/// apply their embedded migrations at start-up. Works where the source tree is absent (a
/// deployed binary runs its compiled-in scripts); refuses with [`RunError::EditedScripts`] when
/// an applied script changed since it ran (see [`accept_edits`]).
pub async fn migrate_to_head(url: &str, set: &MigrationSet) -> Result<Report, RunError> {
    let opts = RunOptions::default();
    let mut db = Db::connect_with(url, &opts.timeouts()).await?;
    let r = upgrade(&mut db, set, "heads", &opts, &mut |_| {}).await;
    let c = db.close().await;
    let r = r?;
    c?;
    Ok(r)
}

enum Command<'a> {
    Migrate(Direction, &'a str),
    Stamp(&'a [String], bool),
    AcceptEdits,
    Resume(ResumeMode),
}

/// Applies `step`'s version-table change to `rows` (as the table will read after it); a change
/// that does not fit is [`RunError::VersionChange`].
pub(crate) fn apply_version_change(step: &Step, rows: &mut Vec<String>) -> Result<(), RunError> {
    step.version_change
        .apply(rows)
        .map_err(|message| RunError::VersionChange {
            revision: step.revision.clone(),
            message,
        })
}

async fn run_command(
    db: &mut Db,
    set: &MigrationSet,
    opts: &RunOptions,
    events: &mut (dyn FnMut(Event) + Send),
    cmd: Command<'_>,
) -> Result<Report, RunError> {
    set.check_fresh()?;
    let map = set.revision_map()?;
    let migrate = match cmd {
        Command::Migrate(direction, _) => Some(direction),
        _ => None,
    };
    if opts.wait_for_replicas.is_some() && migrate.is_some() && db.dialect() != Dialect::Postgres {
        return Err(RunError::Setting(format!(
            "wait_for_replicas (--wait-replicas) waits for PostgreSQL streaming replicas; this database is {}: remove the option (on a Galera cluster every node has each migration when it commits)",
            db.dialect()
        )));
    }
    let report = match through_squashed(db, set, &map, opts, events, &cmd).await? {
        Some(report) => report,
        None => {
            bounded(
                &opts.timeouts(),
                locked_run(db, set, &map, opts, events, cmd),
            )
            .await?
        }
    };
    if let Some(direction) = migrate {
        let done = match report.applied.as_slice() {
            [] => "the version table (this run applied nothing)".to_string(),
            a => format!("the {} of {}", direction_word(direction), a.join(", ")),
        };
        crate::replicas::wait(db, opts, &done, &mut |n| events(Event::Note(n)))
            .await
            .map_err(|e| match report.applied.is_empty() {
                true => e,
                false => RunError::Failed {
                    applied: report.applied.clone(),
                    source: Box::new(e),
                },
            })?;
    }
    Ok(report)
}

/// A database inside a squashed range (`crate::squashed`): the kept originals bring it to
/// the squashed revision (or, for a target only they know, all the way), under the lock as any
/// run; `Some(report)` when that was the whole command, `None` when the command is still to run
/// on `set`.
async fn through_squashed(
    db: &mut Db,
    set: &MigrationSet,
    map: &RevisionMap,
    opts: &RunOptions,
    events: &mut (dyn FnMut(Event) + Send),
    cmd: &Command<'_>,
) -> Result<Option<Report>, RunError> {
    let Command::Migrate(direction, target) = *cmd else {
        return Ok(None);
    };
    if set.squashed().is_none() {
        return Ok(None);
    }
    let heads = current(db, opts).await?;
    let Some(b) = crate::squashed::Bridge::find(set, map, &heads, direction, target)? else {
        return Ok(None);
    };
    events(Event::Note(b.note()));
    let goal = if b.originals_only { target } else { "heads" };
    let first = Command::Migrate(direction, goal);
    let report = bounded(
        &opts.timeouts(),
        locked_run(db, &b.originals, &b.map, opts, events, first),
    )
    .await?;
    if b.originals_only {
        return Ok(Some(report));
    }
    let rest = bounded(
        &opts.timeouts(),
        locked_run(
            db,
            set,
            map,
            opts,
            events,
            Command::Migrate(direction, target),
        ),
    )
    .await
    .map_err(|e| match e {
        RunError::Failed {
            mut applied,
            source,
        } => {
            let mut all = report.applied.clone();
            all.append(&mut applied);
            RunError::Failed {
                applied: all,
                source,
            }
        }
        e if !report.applied.is_empty() => RunError::Failed {
            applied: report.applied.clone(),
            source: Box::new(e),
        },
        e => e,
    })?;
    let mut applied = report.applied;
    applied.extend(rest.applied);
    Ok(Some(Report { applied }))
}

async fn locked_run(
    db: &mut Db,
    set: &MigrationSet,
    map: &RevisionMap,
    opts: &RunOptions,
    events: &mut (dyn FnMut(Event) + Send),
    cmd: Command<'_>,
) -> Result<Report, RunError> {
    let b = backend(db.dialect());
    let lock = b.lock(db, opts).await?;
    for n in lock.notes() {
        events(Event::Note(n.clone()));
    }
    let mut ex = Exec {
        lock: &lock,
        d: db.dialect(),
        b,
        applied: Vec::new(),
        db,
        set,
        map,
        opts,
        events,
        in_tx: false,
        state: Schema::default(),
        live: None,
        in_sync: BTreeSet::new(),
        fk: Default::default(),
        progress_table: false,
        armed: None,
        queued: Vec::new(),
        deferred: None,
        held: None,
    };
    let r = ex.locked(cmd).await;
    if r.is_err() && ex.in_tx {
        let _ = ex.rollback().await;
    }
    let applied = std::mem::take(&mut ex.applied);
    let r = match r {
        Err(e) => {
            let e = explain_wait(b, db, opts, e).await;
            // What the run applied before it failed travels with the error.
            Err(if applied.is_empty() {
                e
            } else {
                RunError::Failed {
                    applied,
                    source: Box::new(e),
                }
            })
        }
        ok => ok,
    };
    let u = b.unlock(db, lock).await;
    let report = r?;
    u?;
    Ok(report)
}

/// The PostgreSQL advisory lock key of a version table.
pub fn pg_lock_key(version_table: &QName) -> i64 {
    crate::backend::postgres::pg_lock_key(version_table)
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

// ----- execution ------------------------------------------------------------------------

struct Exec<'a> {
    db: &'a mut Db,
    /// The migration lock held (kept alive by [`crate::backend::Lock::heartbeat`]).
    lock: &'a crate::backend::Lock,
    set: &'a MigrationSet,
    map: &'a RevisionMap,
    opts: &'a RunOptions,
    events: &'a mut (dyn FnMut(Event) + Send),
    d: Dialect,
    /// What this database does its own way.
    b: &'static dyn Backend,
    /// The revisions applied (committed) so far by this run.
    applied: Vec<String>,
    in_tx: bool,
    /// The schema the history says the statements run so far leave (replayed, then carried
    /// forward): what [`Exec::live`] is compared with to report drift.
    state: Schema,
    /// The database's schema as the statements run so far leave it (introspected, then
    /// carried forward), which every operation's SQL is planned against; `None` until first
    /// needed, and again after a step the carried-forward schema cannot follow (raw SQL, a
    /// Rust hook, migrations another process applied).
    live: Option<Schema>,
    /// The tables whose live shape was compared with the history's since the live schema was
    /// last read and found to agree: both sides are then carried forward by the same
    /// operations, so they still agree (no other process changes them while the run holds the
    /// lock) and are not compared again.
    in_sync: BTreeSet<QName>,
    /// SQLite: the tables the open transaction changed, for its foreign-key check.
    fk: crate::fk_scope::FkScope,
    /// MySQL/MariaDB: the progress table is known to exist.
    progress_table: bool,
    /// MySQL/MariaDB: the marker of the next revision, written with the previous revision's
    /// record (same commit) so that the next revision's first statement goes without a marker
    /// write of its own; taken when that statement is sent, deleted if the revision stops
    /// before it (see [`Exec::arm`]).
    armed: Option<Armed>,
    /// SQLite: statements of the open transaction not sent yet; they go in one round trip
    /// ([`Exec::flush`]) before anything reads the database, and with the migration's
    /// version-table writes and log row.
    queued: Vec<Queued>,
    /// MySQL/MariaDB: the migration's last statement, not sent yet: it goes in the round trip
    /// of the migration's record ([`Exec::record`]), ahead of the record's transaction.
    deferred: Option<Deferred>,
    /// PostgreSQL, one transaction for the whole run: the records of the revisions run since
    /// the transaction began, written just before it commits ([`Exec::write_held`]).
    held: Option<Held>,
}

/// Records held until the transaction commits (PostgreSQL, `transaction_per_migration =
/// false`). Inside the transaction no one else sees the version table between revisions, and
/// a failure rolls the records back with the rest; so the version table moves once, from the
/// rows the transaction began with to the rows the last revision leaves, and the log rows go
/// in one INSERT: each revision costs the round trips of its own statements only.
struct Held {
    /// The version table's rows when the transaction began (or the held records were last
    /// written).
    from: Vec<String>,
    /// Its rows once the revisions run since are recorded.
    to: Vec<String>,
    /// Their log rows ([`crate::backend::log_values_sql`]), in order.
    log: Vec<String>,
    /// The last of them.
    revision: String,
}

/// MySQL/MariaDB: a migration's last statement, sent in one round trip with its record (the
/// server stops a batch at its first failing statement: the record runs only if it ran).
struct Deferred {
    /// The progress-marker write sent before it, where none was armed for it.
    marker: Option<String>,
    /// That write inserts the revision's marker: its failure is its own.
    inserting: bool,
    sql: String,
    at: StatementAt,
    /// The migration's statements applied before it.
    done: Vec<String>,
}

/// A statement waiting in [`Exec::queued`].
struct Queued {
    sql: String,
    /// The comment of its [`Event::Statement`], sent when it runs.
    comment: String,
    /// What its failure is.
    failure: Failure,
}

/// How a queued statement's failure is reported.
enum Failure {
    /// A statement of a migration: [`RunError::Statement`] (or [`RunError::Waited`]).
    Statement(Box<StatementAt>),
    /// The runner's own write (version table, log); `checked`: must change exactly one row.
    Write { revision: String, checked: bool },
}

/// Where a migration's statement stands, for its error.
struct StatementAt {
    revision: String,
    dir: &'static str,
    /// Its number in the migration (1-based).
    number: usize,
    table: Option<String>,
    rows_before: Vec<String>,
    committed: Vec<String>,
    whole_tx: bool,
    /// MySQL/MariaDB: the statement goes in one round trip with its revision's record and
    /// that record's COMMIT, which leaves the version table at these rows.
    recorded_with: Option<Vec<String>>,
}

/// A revision's marker written ahead ([`Exec::arm`]) and the plan it was made from.
struct Armed {
    progress: Progress,
    /// Its statements as planned then (taken by the revision's run, which sends them).
    plan: Option<progress::PlannedSteps>,
}

/// MySQL/MariaDB's ER_BAD_NULL_ERROR: a guarded log row was refused ([`crate::backend::LogRow::guard`]).
fn is_null_refused(e: &RunError) -> bool {
    e.db_error()
        .and_then(|x| x.code())
        .is_some_and(|c| c == "1048")
}

/// The version table's rows once `step` is recorded (sorted), from the rows before it.
fn rows_after(step: &Step, rows_before: &[String]) -> Result<Vec<String>, RunError> {
    let mut rows = rows_before.to_vec();
    step.version_change
        .apply(&mut rows)
        .map_err(|message| RunError::VersionChange {
            revision: step.revision.clone(),
            message,
        })?;
    rows.sort();
    Ok(rows)
}

impl Exec<'_> {
    fn transactional(&self) -> bool {
        self.b.transactional()
    }

    async fn locked(&mut self, cmd: Command<'_>) -> Result<Report, RunError> {
        if !table_exists(self.db, &self.opts.version_table).await? {
            let sql = create_version_table(&self.opts.version_table, self.d);
            if let Err(e) = self.db.execute(&sql).await {
                return Err(self.b.explain_busy(self.opts, e));
            }
        }
        self.ensure_log().await?;
        if !self.transactional() {
            // A revision interrupted before (its progress marker): only `resume` goes on.
            if !matches!(cmd, Command::Resume(_)) {
                if let Some(p) = progress::read_progress(self.db, &self.opts.version_table).await? {
                    return Err(self.interrupted_error(p).await);
                }
            }
        }
        match cmd {
            Command::Migrate(dir, target) => self.migrate(dir, target).await,
            Command::Stamp(targets, purge) => self.stamp(targets, purge).await,
            Command::AcceptEdits => self.accept_edits().await,
            Command::Resume(mode) => self.resume(mode).await,
        }
    }

    async fn begin(&mut self, revision: &str) -> Result<(), RunError> {
        if !self.transactional() {
            return Ok(());
        }
        let _ = revision;
        if let Err(e) = self.b.begin(self.db).await {
            return Err(self.b.explain_busy(self.opts, e));
        }
        self.in_tx = true;
        Ok(())
    }

    async fn commit(&mut self, revision: &str) -> Result<(), RunError> {
        if !self.in_tx {
            return Ok(());
        }
        self.flush().await?;
        self.write_held().await?;
        // SQLite: the foreign-key check scoped to what this transaction touched (old
        // violations elsewhere are notes), before the backend commits.
        if self.d == Dialect::Sqlite {
            match self.fk.check(self.db, revision).await? {
                Ok(notes) => notes
                    .into_iter()
                    .for_each(|n| (self.events)(Event::Note(n))),
                Err(e) => {
                    self.rollback().await?;
                    return Err(e);
                }
            }
        }
        let r = self.b.commit(self.db, revision).await;
        if matches!(r, Ok(()) | Err(RunError::ForeignKeyViolation { .. })) {
            // Committed, or rolled back by the backend.
            self.in_tx = false;
        }
        self.fk.reset();
        r
    }

    async fn rollback(&mut self) -> Result<(), RunError> {
        self.in_tx = false;
        self.fk.reset();
        self.queued.clear();
        if let Some(h) = &mut self.held {
            h.to = h.from.clone();
            h.log.clear();
        }
        self.b.rollback(self.db).await
    }

    async fn migrate(&mut self, dir: Direction, target: &str) -> Result<Report, RunError> {
        let per_migration = self.opts.transaction_per_migration;
        let whole_tx = self.transactional() && !per_migration;
        if whole_tx {
            self.begin("").await?;
        }
        let heads = read_heads(self.db, &self.opts.version_table).await?;
        if whole_tx && self.d != Dialect::Sqlite {
            // SQLite queues its records with the statements already (in-process, no round
            // trip to save).
            let rows = sorted(&heads);
            self.held = Some(Held {
                from: rows.clone(),
                to: rows,
                log: Vec::new(),
                revision: String::new(),
            });
        }
        let plan = match dir {
            Direction::Up => self.map.upgrade_plan(&heads, target),
            Direction::Down => self.map.downgrade_plan(&heads, target),
        }?;
        self.verify_edits(dir, &heads).await?;
        self.state = self.set.replay_lenient(self.map, &heads, self.d)?;

        // The version table's rows before each step (and after the last).
        let mut rows_before = vec![heads.clone()];
        let mut rows = heads.clone();
        for step in &plan {
            apply_version_change(step, &mut rows)?;
            rows_before.push(rows.clone());
        }
        if plan.is_empty() {
            (self.events)(Event::Note(format!(
                "nothing to do: the database is at {}",
                show_rows(&heads)
            )));
        }

        let mut applied = Vec::new();
        let mut i = 0;
        while i < plan.len() {
            let step = &plan[i];
            if self.transactional() && per_migration {
                self.begin(&step.revision).await?;
            }
            // Re-read under the write lock where the lock is this transaction (SQLite):
            // another process may have applied steps since the plan was made. Elsewhere the
            // run's lock keeps other runs out, and each version write checks the row it
            // changes.
            if self.transactional() && per_migration && matches!(self.lock, Lock::None) {
                let now = read_heads(self.db, &self.opts.version_table).await?;
                if now != sorted(&rows_before[i]) {
                    let Some(j) =
                        (i + 1..rows_before.len()).find(|&j| sorted(&rows_before[j]) == now)
                    else {
                        return Err(RunError::ChangedWhileWaiting {
                            expected: rows_before[i].clone(),
                            found: now,
                        });
                    };
                    self.commit(&step.revision).await?;
                    let skipped: Vec<String> =
                        plan[i..j].iter().map(|s| s.revision.clone()).collect();
                    (self.events)(Event::Note(format!(
                        "another process applied {} meanwhile",
                        skipped.join(", ")
                    )));
                    for s in &plan[i..j] {
                        self.advance_state(s)?;
                    }
                    i = j;
                    continue;
                }
            }
            let next = plan.get(i + 1).map(|n| (n, rows_before[i + 1].as_slice()));
            self.run_step(step, &rows_before[i], whole_tx, next).await?;
            if self.transactional() && per_migration {
                self.commit(&step.revision).await?;
            }
            (self.events)(Event::Applied {
                revision: step.revision.clone(),
                direction: step.direction,
            });
            applied.push(step.revision.clone());
            if !whole_tx {
                // Committed (or, MySQL/MariaDB, applied statement by statement): it stays.
                self.applied.push(step.revision.clone());
            }
            i += 1;
        }
        if whole_tx {
            self.commit("").await?;
        }
        Ok(Report { applied })
    }

    /// Carries the replayed state over a step another process ran (the live schema is read
    /// again).
    fn advance_state(&mut self, step: &Step) -> Result<(), RunError> {
        let m = self.set.script(&step.revision)?.migration(step.direction);
        for op in m.ops() {
            let _ = apply_op(op, &mut self.state, Some(self.d));
        }
        self.live = None;
        Ok(())
    }

    /// The live schema (read once, then carried forward; read again after opaque steps).
    /// If the database cannot be read (catalog permissions, a definition introspection does
    /// not understand), the run goes on against the history's replay, as offline, with a note.
    async fn live(&mut self) -> Result<&Schema, RunError> {
        if self.live.is_none() {
            // The database as the statements so far leave it.
            self.flush().await?;
            self.in_sync.clear();
            // A failed catalog query aborts a PostgreSQL transaction: fence it.
            let fenced = self.in_tx && self.b.fence_catalog_reads();
            if fenced {
                self.db.execute("SAVEPOINT retort_introspect").await?;
            }
            let read = crate::live::read(self.db, &self.opts.version_table).await;
            if fenced {
                let end = if read.is_ok() {
                    "RELEASE SAVEPOINT retort_introspect"
                } else {
                    "ROLLBACK TO SAVEPOINT retort_introspect"
                };
                self.db.execute(end).await?;
            }
            let s = match read {
                Ok(mut s) => {
                    crate::live::reconcile(&mut s, &self.state, self.d);
                    s
                }
                Err(e) => {
                    (self.events)(Event::Note(format!(
                        "cannot read the database's schema ({e}); the SQL is planned against the history instead, which may not match a database changed by hand"
                    )));
                    self.state.clone()
                }
            };
            self.live = Some(s);
        }
        Ok(self.live.get_or_insert_with(Schema::default))
    }

    /// A table created, dropped or renamed is compared again when next touched.
    fn forget_sync(&mut self, op: &retort_schema::Op) {
        use retort_schema::Op;
        if matches!(
            op,
            Op::CreateTable(_) | Op::DropTable { .. } | Op::RenameTable { .. }
        ) {
            for q in crate::live::op_tables(op) {
                self.in_sync.remove(&q);
            }
        }
    }

    /// Reports the tables `m` changes whose live shape differs from the history's.
    async fn report_drift(&mut self, revision: &str, m: &crate::Migration) -> Result<(), RunError> {
        let d = self.d;
        self.live().await?;
        let Some(live) = self.live.as_ref() else {
            return Ok(());
        };
        let mut found: Vec<(QName, String)> = Vec::new();
        for q in crate::live::touched(m.ops().into_iter(), live) {
            if self.in_sync.contains(&q) {
                continue;
            }
            match crate::live::drift(live, &self.state, &q, d) {
                Some(x) => found.push((q, x)),
                None => {
                    self.in_sync.insert(q);
                }
            }
        }
        for (q, differences) in found {
            (self.events)(Event::Drift {
                revision: revision.to_string(),
                table: q.to_string(),
                differences,
            });
        }
        Ok(())
    }

    fn consequence(&self, rows_before: &[String], committed: &[String], whole_tx: bool) -> String {
        let mut s = if whole_tx {
            "The whole run was rolled back (transaction_per_migration = false): the database and the version table are as before it.".to_string()
        } else {
            format!(
                "The migration was rolled back: the database and the version table are as before it ({}).",
                show_rows(rows_before)
            )
        };
        if !committed.is_empty() {
            s.push_str(
                "\nExcept these statements, committed before a statement that runs outside a transaction:",
            );
            for c in committed {
                s.push_str(&format!("\n  - {c}"));
            }
        }
        s
    }

    /// Runs one migration and records it.
    async fn run_step(
        &mut self,
        step: &Step,
        rows_before: &[String],
        whole_tx: bool,
        next: Option<(&Step, &[String])>,
    ) -> Result<(), RunError> {
        let started = (Instant::now(), SystemTime::now());
        let r = self.run_before_record(step, rows_before, whole_tx).await;
        if r.is_ok() && self.in_tx && self.held.is_some() {
            let to = rows_after(step, rows_before)?;
            let values = applied_log::log_values(
                self.set,
                &step.revision,
                LogKind::of(step.direction),
                Elapsed::Measured(started.0.elapsed()),
                false,
                self.d,
            )?;
            if let Some(h) = &mut self.held {
                h.to = to;
                h.log.push(values);
                h.revision = step.revision.clone();
            }
            return Ok(());
        }
        if let Err(e) = r {
            if self.armed.take().is_some() {
                // Its marker was written with the previous revision's record, but none of its
                // statements was sent: nothing of it ran, there is nothing to resume.
                let sql = progress::delete_sql(&self.opts.version_table, self.d);
                let _ = self.db.execute(&sql).await;
            }
            return Err(e);
        }
        let prepared = async {
            let writes = version_writes(&step.version_change, &self.opts.version_table, self.d)?;
            let arm = match next {
                Some((n, before)) => self.arm(n, before).await?,
                None => None,
            };
            Ok::<_, RunError>((writes, arm))
        }
        .await;
        let (writes, arm) = match prepared {
            Ok(x) => x,
            Err(e) => {
                if let Some(d) = self.deferred.take() {
                    if d.done.is_empty() && d.marker.is_none() {
                        // Its armed marker names its first statement, which was not sent.
                        let sql = progress::delete_sql(&self.opts.version_table, self.d);
                        let _ = self.db.execute(&sql).await;
                    }
                }
                return Err(e);
            }
        };
        let marker = arm.as_ref().map(|a| &a.progress);
        self.record(
            &step.revision,
            step.direction,
            writes,
            Some(started),
            marker,
        )
        .await?;
        self.armed = arm;
        Ok(())
    }

    /// [`Exec::run_step`]'s migration, up to its record.
    async fn run_before_record(
        &mut self,
        step: &Step,
        rows_before: &[String],
        whole_tx: bool,
    ) -> Result<(), RunError> {
        let rows_after = rows_after(step, rows_before)?;
        self.lock.heartbeat(self.db).await?;
        self.run_migration(
            &step.revision,
            step.direction,
            rows_before,
            &rows_after,
            whole_tx,
            None,
        )
        .await
    }

    /// MySQL/MariaDB: the progress marker of `next` (whose version-table rows before it are
    /// `before`), to be written in the same transaction as the record of the revision that ran
    /// before it. Its first statement, planned now against the live schema as that revision
    /// leaves it, is marked in flight: the marker then says exactly what a crash between the two
    /// revisions left (that statement not run), and the revision's first statement goes without
    /// a marker write (a commit) of its own. `None` where the plan cannot be made now (the live
    /// schema must be read again first, the next revision has no statement, or it does not
    /// render): the revision then writes its marker itself.
    async fn arm(&mut self, next: &Step, before: &[String]) -> Result<Option<Armed>, RunError> {
        if self.transactional() {
            return Ok(None);
        }
        let Some(live) = self.live.as_ref() else {
            return Ok(None);
        };
        let script = self.set.script(&next.revision)?;
        let m = script.migration(next.direction);
        let Ok(planned) = progress::plan_steps(&m, self.d, live) else {
            return Ok(None);
        };
        let Some(first) = planned.first_sql().map(str::to_string) else {
            return Ok(None);
        };
        let Ok(after) = rows_after(next, before) else {
            return Ok(None);
        };
        let p = Progress {
            revision: next.revision.clone(),
            direction: next.direction,
            statements_total: planned.count(),
            statements_done: 0,
            statement: Some(first),
            checksum: applied_log::checksum_hex(script.hash()),
            version_before: before.to_vec(),
            version_after: after,
            started_at: String::new(),
        };
        self.ensure_progress_table().await?;
        Ok(Some(Armed {
            progress: p,
            plan: Some(planned),
        }))
    }

    /// MySQL/MariaDB: the progress table, created by the first revision that needs it, once
    /// per run.
    async fn ensure_progress_table(&mut self) -> Result<(), RunError> {
        if !self.progress_table {
            let sql = progress::create_sql(&self.opts.version_table, self.d);
            self.db.execute(&sql).await?;
            self.progress_table = true;
        }
        Ok(())
    }

    /// Runs the statements of one migration (on MySQL/MariaDB, with its progress marker).
    /// `resume`: how many of its statements (and Rust steps) an interrupted run completed;
    /// they are not run again.
    async fn run_migration(
        &mut self,
        rev: &str,
        direction: Direction,
        rows_before: &[String],
        rows_after: &[String],
        whole_tx: bool,
        resume: Option<usize>,
    ) -> Result<(), RunError> {
        let rev = rev.to_string();
        let dir = direction_word(direction);
        let script = self.set.script(&rev)?;
        let header = script.header()?;
        (self.events)(Event::Applying {
            revision: rev.clone(),
            direction,
            message: header.message.clone(),
        });
        let m = script.migration(direction);
        // Resuming: the database is part way through the migration, so its statements are
        // planned against the history's replay up to the first one that runs; the live schema
        // is read after that operation.
        let mut behind = resume.is_some();
        let skip = resume.unwrap_or(0);
        if !behind {
            self.report_drift(&rev, &m).await?;
        }
        let plan_state = match (&self.live, behind) {
            (Some(live), false) => live,
            _ => &self.state,
        };
        let vt = self.opts.version_table.clone();
        let marker = !self.transactional();
        // Every operation rendered before the first statement runs: one that cannot be
        // rendered stops the revision before any of it ran, which matters on MySQL/MariaDB.
        // Armed by the previous revision's record: planned then, against this same live
        // schema (the marker is armed only when the live schema is known and carried).
        let armed = self.armed.as_mut().filter(|a| {
            marker
                && resume.is_none()
                && a.progress.revision == rev
                && a.progress.direction == direction
        });
        // The statements planned, sent as they are while the live schema the plan carried
        // forward is the one the run carries (not resuming, not after a step that makes the run
        // read the database again): each operation rendered once.
        let mut cached: Option<progress::PlannedSteps> = None;
        // The first statement (or Rust step) the armed marker names as in flight.
        let mut armed_first: Option<String> = None;
        let total = match armed {
            Some(a) => {
                cached = a.plan.take();
                armed_first = a.progress.statement.clone();
                a.progress.statements_total
            }
            None => {
                let planned = progress::plan_steps(&m, self.d, plan_state).map_err(|source| {
                    RunError::Render {
                        revision: rev.clone(),
                        direction: dir,
                        source,
                    }
                })?;
                let total = planned.count();
                if !behind && self.live.is_some() {
                    cached = Some(planned);
                }
                total
            }
        };
        if armed_first.is_none() && self.armed.take().is_some() {
            // Armed for another revision: replaced.
            self.db.execute(&progress::delete_sql(&vt, self.d)).await?;
        }
        // MySQL/MariaDB: the marker, inserted with the first statement (or Rust step), unless
        // the previous revision's record wrote it (`armed`, planned the same way: then the
        // first statement is sent alone if it is the one the marker names).
        let mut first_marker = None;
        if marker && resume.is_none() && armed_first.is_none() {
            self.ensure_progress_table().await?;
            let p = Progress {
                revision: rev.clone(),
                direction,
                statements_total: total,
                statements_done: 0,
                statement: None,
                checksum: applied_log::checksum_hex(script.hash()),
                version_before: rows_before.to_vec(),
                version_after: rows_after.to_vec(),
                started_at: String::new(),
            };
            first_marker = Some(p);
        }
        // Statements and Rust steps of this migration reached so far (1-based once counted).
        let mut number = 0usize;
        // Statements of this migration that ran (MySQL: they stay applied on failure).
        let mut done: Vec<String> = Vec::new();
        // Statements committed by an autocommit split.
        let mut committed: Vec<String> = Vec::new();
        for (step, s) in m.steps().iter().enumerate() {
            match s {
                MigrationStep::Op(op) => {
                    let d = self.d;
                    if self.in_tx && d == Dialect::Sqlite {
                        if matches!(op, retort_schema::Op::Sql(_)) {
                            self.flush().await?;
                            self.fk.before_opaque(self.db, &rev).await?;
                        }
                        self.fk.op(&rev, op);
                    }
                    let planned = match &mut cached {
                        Some(c) if !behind && self.live.is_some() => c.take(step),
                        _ => None,
                    };
                    let rendered = match planned {
                        Some(stmts) => Ok(stmts),
                        None => {
                            // The run reads the database again from here on: render as it goes.
                            cached = None;
                            if behind {
                                render(op, d, &self.state)
                            } else {
                                render(op, d, self.live().await?)
                            }
                        }
                    };
                    let stmts = rendered.map_err(|source| RunError::Render {
                        revision: rev.clone(),
                        direction: dir,
                        source,
                    })?;
                    let last = stmts.len();
                    // MySQL/MariaDB: the migration's last statement goes with its record.
                    let defer = marker
                        && resume.is_none()
                        && step + 1 == m.steps().len()
                        && !matches!(op, retort_schema::Op::Sql(_));
                    for (k, st) in stmts.into_iter().enumerate() {
                        number += 1;
                        if number <= skip {
                            // Done by the interrupted run.
                            done.push(st.sql.clone());
                            continue;
                        }
                        let outside = st.autocommit && self.transactional();
                        // SQLite, inside the transaction: queued, sent in one round trip with
                        // the rest (raw SQL runs alone: it may hold several statements).
                        let queue = self.in_tx
                            && d == Dialect::Sqlite
                            && !outside
                            && !matches!(op, retort_schema::Op::Sql(_));
                        if outside {
                            if self.in_tx {
                                self.commit(&rev).await?;
                                committed.append(&mut done);
                            }
                            (self.events)(Event::AutocommitSplit {
                                revision: rev.clone(),
                                sql: st.sql.clone(),
                            });
                        } else if !queue {
                            (self.events)(Event::Statement {
                                sql: st.sql.clone(),
                                comment: st.comment.clone(),
                            });
                        }
                        self.lock.heartbeat(self.db).await?;
                        let at = || StatementAt {
                            revision: rev.clone(),
                            dir,
                            number: done.len() + committed.len() + 1,
                            table: op.table().map(|t| t.to_string()),
                            rows_before: rows_before.to_vec(),
                            committed: committed.clone(),
                            whole_tx,
                            recorded_with: None,
                        };
                        let r = if queue {
                            self.queued.push(Queued {
                                sql: st.sql.clone(),
                                comment: st.comment.clone(),
                                failure: Failure::Statement(Box::new(at())),
                            });
                            Ok(())
                        } else if marker {
                            // MySQL/MariaDB: the marker of statement `number` in the same round
                            // trip, run first; its failure is that statement's (a failed
                            // first INSERT is the marker's own).
                            let inserting = first_marker.is_some();
                            self.armed = None;
                            // Its marker is written (armed): the statement alone.
                            let m = (number != 1
                                || armed_first.as_deref() != Some(st.sql.as_str()))
                            .then(|| {
                                progress::before_sql(&mut first_marker, number, &st.sql, &vt, d)
                            });
                            if defer && k + 1 == last {
                                self.deferred = Some(Deferred {
                                    marker: m,
                                    inserting,
                                    sql: st.sql,
                                    at: StatementAt {
                                        recorded_with: Some(rows_after.to_vec()),
                                        ..at()
                                    },
                                    done: std::mem::take(&mut done),
                                });
                                continue;
                            }
                            match m {
                                None => self.db.execute(&st.sql).await.map(|_| ()),
                                Some(m) => match self.db.execute_batch(&[&m, &st.sql]).await {
                                    Ok(_) => Ok(()),
                                    Err(b) if b.done == 0 && inserting => return Err(b.error),
                                    Err(b) => Err(b.error),
                                },
                            }
                        } else {
                            self.flush().await?;
                            self.db.execute(&st.sql).await.map(|_| ())
                        };
                        if let Err(e) = r {
                            return Err(self.failed(e, &at(), &st.sql, done).await);
                        }
                        if outside {
                            committed.push(st.sql.clone());
                            self.begin(&rev).await?;
                        } else {
                            done.push(st.sql.clone());
                        }
                    }
                    let _ = apply_op(op, &mut self.state, Some(self.d));
                    self.forget_sync(op);
                    if behind {
                        if number >= skip {
                            behind = false;
                        }
                        self.live = None;
                        continue;
                    }
                    let renames = match op {
                        retort_schema::Op::RenameTable { .. } => true,
                        retort_schema::Op::AlterColumn(a) => a.new_name.is_some(),
                        _ => false,
                    };
                    if matches!(op, retort_schema::Op::Sql(_))
                        || (renames && self.b.rename_rewrites_sql())
                    {
                        // Opaque, or SQLite rewrote the SQL of the triggers and views that
                        // name what was renamed: read the database again before the next
                        // operation.
                        self.live = None;
                    } else if let Some(live) = &mut self.live {
                        if apply_op(op, live, Some(self.d)).is_err() {
                            self.live = None;
                        }
                    }
                }
                MigrationStep::Run(hook) => {
                    self.live = None;
                    number += 1;
                    if number <= skip {
                        done.push(progress::HOOK_TEXT.to_string());
                        continue;
                    }
                    behind = false;
                    // The hook uses the connection: what is queued runs first.
                    self.flush().await?;
                    if marker {
                        let written =
                            number == 1 && armed_first.as_deref() == Some(progress::HOOK_TEXT);
                        self.armed = None;
                        if !written {
                            let sql = progress::before_sql(
                                &mut first_marker,
                                number,
                                progress::HOOK_TEXT,
                                &vt,
                                self.d,
                            );
                            self.db.execute(&sql).await?;
                        }
                    }
                    if self.in_tx && self.d == Dialect::Sqlite {
                        self.fk.before_opaque(self.db, &rev).await?;
                    }
                    if let Err(e) = hook(self.db).await {
                        let consequence = if self.transactional() {
                            self.consequence(rows_before, &committed, whole_tx)
                        } else if done.is_empty() {
                            format!("No statement of this migration had run, but the Rust step may have written data. The version table stays at {}; the revision's progress is recorded: `retort resume` runs the step again, `retort resume --abandon` gives the revision up.", show_rows(rows_before))
                        } else {
                            format!(
                                "MySQL/MariaDB commit every DDL statement: these statements of {rev} had been applied and stay applied:\n  - {}\nThe version table stays at {}. The revision's progress is recorded: fix the cause, then `retort resume` runs its remaining steps (or finish by hand and `retort resume --finished`).",
                                done.join("\n  - "),
                                show_rows(rows_before)
                            )
                        };
                        return Err(RunError::Hook {
                            revision: rev.clone(),
                            direction: dir,
                            message: e.to_string(),
                            consequence,
                        });
                    }
                }
            }
        }
        Ok(())
    }

    /// Records a migration that ran: the version-table writes, the log row and (MySQL/MariaDB)
    /// the removal of its progress marker, in one transaction (on MySQL/MariaDB too: they are
    /// DML) and one round trip (SQLite: with the migration's queued statements), checked before
    /// the commit. `started`: when the migration started, for the log's duration.
    async fn record(
        &mut self,
        rev: &str,
        direction: Direction,
        writes: Vec<crate::backend::VersionWrite>,
        started: Option<(Instant, SystemTime)>,
        arm: Option<&Progress>,
    ) -> Result<(), RunError> {
        let rev = rev.to_string();
        let marker = !self.transactional();
        let queue = self.in_tx && self.d == Dialect::Sqlite;
        let duration = match started {
            None => Elapsed::None,
            // Written in one batch with the statements it times: the database counts.
            Some((_, at)) if queue => Elapsed::Since(at),
            Some((t, _)) => Elapsed::Measured(t.elapsed()),
        };
        let write = |sql: String, comment: &str, checked: bool| Queued {
            sql,
            comment: comment.into(),
            failure: Failure::Write {
                revision: rev.clone(),
                checked,
            },
        };
        // MySQL/MariaDB: the COMMIT goes in the same round trip where the server itself can
        // check the version writes before it: at most one must change one row, it comes last,
        // and the log row after it is refused unless it did (`LogRow::guard`); the batch then
        // stops before the COMMIT.
        let checked = writes.iter().filter(|w| w.checked).count();
        let last_checked = writes.last().is_some_and(|w| w.checked);
        let fold = marker && !queue && (checked == 0 || (checked == 1 && last_checked));
        let guard = fold && checked == 1;
        let mut items: Vec<Queued> = writes
            .into_iter()
            .map(|w| write(w.sql, "version table", w.checked))
            .collect();
        let log = self.log_sql(&rev, LogKind::of(direction), duration, guard)?;
        items.push(write(log, "applied-migrations log", false));
        let log_at = items.len() - 1;
        if marker {
            let sql = progress::delete_sql(&self.opts.version_table, self.d);
            items.push(write(sql, "progress marker", false));
            if let Some(p) = arm {
                let sql = progress::insert_sql(p, &self.opts.version_table, self.d);
                items.push(write(sql, "progress marker of the next revision", false));
            }
        }
        if queue {
            self.queued.extend(items);
            return self.flush().await;
        }
        for q in &items {
            self.emit(q);
        }
        // MySQL/MariaDB: the migration's last statement (and its marker write) first.
        let mut deferred = if marker { self.deferred.take() } else { None };
        if let Some(d) = deferred.as_mut().filter(|_| !fold) {
            // Its record commits in a round trip of its own.
            d.at.recorded_with = None;
        }
        let mut stmts: Vec<&str> = Vec::with_capacity(items.len() + 4);
        if let Some(d) = &deferred {
            stmts.extend(d.marker.as_deref());
            stmts.push(&d.sql);
        }
        let lead = stmts.len();
        if marker {
            stmts.push("BEGIN");
            self.in_tx = true;
        }
        stmts.extend(items.iter().map(|q| q.sql.as_str()));
        if fold {
            stmts.push("COMMIT");
        }
        let mut rows = match self.db.execute_batch(&stmts).await {
            Ok(rows) => rows,
            Err(b) if b.done < lead => {
                // The statement (or its marker write) failed: the record did not run.
                self.in_tx = false;
                let Some(d) = deferred else {
                    return Err(b.error);
                };
                return Err(self.deferred_failed(d, b.done, b.error).await);
            }
            Err(b) if guard && b.done == lead + 1 + log_at && is_null_refused(&b.error) => {
                // The guard: the version write before the log row did not change one row.
                let w = &items[log_at - 1];
                return Err(RunError::ConcurrentModification {
                    revision: rev,
                    table: self.opts.version_table.to_string(),
                    sql: w.sql.clone(),
                    rows: b.rows.last().copied().unwrap_or(0),
                });
            }
            Err(b) => return Err(b.error),
        };
        if fold {
            // Committed with the batch.
            rows.pop();
            self.in_tx = false;
        }
        self.check_writes(&items, &rows)?;
        if marker && !fold {
            self.commit(&rev).await?;
        }
        Ok(())
    }

    /// Writes the [`Held`] records, in one round trip inside the transaction, checked before
    /// it commits.
    async fn write_held(&mut self) -> Result<(), RunError> {
        let Some(h) = self.held.as_mut().filter(|h| !h.log.is_empty()) else {
            return Ok(());
        };
        let vt = &self.opts.version_table;
        let mut items: Vec<Queued> = crate::backend::net_version_writes(&h.from, &h.to, vt, self.d)
            .into_iter()
            .map(|w| Queued {
                sql: w.sql,
                comment: "version table".into(),
                failure: Failure::Write {
                    revision: h.revision.clone(),
                    checked: w.checked,
                },
            })
            .collect();
        items.push(Queued {
            sql: crate::backend::log_rows_sql(&h.log, vt, self.d),
            comment: "applied-migrations log".into(),
            failure: Failure::Write {
                revision: h.revision.clone(),
                checked: false,
            },
        });
        h.from = h.to.clone();
        h.log.clear();
        for q in &items {
            self.emit(q);
        }
        let stmts: Vec<&str> = items.iter().map(|q| q.sql.as_str()).collect();
        let rows = self.db.execute_batch(&stmts).await.map_err(|b| b.error)?;
        self.check_writes(&items, &rows)
    }

    /// The error of a [`Deferred`] statement that failed (`done`: the statements of its
    /// batch that ran), as if it had been sent alone.
    async fn deferred_failed(&mut self, d: Deferred, done: usize, e: RunError) -> RunError {
        if done == 0 && d.inserting {
            // The revision's own marker could not be written: nothing of the revision ran.
            return e;
        }
        self.failed(e, &d.at, &d.sql, d.done).await
    }

    /// The error of a migration's statement `sql` that failed with `e` (`done`: the
    /// migration's statements applied before it). MySQL/MariaDB: if the server answered with
    /// an error (refused or cancelled it), the statement did not run; if it was the revision's
    /// first, nothing of the revision is applied, and its marker is cleared: nothing to resume.
    async fn failed(
        &mut self,
        e: RunError,
        at: &StatementAt,
        sql: &str,
        done: Vec<String>,
    ) -> RunError {
        let not_run = e.db_error().and_then(|x| x.code()).is_some();
        if !self.transactional() && done.is_empty() && not_run {
            let sql = progress::delete_sql(&self.opts.version_table, self.d);
            let _ = self.db.execute(&sql).await;
        }
        self.statement_failed(e, at, sql, done)
    }

    /// The [`Event::Statement`] of a queued statement, sent when it runs.
    fn emit(&mut self, q: &Queued) {
        (self.events)(Event::Statement {
            sql: q.sql.clone(),
            comment: q.comment.clone(),
        });
    }

    /// The version-table writes among `items` that must change one row did; `rows`: the rows
    /// each statement of the batch affected, the items' being the last `items.len()`.
    fn check_writes(&self, items: &[Queued], rows: &[u64]) -> Result<(), RunError> {
        let Some(offset) = rows.len().checked_sub(items.len()) else {
            return Err(RunError::sql(
                &items
                    .iter()
                    .map(|q| q.sql.as_str())
                    .collect::<Vec<_>>()
                    .join(";\n"),
                format!(
                    "the database answered {} results for {} statements",
                    rows.len(),
                    items.len()
                ),
            ));
        };
        for (q, &n) in items.iter().zip(&rows[offset..]) {
            if let Failure::Write {
                revision,
                checked: true,
            } = &q.failure
            {
                if n != 1 {
                    return Err(RunError::ConcurrentModification {
                        revision: revision.clone(),
                        table: self.opts.version_table.to_string(),
                        sql: q.sql.clone(),
                        rows: n,
                    });
                }
            }
        }
        Ok(())
    }

    /// Sends the queued statements (SQLite) in one round trip, inside a savepoint. If one
    /// fails, the savepoint is rolled back and they run again one at a time, as without the
    /// batch, so that the failing statement is the one named, with its number in its migration
    /// and the events of the statements before it only.
    async fn flush(&mut self) -> Result<(), RunError> {
        const SAVEPOINT: &str = "SAVEPOINT retort_batch";
        const RELEASE: &str = "RELEASE retort_batch";
        if self.queued.is_empty() {
            return Ok(());
        }
        let queued = std::mem::take(&mut self.queued);
        let mut stmts: Vec<&str> = Vec::with_capacity(queued.len() + 2);
        stmts.push(SAVEPOINT);
        stmts.extend(queued.iter().map(|q| q.sql.as_str()));
        stmts.push(RELEASE);
        let b = match self.db.execute_batch(&stmts).await {
            Ok(rows) => {
                for q in &queued {
                    self.emit(q);
                }
                return self.check_writes(&queued, &rows[..rows.len().saturating_sub(1)]);
            }
            Err(b) if b.done == 0 || b.done > queued.len() => return Err(b.error),
            Err(b) => b,
        };
        if self.db.execute("ROLLBACK TO retort_batch").await.is_err() {
            // The failure ended the transaction (SQLite does on a full disk, an I/O error):
            // the statement is the one at the position the database reached.
            let q = &queued[b.done - 1];
            for q in &queued[..b.done] {
                self.emit(q);
            }
            return Err(self.queued_failed(q, b.error));
        }
        for q in &queued {
            self.emit(q);
            match self.db.execute(&q.sql).await {
                Ok(n) => self.check_writes(std::slice::from_ref(q), &[n])?,
                Err(e) => return Err(self.queued_failed(q, e)),
            }
        }
        self.db.execute(RELEASE).await?;
        Ok(())
    }

    /// The error of queued statement `q`.
    fn queued_failed(&self, q: &Queued, e: RunError) -> RunError {
        match &q.failure {
            Failure::Statement(at) => self.statement_failed(e, at, &q.sql, Vec::new()),
            Failure::Write { .. } => e,
        }
    }

    /// The error of a migration's statement `sql` that failed with `e`; `done`: the
    /// statements of the migration applied before it (MySQL/MariaDB: they stay).
    fn statement_failed(
        &self,
        e: RunError,
        at: &StatementAt,
        sql: &str,
        done: Vec<String>,
    ) -> RunError {
        if let Some(w) = self.waited(&e, at, sql, &done) {
            return w;
        }
        let source = e.into_db_error();
        if self.transactional() {
            RunError::Statement {
                revision: at.revision.clone(),
                direction: at.dir,
                sql: sql.to_string(),
                source,
                consequence: self.consequence(&at.rows_before, &at.committed, at.whole_tx),
            }
        } else {
            RunError::PartiallyApplied {
                revision: at.revision.clone(),
                direction: at.dir,
                applied: done,
                sql: sql.to_string(),
                source,
                version: at.rows_before.clone(),
            }
        }
    }

    async fn stamp(&mut self, targets: &[String], purge: bool) -> Result<Report, RunError> {
        self.begin("").await?;
        let heads = read_heads(self.db, &self.opts.version_table).await?;
        let t: Vec<&str> = targets.iter().map(String::as_str).collect();
        let plan = self.map.stamp_plan(&heads, &t, purge)?;
        if plan.purge {
            let sql = purge_version_table(&self.opts.version_table, self.d);
            (self.events)(Event::Statement {
                sql: sql.clone(),
                comment: "stamp --purge".into(),
            });
            self.db.execute(&sql).await?;
        }
        for change in &plan.changes {
            for w in version_writes(change, &self.opts.version_table, self.d)? {
                (self.events)(Event::Statement {
                    sql: w.sql.clone(),
                    comment: "stamp".into(),
                });
                let n = self.db.execute(&w.sql).await?;
                if w.checked && n != 1 {
                    return Err(RunError::ConcurrentModification {
                        revision: targets.join(", "),
                        table: self.opts.version_table.to_string(),
                        sql: w.sql,
                        rows: n,
                    });
                }
            }
        }
        let after = read_heads(self.db, &self.opts.version_table).await?;
        self.log_stamp(&heads, &after).await?;
        self.commit("").await?;
        let applied = read_heads(self.db, &self.opts.version_table).await?;
        Ok(Report { applied })
    }
}

// ----- bounded waits ----------------------------------------------------------------------

/// Completes a wait error once the failed transaction is rolled back: who holds the table
/// lock a statement waited for; SQLite busy errors as lock timeouts.
async fn explain_wait(b: &dyn Backend, db: &mut Db, opts: &RunOptions, e: RunError) -> RunError {
    match e {
        RunError::Waited {
            revision,
            direction,
            number,
            sql,
            kind: WaitKind::Lock,
            waited,
            reason,
            table,
            holders,
            consequence,
        } if holders.is_empty() => {
            let t = table.as_deref().map(QName::parse);
            let holders = b.table_lock_holders(db, t.as_ref()).await;
            RunError::Waited {
                revision,
                direction,
                number,
                sql,
                kind: WaitKind::Lock,
                waited,
                reason,
                table,
                holders,
                consequence,
            }
        }
        e => b.explain_busy(opts, e),
    }
}

impl Exec<'_> {
    /// The error of statement `number` of `rev` when it hit a bound (lock wait, statement
    /// time, no answer), with what the database is left in; `None` for other failures.
    fn waited(
        &self,
        e: &RunError,
        at: &StatementAt,
        sql: &str,
        done: &[String],
    ) -> Option<RunError> {
        let (rev, dir, number) = (at.revision.as_str(), at.dir, at.number);
        let (rows_before, committed) = (&at.rows_before[..], &at.committed[..]);
        let whole_tx = at.whole_tx;
        let t = self.opts.timeouts();
        let (kind, waited, reason) = match e {
            RunError::NoAnswer { waited, reason, .. } => {
                (WaitKind::NoAnswer, *waited, reason.clone())
            }
            _ => match e.db_error().and_then(classify_error)? {
                WaitKind::Lock => (
                    WaitKind::Lock,
                    t.lock,
                    self.b.lock_wait_setting().to_string(),
                ),
                WaitKind::Statement => (
                    WaitKind::Statement,
                    t.statement,
                    "statement_timeout".to_string(),
                ),
                WaitKind::NoAnswer => return None,
            },
        };
        let rt = t.round_trip().map(crate::limits::secs).unwrap_or_default();
        let consequence = match (kind, self.transactional()) {
            (WaitKind::NoAnswer, true) => {
                let mut s = format!(
                    "The migration's transaction was not committed. The server rolls it back when it ends the abandoned session: at once if the closed connection reaches it, at the latest after {rt} of silence (idle_in_transaction_session_timeout); until then that session keeps its locks, the migration lock included, and the next run names it. The version table stays at {}.",
                    show_rows(rows_before)
                );
                if !committed.is_empty() {
                    s.push_str("\nExcept these statements, committed before a statement that runs outside a transaction:");
                    for c in committed {
                        s.push_str(&format!("\n  - {c}"));
                    }
                }
                s
            }
            (WaitKind::NoAnswer, false) => {
                let mut s = String::from(
                    "MySQL/MariaDB commit every DDL statement on its own, so the migration is half-applied: ",
                );
                if done.is_empty() {
                    s.push_str("no statement of it had been applied before this one.");
                } else {
                    s.push_str(&format!(
                        "these {} statement(s) of {rev} had been applied and stay applied:",
                        done.len()
                    ));
                    for (i, a) in done.iter().enumerate() {
                        s.push_str(&format!("\n  {}. {a}", i + 1));
                    }
                }
                s.push_str(&match &at.recorded_with {
                    // Sent in one batch with the revision's record and its COMMIT.
                    Some(after) => format!(
                        "\nWhether statement {number} ran is unknown: the server may have received it and may still be running it, and the revision's record went in the same batch after it. The version table is at {} if the server stopped before the record's COMMIT, at {} if it ran the whole batch. The server closes the abandoned session one second after that (wait_timeout), which releases the migration lock. The progress marker beside the version table says which: the next run says where the revision stands, and `retort resume` checks any statement in doubt against the schema and runs what remains.",
                        show_rows(rows_before),
                        show_rows(after)
                    ),
                    None => format!(
                        "\nWhether statement {number} ran is unknown: the server may have received it and may still be running it. The version table stays at {}. The server closes the abandoned session one second after that (wait_timeout), which releases the migration lock. The revision's progress is recorded beside the version table: the next run says how far it got, and `retort resume` checks statement {number} against the schema and runs what remains.",
                        show_rows(rows_before)
                    ),
                });
                s
            }
            (_, true) => self.consequence(rows_before, committed, whole_tx),
            (_, false) => {
                let mut s = format!(
                    "Statement {number} was not applied (the server cancelled it). MySQL/MariaDB commit every DDL statement on its own: "
                );
                if done.is_empty() {
                    s.push_str(&format!(
                        "no statement of this migration had been applied before it, so nothing of it is applied. The version table stays at {}.",
                        show_rows(rows_before)
                    ));
                } else {
                    s.push_str(&format!(
                        "these {} statement(s) of {rev} had been applied and stay applied:",
                        done.len()
                    ));
                    for (i, a) in done.iter().enumerate() {
                        s.push_str(&format!("\n  {}. {a}", i + 1));
                    }
                    s.push_str(&format!(
                        "\nThe version table stays at {}. The revision's progress is recorded: `retort resume` runs its remaining statements when the lock is free (or finish it by hand and `retort resume --finished`, or undo the applied statements and `retort resume --abandon`).",
                        show_rows(rows_before)
                    ));
                }
                s
            }
        };
        Some(RunError::Waited {
            revision: rev.to_string(),
            direction: dir,
            number,
            sql: sql.to_string(),
            kind,
            waited,
            reason,
            table: at.table.clone(),
            holders: String::new(),
            consequence,
        })
    }
}

// ----- applied-migrations log -----------------------------------------------------------

impl Exec<'_> {
    /// Creates the log beside the version table if missing. A database already at some
    /// revisions (written by a retort without the log) gets a `baseline` row for each applied
    /// revision, so that later edits of those scripts are seen.
    async fn ensure_log(&mut self) -> Result<(), RunError> {
        let log = applied_log::log_table(&self.opts.version_table);
        if table_exists(self.db, &log).await? {
            return Ok(());
        }
        // SQLite: the check and the creation under the write lock (two processes, one baseline).
        self.begin("").await?;
        if !table_exists(self.db, &log).await? {
            let sql = crate::backend::create_log_table(&self.opts.version_table, self.d);
            (self.events)(Event::Statement {
                sql: sql.clone(),
                comment: "applied-migrations log".into(),
            });
            self.db.execute(&sql).await?;
            let heads = read_heads(self.db, &self.opts.version_table).await?;
            let applied = applied_log::applied_set(self.map, &heads);
            for rev in applied_log::in_order(self.map, &applied) {
                self.write_log(&rev, LogKind::Baseline).await?;
            }
        }
        self.commit("").await
    }

    /// One log row for `rev` (in the migration's transaction where the database has one).
    /// The log row of `rev`.
    /// `guard`: see [`crate::backend::LogRow::guard`].
    fn log_sql(
        &self,
        rev: &str,
        kind: LogKind,
        duration: Elapsed,
        guard: bool,
    ) -> Result<String, RunError> {
        let values = applied_log::log_values(self.set, rev, kind, duration, guard, self.d)?;
        Ok(crate::backend::log_rows_sql(
            &[values],
            &self.opts.version_table,
            self.d,
        ))
    }

    async fn write_log(&mut self, rev: &str, kind: LogKind) -> Result<(), RunError> {
        let sql = self.log_sql(rev, kind, Elapsed::None, false)?;
        (self.events)(Event::Statement {
            sql: sql.clone(),
            comment: "applied-migrations log".into(),
        });
        self.db.execute(&sql).await?;
        Ok(())
    }

    /// Before a run: an upgrade refuses when an applied script changed since it ran; a
    /// downgrade (which runs the scripts' current `downgrade()`) says so and goes on.
    async fn verify_edits(&mut self, dir: Direction, heads: &[String]) -> Result<(), RunError> {
        let log = applied_log::read_log(self.db, self.opts).await?;
        let m = applied_log::mismatches(self.set, self.map, heads, &log);
        if m.is_empty() {
            return Ok(());
        }
        match dir {
            Direction::Up => Err(RunError::EditedScripts(m)),
            Direction::Down => {
                for x in &m {
                    (self.events)(Event::Note(format!(
                        "revision {} ({}) changed since it ran (recorded checksum {}, this binary has {}); its current downgrade() runs",
                        x.revision, x.file_name, x.recorded, x.compiled
                    )));
                }
                Ok(())
            }
        }
    }

    /// `stamp` rows for revisions it marked applied, `unstamp` rows for those it unmarked.
    async fn log_stamp(&mut self, before: &[String], after: &[String]) -> Result<(), RunError> {
        let rows = applied_log::stamp_log_sql(
            self.set,
            self.map,
            before,
            after,
            &self.opts.version_table,
            self.d,
        )?;
        for sql in rows {
            (self.events)(Event::Statement {
                sql: sql.clone(),
                comment: "applied-migrations log".into(),
            });
            self.db.execute(&sql).await?;
        }
        Ok(())
    }

    async fn accept_edits(&mut self) -> Result<Report, RunError> {
        self.begin("").await?;
        let heads = read_heads(self.db, &self.opts.version_table).await?;
        let log = applied_log::read_log(self.db, self.opts).await?;
        let m = applied_log::mismatches(self.set, self.map, &heads, &log);
        for x in &m {
            self.write_log(&x.revision, LogKind::Accept).await?;
        }
        self.commit("").await?;
        Ok(Report {
            applied: m.into_iter().map(|x| x.revision).collect(),
        })
    }
}

// ----- interrupted revisions (MySQL/MariaDB) ---------------------------------------------

impl Exec<'_> {
    /// The refusal of a command while a revision is interrupted, with what the live schema
    /// says about its statement in flight.
    async fn interrupted_error(&mut self, p: Progress) -> RunError {
        let version = match read_heads(self.db, &self.opts.version_table).await {
            Ok(v) => v,
            Err(e) => return e,
        };
        let f = progress::assess(self.db, self.set, self.map, &p, &self.opts.version_table)
            .await
            .unwrap_or_else(|e| InFlight::Unknown(e.to_string()));
        RunError::Interrupted {
            progress: Box::new(p),
            in_flight: Some(f),
            version,
        }
    }

    async fn resume(&mut self, mode: ResumeMode) -> Result<Report, RunError> {
        let vt = self.opts.version_table.clone();
        let Some(p) = progress::read_progress(self.db, &vt).await? else {
            let transactional = self.transactional();
            (self.events)(Event::Note(if transactional {
                "nothing to resume: this database runs each revision in one transaction, which an interruption rolls back whole".to_string()
            } else {
                "nothing to resume: no revision was interrupted".to_string()
            }));
            return Ok(Report::default());
        };
        let rev = p.revision.clone();
        let cannot = |reason: String| RunError::CannotResume {
            revision: rev.clone(),
            reason,
        };
        let heads = read_heads(self.db, &vt).await?;
        if heads != p.version_before {
            return Err(cannot(format!(
                "the version table is at {}, not at {} where the revision started: it was changed by hand since. Settle the database by hand, then `retort resume --abandon` clears the marker",
                show_rows(&heads),
                show_rows(&p.version_before)
            )));
        }
        let d = self.d;
        let rewrite = |after: &[String]| {
            let mut w = vec![crate::backend::VersionWrite {
                sql: purge_version_table(&vt, d),
                checked: false,
            }];
            w.extend(after.iter().map(|r| crate::backend::VersionWrite {
                sql: format!(
                    "INSERT INTO {} (version_num) VALUES ({})",
                    retort_sql::quote_qname(&vt, d),
                    retort_sql::quote_string(r, d)
                ),
                checked: false,
            }));
            w
        };
        match mode {
            ResumeMode::Abandon => {
                let sql = progress::delete_sql(&vt, self.d);
                (self.events)(Event::Statement {
                    sql: sql.clone(),
                    comment: "progress marker".into(),
                });
                self.db.execute(&sql).await?;
                (self.events)(Event::Note(format!(
                    "abandoned revision {rev} ({}): the version table stays at {}",
                    direction_word(p.direction),
                    show_rows(&heads)
                )));
                Ok(Report::default())
            }
            ResumeMode::Finished => {
                let writes = rewrite(&p.version_after);
                self.record(&rev, p.direction, writes, None, None).await?;
                (self.events)(Event::Applied {
                    revision: rev.clone(),
                    direction: p.direction,
                });
                Ok(Report { applied: vec![rev] })
            }
            ResumeMode::Run => {
                let script = self.set.script(&rev)?;
                let now = applied_log::checksum_hex(script.hash());
                if !now.eq_ignore_ascii_case(&p.checksum) {
                    return Err(cannot(format!(
                        "its script changed since the run began (checksum {} then, {now} now): restore the script that ran, or finish the revision by hand and `retort resume --finished`",
                        p.checksum
                    )));
                }
                let in_flight = progress::assess(self.db, self.set, self.map, &p, &vt).await?;
                let skip = match &in_flight {
                    InFlight::None | InFlight::NotRun => p.statements_done,
                    InFlight::Ran => p.statements_done + 1,
                    InFlight::Unknown(_) => {
                        return Err(RunError::Interrupted {
                            progress: Box::new(p),
                            in_flight: Some(in_flight),
                            version: heads,
                        })
                    }
                };
                if let (Some(sql), InFlight::Ran | InFlight::NotRun) = (&p.statement, &in_flight) {
                    (self.events)(Event::Note(format!(
                        "statement {} of {rev} ({sql}) {}",
                        p.statements_done + 1,
                        if in_flight == InFlight::Ran {
                            "had run (the database has its effect): skipped"
                        } else {
                            "had not run (the database does not have its effect): it runs now"
                        }
                    )));
                }
                let started = (Instant::now(), SystemTime::now());
                self.state = self.set.replay_lenient(self.map, &heads, self.d)?;
                self.live = None;
                self.run_migration(
                    &rev,
                    p.direction,
                    &p.version_before,
                    &p.version_after,
                    false,
                    Some(skip),
                )
                .await?;
                let writes = rewrite(&p.version_after);
                self.record(&rev, p.direction, writes, Some(started), None)
                    .await?;
                (self.events)(Event::Applied {
                    revision: rev.clone(),
                    direction: p.direction,
                });
                self.applied.push(rev.clone());
                Ok(Report { applied: vec![rev] })
            }
        }
    }
}
