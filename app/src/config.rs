//! `retort.toml`, `.env` and the database URL.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::error::AppError;

/// The default configuration file name, looked up in the working directory.
pub const CONFIG_FILE: &str = "retort.toml";

/// Every key `retort.toml` accepts.
pub const KNOWN_KEYS: [&str; 14] = [
    "script_location",
    "database_url",
    "version_table",
    "version_table_schema",
    "exclude_tables",
    "include_schemas",
    "compare_server_default",
    "transaction_per_migration",
    "lock_timeout",
    "connect_timeout",
    "statement_timeout",
    "wait_for_replicas",
    "replica_timeout",
    "targets",
];

/// The contents of `retort.toml` (the alembic.ini of retort), with defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Folder holding `versions/`; relative paths are relative to the config file's folder
    /// (the working directory when there is no file). Default `migrations`.
    pub script_location: String,
    /// Database URL, used when neither `--url` nor `DATABASE_URL` is given.
    pub database_url: Option<String>,
    /// Version table name. Default `retort_version`.
    pub version_table: String,
    /// Schema of the version table (PostgreSQL schema, MySQL database).
    pub version_table_schema: Option<String>,
    /// Globs of tables that are invisible on both sides of a compare.
    pub exclude_tables: Vec<String>,
    /// Schemas (PostgreSQL) / databases (MySQL) to compare; empty = the default one.
    pub include_schemas: Vec<String>,
    /// Compare server defaults. Default true.
    pub compare_server_default: bool,
    /// One transaction per migration (true) or one for the whole run (false). Default true.
    pub transaction_per_migration: bool,
    /// Seconds to wait for the migration lock and for each statement's table locks (SQLite:
    /// the write lock); 0: do not wait. Default 60.
    pub lock_timeout: u64,
    /// Seconds connecting may take (a `connect_timeout` in the URL wins). Default 10.
    pub connect_timeout: u64,
    /// Seconds one statement may run (PostgreSQL, MariaDB); 0: no limit. Default 600.
    pub statement_timeout: u64,
    /// PostgreSQL: after `upgrade` / `downgrade`, wait until these streaming replicas
    /// (`application_name` in `pg_stat_replication`) have replayed it; `["*"]`: every replica
    /// streaming when the wait begins. Default: do not wait.
    pub wait_for_replicas: Option<Vec<String>>,
    /// Seconds to wait for them. Default 60.
    pub replica_timeout: u64,
    /// `[targets]`: the fleet `--fleet` runs over (see [`crate::targets`]).
    pub targets: Option<TargetsConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            script_location: "migrations".to_string(),
            database_url: None,
            version_table: "retort_version".to_string(),
            version_table_schema: None,
            exclude_tables: Vec::new(),
            include_schemas: Vec::new(),
            compare_server_default: true,
            transaction_per_migration: true,
            lock_timeout: 60,
            connect_timeout: 10,
            statement_timeout: 600,
            wait_for_replicas: None,
            replica_timeout: 60,
            targets: None,
        }
    }
}

/// `[targets]` in `retort.toml`:
///
/// ```toml
/// [targets]
/// file = "targets.txt"          # one URL a line, relative to retort.toml
/// urls = ["sqlite://a.db", "postgres://app@db1/app"]
/// # or named (the names are what the summary shows):
/// # urls = { tenant_a = "postgres://app@db1/a", tenant_b = "postgres://app@db2/b" }
/// schemas = "tenant_%"          # PostgreSQL: every matching schema of database_url
/// jobs = 4                      # targets at once (--jobs wins)
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TargetsConfig {
    /// A targets file, relative to `retort.toml`'s folder.
    pub file: Option<String>,
    /// Database URLs, as a list or as a table of named URLs.
    pub urls: Urls,
    /// A schema pattern over the configured database (PostgreSQL).
    pub schemas: Option<String>,
    /// How many targets run at once.
    pub jobs: Option<usize>,
}

/// `urls` of `[targets]`: a list, or names and URLs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum Urls {
    List(Vec<String>),
    Named(BTreeMap<String, String>),
}

impl Default for Urls {
    fn default() -> Self {
        Urls::List(Vec::new())
    }
}

