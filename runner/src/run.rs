//! Online execution: lock, version table, transactions.

use std::time::{Duration, Instant};

use retort_revision::{Direction, RevisionMap, Step};
use retort_schema::{Dialect, QName, Schema};
use retort_sql::{quote_qname, quote_string};

use crate::render::{create_version_table, render, version_writes};
use crate::set::apply_op;
use crate::{Db, MigrationSet, MigrationStep, RunError};

/// How a run behaves (`retort.toml`: `version_table`, `version_table_schema`, `lock_timeout`,
/// `transaction_per_migration`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunOptions {
    /// The version table; default `retort_version` (in the connection's default schema).
    pub version_table: QName,
    /// How long to wait for another process's migration lock; default 60 s.
    pub lock_timeout: Duration,
    /// PostgreSQL and SQLite: each migration and its version-table change in its own
    /// transaction (default `true`); `false`: the whole run in one transaction.
    pub transaction_per_migration: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            version_table: QName::new("retort_version"),
            lock_timeout: Duration::from_secs(60),
            transaction_per_migration: true,
        }
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
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// The revisions whose `upgrade()` (or `downgrade()`) ran, in order. For `stamp`: the
    /// version table's rows afterwards.
    pub applied: Vec<String>,
}

pub(crate) fn direction_word(d: Direction) -> &'static str {
    match d {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    }
}

