//! `resume`: finishes (or settles) a revision interrupted on MySQL/MariaDB, where every DDL
//! statement commits on its own and a crash leaves a revision half applied. The runner records
//! each revision's progress beside the version table (`retort_runner::Progress`); this command
//! runs what remains (`retort_runner::resume`). PostgreSQL and SQLite run each revision in one
//! transaction, so there is never anything to resume there.
//!
//! Named after what it does to the interrupted revision, in either direction (an interrupted
//! `downgrade` resumes as a downgrade), which `upgrade --resume` would not say; Alembic has no
//! such command, and sqlx-cli only refuses a `dirty` database.

use std::io::Write;

use retort_runner::{Event, ResumeMode};

use crate::error::{AppError, ExitCode};
use crate::session::Session;
use crate::style::say;

/// `retort resume [--finished | --abandon]`.
pub(crate) async fn run(
    env: &Session<'_>,
    finished: bool,
    abandon: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let mode = match (finished, abandon) {
        (false, false) => ResumeMode::Run,
        (true, false) => ResumeMode::Finished,
        (false, true) => ResumeMode::Abandon,
        (true, true) => {
            return Err(AppError::Usage(
                "resume: --finished (the rest was done by hand) and --abandon (it was undone by hand) exclude each other".to_string(),
            ))
        }
    };
    let opts = env.run_options();
    let mut events: Vec<Event> = Vec::new();
    let r = {
        let mut db = env.db().await?;
        retort_runner::resume(&mut db, &env.ctx.migrations, mode, &opts, &mut |e| {
            events.push(e)
        })
        .await
    };
    if !env.quiet {
        for e in events {
            match e {
                Event::Applying {
                    revision,
                    direction,
                    message,
                } if mode == ResumeMode::Run => say!(
                    out,
                    "Resuming {} of {revision}, {message}",
                    word(direction)
                ),
                Event::Statement { sql, comment } if env.verbose => {
                    if comment.is_empty() {
                        say!(out, "  {sql}")
                    } else {
                        say!(out, "  {sql}  -- {comment}")
                    }
                }
                Event::Note(n) => say!(out, "note: {n}"),
                Event::Drift {
                    revision,
                    table,
                    differences,
                } => say!(
                    out,
                    "warning: {revision}: table `{table}` differs from what the history says: {differences}"
                ),
                Event::Applied {
                    revision,
                    direction,
                } => say!(
                    out,
                    "Recorded {revision} ({}); the marker of the interrupted revision is cleared",
                    word(direction)
                ),
                _ => {}
            }
        }
    }
    r?;
    Ok(ExitCode::Success)
}

fn word(d: retort_runner::Direction) -> &'static str {
    match d {
        retort_runner::Direction::Up => "upgrade",
        retort_runner::Direction::Down => "downgrade",
    }
}
