//! The revision graph (Alembic's `RevisionMap`): nodes, heads, bases, labels, topological
//! order and ancestry. Identifier resolution is in `resolve.rs`, history ranges in
//! `history.rs`, plans in `plan.rs`.

use std::collections::HashMap;

use crate::errors::GraphError;
use crate::header::{validate_branch_label, validate_revision_id, Header};

pub(crate) struct Node {
    pub(crate) header: Header,
    /// Versioned down revisions (`Revises:`).
    pub(crate) parents: Vec<usize>,
    /// Resolved `Depends on:`.
    pub(crate) deps: Vec<usize>,
    /// parents + deps not already declared by an ancestor.
    pub(crate) norm_down: Vec<usize>,
    /// Revisions whose `Revises:` names this one.
    pub(crate) children: Vec<usize>,
    /// Revisions whose `Depends on:` names this one.
    pub(crate) dependents: Vec<usize>,
    /// Branch labels, propagated as Alembic does.
    pub(crate) labels: Vec<String>,
}

/// The revision graph built from the scripts' headers.
pub struct RevisionMap {
    pub(crate) nodes: Vec<Node>,
    pub(crate) index: HashMap<String, usize>,
    pub(crate) labels: HashMap<String, usize>,
    /// Node indices sorted by revision id (prefix search).
    pub(crate) sorted: Vec<usize>,
    /// Topological order, base first.
    pub(crate) topo: Vec<usize>,
    pub(crate) topo_pos: Vec<usize>,
    pub(crate) heads: Vec<usize>,
    pub(crate) real_heads: Vec<usize>,
    pub(crate) bases: Vec<usize>,
}

impl std::fmt::Debug for RevisionMap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RevisionMap")
            .field("revisions", &self.nodes.len())
            .field("heads", &self.heads())
            .field("bases", &self.bases())
            .finish()
    }
}

impl RevisionMap {
    /// Builds the graph. Errors: duplicate id, invalid id or label, duplicate branch label, a
    /// `Revises:` / `Depends on:` naming nothing, a cycle.
    pub fn new(headers: Vec<Header>) -> Result<Self, GraphError> {
        let n = headers.len();
        let mut index: HashMap<String, usize> = HashMap::with_capacity(n);
        for (i, h) in headers.iter().enumerate() {
            validate_revision_id(&h.revision).map_err(|reason| GraphError::InvalidRevisionId {
                revision: h.revision.clone(),
                reason,
            })?;
            if index.insert(h.revision.clone(), i).is_some() {
                return Err(GraphError::DuplicateRevision {
                    revision: h.revision.clone(),
                });
            }
        }
        let mut labels: HashMap<String, usize> = HashMap::new();
        for (i, h) in headers.iter().enumerate() {
            for label in &h.branch_labels {
                validate_branch_label(label).map_err(|reason| GraphError::InvalidBranchLabel {
                    revision: h.revision.clone(),
                    reason,
                })?;
                if index.contains_key(label) {
                    return Err(GraphError::LabelIsRevisionId {
                        label: label.clone(),
                        revision: h.revision.clone(),
                    });
                }
                if let Some(&other) = labels.get(label) {
                    return Err(GraphError::DuplicateBranchLabel {
                        label: label.clone(),
                        revision: h.revision.clone(),
                        other: headers[other].revision.clone(),
                    });
                }
                labels.insert(label.clone(), i);
            }
        }
        let mut nodes: Vec<Node> = Vec::with_capacity(n);
        for h in &headers {
            let mut parents = Vec::with_capacity(h.down_revisions.len());
            for d in &h.down_revisions {
                let Some(&p) = index.get(d) else {
                    return Err(GraphError::MissingDownRevision {
                        revision: h.revision.clone(),
                        missing: d.clone(),
                    });
                };
                if !parents.contains(&p) {
                    parents.push(p);
                }
            }
            let mut deps = Vec::with_capacity(h.depends_on.len());
            for d in &h.depends_on {
                let Some(&p) = index.get(d).or_else(|| labels.get(d)) else {
                    return Err(GraphError::MissingDependency {
                        revision: h.revision.clone(),
                        missing: d.clone(),
                    });
                };
                if !deps.contains(&p) {
                    deps.push(p);
                }
            }
            nodes.push(Node {
                header: Header::default(),
                parents,
                deps,
                norm_down: Vec::new(),
                children: Vec::new(),
                dependents: Vec::new(),
                labels: Vec::new(),
            });
        }
        for (node, h) in nodes.iter_mut().zip(headers) {
            node.header = h;
        }
        for i in 0..n {
            for k in 0..nodes[i].parents.len() {
                let p = nodes[i].parents[k];
                nodes[p].children.push(i);
            }
            for k in 0..nodes[i].deps.len() {
                let d = nodes[i].deps[k];
                if !nodes[d].dependents.contains(&i) {
                    nodes[d].dependents.push(i);
                }
            }
        }
        let topo = topological_sort(&nodes)?;
        let mut topo_pos = vec![0; n];
        for (pos, &i) in topo.iter().enumerate() {
            topo_pos[i] = pos;
        }
        // Normalized down revisions: drop dependencies that an ancestor (through `Revises:`)
        // already declares (Alembic `_normalize_depends_on`).
        for i in 0..n {
            let mut deps = nodes[i].deps.clone();
            if !deps.is_empty() {
                let mut stack: Vec<usize> = nodes[i].parents.clone();
                let mut visited = std::collections::HashSet::new();
                while let Some(a) = stack.pop() {
                    if !visited.insert(a) {
                        continue;
                    }
                    if !nodes[a].deps.is_empty() {
                        deps.retain(|d| !nodes[a].deps.contains(d));
                    }
                    if deps.is_empty() {
                        break;
                    }
                    stack.extend(nodes[a].parents.iter().copied());
                }
            }
            let mut norm = nodes[i].parents.clone();
            for d in deps {
                if !norm.contains(&d) {
                    norm.push(d);
                }
            }
            nodes[i].norm_down = norm;
        }
        let by_pos = |v: &mut Vec<usize>| v.sort_by_key(|&i| topo_pos[i]);
        let mut heads: Vec<usize> = (0..n).filter(|&i| nodes[i].children.is_empty()).collect();
        let mut real_heads: Vec<usize> = (0..n)
            .filter(|&i| nodes[i].children.is_empty() && nodes[i].dependents.is_empty())
            .collect();
        let mut bases: Vec<usize> = (0..n).filter(|&i| nodes[i].parents.is_empty()).collect();
        by_pos(&mut heads);
        by_pos(&mut real_heads);
        by_pos(&mut bases);
        let mut sorted: Vec<usize> = (0..n).collect();
        sorted.sort_by(|&a, &b| nodes[a].header.revision.cmp(&nodes[b].header.revision));
        let mut map = RevisionMap {
            nodes,
            index,
            labels,
            sorted,
            topo,
            topo_pos,
            heads,
            real_heads,
            bases,
        };
        map.propagate_labels();
        Ok(map)
    }

