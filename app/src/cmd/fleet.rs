//! Fleet runs: `upgrade`, `downgrade`, `current`, `check` and `stamp` over many targets
//! (`--targets FILE`, `--fleet`, `--schemas PATTERN`), `--jobs N` at a time.
//!
//! Each target is its own [`Session`] (its own connection, lock and transactions; for a
//! PostgreSQL schema, `search_path` and the version table in that schema) running the same
//! command code as a single-database run, with its output captured: on a terminal the last
//! line of each running target is its live status line, elsewhere one plain line is printed
//! per finished target. The targets run concurrently on one task (the work is waiting on
//! databases), so a failing target shares nothing with the others. A summary table (or, with
//! `--format json`, one JSON object) ends the run; the exit code is 1 if any target failed
//! (or, for `check`, differs).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::io::Write;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use retort_revision::Direction;
use serde::Serialize;

use crate::cli::{Command, FleetArgs};
use crate::error::{AppError, ExitCode};
use crate::json;
use crate::session::{Output, Session};
use crate::style::{self, say, Style};
use crate::targets::{self, Target};

/// `--jobs` when neither the command line nor `[targets]` says.
pub(crate) const DEFAULT_JOBS: usize = 4;

/// `stamp REV...` takes hyphen values (`-1`), so clap hands the fleet flags written after the
/// first revision over as revisions: they are taken back here.
pub(crate) fn take_from_stamp(command: &mut Command, args: &mut FleetArgs) -> Result<(), AppError> {
    let Command::Stamp { revisions, .. } = command else {
        return Ok(());
    };
    let mut kept = Vec::new();
    let mut words = std::mem::take(revisions).into_iter();
    while let Some(w) = words.next() {
        let (flag, inline) = match w.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (w.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| words.next())
                .ok_or_else(|| AppError::Usage(format!("stamp: {name} needs a value")))
        };
        match flag.as_str() {
            "--fleet" => args.fleet = true,
            "--resume" => args.resume = true,
            "--fail-fast" => args.fail_fast = true,
            "--targets" => args.targets = Some(value("--targets")?.into()),
            "--schemas" => args.schemas = Some(value("--schemas")?),
            "--jobs" => {
                let v = value("--jobs")?;
                args.jobs = Some(v.parse().map_err(|_| {
                    AppError::Usage(format!("stamp: --jobs `{v}` is not a number"))
                })?);
            }
            _ => kept.push(w),
        }
    }
    *revisions = kept;
    Ok(())
}

/// What runs on each target.
enum Job {
    Migrate {
        revision: String,
        direction: Direction,
        /// `--wait-replicas`: each PostgreSQL target waits for its own replicas.
        wait_replicas: Option<Vec<String>>,
    },
    Current,
    Check,
    Stamp {
        revisions: Vec<String>,
        purge: bool,
        accept_edits: bool,
    },
}

impl Job {
    fn of(command: Command) -> Result<Job, AppError> {
        let sql_refused = |name: &str| {
            AppError::Usage(format!(
                "{name} --sql prints the SQL of one database: run it without --targets, --fleet or --schemas"
            ))
        };
        Ok(match command {
            Command::Upgrade { sql: true, .. } | Command::Downgrade { sql: true, .. } => {
                return Err(sql_refused("upgrade/downgrade"))
            }
            Command::Upgrade {
                revision,
                wait_replicas,
                ..
            } => Job::Migrate {
                revision,
                direction: Direction::Up,
                wait_replicas,
            },
            Command::Downgrade {
                revision,
                wait_replicas,
                ..
            } => Job::Migrate {
                revision,
                direction: Direction::Down,
                wait_replicas,
            },
            Command::Current => Job::Current,
            Command::Check => Job::Check,
            Command::Stamp { sql: true, .. } => return Err(sql_refused("stamp")),
            Command::Stamp {
                revisions,
                purge,
                accept_edits,
                ..
            } => Job::Stamp {
                revisions,
                purge,
                accept_edits,
            },
            _ => {
                return Err(AppError::Usage(
                    "--targets, --fleet and --schemas are for upgrade, downgrade, current, check and stamp".to_string(),
                ))
            }
        })
    }

