//! Adopting existing databases: three realistic schemas per dialect (`tests/adopt/<dialect>/`,
//! each with a view, a trigger, enum types, composite keys, a self-reference, partial indexes
//! where the dialect has them, a generated column, reserved-word and mixed-case names) are
//! loaded into a fresh database, then `init DIR --from-db URL` adopts it. Asserted: the models
//! register a schema that `check` finds equal to the database (exit 0), a second autogenerate
//! writes nothing, no row changed, the tables the models cannot represent are excluded and
//! named, and the baseline revision builds on an empty database a schema equal to the pulled
//! one (introspected). `cargo test -p retort-app --all-features --test adopt`.
#![cfg(all(feature = "sqlite", feature = "postgres", feature = "mysql"))]

mod common;

use std::path::{Path, PathBuf};

use common::cmd_text;
use retort_app::{Context, MigrationSet};
use retort_runner::Db;
use retort_schema::{Dialect, Schema};
use retort_test_support::{assert_contains, IsolatedDb};

pub const APPS: [&str; 3] = ["shop", "clinic", "forum"];

pub fn sql(d: Dialect, app: &str) -> &'static str {
    match (d, app) {
        (Dialect::Postgres, "shop") => include_str!("adopt/postgres/shop.sql"),
        (Dialect::Postgres, "clinic") => include_str!("adopt/postgres/clinic.sql"),
        (Dialect::Postgres, "forum") => include_str!("adopt/postgres/forum.sql"),
        (Dialect::Mysql, "shop") => include_str!("adopt/mysql/shop.sql"),
        (Dialect::Mysql, "clinic") => include_str!("adopt/mysql/clinic.sql"),
        (Dialect::Mysql, "forum") => include_str!("adopt/mysql/forum.sql"),
        (Dialect::Sqlite, "shop") => include_str!("adopt/sqlite/shop.sql"),
        (Dialect::Sqlite, "clinic") => include_str!("adopt/sqlite/clinic.sql"),
        (Dialect::Sqlite, "forum") => include_str!("adopt/sqlite/forum.sql"),
        _ => panic!("no schema {app} for {d}"),
    }
}

/// The tables of each schema that have a generated column (so cannot be modelled).
pub fn generated_table(app: &str) -> &'static str {
    match app {
        "shop" => "invoice_totals",
        "clinic" => "vitals",
        _ => "attachments",
    }
}

