//! The revision graph and identifier resolution (Alembic's `RevisionMap` semantics).

use std::collections::HashMap;

use crate::header::{validate_branch_label, validate_revision_id, Header};

/// A graph that cannot be built from the scripts' headers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GraphError {
    /// Two scripts carry the same revision id.
    #[error("Revision {revision} is present more than once; give one of the two scripts a new `Revision ID:`")]
    DuplicateRevision {
        /// The repeated id.
        revision: String,
    },
    /// A revision id is not usable.
    #[error("invalid revision id in revision {revision}: {reason}")]
    InvalidRevisionId {
        /// The revision whose header holds the bad id.
        revision: String,
        /// What is wrong.
        reason: String,
    },
    /// A branch label is not usable.
    #[error("invalid branch label in revision {revision}: {reason}")]
    InvalidBranchLabel {
        /// The revision declaring it.
        revision: String,
        /// What is wrong.
        reason: String,
    },
    /// Two revisions declare the same branch label.
    #[error("Branch name '{label}' in revision {revision} already used by revision {other}")]
    DuplicateBranchLabel {
        /// The label.
        label: String,
        /// The second revision declaring it.
        revision: String,
        /// The first revision declaring it.
        other: String,
    },
    /// A branch label equals a revision id.
    #[error("Branch name '{label}' in revision {revision} is also the id of revision {label}; rename the label")]
    LabelIsRevisionId {
        /// The label.
        label: String,
        /// The revision declaring it.
        revision: String,
    },
    /// `Revises:` names a revision that no script has.
    #[error("Revision {revision} revises {missing}, which is not present in the versions folder")]
    MissingDownRevision {
        /// The revision whose `Revises:` is wrong.
        revision: String,
        /// The id it names.
        missing: String,
    },
    /// `Depends on:` names neither a revision nor a branch label.
    #[error(
        "Revision {revision} depends on {missing}, which is neither a revision nor a branch label"
    )]
    MissingDependency {
        /// The revision whose `Depends on:` is wrong.
        revision: String,
        /// The id it names.
        missing: String,
    },
    /// The graph has a cycle (through `Revises:` and/or `Depends on:`).
    #[error("Cycle is detected in revisions ({})", revisions.join(", "))]
    Cycle {
        /// The revisions on the cycle, in order.
        revisions: Vec<String>,
    },
}

