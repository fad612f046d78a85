//! retort: Alembic for Rust
