//! The commands that talk to a database: `current`, `upgrade`, `downgrade`, `stamp`,
//! autogenerate and `check`.

use std::io::Write;
use std::time::Duration;

use retort_revision::Direction;
use retort_runner::{Db, Event, RunError, RunOptions};
use retort_schema::{Dialect, QName, Schema};

use crate::commands::{say, target_schema, Env};
use crate::{AppError, ExitCode};

impl Env<'_> {
    /// The runner's options from `retort.toml`.
    pub(crate) fn run_options(&self) -> RunOptions {
        let c = &self.cfg.config;
        RunOptions {
            version_table: QName::with_schema(
                c.version_table_schema.clone(),
                c.version_table.clone(),
            ),
            lock_timeout: Duration::from_secs(c.lock_timeout),
            connect_timeout: Duration::from_secs(c.connect_timeout),
            statement_timeout: Duration::from_secs(c.statement_timeout),
            transaction_per_migration: c.transaction_per_migration,
        }
    }
}

/// Connects to the configured database.
pub(crate) async fn connect(env: &Env<'_>) -> Result<Db, AppError> {
    let url = env.url()?;
    Ok(Db::connect_with(&url, &env.run_options().timeouts()).await?)
}

/// The dialect of the configured URL, without connecting (offline mode).
fn url_dialect(env: &Env<'_>) -> Result<Dialect, AppError> {
    let url = env.url()?;
    Dialect::from_url(&url).ok_or_else(|| {
        AppError::Usage(format!(
            "unsupported database URL `{}`: use sqlite:, postgres://, postgresql://, mysql:// or mariadb://",
            retort_runner::redact_url(&url)
        ))
    })
}

pub(crate) async fn close(db: Db) {
    let _ = db.close().await;
}

/// For a SQLite URL naming a file that does not exist: that file. Read-only commands do not
/// connect then (connecting with `mode=rwc` would create an empty file on a typo); they see
/// an empty database. In-memory databases are never missing.
pub(crate) fn missing_sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path.is_empty() || path.starts_with(':') || query.split('&').any(|kv| kv == "mode=memory") {
        return None;
    }
    let p = std::path::PathBuf::from(path);
    (!p.exists()).then_some(p)
}

/// "the database file X does not exist".
pub(crate) fn missing_file_text(p: &std::path::Path) -> String {
    format!("the database file {} does not exist", p.display())
}

/// The configured SQLite database file, when it does not exist (see [`missing_sqlite_file`]).
pub(crate) fn missing_db_file(env: &Env<'_>) -> Option<std::path::PathBuf> {
    missing_sqlite_file(&env.url().ok()?)
}

/// The database's current heads (the version table's rows); none for a SQLite file that does
/// not exist (it is not created).
pub(crate) async fn read_current(env: &Env<'_>) -> Result<Vec<String>, AppError> {
    if missing_db_file(env).is_some() {
        return Ok(Vec::new());
    }
    let mut db = connect(env).await?;
    let r = retort_runner::current(&mut db, &env.run_options()).await;
    close(db).await;
    Ok(r?)
}

/// Prints a progress event like Alembic's log lines.
fn print_event(env: &Env<'_>, out: &mut dyn Write, e: Event) {
    if env.quiet || env.json {
        return;
    }
    match e {
        Event::Applying {
            revision,
            direction,
            message,
        } => {
            let (from, to) = step_ends(env, &revision, direction);
            let msg = message.lines().next().unwrap_or("").to_string();
            let word = match direction {
                Direction::Up => "upgrade",
                Direction::Down => "downgrade",
            };
            say!(
                out,
                "Running {word} {} -> {}, {msg}",
                from.join(", "),
                to.join(", ")
            );
        }
        other => print_other(out, other),
    }
}

/// The ends of one step: (from, to). Upgrade: parents -> revision; downgrade: the reverse.
fn step_ends(env: &Env<'_>, revision: &str, direction: Direction) -> (Vec<String>, Vec<String>) {
    let parents = env
        .map
        .get(revision)
        .map(|h| h.down_revisions.clone())
        .unwrap_or_default();
    match direction {
        Direction::Up => (parents, vec![revision.to_string()]),
        Direction::Down => (vec![revision.to_string()], parents),
    }
}

