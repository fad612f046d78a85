//! Adopting an existing database: `pull` (models from a live schema into a workspace's models
//! crate) and `init DIR --from-db URL` (a new workspace with the models pulled, a baseline
//! revision that creates exactly that schema, and the database stamped at it).
//!
//! - `generate`: the pure generator, introspected [`Schema`] -> Rust source of the models (and
//!   the schema those models register);
//! - `names`: Rust identifiers for database names;
//! - `unmodelled`: the catalog queries listing what retort does not model (views, triggers,
//!   functions, generated columns, ...);
//! - this file: the commands, which read the database and write the files.

mod generate;
mod names;
mod unmodelled;

use std::io::Write;
use std::path::{Path, PathBuf};

use retort_revision::Header;
use retort_runner::{Db, RunOptions};
use retort_schema::{Dialect, Schema};

pub use generate::{feature_crate, generate, generate_beside, Pulled, Skipped};
pub use unmodelled::{Object, Unmodelled};

use crate::commands::{display_path, say, Env};
use crate::{AppError, ExitCode};

/// Reads the database behind `db` and generates its models: the introspected schema, what the
/// database holds outside the models, and the generated models (tables the models cannot
/// represent left out).
pub async fn read(
    db: &mut Db,
    iopts: &retort_introspect::Options,
) -> Result<(Schema, Unmodelled, Pulled), AppError> {
    let dialect = db.dialect();
    let intro = crate::db::introspect(db, iopts).await?;
    let un = unmodelled::find(db).await?;
    let pulled = generate(&intro.schema, dialect, &un.tables);
    Ok((intro.schema, un, pulled))
}

/// The `exclude_tables` entries for the tables left out: their names (`schema.table` outside
/// the default schema). A name holding `*` or `?` also matches other names, as a glob does.
fn exclude_globs(skipped: &[Skipped]) -> Vec<String> {
    skipped.iter().map(|s| s.table.to_string()).collect()
}

/// Tells the user what was left out and what stays in the database untouched.
fn report(pulled: &Pulled, un: &Unmodelled, out: &mut dyn Write) {
    say!(
        out,
        "Pulled {} table{} and {} enum type{}.",
        pulled.expected.tables.len(),
        if pulled.expected.tables.len() == 1 {
            ""
        } else {
            "s"
        },
        pulled.expected.enums.len(),
        if pulled.expected.enums.len() == 1 {
            ""
        } else {
            "s"
        }
    );
    if !pulled.skipped.is_empty() {
        say!(
            out,
            "Not pulled (the models cannot represent them; listed in exclude_tables, so no compare sees them and no autogenerate drops them):"
        );
        for s in &pulled.skipped {
            say!(out, "  table `{}`: {}", s.table, s.reason);
        }
    }
    if !un.objects.is_empty() {
        say!(
            out,
            "Left alone (retort does not model them: no compare reads them, no migration it writes touches them; a fresh database built from the migrations lacks them, add them with `m.execute(..)` in a revision if you need them there):"
        );
        for o in &un.objects {
            say!(out, "  {o}");
        }
    }
    for n in &pulled.notes {
        say!(out, "note: {n}");
    }
}

/// The first revision of an adopted database: the differ from an empty schema to the pulled
/// one, rendered as `revision --autogenerate` renders it. Returns the header and the file text.
pub fn baseline(expected: &Schema, dialect: Dialect) -> Result<(Header, String), AppError> {
    let opts = retort_diff::Options::new(dialect);
    let diff = retort_diff::diff(&Schema::default(), expected, &opts);
    let up = crate::db::dedent(&retort_diff::render_rust(&diff.ops, &diff.notes));
    let (down_ops, down_notes) =
        retort_diff::downgrade_with_notes(&Schema::default(), &diff.ops, dialect).map_err(|e| {
            AppError::Failed(format!("cannot write the downgrade of the baseline: {e}"))
        })?;
    let down = crate::db::dedent(&retort_diff::render_rust(&down_ops, &down_notes));
    let header = Header {
        revision: retort_revision::new_revision_id(),
        down_revisions: Vec::new(),
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        message: "baseline".to_string(),
        create_date: crate::commands::now_utc(),
    };
    let text = retort_revision::render_script(&header, &up, &down);
    Ok((header, text))
}