    fn name(&self) -> &'static str {
        match self {
            Job::Migrate {
                direction: Direction::Up,
                ..
            } => "upgrade",
            Job::Migrate { .. } => "downgrade",
            Job::Current => "current",
            Job::Check => "check",
            Job::Stamp { .. } => "stamp",
        }
    }

    /// The goal as the command line said it (`head`, `-1`, `ae10 b2c3`).
    fn goal(&self) -> String {
        match self {
            Job::Migrate { revision, .. } => revision.clone(),
            Job::Stamp {
                accept_edits: true, ..
            } => "--accept-edits".to_string(),
            Job::Stamp { revisions, .. } => revisions.join(" "),
            Job::Current | Job::Check => String::new(),
        }
    }

    /// Whether a target at `current` has nothing to do (`--resume` skips it). An expression
    /// that does not resolve from there is not "at the goal": the run reports it.
    fn at_goal(&self, session: &Session<'_>, current: &[String]) -> bool {
        match self {
            Job::Migrate {
                revision,
                direction: Direction::Up,
                ..
            } => session
                .map
                .upgrade_plan(current, revision)
                .is_ok_and(|s| s.is_empty()),
            Job::Migrate { revision, .. } => session
                .map
                .downgrade_plan(current, revision)
                .is_ok_and(|s| s.is_empty()),
            Job::Stamp {
                revisions,
                purge: false,
                accept_edits: false,
            } => {
                let refs: Vec<&str> = revisions.iter().map(String::as_str).collect();
                session
                    .map
                    .stamp_plan(current, &refs, false)
                    .is_ok_and(|p| p.changes.is_empty())
            }
            _ => false,
        }
    }

    /// The word for a target that did what was asked.
    fn done_word(&self, changed: bool) -> &'static str {
        match self {
            _ if !changed && matches!(self, Job::Migrate { .. } | Job::Stamp { .. }) => "at goal",
            Job::Migrate {
                direction: Direction::Up,
                ..
            } => "upgraded",
            Job::Migrate { .. } => "downgraded",
            Job::Stamp { .. } => "stamped",
            Job::Current => "ok",
            Job::Check => "in sync",
        }
    }

    /// `current` and `check` change nothing: one revision column.
    fn reads_only(&self) -> bool {
        matches!(self, Job::Current | Job::Check)
    }

    /// Runs the command on one target's session, its output into `out`.
    async fn run(&self, session: &Session<'_>, out: &mut dyn Write) -> Result<ExitCode, AppError> {
        match self {
            Job::Migrate {
                revision,
                direction,
                wait_replicas,
            } => {
                super::run::migrate(
                    session,
                    revision,
                    false,
                    wait_replicas.clone(),
                    *direction,
                    out,
                )
                .await
            }
            Job::Current => super::graph::current(session, session.verbose, out).await,
            Job::Check => super::autogen::check(session, out).await,
            Job::Stamp {
                revisions,
                purge,
                accept_edits,
            } => {
                super::stamp::run(
                    session,
                    revisions.clone(),
                    *purge,
                    false,
                    *accept_edits,
                    out,
                )
                .await
            }
        }
    }
}

/// How one target ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Status {
    /// Did what was asked (or had nothing to do).
    Ok,
    /// `--resume`: already at the goal, not run.
    Skipped,
    /// `check`: models and database differ.
    Differs,
    Failed,
    /// `--fail-fast` (or a usage error on another target): never started.
    NotStarted,
}

/// One target's line of the summary (and of the JSON summary's `targets`).
#[derive(Serialize)]
struct Outcome {
    #[serde(rename = "target")]
    label: String,
    /// The revisions before (`null`: could not be read).
    from: Option<Vec<String>>,
    /// The revisions after.
    to: Option<Vec<String>>,
    #[serde(rename = "duration_ms", serialize_with = "millis")]
    took: Duration,
    status: Status,
    /// The result as the table shows it (`upgraded`, `at goal`, `failed`, ...).
    result: String,
    #[serde(serialize_with = "error_text")]
    error: Option<AppError>,
    /// What the command printed for this target.
    output: String,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_millis() as u64)
}

/// An error as its (redacted) message.
fn error_text<S: serde::Serializer>(e: &Option<AppError>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_some(&retort_runner::redact_text(&e.to_string())),
        None => s.serialize_none(),
    }
}

/// `base`, or the revisions joined; `?` when they could not be read.
fn revisions_text(r: &Option<Vec<String>>) -> String {
    match r {
        None => "?".to_string(),
        Some(v) if v.is_empty() => "base".to_string(),
        Some(v) => v.join(","),
    }
}

/// The fleet's output: finished targets as lines, and on a terminal a block of live status
/// lines (one per running target) redrawn below them.
struct Board<'o> {
    out: &'o mut dyn Write,
    /// A terminal: redraw the live block.
    live: bool,
    /// Print a line per finished target (not `-q`, not JSON).
    lines: bool,
    style: Style,
    columns: usize,
    total: usize,
    done: usize,
    /// Running targets: label and last line of output.
    running: BTreeMap<usize, (String, String)>,
    /// Lines of the live block on screen.
    drawn: usize,
}