/// A loaded configuration and where it came from.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub config: Config,
    /// The file read, if any.
    pub path: Option<PathBuf>,
    /// The folder relative paths in the file are resolved against.
    pub base: PathBuf,
}

impl Loaded {
    /// `script_location`, resolved.
    pub fn script_location(&self) -> PathBuf {
        let p = Path::new(&self.config.script_location);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    /// `<script_location>/versions`.
    pub fn versions_dir(&self) -> PathBuf {
        self.script_location().join("versions")
    }

    /// The version table as `name` or `schema.name`.
    pub fn version_table_qualified(&self) -> String {
        match &self.config.version_table_schema {
            Some(s) => format!("{s}.{}", self.config.version_table),
            None => self.config.version_table.clone(),
        }
    }
}

/// Reads the configuration: `explicit` (from `-c`, relative to `cwd`) must exist; otherwise
/// the nearest `retort.toml` in `cwd` or a folder above it is read, and the defaults apply if there is none.
pub fn load(cwd: &Path, explicit: Option<&Path>) -> Result<Loaded, AppError> {
    let path = match explicit {
        Some(p) => {
            let p = if p.is_absolute() {
                p.to_path_buf()
            } else {
                cwd.join(p)
            };
            if !p.is_file() {
                return Err(AppError::Config {
                    path: p.clone(),
                    message: "the file does not exist".to_string(),
                });
            }
            Some(p)
        }
        // As cargo finds Cargo.toml: the nearest retort.toml in `cwd` or a folder above it.
        None => cwd
            .ancestors()
            .map(|d| d.join(CONFIG_FILE))
            .find(|p| p.is_file()),
    };
    let Some(path) = path else {
        return Ok(Loaded {
            config: Config::default(),
            path: None,
            base: cwd.to_path_buf(),
        });
    };
    let text = std::fs::read_to_string(&path).map_err(|e| AppError::Config {
        path: path.clone(),
        message: format!("cannot read it: {e}"),
    })?;
    let config = parse(&text).map_err(|message| AppError::Config {
        path: path.clone(),
        message,
    })?;
    let base = path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.to_path_buf());
    Ok(Loaded {
        config,
        path: Some(path),
        base,
    })
}

/// Parses the text of a `retort.toml`. Unknown keys are an error naming the key.
pub fn parse(text: &str) -> Result<Config, String> {
    let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(&e.to_string()))?;
    let unknown: Vec<&String> = table
        .keys()
        .filter(|k| !KNOWN_KEYS.contains(&k.as_str()))
        .collect();
    if !unknown.is_empty() {
        let names: Vec<String> = unknown.iter().map(|k| format!("`{k}`")).collect();
        return Err(format!(
            "unknown key{} {}; the keys are: {}",
            if unknown.len() > 1 { "s" } else { "" },
            names.join(", "),
            KNOWN_KEYS.join(", ")
        ));
    }
    let config: Config = toml::Value::Table(table)
        .try_into()
        .map_err(|e: toml::de::Error| toml_error(&e.to_string()))?;
    if config.version_table.is_empty() {
        return Err("`version_table` is empty".to_string());
    }
    if config.script_location.is_empty() {
        return Err("`script_location` is empty".to_string());
    }
    check_timeouts(&config)?;
    Ok(config)
}

/// A TOML error as printed: the source line it quotes keeps its key, but the value of a key
/// that may hold a secret (`database_url`, anything with `password`) is not shown, and any URL
/// left has its password masked.
fn toml_error(message: &str) -> String {
    let lines: Vec<String> = message
        .trim()
        .lines()
        .map(|l| {
            // The quoted source lines look like `12 | key = value`.
            let Some((gutter, src)) = l.split_once(" | ") else {
                return l.to_string();
            };
            if !gutter.trim().chars().all(|c| c.is_ascii_digit()) {
                return l.to_string();
            }
            match src.split_once('=') {
                Some((key, _))
                    if {
                        let k = key.to_ascii_lowercase();
                        k.contains("url") || k.contains("password") || k.contains("secret")
                    } =>
                {
                    format!("{gutter} | {key}= (value not shown, it may hold a secret)")
                }
                _ => l.to_string(),
            }
        })
        .collect();
    retort_runner::redact_text(&lines.join("\n"))
}

