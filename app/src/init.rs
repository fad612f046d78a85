//! `init`: scaffolds retort in a user's workspace.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::AppError;

/// What `init` needs.
#[derive(Clone, Debug)]
pub struct InitOptions {
    /// The workspace root to scaffold in.
    pub dir: PathBuf,
    /// The package name of the models crate (`my-models` or `my_models`).
    pub models_crate: String,
    /// The models crate's folder, relative to `dir` (or absolute). Default: the crate name.
    pub models_path: Option<PathBuf>,
}

/// The files `init` writes, relative to the workspace root.
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

/// Writes the scaffold. Refuses (writing nothing) if any of the files exists.
pub fn init(opts: &InitOptions, out: &mut dyn Write) -> Result<(), AppError> {
    if !valid_crate_name(&opts.models_crate) {
        return Err(AppError::Usage(format!(
            "--models-crate `{}` is not a valid package name (ASCII letters, digits, `-`, `_`)",
            opts.models_crate
        )));
    }
    if opts.models_crate == "cli" {
        return Err(AppError::Usage(
            "--models-crate cannot be `cli`: that is the name of the package init creates"
                .to_string(),
        ));
    }
    let dir = &opts.dir;
    let existing: Vec<String> = FILES
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
    let models_path = opts
        .models_path
        .clone()
        .unwrap_or_else(|| PathBuf::from(&opts.models_crate));
    // The dependency path as seen from cli/.
    let dep_path = if models_path.is_absolute() {
        models_path.clone()
    } else {
        Path::new("..").join(&models_path)
    };
    let dep_path = dep_path.display().to_string().replace('\\', "/");
    let ident = opts.models_crate.replace('-', "_");

    // The root manifest edit is computed before anything is written.
    let root_manifest = dir.join("Cargo.toml");
    let mut manifest_note = None;
    let mut new_manifest = None;
    if root_manifest.is_file() {
        let text = std::fs::read_to_string(&root_manifest).map_err(|e| AppError::Io {
            path: root_manifest.clone(),
            source: e,
        })?;
        match add_workspace_member(&text, "cli") {
            Ok(Some(t)) => new_manifest = Some(t),
            Ok(None) => manifest_note = Some("`cli` is already a workspace member".to_string()),
            Err(m) => {
                return Err(AppError::Failed(format!(
                    "cannot add `cli` to the workspace members of {}: {m}; nothing was written",
                    root_manifest.display()
                )))
            }
        }
    } else {
        manifest_note = Some(format!(
            "no Cargo.toml in {}: `cli` is a standalone package (cargo run --manifest-path cli/Cargo.toml -- --help)",
            dir.display()
        ));
    }

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
# lock_timeout = 60
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
# Add the feature of your database: \"postgres\" or \"mysql\" (SQLite is the default).
retort = {{ version = \"0.1\", features = [\"cli\"] }}
{models} = {{ path = \"{dep_path}\" }}

[build-dependencies]
retort-build = \"0.1\"
",
        models = opts.models_crate
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

    let files: [(&str, &str); 5] = [
        (FILES[0], retort_toml),
        (FILES[1], ""),
        (FILES[2], &cargo_toml),
        (FILES[3], build_rs),
        (FILES[4], &main_rs),
    ];
    for (rel, content) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| AppError::Io {
                path: parent.to_path_buf(),
                source: e,
            })?;
        }
        crate::write_new_file(&path, content.as_bytes())?;
        let _ = writeln!(out, "  Creating {}", path.display());
    }
    if let Some(text) = new_manifest {
        crate::write_atomic(&root_manifest, text.as_bytes())?;
        let _ = writeln!(
            out,
            "  Adding cli to the workspace members in {}",
            root_manifest.display()
        );
    }
    if let Some(note) = manifest_note {
        let _ = writeln!(out, "note: {note}");
    }
    if !dir.join(&models_path).join("Cargo.toml").is_file() {
        let _ = writeln!(
            out,
            "note: {} not found: fix the path of `{}` in cli/Cargo.toml (or pass --models-path)",
            dir.join(&models_path).join("Cargo.toml").display(),
            opts.models_crate
        );
    }
    let _ = writeln!(
        out,
        "Next: edit database_url in retort.toml, then `cargo run -p cli -- revision --autogenerate -m \"create tables\"`"
    );
    Ok(())
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