impl Board<'_> {
    fn erase(&mut self) {
        if self.drawn > 0 {
            let _ = write!(self.out, "\x1b[{}A\r\x1b[J", self.drawn);
            self.drawn = 0;
        }
    }

    fn draw(&mut self) {
        if !self.live {
            return;
        }
        self.erase();
        let width = self.columns.saturating_sub(1).max(20);
        let head = format!(
            "[{}/{} done, {} running]",
            self.done,
            self.total,
            self.running.len()
        );
        let mut lines = vec![head];
        for (label, status) in self.running.values() {
            lines.push(format!("  {label}: {status}"));
        }
        for l in &lines {
            let cut: String = l.chars().take(width).collect();
            say!(self.out, "{cut}");
        }
        self.drawn = lines.len();
        let _ = self.out.flush();
    }

    fn start(&mut self, i: usize, label: &str) {
        self.running
            .insert(i, (label.to_string(), "connecting".to_string()));
        self.draw();
    }

    fn status(&mut self, i: usize, text: &str) {
        if let Some(r) = self.running.get_mut(&i) {
            if r.1 != text {
                r.1 = text.to_string();
                self.draw();
            }
        }
    }

    fn finish(&mut self, i: usize, o: &Outcome) {
        self.running.remove(&i);
        self.done += 1;
        if self.lines {
            self.erase();
            let result = match o.status {
                Status::Ok | Status::Skipped => self.style.paint(style::GREEN, &o.result),
                _ => self.style.paint(style::YELLOW, &o.result),
            };
            // A read-only command changes nothing: one revision, not a move.
            let revisions = if o.from == o.to {
                format!("at {}", revisions_text(&o.to))
            } else {
                format!("{} -> {}", revisions_text(&o.from), revisions_text(&o.to))
            };
            say!(
                self.out,
                "[{}/{}] {}: {result}, {revisions} ({})",
                self.done,
                self.total,
                o.label,
                super::run::human_duration(o.took)
            );
        }
        self.draw();
    }
}

/// A target's output: kept, and its last line shown as the target's live status.
struct TargetOut<'b, 'o> {
    board: &'b RefCell<Board<'o>>,
    index: usize,
    buf: Vec<u8>,
}

impl Write for TargetOut<'_, '_> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        // The last line is in the tail (a status line is cut to the terminal's width anyway).
        let tail = &self.buf[self.buf.len().saturating_sub(1024)..];
        let text = String::from_utf8_lossy(tail);
        let last = text
            .trim_end_matches('\n')
            .rsplit('\n')
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        if !last.is_empty() {
            self.board.borrow_mut().status(self.index, &last);
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The JSON summary of a fleet run.
#[derive(Serialize)]
struct FleetJson<'a> {
    format_version: u32,
    command: &'static str,
    goal: String,
    jobs: usize,
    targets: &'a [Outcome],
    ok: usize,
    skipped: usize,
    differs: usize,
    failed: usize,
    not_started: usize,
    duration_ms: u64,
}

/// The targets the command line and `retort.toml` name.
async fn collect(args: &FleetArgs, session: &Session<'_>) -> Result<Vec<Target>, AppError> {
    let cwd = &session.ctx.cwd;
    let mut out = Vec::new();
    let mut pattern = args.schemas.clone();
    if let Some(file) = &args.targets {
        out.extend(targets::read_file(&cwd.join(file), cwd)?);
    }
    if args.fleet {
        let (listed, schemas) = targets::from_config(&session.cfg, cwd)?;
        out.extend(listed);
        pattern = pattern.or(schemas);
    }
    if session.url_flag.is_some() && pattern.is_none() {
        return Err(AppError::Usage(
            "--url names one database and --targets/--fleet a set of them: give one or the other (with --schemas, --url is the database whose schemas are taken)".to_string(),
        ));
    }
    if let Some(p) = pattern {
        let url = session.url()?;
        let t = session.run_options().timeouts();
        out.extend(targets::schemas(&url, &p, &t).await?);
    }
    targets::check_unique(&out)?;
    Ok(out)
}