    /// Alembic `_add_branches`: a label covers its revision, every descendant (through
    /// `Revises:`), and the ancestors down to the nearest branch point or merge point.
    fn propagate_labels(&mut self) {
        let mut declared: Vec<(usize, String)> =
            self.labels.iter().map(|(l, &i)| (i, l.clone())).collect();
        declared.sort_by_key(|(i, l)| (self.topo_pos[*i], l.clone()));
        for (start, label) in declared {
            let mut seen = vec![false; self.nodes.len()];
            let mut stack = vec![start];
            while let Some(i) = stack.pop() {
                if std::mem::replace(&mut seen[i], true) {
                    continue;
                }
                if !self.nodes[i].labels.contains(&label) {
                    self.nodes[i].labels.push(label.clone());
                }
                stack.extend(self.nodes[i].children.iter().copied());
            }
            let mut cur = start;
            loop {
                let node = &self.nodes[cur];
                let real_branch_point = node.children.len() + node.dependents.len() > 1;
                if real_branch_point || node.parents.len() > 1 {
                    break;
                }
                if !self.nodes[cur].labels.contains(&label) {
                    self.nodes[cur].labels.push(label.clone());
                }
                match self.nodes[cur].parents.first() {
                    Some(&p) => cur = p,
                    None => break,
                }
            }
        }
    }

    pub(crate) fn id(&self, i: usize) -> &str {
        &self.nodes[i].header.revision
    }

    pub(crate) fn ids(&self, v: &[usize]) -> Vec<String> {
        v.iter().map(|&i| self.id(i).to_string()).collect()
    }

    /// Number of revisions.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True if there are no revisions.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The header of a revision (full id only).
    pub fn get(&self, id: &str) -> Option<&Header> {
        self.index.get(id).map(|&i| &self.nodes[i].header)
    }

    /// The revision that declares a branch label.
    pub fn label_owner(&self, label: &str) -> Option<&str> {
        self.labels.get(label).map(|&i| self.id(i))
    }