/// The text of the events other than the start of a revision.
fn print_other(out: &mut dyn Write, e: Event) {
    if let Some(line) = other_text(e) {
        say!(out, "{line}");
    }
}

fn other_text(e: Event) -> Option<String> {
    match e {
        Event::AutocommitSplit { revision, sql } => {
            let first = sql.lines().next().unwrap_or("");
            Some(format!(
                "note: {revision}: `{first}` cannot run inside a transaction; what came before it is committed, it runs on its own, then a new transaction begins"
            ))
        }
        Event::Note(n) => Some(format!("note: {n}")),
        Event::Drift {
            revision,
            table,
            differences,
        } => Some(format!(
            "warning: {revision}: table `{table}` differs from what the history says (changed by hand?): {differences}; its SQL is planned against the database"
        )),
        _ => None,
    }
}

/// `upgrade` / `downgrade` progress: one line per revision as it starts, ended with its
/// duration when it is committed (`Running upgrade a -> b, msg ... done in 12 ms`); the JSON
/// summary is collected on the way.
struct Progress {
    started: std::time::Instant,
    /// The revision running and when it started; its line is open (no newline yet).
    running: Option<(usize, std::time::Instant)>,
    line_open: bool,
    /// On a terminal: the width of the longest `Running ...` text of the plan.
    width: usize,
    summary: crate::json::Migrate,
}

/// `Running upgrade a -> b, message` for one revision of a plan.
fn running_line(env: &Env<'_>, revision: &str, direction: Direction) -> String {
    let (from, to) = step_ends(env, revision, direction);
    let msg = env
        .map
        .get(revision)
        .and_then(|h| h.message.lines().next())
        .unwrap_or("");
    let word = match direction {
        Direction::Up => "upgrade",
        Direction::Down => "downgrade",
    };
    format!(
        "Running {word} {} -> {}, {msg}",
        from.join(", "),
        to.join(", ")
    )
}

impl Progress {
    fn new(direction: Direction, target: &str) -> Self {
        Progress {
            started: std::time::Instant::now(),
            running: None,
            line_open: false,
            width: 0,
            summary: crate::json::Migrate {
                format_version: crate::json::FORMAT_VERSION,
                direction: match direction {
                    Direction::Up => "upgrade",
                    Direction::Down => "downgrade",
                }
                .to_string(),
                target: target.to_string(),
                revisions: Vec::new(),
                current: Vec::new(),
                notes: Vec::new(),
                duration_ms: 0,
                error: None,
            },
        }
    }

    fn text(&self, env: &Env<'_>) -> bool {
        !env.quiet && !env.json
    }

    fn close_line(&mut self, out: &mut dyn Write) {
        if self.line_open {
            say!(out, "");
            self.line_open = false;
        }
    }

    fn event(&mut self, env: &Env<'_>, out: &mut dyn Write, e: Event) {
        match e {
            Event::Applying {
                revision,
                direction,
                message,
            } => {
                self.close_line(out);
                let (from, to) = step_ends(env, &revision, direction);
                let msg = message.lines().next().unwrap_or("").to_string();
                if self.text(env) {
                    let line = running_line(env, &revision, direction);
                    let pad = self.width.saturating_sub(line.chars().count());
                    let _ = write!(out, "{line}{} ...", " ".repeat(pad));
                    let _ = out.flush();
                    self.line_open = true;
                }
                self.running = Some((self.summary.revisions.len(), std::time::Instant::now()));
                self.summary.revisions.push(crate::json::Ran {
                    revision,
                    from,
                    to,
                    message: msg,
                    duration_ms: 0,
                    committed: false,
                });
            }
            Event::Statement { sql, .. } => {
                if env.verbose && self.text(env) {
                    self.close_line(out);
                    say!(out, "    {}", sql.trim_end());
                }
            }
            Event::Applied { .. } => {
                if let Some((i, start)) = self.running.take() {
                    let took = start.elapsed();
                    self.summary.revisions[i].duration_ms = took.as_millis() as u64;
                    self.summary.revisions[i].committed = true;
                    if self.text(env) {
                        if !self.line_open {
                            let _ = write!(out, "  ...");
                        }
                        let done = format!("done in {}", human_duration(took));
                        say!(out, " {}", env.style.paint(crate::style::GREEN, &done));
                        self.line_open = false;
                    }
                }
            }
            other => {
                if let Some(line) = other_text(other) {
                    if self.text(env) {
                        self.close_line(out);
                        say!(out, "{line}");
                    }
                    let note = line.strip_prefix("note: ").unwrap_or(&line);
                    self.summary.notes.push(note.to_string());
                }
            }
        }
    }
}

