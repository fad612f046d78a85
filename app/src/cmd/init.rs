//! `init [DIR]` (a new workspace, see `crate::init`) and `init DIR --from-db URL` (the same
//! with the models pulled from a database, a baseline revision, and the database stamped).

use std::io::Write;
use std::path::{Path, PathBuf};

use retort_runner::{Db, RunOptions};

use crate::error::{AppError, ExitCode};
use crate::pull::{baseline, exclude_globs, read, report, stamp_baseline};
use crate::session::dialect_of;
use crate::style::say;

/// `DIR` as given (relative to the working directory), or the working directory.
pub(crate) fn target_dir(dir: Option<PathBuf>, cwd: &Path) -> PathBuf {
    match dir {
        Some(d) if d.is_absolute() => d,
        Some(d) => cwd.join(d),
        None => cwd.to_path_buf(),
    }
}

/// The drivers `init` enables: `--db`, else the database of the URL it is given (`--from-db`,
/// else `--url`, `DATABASE_URL`, `DATABASE_URL` in a `.env` of `dir` or above), else SQLite.
pub(crate) fn drivers(
    db: Option<&str>,
    from_db: Option<&str>,
    url_flag: Option<String>,
    ctx: &crate::context::Context,
    dir: &Path,
) -> Result<crate::init::Drivers, AppError> {
    let url = match from_db {
        Some(u) => Some((u.to_string(), "--from-db".to_string())),
        None => match crate::config::database_url(
            url_flag.as_deref(),
            &ctx.env,
            dir,
            &crate::config::Config::default(),
        ) {
            Ok((u, source)) => Some((u, source.to_string())),
            // No URL anywhere: the default.
            Err(AppError::Usage(_)) => None,
            Err(e) => return Err(e),
        },
    };
    crate::init::Drivers::choose(db, url.as_ref().map(|(u, s)| (u.as_str(), s.clone())))
        .map_err(AppError::Usage)
}

/// `init`, or `init --from-db URL` when `from_db` is given.
pub(crate) async fn run(
    opts: crate::init::InitOptions,
    from_db_url: Option<&str>,
    cwd: &Path,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    if let Some(url) = from_db_url {
        return from_db(opts, url, cwd, out).await;
    }
    crate::init::init(&opts, out)?;
    Ok(ExitCode::Success)
}

/// `init DIR --from-db URL`: reads the database, then scaffolds as `init` does with the pulled
/// models instead of the example table, a baseline revision, and the database stamped at it.
async fn from_db(
    mut opts: crate::init::InitOptions,
    url: &str,
    cwd: &Path,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let url = crate::config::sqlite_path_from(url, cwd);
    let dialect = dialect_of(&url).map_err(|e| AppError::Usage(format!("--from-db: {e}")))?;
    let run = RunOptions::default();
    let mut db = Db::connect_with(&url, &run.timeouts()).await?;
    let r = async {
        let iopts = retort_introspect::Options::default();
        let (_, un, pulled) = read(&mut db, &iopts).await?;
        if pulled.expected.tables.is_empty() {
            return Err(AppError::Failed(format!(
                "{} has no table the models can represent; nothing to adopt",
                retort_runner::redact_url(&url)
            )));
        }
        let (header, text) = baseline(&pulled.expected, dialect)?;
        let file_name = retort_codegen::file_name(&header.revision, &header.message);
        let mut features: Vec<String> = pulled.features.iter().map(|f| f.to_string()).collect();
        features.sort();
        let has_password = retort_runner::redact_url(&url) != url;
        opts.from_db = Some(crate::init::FromDb {
            lib_rs: pulled.source.clone(),
            features,
            database_url: (!has_password).then(|| url.clone()),
            env_url: has_password.then(|| url.clone()),
            exclude_tables: exclude_globs(&pulled.skipped),
            baseline: (format!("migrations/versions/{file_name}"), text.clone()),
        });
        crate::init::init(&opts, out)?;
        report(&pulled, &un, out);
        stamp_baseline(&mut db, &header, &file_name, &text, &run)
            .await
            .map_err(|e| {
                AppError::Failed(format!(
                    "the workspace is written, but stamping the database at the baseline {} failed: {e}; fix it, then run `cargo run -p cli -- stamp {}` in {}",
                    header.revision,
                    header.revision,
                    opts.dir.display()
                ))
            })?;
        say!(
            out,
            "Stamped the database at the baseline revision {} (the version table only; no row touched).",
            header.revision
        );
        say!(
            out,
            "Next: cd {} && cargo run -p cli -- check",
            opts.dir.display()
        );
        Ok(ExitCode::Success)
    }
    .await;
    let _ = db.close().await;
    r
}
