//! Comparing the models with the database: `revision --autogenerate` (what it writes) and
//! `check`.

use std::io::Write;

use retort_runner::{Db, RunError, RunOptions};
use retort_schema::{Dialect, Schema};

use crate::error::{resolve_err, AppError, ExitCode};
use crate::session::{introspect, missing_file_text, Session};
use crate::style::{count, say};
use crate::{applied, json};

/// The result of comparing the models with the database.
pub(crate) struct Comparison {
    pub db_schema: Schema,
    pub dialect: Dialect,
    /// What the models mean less on this database than they say (see
    /// [`retort_diff::dialect_notes`]).
    pub degraded: Vec<String>,
    pub diff: retort_diff::Diff,
    /// The version table's rows (the heads the database is at).
    pub heads: Vec<String>,
}

/// Refuses unless the database is at every head, then introspects it and diffs it with the
/// models' target schema (both seen through `exclude_tables`).
async fn compare(session: &Session<'_>) -> Result<Comparison, AppError> {
    // The target first: a missing registry is reported without touching the database.
    let target = session.target_schema()?;
    let mut db = session.db().await?;
    let r = compare_on(session, &mut db, target).await;
    drop(db);
    r
}

/// The schemas are built in the order that keeps the fewest alive at once (at 1,000 tables
/// each is megabytes): the database's schema first (reading it holds the catalog rows and
/// SQLite's cache beside it: the peak, so nothing else is built yet but the target), then the
/// history's replay, reconciled into it in place and dropped before the differ, which is given
/// the target.
async fn compare_on(
    session: &Session<'_>,
    db: &mut Db,
    mut target: Schema,
) -> Result<Comparison, AppError> {
    let opts = session.run_options();
    let current = retort_runner::current(db, &opts).await?;
    let pending: Vec<String> = session
        .map
        .upgrade_plan(&current, "heads")
        .map_err(resolve_err)?
        .into_iter()
        .map(|s| s.revision)
        .collect();
    if !pending.is_empty() {
        return Err(AppError::Failed(format!(
            "Target database is not up to date: pending revisions {} (run `upgrade heads`)",
            pending.join(", ")
        )));
    }
    let c = &session.cfg.config;
    let iopts = retort_introspect::Options {
        schemas: c.include_schemas.clone(),
        exclude_tables: c.exclude_tables.clone(),
        version_table: session.cfg.version_table_qualified(),
    };
    let dialect = db.dialect();
    // The operations of a script are the history's neutral facts, not this database's
    // spellings: where the live schema agrees with the schema the history replays to, take the
    // history's (type width, comments, enum type names, default spelling, constraint names).
    let mut intro = introspect_bounded(&opts, db, &iopts).await?;
    let heads: Vec<String> = current.iter().map(|s| s.to_string()).collect();
    if let Ok(replayed) = session
        .ctx
        .migrations
        .replay_lenient(&session.map, &heads, dialect)
    {
        retort_diff::reconcile_in(&mut intro.schema, &replayed, dialect);
    }
    // Tables matching exclude_tables (and the version table) are invisible on both sides.
    let vt = session.cfg.version_table_qualified();
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
    let degraded = retort_diff::dialect_notes(&target, dialect);
    let diff = retort_diff::diff_to_owned(&intro.schema, target, &dopts);
    Ok(Comparison {
        db_schema: intro.schema,
        dialect,
        degraded,
        diff,
        heads,
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

fn note_lines(diff: &retort_diff::Diff) -> Vec<String> {
    diff.notes
        .iter()
        .map(|n| format!("WARNING {}: {}", n.risk.label(), n.message))
        .collect()
}

/// What `revision --autogenerate` writes: the script bodies and their summary.
pub(crate) struct Generated {
    pub up: String,
    pub down: String,
    pub ops: Vec<String>,
    pub notes: Vec<json::Note>,
    pub downgrade_ops: Vec<String>,
    pub downgrade_notes: Vec<json::Note>,
}

/// `revision --autogenerate`: `None` when nothing changed, else the upgrade and downgrade
/// bodies. In text mode, prints every operation and every risk note.
pub(crate) async fn autogenerate(
    session: &Session<'_>,
    out: &mut dyn Write,
) -> Result<Option<Generated>, AppError> {
    let text = !session.json;
    let Some(plan) = autogenerate_plan(session).await? else {
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
            say!(out, "{}", session.style.warning(&line));
        }
        for n in &plan.downgrade_notes {
            let line = format!("WARNING (downgrade) {}: {}", n.risk.label(), n.message);
            say!(out, "{}", session.style.warning(&line));
        }
    }
    let up = retort_codegen::body(&cmp.diff.ops, &cmp.diff.notes);
    let down = retort_codegen::body(down_ops, &plan.downgrade_notes);
    Ok(Some(Generated {
        up,
        down,
        ops: cmp.diff.ops.iter().map(|o| o.describe()).collect(),
        notes: cmp.diff.notes.iter().map(json::Note::from_diff).collect(),
        downgrade_ops: down_ops.iter().map(|o| o.describe()).collect(),
        downgrade_notes: plan
            .downgrade_notes
            .iter()
            .map(json::Note::from_diff)
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
pub(crate) async fn autogenerate_plan(
    session: &Session<'_>,
) -> Result<Option<AutogeneratePlan>, AppError> {
    let cmp = compare(session).await?;
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
pub(crate) async fn check(
    session: &Session<'_>,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let json = session.json;
    if let Some(p) = session.missing_db_file() {
        // A read-only command: the file is not created (a typo in the URL would otherwise
        // leave an empty database behind).
        session.target_schema()?;
        return Err(AppError::Failed(format!(
            "{}; check the URL, or run `upgrade heads` to create it",
            missing_file_text(&p)
        )));
    }
    let cmp = compare(session).await?;
    let edited = applied::read_at(session, &cmp.heads).await?.mismatches;
    let in_sync = cmp.diff.ops.is_empty() && edited.is_empty();
    if json {
        let v = json::Check {
            format_version: json::FORMAT_VERSION,
            in_sync,
            ops: cmp.diff.ops.iter().map(|o| o.describe()).collect(),
            notes: cmp.diff.notes.iter().map(json::Note::from_diff).collect(),
            edited_scripts: edited
                .iter()
                .map(|m| json::EditedScript {
                    revision: m.revision.clone(),
                    file: m.file_name.clone(),
                    recorded_checksum: m.recorded.clone(),
                    compiled_checksum: m.compiled.clone(),
                    applied_at: m.applied_at.clone(),
                })
                .collect(),
            degraded: cmp.degraded.clone(),
        };
        json::print(out, &v);
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
            "The models and the database differ ({}); run `revision --autogenerate -m \"...\"`:",
            count(cmp.diff.ops.len(), "operation")
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
