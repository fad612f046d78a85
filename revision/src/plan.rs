//! Upgrade, downgrade and stamp plans, with the version-table writes of every step
//! (Alembic's `HeadMaintainer` rules).

use crate::errors::ResolveError;
use crate::graph::RevisionMap;
use crate::resolve::{parse_expr, Pos};

/// Which function of a script a step runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// `upgrade()`.
    Up,
    /// `downgrade()`.
    Down,
}

/// The writes to the version table (`version_num` rows, one per applied head) that go with
/// one step, in the same transaction as the step's migration. Every `old` row must exist
/// (check that each UPDATE / DELETE touches exactly one row).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VersionChange {
    /// `INSERT new`: a base, or the first revision of a branch whose parent is not a head.
    Insert {
        /// The row to insert.
        new: String,
    },
    /// `UPDATE ... SET version_num = new WHERE version_num = old`: a linear step.
    Update {
        /// The row to change.
        old: String,
        /// Its new value.
        new: String,
    },
    /// `DELETE old`: downgrading a base, or past a branch point whose other branch is still
    /// applied.
    Delete {
        /// The row to delete.
        old: String,
    },
    /// Upgrade to a merge point (or a revision that depends on another head): `DELETE` each
    /// of `delete`, then `UPDATE update_from -> new`.
    MergeUp {
        /// Rows to delete first.
        delete: Vec<String>,
        /// The row to update.
        update_from: String,
        /// Its new value (the merge revision).
        new: String,
    },
    /// Downgrade of a merge point: `UPDATE old -> update_to`, then `INSERT` each of `insert`.
    Unmerge {
        /// The row to update (the merge revision).
        old: String,
        /// Rows to insert afterwards.
        insert: Vec<String>,
        /// The new value of `old`'s row.
        update_to: String,
    },
}

impl VersionChange {
    /// Applies the change to a list of rows; `Err` names a row that should exist but does
    /// not (or should not exist but does).
    pub fn apply(&self, rows: &mut Vec<String>) -> Result<(), String> {
        fn remove(rows: &mut Vec<String>, old: &str) -> Result<usize, String> {
            let pos = rows
                .iter()
                .position(|r| r == old)
                .ok_or_else(|| format!("row '{old}' is not in the version table"))?;
            rows.remove(pos);
            Ok(pos)
        }
        fn insert(rows: &mut Vec<String>, at: usize, new: &str) -> Result<(), String> {
            if rows.iter().any(|r| r == new) {
                return Err(format!("row '{new}' is already in the version table"));
            }
            rows.insert(at.min(rows.len()), new.to_string());
            Ok(())
        }
        match self {
            VersionChange::Insert { new } => insert(rows, rows.len(), new),
            VersionChange::Update { old, new } => {
                let at = remove(rows, old)?;
                insert(rows, at, new)
            }
            VersionChange::Delete { old } => remove(rows, old).map(|_| ()),
            VersionChange::MergeUp {
                delete,
                update_from,
                new,
            } => {
                for d in delete {
                    remove(rows, d)?;
                }
                let at = remove(rows, update_from)?;
                insert(rows, at, new)
            }
            VersionChange::Unmerge {
                old,
                insert: ins,
                update_to,
            } => {
                let at = remove(rows, old)?;
                insert(rows, at, update_to)?;
                for i in ins {
                    insert(rows, rows.len(), i)?;
                }
                Ok(())
            }
        }
    }
}

/// One migration to run and the version-table writes that go with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The revision whose script runs.
    pub revision: String,
    /// `upgrade()` or `downgrade()`.
    pub direction: Direction,
    /// The version-table writes of this step.
    pub version_change: VersionChange,
}

/// What `stamp` writes: optionally `DELETE FROM <version table>` first (no row count check),
/// then the changes in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StampPlan {
    /// Delete every row first (`--purge`).
    pub purge: bool,
    /// The writes after that.
    pub changes: Vec<VersionChange>,
}

impl RevisionMap {
    /// The steps of `upgrade <target>` from the current version-table rows, in order: every
    /// revision after all its down revisions and dependencies. A target at or below the
    /// current state gives an empty plan.
    pub fn upgrade_plan(
        &self,
        current: &[String],
        target: &str,
    ) -> Result<Vec<Step>, ResolveError> {
        let cur = self.current_indices(current)?;
        let targets = self.upgrade_targets(&cur, target.trim(), "upgrade")?;
        let applied = self.down_closure(&cur, false);
        let mut seen = vec![false; self.nodes.len()];
        let mut need = Vec::new();
        let mut stack = targets;
        while let Some(i) = stack.pop() {
            if applied[i] || std::mem::replace(&mut seen[i], true) {
                continue;
            }
            need.push(i);
            stack.extend(self.nodes[i].parents.iter().copied());
            stack.extend(self.nodes[i].deps.iter().copied());
        }
        need.sort_by_key(|&i| self.topo_pos[i]);
        self.simulate(&cur, &need, Direction::Up)
    }