/// `12 ms`, `1.25 s`.
pub(crate) fn human_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms} ms")
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// Checks a target against the graph before running, so that a bad expression is a usage
/// error (exit 2) rather than a failure.
fn validate_plan(
    env: &Env<'_>,
    current: &[String],
    target: &str,
    direction: Direction,
) -> Result<Vec<retort_revision::Step>, AppError> {
    let r = match direction {
        Direction::Up => env.map.upgrade_plan(current, target),
        Direction::Down => env.map.downgrade_plan(current, target),
    };
    match r {
        Ok(steps) => Ok(steps),
        Err(
            e @ (retort_revision::ResolveError::UnknownCurrent { .. }
            | retort_revision::ResolveError::OverlappingCurrent { .. }),
        ) => Err(AppError::Resolve {
            source: e,
            hint: "",
        }),
        Err(e) => Err(crate::commands::resolve_err_in(&env.map, e)),
    }
}

pub(crate) async fn upgrade(
    env: &Env<'_>,
    target: &str,
    sql: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    migrate(env, target, sql, Direction::Up, out).await
}

pub(crate) async fn downgrade(
    env: &Env<'_>,
    target: &str,
    sql: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    migrate(env, target, sql, Direction::Down, out).await
}

async fn migrate(
    env: &Env<'_>,
    target: &str,
    sql: bool,
    direction: Direction,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let opts = env.run_options();
    if sql {
        let d = url_dialect(env)?;
        let mut notes = Vec::new();
        let script = retort_runner::offline_with_events(
            &env.ctx.migrations,
            d,
            direction,
            target,
            &opts,
            &mut |e| {
                if let Event::Note(n) = e {
                    notes.push(n)
                }
            },
        )
        .map_err(AppError::from)?;
        let _ = write!(out, "{script}");
        if !script.ends_with('\n') {
            say!(out, "");
        }
        for n in notes {
            say!(out, "-- note: {n}");
        }
        return Ok(ExitCode::Success);
    }
    if target.contains(':') {
        return Err(AppError::Usage(format!(
            "a range `{target}` is only allowed with --sql (offline mode); online, name the target revision"
        )));
    }
    let mut db = connect(env).await?;
    let r = async {
        let current = retort_runner::current(&mut db, &opts).await?;
        let set = &env.ctx.migrations;
        // Inside a squashed range the runner plans through the kept originals first.
        let inside_squash = current
            .iter()
            .any(|c| env.map.get(c).is_none() && set.squashed_script(c).is_some());
        let steps = if inside_squash {
            Vec::new()
        } else {
            validate_plan(env, &current, target, direction)?
        };
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
        let work = async {
            let mut events = move |e: Event| {
                let _ = tx.send(e);
            };
            match direction {
                Direction::Up => {
                    retort_runner::upgrade(&mut db, set, target, &opts, &mut events).await
                }
                Direction::Down => {
                    retort_runner::downgrade(&mut db, set, target, &opts, &mut events).await
                }
            }
        };
        // Progress is printed while the run goes on (the sender lives as long as `work`).
        let mut progress = Progress::new(direction, target);
        if env.style.on {
            // On a terminal, the durations line up.
            progress.width = steps
                .iter()
                .map(|st| running_line(env, &st.revision, direction).chars().count())
                .max()
                .unwrap_or(0);
        }
        let drain = async {
            while let Some(e) = rx.recv().await {
                progress.event(env, out, e);
            }
        };
        let (report, ()) = tokio::join!(work, drain);
        progress.close_line(out);
        // An empty plan was said once already, by the runner's "nothing to do" note.
        if let Err(e) = report {
            let e = AppError::from(e);
            if env.json {
                // What ran before the failure, for tools; the error also goes to stderr.
                progress.summary.error = Some(crate::redact_text(&e.to_string()));
                progress.summary.current = retort_runner::current(&mut db, &opts)
                    .await
                    .unwrap_or_default();
                progress.summary.duration_ms = progress.started.elapsed().as_millis() as u64;
                crate::json::print(out, &progress.summary);
            }
            return Err(e);
        }
        if env.json {
            progress.summary.current = retort_runner::current(&mut db, &opts).await?;
            progress.summary.duration_ms = progress.started.elapsed().as_millis() as u64;
            crate::json::print(out, &progress.summary);
        }
        Ok::<_, AppError>(())
    }
    .await;
    close(db).await;
    r?;
    Ok(ExitCode::Success)
}