    /// Revisions with no child through `Revises:` (what `heads` lists; a revision that is
    /// only depended upon is one of them — Alembic's "effective head"). Topological order.
    pub fn heads(&self) -> Vec<&str> {
        self.heads.iter().map(|&i| self.id(i)).collect()
    }

    /// Heads that nothing depends on either: what `upgrade heads` targets.
    pub fn real_heads(&self) -> Vec<&str> {
        self.real_heads.iter().map(|&i| self.id(i)).collect()
    }

    /// Revisions with an empty `Revises:`.
    pub fn bases(&self) -> Vec<&str> {
        self.bases.iter().map(|&i| self.id(i)).collect()
    }

    /// Revisions revised by more than one revision.
    pub fn branch_points(&self) -> Vec<&str> {
        self.topo
            .iter()
            .filter(|&&i| self.nodes[i].children.len() > 1)
            .map(|&i| self.id(i))
            .collect()
    }

    /// The revisions whose `Revises:` names `id` (topological order).
    pub fn children(&self, id: &str) -> Vec<&str> {
        let Some(&i) = self.index.get(id) else {
            return Vec::new();
        };
        let mut c = self.nodes[i].children.clone();
        c.sort_by_key(|&k| self.topo_pos[k]);
        c.iter().map(|&k| self.id(k)).collect()
    }

    /// The revisions whose `Depends on:` names `id`.
    pub fn dependents(&self, id: &str) -> Vec<&str> {
        let Some(&i) = self.index.get(id) else {
            return Vec::new();
        };
        self.nodes[i]
            .dependents
            .iter()
            .map(|&k| self.id(k))
            .collect()
    }

    /// `Depends on:` of `id` resolved to revision ids (labels replaced by their revision).
    pub fn dependencies(&self, id: &str) -> Vec<&str> {
        let Some(&i) = self.index.get(id) else {
            return Vec::new();
        };
        self.nodes[i].deps.iter().map(|&k| self.id(k)).collect()
    }

    /// Branch labels that apply to `id` (its own and inherited ones, as Alembic's
    /// "Branch names"), sorted.
    pub fn branch_labels(&self, id: &str) -> Vec<&str> {
        let Some(&i) = self.index.get(id) else {
            return Vec::new();
        };
        let mut v: Vec<&str> = self.nodes[i].labels.iter().map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// True if more than one revision revises `id`.
    pub fn is_branch_point(&self, id: &str) -> bool {
        self.index
            .get(id)
            .is_some_and(|&i| self.nodes[i].children.len() > 1)
    }

    /// True if `id` revises more than one revision.
    pub fn is_merge_point(&self, id: &str) -> bool {
        self.index
            .get(id)
            .is_some_and(|&i| self.nodes[i].parents.len() > 1)
    }

    /// True if `id` is a head (nothing revises it).
    pub fn is_head(&self, id: &str) -> bool {
        self.index
            .get(id)
            .is_some_and(|&i| self.nodes[i].children.is_empty())
    }

    /// Every revision id, base first (each after all its down revisions and dependencies);
    /// deterministic for a given set of headers.
    pub fn topological(&self) -> Vec<&str> {
        self.topo.iter().map(|&i| self.id(i)).collect()
    }

    // ----- ancestry ---------------------------------------------------------------------

    /// Marks `from` and everything below it. `versioned`: through `Revises:` only, else
    /// through `Depends on:` too.
    pub(crate) fn down_closure(&self, from: &[usize], versioned: bool) -> Vec<bool> {
        self.closure(from, versioned, |n| (&n.parents[..], &n.deps[..]))
    }

    /// Marks `from` and everything above it. `versioned`: through `Revises:` only.
    pub(crate) fn up_closure(&self, from: &[usize], versioned: bool) -> Vec<bool> {
        self.closure(from, versioned, |n| (&n.children[..], &n.dependents[..]))
    }

    /// Marks `from` and every node reached through `edges` (the versioned edges, then the
    /// dependency edges, followed unless `versioned`).
    fn closure(
        &self,
        from: &[usize],
        versioned: bool,
        edges: impl Fn(&Node) -> (&[usize], &[usize]),
    ) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = from.to_vec();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            let (revises, depends) = edges(&self.nodes[i]);
            stack.extend(revises.iter().copied().filter(|&p| !seen[p]));
            if !versioned {
                stack.extend(depends.iter().copied().filter(|&p| !seen[p]));
            }
        }
        seen
    }

    /// Is `a` equal to `b` or below it? Pruned with the topological order.
    pub(crate) fn is_ancestor_or_self(&self, a: usize, b: usize, versioned: bool) -> bool {
        if a == b {
            return true;
        }
        let limit = self.topo_pos[a];
        if limit > self.topo_pos[b] {
            return false;
        }
        let mut seen = std::collections::HashSet::new();
        let mut stack = vec![b];
        while let Some(i) = stack.pop() {
            if i == a {
                return true;
            }
            if self.topo_pos[i] < limit || !seen.insert(i) {
                continue;
            }
            let node = &self.nodes[i];
            stack.extend(node.parents.iter().copied());
            if !versioned {
                stack.extend(node.deps.iter().copied());
            }
        }
        false
    }

    /// Marks `b`, its ancestors and its descendants through `Revises:` (what
    /// [`Self::shares_lineage`] tests, for many revisions at once).
    pub(crate) fn lineage_mask(&self, b: usize) -> Vec<bool> {
        let mut mask = self.down_closure(&[b], true);
        for (m, a) in mask.iter_mut().zip(self.up_closure(&[b], true)) {
            *m |= a;
        }
        mask
    }

    /// The applied revisions (below `cur`) in `b`'s lineage that have no applied child in
    /// that set (through `Revises:` if `versioned`, else through all down revisions). Linear.
    pub(crate) fn applied_tips_in_lineage(
        &self,
        cur: &[usize],
        b: usize,
        versioned: bool,
    ) -> Vec<usize> {
        let applied = self.down_closure(cur, false);
        let lineage = self.lineage_mask(b);
        let active: Vec<usize> = self
            .topo
            .iter()
            .copied()
            .filter(|&i| applied[i] && lineage[i])
            .collect();
        let mut has_child = vec![false; self.nodes.len()];
        for &o in &active {
            let downs = if versioned {
                &self.nodes[o].parents
            } else {
                &self.nodes[o].norm_down
            };
            for &d in downs {
                has_child[d] = true;
            }
        }
        active.into_iter().filter(|&i| !has_child[i]).collect()
    }

    /// Alembic `_shares_lineage` (through `Revises:`): one is an ancestor of the other.
    pub(crate) fn shares_lineage(&self, a: usize, b: usize) -> bool {
        self.is_ancestor_or_self(a, b, true) || self.is_ancestor_or_self(b, a, true)
    }
}

