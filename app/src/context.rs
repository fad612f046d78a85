//! What a command runs in: the compiled-in migrations, the models, the working directory and
//! the environment.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use retort_runner::MigrationSet;
use retort_schema::Schema;

/// The models' target schema: `Err` when it cannot be read (cross-table errors, or an empty
/// registry because the models crate was not linked).
pub type TargetFn = Arc<dyn Fn() -> Result<Schema, String> + Send + Sync>;

/// Everything a command needs besides its arguments.
#[derive(Clone)]
pub struct Context {
    /// The compiled-in migration scripts.
    pub migrations: MigrationSet,
    /// Reads the models' target schema.
    pub target: TargetFn,
    /// The working directory: `retort.toml`, `.env` and relative paths are looked up here.
    pub cwd: PathBuf,
    /// The environment (`DATABASE_URL`, and `NO_COLOR` / `CLICOLOR` / `CLICOLOR_FORCE` for
    /// colour).
    pub env: BTreeMap<String, String>,
    /// Standard output is a terminal: text output is coloured (unless `NO_COLOR`).
    pub terminal: bool,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("migrations", &self.migrations.scripts().len())
            .field("cwd", &self.cwd)
            .finish()
    }
}

impl Context {
    /// A context for the current process: its working directory and environment.
    pub fn new(
        migrations: MigrationSet,
        target: impl Fn() -> Result<Schema, String> + Send + Sync + 'static,
    ) -> Context {
        Context {
            migrations,
            target: Arc::new(target),
            cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            env: std::env::vars().collect(),
            terminal: std::io::IsTerminal::is_terminal(&std::io::stdout()),
        }
    }

    /// A context with an explicit working directory and an empty environment (tests).
    pub fn isolated(
        migrations: MigrationSet,
        target: impl Fn() -> Result<Schema, String> + Send + Sync + 'static,
        cwd: impl Into<PathBuf>,
    ) -> Context {
        Context {
            migrations,
            target: Arc::new(target),
            cwd: cwd.into(),
            env: BTreeMap::new(),
            terminal: false,
        }
    }

    /// Sets one environment variable of the context.
    pub fn with_env(mut self, key: &str, value: &str) -> Context {
        self.env.insert(key.to_string(), value.to_string());
        self
    }
}
