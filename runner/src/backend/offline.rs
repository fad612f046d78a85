//! The offline backend: the statements a run would send, written as a SQL script (`--sql`,
//! `stamp --sql`). Transactions are the backend's `BEGIN` / `COMMIT` statements as text; the
//! version-table and log SQL is the online run's (see the parent module).

use std::fmt::Write;

use retort_revision::{RevisionMap, VersionChange};
use retort_schema::{Dialect, QName};

use super::{backend, create_log_table, create_version_table, purge_version_table, version_writes};
use crate::{MigrationSet, RunError, RunOptions};

/// A SQL script being written for one dialect.
pub(crate) struct Script {
    d: Dialect,
    vt: QName,
    pub(crate) out: String,
}

impl Script {
    /// A script starting with the header comment `-- retort <what> --sql (<dialect>)`, then
    /// the creation of the version table and the log if missing.
    pub(crate) fn new(d: Dialect, vt: &QName, what: &str) -> Script {
        let mut s = Script {
            d,
            vt: vt.clone(),
            out: String::new(),
        };
        let _ = writeln!(s.out, "-- retort {what} --sql ({d})\n");
        s.statement(&create_version_table(vt, d));
        s.statement(&create_log_table(vt, d));
        s
    }

    /// One statement, terminated.
    pub(crate) fn statement(&mut self, sql: &str) {
        let _ = writeln!(self.out, "{sql};");
    }

    /// A `-- comment` line.
    pub(crate) fn comment(&mut self, text: &str) {
        let _ = writeln!(self.out, "-- {text}");
    }

    pub(crate) fn blank(&mut self) {
        self.out.push('\n');
    }

    pub(crate) fn begin(&mut self) {
        for s in backend(self.d).begin_sql() {
            self.statement(s);
        }
    }

    pub(crate) fn commit(&mut self) {
        for s in backend(self.d).commit_sql() {
            self.statement(s);
        }
    }

    /// The writes of one version-table change.
    pub(crate) fn version_change(&mut self, change: &VersionChange) -> Result<(), RunError> {
        for w in version_writes(change, &self.vt, self.d)? {
            self.statement(&w.sql);
        }
        Ok(())
    }
}

/// The SQL script of `stamp --sql`: the version-table writes (and applied-log rows) that move
/// an empty version table to `targets`, or, for a single `from:to` target, the table at `from`
/// to `to`; `purge` empties it first.
pub fn stamp_sql(
    set: &MigrationSet,
    d: Dialect,
    targets: &[String],
    purge: bool,
    opts: &RunOptions,
) -> Result<String, RunError> {
    set.check_fresh()?;
    let map = &set.revision_map()?;
    let (start, targets): (Vec<String>, Vec<String>) = match targets {
        [one] if one.contains(':') => {
            let (from, to) = one.split_once(':').unwrap_or(("", one));
            (range_start(map, from)?, vec![to.trim().to_string()])
        }
        _ => (Vec::new(), targets.to_vec()),
    };
    let start = &start[..];
    let vt = &opts.version_table;
    let refs: Vec<&str> = targets.iter().map(String::as_str).collect();
    let plan = map.stamp_plan(start, &refs, purge)?;
    let mut s = Script::new(d, vt, &format!("stamp {}", targets.join(" ")));
    s.blank();
    // The rows after the stamp, for the applied-migrations log.
    let mut after = if plan.purge {
        Vec::new()
    } else {
        start.to_vec()
    };
    for c in &plan.changes {
        c.apply(&mut after)
            .map_err(|message| RunError::VersionChange {
                revision: targets.join(", "),
                message,
            })?;
    }
    let log_rows = crate::log::stamp_log_sql(set, map, start, &after, vt, d)?;
    if plan.purge {
        s.statement(&purge_version_table(vt, d));
    }
    for c in &plan.changes {
        s.version_change(c)?;
    }
    for sql in log_rows {
        s.statement(&sql);
    }
    Ok(s.out)
}

/// The revisions a `from:to` range starts at: none for `base` (or nothing).
pub(crate) fn range_start(map: &RevisionMap, from: &str) -> Result<Vec<String>, RunError> {
    let from = from.trim();
    if from.is_empty() || from == "base" {
        return Ok(Vec::new());
    }
    map.resolve(from, &[]).map_err(|source| RunError::Range {
        from: from.to_string(),
        source,
    })
}
