//! retort: the revision graph, identifiers and script headers.
//!
//! Pure code, no I/O except [`version_files`] and [`check_fresh`]:
//!
//! - [`parse_header`] / [`render_header`] / [`render_script`]: the `//!` header block of a
//!   migration script and the whole file as `revision` writes it;
//! - [`RevisionMap`]: the revision graph with Alembic's semantics (heads, bases, branch points,
//!   merges, branch labels, `depends_on`, several bases), identifier resolution (`head`,
//!   `heads`, `base`, prefixes, `+N`, `-N`, `label@head`, ...), upgrade / downgrade / stamp
//!   plans with the exact version-table writes of every step, and history ranges;
//! - [`check_fresh`]: is the set of scripts on disk the one compiled into the binary?

mod fresh;
mod header;
mod map;
mod plan;

pub use fresh::{check_fresh, version_files, StaleError};
pub use header::{
    file_hash, file_name, header_block, new_revision_id, parse_header, render_header,
    render_script, slug, validate_branch_label, validate_revision_id, Header, HeaderError,
    MAX_REVISION_ID_LEN,
};
pub use map::{GraphError, ResolveError, RevisionMap};
pub use plan::{Direction, StampPlan, Step, VersionChange};
