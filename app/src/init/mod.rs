//! `init`: scaffolds retort in a user's workspace.
//!
//! - `detect`: which package holds the models, and where `retort` comes from;
//! - `options`: what `init` is asked to do ([`InitOptions`], [`FromDb`]);
//! - `manifest`: the one edit made to a user's root `Cargo.toml` (a workspace member);
//! - `templates/`: the files written, as files.

mod detect;
mod manifest;
mod options;
mod templates;

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::AppError;
pub(crate) use detect::detect_models;
use detect::{models_dep, resolve_source, valid_crate_name};
pub use manifest::add_workspace_member;
pub use options::{Drivers, FromDb, InitOptions};

/// The files `init` always writes, relative to the workspace root.
pub const FILES: [&str; 5] = [
    "retort.toml",
    "migrations/versions/.gitkeep",
    "cli/Cargo.toml",
    "cli/build.rs",
    "cli/src/main.rs",
];

/// Writes the scaffold. Refuses (writing nothing) if any of the files exists; if a write fails
/// half-way, removes what it wrote.
pub fn init(opts: &InitOptions, out: &mut dyn Write) -> Result<(), AppError> {
    let mut opts = opts.clone();
    let mut detected = None;
    if opts.models_crate.is_none() {
        match detect_models(&opts.dir)? {
            Some((name, path)) => {
                detected = Some(format!(
                    "the models crate is `{name}` ({}), the package of this workspace that depends on retort; pass --models-crate to choose another",
                    opts.dir.join(&path).display()
                ));
                opts.models_crate = Some(name);
                if opts.models_path.is_none() {
                    opts.models_path = Some(path);
                }
            }
            None => opts.models_crate = Some("models".to_string()),
        }
    }
    let opts = &opts;
    let models_crate = opts.models_crate.as_deref().unwrap_or("models");
    if let Some(d) = &detected {
        let _ = writeln!(out, "note: {d}");
    }
    if !valid_crate_name(models_crate) {
        return Err(AppError::Usage(format!(
            "--models-crate `{models_crate}` is not a valid package name (ASCII letters, digits, `-`, `_`)"
        )));
    }
    if models_crate == "cli" {
        return Err(AppError::Usage(
            "--models-crate cannot be `cli`: that is the name of the package init creates"
                .to_string(),
        ));
    }
    let dir = &opts.dir;
    let models_path = opts
        .models_path
        .clone()
        .unwrap_or_else(|| PathBuf::from(models_crate));
    let models_dir = if models_path.is_absolute() {
        models_path.clone()
    } else {
        dir.join(&models_path)
    };
    // The models crate's folder as seen from cli/.
    let models_rel_from_cli = if models_path.is_absolute() {
        models_path.display().to_string()
    } else {
        Path::new("..").join(&models_path).display().to_string()
    }
    .replace('\\', "/");
    let ident = models_crate.replace('-', "_");
    let create_models = !models_dir.join("Cargo.toml").exists();
    if opts.from_db.is_some() && !create_models {
        return Err(AppError::Failed(format!(
            "init --from-db writes a new models crate, but {} already exists; choose another --models-path, or run `pull` in that workspace",
            models_dir.join("Cargo.toml").display()
        )));
    }
    // A models crate we create inside the workspace folder becomes a member.
    let models_member = (!models_path.is_absolute()
        && !models_path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir)))
    .then(|| models_path.display().to_string().replace('\\', "/"));

    let mut planned: Vec<String> = FILES.iter().map(|s| s.to_string()).collect();
    if create_models {
        let m = models_path.display().to_string();
        planned.push(format!("{m}/Cargo.toml"));
        planned.push(format!("{m}/src/lib.rs"));
    }
    if let Some(f) = &opts.from_db {
        planned.push(f.baseline.0.clone());
        if f.env_url.is_some() {
            planned.push(".env".to_string());
        }
    }
    let existing: Vec<String> = planned
        .iter()
        .filter(|f| dir.join(f).exists())
        .map(|f| dir.join(f).display().to_string())
        .collect();
    if !existing.is_empty() {
        return Err(AppError::Failed(format!(
            "init would overwrite existing files: {}; move them away or run init in another folder",
            existing.join(", ")
        )));
    }

    // The root manifest edit is computed before anything is written.
    let root_manifest = dir.join("Cargo.toml");
    let mut new_manifest = None;
    let mut manifest_note = None;
    let mut root_doc = None;
    let mut creating_root = false;
    let mut members: Vec<String> = vec!["cli".to_string()];
    if create_models {
        if let Some(m) = &models_member {
            members.push(m.clone());
        }
    }
    if root_manifest.is_file() {
        let text = std::fs::read_to_string(&root_manifest).map_err(|e| AppError::Io {
            path: root_manifest.clone(),
            source: e,
        })?;
        root_doc = toml::from_str::<toml::Table>(&text).ok();
        let mut text_now = text;
        let mut changed = false;
        for m in &members {
            match add_workspace_member(&text_now, m) {
                Ok(Some(t)) => {
                    text_now = t;
                    changed = true;
                }
                Ok(None) => {
                    manifest_note = Some(format!("`{m}` is already a workspace member"));
                }
                Err(e) => {
                    return Err(AppError::Failed(format!(
                        "cannot add `{m}` to the workspace members of {}: {e}; nothing was written",
                        root_manifest.display()
                    )))
                }
            }
        }
        if changed {
            new_manifest = Some(text_now);
        }
    } else {
        creating_root = true;
        let list: Vec<String> = members.iter().map(|m| format!("\"{m}\"")).collect();
        let profiles: Vec<&str> = templates::PROFILES.iter().map(|(t, _)| *t).collect();
        new_manifest = Some(format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n{}",
            list.join(", "),
            profiles.join("\n")
        ));
    }

    let source = resolve_source(opts, &models_dir, &models_rel_from_cli, root_doc.as_ref())?;

    let drivers = Drivers::features(&opts.drivers.list);
    let mut cli_features = vec!["cli"];
    cli_features.extend(drivers.iter().map(String::as_str));
    let retort = source.retort.render_no_default(&cli_features);
    let retort_build = source.build.render(&[]);
    let cargo_toml = templates::fill(
        templates::CLI_CARGO,
        &[
            ("retort", &retort),
            ("retort_build", &retort_build),
            ("models", models_crate),
            ("models_path", &models_rel_from_cli),
        ],
    );
    let main_rs = templates::fill(templates::CLI_MAIN, &[("models_ident", &ident)]);
    // Seen from the models folder rather than from cli/: only a relative path differs.
    let features: Vec<&str> = opts
        .from_db
        .iter()
        .flat_map(|f| f.features.iter().map(String::as_str))
        .collect();
    let models_retort = models_dep(&source.retort, &models_path).render_no_default(&features);
    let mut models_cargo = templates::fill(
        templates::MODELS_CARGO,
        &[("models", models_crate), ("retort", &models_retort)],
    );
    let mut retort_toml = templates::RETORT_TOML.to_string();
    let mut url_note = None;
    if let (Some(url), None) = (&opts.drivers.url, &opts.from_db) {
        // The URL init was given names the database: retort.toml's, in place of the SQLite
        // file (which the binary could not open without the sqlite driver).
        let (toml, note) = given_url_toml(&retort_toml, url)?;
        retort_toml = toml;
        url_note = note;
    }
    let mut models_lib = templates::MODELS_LIB.to_string();
    if let Some(f) = &opts.from_db {
        for (krate, version) in features
            .iter()
            .filter_map(|f| crate::pull::feature_crate(f))
        {
            models_cargo.push_str(&format!("{krate} = \"{version}\"\n"));
        }
        retort_toml = from_db_toml(&retort_toml, f)?;
        models_lib = f.lib_rs.clone();
    }

    let mut files: Vec<(String, String)> = vec![
        (FILES[0].to_string(), retort_toml),
        (FILES[1].to_string(), String::new()),
        (FILES[2].to_string(), cargo_toml),
        (FILES[3].to_string(), templates::CLI_BUILD.to_string()),
        (FILES[4].to_string(), main_rs),
    ];
    if create_models {
        files.push((planned[5].clone(), models_cargo));
        files.push((planned[6].clone(), models_lib));
    }
    if let Some(f) = &opts.from_db {
        files.push(f.baseline.clone());
        if let Some(url) = &f.env_url {
            files.push((".env".to_string(), format!("DATABASE_URL={url}\n")));
        }
    }
    // A .gitignore: written when there is none, completed when it lacks retort's lines.
    let gitignore_path = dir.join(".gitignore");
    let gitignore_had = std::fs::read_to_string(&gitignore_path).ok();
    let gitignore = templates::gitignore(gitignore_had.as_deref());
    let mut written: Vec<PathBuf> = Vec::new();
    let result = (|| -> Result<(), AppError> {
        for (rel, content) in &files {
            let path = dir.join(rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| AppError::Io {
                    path: parent.to_path_buf(),
                    source: e,
                })?;
            }
            retort_codegen::write_new(&path, content.as_bytes())?;
            written.push(path);
        }
        if let Some(text) = &gitignore {
            if gitignore_had.is_none() {
                retort_codegen::write_new(&gitignore_path, text.as_bytes())?;
                written.push(gitignore_path.clone());
            } else {
                retort_codegen::write_atomic(&gitignore_path, text.as_bytes())?;
            }
        }
        if let Some(text) = &new_manifest {
            if creating_root {
                retort_codegen::write_new(&root_manifest, text.as_bytes())?;
                written.push(root_manifest.clone());
            } else {
                retort_codegen::write_atomic(&root_manifest, text.as_bytes())?;
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        for p in written.iter().rev() {
            let _ = std::fs::remove_file(p);
        }
        return Err(e);
    }
    for p in &written {
        let _ = writeln!(out, "  Creating {}", p.display());
    }
    if new_manifest.is_some() && !creating_root {
        let _ = writeln!(
            out,
            "  Adding {} to the workspace members in {}",
            members.join(", "),
            root_manifest.display()
        );
    }
    if gitignore.is_some() && gitignore_had.is_some() {
        let _ = writeln!(
            out,
            "  Adding target/ and local database files to {}",
            gitignore_path.display()
        );
    }
    if let Some(note) = manifest_note {
        let _ = writeln!(out, "note: {note}");
    }
    if !creating_root {
        // The profiles the existing root manifest lacks, shown rather than written: the
        // manifest is the user's.
        let missing: Vec<String> = templates::PROFILES
            .iter()
            .filter(|(_, keys)| {
                let mut item = root_doc.as_ref().and_then(|r| r.get("profile"));
                for k in keys {
                    item = item.and_then(|i| i.get(k));
                }
                item.is_none()
            })
            .flat_map(|(text, _)| {
                text.lines()
                    .filter(|l| !l.starts_with('#'))
                    .map(|l| format!("  {l}"))
            })
            .collect();
        if !missing.is_empty() {
            let _ = writeln!(
                out,
                "tip: faster builds (a big history in release, the derives in debug) with this in {}:\n{}",
                root_manifest.display(),
                missing.join("\n")
            );
        }
    }
    let _ = writeln!(out, "note: retort comes from {}", source.why);
    let _ = writeln!(
        out,
        "note: the cli package is built with the {} driver{} ({}): the `retort` features in {}",
        drivers.join(", "),
        if drivers.len() == 1 { "" } else { "s" },
        opts.drivers.why,
        dir.join(FILES[2]).display()
    );
    if let Some(note) = url_note {
        let _ = writeln!(out, "note: {note}");
    }
    if create_models && opts.from_db.is_none() {
        let _ = writeln!(
            out,
            "note: no models crate at {}: created `{}` with one example table (notes)",
            models_dir.display(),
            models_crate
        );
    }
    if opts.from_db.is_some() {
        return Ok(());
    }
    let _ = writeln!(
        out,
        "Next: edit database_url in retort.toml, then `cargo run -p cli -- revision --autogenerate -m \"create tables\"`"
    );
    Ok(())
}

/// retort.toml with `database_url` set to the URL `init` was given, or removed when the URL
/// has a password (which stays where it came from: `--url`, `DATABASE_URL` or `.env`; said in
/// the note returned).
fn given_url_toml(template: &str, url: &str) -> Result<(String, Option<String>), AppError> {
    let redacted = retort_runner::redact_url(url);
    let has_password = redacted != url;
    let text = with_database_url(template, (!has_password).then_some(url))?;
    let note = has_password.then(|| {
        format!("retort.toml has no database_url: `{redacted}` has a password; give it with DATABASE_URL (in the environment or .env, which git ignores) or --url")
    });
    Ok((text, note))
}

/// retort.toml for `init --from-db`: the template with the database URL and the tables not
/// pulled filled in (comments kept).
fn from_db_toml(template: &str, f: &FromDb) -> Result<String, AppError> {
    let text = crate::pull::with_excludes(template, &f.exclude_tables).map_err(template_error)?;
    with_database_url(&text, f.database_url.as_deref())
}

/// `text` (retort.toml) with `database_url` set to `url`, or removed (comments kept).
fn with_database_url(text: &str, url: Option<&str>) -> Result<String, AppError> {
    let mut doc: toml_edit::DocumentMut =
        text.parse().map_err(|e| template_error(format!("{e}")))?;
    match url {
        Some(url) => doc["database_url"] = toml_edit::value(url),
        None => {
            doc.remove("database_url");
        }
    }
    Ok(doc.to_string())
}

fn template_error(m: String) -> AppError {
    AppError::Failed(format!("internal error: retort.toml template: {m}"))
}
