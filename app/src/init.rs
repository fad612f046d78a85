//! `init`: scaffolds retort in a user's workspace.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::AppError;

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
}

/// The files `init` always writes, relative to the workspace root.
pub const FILES: [&str; 5] = [
    "retort.toml",
    "migrations/versions/.gitkeep",
    "cli/Cargo.toml",
    "cli/build.rs",
    "cli/src/main.rs",
];

fn valid_crate_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// How a scaffolded manifest names one of retort's crates.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Dep {
    /// `{ path = ".." }`, as written in `cli/Cargo.toml`.
    Path(String),
    /// `{ workspace = true }`: the root manifest's `[workspace.dependencies]` has it.
    Workspace,
    /// `{ version = ".." }` from crates.io.
    Version(String),
}

impl Dep {
    fn render(&self, features: &[&str]) -> String {
        let mut s = match self {
            Dep::Path(p) => format!("{{ path = \"{}\"", p.replace('\\', "/")),
            Dep::Workspace => "{ workspace = true".to_string(),
            Dep::Version(v) => format!("{{ version = \"{v}\""),
        };
        if !features.is_empty() {
            let f: Vec<String> = features.iter().map(|f| format!("\"{f}\"")).collect();
            s.push_str(&format!(", features = [{}]", f.join(", ")));
        }
        s.push_str(" }");
        s
    }
}

/// Where the scaffolded crates get `retort` and `retort-build` from, and why.
#[derive(Clone, Debug)]
struct Source {
    retort: Dep,
    build: Dep,
    why: String,
}