pub(crate) async fn stamp(
    env: &Env<'_>,
    targets: &[String],
    purge: bool,
    sql: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let opts = env.run_options();
    if sql {
        let d = url_dialect(env)?;
        let script = retort_runner::stamp_sql(&env.ctx.migrations, d, targets, purge, &opts)?;
        let _ = write!(out, "{script}");
        return Ok(ExitCode::Success);
    }
    let mut db = connect(env).await?;
    let r = async {
        let current = retort_runner::current(&mut db, &opts).await?;
        let refs: Vec<&str> = targets.iter().map(String::as_str).collect();
        env.map
            .stamp_plan(&current, &refs, purge)
            .map_err(|e| match e {
                e @ retort_revision::ResolveError::UnknownCurrent { .. } => AppError::Resolve {
                    source: e,
                    hint: "; `stamp --purge <rev>` rewrites the version table",
                },
                e => crate::commands::resolve_err_in(&env.map, e),
            })?;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
        let work = async {
            let mut events = move |e: Event| {
                let _ = tx.send(e);
            };
            retort_runner::stamp(
                &mut db,
                &env.ctx.migrations,
                targets,
                purge,
                &opts,
                &mut events,
            )
            .await
        };
        let drain = async {
            while let Some(e) = rx.recv().await {
                print_event(env, out, e);
            }
        };
        let (report, ()) = tokio::join!(work, drain);
        Ok::<_, AppError>(report?)
    }
    .await;
    close(db).await;
    let report = r?;
    if !env.quiet {
        say!(
            out,
            "Stamped the version table: {}",
            if report.applied.is_empty() {
                "<base>".to_string()
            } else {
                report.applied.join(", ")
            }
        );
    }
    Ok(ExitCode::Success)
}

pub(crate) async fn current_cmd(
    env: &Env<'_>,
    verbose: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    if let Some(p) = missing_db_file(env) {
        // An empty database: no revision. Said with -v; never created.
        if verbose && !env.json {
            say!(
                out,
                "note: {} (no revision is applied)",
                missing_file_text(&p)
            );
        }
        if env.json {
            crate::json::print(
                out,
                &crate::json::Current {
                    format_version: crate::json::FORMAT_VERSION,
                    revisions: Vec::new(),
                },
            );
        }
        return Ok(ExitCode::Success);
    }
    let current = read_current(env).await?;
    env.map
        .check_current(&current)
        .map_err(|e| AppError::Failed(e.to_string()))?;
    if env.json {
        let mut revisions = Vec::new();
        for id in &current {
            let Some(h) = env.map.get(id) else {
                return Err(AppError::Failed(
                    retort_revision::ResolveError::UnknownCurrent { id: id.clone() }.to_string(),
                ));
            };
            revisions.push(crate::json::Revision::new(
                &env.map,
                h,
                env.script_path(id),
                &current,
            ));
        }
        crate::json::print(
            out,
            &crate::json::Current {
                format_version: crate::json::FORMAT_VERSION,
                revisions,
            },
        );
        return Ok(ExitCode::Success);
    }
    let applied = if verbose {
        Some(crate::applied::read(env).await?)
    } else {
        None
    };
    if verbose {
        say!(
            out,
            "Current revision(s) for {}:",
            retort_runner::redact_url(&env.url()?)
        );
    }
    for id in &current {
        let Some(h) = env.map.get(id) else {
            return Err(AppError::Failed(
                retort_revision::ResolveError::UnknownCurrent { id: id.clone() }.to_string(),
            ));
        };
        if verbose {
            let path = env.script_path(id);
            say!(
                out,
                "{}",
                crate::graph::log_entry(&env.map, h, path.as_deref(), &current)
            );
            if let Some(a) = &applied {
                let _ = write!(out, "{}", a.lines_for(id));
            }
        } else {
            say!(
                out,
                "{}",
                env.style.revision_line(&crate::graph::head_only(
                    &env.map,
                    h,
                    crate::graph::Line {
                        include_branches: true,
                        tree_indicators: true,
                        head_indicators: true,
                        ..Default::default()
                    },
                    &[],
                ))
            );
        }
    }
    if verbose {
        if let Some(note) = applied.as_ref().and_then(|a| a.missing_log_note(&current)) {
            say!(out, "{note}");
        }
        say!(out, "{}", crate::applied::source_line(env));
    }
    Ok(ExitCode::Success)
}

