//! What `init` is asked to do.

use std::path::PathBuf;

/// What `init` needs.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// The workspace root to scaffold in.
    pub dir: PathBuf,
    /// The package name of the models crate (`my-models` or `my_models`). `None`: the one
    /// package of the workspace that depends on `retort`, else a new `models` crate.
    pub models_crate: Option<String>,
    /// The models crate's folder, relative to `dir` (or absolute). Default: the crate name.
    /// Created, with one example table, when it has no `Cargo.toml`.
    pub models_path: Option<PathBuf>,
    /// A retort checkout to take `retort` and `retort-build` from by path. Default: the way the
    /// models crate depends on `retort`, else the checkout this binary was built from, else
    /// crates.io.
    pub retort_path: Option<PathBuf>,
    /// `init --from-db`: the pulled models and what goes with them (see `crate::pull`).
    pub from_db: Option<FromDb>,
}

/// What `init --from-db` writes instead of the example table.
#[derive(Clone, Debug, Default)]
pub struct FromDb {
    /// The models crate's `src/lib.rs`: the pulled models.
    pub lib_rs: String,
    /// Features of `retort` the models need (each brings its crate as a dependency too).
    pub features: Vec<String>,
    /// `database_url` for retort.toml (a URL without a password).
    pub database_url: Option<String>,
    /// A URL with a password: written to `.env` (ignored by git) instead.
    pub env_url: Option<String>,
    /// `exclude_tables` entries for retort.toml: the tables not pulled.
    pub exclude_tables: Vec<String>,
    /// The baseline revision: its path relative to the workspace and its text.
    pub baseline: (String, String),
}
