//! The files `init` writes, kept as files in `templates/` (what a user gets is what is there),
//! with `{{name}}` placeholders filled by [`fill`].

pub(super) const RETORT_TOML: &str = include_str!("templates/retort.toml");
pub(super) const CLI_CARGO: &str = include_str!("templates/cli.Cargo.toml");
pub(super) const CLI_BUILD: &str = include_str!("templates/build.rs.tmpl");
pub(super) const CLI_MAIN: &str = include_str!("templates/main.rs.tmpl");
pub(super) const MODELS_CARGO: &str = include_str!("templates/models.Cargo.toml");
pub(super) const MODELS_LIB: &str = include_str!("templates/models.lib.rs.tmpl");
pub(super) const GITIGNORE: &str = include_str!("templates/gitignore");
/// Migration scripts are long straight-line code; optimizing them takes minutes on a big
/// history (a 1,000-table initial migration: over four minutes at opt-level 3, seconds at 0)
/// and buys nothing: the work happens in retort and sqlx, which stay optimized.
pub(super) const RELEASE_PROFILE: &str = include_str!("templates/release-profile.toml");
/// The derives optimized in debug builds: the models crate's rebuild after an edit (the
/// edit-to-migration loop, BENCHMARKS.md).
pub(super) const DEV_PROFILE: &str = include_str!("templates/dev-profile.toml");
/// The profiles a new root manifest gets, each with the path of keys under `[profile]` that
/// shows an existing manifest has it already.
pub(super) const PROFILES: [(&str, [&str; 3]); 2] = [
    (RELEASE_PROFILE, ["release", "package", "cli"]),
    (DEV_PROFILE, ["dev", "package", "retort-macros"]),
];

/// The `.gitignore` to write: the template when there is none, else the existing text plus
/// the template's lines it lacks (`None`: nothing to add).
pub(super) fn gitignore(existing: Option<&str>) -> Option<String> {
    let Some(text) = existing else {
        return Some(GITIGNORE.to_string());
    };
    let have: Vec<&str> = text.lines().map(str::trim).collect();
    let missing: Vec<&str> = GITIGNORE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|l| {
            let bare = l.trim_start_matches('/');
            !have
                .iter()
                .any(|h| h.trim_start_matches('/').trim_end_matches('/') == bare)
        })
        .collect();
    if missing.is_empty() {
        return None;
    }
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str("\n# Added by retort init: build output and local databases.\n");
    for l in missing {
        out.push_str(l);
        out.push('\n');
    }
    Some(out)
}

/// `template` with every `{{key}}` replaced by its value.
pub(super) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (k, v) in values {
        out = out.replace(&format!("{{{{{k}}}}}"), v);
    }
    debug_assert!(!out.contains("{{"), "a placeholder is left in:\n{out}");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gitignore_is_written_or_completed() {
        assert_eq!(gitignore(None).as_deref(), Some(GITIGNORE));
        let done = gitignore(Some("target/\n*.db\n")).unwrap();
        assert!(done.starts_with("target/\n*.db\n"), "{done}");
        assert!(
            done.contains("*.db-wal\n") && done.contains(".env\n"),
            "{done}"
        );
        assert!(
            !done.contains("\n/target\n"),
            "target/ is there already: {done}"
        );
        assert_eq!(gitignore(Some(GITIGNORE)), None);
    }

    #[test]
    fn every_placeholder_is_filled() {
        let cargo = fill(
            CLI_CARGO,
            &[
                ("retort", "{ path = \"../r\" }"),
                ("retort_build", "{ path = \"../b\" }"),
                ("models", "my-models"),
                ("models_path", "../my-models"),
            ],
        );
        assert!(
            cargo.contains("my-models = { path = \"../my-models\" }"),
            "{cargo}"
        );
        assert!(
            cargo.contains("retort-build = { path = \"../b\" }"),
            "{cargo}"
        );
        let doc: toml::Table = toml::from_str(&cargo).unwrap();
        assert_eq!(doc["package"]["name"].as_str(), Some("cli"));
        let main = fill(CLI_MAIN, &[("models_ident", "my_models")]);
        assert!(main.contains("use my_models as _;"), "{main}");
        for t in [
            RETORT_TOML,
            CLI_BUILD,
            MODELS_LIB,
            RELEASE_PROFILE,
            DEV_PROFILE,
            GITIGNORE,
        ] {
            assert!(!t.contains("{{"), "{t}");
        }
        let _: toml::Table = toml::from_str(RETORT_TOML).unwrap();
        for (text, keys) in PROFILES {
            let doc: toml::Table = toml::from_str(text).unwrap();
            let found = keys.iter().try_fold(&doc["profile"], |item, k| item.get(k));
            assert!(found.is_some(), "{keys:?} in {text}");
        }
    }
}