// ----- compare ------------------------------------------------------------------------------

/// The result of comparing the models with the database.
pub(crate) struct Comparison {
    pub db_schema: Schema,
    pub dialect: Dialect,
    /// What the models mean less on this database than they say (see
    /// [`retort_diff::dialect_notes`]).
    pub degraded: Vec<String>,
    pub diff: retort_diff::Diff,
}

fn with_dialect_notes(mut c: Comparison, target: &Schema) -> Comparison {
    c.degraded = retort_diff::dialect_notes(target, c.dialect);
    c
}

/// Refuses unless the database is at every head, then introspects it and diffs it with the
/// models' target schema (both seen through `exclude_tables`).
async fn compare(env: &Env<'_>) -> Result<Comparison, AppError> {
    // The target first: a missing registry is reported without touching the database.
    let mut target = target_schema(env)?;
    let mut db = connect(env).await?;
    let r = compare_on(env, &mut db, &mut target)
        .await
        .map(|c| with_dialect_notes(c, &target));
    close(db).await;
    r
}

async fn compare_on(
    env: &Env<'_>,
    db: &mut Db,
    target: &mut Schema,
) -> Result<Comparison, AppError> {
    let opts = env.run_options();
    let current = retort_runner::current(db, &opts).await?;
    let pending: Vec<String> = env
        .map
        .upgrade_plan(&current, "heads")
        .map_err(crate::commands::resolve_err)?
        .into_iter()
        .map(|s| s.revision)
        .collect();
    if !pending.is_empty() {
        return Err(AppError::Failed(format!(
            "Target database is not up to date: pending revisions {} (run `upgrade heads`)",
            pending.join(", ")
        )));
    }
    let c = &env.cfg.config;
    let iopts = retort_introspect::Options {
        schemas: c.include_schemas.clone(),
        exclude_tables: c.exclude_tables.clone(),
        version_table: env.cfg.version_table_qualified(),
    };
    let dialect = db.dialect();
    let mut intro = introspect_bounded(&opts, db, &iopts).await?;
    // The operations of a script are the history's neutral facts, not this database's
    // spellings: where the live schema agrees with the schema the history replays to, take the
    // history's (type width, comments, enum type names, default spelling, constraint names).
    let heads: Vec<String> = current.iter().map(|s| s.to_string()).collect();
    if let Ok(replayed) = env.ctx.migrations.replay_lenient(&env.map, &heads, dialect) {
        intro.schema = retort_diff::reconcile(&intro.schema, &replayed, dialect);
    }
    // Tables matching exclude_tables (and the version table) are invisible on both sides.
    let vt = env.cfg.version_table_qualified();
    target.tables.retain(|t| {
        let q = t.qname().to_string();
        let hidden = c.exclude_tables.iter().any(|g| {
            retort_introspect::glob_match(g, &t.name) || retort_introspect::glob_match(g, &q)
        });
        let log = format!("{vt}_log");
        !hidden && q != vt && t.name != vt && q != log && t.name != log
    });
    let dopts = retort_diff::Options {
        dialect,
        compare_server_default: c.compare_server_default,
        compare_types: true,
        compare_comments: true,
    };
    let diff = retort_diff::diff(&intro.schema, target, &dopts);
    Ok(Comparison {
        db_schema: intro.schema,
        dialect,
        degraded: Vec::new(),
        diff,
    })
}