/// Writes the version table of the database at `db` as if the baseline `header` (file
/// `file_name`, bytes `text`) had run: no other row is touched. Refuses when the database
/// already has a version.
pub async fn stamp_baseline(
    db: &mut Db,
    header: &Header,
    file_name: &str,
    text: &str,
    opts: &RunOptions,
) -> Result<(), AppError> {
    let current = retort_runner::current(db, opts).await?;
    if !current.is_empty() {
        return Err(AppError::Failed(format!(
            "the database is already at revision {} of a retort history; nothing was stamped",
            current.join(", ")
        )));
    }
    fn noop(_: &mut retort_runner::Migration) {}
    // The set holds just the baseline; `stamp` reads its header, never runs it.
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    let block = retort_revision::header_block(text).to_string();
    let script = retort_runner::Script::new(
        leak(file_name.to_string()),
        leak(block),
        retort_revision::file_hash(text.as_bytes()),
        noop,
        noop,
    );
    let set = retort_runner::MigrationSet::new("", vec![script]);
    retort_runner::stamp(
        db,
        &set,
        std::slice::from_ref(&header.revision),
        false,
        opts,
        &mut |_| {},
    )
    .await?;
    Ok(())
}

// ----- pull ---------------------------------------------------------------------------------

/// `pull [--out FILE] [--force]`: the tables the models do not have yet, as models, into the
/// models crate (`<models crate>/src/pulled.rs` by default).
pub(crate) async fn pull_cmd(
    env: &Env<'_>,
    out_file: Option<PathBuf>,
    force: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let base = env.cfg.base.clone();
    let path = match out_file {
        Some(p) if p.is_absolute() => p,
        Some(p) => env.ctx.cwd.join(p),
        None => {
            let (_, dir) = crate::init::detect_models(&base)?.ok_or_else(|| {
                AppError::Usage(format!(
                    "no package of the workspace at {} depends on retort, so pull does not know the models crate; name the file with --out FILE",
                    base.display()
                ))
            })?;
            base.join(dir).join("src").join("pulled.rs")
        }
    };
    if path.exists() && !force {
        return Err(AppError::Failed(format!(
            "{} already exists; pull never overwrites a file silently: pass --force to replace it, or --out FILE to write elsewhere",
            display_path(&path, &env.ctx.cwd)
        )));
    }
    let c = &env.cfg.config;
    let iopts = retort_introspect::Options {
        schemas: c.include_schemas.clone(),
        exclude_tables: c.exclude_tables.clone(),
        version_table: env.cfg.version_table_qualified(),
    };
    let mut db = crate::db::connect(env).await?;
    let r = read(&mut db, &iopts).await;
    let _ = db.close().await;
    let (schema, un, _) = r?;
    // Tables the models already have are not pulled again (an empty or invalid registry:
    // none).
    let modelled: std::collections::BTreeSet<retort_schema::QName> = match (env.ctx.target)() {
        Ok(t) => t
            .tables
            .iter()
            .map(|t| t.qname())
            .filter(|q| schema.table(q).is_some())
            .collect(),
        Err(_) => Default::default(),
    };
    let dialect = Dialect::from_url(&env.url()?).unwrap_or(Dialect::Sqlite);
    let pulled = generate_beside(&schema, dialect, &un.tables, &modelled);
    if !modelled.is_empty() {
        say!(
            out,
            "note: {} table{} already in the models, not pulled again",
            modelled.len(),
            if modelled.len() == 1 { " is" } else { "s are" }
        );
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|source| AppError::Io {
            path: parent.to_path_buf(),
            source,
        })?;
    }
    crate::write_atomic(&path, pulled.source.as_bytes())?;
    say!(
        out,
        "Writing {} ... done",
        display_path(&path, &env.ctx.cwd)
    );
    report(&pulled, &un, out);
    let globs = exclude_globs(&pulled.skipped);
    if !globs.is_empty() {
        let toml = env.cfg.path.clone();
        match toml {
            Some(toml) => {
                add_excludes(&toml, &globs)?;
                say!(
                    out,
                    "Added {} to exclude_tables in {}",
                    globs.join(", "),
                    display_path(&toml, &env.ctx.cwd)
                );
            }
            None => say!(
                out,
                "Add to exclude_tables in retort.toml: {}",
                globs.join(", ")
            ),
        }
    }
    let lib = path.parent().map(|p| p.join("lib.rs"));
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let declared = lib
        .as_ref()
        .and_then(|l| std::fs::read_to_string(l).ok())
        .is_some_and(|t| t.contains(&format!("mod {stem};")));
    if !declared {
        say!(
            out,
            "Next: add `pub mod {stem};` to the crate's lib.rs, so the models are compiled and registered"
        );
    }
    if !pulled.features.is_empty() {
        let deps: Vec<String> = pulled
            .features
            .iter()
            .filter_map(|f| feature_crate(f))
            .map(|(c, v)| format!("{c} = \"{v}\""))
            .collect();
        say!(
            out,
            "The models use retort's features {} (and the crates {}): enable them in the models crate's Cargo.toml",
            pulled
                .features
                .iter()
                .map(|f| format!("\"{f}\""))
                .collect::<Vec<_>>()
                .join(", "),
            deps.join(", ")
        );
    }
    say!(
        out,
        "Then `revision --autogenerate -m \"...\"` writes nothing for the pulled tables once the database is stamped; for a database without a history, `init --from-db` writes the baseline revision and stamps it."
    );
    Ok(ExitCode::Success)
}

