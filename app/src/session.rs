//! The session of one command: what [`Context`] gives, the configuration, the revision graph,
//! the output settings, and the database connection (opened lazily, closed once).

use std::path::{Path, PathBuf};
use std::time::Duration;

use retort_revision::RevisionMap;
use retort_runner::{Db, RunOptions};
use retort_schema::{Dialect, QName, Schema};
use tokio::sync::{MappedMutexGuard, Mutex, MutexGuard};

use crate::config::{self, Loaded};
use crate::context::Context;
use crate::error::AppError;
use crate::style::Style;

/// What every command (but `init` and `completions`) works with: the context, the
/// configuration, the revision graph, the output settings, and the database connection,
/// opened on first use ([`Session::db`]) and closed when the command ends ([`Session::close`]).
pub(crate) struct Session<'a> {
    pub ctx: &'a Context,
    pub cfg: Loaded,
    pub url_flag: Option<String>,
    pub quiet: bool,
    /// `-v`: upgrade/downgrade/stamp print each statement.
    pub verbose: bool,
    /// `--format json`: one JSON object (see [`crate::json`]) instead of text.
    pub json: bool,
    /// Colour (a terminal, `NO_COLOR`, `CLICOLOR_FORCE`; never for JSON).
    pub style: Style,
    pub map: RevisionMap,
    conn: Mutex<Option<Db>>,
}

/// How a command prints: `-q`, `-v`, `--format json`, colour.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Output {
    pub quiet: bool,
    pub verbose: bool,
    pub json: bool,
    pub style: Style,
}

impl<'a> Session<'a> {
    /// A session for a command: nothing is connected yet.
    pub fn new(
        ctx: &'a Context,
        cfg: Loaded,
        map: RevisionMap,
        url_flag: Option<String>,
        output: Output,
    ) -> Session<'a> {
        Session {
            ctx,
            cfg,
            url_flag,
            quiet: output.quiet,
            verbose: output.verbose,
            json: output.json,
            style: output.style,
            map,
            conn: Mutex::new(None),
        }
    }

    /// The configured database, connected on first use and kept until [`Session::close`].
    /// Hold the guard only while using the connection: a second call waits for it.
    pub async fn db(&self) -> Result<MappedMutexGuard<'_, Db>, AppError> {
        let mut conn = self.conn.lock().await;
        if conn.is_none() {
            let url = self.url()?;
            let db = Db::connect_with(&url, &self.run_options().timeouts()).await;
            *conn = Some(db.map_err(|e| self.with_manifest(e))?);
        }
        Ok(MutexGuard::map(conn, |c| {
            c.as_mut().expect("connected above")
        }))
    }

    /// A missing driver's error naming the Cargo.toml that chooses the drivers: `cli/`'s
    /// beside retort.toml, where `retort init` put it, when it is there.
    fn with_manifest(&self, e: retort_runner::RunError) -> retort_runner::RunError {
        match e {
            retort_runner::RunError::DriverNotEnabled { url, feature, .. } => {
                let path = self.cfg.base.join("cli").join("Cargo.toml");
                retort_runner::RunError::DriverNotEnabled {
                    url,
                    feature,
                    manifest: path.is_file().then_some(path),
                }
            }
            other => other,
        }
    }

    /// Closes the connection, if one was opened.
    pub async fn close(&self) {
        if let Some(db) = self.conn.lock().await.take() {
            let _ = db.close().await;
        }
    }

    /// The database URL by precedence (`--url`, `DATABASE_URL`, `.env`, `retort.toml`).
    pub fn url(&self) -> Result<String, AppError> {
        let (url, source) = config::database_url(
            self.url_flag.as_deref(),
            &self.ctx.env,
            &self.ctx.cwd,
            &self.cfg.config,
        )?;
        // Relative paths in retort.toml are relative to it, also a SQLite file's: the same
        // database whichever folder a command runs from.
        Ok(match source {
            config::UrlSource::Config => config::sqlite_path_from(&url, &self.cfg.base),
            _ => url,
        })
    }

    /// The path of a script, for display (relative to the working directory when inside it).
    pub fn script_path(&self, id: &str) -> Option<String> {
        let script = self.ctx.migrations.script(id).ok()?;
        Some(display_path(
            &self.cfg.versions_dir().join(script.file_name()),
            &self.ctx.cwd,
        ))
    }

    /// The runner's options from `retort.toml`.
    pub fn run_options(&self) -> RunOptions {
        let c = &self.cfg.config;
        RunOptions {
            version_table: QName::with_schema(
                c.version_table_schema.clone(),
                c.version_table.clone(),
            ),
            lock_timeout: Duration::from_secs(c.lock_timeout),
            connect_timeout: Duration::from_secs(c.connect_timeout),
            statement_timeout: Duration::from_secs(c.statement_timeout),
            transaction_per_migration: c.transaction_per_migration,
            wait_for_replicas: c.wait_for_replicas.clone(),
            replica_timeout: Duration::from_secs(c.replica_timeout),
        }
    }

    /// The dialect of the configured URL, without connecting (offline mode).
    pub fn url_dialect(&self) -> Result<Dialect, AppError> {
        dialect_of(&self.url()?)
    }

    /// The configured SQLite database file, when it does not exist (see [`missing_sqlite_file`]).
    pub fn missing_db_file(&self) -> Option<PathBuf> {
        missing_sqlite_file(&self.url().ok()?)
    }

    /// The database's current heads (the version table's rows); none for a SQLite file that does
    /// not exist (it is not created).
    pub async fn read_current(&self) -> Result<Vec<String>, AppError> {
        if self.missing_db_file().is_some() {
            return Ok(Vec::new());
        }
        let opts = self.run_options();
        Ok(retort_runner::current(&mut *self.db().await?, &opts).await?)
    }

    /// The models' target schema; an empty one is an error (models crate not linked).
    pub fn target_schema(&self) -> Result<Schema, AppError> {
        let s = (self.ctx.target)().map_err(AppError::Target)?;
        if s.tables.is_empty() && s.enums.is_empty() {
            return Err(AppError::Target(
                "no model is registered: the binary sees no #[derive(Table)] struct. Make sure its main.rs names the models crate (`use my_models as _;`), otherwise the linker drops it".to_string(),
            ));
        }
        Ok(s)
    }
}

