//! retort: the command-line application, as a library.
//!
//! A `cli` binary is three lines (the `retort` crate's `cli` feature wraps this one):
//!
//! ```ignore
//! use my_models as _;
//! retort::include_migrations!();
//! fn main() { retort::cli::main(migrations()) }
//! ```
//!
//! [`main`] parses `std::env::args`, runs the command on a tokio runtime, prints
//! `error: ...` on failure and exits with 0 (success), 1 (failure, or differences found by
//! `check`) or 2 (usage error). [`run`] is the same thing as a library call that never touches
//! the process (no exit, no logger, no environment lookup: the [`Context`] carries the working
//! directory and the environment), which is what tests and embedding tools use.

mod applied;
mod cli;
mod commands;
pub mod config;
mod database;
mod db;
mod describe;
mod graph;
pub mod init;
pub mod json;
pub mod pull;
mod resume;
mod squash;
mod style;
mod verify;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Parser;

use retort_schema::Schema;

pub use config::Config;
pub use retort_runner::{redact_text, redact_url};

pub use retort_runner::MigrationSet;

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

/// The process entry point of a `cli` binary: parses `std::env::args`, runs the command,
/// prints `error: ...` to stderr on failure and exits with 0, 1 or 2.
pub fn main(migrations: MigrationSet, target: fn() -> Result<Schema, String>) -> ! {
    let ctx = Context::new(migrations, target);
    // A panic message (a script's `expect`, a bug) may quote a URL: print it redacted.
    std::panic::set_hook(Box::new(|info| {
        let msg = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_string());
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("error: retort panicked{at}: {}", redact_text(&msg));
    }));
    let args: Vec<String> = std::env::args_os()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let result = runtime.block_on(run(args, &ctx, &mut out));
    let _ = out.flush();
    drop(out);
    let code = match result {
        Ok(code) => code,
        Err(e) => {
            eprint!("{}", error_text(&e));
            e.exit_code()
        }
    };
    std::process::exit(code.code())
}

/// The text `main` prints to stderr for an error (ends with a newline).
pub fn error_text(e: &AppError) -> String {
    let text = match e {
        AppError::Clap(text) => {
            if text.ends_with('\n') {
                text.clone()
            } else {
                format!("{text}\n")
            }
        }
        other => format!("error: {other}\n"),
    };
    // Whatever a message quotes (a configuration line, a URL a driver echoed), no password.
    redact_text(&text)
}

/// Runs one command. `args` is a full argument vector (`args[0]` is the program name).
/// Output goes to `out`; errors are returned, never printed.
pub async fn run(
    args: Vec<String>,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let cli = match cli::Cli::try_parse_from(&args) {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            return match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
                    let _ = write!(out, "{}", e.render());
                    Ok(ExitCode::Success)
                }
                _ => Err(AppError::Clap(e.render().to_string())),
            };
        }
    };
    commands::dispatch(cli, ctx, out)
        .await
        .map_err(|e| squashed_current(e, &ctx.migrations))
}

/// A version table naming a revision this binary has only among a squash's kept originals is
/// not "unknown": say which revision it was squashed into and that `upgrade` gets it there.
fn squashed_current(e: AppError, set: &MigrationSet) -> AppError {
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

/// Writes `bytes` to `path`, which must not exist yet: a temporary file in the same folder,
/// then a rename, so a reader never sees a half-written file.
pub(crate) fn write_new_file(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    if path.exists() {
        return Err(AppError::Failed(format!(
            "{} already exists; refusing to overwrite it",
            path.display()
        )));
    }
    write_atomic(path, bytes)
}

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), AppError> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    let io = |p: &Path| {
        let p = p.to_path_buf();
        move |source| AppError::Io { path: p, source }
    };
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        // No half-written file left behind, not even the hidden temporary one.
        let _ = std::fs::remove_file(&tmp);
        return Err(io(path)(e));
    }
    if let Err(e) = std::fs::rename(&tmp, path) {
        let _ = std::fs::remove_file(&tmp);
        return Err(AppError::Io {
            path: path.to_path_buf(),
            source: e,
        });
    }
    Ok(())
}

/// What `revision --autogenerate` writes, as operations rather than Rust source.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Autogenerated {
    /// The body of `upgrade()`: from the database to the models.
    pub upgrade: Vec<retort_schema::Op>,
    /// The body of `downgrade()`.
    pub downgrade: Vec<retort_schema::Op>,
    /// The risk notes (`WARNING ...` lines).
    pub notes: Vec<String>,
}

/// The operations `revision --autogenerate` would write for the database at `url` (else the
/// configured one, as the command line finds it from `ctx.cwd`), or `None` when models and
/// database agree. For tools and tests that run a generated migration without compiling it.
pub async fn autogenerate(
    ctx: &Context,
    url: Option<&str>,
) -> Result<Option<Autogenerated>, AppError> {
    let cfg = config::load(&ctx.cwd, None)?;
    let map = ctx.migrations.revision_map()?;
    let env = commands::Env {
        ctx,
        cfg,
        url_flag: url.map(str::to_string),
        quiet: true,
        verbose: false,
        json: false,
        style: style::Style::default(),
        map,
    };
    Ok(db::autogenerate_plan(&env).await?.map(|p| Autogenerated {
        notes: p
            .comparison
            .diff
            .notes
            .iter()
            .map(|n| format!("WARNING {}: {}", n.risk.label(), n.message))
            .collect(),
        upgrade: p.comparison.diff.ops,
        downgrade: p.downgrade,
    }))
}