/// [`introspect`] within one round-trip bound (its few catalog queries together; see
/// `retort_runner::Timeouts::round_trip`).
async fn introspect_bounded(
    opts: &RunOptions,
    db: &mut Db,
    iopts: &retort_introspect::Options,
) -> Result<retort_introspect::Introspection, AppError> {
    let t = opts.timeouts();
    match t.round_trip().filter(|_| db.dialect() != Dialect::Sqlite) {
        Some(limit) => match tokio::time::timeout(limit, introspect(db, iopts)).await {
            Ok(r) => r,
            Err(_) => Err(AppError::Failed(format!(
                "reading the database schema got no answer from the server for {} (statement_timeout + connect_timeout): the network or the server stopped answering",
                retort_runner::limits::secs(limit)
            ))),
        },
        None => introspect(db, iopts).await,
    }
}

pub(crate) async fn introspect(
    db: &mut Db,
    opts: &retort_introspect::Options,
) -> Result<retort_introspect::Introspection, AppError> {
    let r = match db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(c) => retort_introspect::sqlite(c, opts).await,
        #[cfg(feature = "postgres")]
        Db::Postgres(c) => retort_introspect::postgres(c, opts).await,
        #[cfg(feature = "mysql")]
        Db::Mysql(c) => retort_introspect::mysql(c, opts).await,
        #[allow(unreachable_patterns)]
        other => {
            return Err(AppError::Failed(format!(
                "cannot read a {} database: this binary was built without retort's `{}` feature",
                other.dialect(),
                other.dialect()
            )))
        }
    };
    r.map_err(|e| AppError::Failed(e.to_string()))
}

fn note_lines(diff: &retort_diff::Diff) -> Vec<String> {
    diff.notes
        .iter()
        .map(|n| format!("WARNING {}: {}", n.risk.label(), n.message))
        .collect()
}

