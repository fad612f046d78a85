//! `upgrade` and `downgrade`: the run, its progress lines (Alembic's `Running upgrade a -> b`)
//! and its JSON summary; `--sql` prints the script instead.

use std::io::Write;
use std::time::Duration;

use retort_revision::Direction;
use retort_runner::Event;

use crate::error::{resolve_err_in, AppError, ExitCode};
use crate::json;
use crate::session::Session;
use crate::style::{self, say};

/// The ends of one step: (from, to). Upgrade: parents -> revision; downgrade: the reverse.
fn step_ends(
    session: &Session<'_>,
    revision: &str,
    direction: Direction,
) -> (Vec<String>, Vec<String>) {
    let parents = session
        .map
        .get(revision)
        .map(|h| h.down_revisions.clone())
        .unwrap_or_default();
    match direction {
        Direction::Up => (parents, vec![revision.to_string()]),
        Direction::Down => (vec![revision.to_string()], parents),
    }
}

pub(crate) fn other_text(e: Event) -> Option<String> {
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
    summary: json::Migrate,
}

/// `Running upgrade a -> b, message` for one revision of a plan (the message from its header).
fn running_line(session: &Session<'_>, revision: &str, direction: Direction) -> String {
    let msg = session
        .map
        .get(revision)
        .map(|h| h.message.as_str())
        .unwrap_or("");
    running_text(session, revision, direction, msg)
}

