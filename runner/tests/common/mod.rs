//! Test plumbing: an isolated database per test on SQLite, PostgreSQL and MariaDB, script
//! construction, catalog snapshots.
#![allow(dead_code)]

/// `per_dialect!(name, ..)`: for each async `fn name(Dialect)`, a module `name` with one
/// test per database feature (`sqlite`, `postgres`, `mariadb`).
#[allow(unused_macros)]
macro_rules! per_dialect {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use retort_runner::prelude::Dialect;
            #[cfg(feature = "sqlite")]
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn sqlite() {
                super::$name(Dialect::Sqlite).await
            }
            #[cfg(feature = "postgres")]
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn postgres() {
                super::$name(Dialect::Postgres).await
            }
            #[cfg(feature = "mysql")]
            #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
            async fn mariadb() {
                super::$name(Dialect::Mysql).await
            }
        }
    )*};
}

use std::sync::atomic::{AtomicU64, Ordering};

use retort_runner::prelude::*;
use retort_runner::{Db, Event, MigrationSet, RunOptions, Script};
use retort_schema::PrimaryKey;

pub fn unique_suffix() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos() as u64;
    let n = N.fetch_add(1, Ordering::Relaxed);
    format!("{:x}{:x}{n}", std::process::id(), nanos)
}

fn skip_or_fail(what: &str, url: &str, test: &str, err: impl std::fmt::Display) {
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("cannot reach {what} at {url} ({err}) and CI=true: {test}");
    }
    eprintln!("SKIPPED (no {what} at {url}): {test}");
}

/// One isolated database.
pub struct TestDb {
    pub dialect: Dialect,
    /// URL of the isolated database.
    pub url: String,
    admin_url: String,
    name: String,
    _dir: Option<tempfile::TempDir>,
    pub sqlite_path: Option<std::path::PathBuf>,
}

fn with_db(url: &str, db: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").unwrap() + 3;
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut u = format!("{}/{db}", &base[..path_start]);
    if let Some(q) = query {
        u.push('?');
        u.push_str(q);
    }
    u
}

impl TestDb {
    pub async fn new(d: Dialect, test: &str) -> Option<TestDb> {
        match d {
            Dialect::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("t.db");
                Some(TestDb {
                    dialect: d,
                    url: format!("sqlite://{}", path.display()),
                    admin_url: String::new(),
                    name: String::new(),
                    _dir: Some(dir),
                    sqlite_path: Some(path),
                })
            }
            Dialect::Postgres | Dialect::Mysql => {
                let (var, default, what) = if d == Dialect::Postgres {
                    (
                        "RETORT_TEST_PG_URL",
                        "postgres://postgres@127.0.0.1:5432/test",
                        "PostgreSQL",
                    )
                } else {
                    (
                        "RETORT_TEST_MYSQL_URL",
                        "mysql://root@127.0.0.1:3306/test",
                        "MariaDB/MySQL",
                    )
                };
                let admin_url = std::env::var(var).unwrap_or_else(|_| default.to_string());
                let mut admin = match Db::connect(&admin_url).await {
                    Ok(db) => db,
                    Err(e) => {
                        skip_or_fail(what, &admin_url, test, e);
                        return None;
                    }
                };
                let name = format!("retort_t_{}", unique_suffix());
                let q = if d == Dialect::Postgres { '"' } else { '`' };
                admin
                    .execute(&format!("CREATE DATABASE {q}{name}{q}"))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
                Some(TestDb {
                    dialect: d,
                    url: with_db(&admin_url, &name),
                    admin_url,
                    name,
                    _dir: None,
                    sqlite_path: None,
                })
            }
        }
    }

    pub async fn connect(&self) -> Db {
        Db::connect(&self.url).await.unwrap()
    }

    pub async fn drop(self) {
        match self.dialect {
            Dialect::Sqlite => {}
            Dialect::Postgres => {
                let mut admin = Db::connect(&self.admin_url).await.unwrap();
                admin
                    .execute(&format!(
                        "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                        self.name
                    ))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
            }
            Dialect::Mysql => {
                let mut admin = Db::connect(&self.admin_url).await.unwrap();
                admin
                    .execute(&format!("DROP DATABASE IF EXISTS `{}`", self.name))
                    .await
                    .unwrap();
                admin.close().await.unwrap();
            }
        }
    }

    /// A second isolated database of the same kind.
    pub async fn sibling(&self, test: &str) -> TestDb {
        TestDb::new(self.dialect, test).await.unwrap()
    }

    /// Runs a SQL script with the database's own command-line client.
    pub fn run_client(&self, script: &str) {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut cmd = match self.dialect {
            Dialect::Sqlite => {
                let mut c = Command::new("sqlite3");
                c.arg("-bail").arg(self.sqlite_path.as_ref().unwrap());
                c
            }
            Dialect::Postgres => {
                let mut c = Command::new("psql");
                c.args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &self.url]);
                c
            }
            Dialect::Mysql => {
                // mysql://user[:pw]@host:port/db
                let rest = self.url.split_once("://").unwrap().1;
                let (auth, hostpath) = rest.rsplit_once('@').unwrap();
                let (user, pw) = auth.split_once(':').unwrap_or((auth, ""));
                let (hostport, _) = hostpath.split_once('/').unwrap();
                let (host, port) = hostport.split_once(':').unwrap_or((hostport, "3306"));
                let mut c = Command::new("mariadb");
                c.args(["-h", host, "-P", port, "-u", user]);
                if !pw.is_empty() {
                    c.arg(format!("-p{pw}"));
                }
                c.arg(&self.name);
                c
            }
        };
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("database client installed");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "client failed: {}\n--- script ---\n{script}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Tables, their columns (name, type, nullability) and indexes, sorted: enough to tell two
/// databases' shapes apart.
pub async fn catalog(db: &mut Db) -> Vec<Vec<Option<String>>> {
    let sql = match db.dialect() {
        Dialect::Sqlite => {
            "SELECT m.name, p.name, lower(p.type), p.\"notnull\" FROM sqlite_master m \
             JOIN pragma_table_info(m.name) p WHERE m.type = 'table' \
             UNION ALL SELECT tbl_name, name, 'index', '' FROM sqlite_master \
             WHERE type = 'index' ORDER BY 1, 2"
        }
        Dialect::Postgres => {
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text \
             FROM information_schema.columns WHERE table_schema = 'public' \
             UNION ALL SELECT tablename::text, indexname::text, 'index', '' FROM pg_indexes \
             WHERE schemaname = 'public' ORDER BY 1, 2"
        }
        Dialect::Mysql => {
            "SELECT table_name, column_name, column_type, is_nullable \
             FROM information_schema.columns WHERE table_schema = DATABASE() \
             UNION ALL SELECT DISTINCT table_name, index_name, 'index', '' \
             FROM information_schema.statistics WHERE table_schema = DATABASE() ORDER BY 1, 2"
        }
    };
    // MySQL/MariaDB's progress marker: bookkeeping of online runs, which `--sql` scripts
    // and the other databases do not have.
    let mut rows = db.query_strings(sql).await.unwrap();
    rows.retain(|r| r[0].as_deref() != Some("retort_version_progress"));
    rows
}

