//! What `init` is asked to do.

use std::path::PathBuf;

use retort_schema::Dialect;

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
    /// `init --from-db`: the pulled models and what goes with them (see `crate::pull`).
    pub from_db: Option<FromDb>,
    /// The database drivers the `cli` package is built with (retort's features of the same
    /// names), each compiled only when listed: sqlx's drivers are most of a new workspace's
    /// first build. Default: SQLite only.
    pub drivers: Drivers,
}

/// Which drivers `init` enables, and why (said in its output).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Drivers {
    /// Sorted, without repeats.
    pub list: Vec<Dialect>,
    /// `--db`, the URL's source, or the default.
    pub why: String,
    /// The URL they were chosen from, when one was (its database goes in retort.toml).
    pub url: Option<String>,
}

impl Drivers {
    /// `--db LIST` when given, else the database of the URL `init` is given (`--from-db`,
    /// `--url`, `DATABASE_URL`: `url` and where it came from), else SQLite only.
    pub fn choose(db: Option<&str>, url: Option<(&str, String)>) -> Result<Drivers, String> {
        if let Some(list) = db {
            let mut out = Vec::new();
            for word in list.split(',').map(str::trim) {
                let d = Dialect::parse(word).ok_or_else(|| {
                    format!(
                        "--db: `{word}` is not a database retort knows; use a comma-separated list of sqlite, postgres, mysql (e.g. --db sqlite,postgres)"
                    )
                })?;
                out.push(d);
            }
            out.sort();
            out.dedup();
            return Ok(Drivers {
                list: out,
                why: "--db".to_string(),
                url: None,
            });
        }
        if let Some((url, source)) = url {
            let d = Dialect::from_url(url).ok_or_else(|| {
                format!(
                    "{source}: unsupported database URL `{}`: use sqlite:, postgres://, postgresql://, mysql:// or mariadb://",
                    retort_runner::redact_url(url)
                )
            })?;
            return Ok(Drivers {
                list: vec![d],
                why: format!("the database of {source}; --db sqlite,postgres,mysql for others"),
                url: Some(url.to_string()),
            });
        }
        Ok(Drivers::sqlite())
    }

    /// What `init` does when told nothing: SQLite only.
    pub fn sqlite() -> Drivers {
        Drivers {
            list: vec![Dialect::Sqlite],
            why: "the default; --db postgres, --db mysql or a list for others".to_string(),
            url: None,
        }
    }

    /// The features of `retort` they are: `sqlite`, `postgres`, `mysql`.
    pub fn features(list: &[Dialect]) -> Vec<String> {
        let mut list = list.to_vec();
        if list.is_empty() {
            list.push(Dialect::Sqlite);
        }
        list.sort();
        list.dedup();
        // A dialect's name is its feature's.
        list.into_iter().map(|d| d.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drivers_from_the_flag_the_url_or_the_default() {
        let d = Drivers::choose(Some("mariadb, sqlite,pg,mysql"), None).unwrap();
        assert_eq!(d.list, [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql]);
        assert_eq!(Drivers::features(&d.list), ["sqlite", "postgres", "mysql"]);
        // The flag wins over a URL.
        let d = Drivers::choose(Some("mysql"), Some(("postgres://h/db", "--url".into())));
        assert_eq!(d.unwrap().list, [Dialect::Mysql]);
        let d = Drivers::choose(None, Some(("postgresql://u:secret@h/db", "--url".into())));
        let d = d.unwrap();
        assert_eq!(d.list, [Dialect::Postgres]);
        assert!(d.why.contains("--url"), "{}", d.why);
        let d = Drivers::choose(None, None).unwrap();
        assert_eq!(Drivers::features(&d.list), ["sqlite"]);
        assert_eq!(Drivers::features(&[]), ["sqlite"]);

        let e = Drivers::choose(Some("sqlite,oracle"), None).unwrap_err();
        assert!(
            e.contains("`oracle`") && e.contains("sqlite, postgres, mysql"),
            "{e}"
        );
        let e = Drivers::choose(
            None,
            Some(("oracle://u:secret@h/db", "DATABASE_URL".into())),
        );
        let e = e.unwrap_err();
        assert!(e.starts_with("DATABASE_URL: unsupported"), "{e}");
        assert!(!e.contains("secret"), "{e}");
    }
}

/// What `init --from-db` writes instead of the example table.
#[derive(Clone, Debug, Default)]
pub struct FromDb {
    /// The models crate's `src/lib.rs`: the pulled models.
    pub lib_rs: String,
    /// Features of `retort` the models need (each brings its crate as a dependency too).
    pub features: Vec<String>,
    /// `database_url` for retort.toml (a URL without a password).
    pub database_url: Option<String>,
    /// A URL with a password: written to `.env` (ignored by git) instead.
    pub env_url: Option<String>,
    /// `exclude_tables` entries for retort.toml: the tables not pulled.
    pub exclude_tables: Vec<String>,
    /// The baseline revision: its path relative to the workspace and its text.
    pub baseline: (String, String),
}