/// Statements of a schema file: separated by a `;` at the end of a line followed by a blank
/// line (trigger bodies hold `;` too).
pub fn statements(text: &str) -> Vec<String> {
    let body: String = text
        .lines()
        .filter(|l| !l.starts_with("--"))
        .collect::<Vec<_>>()
        .join("\n");
    body.split(";\n\n")
        .map(|s| s.trim().trim_end_matches(';').trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// A scratch database: a SQLite file, or a PostgreSQL / MariaDB database that is dropped.
pub struct Scratch {
    pub url: String,
    db: IsolatedDb,
}

pub async fn scratch(d: Dialect, test: &str) -> Option<Scratch> {
    let db = IsolatedDb::create(d, "retort_adopt", test).await?;
    Some(Scratch {
        url: db.url.clone(),
        db,
    })
}

impl Scratch {
    pub async fn drop(self) {
        self.db.drop().await;
    }

    pub async fn connect(&self) -> Db {
        Db::connect(&self.url).await.unwrap()
    }

    pub async fn load(&self, sql: &str) {
        let mut db = self.connect().await;
        for st in statements(sql) {
            if let Err(e) = db.execute(&st).await {
                panic!("{e}\n  in: {st}");
            }
        }
        let _ = db.close().await;
    }
}

/// Every row of every table (the version table aside), as text, in a stable order.
pub async fn fingerprint(db: &mut Db) -> Vec<(String, String)> {
    let d = db.dialect();
    let tables_sql = match d {
        Dialect::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'retort_version%' ORDER BY 1",
        Dialect::Postgres => "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'retort_%' ORDER BY 1",
        Dialect::Mysql => "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND TABLE_NAME NOT LIKE 'retort_%' ORDER BY 1",
    };
    let tables: Vec<String> = db
        .query_strings(tables_sql)
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    let mut out = Vec::new();
    for t in tables {
        let q = retort_sql::quote_ident(&t, d);
        let sql = match d {
            Dialect::Postgres => format!(
                "SELECT count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM {q} x"
            ),
            Dialect::Mysql => format!("CHECKSUM TABLE {q}"),
            Dialect::Sqlite => format!("SELECT * FROM {q} ORDER BY 1"),
        };
        let rows = db.query_strings(&sql).await.unwrap();
        let text: Vec<String> = rows
            .into_iter()
            .map(|r| {
                r.into_iter()
                    .map(|c| c.unwrap_or_else(|| "NULL".into()))
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect();
        out.push((t, text.join("\n")));
    }
    out
}

pub async fn introspect(db: &mut Db, exclude: &[String]) -> Schema {
    let opts = retort_introspect::Options {
        exclude_tables: exclude.to_vec(),
        ..Default::default()
    };
    match db {
        Db::Sqlite(c) => retort_introspect::sqlite(c, &opts).await,
        Db::Postgres(c) => retort_introspect::postgres(c, &opts).await,
        Db::Mysql(c) => retort_introspect::mysql(c, &opts).await,
        _ => unreachable!("every driver is enabled"),
    }
    .unwrap()
    .schema
}

/// The ops that turn `a` into `b` on `d`, described (empty: the same schema).
pub fn differences(a: &Schema, b: &Schema, d: Dialect) -> Vec<String> {
    retort_diff::diff(a, b, &retort_diff::Options::new(d))
        .ops
        .iter()
        .map(|o| o.describe())
        .collect()
}

/// `retort init <ws> --from-db <url>` in-process, from `cwd`, against this checkout's crates.
pub async fn init_from_db(cwd: &Path, ws: &Path, url: &str) -> (i32, String) {
    let repo = repo_root();
    let ctx = Context::isolated(MigrationSet::empty(), || Ok(Schema::default()), cwd);
    let args = [
        "init",
        ws.to_str().unwrap(),
        "--from-db",
        url,
        "--retort-path",
        repo.to_str().unwrap(),
    ];
    cmd_text(&ctx, &args).await
}

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// The migration set of an adopted workspace as its `cli` binary compiles it in, but with
/// no-op steps: enough for `check` and `revision --autogenerate`, which read the graph only.
fn baseline_set(ws: &Path) -> MigrationSet {
    fn noop(_: &mut retort_runner::Migration) {}
    let dir = ws.join("migrations/versions");
    let mut scripts = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            scripts.push(retort_runner::Script::new(
                leak(p.file_name().unwrap().to_string_lossy().into_owned()),
                leak(retort_revision::header_block(&text).to_string()),
                retort_revision::file_hash(text.as_bytes()),
                noop,
                noop,
            ));
        }
    }
    MigrationSet::new("", scripts)
}

pub fn exclude_tables(ws: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(ws.join("retort.toml")).unwrap();
    let t: toml::Table = toml::from_str(&text).unwrap();
    t.get("exclude_tables")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

async fn adopt_one(d: Dialect, app: &str) {
    let test = format!("adopt {app} on {d}");
    let Some(db) = scratch(d, &test).await else {
        return;
    };
    db.load(sql(d, app)).await;
    let mut conn = db.connect().await;
    let before = fingerprint(&mut conn).await;
    let original = introspect(&mut conn, &[]).await;
    let _ = conn.close().await;

    // init --from-db, in-process.
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join(app);
    let (code, said) = init_from_db(tmp.path(), &ws, &db.url).await;
    assert_eq!(code, 0, "{test}: init --from-db failed:\n{said}");
    let generated = generated_table(app);
    assert!(
        said.contains(&format!("table `{generated}`: generated column")),
        "{test}: the generated column's table is not named:\n{said}"
    );
    assert!(said.contains("view `"), "{test}: no view listed:\n{said}");
    assert!(
        said.contains("trigger `"),
        "{test}: no trigger listed:\n{said}"
    );
    assert!(
        said.contains("Stamped the database at the baseline"),
        "{said}"
    );
    let excluded = exclude_tables(&ws);
    let mut want = vec![generated];
    if d == Dialect::Mysql && app == "forum" {
        // A FULLTEXT index: the models have no way to say so.
        want.push("search_index");
        assert!(
            said.contains("table `search_index`: fulltext index `search_body`"),
            "{said}"
        );
    }
    assert_eq!(excluded, want, "{test}: exclude_tables");
    let lib = std::fs::read_to_string(ws.join("models/src/lib.rs")).unwrap();
    assert!(
        lib.contains("#[derive(Clone, Debug, PartialEq, retort::Table)]"),
        "{lib}"
    );
    // rustfmt-clean, as written.
    if let Ok(o) = std::process::Command::new("rustfmt")
        .args(["--edition", "2021", "--check"])
        .arg(ws.join("models/src/lib.rs"))
        .output()
    {
        assert!(
            o.status.success(),
            "{test}: rustfmt --check:\n{}",
            String::from_utf8_lossy(&o.stdout)
        );
    }

    // The models, as the derive registers them (the compile test proves the derive agrees).
    let mut conn = db.connect().await;
    let pulled = retort_app::pull::read(&mut conn, &Default::default())
        .await
        .unwrap()
        .2;
    assert_eq!(pulled.source, lib, "{test}: pull and init --from-db differ");
    let after = fingerprint(&mut conn).await;
    let _ = conn.close().await;
    assert_eq!(before, after, "{test}: rows changed");
    assert!(
        pulled.expected.tables.len() >= 10,
        "{test}: {}",
        pulled.expected.tables.len()
    );

    // check and a second autogenerate, through the commands, in the new workspace.
    let expected = pulled.expected.clone();
    let ctx = Context::isolated(baseline_set(&ws), move || Ok(expected.clone()), &ws)
        .with_env("DATABASE_URL", &db.url);
    let (code, said) = cmd_text(&ctx, &["check"]).await;
    assert_eq!(code, 0, "{test}: check:\n{said}\n{lib}");
    let (code, said) = cmd_text(&ctx, &["revision", "--autogenerate", "-m", "second"]).await;
    assert_eq!(code, 0, "{test}: autogenerate:\n{said}");
    assert!(said.contains("No changes detected"), "{test}: {said}");
    assert_eq!(
        std::fs::read_dir(ws.join("migrations/versions"))
            .unwrap()
            .count(),
        2, // .gitkeep and the baseline
        "{test}"
    );

    // The baseline on an empty database builds the pulled schema.
    let Some(fresh) = scratch(d, &test).await else {
        return;
    };
    let ops = retort_diff::diff(
        &Schema::default(),
        &pulled.expected,
        &retort_diff::Options::new(d),
    )
    .ops;
    let mut conn = fresh.connect().await;
    for st in retort_sql::render_ops(&ops, d, &Schema::default()).unwrap() {
        if let Err(e) = conn.execute(&st.sql).await {
            panic!("{test}: baseline: {e}\n  in: {}", st.sql);
        }
    }
    let rebuilt = introspect(&mut conn, &[]).await;
    let _ = conn.close().await;
    let mut original = original;
    original.tables.retain(|t| !want.contains(&t.name.as_str()));
    for (a, b, what) in [
        (&rebuilt, &original, "fresh -> original"),
        (&original, &rebuilt, "original -> fresh"),
        (&rebuilt, &pulled.expected, "fresh -> models"),
    ] {
        let ops = differences(a, b, d);
        assert!(ops.is_empty(), "{test}: {what}: {ops:#?}");
    }
    db.drop().await;
    fresh.drop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn adopt_postgres() {
    for app in APPS {
        adopt_one(Dialect::Postgres, app).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn adopt_mysql() {
    for app in APPS {
        adopt_one(Dialect::Mysql, app).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn adopt_sqlite() {
    for app in APPS {
        adopt_one(Dialect::Sqlite, app).await;
    }
}

/// Held by a test while it builds and runs a workspace's `cli` with cargo: every workspace's
/// binary is `target/init-e2e/debug/cli`, so two at once would run each other's.
static CARGO_BUILDS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// `cargo run -q -p cli -- args` in an adopted workspace, built by cargo as a user builds it
/// (in `target/init-e2e`, shared with the `init` tests so only the first run compiles
/// retort and sqlx there).
fn cargo_cli(ws: &Path, args: &[&str]) -> (i32, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let o = std::process::Command::new(cargo)
        .args(["run", "-q", "-p", "cli", "--"])
        .args(args)
        .current_dir(ws)
        .env(
            "CARGO_TARGET_DIR",
            repo_root().join("target").join("init-e2e"),
        )
        .env_remove("DATABASE_URL")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo");
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

/// The three schemas of a dialect in one database, adopted, and the workspace built by cargo:
/// the derive registers exactly the schema the generator promised (`schema --dialect`
/// against the generator's own rendering), `check` exits 0, a second autogenerate writes
/// nothing, no row changes, and the baseline run by the compiled binary (`upgrade head`) on
/// an empty database gives the pulled schema.
async fn build_and_run(d: Dialect) {
    let _build = CARGO_BUILDS.lock().await;
    let test = format!("adopted workspace on {d}");
    let Some(db) = scratch(d, &test).await else {
        return;
    };
    for app in APPS {
        db.load(sql(d, app)).await;
    }
    let mut conn = db.connect().await;
    let before = fingerprint(&mut conn).await;
    let original = introspect(&mut conn, &[]).await;
    let _ = conn.close().await;

    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("adopted");
    let (code, said) = init_from_db(tmp.path(), &ws, &db.url).await;
    assert_eq!(code, 0, "{test}: init --from-db:\n{said}");
    let excluded = exclude_tables(&ws);
    let mut conn = db.connect().await;
    let pulled = retort_app::pull::read(&mut conn, &Default::default())
        .await
        .unwrap()
        .2;
    let _ = conn.close().await;
    assert!(pulled.expected.tables.len() >= 30, "{test}");

    // What the compiled derives register is what the generator said they would.
    let (code, said) = cargo_cli(&ws, &["schema", "--dialect", &d.to_string()]);
    assert_eq!(code, 0, "{test}: schema:\n{said}");
    let promised: String = retort_sql::create_schema(&pulled.expected, d)
        .iter()
        .map(|st| {
            let sql = st.sql.trim_end();
            format!("{};\n", sql.strip_suffix(';').unwrap_or(sql))
        })
        .collect();
    assert_eq!(
        said, promised,
        "{test}: the registry differs from the generator"
    );

    let (code, said) = cargo_cli(&ws, &["check"]);
    assert_eq!(code, 0, "{test}: check:\n{said}");
    let (code, said) = cargo_cli(&ws, &["revision", "--autogenerate", "-m", "second"]);
    assert_eq!(code, 0, "{test}: autogenerate:\n{said}");
    assert!(said.contains("No changes detected"), "{test}: {said}");
    let mut conn = db.connect().await;
    assert_eq!(before, fingerprint(&mut conn).await, "{test}: rows changed");
    let _ = conn.close().await;

    // The baseline, run by the binary, on an empty database.
    let Some(fresh) = scratch(d, &test).await else {
        return;
    };
    let (code, said) = cargo_cli(&ws, &["--url", &fresh.url, "upgrade", "head"]);
    assert_eq!(
        code, 0,
        "{test}: upgrade head on an empty database:\n{said}"
    );
    let (code, said) = cargo_cli(&ws, &["--url", &fresh.url, "check"]);
    assert_eq!(code, 0, "{test}: check on the rebuilt database:\n{said}");
    let mut conn = fresh.connect().await;
    let rebuilt = introspect(&mut conn, &[]).await;
    let _ = conn.close().await;
    let mut original = original;
    original.tables.retain(|t| !excluded.contains(&t.name));
    for (a, b, what) in [
        (&rebuilt, &original, "rebuilt -> original"),
        (&original, &rebuilt, "original -> rebuilt"),
    ] {
        let ops = differences(a, b, d);
        assert!(ops.is_empty(), "{test}: {what}: {ops:#?}");
    }
    db.drop().await;
    fresh.drop().await;
}

/// One test for the three dialects: the three workspaces build one after the other in the
/// shared target folder.
#[tokio::test(flavor = "multi_thread")]
async fn adopted_workspaces_build_and_agree() {
    for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        build_and_run(d).await;
    }
}

/// `pull` in an existing workspace: writes `src/pulled.rs` of the models crate with the tables
/// the models do not have, adds the tables it cannot represent to exclude_tables, never
/// overwrites the file without --force.
#[tokio::test(flavor = "multi_thread")]
async fn pull_into_an_existing_workspace() {
    let d = Dialect::Sqlite;
    let db = scratch(d, "pull").await.unwrap();
    db.load(sql(d, "forum")).await;
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("ws");
    std::fs::create_dir_all(&ws).unwrap();
    let repo = repo_root();
    let ctx = Context::isolated(MigrationSet::empty(), || Ok(Schema::default()), &ws);
    let (code, said) = cmd_text(&ctx, &["init", "--retort-path", repo.to_str().unwrap()]).await;
    assert_eq!(code, 0, "{said}");
    // The models already have `members` (as if pulled before): it is not pulled again.
    let mut conn = db.connect().await;
    let all = retort_app::pull::read(&mut conn, &Default::default())
        .await
        .unwrap()
        .2
        .expected;
    let _ = conn.close().await;
    let members = all.table(&"members".into()).unwrap().clone();
    let ctx = Context::isolated(
        MigrationSet::empty(),
        move || {
            Ok(Schema {
                tables: vec![members.clone()],
                enums: Vec::new(),
            })
        },
        &ws,
    )
    .with_env("DATABASE_URL", &db.url);
    let (code, said) = cmd_text(&ctx, &["pull"]).await;
    assert_eq!(code, 0, "{said}");
    let file = ws.join("models/src/pulled.rs");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("pub struct Posts {"), "{text}");
    assert!(!text.contains("pub struct Members {"), "{text}");
    assert_contains(
        &said,
        &[
            "1 table is already in the models",
            "Next: add `pub mod pulled;`",
            "Added attachments to exclude_tables",
        ],
    );
    assert_eq!(exclude_tables(&ws), ["attachments"]);
    // Again: refused, the file is kept; with --force it is replaced.
    std::fs::write(&file, "// mine").unwrap();
    let (code, said) = cmd_text(&ctx, &["pull"]).await;
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("pass --force"), "{said}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "// mine");
    let (code, said) = cmd_text(&ctx, &["pull", "--force"]).await;
    assert_eq!(code, 0, "{said}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
    assert_eq!(exclude_tables(&ws), ["attachments"], "not listed twice");
}

// ----- squash ---------------------------------------------------------------------------------

fn squash_id(i: usize) -> String {
    format!("5a{i:010}")
}

/// Revision `i` of a 50-revision history: 1..=10 a line, 11 and 12 a branch off 10, 13 their
/// merge, 14..=50 a line again. Each creates a table (the merge adds a column, every fourth
/// one indexes the table before it, 45 runs raw SQL).
fn squash_script(i: usize) -> (String, String) {
    let parents: Vec<String> = match i {
        1 => Vec::new(),
        12 => vec![squash_id(10)],
        13 => vec![squash_id(11), squash_id(12)],
        14 => vec![squash_id(13)],
        _ => vec![squash_id(i - 1)],
    };
    let (up, down) = match i {
        13 => (
            "m.add_column(\"t1\", Column::new(\"extra\", SqlType::Text).nullable(true));"
                .to_string(),
            "m.drop_column(\"t1\", \"extra\");".to_string(),
        ),
        45 => (
            "m.execute(\"CREATE TABLE raw45 (id INTEGER PRIMARY KEY)\");".to_string(),
            "m.execute(\"DROP TABLE raw45\");".to_string(),
        ),
        _ => {
            let mut up = format!(
                "m.create_table(\n    Table::new(\"t{i}\")\n        .with_column(Column::new(\"id\", SqlType::Integer).autoincrement())\n        .with_column(Column::new(\"name\", SqlType::Varchar(50)).nullable(true))\n        .primary_key(\"pk_t{i}\", [\"id\"]),\n);"
            );
            let mut down = format!("m.drop_table(\"t{i}\");");
            if i % 4 == 0 && i > 1 {
                let j = i - 1;
                up.push_str(&format!(
                    "\nm.create_index(\"t{j}\", Index::new(\"ix_t{j}_name\", [\"name\"]));"
                ));
                down = format!("m.drop_index(\"t{j}\", \"ix_t{j}_name\");\n{down}");
            }
            (up, down)
        }
    };
    let header = retort_revision::Header {
        revision: squash_id(i),
        down_revisions: parents,
        branch_labels: Vec::new(),
        depends_on: Vec::new(),
        message: format!("step {i}"),
        create_date: "2026-12-01 00:00:00 UTC".to_string(),
    };
    (
        retort_codegen::file_name(&header.revision, &header.message),
        retort_codegen::render_script(&header, &up, &down),
    )
}

fn rs_files(ws: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(ws.join("migrations/versions"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".rs"))
        .collect();
    v.sort();
    v
}

/// `squash` on a 50-revision history with a branch and a merge, built by cargo: the squashed
/// history builds the same schema on an empty database (and downgrades it to nothing), a
/// database past the range keeps working as it is, one inside the range reaches head through
/// the originals kept in `versions/squashed/`, a range with raw SQL is refused, naming the
/// revision, and so is a second squash while the first one's originals are kept.
#[tokio::test(flavor = "multi_thread")]
async fn squash_a_fifty_revision_history() {
    let _build = CARGO_BUILDS.lock().await;
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("squashed");
    std::fs::create_dir_all(&ws).unwrap();
    let repo = repo_root();
    let ctx = Context::isolated(MigrationSet::empty(), || Ok(Schema::default()), &ws);
    // The three drivers: the same workspace runs on each database below.
    let (code, said) = cmd_text(
        &ctx,
        &[
            "init",
            "--retort-path",
            repo.to_str().unwrap(),
            "--db",
            "sqlite,postgres,mysql",
        ],
    )
    .await;
    assert_eq!(code, 0, "{said}");
    for i in 1..=50 {
        let (name, text) = squash_script(i);
        std::fs::write(ws.join("migrations/versions").join(name), text).unwrap();
    }
    let mut servers = Vec::new();
    for d in [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql] {
        let Some(reference) = scratch(d, "squash").await else {
            continue;
        };
        let past = scratch(d, "squash").await.unwrap();
        let below = scratch(d, "squash").await.unwrap();
        for (db, to) in [
            (&reference, "heads"),
            (&past, &*squash_id(40)),
            (&below, &*squash_id(25)),
        ] {
            let (code, said) = cargo_cli(&ws, &["--url", &db.url, "upgrade", to]);
            assert_eq!(code, 0, "{d}: upgrade {to}:\n{said}");
        }
        let mut conn = reference.connect().await;
        let before = introspect(&mut conn, &[]).await;
        let _ = conn.close().await;
        assert!(before.tables.len() >= 45, "{d}");
        servers.push((d, reference, past, below, before));
    }

    // Raw SQL in the range: refused, naming the revision; nothing written.
    let (code, said) = cargo_cli(&ws, &["squash", &squash_id(46)]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains(&format!("{} (", squash_id(45))), "{said}");
    assert!(said.contains("runs raw SQL"), "{said}");
    assert_eq!(rs_files(&ws).len(), 50);

    let (code, said) = cargo_cli(&ws, &["squash", &squash_id(30)]);
    assert_eq!(code, 0, "squash:\n{said}");
    assert!(said.contains("migrations/versions/squashed"), "{said}");
    let files = rs_files(&ws);
    assert_eq!(files.len(), 21, "{files:?}");
    let kept: Vec<String> = std::fs::read_dir(ws.join("migrations/versions/squashed"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(kept.len(), 30, "the originals of 1..=30 are kept: {kept:?}");
    // A second squash while they are kept: refused, nothing moved.
    let (code, said) = cargo_cli(&ws, &["squash", &squash_id(35)]);
    assert_eq!(code, 1, "{said}");
    assert!(said.contains("earlier squash"), "{said}");
    assert_eq!(rs_files(&ws).len(), 21);
    let squashed = std::fs::read_to_string(
        ws.join("migrations/versions").join(
            files
                .iter()
                .find(|f| f.starts_with(&squash_id(30)))
                .unwrap(),
        ),
    )
    .unwrap();
    let h = retort_revision::parse_header(&squashed).unwrap();
    assert!(h.down_revisions.is_empty(), "{squashed}");
    assert!(squashed.contains("Table::new(\"t12\")"), "{squashed}");
    assert!(!squashed.contains("t31"), "{squashed}");

    for (d, reference, past, below, before) in servers {
        // A fresh database: the same schema, and back to nothing.
        let fresh = scratch(d, "squash").await.unwrap();
        let (code, said) = cargo_cli(&ws, &["--url", &fresh.url, "upgrade", "head"]);
        assert_eq!(code, 0, "{d}: upgrade head after squash:\n{said}");
        let mut conn = fresh.connect().await;
        let after = introspect(&mut conn, &[]).await;
        let _ = conn.close().await;
        for (a, b, what) in [
            (&after, &before, "squashed -> history"),
            (&before, &after, "history -> squashed"),
        ] {
            let ops = differences(a, b, d);
            assert!(ops.is_empty(), "{d}: {what}: {ops:#?}");
        }
        let (code, said) = cargo_cli(&ws, &["--url", &fresh.url, "downgrade", "base"]);
        assert_eq!(code, 0, "{d}: downgrade base:\n{said}");
        let mut conn = fresh.connect().await;
        let empty = introspect(&mut conn, &[]).await;
        let _ = conn.close().await;
        assert!(empty.tables.is_empty(), "{d}: {:?}", empty.tables);

        // Past the range: the graph still knows its revision, and the applied checksum of
        // 30 is its original's (kept), so nothing needs accepting.
        let (code, said) = cargo_cli(&ws, &["--url", &past.url, "upgrade", "head"]);
        assert_eq!(code, 0, "{d}: a database past the range:\n{said}");
        let mut conn = past.connect().await;
        let now = introspect(&mut conn, &[]).await;
        let _ = conn.close().await;
        assert!(differences(&now, &before, d).is_empty(), "{d}");

        // Inside the range: autogenerate names the situation; upgrade runs the originals 26..=30,
        // then 31..=50, and ends at the same schema, with nothing left to accept.
        let (code, said) = cargo_cli(
            &ws,
            &["--url", &below.url, "revision", "--autogenerate", "-m", "x"],
        );
        assert_ne!(code, 0, "{d}: {said}");
        assert!(
            said.contains(&format!("squashed into `{}`", squash_id(30))),
            "{d}: {said}"
        );
        assert_eq!(rs_files(&ws).len(), 21, "{d}: nothing written");
        let (code, said) = cargo_cli(&ws, &["--url", &below.url, "upgrade", "head"]);
        assert_eq!(code, 0, "{d}: a database inside the range:\n{said}");
        assert!(
            said.contains(&format!("inside the range squashed into {}", squash_id(30))),
            "{d}: {said}"
        );
        let mut conn = below.connect().await;
        let now = introspect(&mut conn, &[]).await;
        let _ = conn.close().await;
        assert!(
            differences(&now, &before, d).is_empty(),
            "{d}: {:#?}",
            differences(&now, &before, d)
        );
        // Its log holds the originals' checksums: an upgrade (which refuses edited applied
        // scripts) and `current -v` accept them.
        let (code, said) = cargo_cli(&ws, &["--url", &below.url, "current", "-v"]);
        assert_eq!(code, 0, "{d}: {said}");
        assert!(said.contains(&squash_id(50)), "{d}: {said}");
        assert!(!said.contains("EDITED since it ran"), "{d}: {said}");
        for db in [reference, past, below, fresh] {
            db.drop().await;
        }
    }
}