/// Runs `command` over the fleet.
pub(crate) async fn run(
    command: Command,
    args: &FleetArgs,
    session: &Session<'_>,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let job = Job::of(command)?;
    if args.resume && job.reads_only() {
        return Err(AppError::Usage(format!(
            "--resume skips the targets already at the goal of upgrade, downgrade or stamp; `{}` has no goal",
            job.name()
        )));
    }
    let jobs = args
        .jobs
        .or(session.cfg.config.targets.as_ref().and_then(|t| t.jobs))
        .unwrap_or(DEFAULT_JOBS);
    if jobs == 0 {
        return Err(AppError::Usage(
            "--jobs 0: at least one target must run at a time".to_string(),
        ));
    }
    let list = collect(args, session).await?;
    let started = Instant::now();
    let text = !session.json && !session.quiet;
    if text {
        let goal = job.goal();
        say!(
            out,
            "{}{}{} on {} target{}, {} at a time",
            job.name(),
            if goal.is_empty() { "" } else { " " },
            goal,
            list.len(),
            if list.len() == 1 { "" } else { "s" },
            jobs.min(list.len())
        );
    }
    let board = RefCell::new(Board {
        out,
        live: text && session.ctx.terminal,
        lines: text,
        style: session.style,
        columns: session
            .ctx
            .env
            .get("COLUMNS")
            .and_then(|c| c.parse().ok())
            .unwrap_or(80),
        total: list.len(),
        done: 0,
        running: BTreeMap::new(),
        drawn: 0,
    });
    let stop = Cell::new(false);
    let mut outcomes: Vec<(usize, Outcome)> = stream::iter(list.iter().enumerate())
        .map(|(i, target)| {
            let (job, board, stop) = (&job, &board, &stop);
            async move {
                let o = if stop.get() {
                    not_started(target)
                } else {
                    board.borrow_mut().start(i, &target.label);
                    one(i, target, job, args, session, board).await
                };
                let usage = o
                    .error
                    .as_ref()
                    .is_some_and(|e| e.exit_code() == ExitCode::Usage);
                if usage || (args.fail_fast && o.status == Status::Failed) {
                    stop.set(true);
                }
                if o.status != Status::NotStarted {
                    board.borrow_mut().finish(i, &o);
                }
                (i, o)
            }
        })
        .buffer_unordered(jobs)
        .collect()
        .await;
    outcomes.sort_by_key(|(i, _)| *i);
    let outcomes: Vec<Outcome> = outcomes.into_iter().map(|(_, o)| o).collect();
    let mut board = board.into_inner();
    board.erase();
    let out = board.out;
    // A usage error (a revision expression that does not resolve) is the same on every
    // target: it is the command's error, said once.
    if let Some(e) = outcomes.iter().position(|o| {
        o.error
            .as_ref()
            .is_some_and(|e| e.exit_code() == ExitCode::Usage)
    }) {
        let mut outcomes = outcomes;
        let o = outcomes.swap_remove(e);
        return Err(o.error.expect("found above"));
    }
    let count = |s: Status| outcomes.iter().filter(|o| o.status == s).count();
    let (failed, differs, not_started) = (
        count(Status::Failed),
        count(Status::Differs),
        count(Status::NotStarted),
    );
    if session.json {
        json::print(
            out,
            &FleetJson {
                format_version: json::FORMAT_VERSION,
                command: job.name(),
                goal: job.goal(),
                jobs,
                ok: count(Status::Ok),
                skipped: count(Status::Skipped),
                differs,
                failed,
                not_started,
                duration_ms: started.elapsed().as_millis() as u64,
                targets: &outcomes,
            },
        );
    } else {
        summary(out, &job, &outcomes, started.elapsed(), session.verbose);
    }
    if failed + not_started > 0 {
        let names: Vec<&str> = outcomes
            .iter()
            .filter(|o| o.status == Status::Failed)
            .map(|o| o.label.as_str())
            .take(5)
            .collect();
        let more = if failed > names.len() { ", ..." } else { "" };
        let skipped = if not_started > 0 {
            format!("; {not_started} not started (--fail-fast)")
        } else {
            String::new()
        };
        return Err(AppError::Failed(format!(
            "{failed} of {} targets failed ({}{more}){skipped}; the others are unharmed. Fix them and run the command again with --resume",
            outcomes.len(),
            names.join(", ")
        )));
    }
    Ok(if differs > 0 {
        ExitCode::Failure
    } else {
        ExitCode::Success
    })
}

fn not_started(target: &Target) -> Outcome {
    Outcome {
        label: target.label.clone(),
        from: None,
        to: None,
        took: Duration::ZERO,
        status: Status::NotStarted,
        result: "not started".to_string(),
        error: None,
        output: String::new(),
    }
}

