//! The applied-migrations log: one row per migration run, stamp, baseline or accepted edit,
//! beside the version table, with the checksum of the script that ran.
//!
//! The version table says *where* a database is; the log says *what ran to get there*. A
//! deployed binary has no source tree to compare with: what it verifies before an upgrade is
//! that every applied script it carries still has the checksum recorded when it ran
//! ([`verify_applied`]).

use std::collections::{BTreeMap, HashSet};

use retort_revision::{Direction, RevisionMap};
use retort_schema::{Dialect, QName};

use crate::{Db, MigrationSet, RunError, RunOptions};

pub(crate) use crate::backend::Elapsed;
pub use crate::backend::{log_table, RETORT_VERSION};

/// A script checksum as the log stores it: [`retort_revision::file_hash`] of the file's bytes
/// (64-bit FNV-1a: the same on every build and machine), 16 lowercase hex digits.
pub fn checksum_hex(hash: u64) -> String {
    format!("{hash:016x}")
}

/// What a log row records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogKind {
    /// `upgrade()` ran.
    Upgrade,
    /// `downgrade()` ran.
    Downgrade,
    /// `stamp` marked the revision applied without running it.
    Stamp,
    /// `stamp` marked the revision not applied without running it.
    Unstamp,
    /// The log was created on a database already at this revision: the checksum is the
    /// script's when the log began, not necessarily the one that ran.
    Baseline,
    /// `stamp --accept-edits`: the edited script's checksum accepted as the applied one.
    Accept,
}

impl LogKind {
    /// The `direction` column's value.
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Upgrade => "upgrade",
            LogKind::Downgrade => "downgrade",
            LogKind::Stamp => "stamp",
            LogKind::Unstamp => "unstamp",
            LogKind::Baseline => "baseline",
            LogKind::Accept => "accept",
        }
    }

    fn parse(s: &str) -> Option<LogKind> {
        Some(match s {
            "upgrade" => LogKind::Upgrade,
            "downgrade" => LogKind::Downgrade,
            "stamp" => LogKind::Stamp,
            "unstamp" => LogKind::Unstamp,
            "baseline" => LogKind::Baseline,
            "accept" => LogKind::Accept,
            _ => return None,
        })
    }

    /// True if, after this row, the revision counts as applied with the row's checksum.
    fn applies(self) -> bool {
        !matches!(self, LogKind::Downgrade | LogKind::Unstamp)
    }

    pub(crate) fn of(d: Direction) -> LogKind {
        match d {
            Direction::Up => LogKind::Upgrade,
            Direction::Down => LogKind::Downgrade,
        }
    }
}

