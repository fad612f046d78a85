//! retort: the revision graph, identifiers and script headers.
//!
//! Pure code, no I/O except [`version_files`] and [`check_fresh`]:
//!
//! - [`parse_header`]: the `//!` header block of a migration script (`retort-codegen` writes
//!   it, with [`HEADER_KEYS`] and [`normalize_message`]);
//! - [`RevisionMap`]: the revision graph with Alembic's semantics (heads, bases, branch points,
//!   merges, branch labels, `depends_on`, several bases), identifier resolution (`head`,
//!   `heads`, `base`, prefixes, `+N`, `-N`, `label@head`, ...), upgrade / downgrade / stamp
//!   plans with the exact version-table writes of every step, and history ranges;
//! - [`check_fresh`]: is the set of scripts on disk the one compiled into the binary?
//!
//! # Semantics (Alembic's, see `alembic/script/revision.py` and `runtime/migration.py`)
//!
//! - The version table holds one row per applied head. Each [`Step`] carries its complete
//!   list of writes ([`VersionChange`]): a base or a new branch is an `INSERT`, a linear step an
//!   `UPDATE`, a merge `DELETE`s all but one parent row and `UPDATE`s the last, the downgrade of
//!   a merge `UPDATE`s and `INSERT`s, a downgrade past a branch point whose other branch stays
//!   applied is a `DELETE`.
//! - `Depends on:` is a dependency, not a parent: an upgrade applies it first; it keeps no row
//!   of its own once a dependent is applied (the dependent's step merges it away); it is not
//!   used by `-N` / `+N` walks. A dependency already declared by an ancestor is ignored.
//! - `heads` (the identifier) means the heads nothing depends on ([`RevisionMap::real_heads`]);
//!   [`RevisionMap::heads`] lists every revision without a child, as `alembic heads` does.
//! - Prefixes: any prefix of an id longer than 3 characters, if unique; shorter ids only when
//!   given in full. A branch label alone names the revision that declares it.
//! - A label covers its revision, the revision's descendants and its ancestors down to the
//!   nearest branch or merge point; `label@...` filters by lineage with the declaring revision.
//!
//! Deviations from Alembic: `downgrade -1` with several current heads is an error (Alembic
//! warns and picks the first row); ids and labels are restricted to `[A-Za-z0-9_]`, up to 255
//! characters, and may not be `head`, `heads`, `base` or `current`; the order of independent
//! branches in a plan follows a depth-first order of the graph (deterministic, independent of
//! file order) rather than Alembic's.

mod errors;
mod fresh;
mod graph;
mod header;
mod history;
mod plan;
mod resolve;

pub use errors::{GraphError, ResolveError};
pub use fresh::{
    check_fresh, check_fresh_squashed, check_fresh_stamped, settle, squashed_files, version_files,
    Compiled, StaleError, Stamp, RACY_WINDOW_NS, SQUASHED_DIR,
};
pub use graph::RevisionMap;
pub use header::{
    file_hash, header_block, new_revision_id, normalize_message, parse_header,
    validate_branch_label, validate_revision_id, Header, HeaderError, HEADER_KEYS,
    MAX_REVISION_ID_LEN,
};
pub use plan::{Direction, StampPlan, Step, VersionChange};