/// Refuses timeouts no database can wait for (PostgreSQL's limit, about 24.8 days, is the
/// smallest) and a zero `connect_timeout`.
fn check_timeouts(c: &Config) -> Result<(), String> {
    let max = retort_runner::limits::MAX_TIMEOUT_SECS;
    for (key, v, zero) in [
        ("lock_timeout", c.lock_timeout, "0 means do not wait"),
        ("statement_timeout", c.statement_timeout, "0 means no limit"),
        ("connect_timeout", c.connect_timeout, "at least 1"),
        (
            "replica_timeout",
            c.replica_timeout,
            "0 means do not wait at all",
        ),
    ] {
        if v > max {
            return Err(format!(
                "`{key} = {v}` is too large: at most {max} seconds (about 24 days, PostgreSQL's limit; {zero})"
            ));
        }
    }
    if let Some(names) = &c.wait_for_replicas {
        if names.is_empty() || names.iter().any(|n| n.trim().is_empty()) {
            return Err("`wait_for_replicas` lists no replica name (or an empty one): name the replicas as pg_stat_replication's application_name shows them, or `[\"*\"]` for every connected replica".to_string());
        }
    }
    if c.connect_timeout == 0 {
        return Err("`connect_timeout = 0`: connecting needs at least 1 second".to_string());
    }
    Ok(())
}

/// Where the database URL came from (for messages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UrlSource {
    Flag,
    Env,
    DotEnv,
    Config,
}

impl std::fmt::Display for UrlSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            UrlSource::Flag => "--url",
            UrlSource::Env => "DATABASE_URL",
            UrlSource::DotEnv => "DATABASE_URL in .env",
            UrlSource::Config => "database_url in retort.toml",
        })
    }
}

/// The database URL: `--url`, else `DATABASE_URL` from the environment, else `DATABASE_URL`
/// from the nearest `.env` in `cwd` or above, else `database_url` from the configuration.
pub fn database_url(
    flag: Option<&str>,
    env: &BTreeMap<String, String>,
    cwd: &Path,
    config: &Config,
) -> Result<(String, UrlSource), AppError> {
    if let Some(u) = flag.filter(|u| !u.is_empty()) {
        return Ok((u.to_string(), UrlSource::Flag));
    }
    if let Some(u) = env.get("DATABASE_URL").filter(|u| !u.is_empty()) {
        return Ok((u.clone(), UrlSource::Env));
    }
    // As dotenvy (and so sqlx-cli) finds it: the nearest .env in `cwd` or a folder above it.
    if let Some(dotenv) = cwd
        .ancestors()
        .map(|d| d.join(".env"))
        .find(|p| p.is_file())
    {
        let text = std::fs::read_to_string(&dotenv).map_err(|e| AppError::Config {
            path: dotenv.clone(),
            message: format!("cannot read it: {e}"),
        })?;
        let vars = parse_dotenv(&text).map_err(|message| AppError::Config {
            path: dotenv.clone(),
            message,
        })?;
        if let Some(u) = vars.get("DATABASE_URL").filter(|u| !u.is_empty()) {
            return Ok((u.clone(), UrlSource::DotEnv));
        }
    }
    if let Some(u) = config.database_url.as_ref().filter(|u| !u.is_empty()) {
        return Ok((u.clone(), UrlSource::Config));
    }
    Err(AppError::Usage(
        "no database URL: pass --url, set DATABASE_URL (in the environment or in .env), or set database_url in retort.toml".to_string(),
    ))
}