/// One row of the log, as read back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// Insertion order.
    pub id: i64,
    pub revision: String,
    /// `upgrade`, `downgrade`, `stamp`, `unstamp`, `baseline` or `accept` ([`LogKind`]).
    pub direction: String,
    /// [`checksum_hex`] of the script file.
    pub checksum: String,
    /// The script's file name in `versions/`.
    pub file_name: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS.fff`, from the database's clock.
    pub applied_at: String,
    /// How long the migration's statements took (none for stamps and offline runs).
    pub duration_ms: Option<i64>,
    pub retort_version: String,
}

/// An applied script whose file differs from the one that ran.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub revision: String,
    /// The script's file name in `versions/`.
    pub file_name: String,
    /// The checksum the log recorded for the applied script.
    pub recorded: String,
    /// The checksum of the script compiled into this binary.
    pub compiled: String,
    /// When the recorded row was written, and what wrote it (`upgrade`, `baseline`, ...).
    pub applied_at: String,
    pub direction: String,
}

/// The message of [`RunError::EditedScripts`].
pub(crate) fn edited_message(m: &[Mismatch]) -> String {
    let mut s = format!(
        "{} applied migration script{} changed since {} ran (the checksum of the script compiled into this binary differs from the one recorded in the applied-migrations log):",
        m.len(),
        if m.len() == 1 { "" } else { "s" },
        if m.len() == 1 { "it" } else { "they" }
    );
    for x in m {
        s.push_str(&format!(
            "\n  - revision {} ({}): applied with checksum {} ({} at {} UTC), this binary has {}",
            x.revision, x.file_name, x.recorded, x.direction, x.applied_at, x.compiled
        ));
    }
    s.push_str(
        "\nA script that ran must not change: revert the edit. If the edit is intended and does not change what the script did to this database (a comment, a fixed downgrade), accept it with `stamp --accept-edits` (records the new checksums; no SQL runs).",
    );
    s
}

/// `CREATE TABLE IF NOT EXISTS` of the log of version table `vt` (for scripts written
/// outside the runner, such as `stamp --sql`).
pub fn log_table_sql(vt: &QName, d: Dialect) -> String {
    crate::backend::create_log_table(vt, d)
}

/// The log rows of a stamp that moves the version table from `before` to `after` (`stamp`
/// rows for the revisions it marks applied, `unstamp` rows for those it unmarks), for
/// `stamp --sql`.
pub fn stamp_log_sql(
    set: &MigrationSet,
    map: &RevisionMap,
    before: &[String],
    after: &[String],
    vt: &QName,
    d: Dialect,
) -> Result<Vec<String>, RunError> {
    let was = applied_set(map, before);
    let now = applied_set(map, after);
    let added: HashSet<String> = now.difference(&was).cloned().collect();
    let removed: HashSet<String> = was.difference(&now).cloned().collect();
    let mut out = Vec::new();
    for rev in in_order(map, &removed).into_iter().rev() {
        out.push(log_insert(
            set,
            &rev,
            LogKind::Unstamp,
            Elapsed::None,
            vt,
            d,
        )?);
    }
    for rev in in_order(map, &added) {
        out.push(log_insert(set, &rev, LogKind::Stamp, Elapsed::None, vt, d)?);
    }
    Ok(out)
}

/// The INSERT of one log row for revision `rev` of `set`.
pub(crate) fn log_insert(
    set: &MigrationSet,
    rev: &str,
    kind: LogKind,
    duration: Elapsed,
    vt: &QName,
    d: Dialect,
) -> Result<String, RunError> {
    let values = log_values(set, rev, kind, duration, false, d)?;
    Ok(crate::backend::log_rows_sql(&[values], vt, d))
}

/// The values of one log row for revision `rev` of `set` (see [`log_insert`]).
pub(crate) fn log_values(
    set: &MigrationSet,
    rev: &str,
    kind: LogKind,
    duration: Elapsed,
    guard: bool,
    d: Dialect,
) -> Result<String, RunError> {
    let script = set.script(rev)?;
    let row = crate::backend::LogRow {
        revision: rev,
        kind: kind.as_str(),
        checksum: &checksum_hex(script.hash()),
        file_name: script.file_name(),
        duration,
        guard,
    };
    Ok(crate::backend::log_values_sql(&row, d))
}

/// `heads` and every revision below them (through `Revises:` and `Depends on:`); ids the
/// graph does not know are skipped.
pub(crate) fn applied_set(map: &RevisionMap, heads: &[String]) -> HashSet<String> {
    let mut seen = HashSet::new();
    let mut stack: Vec<String> = heads.to_vec();
    while let Some(id) = stack.pop() {
        let Some(h) = map.get(&id) else { continue };
        if !seen.insert(id.clone()) {
            continue;
        }
        stack.extend(h.down_revisions.iter().cloned());
        stack.extend(map.dependencies(&id).into_iter().map(str::to_string));
    }
    seen
}

/// The revisions of `set` in topological order that are in `ids`.
pub(crate) fn in_order(map: &RevisionMap, ids: &HashSet<String>) -> Vec<String> {
    map.topological()
        .into_iter()
        .filter(|id| ids.contains(*id))
        .map(str::to_string)
        .collect()
}

/// Every row of the log, oldest first; empty if the log table does not exist (a database
/// written by an older retort: it gains the log on its next write).
pub async fn read_log(db: &mut Db, opts: &RunOptions) -> Result<Vec<LogEntry>, RunError> {
    let log = log_table(&opts.version_table);
    if !crate::backend::table_exists(db, &log).await? {
        return Ok(Vec::new());
    }
    let sql = crate::backend::select_log(&opts.version_table, db.dialect());
    let rows = db.query_strings(&sql).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let s = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
            LogEntry {
                id: s(0).parse().unwrap_or_default(),
                revision: s(1),
                direction: s(2),
                checksum: s(3),
                file_name: s(4),
                applied_at: s(5),
                duration_ms: s(6).parse().ok(),
                retort_version: s(7),
            }
        })
        .collect())
}

/// Per revision, the log row under which it counts as applied now (the last row, if it is an
/// upgrade, stamp, baseline or accept).
pub fn last_applied(log: &[LogEntry]) -> BTreeMap<String, &LogEntry> {
    let mut by_rev: BTreeMap<String, &LogEntry> = BTreeMap::new();
    for e in log {
        match LogKind::parse(&e.direction) {
            Some(k) if k.applies() => {
                by_rev.insert(e.revision.clone(), e);
            }
            Some(_) => {
                by_rev.remove(&e.revision);
            }
            None => {}
        }
    }
    by_rev
}

/// The applied revisions (the version table's `heads` and everything below them) whose
/// compiled-in script's checksum differs from the one the log recorded. Revisions without a
/// log row (applied before the log existed) are not compared.
pub fn mismatches(
    set: &MigrationSet,
    map: &RevisionMap,
    heads: &[String],
    log: &[LogEntry],
) -> Vec<Mismatch> {
    let applied = applied_set(map, heads);
    let last = last_applied(log);
    let mut out = Vec::new();
    for rev in in_order(map, &applied) {
        let (Some(e), Ok(script)) = (last.get(&rev), set.script(&rev)) else {
            continue;
        };
        let compiled = checksum_hex(script.hash());
        // A squashed revision applied before the squash (or through the originals kept in
        // versions/squashed/) ran its original script: that is not an edit.
        let original = set
            .squashed_script(&rev)
            .is_some_and(|o| e.checksum.eq_ignore_ascii_case(&checksum_hex(o.hash())));
        if !e.checksum.eq_ignore_ascii_case(&compiled) && !original {
            out.push(Mismatch {
                revision: rev.clone(),
                file_name: script.file_name().to_string(),
                recorded: e.checksum.clone(),
                compiled,
                applied_at: e.applied_at.clone(),
                direction: e.direction.clone(),
            });
        }
    }
    out
}

/// Reads the version table and the log: the applied scripts of `set` that changed since they
/// ran (empty when none did, or when the database has no log yet).
pub async fn verify_applied(
    db: &mut Db,
    set: &MigrationSet,
    opts: &RunOptions,
) -> Result<Vec<Mismatch>, RunError> {
    let heads = crate::current(db, opts).await?;
    let log = read_log(db, opts).await?;
    if log.is_empty() {
        return Ok(Vec::new());
    }
    let map = set.revision_map()?;
    Ok(mismatches(set, &map, &heads, &log))
}
