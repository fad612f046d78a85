//! Which package of a workspace holds the models, and where the scaffold takes `retort` from.

use std::path::{Path, PathBuf};

use super::options::InitOptions;
use crate::error::AppError;

pub(super) fn valid_crate_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !name.starts_with(|c: char| c.is_ascii_digit())
}

/// How a scaffolded manifest names one of retort's crates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Dep {
    /// `{ path = ".." }`, as written in `cli/Cargo.toml`.
    Path(String),
    /// `{ workspace = true }`: the root manifest's `[workspace.dependencies]` has it.
    Workspace,
    /// `{ version = ".." }` from crates.io.
    Version(String),
}

impl Dep {
    /// The dependency with `features`.
    pub(super) fn render(&self, features: &[&str]) -> String {
        self.render_inner(features, false)
    }

    /// The dependency on `retort` with `features`, and without its default one (`sqlite`)
    /// unless `features` lists it: the manifest says which drivers are compiled. A workspace
    /// dependency keeps the root manifest's choice (cargo ignores `default-features` there).
    pub(super) fn render_no_default(&self, features: &[&str]) -> String {
        self.render_inner(features, self != &Dep::Workspace)
    }

    fn render_inner(&self, features: &[&str], no_default: bool) -> String {
        let mut s = match self {
            Dep::Path(p) => format!("{{ path = \"{}\"", p.replace('\\', "/")),
            Dep::Workspace => "{ workspace = true".to_string(),
            Dep::Version(v) => format!("{{ version = \"{v}\""),
        };
        if no_default {
            s.push_str(", default-features = false");
        }
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
pub(super) struct Source {
    pub(super) retort: Dep,
    pub(super) build: Dep,
    pub(super) why: String,
}

/// The package of the workspace at `dir` that depends on `retort`: the root package, or one of
/// the `[workspace] members` (a trailing `/*` glob is expanded), or, with no root manifest, a
/// folder right below `dir`. `None` when there is none; an error naming them when several.
pub(crate) fn detect_models(dir: &Path) -> Result<Option<(String, PathBuf)>, AppError> {
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
pub(super) fn resolve_source(
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

/// The models crate's own dependency on retort: the same source, a relative path rebased from
/// `cli/` to the models folder.
pub(super) fn models_dep(dep: &Dep, models_path: &Path) -> Dep {
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