/// `Running upgrade a -> b, <first line of message>`.
pub(crate) fn running_text(
    session: &Session<'_>,
    revision: &str,
    direction: Direction,
    message: &str,
) -> String {
    let (from, to) = step_ends(session, revision, direction);
    let msg = message.lines().next().unwrap_or("");
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
            summary: json::Migrate {
                format_version: json::FORMAT_VERSION,
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

    fn text(&self, session: &Session<'_>) -> bool {
        !session.quiet && !session.json
    }

    fn close_line(&mut self, out: &mut dyn Write) {
        if self.line_open {
            say!(out, "");
            self.line_open = false;
        }
    }

    fn event(&mut self, session: &Session<'_>, out: &mut dyn Write, e: Event) {
        match e {
            Event::Applying {
                revision,
                direction,
                message,
            } => {
                self.close_line(out);
                let (from, to) = step_ends(session, &revision, direction);
                let msg = message.lines().next().unwrap_or("").to_string();
                if self.text(session) {
                    let line = running_line(session, &revision, direction);
                    let pad = self.width.saturating_sub(line.chars().count());
                    let _ = write!(out, "{line}{} ...", " ".repeat(pad));
                    let _ = out.flush();
                    self.line_open = true;
                }
                self.running = Some((self.summary.revisions.len(), std::time::Instant::now()));
                self.summary.revisions.push(json::Ran {
                    revision,
                    from,
                    to,
                    message: msg,
                    duration_ms: 0,
                    committed: false,
                });
            }
            Event::Statement { sql, .. } => {
                if session.verbose && self.text(session) {
                    self.close_line(out);
                    say!(out, "    {}", sql.trim_end());
                }
            }
            Event::Applied { .. } => {
                if let Some((i, start)) = self.running.take() {
                    let took = start.elapsed();
                    self.summary.revisions[i].duration_ms = took.as_millis() as u64;
                    self.summary.revisions[i].committed = true;
                    if self.text(session) {
                        if !self.line_open {
                            let _ = write!(out, "  ...");
                        }
                        let done = format!("done in {}", human_duration(took));
                        say!(out, " {}", session.style.paint(style::GREEN, &done));
                        self.line_open = false;
                    }
                }
            }
            other => {
                if let Some(line) = other_text(other) {
                    if self.text(session) {
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
    session: &Session<'_>,
    current: &[String],
    target: &str,
    direction: Direction,
) -> Result<Vec<retort_revision::Step>, AppError> {
    let r = match direction {
        Direction::Up => session.map.upgrade_plan(current, target),
        Direction::Down => session.map.downgrade_plan(current, target),
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
        Err(e) => Err(resolve_err_in(&session.map, e)),
    }
}

/// The runner's event sink for [`with_events`]; dropped when the run ends.
pub(crate) type Events = Box<dyn FnMut(Event) + Send>;

/// Runs `work` (a runner call, given the event sink, which it drops when it ends) while
/// `on_event` handles each event as it comes: progress is printed during the run, not after.
pub(crate) async fn with_events<T, F>(
    work: impl FnOnce(Events) -> F,
    mut on_event: impl FnMut(Event),
) -> T
where
    F: std::future::Future<Output = T>,
{
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let events: Events = Box::new(move |e: Event| {
        let _ = tx.send(e);
    });
    let drain = async {
        while let Some(e) = rx.recv().await {
            on_event(e);
        }
    };
    let (r, ()) = tokio::join!(work(events), drain);
    r
}

/// `upgrade` / `downgrade` to `target` (`--sql`: prints the script, a range allowed).
pub(crate) async fn migrate(
    session: &Session<'_>,
    target: &str,
    sql: bool,
    wait_replicas: Option<Vec<String>>,
    direction: Direction,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let mut opts = session.run_options();
    if wait_replicas.is_some() {
        if sql {
            return Err(AppError::Usage(
                "--wait-replicas waits for a live run to reach the replicas; with --sql nothing runs: leave one of them out".to_string(),
            ));
        }
        if wait_replicas.iter().flatten().any(|n| n.trim().is_empty()) {
            return Err(AppError::Usage(
                "--wait-replicas= names no replica (or an empty one): give the replicas' application_name values, comma-separated, or `--wait-replicas` alone for every connected replica".to_string(),
            ));
        }
        opts.wait_for_replicas = wait_replicas;
    }
    if sql {
        let d = session.url_dialect()?;
        let mut notes = Vec::new();
        let script = retort_runner::offline_with_events(
            &session.ctx.migrations,
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
    let mut db = session.db().await?;
    let r = async {
        // A MySQL/MariaDB progress marker seen before the lock is taken may be another
        // deploy's revision in progress: the runner waits for the lock and decides there
        // (it reports the marker if the wait expires, and an interrupted revision once it
        // holds the lock).
        let (current, marker) = match retort_runner::current(&mut db, &opts).await {
            Err(retort_runner::RunError::Interrupted { .. }) => (Vec::new(), true),
            r => (r?, false),
        };
        let set = &session.ctx.migrations;
        // Inside a squashed range the runner plans through the kept originals first.
        let inside_squash = current
            .iter()
            .any(|c| session.map.get(c).is_none() && set.squashed_script(c).is_some());
        let steps = if inside_squash || marker {
            Vec::new()
        } else {
            validate_plan(session, &current, target, direction)?
        };
        let mut progress = Progress::new(direction, target);
        if session.style.on {
            // On a terminal, the durations line up.
            progress.width = steps
                .iter()
                .map(|st| {
                    running_line(session, &st.revision, direction)
                        .chars()
                        .count()
                })
                .max()
                .unwrap_or(0);
        }
        let report = {
            let (db, opts) = (&mut *db, &opts);
            with_events(
                |mut events| async move {
                    let events = &mut *events;
                    match direction {
                        Direction::Up => {
                            retort_runner::upgrade(db, set, target, opts, events).await
                        }
                        Direction::Down => {
                            retort_runner::downgrade(db, set, target, opts, events).await
                        }
                    }
                },
                |e| progress.event(session, out, e),
            )
            .await
        };
        progress.close_line(out);
        // An empty plan was said once already, by the runner's "nothing to do" note.
        if let Err(e) = report {
            let e = AppError::from(e);
            if session.json {
                // What ran before the failure, for tools; the error also goes to stderr.
                progress.summary.error = Some(retort_runner::redact_text(&e.to_string()));
                progress.summary.current = retort_runner::current(&mut db, &opts)
                    .await
                    .unwrap_or_default();
                progress.summary.duration_ms = progress.started.elapsed().as_millis() as u64;
                json::print(out, &progress.summary);
            }
            return Err(e);
        }
        if session.json {
            progress.summary.current = retort_runner::current(&mut db, &opts).await?;
            progress.summary.duration_ms = progress.started.elapsed().as_millis() as u64;
            json::print(out, &progress.summary);
        }
        Ok::<_, AppError>(())
    }
    .await;
    drop(db);
    r?;
    Ok(ExitCode::Success)
}
