//! The commands that read the revision graph: `history`, `heads`, `branches`, `show`,
//! `current`.

use std::io::Write;

use retort_revision::Header;

use crate::error::{resolve_err_in, AppError, ExitCode};
use crate::graph::{self, Line};
use crate::session::{missing_file_text, Session};
use crate::style::say;
use crate::{applied, json};

pub(crate) async fn history(
    session: &Session<'_>,
    range: Option<&str>,
    verbose: bool,
    indicate_current: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let needs_db = indicate_current || range.is_some_and(|r| r.contains("current"));
    let current = current_if(session, needs_db).await?;
    let revs = session
        .map
        .history(range, &current)
        .map_err(|e| resolve_err_in(&session.map, e))?;
    if session.json {
        return Ok(print_revisions(session, out, revs, &current));
    }
    let applied = if verbose {
        applied::log_for_history(session, out).await
    } else {
        None
    };
    if !verbose {
        let line = Line {
            include_branches: true,
            include_doc: true,
            include_parents: true,
            tree_indicators: true,
            head_indicators: true,
        };
        let texts: Vec<String> = revs
            .iter()
            .map(|h| graph::head_only(&session.map, h, line, &current))
            .collect();
        // A straight line is printed as Alembic does; branches and merges as a graph.
        let forks = revs.iter().any(|h| {
            session.map.is_branch_point(&h.revision) || session.map.is_merge_point(&h.revision)
        });
        let lines = if forks {
            graph::draw_history(&revs, &texts)
        } else {
            texts
        };
        // One write for the whole history: stdout is line-buffered, and a write per line is
        // a system call per revision (10,000 of them on a long history).
        let mut text = String::new();
        for l in lines {
            text.push_str(&session.style.revision_line(&l));
            text.push('\n');
        }
        let _ = out.write_all(text.as_bytes());
        return Ok(ExitCode::Success);
    }
    let mut text = String::new();
    for h in revs {
        text.push_str(&log_entry(session, h, &current));
        text.push('\n');
        if let Some(a) = &applied {
            text.push_str(&a.lines_for(&h.revision));
        }
    }
    let _ = out.write_all(text.as_bytes());
    Ok(ExitCode::Success)
}

pub(crate) fn heads(
    session: &Session<'_>,
    verbose: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    if session.json {
        return Ok(print_revisions(
            session,
            out,
            session
                .map
                .heads()
                .into_iter()
                .filter_map(|id| session.map.get(id)),
            &[],
        ));
    }
    for id in session.map.heads() {
        let Some(h) = session.map.get(id) else {
            continue;
        };
        if verbose {
            say!(out, "{}", log_entry(session, h, &[]));
        } else {
            say!(
                out,
                "{}",
                head_line(
                    session,
                    h,
                    Line {
                        include_branches: true,
                        head_indicators: true,
                        ..Line::default()
                    }
                )
            );
        }
    }
    Ok(ExitCode::Success)
}

pub(crate) fn branches(
    session: &Session<'_>,
    verbose: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let mut points = session.map.branch_points();
    points.reverse(); // newest first, like history
    for id in points {
        let Some(h) = session.map.get(id) else {
            continue;
        };
        let path = session.script_path(id);
        let _ = write!(
            out,
            "{}",
            graph::branch_point(&session.map, h, verbose, path.as_deref())
        );
    }
    Ok(ExitCode::Success)
}

pub(crate) async fn show(
    session: &Session<'_>,
    rev: &str,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let current = current_if(
        session,
        rev.contains("current") || rev.starts_with(['+', '-']),
    )
    .await?;
    let ids = session
        .map
        .resolve(rev, &current)
        .map_err(|e| resolve_err_in(&session.map, e))?;
    if session.json {
        return Ok(print_revisions(
            session,
            out,
            ids.iter().filter_map(|id| session.map.get(id)),
            &current,
        ));
    }
    if ids.is_empty() {
        say!(out, "<base>");
        return Ok(ExitCode::Success);
    }
    for id in ids {
        if let Some(h) = session.map.get(&id) {
            say!(out, "{}", log_entry(session, h, &current));
        }
    }
    Ok(ExitCode::Success)
}

