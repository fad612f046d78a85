//! Offline mode (`--sql`): the complete SQL script of a run, without a connection.

use retort_revision::Direction;
use retort_schema::Dialect;

use crate::backend::offline::Script;
use crate::log::{log_insert, LogKind};
use crate::render::render;
use crate::set::apply_op;
use crate::words::direction_word;
use crate::words::show_rows;
use crate::{Event, MigrationSet, MigrationStep, RunError, RunOptions};

/// The SQL script of `upgrade`/`downgrade` over `range` for `dialect`, without a database.
///
/// `range` is `from:to`, or just `to` for an upgrade from `base`. A downgrade needs `from:to`
/// (there is no database to read the current revision from), as in Alembic. The script
/// creates the version table and the applied-migrations log if missing, wraps each migration
/// with its version-table writes and log row (no duration offline) in the backend's `BEGIN`/`COMMIT`
/// (PostgreSQL, SQLite; SQLite also `PRAGMA foreign_keys` around it; see `backend::offline`),
/// precedes every statement with a `-- <operation>` comment, and replaces Rust steps by a
/// `-- retort: skipped Rust step (offline)` comment. Fed to `psql`, `mariadb` or `sqlite3`,
/// it leaves the database as the online run would (Rust steps aside).
pub fn offline(
    set: &MigrationSet,
    dialect: Dialect,
    direction: Direction,
    range: &str,
    opts: &RunOptions,
) -> Result<String, RunError> {
    offline_with_events(set, dialect, direction, range, opts, &mut |_| {})
}

/// [`offline`], reporting notes (skipped Rust steps) as [`Event::Note`].
pub fn offline_with_events(
    set: &MigrationSet,
    d: Dialect,
    direction: Direction,
    range: &str,
    opts: &RunOptions,
    events: &mut dyn FnMut(Event),
) -> Result<String, RunError> {
    set.check_fresh()?;
    let map = set.revision_map()?;
    let (from, to) = match range.split_once(':') {
        Some((f, t)) => (f.trim(), t.trim()),
        None if direction == Direction::Down => {
            return Err(RunError::Offline(format!(
                "downgrade with --sql needs a range `from:to` (e.g. `head:{}`): offline there is no database to read the current revision from",
                range.trim()
            )))
        }
        None => ("base", range.trim()),
    };
    let start = crate::backend::offline::range_start(&map, from)?;
    let plan = match direction {
        Direction::Up => map.upgrade_plan(&start, to),
        Direction::Down => map.downgrade_plan(&start, to),
    }?;
    if plan.is_empty() {
        // Nothing to run is fine when the range starts where it ends; a range that points the
        // other way (`upgrade B:A` with A below B) would print an empty script and exit 0.
        let mut end = map.resolve(to, &start).unwrap_or_default();
        let mut begin = start.clone();
        end.sort();
        begin.sort();
        if end != begin {
            let (word, other) = match direction {
                Direction::Up => ("upgrade", "downgrade"),
                Direction::Down => ("downgrade", "upgrade"),
            };
            return Err(RunError::Offline(format!(
                "the range `{}` runs no migration: `{to}` is not {} `{}`. An {word} range goes from `from` {} to `to`; did you mean `{other} {} --sql`?",
                range.trim(),
                if direction == Direction::Up { "above" } else { "below" },
                if from.is_empty() { "base" } else { from },
                if direction == Direction::Up { "up" } else { "down" },
                range.trim(),
            )));
        }
    }
    let mut state = set.replay_lenient(&map, &start, d)?;

    let transactional = crate::backend::backend(d).transactional();
    let whole_tx = transactional && !opts.transaction_per_migration;
    let per_tx = transactional && opts.transaction_per_migration;
    let mut w = Script::new(
        d,
        &opts.version_table,
        &format!("{} {}", direction_word(direction), range.trim()),
    );
    w.blank();
    if whole_tx {
        w.begin();
        w.blank();
    }
    let mut rows = start.clone();
    for step in &plan {
        let script = set.script(&step.revision)?;
        let header = script.header()?;
        let before = show_rows(&rows);
        crate::run::apply_version_change(step, &mut rows)?;
        w.comment(&format!(
            "Running {} {before} -> {}: {}",
            direction_word(step.direction),
            show_rows(&rows),
            one_line(&header.message)
        ));
        if per_tx {
            w.begin();
        }
        let m = script.migration(step.direction);
        for s in m.steps() {
            match s {
                MigrationStep::Op(op) => {
                    let stmts = render(op, d, &state).map_err(|source| RunError::Render {
                        revision: step.revision.clone(),
                        direction: direction_word(step.direction),
                        source,
                    })?;
                    for st in stmts {
                        if st.autocommit && transactional {
                            w.comment("retort: the next statement cannot run inside a transaction");
                            w.commit();
                            w.comment(&one_line(&st.comment));
                            w.statement(&st.sql);
                            w.begin();
                        } else {
                            w.comment(&one_line(&st.comment));
                            w.statement(&st.sql);
                        }
                    }
                    let _ = apply_op(op, &mut state, Some(d));
                }
                MigrationStep::Run(_) => {
                    w.comment("retort: skipped Rust step (offline)");
                    events(Event::Note(format!(
                        "revision {}: a Rust step was skipped (offline mode cannot run Rust code); run it by hand if it changes data",
                        step.revision
                    )));
                }
            }
        }
        w.version_change(&step.version_change)?;
        let kind = LogKind::of(step.direction);
        w.statement(&log_insert(
            set,
            &step.revision,
            kind,
            crate::log::Elapsed::None,
            &opts.version_table,
            d,
        )?);
        if per_tx {
            w.commit();
        }
        w.blank();
    }
    if whole_tx {
        w.commit();
    }
    Ok(w.out)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
