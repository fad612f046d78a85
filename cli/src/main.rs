//! retort's command line for the example app (`examples/blog`).
//!
//! This is exactly what `retort init` scaffolds in a user's workspace: name the models crate
//! (so the linker keeps its `#[derive(Table)]` registrations), compile the migration scripts in,
//! and hand both to retort's command-line application.

use blog_models as _;

retort::include_migrations!();

fn main() {
    retort::cli::main(migrations())
}
