//! The targets of a fleet run: databases listed in a file (`--targets FILE`) or in
//! `retort.toml`'s `[targets]` table (`--fleet`), and the PostgreSQL schemas of one database
//! matching a pattern (`--schemas PATTERN`). Pure but for reading the file and listing the
//! schemas; the run itself is `cmd/fleet.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use retort_runner::{redact_url, Db};
use retort_schema::Dialect;

use crate::config::{self, Loaded, Urls};
use crate::error::AppError;
use crate::session::display_path;

/// One database (or PostgreSQL schema) of a fleet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Target {
    /// What the output calls it: a name, a schema, or the URL without its password.
    pub label: String,
    /// The URL to connect to (for a schema: with its `search_path`).
    pub url: String,
    /// The PostgreSQL schema the target is (its version table lives there).
    pub schema: Option<String>,
    /// Where it was listed (`targets.txt:3`), for messages.
    pub origin: String,
}

impl Target {
    fn url(url: &str, label: Option<&str>, origin: String) -> Target {
        Target {
            label: label.map_or_else(|| redact_url(url), str::to_string),
            url: url.to_string(),
            schema: None,
            origin,
        }
    }
}

/// Checks one URL of a target list; `at` names where it is (`targets.txt:3`).
fn check_url(url: &str, at: &str) -> Result<(), AppError> {
    if url.split_whitespace().count() > 1 {
        return Err(AppError::Usage(format!(
            "{at}: `{}` is more than one word: one database URL a line (`#` starts a comment)",
            retort_runner::redact_text(url)
        )));
    }
    if Dialect::from_url(url).is_none() {
        return Err(AppError::Usage(format!(
            "{at}: `{}` is not a database URL: use sqlite:, postgres://, postgresql://, mysql:// or mariadb://",
            redact_url(url)
        )));
    }
    Ok(())
}

/// The targets of a targets file's text: one URL a line; blank lines and lines starting with
/// `#` are skipped, and so is a ` #` comment after a URL. Relative SQLite paths are relative
/// to `base` (the file's folder). `name` is the file as messages show it.
pub(crate) fn parse_file(text: &str, name: &str, base: &Path) -> Result<Vec<Target>, AppError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = match line.find(" #").or_else(|| line.find("\t#")) {
            Some(at) => &line[..at],
            None => line,
        };
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("{name}:{}", i + 1);
        check_url(line, &at)?;
        let url = config::sqlite_path_from(line, base);
        out.push(Target::url(&url, None, at));
    }
    Ok(out)
}

/// Reads a targets file (`--targets FILE`, relative to `cwd`; `[targets] file`, relative to
/// retort.toml).
pub(crate) fn read_file(path: &Path, cwd: &Path) -> Result<Vec<Target>, AppError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        AppError::Usage(format!(
            "cannot read the targets file {}: {e} (one database URL a line)",
            display_path(path, cwd)
        ))
    })?;
    let base = path.parent().unwrap_or(cwd);
    let targets = parse_file(&text, &display_path(path, cwd), base)?;
    if targets.is_empty() {
        return Err(AppError::Usage(format!(
            "the targets file {} lists no database: write one URL a line",
            display_path(path, cwd)
        )));
    }
    Ok(targets)
}

/// The targets of `[targets]` (its file and its URLs) and its schema pattern.
pub(crate) fn from_config(
    cfg: &Loaded,
    cwd: &Path,
) -> Result<(Vec<Target>, Option<String>), AppError> {
    let config_name = cfg
        .path
        .as_deref()
        .map(|p| display_path(p, cwd))
        .unwrap_or_else(|| config::CONFIG_FILE.to_string());
    let Some(t) = &cfg.config.targets else {
        return Err(AppError::Usage(format!(
            "--fleet runs over the [targets] table of retort.toml, and {config_name} has none: add one (`[targets]` with `urls = [...]`, `file = \"targets.txt\"` or `schemas = \"tenant_%\"`), or pass --targets FILE"
        )));
    };
    let mut out = Vec::new();
    if let Some(file) = &t.file {
        out.extend(read_file(&cfg.base.join(file), cwd)?);
    }
    let named: Vec<(Option<&str>, &str)> = match &t.urls {
        Urls::List(l) => l.iter().map(|u| (None, u.as_str())).collect(),
        Urls::Named(m) => m
            .iter()
            .map(|(k, u)| (Some(k.as_str()), u.as_str()))
            .collect(),
    };
    for (i, (name, url)) in named.into_iter().enumerate() {
        let at = match name {
            Some(n) => format!("{config_name}: [targets] urls.{n}"),
            None => format!("{config_name}: [targets] urls[{i}]"),
        };
        check_url(url, &at)?;
        out.push(Target::url(
            &config::sqlite_path_from(url, &cfg.base),
            name,
            at,
        ));
    }
    if out.is_empty() && t.schemas.is_none() {
        return Err(AppError::Usage(format!(
            "the [targets] table of {config_name} names no target: set `urls`, `file` or `schemas`"
        )));
    }
    Ok((out, t.schemas.clone()))
}

/// Refuses a target listed twice (two runs of one database would wait for each other's lock).
pub(crate) fn check_unique(targets: &[Target]) -> Result<(), AppError> {
    let mut seen: BTreeMap<(&str, Option<&str>), &str> = BTreeMap::new();
    for t in targets {
        if let Some(first) = seen.insert((&t.url, t.schema.as_deref()), &t.origin) {
            return Err(AppError::Usage(format!(
                "{}: `{}` is listed twice (also at {first}): list each database once",
                t.origin, t.label
            )));
        }
    }
    Ok(())
}

