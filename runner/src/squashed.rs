//! A database inside a squashed range. `squash REV` replaces REV's script with one that
//! creates REV's schema and moves the range's original scripts to `versions/squashed/`, which
//! are compiled in beside the others ([`MigrationSet::with_squashed`]). A database whose
//! version table names one of them is not in the new graph: before the command runs, the
//! originals bring it up to REV (or down, within the range), under the lock as any run. From
//! REV on it is an ordinary database of the new graph. Once every database is at REV or past
//! it, the folder can go.

use retort_revision::{Direction, RevisionMap};

use crate::{MigrationSet, RunError};

/// A database inside the squashed range of `set`, and how to move it.
pub(crate) struct Bridge {
    /// The kept originals, as a set of their own, and their graph.
    pub originals: MigrationSet,
    pub map: RevisionMap,
    /// The version-table row inside the range, and the squashed revision(s).
    pub first: String,
    pub into: String,
    /// The command's target is reached with the originals alone (a revision inside the range,
    /// or any downgrade); otherwise they run up to the squashed revision and the command goes
    /// on with `set`.
    pub originals_only: bool,
}

impl Bridge {
    /// `None` when `set` keeps no originals or no row of `heads` is inside the range.
    pub(crate) fn find(
        set: &MigrationSet,
        map: &RevisionMap,
        heads: &[String],
        direction: Direction,
        target: &str,
    ) -> Result<Option<Bridge>, RunError> {
        let Some(originals) = set.squashed() else {
            return Ok(None);
        };
        let omap = originals.revision_map()?;
        let Some(first) = heads
            .iter()
            .find(|h| map.get(h).is_none() && omap.get(h).is_some())
        else {
            return Ok(None);
        };
        // (The new graph is asked without the current rows: it does not know them.)
        let originals_only = direction == Direction::Down
            || (omap.resolve(target, heads).is_ok() && map.resolve(target, &[]).is_err());
        Ok(Some(Bridge {
            first: first.clone(),
            into: omap.heads().join(", "),
            originals,
            map: omap,
            originals_only,
        }))
    }

    /// What the run says before it starts.
    pub(crate) fn note(&self) -> String {
        format!(
            "the database is at {}, inside the range squashed into {}: running the original scripts kept in versions/squashed/{}",
            self.first,
            self.into,
            if self.originals_only {
                String::new()
            } else {
                format!(" up to {} first", self.into)
            }
        )
    }
}