/// The package of the workspace at `dir` that depends on `retort`: the root package, or one of
/// the `[workspace] members` (a trailing `/*` glob is expanded), or, with no root manifest, a
/// folder right below `dir`. `None` when there is none; an error naming them when several.
fn detect_models(dir: &Path) -> Result<Option<(String, PathBuf)>, AppError> {
    let read = |p: &Path| -> Option<toml::Table> {
        toml::from_str(&std::fs::read_to_string(p.join("Cargo.toml")).ok()?).ok()
    };
    let uses_retort = |t: &toml::Table| -> Option<String> {
        let pkg = t.get("package")?.get("name")?.as_str()?.to_string();
        (pkg != "cli" && t.get("dependencies")?.get("retort").is_some()).then_some(pkg)
    };
    let subdirs = |parent: &Path, prefix: &Path| -> Vec<PathBuf> {
        let mut subs: Vec<PathBuf> = std::fs::read_dir(parent)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.path().is_dir())
            .map(|e| prefix.join(e.file_name()))
            .collect();
        subs.sort();
        subs
    };
    let mut dirs: Vec<PathBuf> = Vec::new();
    match read(dir) {
        Some(root) => {
            dirs.push(PathBuf::from("."));
            let members = root
                .get("workspace")
                .and_then(|w| w.get("members"))
                .and_then(|m| m.as_array())
                .cloned()
                .unwrap_or_default();
            for m in members.iter().filter_map(|m| m.as_str()) {
                match m.strip_suffix("/*") {
                    Some(parent) => dirs.extend(subdirs(&dir.join(parent), Path::new(parent))),
                    None => dirs.push(PathBuf::from(m)),
                }
            }
        }
        None => dirs.extend(subdirs(dir, Path::new(""))),
    }
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    for d in dirs {
        if let Some(name) = read(&dir.join(&d)).as_ref().and_then(uses_retort) {
            if !found.iter().any(|(n, _)| *n == name) {
                found.push((name, d));
            }
        }
    }
    match found.len() {
        0 | 1 => Ok(found.pop()),
        _ => Err(AppError::Usage(format!(
            "several packages depend on retort ({}): name the one holding the models with --models-crate NAME [--models-path PATH]",
            found
                .iter()
                .map(|(n, p)| format!("`{n}` in {}", p.display()))
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// A retort source checkout: a folder with `runtime/` (the `retort` crate) and `build/`.
fn is_checkout(root: &Path) -> bool {
    let named = |rel: &str, name: &str| {
        std::fs::read_to_string(root.join(rel))
            .ok()
            .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
            .and_then(|t| t.get("package")?.get("name")?.as_str().map(|n| n == name))
            .unwrap_or(false)
    };
    named("runtime/Cargo.toml", "retort") && named("build/Cargo.toml", "retort-build")
}

fn path_source(root: &Path, why: String) -> Source {
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    Source {
        retort: Dep::Path(root.join("runtime").display().to_string()),
        build: Dep::Path(root.join("build").display().to_string()),
        why,
    }
}

/// The checkout this binary was built from, if it is still on disk.
fn own_checkout() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()?
        .to_path_buf();
    is_checkout(&root).then_some(root)
}

/// Decides where `retort` comes from, in this order: `--retort-path`; the way the models
/// crate already depends on it (the `cli` package must use the very same `retort`, or the
/// models register into another crate's registry and vanish); the checkout this binary was
/// built from; crates.io.
fn resolve_source(
    opts: &InitOptions,
    models_dir: &Path,
    models_rel_from_cli: &str,
    root_manifest: Option<&toml::Table>,
) -> Result<Source, AppError> {
    if let Some(p) = &opts.retort_path {
        let p = if p.is_absolute() {
            p.clone()
        } else {
            opts.dir.join(p)
        };
        if !is_checkout(&p) {
            return Err(AppError::Usage(format!(
                "--retort-path {}: not a retort checkout (expected runtime/Cargo.toml of the \
                 `retort` crate and build/Cargo.toml of `retort-build` in it)",
                p.display()
            )));
        }
        return Ok(path_source(&p, format!("--retort-path {}", p.display())));
    }
    let models_manifest = models_dir.join("Cargo.toml");
    if let Ok(text) = std::fs::read_to_string(&models_manifest) {
        let doc: toml::Table = toml::from_str(&text).map_err(|e| {
            AppError::Failed(format!(
                "{} is not valid TOML ({e}); fix it and run init again; nothing was written",
                models_manifest.display()
            ))
        })?;
        let dep = doc.get("dependencies").and_then(|d| d.get("retort"));
        let why = format!("as {} depends on it", models_manifest.display());
        match dep {
            Some(toml::Value::String(v)) => {
                return Ok(Source {
                    retort: Dep::Version(v.clone()),
                    build: Dep::Version(v.clone()),
                    why,
                })
            }
            Some(toml::Value::Table(t)) => {
                if t.get("workspace").and_then(|w| w.as_bool()) == Some(true) {
                    let ws_deps = root_manifest
                        .and_then(|r| r.get("workspace"))
                        .and_then(|w| w.get("dependencies"));
                    let build = match ws_deps.and_then(|d| d.get("retort-build")) {
                        Some(_) => Dep::Workspace,
                        None => match ws_deps.and_then(|d| d.get("retort")) {
                            Some(toml::Value::Table(r)) => {
                                match r.get("path").and_then(|p| p.as_str()) {
                                    // Workspace paths are relative to the root; cli/ is one below.
                                    Some(p) => Dep::Path(sibling_build(&rel_from_cli(p))),
                                    None => version_of(r),
                                }
                            }
                            Some(toml::Value::String(v)) => Dep::Version(v.clone()),
                            _ => Dep::Version(DEFAULT_VERSION.to_string()),
                        },
                    };
                    return Ok(Source {
                        retort: Dep::Workspace,
                        build,
                        why,
                    });
                }
                if let Some(p) = t.get("path").and_then(|p| p.as_str()) {
                    let from_cli = if Path::new(p).is_absolute() {
                        p.to_string()
                    } else {
                        format!("{models_rel_from_cli}/{p}")
                    };
                    return Ok(Source {
                        build: Dep::Path(sibling_build(&from_cli)),
                        retort: Dep::Path(from_cli),
                        why,
                    });
                }
                let v = version_of(t);
                return Ok(Source {
                    retort: v.clone(),
                    build: v,
                    why,
                });
            }
            _ => {}
        }
    }
    if let Some(root) = own_checkout() {
        return Ok(path_source(
            &root,
            "the retort checkout this binary was built from (retort is not on crates.io yet; \
             pass --retort-path to choose another)"
                .to_string(),
        ));
    }
    Ok(Source {
        retort: Dep::Version(DEFAULT_VERSION.to_string()),
        build: Dep::Version(DEFAULT_VERSION.to_string()),
        why: "crates.io".to_string(),
    })
}

const DEFAULT_VERSION: &str = "0.1";

/// Migration scripts are long straight-line code; optimizing them takes minutes on a big
/// history (a 1,000-table initial migration: over four minutes at opt-level 3, seconds at 0)
/// and buys nothing: the work happens in retort and sqlx, which stay optimized.
const CLI_PROFILE: &str = "\
# Migration scripts are straight-line code that builds lists of operations: optimizing them
# buys nothing and costs minutes of compile time on a big history. retort and sqlx stay
# optimized.
[profile.release.package.cli]
opt-level = 0
";

fn version_of(t: &toml::Table) -> Dep {
    Dep::Version(
        t.get("version")
            .and_then(|v| v.as_str())
            .unwrap_or(DEFAULT_VERSION)
            .to_string(),
    )
}

/// A path relative to the workspace root, seen from `cli/`.
fn rel_from_cli(p: &str) -> String {
    if Path::new(p).is_absolute() {
        p.to_string()
    } else {
        format!("../{p}")
    }
}

/// `retort-build` beside the `retort` crate's folder (`<checkout>/runtime` -> `<checkout>/build`).
fn sibling_build(retort_path: &str) -> String {
    let trimmed = retort_path.trim_end_matches(['/', '\\']);
    match trimmed.rsplit_once(['/', '\\']) {
        Some((parent, _)) => format!("{parent}/build"),
        None => "../build".to_string(),
    }
}

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
        new_manifest = Some(format!(
            "[workspace]\nresolver = \"2\"\nmembers = [{}]\n\n{CLI_PROFILE}",
            list.join(", ")
        ));
    }

    let source = resolve_source(opts, &models_dir, &models_rel_from_cli, root_doc.as_ref())?;

    let retort_toml = "\
# retort's configuration (the alembic.ini of retort). Relative paths are relative to this file.
script_location = \"migrations\"
database_url = \"sqlite://app.db?mode=rwc\"
version_table = \"retort_version\"
# Globs: matching tables are invisible on both sides of a compare.
exclude_tables = []
# include_schemas = [\"public\"]
# version_table_schema = \"public\"
# compare_server_default = true
# transaction_per_migration = true
# Seconds: the migration lock and each statement's lock waits (0 = do not wait), connecting,
# and one statement's run time (0 = no limit). See the README, Failure and recovery.
# lock_timeout = 60
# connect_timeout = 10
# statement_timeout = 600
";
    let cargo_toml = format!(
        "\
[package]
name = \"cli\"
version = \"0.1.0\"
edition = \"2021\"
publish = false
description = \"Migrations for this workspace: cargo run -p cli -- --help\"

[dependencies]
# The database drivers: keep the ones you use (\"sqlite\", \"postgres\", \"mysql\").
retort = {retort}
{models} = {{ path = \"{models_rel_from_cli}\" }}

[build-dependencies]
retort-build = {build}
",
        retort = source
            .retort
            .render(&["cli", "sqlite", "postgres", "mysql"]),
        build = source.build.render(&[]),
        models = models_crate
    );
    let build_rs = "\
// Compiles every script of ../migrations/versions into the binary; cargo re-runs this when a
// file is added, removed or edited there.
fn main() {
    retort_build::migrations(\"../migrations\").unwrap();
}
";
    let main_rs = format!(
        "\
//! The migration command line of this workspace: `cargo run -p cli -- --help`.

// Links the models crate: without a use, the linker drops it and its #[derive(Table)]
// registrations vanish (autogenerate would then see no tables).
use {ident} as _;

retort::include_migrations!();

fn main() {{
    retort::cli::main(migrations())
}}
"
    );
    let models_cargo = format!(
        "\
[package]
name = \"{name}\"
version = \"0.1.0\"
edition = \"2021\"
publish = false

[dependencies]
# Column types from other crates are features: \"chrono\", \"time\", \"uuid\", \"json\", \"decimal\".
retort = {retort}
",
        name = models_crate,
        // Seen from the models folder rather than from cli/: only a relative path differs.
        retort = models_dep(&source.retort, &models_path).render(&[]),
    );
    let models_lib = "\
//! The tables of this workspace: one `#[derive(retort::Table)]` struct per table.
//!
//! Change them, then `cargo run -p cli -- revision --autogenerate -m \"...\"` writes the
//! migration and `cargo run -p cli -- upgrade head` applies it.

/// A first table, to see the whole loop work; rename it or replace it with your own.
#[derive(retort::Table)]
#[table(name = \"notes\")]
pub struct Note {
    #[column(primary_key)]
    pub id: i64,
    #[column(length = 200)]
    pub title: String,
    pub body: Option<String>,
}
";

    let mut files: Vec<(String, String)> = vec![
        (FILES[0].to_string(), retort_toml.to_string()),
        (FILES[1].to_string(), String::new()),
        (FILES[2].to_string(), cargo_toml),
        (FILES[3].to_string(), build_rs.to_string()),
        (FILES[4].to_string(), main_rs),
    ];
    if create_models {
        files.push((planned[5].clone(), models_cargo));
        files.push((planned[6].clone(), models_lib.to_string()));
    }
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
            crate::write_new_file(&path, content.as_bytes())?;
            written.push(path);
        }
        if let Some(text) = &new_manifest {
            if creating_root {
                crate::write_new_file(&root_manifest, text.as_bytes())?;
                written.push(root_manifest.clone());
            } else {
                crate::write_atomic(&root_manifest, text.as_bytes())?;
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
    if let Some(note) = manifest_note {
        let _ = writeln!(out, "note: {note}");
    }
    if !creating_root
        && root_doc
            .as_ref()
            .and_then(|r| r.get("profile"))
            .and_then(|p| p.get("release"))
            .and_then(|r| r.get("package"))
            .and_then(|p| p.get("cli"))
            .is_none()
    {
        let _ = writeln!(
            out,
            "tip: a big history compiles in seconds instead of minutes in release builds with this in {}:\n{}",
            root_manifest.display(),
            CLI_PROFILE
                .lines()
                .filter(|l| !l.starts_with('#'))
                .map(|l| format!("  {l}"))
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    let _ = writeln!(out, "note: retort comes from {}", source.why);
    if create_models {
        let _ = writeln!(
            out,
            "note: no models crate at {}: created `{}` with one example table (notes)",
            models_dir.display(),
            models_crate
        );
    }
    let _ = writeln!(
        out,
        "Next: edit database_url in retort.toml, then `cargo run -p cli -- revision --autogenerate -m \"create tables\"`"
    );
    Ok(())
}

/// The models crate's own dependency on retort: the same source, a relative path rebased from
/// `cli/` to the models folder.
fn models_dep(dep: &Dep, models_path: &Path) -> Dep {
    match dep {
        Dep::Path(p) if !Path::new(p).is_absolute() => {
            // p is relative to cli/ (one level below the root); the models folder is
            // `models_path` below the root.
            let from_root = p.strip_prefix("../").unwrap_or(p);
            let depth = models_path
                .components()
                .filter(|c| matches!(c, std::path::Component::Normal(_)))
                .count();
            Dep::Path(format!("{}{from_root}", "../".repeat(depth)))
        }
        other => other.clone(),
    }
}

/// Adds `member` to `[workspace] members` of a Cargo.toml, changing nothing else in the text.
/// `Ok(None)`: already a member. A manifest without a `[workspace]` table gets one appended.
pub fn add_workspace_member(text: &str, member: &str) -> Result<Option<String>, String> {
    let doc: toml::Table =
        toml::from_str(text).map_err(|e| format!("it is not valid TOML: {e}"))?;
    let Some(ws) = doc.get("workspace") else {
        let mut t = text.to_string();
        if !t.is_empty() && !t.ends_with('\n') {
            t.push('\n');
        }
        t.push_str(&format!("\n[workspace]\nmembers = [\"{member}\"]\n"));
        return Ok(Some(t));
    };
    let ws = ws.as_table().ok_or("`workspace` is not a table")?;
    match ws.get("members") {
        Some(toml::Value::Array(a)) => {
            if a.iter().any(|v| v.as_str() == Some(member)) {
                return Ok(None);
            }
        }
        Some(_) => return Err("`workspace.members` is not an array".to_string()),
        None => {
            // Insert `members = [..]` right after the `[workspace]` header line.
            let (start, end) = find_table_header(text, "workspace")
                .ok_or("the `[workspace]` table is not written as a `[workspace]` header")?;
            let _ = start;
            let mut t = String::with_capacity(text.len() + 32);
            t.push_str(&text[..end]);
            t.push_str(&format!("members = [\"{member}\"]\n"));
            t.push_str(&text[end..]);
            return verify(t, member).map(Some);
        }
    }
    let (_, header_end) = find_table_header(text, "workspace")
        .ok_or("the `[workspace]` table is not written as a `[workspace]` header")?;
    let section_end = next_header(text, header_end);
    let section = &text[header_end..section_end];
    let key_pos = find_key(section, "members").ok_or("cannot find `members =` in [workspace]")?;
    let abs_key = header_end + key_pos;
    let open = text[abs_key..]
        .find('[')
        .map(|i| abs_key + i)
        .ok_or("`members` has no `[`")?;
    let close = matching_bracket(text, open).ok_or("`members` has no closing `]`")?;
    let inner = &text[open + 1..close];
    let mut t = String::with_capacity(text.len() + 16);
    t.push_str(&text[..open + 1]);
    if inner.contains('\n') {
        // Multi-line: add a line like the last element's, before the closing bracket.
        let body = inner.trim_end();
        let indent = body
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .map(|l| {
                l.chars()
                    .take_while(|c| c.is_whitespace())
                    .collect::<String>()
            })
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "    ".to_string());
        let trimmed_code = strip_trailing_comment(body);
        t.push_str(body);
        if !trimmed_code.trim().is_empty() && !trimmed_code.trim_end().ends_with(',') {
            // Put the comma right after the last element, before any trailing comment.
            let code_len = trimmed_code.trim_end().len();
            t.truncate(open + 1);
            t.push_str(&body[..code_len]);
            t.push(',');
            t.push_str(&body[code_len..]);
        }
        t.push('\n');
        t.push_str(&indent);
        t.push_str(&format!("\"{member}\",\n"));
        // Keep whatever preceded the closing bracket on its line (its indentation).
        let tail = &inner[inner.trim_end().len()..];
        let after_newline = tail.rsplit('\n').next().unwrap_or("");
        t.push_str(after_newline);
    } else {
        let body = inner.trim_end();
        if body.trim().is_empty() {
            t.push_str(&format!("\"{member}\""));
        } else if body.ends_with(',') {
            t.push_str(body);
            t.push_str(&format!(" \"{member}\""));
        } else {
            t.push_str(body);
            t.push_str(&format!(", \"{member}\""));
        }
    }
    t.push_str(&text[close..]);
    verify(t, member).map(Some)
}

fn verify(t: String, member: &str) -> Result<String, String> {
    let doc: toml::Table =
        toml::from_str(&t).map_err(|e| format!("the edit would break the file ({e})"))?;
    let ok = doc
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(|m| m.as_array())
        .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(member)));
    if ok {
        Ok(t)
    } else {
        Err("the edit did not add the member".to_string())
    }
}

/// The byte range of a `[name]` header line (end = after its newline).
fn find_table_header(text: &str, name: &str) -> Option<(usize, usize)> {
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let l = strip_trailing_comment(line).trim();
        if l.starts_with('[') && !l.starts_with("[[") {
            let inner = l.trim_start_matches('[').trim_end_matches(']').trim();
            if inner == name {
                return Some((pos, pos + line.len()));
            }
        }
        pos += line.len();
    }
    None
}

/// The start of the next table header after `from` (or the end of the text).
fn next_header(text: &str, from: usize) -> usize {
    let mut pos = from;
    let mut depth = 0i32;
    for line in text[from..].split_inclusive('\n') {
        let l = strip_trailing_comment(line).trim();
        if depth == 0 && l.starts_with('[') && !l.contains('=') {
            return pos;
        }
        for c in l.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth -= 1,
                _ => {}
            }
        }
        if depth < 0 {
            depth = 0;
        }
        pos += line.len();
    }
    text.len()
}

/// Offset of `key` at the start of a line (ignoring indentation), followed by `=`.
fn find_key(section: &str, key: &str) -> Option<usize> {
    let mut pos = 0;
    for line in section.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        let rest = line.trim_start();
        let rest_key = rest
            .strip_prefix(key)
            .or_else(|| rest.strip_prefix(&format!("\"{key}\"")));
        if let Some(after) = rest_key {
            if after.trim_start().starts_with('=') {
                return Some(pos + indent);
            }
        }
        pos += line.len();
    }
    None
}

