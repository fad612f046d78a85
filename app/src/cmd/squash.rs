//! `squash REV`: folds the history from base up to REV into REV itself. REV keeps its id (so
//! the revisions after it, and every database at REV or past it, still find it in the graph);
//! its script becomes one `upgrade` that creates the schema the history produced at REV (the
//! replayed schema, rendered once as autogenerate renders it) and a `downgrade` that drops it.
//! The range's original scripts move to `versions/squashed/`, where the build compiles them in
//! beside the others: a database inside the range is brought up to REV by them (the runner's
//! `squashed` module), and a database past REV finds its applied checksums among them. Refused
//! when a revision in the range runs raw SQL, Rust code or inserts rows (the result would not
//! be knowable from the operations), when a revision outside the range builds on one inside it
//! other than REV, or while an earlier squash's originals are still kept.

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
    let kept = versions.join(retort_revision::SQUASHED_DIR);
    let earlier =
        retort_revision::squashed_files(&session.cfg.script_location()).map_err(|source| {
            AppError::Io {
                path: kept.clone(),
                source,
            }
        })?;
    if !earlier.is_empty() {
        return Err(AppError::Failed(format!(
            "squash {top}: {} holds the original scripts of an earlier squash ({} files); delete that folder once every database is at the earlier squashed revision or past it, then squash again",
            display_path(&kept, &session.ctx.cwd),
            earlier.len()
        )));
    }
    let old_files: Vec<std::path::PathBuf> = folded
        .iter()
        .filter_map(|id| set.script(id).ok())
        .map(|s| versions.join(s.file_name()))
        .collect();
    let path = versions.join(retort_codegen::file_name(top, &header.message));
    let text = retort_codegen::render_script(&header, &up, &down);
    // The originals move to versions/squashed/ (compiled in beside the scripts, so a database
    // inside the range still reaches REV), then REV's new script is written. Each step is a
    // rename or an atomic write; on failure the moves made so far are undone.
    std::fs::create_dir_all(&kept).map_err(|source| AppError::Io {
        path: kept.clone(),
        source,
    })?;
    let mut moved: Vec<(std::path::PathBuf, std::path::PathBuf)> = Vec::new();
    let undo = |moved: &[(std::path::PathBuf, std::path::PathBuf)]| {
        for (from, to) in moved.iter().rev() {
            let _ = std::fs::rename(to, from);
        }
        let _ = std::fs::remove_dir(&kept);
    };
    for f in &old_files {
        let to = kept.join(f.file_name().unwrap_or_default());
        if let Err(source) = std::fs::rename(f, &to) {
            undo(&moved);
            return Err(AppError::Io {
                path: f.clone(),
                source,
            });
        }
        moved.push((f.clone(), to));
    }
    if let Err(e) = retort_codegen::write_new(&path, text.as_bytes()) {
        undo(&moved);
        return Err(e.into());
    }
    say!(
        out,
        "Squashed {} revisions into {top}: {}",
        folded.len(),
        display_path(&path, &session.ctx.cwd)
    );
    say!(
        out,
        "Moved their original scripts to {}: they stay compiled in, so a database inside the range is brought up to {top} by them on its next `upgrade`, and databases at {top} or past it keep working unchanged.",
        display_path(&kept, &session.ctx.cwd),
    );
    say!(
        out,
        "Once every database is at {top} or past it (`current` on each), delete that folder."
    );
    Ok(ExitCode::Success)
}