pub async fn table_names(db: &mut Db) -> Vec<String> {
    let mut v: Vec<String> = catalog(db)
        .await
        .into_iter()
        .filter_map(|r| r[0].clone())
        .collect();
    v.dedup();
    v
}

pub async fn has_table(db: &mut Db, name: &str) -> bool {
    table_names(db).await.iter().any(|t| t == name)
}

pub async fn versions(db: &mut Db) -> Vec<String> {
    retort_runner::current(db, &RunOptions::default())
        .await
        .unwrap()
}

/// The version table's rows, also where a MySQL/MariaDB revision stopped half-way (its
/// progress marker makes `current` fail with the rows in the error).
pub async fn versions_even_interrupted(db: &mut Db) -> Vec<String> {
    match retort_runner::current(db, &RunOptions::default()).await {
        Ok(v) => v,
        Err(retort_runner::RunError::Interrupted { version, .. }) => version,
        Err(e) => panic!("{e}"),
    }
}

pub fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| x.to_string()).collect()
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A script with a generated header.
pub fn script(
    rev: &str,
    revises: &[&str],
    label: Option<&str>,
    up: fn(&mut Migration),
    down: fn(&mut Migration),
) -> Script {
    let header = format!(
        "//! Revision {rev}\n//!\n//! Revision ID: {rev}\n//! Revises: {}\n//! Branch labels: {}\n//! Depends on:\n//! Create date: 2026-01-01 00:00:00 UTC\n",
        revises.join(", "),
        label.unwrap_or("")
    );
    Script::new(
        leak(format!("{rev}_revision.rs")),
        leak(header),
        0,
        up,
        down,
    )
}

pub fn set(scripts: Vec<Script>) -> MigrationSet {
    MigrationSet::new("", scripts)
}

pub fn table(name: &str, cols: Vec<Column>, pk: &[&str]) -> Table {
    let mut t = Table::new(name);
    t.columns = cols;
    if !pk.is_empty() {
        t.primary_key = Some(PrimaryKey {
            name: format!("pk_{name}"),
            columns: s(pk),
        });
    }
    t
}

pub fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

pub fn no_events() -> impl FnMut(Event) {
    |_| {}
}

pub fn opts() -> RunOptions {
    RunOptions::default()
}