/// Depth-first post-order over `Revises:` + `Depends on:` edges, starting from the heads in
/// input order: each revision comes after everything it needs, and a branch stays together.
/// Detects cycles.
fn topological_sort(nodes: &[Node]) -> Result<Vec<usize>, GraphError> {
    const WHITE: u8 = 0;
    const GRAY: u8 = 1;
    const BLACK: u8 = 2;
    let n = nodes.len();
    let mut color = vec![WHITE; n];
    let mut order = Vec::with_capacity(n);
    let mut starts: Vec<usize> = (0..n)
        .filter(|&i| nodes[i].children.is_empty() && nodes[i].dependents.is_empty())
        .collect();
    // Independent of the order of the headers: heads by id, parents in declared order.
    starts.sort_by(|&a, &b| nodes[a].header.revision.cmp(&nodes[b].header.revision));
    starts.extend(0..n);
    // (node, next edge index)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    let edge = |i: usize, k: usize| -> Option<usize> {
        let node = &nodes[i];
        if k < node.parents.len() {
            Some(node.parents[k])
        } else {
            node.deps.get(k - node.parents.len()).copied()
        }
    };
    for s in starts {
        if color[s] != WHITE {
            continue;
        }
        color[s] = GRAY;
        stack.push((s, 0));
        while let Some(top) = stack.last_mut() {
            let (i, k) = *top;
            top.1 += 1;
            match edge(i, k) {
                Some(next) => match color[next] {
                    WHITE => {
                        color[next] = GRAY;
                        stack.push((next, 0));
                    }
                    GRAY => {
                        let from = stack.iter().position(|&(j, _)| j == next).unwrap_or(0);
                        let mut revisions: Vec<String> = stack[from..]
                            .iter()
                            .map(|&(j, _)| nodes[j].header.revision.clone())
                            .collect();
                        revisions.reverse();
                        return Err(GraphError::Cycle { revisions });
                    }
                    _ => {}
                },
                None => {
                    color[i] = BLACK;
                    order.push(i);
                    stack.pop();
                }
            }
        }
    }
    Ok(order)
}