/// An identifier, range or plan that cannot be resolved against the graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// Nothing is named so.
    #[error("No such revision or branch '{id}'{}", if id.len() < 4 { "; please ensure at least four characters are present for partial revision identifier matches" } else { "" })]
    NoSuchRevision {
        /// The identifier as given.
        id: String,
    },
    /// A branch label (the part before `@`) names nothing.
    #[error("No such branch: '{label}'")]
    NoSuchBranch {
        /// The label as given.
        label: String,
    },
    /// A prefix matches several revisions.
    #[error(
        "Multiple revisions start with '{prefix}': {}; give more characters",
        list_some(candidates)
    )]
    AmbiguousPrefix {
        /// The prefix as given.
        prefix: String,
        /// Every matching revision id.
        candidates: Vec<String>,
    },
    /// `head` (or `label@head`) names several heads.
    #[error("Multiple head revisions are present for given argument '{argument}'; please specify a specific target revision, '<branchname>@head' to narrow to a specific head, or 'heads' for all heads (heads: {})", heads.join(", "))]
    MultipleHeads {
        /// The argument as given (`head`, `label@head`, ...).
        argument: String,
        /// The heads it matched.
        heads: Vec<String>,
    },
    /// `+N` while the database has several heads.
    #[error("Ambiguous upgrade from multiple current revisions ({}); name a target such as '<branchname>@+1' or a revision", current.join(", "))]
    AmbiguousUpgrade {
        /// The current heads.
        current: Vec<String>,
    },
    /// `-N` while the database has several heads.
    #[error("Ambiguous downgrade from multiple current revisions ({}); name a target such as '<branchname>@-1' or a revision", current.join(", "))]
    AmbiguousDowngrade {
        /// The current heads.
        current: Vec<String>,
    },
    /// A relative walk reached a merge point (down) or a branch point (up).
    #[error("Ambiguous walk from {from}: it has several {} ({}); name the target revision instead", if *downward { "down revisions" } else { "next revisions" }, candidates.join(", "))]
    AmbiguousWalk {
        /// Where the walk stood (`base` for below the bases).
        from: String,
        /// True for a walk down (`-N`).
        downward: bool,
        /// The revisions it could go to.
        candidates: Vec<String>,
    },
    /// `+N` / `-N` walked past a head or the base.
    #[error("Relative revision {relative} didn't produce {count} migrations")]
    RelativeTooFar {
        /// The relative part as given (`+3`, `-2`).
        relative: String,
        /// N.
        count: u64,
    },
    /// `rev+N` / `rev-N` walked past a head or the base.
    #[error("Walked too far: '{expr}' goes past the end of the history")]
    WalkedTooFar {
        /// The expression as given.
        expr: String,
    },
    /// `label@rev` where `rev` is not on that branch.
    #[error("Revision {revision} is not a member of branch '{branch}'")]
    NotOnBranch {
        /// The revision.
        revision: String,
        /// The branch label.
        branch: String,
    },
    /// A range whose lower end is not below its upper end.
    #[error("Revision {lower} is not an ancestor of revision {upper}")]
    NotAnAncestor {
        /// The lower end.
        lower: String,
        /// The upper end.
        upper: String,
    },
    /// A downgrade target that is not applied.
    #[error("Destination {target} is not a valid downgrade target from current head(s) ({})", if current.is_empty() { "none".to_string() } else { current.join(", ") })]
    NotADowngradeTarget {
        /// The target as given.
        target: String,
        /// The current heads.
        current: Vec<String>,
    },
    /// The version table names a revision that no script has.
    #[error("Can't locate revision identified by '{id}': the version table holds it but no script in the versions folder has this id (a script was deleted, or this database belongs to another branch of the code)")]
    UnknownCurrent {
        /// The id from the version table.
        id: String,
    },
    /// The version table holds a revision and one of its descendants.
    #[error("the version table holds both '{ancestor}' and its descendant '{descendant}', but it keeps one row per head: one of them is stale (written by hand, or left by an interrupted run). Check which revision the schema is at, then rewrite the table with `stamp --purge <revision>` (e.g. `stamp --purge {descendant}`)")]
    OverlappingCurrent {
        /// The row that is below the other one.
        ancestor: String,
        /// The row above it.
        descendant: String,
    },
    /// A history range without `:`.
    #[error("Range requires [start]:[end], [start]:, or :[end]; got '{range}'")]
    InvalidRange {
        /// The range as given.
        range: String,
    },
    /// An expression that does not apply in this context (e.g. `upgrade -1`).
    #[error("'{expr}' is not a valid {context} target: {reason}")]
    InvalidTarget {
        /// The expression.
        expr: String,
        /// `upgrade`, `downgrade`, ...
        context: &'static str,
        /// Why.
        reason: String,
    },
    /// The version table's rows do not fit the plan (a row to update or delete is absent).
    #[error("the version table does not match the plan at revision {revision}: {reason}")]
    VersionTableMismatch {
        /// The revision whose step failed.
        revision: String,
        /// What is wrong.
        reason: String,
    },
}

/// `'a', 'b', 'c'`, at most ten, then `... (N more)`.
fn list_some(candidates: &[String]) -> String {
    let mut out: Vec<String> = candidates
        .iter()
        .take(10)
        .map(|c| format!("'{c}'"))
        .collect();
    if candidates.len() > 10 {
        out.push(format!("... ({} more)", candidates.len() - 10));
    }
    out.join(", ")
}

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
    index: HashMap<String, usize>,
    labels: HashMap<String, usize>,
    /// Node indices sorted by revision id (prefix search).
    sorted: Vec<usize>,
    /// Topological order, base first.
    pub(crate) topo: Vec<usize>,
    pub(crate) topo_pos: Vec<usize>,
    heads: Vec<usize>,
    real_heads: Vec<usize>,
    bases: Vec<usize>,
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

