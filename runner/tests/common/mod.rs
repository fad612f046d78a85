//! Test plumbing: an isolated database per test on SQLite, PostgreSQL and MariaDB, script
//! construction, catalog snapshots.
#![allow(dead_code)]

use retort_runner::prelude::*;
use retort_runner::{Db, Event, MigrationSet, RunOptions, Script};
use retort_schema::PrimaryKey;
#[allow(unused_imports)]
pub use retort_test_support::{assert_contains, per_dialect};
use retort_test_support::{ScratchDb, Server};

/// One isolated database: a SQLite file in a temp dir, or a scratch database on a server.
pub struct TestDb {
    pub dialect: Dialect,
    /// URL of the isolated database.
    pub url: String,
    scratch: Option<ScratchDb>,
    _dir: Option<tempfile::TempDir>,
    pub sqlite_path: Option<std::path::PathBuf>,
}

impl TestDb {
    pub async fn new(d: Dialect, test: &str) -> Option<TestDb> {
        match Server::of(d) {
            None => {
                let dir = tempfile::tempdir().unwrap();
                let path = dir.path().join("t.db");
                Some(TestDb {
                    dialect: d,
                    url: format!("sqlite://{}", path.display()),
                    scratch: None,
                    _dir: Some(dir),
                    sqlite_path: Some(path),
                })
            }
            Some(server) => {
                let scratch = ScratchDb::create(server, "retort_t", test).await?;
                Some(TestDb {
                    dialect: d,
                    url: scratch.url.clone(),
                    scratch: Some(scratch),
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
        if let Some(scratch) = self.scratch {
            scratch.drop().await;
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
                c.arg(&self.scratch.as_ref().unwrap().name);
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

/// A revision id and its `upgrade()`.
pub type UpStep<'a> = (&'a str, fn(&mut Migration));

/// A revision id, its `upgrade()` and its `downgrade()`.
pub type Step<'a> = (&'a str, fn(&mut Migration), fn(&mut Migration));

/// A linear history of `(revision, upgrade)` steps, each revising the one before, with
/// downgrades that do nothing.
pub fn linear(steps: &[UpStep<'_>]) -> MigrationSet {
    let nothing: fn(&mut Migration) = |_| {};
    let steps: Vec<Step<'_>> = steps.iter().map(|&(rev, up)| (rev, up, nothing)).collect();
    chain(&steps)
}

/// A linear history of `(revision, upgrade, downgrade)` steps, each revising the one before.
pub fn chain(steps: &[Step<'_>]) -> MigrationSet {
    set(steps
        .iter()
        .enumerate()
        .map(|(i, &(rev, up, down))| {
            let parents: &[&str] = if i == 0 { &[] } else { &[steps[i - 1].0] };
            script(rev, parents, None, up, down)
        })
        .collect())
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

/// `name(id PRIMARY KEY)`, the id of type `ty`.
pub fn id_only(name: &str, ty: SqlType) -> Table {
    table(name, vec![col("id", ty)], &["id"])
}

/// `name(id INTEGER PRIMARY KEY, <text> TEXT)`.
pub fn id_text(name: &str, text: &str) -> Table {
    table(
        name,
        vec![col("id", SqlType::Integer), col(text, SqlType::Text)],
        &["id"],
    )
}

pub fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

/// Events that pushes each `Event::Note` onto `notes`.
pub fn collect_notes(notes: &mut Vec<String>) -> impl FnMut(Event) + '_ {
    move |e| {
        if let Event::Note(n) = e {
            notes.push(n)
        }
    }
}

/// One of `notes` contains every one of `parts`.
#[track_caller]
pub fn assert_noted(notes: &[String], parts: &[&str]) {
    assert!(
        notes.iter().any(|n| parts.iter().all(|p| n.contains(p))),
        "no note with all of {parts:?}: {notes:?}"
    );
}

pub fn no_events() -> impl FnMut(Event) {
    |_| {}
}

pub fn opts() -> RunOptions {
    RunOptions::default()
}

/// Revision `N` of a linear history (`chain_history!`): creates `tNN` (id, a), adds `b`, indexes
/// `a`, and adds `cNN` to the previous revision's table (3-4 statements, each operation one
/// statement on MariaDB).
pub fn chain_up<const N: usize>(m: &mut Migration) {
    let t = format!("t{N:02}");
    m.create_table(table(
        &t,
        vec![
            col("id", SqlType::BigInt),
            col("a", SqlType::Varchar(50)).nullable(true),
        ],
        &["id"],
    ));
    m.add_column(t.as_str(), col("b", SqlType::Integer).nullable(true));
    m.create_index(t.as_str(), Index::new(format!("ix_{t}_a"), ["a"]));
    if N > 0 {
        let prev = format!("t{:02}", N - 1);
        m.add_column(
            prev.as_str(),
            col(&format!("c{N:02}"), SqlType::Integer).nullable(true),
        );
    }
}

/// The downgrade of [`chain_up`].
pub fn chain_down<const N: usize>(m: &mut Migration) {
    let t = format!("t{N:02}");
    if N > 0 {
        m.drop_column(format!("t{:02}", N - 1).as_str(), format!("c{N:02}"));
    }
    m.drop_index(t.as_str(), format!("ix_{t}_a"));
    m.drop_column(t.as_str(), "b");
    m.drop_table(t.as_str());
}

/// `chain_history!(0 1 2 ..)`: the scripts of a linear history of [`chain_up`] /
/// [`chain_down`], revision `n` named `rev(n)` (a `fn rev(usize) -> String` where it is used).
#[allow(unused_macros)]
macro_rules! chain_history {
    ($($n:literal)*) => {
        vec![$({
            let r = rev($n);
            let parent = if $n == 0 { None } else { Some(rev($n - 1)) };
            let parents: Vec<&str> = parent.iter().map(String::as_str).collect();
            script(&r, &parents, None, chain_up::<$n>, chain_down::<$n>)
        }),*]
    };
}

/// The applied-migrations log's rows as (revision, direction), oldest first.
pub fn log_rows(log: &[retort_runner::LogEntry]) -> Vec<(&str, &str)> {
    log.iter()
        .map(|e| (e.revision.as_str(), e.direction.as_str()))
        .collect()
}

/// One transaction for the whole run (`transaction_per_migration = false`).
pub fn one_transaction() -> RunOptions {
    RunOptions {
        transaction_per_migration: false,
        ..RunOptions::default()
    }
}
