//! Adopting an existing database: `pull` (models from a live schema into a workspace's models
//! crate) and `init DIR --from-db URL` (a new workspace with the models pulled, a baseline
//! revision that creates exactly that schema, and the database stamped at it).
//!
//! - `generate`: the pure generator, introspected [`Schema`] -> Rust source of the models (and
//!   the schema those models register);
//! - `names`: Rust identifiers for database names;
//! - `unmodelled`: the catalog queries listing what retort does not model (views, triggers,
//!   functions, generated columns, ...);
//! - this file: reading a database, the baseline revision and its stamp, `retort.toml`'s
//!   `exclude_tables`; the commands are `crate::cmd::pull` and `crate::cmd::init`.

mod generate;
mod names;
mod unmodelled;

use std::io::Write;
use std::path::Path;

use retort_revision::Header;
use retort_runner::{Db, RunOptions};
use retort_schema::{Dialect, Schema};

pub use generate::{feature_crate, generate, generate_beside, Pulled, Skipped};
pub use unmodelled::{Object, Unmodelled};

use crate::error::AppError;
use crate::session::introspect;
use crate::style::{count, say};

/// Reads the database behind `db` and generates its models: the introspected schema, what the
/// database holds outside the models, and the generated models (tables the models cannot
/// represent left out).
pub async fn read(
    db: &mut Db,
    iopts: &retort_introspect::Options,
) -> Result<(Schema, Unmodelled, Pulled), AppError> {
    let dialect = db.dialect();
    let intro = introspect(db, iopts).await?;
    let un = unmodelled::find(db).await?;
    let pulled = generate(&intro.schema, dialect, &un.tables);
    Ok((intro.schema, un, pulled))
}

/// The `exclude_tables` entries for the tables left out: their names (`schema.table` outside
/// the default schema). A name holding `*` or `?` also matches other names, as a glob does.
pub(crate) fn exclude_globs(skipped: &[Skipped]) -> Vec<String> {
    skipped.iter().map(|s| s.table.to_string()).collect()
}

/// Tells the user what was left out and what stays in the database untouched.
pub(crate) fn report(pulled: &Pulled, un: &Unmodelled, out: &mut dyn Write) {
    say!(
        out,
        "Pulled {} and {}.",
        count(pulled.expected.tables.len(), "table"),
        count(pulled.expected.enums.len(), "enum type")
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
    let (up, down) = retort_codegen::bodies_from_empty(expected, dialect).map_err(|e| {
        AppError::Failed(format!("cannot write the downgrade of the baseline: {e}"))
    })?;
    let header = Header {
        revision: retort_revision::new_revision_id(),
        down_revisions: Vec::new(),
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        message: "baseline".to_string(),
        create_date: retort_codegen::now_utc(),
    };
    let text = retort_codegen::render_script(&header, &up, &down);
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
    Ok(retort_codegen::write_atomic(path, new.as_bytes())?)
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
