//! retort: compiles a migrations folder into a binary (for build.rs)