/// A schema pattern as SQL `LIKE`: a glob (`*`, `?`) is translated (its `%` and `_` taken
/// literally); anything else is already a LIKE pattern (`tenant_%`).
pub(crate) fn like_pattern(pattern: &str) -> String {
    if !pattern.contains(['*', '?']) {
        return pattern.to_string();
    }
    let mut out = String::new();
    for c in pattern.chars() {
        match c {
            '*' => out.push('%'),
            '?' => out.push('_'),
            '%' | '_' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `url` with `search_path` set to `schema` at connection start (libpq's `options`), so the
/// unqualified tables of every migration land in that schema.
pub(crate) fn with_search_path(url: &str, schema: &str) -> String {
    // The server splits `options` at spaces, unless escaped with a backslash.
    let ident = retort_sql::quote_ident(schema, Dialect::Postgres);
    let mut escaped = String::new();
    for c in ident.chars() {
        if c == ' ' || c == '\\' {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    let option = format!("-c search_path={escaped}");
    let mut encoded = String::new();
    for b in option.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options={encoded}")
}

/// Every schema of the PostgreSQL database at `url` matching `pattern` (system schemas never),
/// by name, as targets.
pub(crate) async fn schemas(
    url: &str,
    pattern: &str,
    timeouts: &retort_runner::Timeouts,
) -> Result<Vec<Target>, AppError> {
    if Dialect::from_url(url) != Some(Dialect::Postgres) {
        return Err(AppError::Usage(format!(
            "--schemas lists the schemas of a PostgreSQL database, and `{}` is not one; for MySQL/MariaDB databases or SQLite files, list them in a --targets file",
            redact_url(url)
        )));
    }
    if pattern.is_empty() {
        return Err(AppError::Usage(
            "--schemas needs a pattern, e.g. `tenant_%` or `tenant_*`".to_string(),
        ));
    }
    let like = retort_sql::quote_string(&like_pattern(pattern), Dialect::Postgres);
    let sql = format!(
        "SELECT nspname::text FROM pg_catalog.pg_namespace WHERE nspname LIKE {like} \
         AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema' ORDER BY 1"
    );
    let mut db = Db::connect_with(url, timeouts).await?;
    let rows = db.query_strings(&sql).await;
    let _ = db.close().await;
    let names: Vec<String> = rows?
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    if names.is_empty() {
        return Err(AppError::Usage(format!(
            "no schema of {} matches `{pattern}` (a LIKE pattern: `%` any text, `_` one character; or a glob with `*` and `?`)",
            redact_url(url)
        )));
    }
    Ok(names
        .into_iter()
        .map(|s| Target {
            label: s.clone(),
            url: with_search_path(url, &s),
            origin: format!("schema {s}"),
            schema: Some(s),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_lines_comments_and_relative_sqlite_paths() {
        let text = "# the fleet\n\nsqlite://a.db\n  postgres://u:secret@h/db   # primary\nmysql://root@h/x\n";
        let t = parse_file(text, "t.txt", Path::new("/srv")).unwrap();
        let urls: Vec<&str> = t.iter().map(|t| t.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "sqlite:///srv/a.db",
                "postgres://u:secret@h/db",
                "mysql://root@h/x"
            ]
        );
        assert_eq!(t[1].origin, "t.txt:4");
        assert!(!t[1].label.contains("secret"), "{}", t[1].label);
    }

    #[test]
    fn a_bad_line_names_file_and_line_without_the_password() {
        let e = parse_file("sqlite://a.db\nredis://u:pw@h/0\n", "t.txt", Path::new("/"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("t.txt:2: "), "{e}");
        assert!(e.contains("not a database URL") && !e.contains("pw"), "{e}");
        let e = parse_file("sqlite://a.db sqlite://b.db\n", "t.txt", Path::new("/"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("t.txt:1:") && e.contains("one database URL a line"),
            "{e}"
        );
    }

    #[test]
    fn glob_and_like_patterns() {
        assert_eq!(like_pattern("tenant_%"), "tenant_%");
        assert_eq!(like_pattern("tenant_*"), "tenant\\_%");
        assert_eq!(like_pattern("t?"), "t_");
    }

    #[test]
    fn search_path_option_is_encoded() {
        assert_eq!(
            with_search_path("postgres://h/db", "tenant_1"),
            "postgres://h/db?options=-c%20search_path%3D%22tenant_1%22"
        );
        assert_eq!(
            with_search_path("postgres://h/db?sslmode=disable", "a b"),
            "postgres://h/db?sslmode=disable&options=-c%20search_path%3D%22a%5C%20b%22"
        );
    }

    #[test]
    fn targets_table_shapes() {
        let c = config::parse("[targets]\nurls = [\"sqlite://a.db\"]\njobs = 2\n").unwrap();
        let t = c.targets.unwrap();
        assert_eq!(t.urls, Urls::List(vec!["sqlite://a.db".to_string()]));
        assert_eq!(t.jobs, Some(2));
        let c = config::parse("[targets.urls]\nalpha = \"sqlite://a.db\"\n").unwrap();
        assert!(matches!(c.targets.unwrap().urls, Urls::Named(m) if m["alpha"] == "sqlite://a.db"));
        let e = config::parse("[targets]\nfiles = \"t.txt\"\n").unwrap_err();
        assert!(e.contains("files"), "{e}");
    }

    #[test]
    fn duplicates_are_refused() {
        let t = parse_file("sqlite:///x.db\nsqlite:///x.db\n", "t.txt", Path::new("/")).unwrap();
        let e = check_unique(&t).unwrap_err().to_string();
        assert!(e.contains("t.txt:2") && e.contains("t.txt:1"), "{e}");
    }
}