/// Appends `globs` (those not there yet) to `exclude_tables` in the `retort.toml` at `path`,
/// keeping its comments and layout.
pub(crate) fn add_excludes(path: &Path, globs: &[String]) -> Result<(), AppError> {
    let text = std::fs::read_to_string(path).map_err(|source| AppError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let new = with_excludes(&text, globs).map_err(|m| AppError::Config {
        path: path.to_path_buf(),
        message: m,
    })?;
    crate::write_atomic(path, new.as_bytes())
}

/// `retort.toml` text with `globs` added to `exclude_tables` (and, if given, `database_url` set).
pub(crate) fn with_excludes(text: &str, globs: &[String]) -> Result<String, String> {
    let mut doc: toml_edit::DocumentMut = text.parse().map_err(|e| format!("{e}"))?;
    if !globs.is_empty() {
        let item = doc
            .entry("exclude_tables")
            .or_insert(toml_edit::value(toml_edit::Array::new()));
        let arr = item
            .as_array_mut()
            .ok_or("exclude_tables is not a list of globs")?;
        for g in globs {
            if !arr.iter().any(|v| v.as_str() == Some(g)) {
                arr.push(g.as_str());
            }
        }
    }
    Ok(doc.to_string())
}

// ----- init --from-db -----------------------------------------------------------------------

/// `init DIR --from-db URL`: reads the database, then scaffolds as `init` does with the pulled
/// models instead of the example table, a baseline revision, and the database stamped at it.
pub(crate) async fn init_from_db(
    mut opts: crate::init::InitOptions,
    url: &str,
    cwd: &Path,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let url = crate::config::sqlite_path_from(url, cwd);
    let dialect = Dialect::from_url(&url).ok_or_else(|| {
        AppError::Usage(format!(
            "--from-db: unsupported database URL `{}`: use sqlite:, postgres://, postgresql://, mysql:// or mariadb://",
            retort_runner::redact_url(&url)
        ))
    })?;
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
        let file_name = retort_revision::file_name(&header.revision, &header.message);
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
