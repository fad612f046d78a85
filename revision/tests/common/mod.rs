//! Helpers shared by the revision test binaries: headers, string lists, version-table rows.
#![allow(dead_code)]

use retort_revision::{Header, RevisionMap, Step, VersionChange};

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

/// The headers of a graph written on one line: revisions separated by spaces, each
/// `rev[<down,..][#label,..][&dependency,..]`. `b<a` revises a; `m<c2,d2` merges;
/// `c1<b#cb` is labelled `cb`; `d2<c2&c1` also depends on c1; `a` alone is a base.
pub fn headers(graph: &str) -> Vec<Header> {
    graph.split_whitespace().map(header).collect()
}

/// A revision map of [`headers`]`(graph)`.
pub fn map(graph: &str) -> RevisionMap {
    RevisionMap::new(headers(graph)).unwrap_or_else(|e| panic!("{graph}: {e}"))
}

fn header(token: &str) -> Header {
    let split = |part: &str| -> Vec<String> {
        part.split(',')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let end = token.find(['<', '#', '&']).unwrap_or(token.len());
    let mut h = Header {
        revision: token[..end].to_string(),
        message: format!("rev {}", &token[..end]),
        ..Header::default()
    };
    let mut rest = &token[end..];
    while let Some(marker) = rest.chars().next() {
        let next = rest[1..]
            .find(['<', '#', '&'])
            .map_or(rest.len(), |i| i + 1);
        let values = split(&rest[1..next]);
        match marker {
            '<' => h.down_revisions = values,
            '#' => h.branch_labels = values,
            _ => h.depends_on = values,
        }
        rest = &rest[next..];
    }
    h
}