/// A SQLite URL whose file path is relative, with the path made relative to `base` instead
/// of the process's working directory; any other URL unchanged.
pub fn sqlite_path_from(url: &str, base: &Path) -> String {
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return url.to_string();
    };
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (rest, None),
    };
    if path.is_empty()
        || path.starts_with('/')
        || path.starts_with(':')
        || Path::new(path).is_absolute()
    {
        return url.to_string();
    }
    let abs = base.join(path);
    let mut out = format!("sqlite://{}", abs.display());
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// Parses a `.env` file the way sqlx-cli reads it (dotenvy: `KEY=VALUE` lines, `#` comments,
/// `export `, single and double quotes, `${VAR}` substitution). An error gives the line number
/// but never the line: a malformed `.env` line often holds a secret.
pub fn parse_dotenv(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((k, v)) => {
                // The first definition wins, as dotenvy does when it loads a file.
                out.entry(k).or_insert(v);
            }
            Err(dotenvy::Error::LineParse(line, _)) => {
                let n = text
                    .lines()
                    .position(|l| l == line || l.trim() == line.trim())
                    .map(|i| format!("line {}", i + 1))
                    .unwrap_or_else(|| "a line".to_string());
                return Err(format!(
                    "{n} is not `KEY=VALUE` (the line is not shown, it may hold a secret)"
                ));
            }
            Err(e) => {
                return Err(format!(
                    "cannot read it: {}",
                    retort_runner::redact_text(&e.to_string())
                ))
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_when_empty() {
        let c = parse("").unwrap();
        assert_eq!(c, Config::default());
        assert_eq!(c.lock_timeout, 60);
        assert!(c.compare_server_default);
    }

    #[test]
    fn unknown_key_is_named() {
        let e = parse("script_location = \"m\"\ndatabase_uri = \"x\"\n").unwrap_err();
        assert!(e.contains("`database_uri`"), "{e}");
    }

    #[test]
    fn wrong_type_is_an_error() {
        let e = parse("lock_timeout = \"soon\"\n").unwrap_err();
        assert!(e.contains("lock_timeout"), "{e}");
    }

    #[test]
    fn relative_sqlite_paths_are_relative_to_the_config_file() {
        let base = Path::new("/w/app");
        assert_eq!(
            sqlite_path_from("sqlite://data/x.db?mode=rwc", base),
            "sqlite:///w/app/data/x.db?mode=rwc"
        );
        assert_eq!(
            sqlite_path_from("sqlite:x.db", base),
            "sqlite:///w/app/x.db"
        );
        for same in [
            "sqlite:///abs/x.db",
            "sqlite::memory:",
            "sqlite://:memory:",
            "postgres://h/db",
        ] {
            assert_eq!(sqlite_path_from(same, base), same);
        }
    }

    #[test]
    fn timeouts_have_finite_defaults_and_limits() {
        let c = parse("").unwrap();
        assert_eq!(
            (c.connect_timeout, c.lock_timeout, c.statement_timeout),
            (10, 60, 600)
        );
        let c = parse("lock_timeout = 0\nstatement_timeout = 0\nconnect_timeout = 2\n").unwrap();
        assert_eq!(
            (c.connect_timeout, c.lock_timeout, c.statement_timeout),
            (2, 0, 0)
        );
        let e = parse("lock_timeout = 9223372036854775807\n").unwrap_err();
        assert!(
            e.contains(
                "`lock_timeout = 9223372036854775807` is too large: at most 2147483 seconds"
            ),
            "{e}"
        );
        let e = parse("statement_timeout = 3000000\n").unwrap_err();
        assert!(
            e.contains("`statement_timeout = 3000000` is too large"),
            "{e}"
        );
        let e = parse("connect_timeout = 0\n").unwrap_err();
        assert!(e.contains("connect_timeout"), "{e}");
        let c = parse("wait_for_replicas = [\"r1\", \"r2\"]\nreplica_timeout = 5\n").unwrap();
        assert_eq!(
            c.wait_for_replicas,
            Some(vec!["r1".to_string(), "r2".to_string()])
        );
        assert_eq!(c.replica_timeout, 5);
        let e = parse("wait_for_replicas = []\n").unwrap_err();
        assert!(
            e.contains("wait_for_replicas") && e.contains("\"*\""),
            "{e}"
        );
        let e = parse("wait_for_replicas = \"r1\"\n").unwrap_err();
        assert!(e.contains("wait_for_replicas"), "{e}");
        let e = parse("lock_timeout = -1\n").unwrap_err();
        assert!(e.contains("lock_timeout"), "{e}");
    }

    #[test]
    fn dotenv_forms() {
        let v = parse_dotenv(
            "# comment\n\nexport A=1\nB = 'x y' \nC=\"q\\\"z\"\nD=plain # trailing\nE=a#b\n",
        )
        .unwrap();
        assert_eq!(v["A"], "1");
        assert_eq!(v["B"], "x y");
        assert_eq!(v["C"], "q\"z");
        assert_eq!(v["D"], "plain");
        assert_eq!(v["E"], "a#b");
        assert!(parse_dotenv("novalue\n").is_err());
    }
}
