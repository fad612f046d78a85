//! retort: migration scripts as Rust source, in one place.
//!
//! - [`render_rust`]: operations (and their risk notes, as `// WARNING` comments) as the
//!   statements of `upgrade` / `downgrade`, laid out as rustfmt lays them out; [`rust_string`]
//!   for one literal;
//! - [`render_header`] / [`render_script`] / [`body`]: the `//!` header block (which
//!   `retort_revision::parse_header` reads back) and the whole file;
//! - [`bodies_from_empty`]: the bodies of a script creating a whole schema (a baseline);
//! - [`file_name`] / [`slug`]: `<rev>_<slug>.rs`; [`now_utc`]: a header's `Create date:`;
//! - [`write_new`] / [`write_atomic`]: the file written through a temporary file and a rename.
//!
//! The differ (`retort-diff`) stays pure data; this crate turns its output into text.

mod rust;
mod script;
mod write;

pub use rust::{render_rust, rust_string};
pub use script::{
    bodies_from_empty, body, dedent, file_name, format_utc, now_utc, render_header, render_script,
    slug,
};
pub use write::{write_atomic, write_new, WriteError};