/// Runs the job on one target, in a session of its own.
async fn one(
    index: usize,
    target: &Target,
    job: &Job,
    args: &FleetArgs,
    base: &Session<'_>,
    board: &RefCell<Board<'_>>,
) -> Outcome {
    let start = Instant::now();
    let mut cfg = base.cfg.clone();
    if let Some(s) = &target.schema {
        // The version table (and its lock key) in the target's schema; the models compared
        // with the schema `search_path` names.
        cfg.config.version_table_schema = Some(s.clone());
        cfg.config.include_schemas.clear();
    }
    let mut o = Outcome {
        label: target.label.clone(),
        from: None,
        to: None,
        took: Duration::ZERO,
        status: Status::Failed,
        result: "failed".to_string(),
        error: None,
        output: String::new(),
    };
    let map = match base.ctx.migrations.revision_map() {
        Ok(m) => m,
        Err(e) => {
            o.error = Some(AppError::from(e));
            return o;
        }
    };
    let output = Output {
        quiet: false,
        verbose: base.verbose,
        json: false,
        style: Style::default(),
    };
    let session = Session::new(base.ctx, cfg, map, Some(target.url.clone()), output);
    // Read first: the summary's `from`, and what --resume decides on. A failure to read is
    // the run's to report (a MySQL/MariaDB marker is the runner's to judge).
    let before = session.read_current().await;
    if let Err(e) = &before {
        if job.reads_only()
            || !matches!(e, AppError::Run(r) if matches!(**r, retort_runner::RunError::Interrupted { .. }))
        {
            session.close().await;
            o.error = before.err();
            o.took = start.elapsed();
            return o;
        }
    }
    o.from = before.ok();
    if args.resume && o.from.as_deref().is_some_and(|c| job.at_goal(&session, c)) {
        session.close().await;
        o.to = o.from.clone();
        o.status = Status::Skipped;
        o.result = "skipped (at goal)".to_string();
        o.took = start.elapsed();
        return o;
    }
    let mut w = TargetOut {
        board,
        index,
        buf: Vec::new(),
    };
    let r = job.run(&session, &mut w).await;
    o.output = String::from_utf8_lossy(&w.buf).into_owned();
    o.to = if job.reads_only() {
        o.from.clone()
    } else {
        session.read_current().await.ok()
    };
    session.close().await;
    o.took = start.elapsed();
    match r {
        Ok(ExitCode::Success) => {
            o.status = Status::Ok;
            o.result = job.done_word(o.from != o.to).to_string();
        }
        Ok(_) => {
            o.status = Status::Differs;
            o.result = "differs".to_string();
        }
        Err(e) => o.error = Some(e),
    }
    o
}

/// The table at the end: target, from, to (one column for current/check), duration, result;
/// the counts; each failed target's error and each differing target's output.
fn summary(out: &mut dyn Write, job: &Job, outcomes: &[Outcome], took: Duration, verbose: bool) {
    let mut rows: Vec<Vec<String>> = vec![if job.reads_only() {
        ["TARGET", "AT", "DURATION", "RESULT"]
            .map(str::to_string)
            .to_vec()
    } else {
        ["TARGET", "FROM", "TO", "DURATION", "RESULT"]
            .map(str::to_string)
            .to_vec()
    }];
    for o in outcomes {
        let mut row = vec![o.label.clone(), revisions_text(&o.from)];
        if !job.reads_only() {
            row.push(revisions_text(&o.to));
        }
        let took = if o.status == Status::NotStarted {
            "-".to_string()
        } else {
            super::run::human_duration(o.took)
        };
        row.extend([took, o.result.clone()]);
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0))
        .collect();
    say!(out, "");
    for r in &rows {
        let cells: Vec<String> = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        say!(out, "{}", cells.join("  ").trim_end());
    }
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for o in outcomes {
        *counts.entry(o.result.as_str()).or_default() += 1;
    }
    let counts: Vec<String> = counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
    say!(
        out,
        "{} target{} in {}: {}",
        outcomes.len(),
        if outcomes.len() == 1 { "" } else { "s" },
        super::run::human_duration(took),
        counts.join(", ")
    );
    for o in outcomes {
        if let Some(e) = &o.error {
            say!(
                out,
                "{}: error: {}",
                o.label,
                retort_runner::redact_text(&e.to_string())
            );
        }
        if o.status == Status::Differs || (verbose && !o.output.is_empty()) {
            say!(out, "--- {} ---", o.label);
            let _ = write!(out, "{}", o.output);
        }
    }
}
