//! A database inside a squashed range. `squash REV` replaces REV's script with one that
//! creates REV's schema and moves the range's original scripts to `versions/squashed/`, which
//! are compiled in beside the others ([`MigrationSet::with_squashed`]). A database whose
//! version table names one of them is not in the new graph: before the command runs, the
//! originals bring it up to REV (or down, within the range), under the lock as any run. From
//! REV on it is an ordinary database of the new graph. Once every database is at REV or past
//! it, the folder can go.

use retort_revision::{Direction, RevisionMap};

use crate::limits::bounded;
use crate::run::{locked_run, Command};
use crate::{Db, Event, MigrationSet, Report, RunError, RunOptions};

/// Runs the part of `cmd` that needs the squashed originals, when the database is inside the
/// squashed range: `Some(report)` when that was the whole command, `None` when the command is
/// still to run on `set` (the database is now at the squashed revision or was never inside).
pub(crate) async fn bridge(
    db: &mut Db,
    set: &MigrationSet,
    map: &RevisionMap,
    opts: &RunOptions,
    events: &mut (dyn FnMut(Event) + Send),
    cmd: &Command<'_>,
) -> Result<Option<Report>, RunError> {
    let Command::Migrate(direction, target) = *cmd else {
        return Ok(None);
    };
    let Some(originals) = set.squashed() else {
        return Ok(None);
    };
    let heads = crate::current(db, opts).await?;
    let omap = originals.revision_map()?;
    let inside: Vec<&String> = heads
        .iter()
        .filter(|h| map.get(h).is_none() && omap.get(h).is_some())
        .collect();
    let Some(first) = inside.first() else {
        return Ok(None);
    };
    let into = omap.heads().join(", ");
    // A target only the originals know (a revision inside the range, `-1`, `base`...) is
    // reached with them alone; anything else goes through the squashed revision.
    // (The new graph is asked without the current rows: it does not know them.)
    let originals_only = direction == Direction::Down
        || (omap.resolve(target, &heads).is_ok() && map.resolve(target, &[]).is_err());
    events(Event::Note(format!(
        "the database is at {first}, inside the range squashed into {into}: running the original scripts kept in versions/squashed/{}",
        if originals_only { String::new() } else { format!(" up to {into} first") }
    )));
    let goal = if originals_only { target } else { "heads" };
    let report = bounded(
        &opts.timeouts(),
        locked_run(
            db,
            &originals,
            &omap,
            opts,
            events,
            Command::Migrate(direction, goal),
        ),
    )
    .await?;
    if originals_only {
        return Ok(Some(report));
    }
    let rest = bounded(
        &opts.timeouts(),
        locked_run(
            db,
            set,
            map,
            opts,
            events,
            Command::Migrate(direction, target),
        ),
    )
    .await
    .map_err(|e| match e {
        RunError::Failed {
            mut applied,
            source,
        } => {
            let mut all = report.applied.clone();
            all.append(&mut applied);
            RunError::Failed {
                applied: all,
                source,
            }
        }
        e if !report.applied.is_empty() => RunError::Failed {
            applied: report.applied.clone(),
            source: Box::new(e),
        },
        e => e,
    })?;
    let mut applied = report.applied;
    applied.extend(rest.applied);
    Ok(Some(Report { applied }))
}
