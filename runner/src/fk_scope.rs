//! SQLite: which foreign-key violations block a commit.
//!
//! SQLite enforces no foreign key inside a migration's transaction (`foreign_keys` is off so
//! table rebuilds work), so `PRAGMA foreign_key_check` runs before `COMMIT`. Only violations
//! the migration can have caused fail it: rows of a table it changed, or rows pointing at a
//! table it changed (a dropped or rebuilt parent). Raw SQL and Rust steps can touch any
//! table, so before the first of them in a transaction the violations per table are counted,
//! and a table whose count grew fails too. Violations elsewhere were there before the
//! migration: they are reported as a note and do not block the deploy.

use std::collections::BTreeMap;

use retort_schema::Op;

use crate::db::Db;
use crate::error::RunError;

/// The tables a SQLite transaction changed, and what opaque steps may have changed.
#[derive(Default)]
pub(crate) struct FkScope {
    /// Lower-cased table name -> the revision that changed it.
    touched: BTreeMap<String, String>,
    /// Violations per table (lower-cased) before the first raw SQL / Rust step of the
    /// transaction, with the revision of that step.
    baseline: Option<(String, BTreeMap<String, usize>)>,
}

/// One row of `PRAGMA foreign_key_check`: (table, parent).
type Violation = (String, String);

async fn violations(db: &mut Db) -> Result<Vec<Violation>, RunError> {
    let rows = db.query_strings("PRAGMA foreign_key_check").await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let table = r.first().cloned().flatten().unwrap_or_default();
            let parent = r.get(2).cloned().flatten().unwrap_or_default();
            (table, parent)
        })
        .collect())
}

fn counts(v: &[Violation]) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for (t, _) in v {
        *m.entry(t.to_lowercase()).or_insert(0) += 1;
    }
    m
}

impl FkScope {
    /// Records the tables `op` changes (both names of a rename).
    pub(crate) fn op(&mut self, revision: &str, op: &Op) {
        let mut names: Vec<&str> = Vec::new();
        match op {
            Op::CreateTable(t) => names.push(&t.name),
            Op::RenameTable { table, new_name } => {
                names.push(&table.name);
                names.push(new_name);
            }
            _ => {}
        }
        if let Some(q) = op.table() {
            names.push(&q.name);
        }
        for n in names {
            self.touched
                .entry(n.to_lowercase())
                .or_insert_with(|| revision.to_string());
        }
    }

    /// Before a raw SQL or Rust step: counts the violations per table once per transaction.
    pub(crate) async fn before_opaque(
        &mut self,
        db: &mut Db,
        revision: &str,
    ) -> Result<(), RunError> {
        if self.baseline.is_none() {
            let v = violations(db).await?;
            self.baseline = Some((revision.to_string(), counts(&v)));
        }
        Ok(())
    }

    /// Forgets the transaction (after its commit or rollback).
    pub(crate) fn reset(&mut self) {
        *self = FkScope::default();
    }

    /// Checks the foreign keys before `COMMIT`: the violation this transaction caused, if
    /// any, as the error to roll back with; else notes for the violations that were already
    /// there.
    pub(crate) async fn check(
        &self,
        db: &mut Db,
        revision: &str,
    ) -> Result<Result<Vec<String>, RunError>, RunError> {
        if self.touched.is_empty() && self.baseline.is_none() {
            // Only the version table changed (stamp, the migrations log).
            return Ok(Ok(Vec::new()));
        }
        let all = violations(db).await?;
        let now = counts(&all);
        let caused = |t: &str, p: &str| -> Option<String> {
            let (t, p) = (t.to_lowercase(), p.to_lowercase());
            if let Some(r) = self.touched.get(&t).or_else(|| self.touched.get(&p)) {
                return Some(r.clone());
            }
            let (rev, before) = self.baseline.as_ref()?;
            (now.get(&t).copied().unwrap_or(0) > before.get(&t).copied().unwrap_or(0))
                .then(|| rev.clone())
        };
        if let Some((table, parent, rev)) = all
            .iter()
            .find_map(|(t, p)| caused(t, p).map(|r| (t.clone(), p.clone(), r)))
        {
            let count = all.iter().filter(|(t, _)| *t == table).count();
            let revision = if revision.is_empty() {
                rev
            } else {
                revision.to_string()
            };
            return Ok(Err(RunError::ForeignKeyViolation {
                revision,
                table,
                parent,
                count,
            }));
        }
        let mut old: BTreeMap<(String, String), usize> = BTreeMap::new();
        for (t, p) in all {
            *old.entry((t, p)).or_insert(0) += 1;
        }
        let mut notes = Vec::new();
        for ((t, p), n) in old {
            notes.push(format!(
                "table `{t}` holds {n} row(s) whose foreign key to `{p}` points nowhere; they were there before this migration, which does not touch `{t}` or `{p}`, so they do not block it. Fix the data: `PRAGMA foreign_key_check(\"{t}\")` lists them"
            ));
        }
        Ok(Ok(notes))
    }
}