/// The version table's rows (the applied heads), sorted; empty if the table does not exist.
pub async fn current(db: &mut Db, opts: &RunOptions) -> Result<Vec<String>, RunError> {
    if !version_table_exists(db, &opts.version_table).await? {
        return Ok(Vec::new());
    }
    read_heads(db, &opts.version_table).await
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
    run_command(
        db,
        set,
        opts,
        events,
        Command::Migrate(Direction::Up, target),
    )
    .await
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
    run_command(
        db,
        set,
        opts,
        events,
        Command::Migrate(Direction::Down, target),
    )
    .await
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

/// Connects to `url` and upgrades to every head with default options: for applications that
/// apply their embedded migrations at start-up.
pub async fn migrate_to_head(url: &str, set: &MigrationSet) -> Result<Report, RunError> {
    let mut db = Db::connect(url).await?;
    let r = upgrade(&mut db, set, "heads", &RunOptions::default(), &mut |_| {}).await;
    let c = db.close().await;
    let r = r?;
    c?;
    Ok(r)
}

enum Command<'a> {
    Migrate(Direction, &'a str),
    Stamp(&'a [String], bool),
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
    let lock = acquire_lock(db, opts).await?;
    let mut ex = Exec {
        d: db.dialect(),
        db,
        set,
        map: &map,
        opts,
        events,
        in_tx: false,
        state: Schema::default(),
    };
    let r = ex.locked(cmd).await;
    if r.is_err() && ex.in_tx {
        let _ = ex.rollback().await;
    }
    let u = release_lock(db, lock).await;
    let report = r?;
    u?;
    Ok(report)
}

// ----- lock -----------------------------------------------------------------------------

enum Lock {
    Sqlite,
    Postgres(i64),
    Mysql(String),
}

/// The PostgreSQL advisory lock key of a version table.
pub fn pg_lock_key(version_table: &QName) -> i64 {
    retort_schema::naming::fnv1a(format!("retort:{version_table}").as_bytes()) as i64
}

async fn acquire_lock(db: &mut Db, opts: &RunOptions) -> Result<Lock, RunError> {
    let timeout = opts.lock_timeout;
    match db.dialect() {
        Dialect::Sqlite => {
            // The write lock is each migration's `BEGIN IMMEDIATE`, waited for this long.
            db.execute(&format!("PRAGMA busy_timeout = {}", timeout.as_millis()))
                .await?;
            Ok(Lock::Sqlite)
        }
        Dialect::Postgres => {
            let key = pg_lock_key(&opts.version_table);
            let start = Instant::now();
            loop {
                let got = db
                    .query_scalar(&format!("SELECT pg_try_advisory_lock({key})"))
                    .await?;
                if got.as_deref() == Some("true") {
                    return Ok(Lock::Postgres(key));
                }
                if start.elapsed() >= timeout {
                    let name = db
                        .query_scalar("SELECT current_database()")
                        .await?
                        .unwrap_or_default();
                    return Err(RunError::LockTimeout {
                        db: format!("PostgreSQL database `{name}`"),
                        waited: timeout,
                    });
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
        Dialect::Mysql => {
            let dbname = db
                .query_scalar("SELECT DATABASE()")
                .await?
                .unwrap_or_default();
            let schema = opts.version_table.schema.clone().unwrap_or(dbname.clone());
            let mut name = format!("retort:{schema}.{}", opts.version_table.name);
            if name.len() > 64 {
                // MySQL limits lock names to 64 characters.
                name = format!(
                    "retort:{:016x}",
                    retort_schema::naming::fnv1a(name.as_bytes())
                );
            }
            let sql = format!(
                "SELECT GET_LOCK({}, {:.3})",
                quote_string(&name, Dialect::Mysql),
                timeout.as_secs_f64()
            );
            match db.query_scalar(&sql).await?.as_deref() {
                Some("1") => Ok(Lock::Mysql(name)),
                Some("0") => Err(RunError::LockTimeout {
                    db: format!("MySQL/MariaDB database `{dbname}`"),
                    waited: timeout,
                }),
                other => Err(RunError::sql(
                    &sql,
                    format!("GET_LOCK returned {other:?} (lock `{name}`)"),
                )),
            }
        }
    }
}

async fn release_lock(db: &mut Db, lock: Lock) -> Result<(), RunError> {
    match lock {
        Lock::Sqlite => Ok(()),
        Lock::Postgres(key) => {
            db.execute(&format!("SELECT pg_advisory_unlock({key})"))
                .await?;
            Ok(())
        }
        Lock::Mysql(name) => {
            db.execute(&format!(
                "SELECT RELEASE_LOCK({})",
                quote_string(&name, Dialect::Mysql)
            ))
            .await?;
            Ok(())
        }
    }
}

// ----- version table --------------------------------------------------------------------

async fn version_table_exists(db: &mut Db, vt: &QName) -> Result<bool, RunError> {
    let d = db.dialect();
    let sql = match d {
        Dialect::Sqlite => format!(
            "SELECT COUNT(*) FROM {}.sqlite_master WHERE type = 'table' AND name = {}",
            vt.schema
                .as_deref()
                .map(|s| retort_sql::quote_ident(s, d))
                .unwrap_or_else(|| "main".into()),
            quote_string(&vt.name, d)
        ),
        Dialect::Postgres => format!(
            "SELECT COUNT(*) FROM pg_catalog.pg_class WHERE oid = to_regclass({})",
            quote_string(&quote_qname(vt, d), d)
        ),
        Dialect::Mysql => format!(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = {} AND table_name = {}",
            vt.schema
                .as_deref()
                .map(|s| quote_string(s, d))
                .unwrap_or_else(|| "DATABASE()".into()),
            quote_string(&vt.name, d)
        ),
    };
    Ok(db.query_scalar(&sql).await?.as_deref().unwrap_or("0") != "0")
}

async fn read_heads(db: &mut Db, vt: &QName) -> Result<Vec<String>, RunError> {
    let sql = format!("SELECT version_num FROM {}", quote_qname(vt, db.dialect()));
    let mut v: Vec<String> = db
        .query_strings(&sql)
        .await?
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    v.sort();
    Ok(v)
}

fn sorted(v: &[String]) -> Vec<String> {
    let mut v = v.to_vec();
    v.sort();
    v
}

fn show_rows(rows: &[String]) -> String {
    if rows.is_empty() {
        "<base>".to_string()
    } else {
        rows.join(", ")
    }
}

// ----- execution ------------------------------------------------------------------------

struct Exec<'a> {
    db: &'a mut Db,
    set: &'a MigrationSet,
    map: &'a RevisionMap,
    opts: &'a RunOptions,
    events: &'a mut (dyn FnMut(Event) + Send),
    d: Dialect,
    in_tx: bool,
    /// The schema as the statements run so far leave it (replayed, then carried forward).
    state: Schema,
}

impl Exec<'_> {
    fn transactional(&self) -> bool {
        self.d.transactional_ddl()
    }

    async fn locked(&mut self, cmd: Command<'_>) -> Result<Report, RunError> {
        if !version_table_exists(self.db, &self.opts.version_table).await? {
            let sql = create_version_table(&self.opts.version_table, self.d);
            if let Err(e) = self.db.execute(&sql).await {
                return Err(self.busy_is_lock_timeout(e));
            }
        }
        match cmd {
            Command::Migrate(dir, target) => self.migrate(dir, target).await,
            Command::Stamp(targets, purge) => self.stamp(targets, purge).await,
        }
    }

    /// SQLite answers "database is locked" once `busy_timeout` (= `lock_timeout`) is over.
    fn busy_is_lock_timeout(&self, e: RunError) -> RunError {
        let busy = self.d == Dialect::Sqlite
            && e.db_message()
                .is_some_and(|m| m.contains("database is locked") || m.contains("(code 5)"));
        if busy {
            RunError::LockTimeout {
                db: "the SQLite database".into(),
                waited: self.opts.lock_timeout,
            }
        } else {
            e
        }
    }

    async fn begin(&mut self, revision: &str) -> Result<(), RunError> {
        if !self.transactional() {
            return Ok(());
        }
        if self.d == Dialect::Sqlite {
            self.db.execute("PRAGMA foreign_keys = OFF").await?;
            if let Err(e) = self.db.execute("BEGIN IMMEDIATE").await {
                let _ = self.db.execute("PRAGMA foreign_keys = ON").await;
                return Err(self.busy_is_lock_timeout(e));
            }
        } else {
            self.db.execute("BEGIN").await?;
        }
        let _ = revision;
        self.in_tx = true;
        Ok(())
    }

    async fn commit(&mut self, revision: &str) -> Result<(), RunError> {
        if !self.in_tx {
            return Ok(());
        }
        if self.d == Dialect::Sqlite {
            let rows = self.db.query_strings("PRAGMA foreign_key_check").await?;
            if let Some(first) = rows.first() {
                let table = first.first().cloned().flatten().unwrap_or_default();
                let parent = first.get(2).cloned().flatten().unwrap_or_default();
                let count = rows
                    .iter()
                    .filter(|r| r.first().cloned().flatten().as_deref() == Some(table.as_str()))
                    .count();
                self.rollback().await?;
                return Err(RunError::ForeignKeyViolation {
                    revision: revision.to_string(),
                    table,
                    parent,
                    count,
                });
            }
        }
        self.db.execute("COMMIT").await?;
        self.in_tx = false;
        if self.d == Dialect::Sqlite {
            self.db.execute("PRAGMA foreign_keys = ON").await?;
        }
        Ok(())
    }

    async fn rollback(&mut self) -> Result<(), RunError> {
        self.in_tx = false;
        let r = self.db.execute("ROLLBACK").await;
        if self.d == Dialect::Sqlite {
            self.db.execute("PRAGMA foreign_keys = ON").await?;
        }
        r.map(|_| ())
    }

    async fn migrate(&mut self, dir: Direction, target: &str) -> Result<Report, RunError> {
        let per_migration = self.opts.transaction_per_migration;
        let whole_tx = self.transactional() && !per_migration;
        if whole_tx {
            self.begin("").await?;
        }
        let heads = read_heads(self.db, &self.opts.version_table).await?;
        let plan = match dir {
            Direction::Up => self.map.upgrade_plan(&heads, target),
            Direction::Down => self.map.downgrade_plan(&heads, target),
        }
        .map_err(|e| RunError::Revision(e.to_string()))?;
        self.state = self.set.replay_lenient(self.map, &heads, self.d)?;

        // The version table's rows before each step (and after the last).
        let mut rows_before = vec![heads.clone()];
        let mut rows = heads.clone();
        for step in &plan {
            step.version_change
                .apply(&mut rows)
                .map_err(|e| RunError::Revision(format!("revision {}: {e}", step.revision)))?;
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
                // Re-read under the write lock: on SQLite the lock is this transaction, so
                // another process may have applied steps since the plan was made.
                let now = read_heads(self.db, &self.opts.version_table).await?;
                if now != sorted(&rows_before[i]) {
                    let Some(j) =
                        (i + 1..rows_before.len()).find(|&j| sorted(&rows_before[j]) == now)
                    else {
                        return Err(RunError::Revision(format!(
                            "the version table changed while this run waited for the lock: expected {}, found {}; another process ran a different command concurrently. Check `current` and run again",
                            show_rows(&rows_before[i]),
                            show_rows(&now)
                        )));
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
            self.run_step(step, &rows_before[i], whole_tx).await?;
            if self.transactional() && per_migration {
                self.commit(&step.revision).await?;
            }
            (self.events)(Event::Applied {
                revision: step.revision.clone(),
                direction: step.direction,
            });
            applied.push(step.revision.clone());
            i += 1;
        }
        if whole_tx {
            self.commit("").await?;
        }
        Ok(Report { applied })
    }

    /// Carries the replayed state over a step another process ran.
    fn advance_state(&mut self, step: &Step) -> Result<(), RunError> {
        let m = self.set.script(&step.revision)?.migration(step.direction);
        for op in m.ops() {
            let _ = apply_op(op, &mut self.state, Some(self.d));
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

    async fn run_step(
        &mut self,
        step: &Step,
        rows_before: &[String],
        whole_tx: bool,
    ) -> Result<(), RunError> {
        let rev = step.revision.clone();
        let dir = direction_word(step.direction);
        let script = self.set.script(&rev)?;
        let header = script.header()?;
        (self.events)(Event::Applying {
            revision: rev.clone(),
            direction: step.direction,
            message: header.message.clone(),
        });
        let m = script.migration(step.direction);
        render_whole_migration(&m, self.d, &self.state).map_err(|source| RunError::Render {
            revision: rev.clone(),
            direction: dir,
            source,
        })?;
        // Statements of this migration that ran (MySQL: they stay applied on failure).
        let mut done: Vec<String> = Vec::new();
        // Statements committed by an autocommit split.
        let mut committed: Vec<String> = Vec::new();
        for s in m.steps() {
            match s {
                MigrationStep::Op(op) => {
                    let stmts =
                        render(op, self.d, &self.state).map_err(|source| RunError::Render {
                            revision: rev.clone(),
                            direction: dir,
                            source,
                        })?;
                    for st in stmts {
                        let outside = st.autocommit && self.transactional();
                        if outside {
                            if self.in_tx {
                                self.commit(&rev).await?;
                                committed.append(&mut done);
                            }
                            (self.events)(Event::AutocommitSplit {
                                revision: rev.clone(),
                                sql: st.sql.clone(),
                            });
                        } else {
                            (self.events)(Event::Statement {
                                sql: st.sql.clone(),
                                comment: st.comment.clone(),
                            });
                        }
                        if let Err(e) = self.db.execute(&st.sql).await {
                            let message = e.db_message().unwrap_or_default().to_string();
                            return Err(if self.transactional() {
                                RunError::Statement {
                                    revision: rev.clone(),
                                    direction: dir,
                                    sql: st.sql.clone(),
                                    message,
                                    consequence: self.consequence(
                                        rows_before,
                                        &committed,
                                        whole_tx,
                                    ),
                                }
                            } else {
                                RunError::PartiallyApplied {
                                    revision: rev.clone(),
                                    direction: dir,
                                    applied: done,
                                    sql: st.sql.clone(),
                                    message,
                                    version: rows_before.to_vec(),
                                }
                            });
                        }
                        if outside {
                            committed.push(st.sql.clone());
                            self.begin(&rev).await?;
                        } else {
                            done.push(st.sql.clone());
                        }
                    }
                    let _ = apply_op(op, &mut self.state, Some(self.d));
                }
                MigrationStep::Run(hook) => {
                    if let Err(e) = hook(self.db).await {
                        let consequence = if self.transactional() {
                            self.consequence(rows_before, &committed, whole_tx)
                        } else if done.is_empty() {
                            format!("No statement of this migration had run. The version table stays at {}.", show_rows(rows_before))
                        } else {
                            format!(
                                "MySQL/MariaDB commit every DDL statement: these statements of {rev} had been applied and stay applied:\n  - {}\nThe version table stays at {}.",
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
        for w in version_writes(&step.version_change, &self.opts.version_table, self.d)? {
            (self.events)(Event::Statement {
                sql: w.sql.clone(),
                comment: "version table".into(),
            });
            let n = self.db.execute(&w.sql).await?;
            if w.checked && n != 1 {
                return Err(RunError::ConcurrentModification {
                    revision: rev.clone(),
                    table: self.opts.version_table.to_string(),
                    sql: w.sql,
                    rows: n,
                });
            }
        }
        Ok(())
    }

    async fn stamp(&mut self, targets: &[String], purge: bool) -> Result<Report, RunError> {
        self.begin("").await?;
        let heads = read_heads(self.db, &self.opts.version_table).await?;
        let t: Vec<&str> = targets.iter().map(String::as_str).collect();
        let plan = self
            .map
            .stamp_plan(&heads, &t, purge)
            .map_err(|e| RunError::Revision(e.to_string()))?;
        let vt = quote_qname(&self.opts.version_table, self.d);
        if plan.purge {
            let sql = format!("DELETE FROM {vt}");
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
        self.commit("").await?;
        let applied = read_heads(self.db, &self.opts.version_table).await?;
        Ok(Report { applied })
    }
}

/// Renders every operation of `m` (on a copy of the replayed `state`) before the first
/// statement runs: an operation that cannot be rendered on `d` stops the revision before any of
/// it ran, which matters on MySQL/MariaDB, where each DDL statement commits on its own.
fn render_whole_migration(
    m: &crate::Migration,
    d: Dialect,
    state: &Schema,
) -> Result<(), retort_sql::RenderError> {
    let mut state = state.clone();
    for op in m.ops() {
        render(op, d, &state)?;
        let _ = apply_op(op, &mut state, Some(d));
    }
    Ok(())
}