    /// The steps of `downgrade <target>` from the current rows, in order: every revision
    /// before its down revisions. `base` undoes everything; `label@base` one branch.
    pub fn downgrade_plan(
        &self,
        current: &[String],
        target: &str,
    ) -> Result<Vec<Step>, ResolveError> {
        let cur = self.current_indices(current)?;
        let target = target.trim();
        let (label, pos) = match self.downgrade_target(&cur, target) {
            Ok(t) => t,
            // As Alembic: one step down from a merge point undoes the merge revision (its
            // parents become current); more steps stay ambiguous (which parent to follow?).
            Err(ResolveError::AmbiguousWalk {
                from,
                downward: true,
                ..
            }) if matches!(crate::resolve::parse_expr(target).relative, Some((-1, _)))
                && self.index.contains_key(&from) =>
            {
                let m = self.index[&from];
                let set: Vec<usize> = self
                    .up_closure(&[m], false)
                    .iter()
                    .zip(self.down_closure(&cur, false))
                    .enumerate()
                    .filter(|(_, (above, active))| **above && *active)
                    .map(|(i, _)| i)
                    .collect();
                let mut set = set;
                set.sort_by_key(|&i| std::cmp::Reverse(self.topo_pos[i]));
                return self.simulate(&cur, &set, Direction::Down);
            }
            Err(e) => return Err(e),
        };
        let mut roots: Vec<usize> = match pos {
            Pos::Base => (0..self.nodes.len())
                .filter(|&i| self.nodes[i].parents.is_empty())
                .collect(),
            Pos::Rev(t) => self.nodes[t].children.clone(),
        };
        if let Some(l) = label {
            if roots.len() > 1 {
                let b = self.resolve_branch(l)?;
                let on_branch = self.down_closure(&[b], true);
                roots.retain(|&r| on_branch[r]);
                if roots.is_empty() {
                    return Err(ResolveError::NotADowngradeTarget {
                        target: target.to_string(),
                        current: self.ids(&cur),
                    });
                }
            }
        }
        let above = self.up_closure(&roots, false);
        let active = self.down_closure(&cur, false);
        let mut set: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| above[i] && active[i])
            .collect();
        if let Pos::Rev(t) = pos {
            if set.is_empty() && !cur.contains(&t) && !active[t] {
                return Err(ResolveError::NotADowngradeTarget {
                    target: target.to_string(),
                    current: self.ids(&cur),
                });
            }
        }
        set.sort_by_key(|&i| std::cmp::Reverse(self.topo_pos[i]));
        self.simulate(&cur, &set, Direction::Down)
    }

    /// `upgrade FROM:TO` (offline `--sql` mode): the plan from the revision(s) `FROM`
    /// resolves to (empty or `base`: nothing applied) up to `TO`.
    pub fn upgrade_range_plan(&self, range: &str) -> Result<Vec<Step>, ResolveError> {
        let (from, to) = self.split_range(range)?;
        self.upgrade_plan(&from, to)
    }

    /// `downgrade FROM:TO` (offline `--sql` mode; Alembic requires the range there).
    pub fn downgrade_range_plan(&self, range: &str) -> Result<Vec<Step>, ResolveError> {
        let (from, to) = self.split_range(range)?;
        self.downgrade_plan(&from, to)
    }

    fn split_range<'a>(&self, range: &'a str) -> Result<(Vec<String>, &'a str), ResolveError> {
        let Some((from, to)) = range.trim().split_once(':') else {
            return Err(ResolveError::InvalidRange {
                range: range.to_string(),
            });
        };
        let (from, to) = (from.trim(), to.trim());
        if to.is_empty() {
            return Err(ResolveError::InvalidRange {
                range: range.to_string(),
            });
        }
        let from = if from.is_empty() {
            Vec::new()
        } else {
            self.resolve(from, &[])?
        };
        Ok((from, to))
    }

    /// The version-table writes of `stamp <targets...> [--purge]`: no migration runs. With
    /// `purge`, the current rows are ignored (they may name revisions that no longer exist)
    /// and the table is emptied first.
    pub fn stamp_plan(
        &self,
        current: &[String],
        targets: &[&str],
        purge: bool,
    ) -> Result<StampPlan, ResolveError> {
        let cur = if purge {
            Vec::new()
        } else {
            self.current_indices(current)?
        };
        let mut heads: Vec<usize> = cur.clone();
        let mut changes = Vec::new();
        for &t in targets {
            let t = t.trim();
            let e = parse_expr(t);
            let dests = self.upgrade_targets(&cur, t, "stamp")?;
            if dests.is_empty() {
                // base / label@base: delete the heads of that lineage (all of them for base).
                let branch = match e.label {
                    Some(l) => Some(self.resolve_branch(l)?),
                    None => None,
                };
                let gone: Vec<usize> = heads
                    .iter()
                    .copied()
                    .filter(|&h| branch.is_none_or(|b| self.shares_lineage_deps(h, b)))
                    .collect();
                for g in gone {
                    heads.retain(|&h| h != g);
                    changes.push(VersionChange::Delete {
                        old: self.id(g).to_string(),
                    });
                }
                continue;
            }
            for d in dests {
                if heads.contains(&d) {
                    continue;
                }
                let from: Vec<usize> = heads
                    .iter()
                    .copied()
                    .filter(|&h| self.shares_lineage_deps(h, d))
                    .collect();
                let change = match from.len() {
                    0 => VersionChange::Insert {
                        new: self.id(d).to_string(),
                    },
                    1 => VersionChange::Update {
                        old: self.id(from[0]).to_string(),
                        new: self.id(d).to_string(),
                    },
                    _ => VersionChange::MergeUp {
                        delete: self.ids(&from[..from.len() - 1]),
                        update_from: self.id(from[from.len() - 1]).to_string(),
                        new: self.id(d).to_string(),
                    },
                };
                heads.retain(|h| !from.contains(h));
                heads.push(d);
                changes.push(change);
            }
        }
        Ok(StampPlan { purge, changes })
    }

    /// Lineage through `Revises:` and `Depends on:`.
    fn shares_lineage_deps(&self, a: usize, b: usize) -> bool {
        self.is_ancestor_or_self(a, b, false) || self.is_ancestor_or_self(b, a, false)
    }

    fn simulate(
        &self,
        cur: &[usize],
        order: &[usize],
        direction: Direction,
    ) -> Result<Vec<Step>, ResolveError> {
        let mut heads: Vec<usize> = cur.to_vec();
        let mut steps = Vec::with_capacity(order.len());
        for &r in order {
            let (change, new_heads) = match direction {
                Direction::Up => self.upgrade_change(&heads, r),
                Direction::Down => self.downgrade_change(&heads, r)?,
            };
            heads = new_heads;
            steps.push(Step {
                revision: self.id(r).to_string(),
                direction,
                version_change: change,
            });
        }
        Ok(steps)
    }

    fn upgrade_change(&self, heads: &[usize], r: usize) -> (VersionChange, Vec<usize>) {
        let down = &self.nodes[r].norm_down;
        let present: Vec<usize> = down.iter().copied().filter(|d| heads.contains(d)).collect();
        let id = self.id(r).to_string();
        let mut new_heads: Vec<usize> = heads.to_vec();
        if present.is_empty() {
            new_heads.push(r);
            return (VersionChange::Insert { new: id }, new_heads);
        }
        let mut from = present.clone();
        if down.len() > 1 && present.len() > 1 {
            let others: Vec<usize> = heads
                .iter()
                .copied()
                .filter(|h| !down.contains(h))
                .collect();
            if !others.is_empty() {
                from.retain(|&f| {
                    !others
                        .iter()
                        .any(|&o| self.is_ancestor_or_self(f, o, false))
                });
                if from.is_empty() {
                    from = present.clone();
                }
            }
        } else {
            from.truncate(1);
        }
        let last = from[from.len() - 1];
        let pos = new_heads.iter().position(|&h| h == last).unwrap_or(0);
        new_heads[pos] = r;
        new_heads.retain(|h| !from[..from.len() - 1].contains(h));
        let change = if from.len() == 1 {
            VersionChange::Update {
                old: self.id(last).to_string(),
                new: id,
            }
        } else {
            VersionChange::MergeUp {
                delete: self.ids(&from[..from.len() - 1]),
                update_from: self.id(last).to_string(),
                new: id,
            }
        };
        (change, new_heads)
    }

    fn downgrade_change(
        &self,
        heads: &[usize],
        r: usize,
    ) -> Result<(VersionChange, Vec<usize>), ResolveError> {
        let id = self.id(r).to_string();
        let Some(pos) = heads.iter().position(|&h| h == r) else {
            return Err(ResolveError::VersionTableMismatch {
                revision: id,
                reason: format!(
                    "its downgrade needs it to be a row of the version table, which holds ({})",
                    self.ids(heads).join(", ")
                ),
            });
        };
        let down = &self.nodes[r].norm_down;
        let others: Vec<usize> = heads.iter().copied().filter(|&h| h != r).collect();
        // Alembic `_unmerge_to_revisions`: the down revisions not already implied by the
        // other heads (or by each other).
        let to: Vec<usize> = if others.is_empty() {
            down.iter()
                .copied()
                .filter(|&d| {
                    !down
                        .iter()
                        .any(|&o| o != d && self.is_ancestor_or_self(d, o, false))
                })
                .collect()
        } else {
            down.iter()
                .copied()
                .filter(|&d| {
                    !others
                        .iter()
                        .any(|&o| self.is_ancestor_or_self(d, o, false))
                })
                .collect()
        };
        let mut new_heads = heads.to_vec();
        if to.is_empty() {
            new_heads.remove(pos);
            return Ok((VersionChange::Delete { old: id }, new_heads));
        }
        let last = to[to.len() - 1];
        new_heads[pos] = last;
        for &i in &to[..to.len() - 1] {
            if !new_heads.contains(&i) {
                new_heads.push(i);
            }
        }
        let change = if to.len() == 1 {
            VersionChange::Update {
                old: id,
                new: self.id(last).to_string(),
            }
        } else {
            VersionChange::Unmerge {
                old: id,
                insert: self.ids(&to[..to.len() - 1]),
                update_to: self.id(last).to_string(),
            }
        };
        Ok((change, new_heads))
    }
}
