//! Why a revision graph cannot be built, or an identifier, range or plan cannot be resolved.

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
