//! retort: `#[derive(Table)]` and `#[derive(DbEnum)]`