/// `path` relative to `cwd` if it is inside it.
pub(crate) fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

/// The dialect of a database URL; a usage error for a URL of no supported database.
pub(crate) fn dialect_of(url: &str) -> Result<Dialect, AppError> {
    Dialect::from_url(url).ok_or_else(|| {
        AppError::Usage(format!(
            "unsupported database URL `{}`: use sqlite:, postgres://, postgresql://, mysql:// or mariadb://",
            retort_runner::redact_url(url)
        ))
    })
}

/// What a SQLite URL names: `Some(Some(file))`, or `Some(None)` for an in-memory database;
/// `None` for another kind of URL.
pub(crate) fn sqlite_file(url: &str) -> Option<Option<PathBuf>> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let memory =
        path.is_empty() || path.starts_with(':') || query.split('&').any(|kv| kv == "mode=memory");
    Some((!memory).then(|| PathBuf::from(path)))
}

/// For a SQLite URL naming a file that does not exist: that file. Read-only commands do not
/// connect then (connecting with `mode=rwc` would create an empty file on a typo); they see
/// an empty database. In-memory databases are never missing.
pub(crate) fn missing_sqlite_file(url: &str) -> Option<PathBuf> {
    sqlite_file(url).flatten().filter(|p| !p.exists())
}

/// "the database file X does not exist".
pub(crate) fn missing_file_text(p: &std::path::Path) -> String {
    format!("the database file {} does not exist", p.display())
}

pub(crate) async fn introspect(
    db: &mut Db,
    opts: &retort_introspect::Options,
) -> Result<retort_introspect::Introspection, AppError> {
    let r = match db {
        #[cfg(feature = "sqlite")]
        Db::Sqlite(c) => retort_introspect::sqlite(c, opts).await,
        #[cfg(feature = "postgres")]
        Db::Postgres(c) => retort_introspect::postgres(c, opts).await,
        #[cfg(feature = "mysql")]
        Db::Mysql(c) => retort_introspect::mysql(c, opts).await,
        #[allow(unreachable_patterns)]
        other => {
            return Err(AppError::Failed(format!(
                "cannot read a {} database: this binary was built without retort's `{}` feature",
                other.dialect(),
                other.dialect()
            )))
        }
    };
    r.map_err(|e| AppError::Failed(e.to_string()))
}
