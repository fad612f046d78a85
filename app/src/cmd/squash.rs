//! `squash REV`: folds the history from base up to REV into REV itself. REV keeps its id (so
//! the revisions after it, and every database at REV or past it, still find it in the graph);
//! its script becomes one `upgrade` that creates the schema the history produced at REV (the
//! replayed schema, rendered once as autogenerate renders it) and a `downgrade` that drops it;
//! the scripts below REV are removed. Refused when a revision in the range runs raw SQL, Rust
//! code or inserts rows (the result would not be knowable from the operations), or when a
//! revision outside the range builds on one inside it other than REV.

use std::collections::BTreeSet;
use std::io::Write;

use retort_revision::{Direction, Header};
use retort_runner::MigrationStep;
use retort_schema::{Dialect, Op};

use crate::error::{resolve_err, AppError, ExitCode};
use crate::session::{display_path, Session};
use crate::style::say;

/// REV and everything it needs below it (`Revises:` and `Depends on:`).
fn range(session: &Session<'_>, rev: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![rev.to_string()];
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(h) = session.map.get(&id) {
            stack.extend(h.down_revisions.iter().cloned());
            stack.extend(h.depends_on.iter().filter_map(|d| {
                session
                    .map
                    .get(d)
                    .map(|h| h.revision.clone())
                    .or_else(|| session.map.label_owner(d).map(str::to_string))
            }));
        }
    }
    seen
}

pub(crate) fn run(
    session: &Session<'_>,
    rev: &str,
    message: Option<String>,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let ids = session.map.resolve(rev, &[]).map_err(resolve_err)?;
    let [top] = ids.as_slice() else {
        return Err(AppError::Usage(format!(
            "squash {rev}: name one revision (it resolves to {})",
            if ids.is_empty() {
                "base".to_string()
            } else {
                ids.join(", ")
            }
        )));
    };
    let folded = range(session, top);
    if folded.len() < 2 {
        return Err(AppError::Usage(format!(
            "squash {rev}: {top} has nothing below it to fold"
        )));
    }
    // Revisions after the range must build on REV only.
    let mut outside = Vec::new();
    for id in session.map.topological() {
        if folded.contains(id) {
            continue;
        }
        let Some(h) = session.map.get(id) else {
            continue;
        };
        for p in h.down_revisions.iter().chain(&h.depends_on) {
            if p != top && folded.contains(p) {
                outside.push(format!("{id} builds on {p}"));
            }
        }
    }
    if !outside.is_empty() {
        return Err(AppError::Failed(format!(
            "squash {top}: revisions outside the range build on revisions inside it ({}); squash up to a revision they descend from too (merge the branches first)",
            outside.join("; ")
        )));
    }
    // Every step in the range must be an operation whose effect the replay knows.
    let set = &session.ctx.migrations;
    let mut unknowable = Vec::new();
    for id in &folded {
        let script = set.script(id)?;
        let mut why = BTreeSet::new();
        for step in script.migration(Direction::Up).steps() {
            match step {
                MigrationStep::Run(_) => why.insert("runs Rust code (Migration::run)"),
                MigrationStep::Op(Op::Sql(_)) => why.insert("runs raw SQL"),
                MigrationStep::Op(Op::BulkInsert { .. }) => why.insert("inserts rows"),
                MigrationStep::Op(_) => false,
            };
        }
        if !why.is_empty() {
            let path = session
                .script_path(id)
                .unwrap_or_else(|| script.file_name().to_string());
            unknowable.push(format!(
                "{id} ({path}) {}",
                why.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
    }
    if !unknowable.is_empty() {
        return Err(AppError::Failed(format!(
            "squash {top}: the schema the range produces is not knowable from its operations: {}; squash up to a revision below them, or move those steps after {top}",
            unknowable.join("; ")
        )));
    }
    let replayed = set.replay(std::slice::from_ref(top))?;
    // PostgreSQL's view of the schema: the most complete (enum types are their own objects).
    let (up, down) = retort_codegen::bodies_from_empty(&replayed, Dialect::Postgres)
        .map_err(|e| AppError::Failed(format!("squash {top}: cannot write the downgrade: {e}")))?;

    let old =
        session.map.get(top).cloned().ok_or_else(|| {
            AppError::Failed(format!("squash: revision {top} is not in the graph"))
        })?;
    let mut labels: Vec<String> = old.branch_labels.clone();
    for id in &folded {
        for l in session.map.branch_labels(id) {
            if !labels.iter().any(|x| x == l) {
                labels.push(l.to_string());
            }
        }
    }
    let header = Header {
        revision: top.clone(),
        down_revisions: Vec::new(),
        branch_labels: labels,
        depends_on: Vec::new(),
        message: message
            .unwrap_or_else(|| format!("{} (squashed: {} revisions)", old.message, folded.len())),
        create_date: retort_codegen::now_utc(),
    };
    let versions = session.cfg.versions_dir();
    let old_files: Vec<std::path::PathBuf> = folded
        .iter()
        .filter_map(|id| set.script(id).ok())
        .map(|s| versions.join(s.file_name()))
        .collect();
    let path = versions.join(retort_codegen::file_name(top, &header.message));
    let text = retort_codegen::render_script(&header, &up, &down);
    if old_files.contains(&path) {
        retort_codegen::write_atomic(&path, text.as_bytes())?;
    } else {
        retort_codegen::write_new(&path, text.as_bytes())?;
    }
    for f in &old_files {
        if *f != path {
            std::fs::remove_file(f).map_err(|source| AppError::Io {
                path: f.clone(),
                source,
            })?;
        }
    }
    say!(
        out,
        "Squashed {} revisions into {top}: {}",
        folded.len(),
        display_path(&path, &session.ctx.cwd)
    );
    say!(
        out,
        "Removed {} scripts below it. Databases at {top} or past it keep working: their version table names revisions the graph still has; on each, run `stamp --accept-edits` once ({top}'s script changed, and its applied checksum with it).",
        old_files.len() - usize::from(old_files.contains(&path)),
    );
    say!(
        out,
        "A database below {top} can no longer reach it: upgrade it to {top} with the binary built before this squash, then deploy."
    );
    Ok(ExitCode::Success)
}