/// `body` without the indentation common to its non-empty lines: `render_script` wants
/// statements at column 0 and indents them itself.
pub(crate) fn dedent(body: &str) -> String {
    let indent = body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    body.lines()
        .map(|l| {
            if l.trim().is_empty() {
                ""
            } else {
                &l[indent..]
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What `revision --autogenerate` writes: the script bodies and their summary.
pub(crate) struct Generated {
    pub up: String,
    pub down: String,
    pub ops: Vec<String>,
    pub notes: Vec<crate::json::Note>,
    pub downgrade_ops: Vec<String>,
    pub downgrade_notes: Vec<crate::json::Note>,
}

/// `revision --autogenerate`: `None` when nothing changed, else the upgrade and downgrade
/// bodies. In text mode, prints every operation and every risk note.
pub(crate) async fn autogenerate(
    env: &Env<'_>,
    out: &mut dyn Write,
) -> Result<Option<Generated>, AppError> {
    let text = !env.json;
    let Some(plan) = autogenerate_plan(env).await? else {
        if text {
            say!(out, "No changes detected");
        }
        return Ok(None);
    };
    let (cmp, down_ops) = (&plan.comparison, &plan.downgrade);
    if text {
        for op in &cmp.diff.ops {
            say!(out, "Detected {}", op.describe());
        }
        for line in note_lines(&cmp.diff) {
            say!(out, "{}", env.style.warning(&line));
        }
        for n in &plan.downgrade_notes {
            let line = format!("WARNING (downgrade) {}: {}", n.risk.label(), n.message);
            say!(out, "{}", env.style.warning(&line));
        }
    }
    let up = dedent(&retort_diff::render_rust(&cmp.diff.ops, &cmp.diff.notes));
    let down = dedent(&retort_diff::render_rust(down_ops, &plan.downgrade_notes));
    Ok(Some(Generated {
        up,
        down,
        ops: cmp.diff.ops.iter().map(|o| o.describe()).collect(),
        notes: cmp
            .diff
            .notes
            .iter()
            .map(crate::json::Note::from_diff)
            .collect(),
        downgrade_ops: down_ops.iter().map(|o| o.describe()).collect(),
        downgrade_notes: plan
            .downgrade_notes
            .iter()
            .map(crate::json::Note::from_diff)
            .collect(),
    }))
}

/// What autogenerate writes, as operations: the comparison, the downgrade and its risk notes.
pub(crate) struct AutogeneratePlan {
    pub comparison: Comparison,
    pub downgrade: Vec<retort_schema::Op>,
    pub downgrade_notes: Vec<retort_diff::Note>,
}

/// The operations `revision --autogenerate` writes (`None`: no changes).
pub(crate) async fn autogenerate_plan(env: &Env<'_>) -> Result<Option<AutogeneratePlan>, AppError> {
    let cmp = compare(env).await?;
    if cmp.diff.ops.is_empty() {
        return Ok(None);
    }
    let (downgrade, downgrade_notes) =
        retort_diff::downgrade_with_notes(&cmp.db_schema, &cmp.diff.ops, cmp.dialect).map_err(
            |e| {
                AppError::Failed(format!(
                    "cannot write the downgrade of the detected changes: {e}"
                ))
            },
        )?;
    Ok(Some(AutogeneratePlan {
        comparison: cmp,
        downgrade,
        downgrade_notes,
    }))
}

/// `check`: 0 when models and database agree, 1 with the list of differences.
pub(crate) async fn check(env: &Env<'_>, out: &mut dyn Write) -> Result<ExitCode, AppError> {
    let json = env.json;
    if let Some(p) = missing_db_file(env) {
        // A read-only command: the file is not created (a typo in the URL would otherwise
        // leave an empty database behind).
        target_schema(env)?;
        return Err(AppError::Failed(format!(
            "{}; check the URL, or run `upgrade heads` to create it",
            missing_file_text(&p)
        )));
    }
    let cmp = compare(env).await?;
    let edited = crate::applied::read(env).await?.mismatches;
    let in_sync = cmp.diff.ops.is_empty() && edited.is_empty();
    if json {
        let v = crate::json::Check {
            format_version: crate::json::FORMAT_VERSION,
            in_sync,
            ops: cmp.diff.ops.iter().map(|o| o.describe()).collect(),
            notes: cmp
                .diff
                .notes
                .iter()
                .map(crate::json::Note::from_diff)
                .collect(),
            edited_scripts: edited
                .iter()
                .map(|m| crate::json::EditedScript {
                    revision: m.revision.clone(),
                    file: m.file_name.clone(),
                    recorded_checksum: m.recorded.clone(),
                    compiled_checksum: m.compiled.clone(),
                    applied_at: m.applied_at.clone(),
                })
                .collect(),
            degraded: cmp.degraded.clone(),
        };
        crate::json::print(out, &v);
    } else if in_sync {
        say!(
            out,
            "No differences: models, migrations and database agree."
        );
    } else if cmp.diff.ops.is_empty() {
        say!(out, "{}", RunError::EditedScripts(edited));
    } else {
        say!(
            out,
            "The models and the database differ ({} operation{}); run `revision --autogenerate -m \"...\"`:",
            cmp.diff.ops.len(),
            if cmp.diff.ops.len() == 1 { "" } else { "s" }
        );
        for op in &cmp.diff.ops {
            say!(out, "  {}", op.describe());
        }
        for line in note_lines(&cmp.diff) {
            say!(out, "{line}");
        }
        if !edited.is_empty() {
            say!(out, "{}", RunError::EditedScripts(edited));
        }
    }
    if !json {
        for d in &cmp.degraded {
            say!(out, "WARNING degraded: {d}");
        }
    }
    Ok(if in_sync {
        ExitCode::Success
    } else {
        ExitCode::Failure
    })
}
