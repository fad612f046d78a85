//! Helpers shared by the revision test binaries: headers, string lists, version-table rows.

use retort_revision::{Header, Step, VersionChange};

/// A header revising `down` (empty: a base).
pub fn h(rev: &str, down: &[&str]) -> Header {
    Header {
        revision: rev.into(),
        down_revisions: down.iter().map(|s| s.to_string()).collect(),
        message: format!("rev {rev}"),
        ..Header::default()
    }
}

/// [`h`] with branch labels and `Depends on:`.
pub fn hl(rev: &str, down: &[&str], labels: &[&str], deps: &[&str]) -> Header {
    Header {
        branch_labels: labels.iter().map(|s| s.to_string()).collect(),
        depends_on: deps.iter().map(|s| s.to_string()).collect(),
        ..h(rev, down)
    }
}

pub fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

pub fn upd(old: &str, new: &str) -> VersionChange {
    VersionChange::Update {
        old: old.into(),
        new: new.into(),
    }
}

/// Applies every step's version-table change to `rows`, as the runner would, and returns the
/// final rows sorted. Panics if a change does not fit the rows (the runner's rowcount check).
pub fn run(rows: &[&str], steps: &[Step]) -> Vec<String> {
    let mut rows = s(rows);
    for st in steps {
        st.version_change
            .apply(&mut rows)
            .unwrap_or_else(|e| panic!("step {st:?} does not fit {rows:?}: {e}"));
    }
    rows.sort();
    rows
}
