//! The `--format json` shapes, in one place.
//!
//! Every command prints one JSON object on one line; each object carries
//! `"format_version": 1` ([`FORMAT_VERSION`]). A field is never removed or renamed within a
//! format version; new fields may be added. README.md ("Machine-readable output") documents
//! the shapes; `app/tests/json.rs` snapshots each of them.

use std::io::Write;

use retort_revision::{Header, RevisionMap};
use serde::Serialize;

/// The version of every JSON shape below.
pub const FORMAT_VERSION: u32 = 1;

/// One revision of the history (`current`, `heads`, `history`, `show`).
#[derive(Debug, Serialize)]
pub struct Revision {
    pub id: String,
    /// The parents (`Revises:`); empty for a root.
    pub parents: Vec<String>,
    pub branch_labels: Vec<String>,
    /// `Depends on:` (revision ids and labels).
    pub depends_on: Vec<String>,
    /// The first line of the message.
    pub message: String,
    pub create_date: String,
    pub is_head: bool,
    pub is_branch_point: bool,
    pub is_merge_point: bool,
    /// The database is at this revision (only known when the command read the database).
    pub is_current: bool,
    /// The script's path (relative to the working directory when inside it).
    pub path: Option<String>,
}

impl Revision {
    pub fn new(map: &RevisionMap, h: &Header, path: Option<String>, current: &[String]) -> Self {
        let id = h.revision.as_str();
        Revision {
            id: id.to_string(),
            parents: h.down_revisions.clone(),
            branch_labels: map
                .branch_labels(id)
                .iter()
                .map(|s| s.to_string())
                .collect(),
            depends_on: h.depends_on.clone(),
            message: h.message.lines().next().unwrap_or("").to_string(),
            create_date: h.create_date.clone(),
            is_head: map.is_head(id),
            is_branch_point: map.is_branch_point(id),
            is_merge_point: map.is_merge_point(id),
            is_current: current.iter().any(|c| c == id),
            path,
        }
    }
}

/// `current`: the revisions the database is at (empty: at base, or no version table).
#[derive(Debug, Serialize)]
pub struct Current {
    pub format_version: u32,
    pub revisions: Vec<Revision>,
}

/// `heads`, `history` and `show`: a list of revisions (history: newest first).
#[derive(Debug, Serialize)]
pub struct Revisions {
    pub format_version: u32,
    pub revisions: Vec<Revision>,
}

/// A script edited after it was applied (`check`).
#[derive(Debug, Serialize)]
pub struct EditedScript {
    pub revision: String,
    pub file: String,
    pub recorded_checksum: String,
    pub compiled_checksum: String,
    /// When the recorded row was written.
    pub applied_at: String,
}

/// A risk note of the differ.
#[derive(Debug, Serialize)]
pub struct Note {
    /// The index in `ops` of the operation the note is about.
    pub op_index: usize,
    /// `data loss`, `locks table`, ... (the differ's risk label).
    pub risk: String,
    pub message: String,
}

impl Note {
    pub fn from_diff(n: &retort_diff::Note) -> Self {
        Note {
            op_index: n.op_index,
            risk: n.risk.label().to_string(),
            message: n.message.clone(),
        }
    }
}

/// `check`: models, migrations and database compared.
#[derive(Debug, Serialize)]
pub struct Check {
    pub format_version: u32,
    /// No operation to write and no edited script (exit code 0).
    pub in_sync: bool,
    /// What `revision --autogenerate` would write, one description per operation.
    pub ops: Vec<String>,
    pub notes: Vec<Note>,
    pub edited_scripts: Vec<EditedScript>,
    /// What the models mean less on this database than they say.
    pub degraded: Vec<String>,
}

/// One revision run by `upgrade` / `downgrade`.
#[derive(Debug, Serialize)]
pub struct Ran {
    pub revision: String,
    /// The revision(s) the step goes from (upgrade: the parents; downgrade: the revision).
    pub from: Vec<String>,
    /// The revision(s) the step goes to (upgrade: the revision; downgrade: the parents).
    pub to: Vec<String>,
    pub message: String,
    /// From the start of the revision to its commit, in milliseconds (0 if not committed).
    pub duration_ms: u64,
    /// The revision and its version-table change were committed (false: the run failed in it).
    pub committed: bool,
}

/// `upgrade` / `downgrade` (online).
#[derive(Debug, Serialize)]
pub struct Migrate {
    pub format_version: u32,
    /// `upgrade` or `downgrade`.
    pub direction: String,
    /// The target as given on the command line.
    pub target: String,
    /// The revisions run, in order (empty: nothing to do).
    pub revisions: Vec<Ran>,
    /// The database's revisions afterwards.
    pub current: Vec<String>,
    /// Notes of the runner (`nothing to do`, autocommit splits, drift warnings).
    pub notes: Vec<String>,
    pub duration_ms: u64,
    /// Why the run stopped (`null` on success; otherwise the exit code is 1, the error is also
    /// on stderr, and the failing revision is the last one, with `committed: false`).
    pub error: Option<String>,
}

/// `revision --autogenerate`.
#[derive(Debug, Serialize)]
pub struct Autogenerate {
    pub format_version: u32,
    /// False when models and database agree (then no file is written unless --allow-empty).
    pub changes: bool,
    /// The upgrade's operations, one description each (`add column users.email`, ...).
    pub ops: Vec<String>,
    /// Risk notes of the upgrade.
    pub notes: Vec<Note>,
    /// The downgrade's operations.
    pub downgrade_ops: Vec<String>,
    /// Risk notes of the downgrade.
    pub downgrade_notes: Vec<Note>,
    /// The new revision's id and script path, when a script was written.
    pub revision: Option<String>,
    pub file: Option<String>,
    /// Warnings (e.g. the script is outside the compiled-in folder).
    pub warnings: Vec<String>,
}

/// Writes `value` as one line of JSON.
pub fn print<T: Serialize>(out: &mut dyn Write, value: &T) {
    match serde_json::to_string(value) {
        Ok(s) => {
            let _ = writeln!(out, "{s}");
        }
        Err(e) => {
            let _ = writeln!(
                out,
                "{{\"format_version\":{FORMAT_VERSION},\"error\":\"{e}\"}}"
            );
        }
    }
}
