//! `pull [--out FILE] [--force]`: the tables the models do not have yet, as models.

use std::io::Write;
use std::path::PathBuf;

use retort_schema::Dialect;

use crate::error::{AppError, ExitCode};
use crate::pull::{add_excludes, exclude_globs, feature_crate, generate_beside, read, report};
use crate::session::{display_path, Session};
use crate::style::say;

/// `pull [--out FILE] [--force]`: the tables the models do not have yet, as models, into the
/// models crate (`<models crate>/src/pulled.rs` by default).
pub(crate) async fn run(
    session: &Session<'_>,
    out_file: Option<PathBuf>,
    force: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let base = session.cfg.base.clone();
    let path = match out_file {
        Some(p) if p.is_absolute() => p,
        Some(p) => session.ctx.cwd.join(p),
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
            display_path(&path, &session.ctx.cwd)
        )));
    }
    let c = &session.cfg.config;
    let iopts = retort_introspect::Options {
        schemas: c.include_schemas.clone(),
        exclude_tables: c.exclude_tables.clone(),
        version_table: session.cfg.version_table_qualified(),
    };
    let (schema, un, _) = read(&mut *session.db().await?, &iopts).await?;
    // Tables the models already have are not pulled again (an empty or invalid registry:
    // none).
    let modelled: std::collections::BTreeSet<retort_schema::QName> = match (session.ctx.target)() {
        Ok(t) => t
            .tables
            .iter()
            .map(|t| t.qname())
            .filter(|q| schema.table(q).is_some())
            .collect(),
        Err(_) => Default::default(),
    };
    let dialect = Dialect::from_url(&session.url()?).unwrap_or(Dialect::Sqlite);
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
    retort_codegen::write_atomic(&path, pulled.source.as_bytes())?;
    say!(
        out,
        "Writing {} ... done",
        display_path(&path, &session.ctx.cwd)
    );
    report(&pulled, &un, out);
    let globs = exclude_globs(&pulled.skipped);
    if !globs.is_empty() {
        let toml = session.cfg.path.clone();
        match toml {
            Some(toml) => {
                add_excludes(&toml, &globs)?;
                say!(
                    out,
                    "Added {} to exclude_tables in {}",
                    globs.join(", "),
                    display_path(&toml, &session.ctx.cwd)
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
