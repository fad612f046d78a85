//! Why a command failed, and the exit code it ends with; "did you mean" for a mistyped
//! revision.

use std::path::PathBuf;

use retort_revision::RevisionMap;

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitCode {
    /// 0
    Success,
    /// 1: the command failed, or `check` found differences.
    Failure,
    /// 2: the command line or the configuration is wrong.
    Usage,
}

impl ExitCode {
    /// The process exit status.
    pub fn code(self) -> i32 {
        match self {
            ExitCode::Success => 0,
            ExitCode::Failure => 1,
            ExitCode::Usage => 2,
        }
    }
}

/// Why a command failed. Messages never contain a database password.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The command line is wrong (clap's own message, already formatted).
    #[error("{0}")]
    Clap(String),
    /// The command line or a revision expression is wrong.
    #[error("{0}")]
    Usage(String),
    /// `retort.toml` (or `.env`) is wrong.
    #[error("{}: {message}", path.display())]
    Config { path: PathBuf, message: String },
    /// A revision expression does not resolve (exit 2), or the version table names
    /// revisions the graph cannot place (exit 1); `hint` says what to do, if anything.
    #[error("{source}{hint}")]
    Resolve {
        #[source]
        source: retort_revision::ResolveError,
        hint: &'static str,
    },
    /// The scripts on disk are not the compiled-in ones.
    #[error("{0}")]
    Stale(#[source] retort_revision::StaleError),
    /// The runner failed (connection, SQL, lock, ...). Its message is the runner's; the
    /// exit code depends on its kind ([`AppError::exit_code`]).
    #[error("{0}")]
    Run(#[source] Box<retort_runner::RunError>),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The models' target schema could not be read.
    #[error("cannot read the models' target schema: {0}")]
    Target(String),
    /// Anything else that failed, with a message saying what to do.
    #[error("{0}")]
    Failed(String),
}

impl From<retort_runner::RunError> for AppError {
    fn from(e: retort_runner::RunError) -> Self {
        AppError::Run(Box::new(e))
    }
}

impl From<retort_codegen::WriteError> for AppError {
    fn from(e: retort_codegen::WriteError) -> Self {
        match e {
            retort_codegen::WriteError::Io { path, source } => AppError::Io { path, source },
            other => AppError::Failed(other.to_string()),
        }
    }
}

impl AppError {
    /// The exit code this error ends the process with, chosen by its kind (and, for the
    /// runner's errors, by the runner's kind).
    pub fn exit_code(&self) -> ExitCode {
        use retort_runner::RunError;
        match self {
            AppError::Clap(_) | AppError::Usage(_) | AppError::Config { .. } => ExitCode::Usage,
            AppError::Resolve { source, .. } => resolve_exit(source),
            AppError::Run(e) => match e.kind() {
                // What the command line asked cannot be done offline.
                RunError::Offline(_) => ExitCode::Usage,
                RunError::Resolve(source) | RunError::Range { source, .. } => resolve_exit(source),
                _ => ExitCode::Failure,
            },
            _ => ExitCode::Failure,
        }
    }
}

/// A revision expression that does not resolve is a usage error; a version table the graph
/// cannot place (it names unknown or overlapping revisions) is a failure.
fn resolve_exit(e: &retort_revision::ResolveError) -> ExitCode {
    use retort_revision::ResolveError;
    match e {
        ResolveError::UnknownCurrent { .. } | ResolveError::OverlappingCurrent { .. } => {
            ExitCode::Failure
        }
        _ => ExitCode::Usage,
    }
}

/// Maps a revision-expression error to a usage error (exit 2).
pub(crate) fn resolve_err(e: retort_revision::ResolveError) -> AppError {
    AppError::Resolve {
        source: e,
        hint: "",
    }
}

/// [`resolve_err`], with "did you mean" for a mistyped revision id or branch label.
pub(crate) fn resolve_err_in(map: &RevisionMap, e: retort_revision::ResolveError) -> AppError {
    use retort_revision::ResolveError as R;
    let typed = match &e {
        R::NoSuchRevision { id } => Some(id.clone()),
        R::NoSuchBranch { label } => Some(label.clone()),
        _ => None,
    };
    match typed.map(|t| suggestions(map, &t)) {
        Some(s) if !s.is_empty() => {
            AppError::Usage(format!("{e}; did you mean {}?", s.join(" or ")))
        }
        _ => resolve_err(e),
    }
}

/// The revision ids and branch labels closest to `typed` (edit distance at most a third of
/// its length, at least 1; ids compared on the typed length, as prefixes are accepted).
pub(crate) fn suggestions(map: &RevisionMap, typed: &str) -> Vec<String> {
    // `label@head`, `id+2`: suggest for the part that names something.
    let typed = typed.split('@').next().unwrap_or(typed);
    let typed = typed.trim_end_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    if typed.is_empty() {
        return Vec::new();
    }
    let limit = (typed.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, String)> = Vec::new();
    for id in map.topological() {
        let prefix: String = id.chars().take(typed.chars().count()).collect();
        let d = edit_distance(typed, &prefix).min(edit_distance(typed, id));
        if d <= limit {
            scored.push((d, id.to_string()));
        }
        for l in map.branch_labels(id) {
            // Labels of the revision itself (inherited ones are suggested at their owner).
            if map.label_owner(l) == Some(id) {
                let d = edit_distance(typed, l);
                if d <= limit {
                    scored.push((d, l.to_string()));
                }
            }
        }
    }
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    let best = scored.first().map(|s| s.0);
    scored
        .into_iter()
        .filter(|s| Some(s.0) == best)
        .map(|s| s.1)
        .take(3)
        .collect()
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// A version table naming a revision this binary has only among a squash's kept originals is
/// not "unknown": say which revision it was squashed into and that `upgrade` gets it there.
pub(crate) fn squashed_current(e: AppError, set: &retort_runner::MigrationSet) -> AppError {
    let id = match &e {
        AppError::Resolve {
            source: retort_revision::ResolveError::UnknownCurrent { id },
            ..
        } => id.clone(),
        _ => return e,
    };
    if set.squashed_script(&id).is_none() {
        return e;
    }
    AppError::Run(set.unknown_applied(id).into())
}
