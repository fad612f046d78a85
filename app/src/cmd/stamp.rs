//! `stamp`: writes the version table without running migrations (`--sql`: prints the SQL);
//! `stamp --accept-edits`: records the checksums of edited applied scripts.

use std::io::Write;

use retort_runner::Event;

use crate::cmd::run::{other_text, running_text, with_events};
use crate::error::{resolve_err_in, AppError, ExitCode};
use crate::session::Session;
use crate::style::say;

/// `stamp [REV...] [--purge] [--sql]`, `stamp --accept-edits`.
pub(crate) async fn run(
    session: &Session<'_>,
    revisions: Vec<String>,
    purge: bool,
    sql: bool,
    accept_edits: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    // REV takes hyphen values (`-1:head`), so clap hands flags written after the first
    // revision over as revisions; no revision expression starts with `--`.
    let (flags, revisions): (Vec<String>, Vec<String>) = revisions
        .into_iter()
        .partition(|r| r.starts_with("--") || r == "-h");
    let (mut purge, mut sql, mut accept_edits) = (purge, sql, accept_edits);
    for f in &flags {
        match f.as_str() {
            "--purge" => purge = true,
            "--sql" => sql = true,
            "--accept-edits" => accept_edits = true,
            "--help" | "-h" => {
                // `stamp REV --help`: help, as for every other command.
                let mut cli = <crate::cli::Cli as clap::CommandFactory>::command();
                if let Some(c) = cli.find_subcommand_mut("stamp") {
                    let help = if f == "-h" {
                        c.render_help()
                    } else {
                        c.render_long_help()
                    };
                    let _ = write!(out, "{help}");
                }
                return Ok(ExitCode::Success);
            }
            other => {
                return Err(AppError::Usage(format!(
                    "stamp: unexpected argument `{other}` (the options are --purge, --sql and --accept-edits)"
                )))
            }
        }
    }
    if accept_edits {
        if !revisions.is_empty() || purge || sql {
            return Err(AppError::Usage(
                "stamp --accept-edits takes no revision and no other option: it records the checksums of the applied scripts as they are now".to_string(),
            ));
        }
        return accept(session, out).await;
    }
    if revisions.is_empty() {
        return Err(AppError::Usage(
            "stamp needs at least one revision (e.g. `stamp head`)".to_string(),
        ));
    }
    if sql {
        // Offline: the version-table SQL, printed.
        let (d, opts) = (session.url_dialect()?, session.run_options());
        let set = &session.ctx.migrations;
        let _ = write!(
            out,
            "{}",
            retort_runner::stamp_sql(set, d, &revisions, purge, &opts)?
        );
        return Ok(ExitCode::Success);
    }
    stamp(session, &revisions, purge, out).await
}

/// Prints a progress event like Alembic's log lines.
fn print_event(session: &Session<'_>, out: &mut dyn Write, e: Event) {
    if session.quiet || session.json {
        return;
    }
    let line = match e {
        Event::Applying {
            ref revision,
            direction,
            ref message,
        } => Some(running_text(session, revision, direction, message)),
        other => other_text(other),
    };
    if let Some(line) = line {
        say!(out, "{line}");
    }
}

/// `stamp REV...` online: the version table written in the migration lock.
async fn stamp(
    session: &Session<'_>,
    targets: &[String],
    purge: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let opts = session.run_options();
    let mut db = session.db().await?;
    let r = async {
        let current = retort_runner::current(&mut db, &opts).await?;
        let refs: Vec<&str> = targets.iter().map(String::as_str).collect();
        session
            .map
            .stamp_plan(&current, &refs, purge)
            .map_err(|e| match e {
                e @ retort_revision::ResolveError::UnknownCurrent { .. } => AppError::Resolve {
                    source: e,
                    hint: "; `stamp --purge <rev>` rewrites the version table",
                },
                e => resolve_err_in(&session.map, e),
            })?;
        let report = {
            let (db, opts) = (&mut *db, &opts);
            let set = &session.ctx.migrations;
            with_events(
                |mut events| async move {
                    retort_runner::stamp(db, set, targets, purge, opts, &mut *events).await
                },
                |e| print_event(session, out, e),
            )
            .await
        };
        Ok::<_, AppError>(report?)
    }
    .await;
    drop(db);
    let report = r?;
    if !session.quiet {
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

/// `stamp --accept-edits`.
async fn accept(session: &Session<'_>, out: &mut dyn Write) -> Result<ExitCode, AppError> {
    let opts = session.run_options();
    let mut db = session.db().await?;
    let before = retort_runner::verify_applied(&mut db, &session.ctx.migrations, &opts).await?;
    let report =
        retort_runner::accept_edits(&mut db, &session.ctx.migrations, &opts, &mut |_| {}).await?;
    drop(db);
    if report.applied.is_empty() {
        say!(
            out,
            "No applied script changed since it ran: nothing to accept."
        );
    }
    for rev in &report.applied {
        match before.iter().find(|m| &m.revision == rev) {
            Some(m) => say!(
                out,
                "Accepted the edit of revision {rev} ({}): checksum {} -> {}",
                m.file_name,
                m.recorded,
                m.compiled
            ),
            None => say!(out, "Accepted the edit of revision {rev}"),
        }
    }
    Ok(ExitCode::Success)
}