pub(crate) async fn current(
    session: &Session<'_>,
    verbose: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    if let Some(p) = session.missing_db_file() {
        // An empty database: no revision. Said with -v; never created.
        if verbose && !session.json {
            say!(
                out,
                "note: {} (no revision is applied)",
                missing_file_text(&p)
            );
        }
        if session.json {
            json::print(
                out,
                &json::Current {
                    format_version: json::FORMAT_VERSION,
                    revisions: Vec::new(),
                },
            );
        }
        return Ok(ExitCode::Success);
    }
    let current = session.read_current().await?;
    session
        .map
        .check_current(&current)
        .map_err(|e| AppError::Failed(e.to_string()))?;
    if session.json {
        let mut revisions = Vec::new();
        for id in &current {
            let Some(h) = session.map.get(id) else {
                return Err(AppError::Failed(
                    retort_revision::ResolveError::UnknownCurrent { id: id.clone() }.to_string(),
                ));
            };
            revisions.push(json::Revision::new(
                &session.map,
                h,
                session.script_path(id),
                &current,
            ));
        }
        json::print(
            out,
            &json::Current {
                format_version: json::FORMAT_VERSION,
                revisions,
            },
        );
        return Ok(ExitCode::Success);
    }
    let applied = if verbose {
        Some(applied::read(session).await?)
    } else {
        None
    };
    if verbose {
        say!(
            out,
            "Current revision(s) for {}:",
            retort_runner::redact_url(&session.url()?)
        );
    }
    for id in &current {
        let Some(h) = session.map.get(id) else {
            return Err(AppError::Failed(
                retort_revision::ResolveError::UnknownCurrent { id: id.clone() }.to_string(),
            ));
        };
        if verbose {
            say!(out, "{}", log_entry(session, h, &current));
            if let Some(a) = &applied {
                let _ = write!(out, "{}", a.lines_for(id));
            }
        } else {
            let line = Line {
                include_branches: true,
                tree_indicators: true,
                head_indicators: true,
                ..Line::default()
            };
            say!(out, "{}", head_line(session, h, line));
        }
    }
    if verbose {
        if let Some(note) = applied.as_ref().and_then(|a| a.missing_log_note(&current)) {
            say!(out, "{note}");
        }
        say!(out, "{}", applied::source_line(session));
    }
    Ok(ExitCode::Success)
}

/// `--format json` for a list of revisions (`history`, `heads`, `show`).
fn print_revisions<'h>(
    session: &Session<'_>,
    out: &mut dyn Write,
    revs: impl IntoIterator<Item = &'h Header>,
    current: &[String],
) -> ExitCode {
    let revisions = revs
        .into_iter()
        .map(|h| json::Revision::new(&session.map, h, session.script_path(&h.revision), current))
        .collect();
    json::print(
        out,
        &json::Revisions {
            format_version: json::FORMAT_VERSION,
            revisions,
        },
    );
    ExitCode::Success
}

/// One revision as `history -v` / `show` print it, with its script's path.
fn log_entry(session: &Session<'_>, h: &Header, current: &[String]) -> String {
    let path = session.script_path(&h.revision);
    graph::log_entry(&session.map, h, path.as_deref(), current)
}

/// The database's current heads when the expression needs them; else none (no connection).
async fn current_if(session: &Session<'_>, needed: bool) -> Result<Vec<String>, AppError> {
    if needed {
        session.read_current().await
    } else {
        Ok(Vec::new())
    }
}

/// One revision on one line (`heads`, `current`), coloured on a terminal.
fn head_line(session: &Session<'_>, h: &Header, line: Line) -> String {
    session
        .style
        .revision_line(&graph::head_only(&session.map, h, line, &[]))
}