/// Where a walk stands: a revision, or below every base.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Pos {
    Base,
    Rev(usize),
}

/// `[label@][symbol](+|-)N` or `[label@]symbol`.
pub(crate) struct Expr<'a> {
    pub(crate) label: Option<&'a str>,
    pub(crate) symbol: Option<&'a str>,
    /// Signed N and its text.
    pub(crate) relative: Option<(i64, &'a str)>,
}

pub(crate) fn parse_expr(s: &str) -> Expr<'_> {
    let (label, rest) = match s.split_once('@') {
        Some((l, r)) => (Some(l), r),
        None => (None, s),
    };
    if let Some(i) = rest.rfind(['+', '-']) {
        let digits = &rest[i + 1..];
        let sym = &rest[..i];
        if !digits.is_empty()
            && digits.len() <= 9
            && digits.bytes().all(|b| b.is_ascii_digit())
            && sym.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            let n: i64 = digits.parse().unwrap_or(0);
            let n = if rest.as_bytes()[i] == b'-' { -n } else { n };
            return Expr {
                label,
                symbol: (!sym.is_empty()).then_some(sym),
                relative: Some((n, &rest[i..])),
            };
        }
    }
    Expr {
        label,
        symbol: Some(rest),
        relative: None,
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
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = from.to_vec();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            let node = &self.nodes[i];
            stack.extend(node.parents.iter().copied().filter(|&p| !seen[p]));
            if !versioned {
                stack.extend(node.deps.iter().copied().filter(|&p| !seen[p]));
            }
        }
        seen
    }

    /// Marks `from` and everything above it. `versioned`: through `Revises:` only.
    pub(crate) fn up_closure(&self, from: &[usize], versioned: bool) -> Vec<bool> {
        let mut seen = vec![false; self.nodes.len()];
        let mut stack: Vec<usize> = from.to_vec();
        while let Some(i) = stack.pop() {
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            let node = &self.nodes[i];
            stack.extend(node.children.iter().copied().filter(|&p| !seen[p]));
            if !versioned {
                stack.extend(node.dependents.iter().copied().filter(|&p| !seen[p]));
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
    fn applied_tips_in_lineage(&self, cur: &[usize], b: usize, versioned: bool) -> Vec<usize> {
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

    // ----- identifiers ------------------------------------------------------------------

    /// Resolves the part before `@`: a branch label, else a revision (`<rev>@head`).
    pub(crate) fn resolve_branch(&self, label: &str) -> Result<usize, ResolveError> {
        if let Some(&i) = self.labels.get(label) {
            return Ok(i);
        }
        match self.revision_for_ident(label, None) {
            Ok(i) => Ok(i),
            Err(_) => Err(ResolveError::NoSuchBranch {
                label: label.to_string(),
            }),
        }
    }

    /// A full id, a branch label, or a unique prefix (candidates longer than 3 characters,
    /// as Alembic), checked against `branch` if given.
    pub(crate) fn revision_for_ident(
        &self,
        ident: &str,
        branch: Option<&str>,
    ) -> Result<usize, ResolveError> {
        if ident.is_empty() {
            return Err(ResolveError::NoSuchRevision { id: String::new() });
        }
        let branch_rev = match branch {
            Some(b) => Some(self.resolve_branch(b)?),
            None => None,
        };
        let found = if let Some(&i) = self.index.get(ident).or_else(|| self.labels.get(ident)) {
            i
        } else {
            let start = self.sorted.partition_point(|&i| self.id(i) < ident);
            let mut candidates: Vec<usize> = self.sorted[start..]
                .iter()
                .copied()
                .take_while(|&i| self.id(i).starts_with(ident))
                .filter(|&i| self.id(i).len() > 3)
                .collect();
            if let Some(b) = branch_rev {
                if candidates.len() > 1 {
                    candidates.retain(|&c| self.shares_lineage(c, b));
                }
            }
            match candidates.len() {
                0 => {
                    return Err(ResolveError::NoSuchRevision {
                        id: ident.to_string(),
                    })
                }
                1 => candidates[0],
                _ => {
                    return Err(ResolveError::AmbiguousPrefix {
                        prefix: ident.to_string(),
                        candidates: self.ids(&candidates),
                    })
                }
            }
        };
        if let (Some(b), Some(label)) = (branch_rev, branch) {
            if !self.shares_lineage(found, b) {
                return Err(ResolveError::NotOnBranch {
                    revision: self.id(found).to_string(),
                    branch: label.to_string(),
                });
            }
        }
        Ok(found)
    }

    fn heads_in_branch(&self, label: Option<&str>) -> Result<Vec<usize>, ResolveError> {
        match label {
            None => Ok(self.heads.clone()),
            Some(l) => {
                let b = self.resolve_branch(l)?;
                Ok(self
                    .heads
                    .iter()
                    .copied()
                    .filter(|&h| self.shares_lineage(h, b))
                    .collect())
            }
        }
    }

    /// `head`, `heads`, `base`, `current`, or an identifier, optionally under a label.
    pub(crate) fn resolve_symbol(
        &self,
        label: Option<&str>,
        symbol: &str,
        current: &[usize],
    ) -> Result<Vec<usize>, ResolveError> {
        match symbol {
            "heads" => match label {
                None => Ok(self.real_heads.clone()),
                Some(_) => self.heads_in_branch(label),
            },
            "head" => {
                let heads = self.heads_in_branch(label)?;
                if heads.len() > 1 {
                    return Err(ResolveError::MultipleHeads {
                        argument: match label {
                            Some(l) => format!("{l}@head"),
                            None => "head".to_string(),
                        },
                        heads: self.ids(&heads),
                    });
                }
                Ok(heads)
            }
            "base" => {
                if let Some(l) = label {
                    self.resolve_branch(l)?;
                }
                Ok(Vec::new())
            }
            "current" => match label {
                None => Ok(current.to_vec()),
                Some(l) => {
                    let b = self.resolve_branch(l)?;
                    Ok(current
                        .iter()
                        .copied()
                        .filter(|&c| self.shares_lineage(c, b))
                        .collect())
                }
            },
            _ => Ok(vec![self.revision_for_ident(symbol, label)?]),
        }
    }

    /// A single position for a walk's start.
    pub(crate) fn single_pos(
        &self,
        label: Option<&str>,
        symbol: &str,
        current: &[usize],
    ) -> Result<Pos, ResolveError> {
        let v = self.resolve_symbol(label, symbol, current)?;
        match v.len() {
            0 => Ok(Pos::Base),
            1 => Ok(Pos::Rev(v[0])),
            _ => Err(ResolveError::MultipleHeads {
                argument: match label {
                    Some(l) => format!("{l}@{symbol}"),
                    None => symbol.to_string(),
                },
                heads: self.ids(&v),
            }),
        }
    }

    /// Alembic `_walk`: `steps` up (> 0, through children, restricted to `branch`'s
    /// lineage) or down (< 0, through `Revises:`). `Ok(None)` when it walks past the end and
    /// `no_overwalk`; otherwise an overwalk stops at the end.
    pub(crate) fn walk(
        &self,
        start: Pos,
        steps: i64,
        branch: Option<usize>,
        no_overwalk: bool,
    ) -> Result<Option<Pos>, ResolveError> {
        let mut at = start;
        // Lineage of the branch, computed once.
        let lineage: Option<Vec<bool>> = branch.filter(|_| steps > 0).map(|b| self.lineage_mask(b));
        for _ in 0..steps.unsigned_abs() {
            let next: Vec<Pos> = if steps > 0 {
                let mut up: Vec<usize> = match at {
                    Pos::Base => self.bases.clone(),
                    Pos::Rev(i) => self.nodes[i].children.clone(),
                };
                if let Some(mask) = &lineage {
                    up.retain(|&c| mask[c]);
                }
                up.sort_by_key(|&c| self.topo_pos[c]);
                up.into_iter().map(Pos::Rev).collect()
            } else {
                match at {
                    Pos::Base => Vec::new(),
                    Pos::Rev(i) if self.nodes[i].parents.is_empty() => vec![Pos::Base],
                    Pos::Rev(i) => self.nodes[i].parents.iter().map(|&p| Pos::Rev(p)).collect(),
                }
            };
            match next.len() {
                0 => return Ok(if no_overwalk { None } else { Some(at) }),
                1 => at = next[0],
                _ => {
                    return Err(ResolveError::AmbiguousWalk {
                        from: self.pos_name(at),
                        downward: steps < 0,
                        candidates: next.iter().map(|p| self.pos_name(*p)).collect(),
                    })
                }
            }
        }
        Ok(Some(at))
    }

    pub(crate) fn pos_name(&self, p: Pos) -> String {
        match p {
            Pos::Base => "base".to_string(),
            Pos::Rev(i) => self.id(i).to_string(),
        }
    }

    /// Checks the version table's rows: each names a script, and none is below another one.
    pub fn check_current(&self, current: &[String]) -> Result<(), ResolveError> {
        self.current_indices(current).map(|_| ())
    }

    /// Validates the version table's rows and turns them into indices.
    pub(crate) fn current_indices(&self, current: &[String]) -> Result<Vec<usize>, ResolveError> {
        let mut out = Vec::with_capacity(current.len());
        for c in current {
            let Some(&i) = self.index.get(c.as_str()) else {
                return Err(ResolveError::UnknownCurrent { id: c.clone() });
            };
            if !out.contains(&i) {
                out.push(i);
            }
        }
        // One row per head: a row below another one through `Revises:` is stale (written by
        // hand, or left by an interrupted run) and would make every plan wrong.
        if out.len() > 1 {
            for &d in &out {
                let below = self.down_closure(&[d], true);
                if let Some(&a) = out.iter().find(|&&a| a != d && below[a]) {
                    return Err(ResolveError::OverlappingCurrent {
                        ancestor: self.id(a).to_string(),
                        descendant: self.id(d).to_string(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Resolves an identifier to revision ids (empty = base). Accepts full ids, unique
    /// prefixes, branch labels, `head`, `heads`, `base`, `current`, `+N` / `-N` (from
    /// `current`), `<rev>+N`, `<rev>-N`, `head-N`, `base+N`, `label@head`, `label@heads`,
    /// `label@base`, `label@+N`, `label@-N`, `label@<rev>`, `<rev>@head`.
    pub fn resolve(&self, expr: &str, current: &[String]) -> Result<Vec<String>, ResolveError> {
        let cur = self.current_indices(current)?;
        let e = parse_expr(expr.trim());
        let v = match e.relative {
            Some((n, _)) if n >= 0 => self.upgrade_targets(&cur, expr.trim(), "resolve")?,
            Some(_) => match self.downgrade_target(&cur, expr.trim())?.1 {
                Pos::Base => Vec::new(),
                Pos::Rev(i) => vec![i],
            },
            None => self.resolve_symbol(e.label, e.symbol.unwrap_or(""), &cur)?,
        };
        Ok(self.ids(&v))
    }

    /// Alembic `_parse_upgrade_target`: the revisions an upgrade goes to (empty = base).
    pub(crate) fn upgrade_targets(
        &self,
        cur: &[usize],
        target: &str,
        context: &'static str,
    ) -> Result<Vec<usize>, ResolveError> {
        let e = parse_expr(target);
        let Some((n, rel_text)) = e.relative else {
            return self.resolve_symbol(e.label, e.symbol.unwrap_or(""), cur);
        };
        let branch = match e.label {
            Some(l) => Some(self.resolve_branch(l)?),
            None => None,
        };
        let count = n.unsigned_abs();
        if n > 0 {
            let start = match e.symbol {
                Some(sym) => self.single_pos(None, sym, cur)?,
                None => {
                    let mut starts: Vec<Pos> = cur.iter().map(|&c| Pos::Rev(c)).collect();
                    if let Some(b) = branch {
                        let on: Vec<usize> = cur
                            .iter()
                            .copied()
                            .filter(|&c| self.shares_lineage(c, b))
                            .collect();
                        starts = if on.is_empty() {
                            // The branch is not a current head: start from the tips of the
                            // applied part of the branch, or from base.
                            let tips = self.applied_tips_in_lineage(cur, b, false);
                            if tips.is_empty() {
                                vec![Pos::Base]
                            } else {
                                tips.into_iter().map(Pos::Rev).collect()
                            }
                        } else {
                            on.into_iter().map(Pos::Rev).collect()
                        };
                    }
                    if starts.is_empty() {
                        starts.push(Pos::Base);
                    }
                    if starts.len() > 1 {
                        return Err(ResolveError::AmbiguousUpgrade {
                            current: self.ids(cur),
                        });
                    }
                    starts[0]
                }
            };
            match self.walk(start, n, branch, true)? {
                Some(Pos::Rev(i)) => Ok(vec![i]),
                Some(Pos::Base) => Ok(Vec::new()),
                None if e.symbol.is_none() => Err(ResolveError::RelativeTooFar {
                    relative: rel_text.to_string(),
                    count,
                }),
                None => Err(ResolveError::WalkedTooFar {
                    expr: target.to_string(),
                }),
            }
        } else {
            let Some(sym) = e.symbol else {
                return Err(ResolveError::InvalidTarget {
                    expr: target.to_string(),
                    context,
                    reason: format!(
                        "Relative revision {rel_text} didn't produce {count} migrations; an \
                         upgrade moves forward (use `downgrade {rel_text}`)"
                    ),
                });
            };
            let start = self.single_pos(e.label, sym, cur)?;
            match self.walk(start, n, None, true)? {
                Some(Pos::Rev(i)) => Ok(vec![i]),
                Some(Pos::Base) => Ok(Vec::new()),
                None => Err(ResolveError::WalkedTooFar {
                    expr: target.to_string(),
                }),
            }
        }
    }

    /// Alembic `_parse_downgrade_target`: (branch label, target position).
    pub(crate) fn downgrade_target<'a>(
        &self,
        cur: &[usize],
        target: &'a str,
    ) -> Result<(Option<&'a str>, Pos), ResolveError> {
        let e = parse_expr(target);
        let Some((n, rel_text)) = e.relative else {
            let pos = self.single_pos(e.label, e.symbol.unwrap_or(""), cur)?;
            return Ok((e.label, pos));
        };
        let count = n.unsigned_abs();
        let branch = match e.label {
            Some(l) => Some(self.resolve_branch(l)?),
            None => None,
        };
        if n >= 0 {
            let Some(sym) = e.symbol else {
                return Err(ResolveError::InvalidTarget {
                    expr: target.to_string(),
                    context: "downgrade",
                    reason: format!(
                        "Relative revision {rel_text} didn't produce {count} migrations; a \
                         downgrade moves back (use `upgrade {rel_text}`)"
                    ),
                });
            };
            let start = self.single_pos(None, sym, cur)?;
            return match self.walk(start, n, branch, true)? {
                Some(p) => Ok((e.label, p)),
                None => Err(ResolveError::WalkedTooFar {
                    expr: target.to_string(),
                }),
            };
        }
        let start = match e.symbol {
            Some(sym) => self.single_pos(e.label, sym, cur)?,
            None => {
                let starts: Vec<usize> = match branch {
                    Some(b) => {
                        let on: Vec<usize> = cur
                            .iter()
                            .copied()
                            .filter(|&c| self.shares_lineage(c, b))
                            .collect();
                        if on.is_empty() {
                            // The branch's head may be applied only as a dependency of
                            // another current head.
                            self.applied_tips_in_lineage(cur, b, true)
                        } else {
                            on
                        }
                    }
                    None => cur.to_vec(),
                };
                match starts.len() {
                    0 => {
                        return Err(ResolveError::RelativeTooFar {
                            relative: rel_text.to_string(),
                            count,
                        })
                    }
                    1 => Pos::Rev(starts[0]),
                    _ => {
                        return Err(ResolveError::AmbiguousDowngrade {
                            current: self.ids(&starts),
                        })
                    }
                }
            }
        };
        match self.walk(start, n, None, true)? {
            Some(p) => Ok((e.label, p)),
            None if e.symbol.is_none() => Err(ResolveError::RelativeTooFar {
                relative: rel_text.to_string(),
                count,
            }),
            None => Err(ResolveError::WalkedTooFar {
                expr: target.to_string(),
            }),
        }
    }

    /// Revisions of a history range, newest first (Alembic `history -r`). `None`: all.
    /// Range forms: `a:b`, `:b`, `a:`, `-3:current` (a relative lower end counts down from
    /// the upper end), `current:`, `label@base:label@head`.
    pub fn history(
        &self,
        range: Option<&str>,
        current: &[String],
    ) -> Result<Vec<&Header>, ResolveError> {
        let cur = self.current_indices(current)?;
        let Some(range) = range else {
            return Ok(self
                .topo
                .iter()
                .rev()
                .map(|&i| &self.nodes[i].header)
                .collect());
        };
        let Some((lower, upper)) = range.trim().split_once(':') else {
            return Err(ResolveError::InvalidRange {
                range: range.to_string(),
            });
        };
        let (lower, upper) = (lower.trim(), upper.trim());
        let upper = if upper.is_empty() { "heads" } else { upper };
        let mut targets = self.upgrade_targets(&cur, upper, "history")?;
        let lower_e = parse_expr(lower);
        if let Some(l) = lower_e.label {
            // `label@...:heads` walks only the heads of that branch (Alembic filters the
            // upper targets by the lower end's branch).
            let b = self.resolve_branch(l)?;
            let mask = self.lineage_mask(b);
            targets.retain(|&t| mask[t]);
        }
        let lows: Vec<usize> = if lower.is_empty() {
            Vec::new()
        } else if let (Some((n, _)), None) = (lower_e.relative, lower_e.symbol) {
            if n >= 0 {
                return Err(ResolveError::InvalidTarget {
                    expr: lower.to_string(),
                    context: "history range start",
                    reason: "a relative start counts down from the end of the range; use -N".into(),
                });
            }
            let start = match targets.len() {
                0 => Pos::Base,
                1 => Pos::Rev(targets[0]),
                _ => {
                    return Err(ResolveError::MultipleHeads {
                        argument: upper.to_string(),
                        heads: self.ids(&targets),
                    })
                }
            };
            match self.walk(start, n, None, false)? {
                Some(Pos::Rev(i)) => vec![i],
                _ => Vec::new(),
            }
        } else {
            self.upgrade_targets(&cur, lower, "history")?
        };
        let required = self.down_closure(&targets, false);
        if let Some(&bad) = lows.iter().find(|&&l| !required[l]) {
            return Err(ResolveError::NotAnAncestor {
                lower: self.id(bad).to_string(),
                upper: upper.to_string(),
            });
        }
        let mut keep = required;
        if !lows.is_empty() {
            let below = self.down_closure(&lows, false);
            let above = self.up_closure(&lows, true);
            for i in 0..keep.len() {
                keep[i] = keep[i] && (!below[i] || lows.contains(&i)) && above[i];
            }
        }
        Ok(self
            .topo
            .iter()
            .rev()
            .filter(|&&i| keep[i])
            .map(|&i| &self.nodes[i].header)
            .collect())
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