/// The `]` matching the `[` at `open`, skipping strings and comments.
fn matching_bracket(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < bytes.len() {
        match bytes[i] {
            b'"' | b'\'' => {
                let q = bytes[i];
                i += 1;
                while i < bytes.len() && bytes[i] != q {
                    if q == b'"' && bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The text of a line (or block's last line) without a trailing `# comment` outside strings.
fn strip_trailing_comment(s: &str) -> &str {
    let last_line_start = s.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let bytes = s.as_bytes();
    let mut i = last_line_start;
    let mut in_str: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match in_str {
            Some(q) => {
                if q == b'"' && b == b'\\' {
                    i += 1;
                } else if b == q {
                    in_str = None;
                }
            }
            None => {
                if b == b'"' || b == b'\'' {
                    in_str = Some(b);
                } else if b == b'#' {
                    return &s[..i];
                }
            }
        }
        i += 1;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_line_members() {
        let t = "[workspace]\nresolver = \"2\"\nmembers = [\n    \"models\",\n    \"app\"\n]\n\n[workspace.dependencies]\nserde = \"1\"\n";
        let out = add_workspace_member(t, "cli").unwrap().unwrap();
        assert_eq!(
            out,
            "[workspace]\nresolver = \"2\"\nmembers = [\n    \"models\",\n    \"app\",\n    \"cli\",\n]\n\n[workspace.dependencies]\nserde = \"1\"\n"
        );
    }

    #[test]
    fn multi_line_members_trailing_comma_and_comment() {
        let t = "[workspace]\nmembers = [\n  \"models\", # the models\n]\n";
        let out = add_workspace_member(t, "cli").unwrap().unwrap();
        assert_eq!(
            out,
            "[workspace]\nmembers = [\n  \"models\", # the models\n  \"cli\",\n]\n"
        );
    }

    #[test]
    fn single_line_members() {
        let t = "# root\n[workspace]\nmembers = [\"models\"] # keep\n";
        let out = add_workspace_member(t, "cli").unwrap().unwrap();
        assert_eq!(
            out,
            "# root\n[workspace]\nmembers = [\"models\", \"cli\"] # keep\n"
        );
        let t = "[workspace]\nmembers = []\n";
        assert_eq!(
            add_workspace_member(t, "cli").unwrap().unwrap(),
            "[workspace]\nmembers = [\"cli\"]\n"
        );
    }

    #[test]
    fn already_member_or_no_members() {
        assert_eq!(
            add_workspace_member("[workspace]\nmembers = [\"cli\"]\n", "cli").unwrap(),
            None
        );
        assert_eq!(
            add_workspace_member("[workspace]\nresolver = \"2\"\n", "cli")
                .unwrap()
                .unwrap(),
            "[workspace]\nmembers = [\"cli\"]\nresolver = \"2\"\n"
        );
        let pkg = "[package]\nname = \"m\"\n";
        assert_eq!(
            add_workspace_member(pkg, "cli").unwrap().unwrap(),
            "[package]\nname = \"m\"\n\n[workspace]\nmembers = [\"cli\"]\n"
        );
    }
}
