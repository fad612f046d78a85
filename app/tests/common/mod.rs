//! Shared fixtures: migration sets built in code, a target schema, a runner for commands.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use retort_app::{run, AppError, Context, ExitCode};
use retort_runner::{Migration, MigrationSet, Script};
use retort_schema::{Column, PrimaryKey, Schema, SqlType, Table};

pub const A1: &str = "a1a1a1a1a1a1";
pub const B2: &str = "b2b2b2b2b2b2";
pub const C3: &str = "c3c3c3c3c3c3";
pub const D4: &str = "d4d4d4d4d4d4";

const H_A1: &str = "//! Create users\n//!\n//! Revision ID: a1a1a1a1a1a1\n//! Revises:\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-11-25 08:00:00 UTC\n";
const H_B2: &str = "//! Add posts\n//!\n//! Revision ID: b2b2b2b2b2b2\n//! Revises: a1a1a1a1a1a1\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-11-25 08:01:00 UTC\n";
const H_C3: &str = "//! Add tags\n//!\n//! Revision ID: c3c3c3c3c3c3\n//! Revises: b2b2b2b2b2b2\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-11-25 08:02:00 UTC\n";
const H_D4: &str = "//! Feature table\n//!\n//! Revision ID: d4d4d4d4d4d4\n//! Revises: b2b2b2b2b2b2\n//! Branch labels: feature\n//! Depends on:\n//! Create date: 2026-11-25 08:03:00 UTC\n";

fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

fn table(name: &str, extra: Vec<Column>) -> Table {
    let mut t = Table::new(name);
    let mut id = col("id", SqlType::Integer);
    id.autoincrement = true;
    t.columns.push(id);
    t.columns.extend(extra);
    t.primary_key = Some(PrimaryKey {
        name: format!("pk_{name}"),
        columns: vec!["id".to_string()],
    });
    t
}

pub fn users() -> Table {
    table("users", vec![col("email", SqlType::Varchar(320))])
}

pub fn posts() -> Table {
    table(
        "posts",
        vec![
            col("title", SqlType::Text),
            col("body", SqlType::Text).nullable(true),
        ],
    )
}

pub fn tags() -> Table {
    table("tags", vec![col("label", SqlType::Varchar(50))])
}

pub fn features() -> Table {
    table("features", vec![col("name", SqlType::Text)])
}

/// `fn up(m)` creates the table `t()`, `fn down(m)` drops it (the table is named as its function).
macro_rules! table_steps {
    ($($up:ident, $down:ident: $t:ident;)*) => {$(
        fn $up(m: &mut Migration) {
            m.create_table($t());
        }
        fn $down(m: &mut Migration) {
            m.drop_table(stringify!($t));
        }
    )*};
}

table_steps! {
    up_a1, down_a1: users;
    up_b2, down_b2: posts;
    up_c3, down_c3: tags;
    up_d4, down_d4: features;
}

pub fn script_a1() -> Script {
    Script::new("a1a1a1a1a1a1_create_users.rs", H_A1, 1, up_a1, down_a1)
}

fn linear_scripts() -> Vec<Script> {
    vec![
        script_a1(),
        Script::new("b2b2b2b2b2b2_add_posts.rs", H_B2, 2, up_b2, down_b2),
        Script::new("c3c3c3c3c3c3_add_tags.rs", H_C3, 3, up_c3, down_c3),
    ]
}

/// a1 -> b2 -> c3 (no folder: freshness is not checked).
pub fn linear() -> MigrationSet {
    MigrationSet::new("", linear_scripts())
}

/// a1 -> b2 -> c3, and b2 -> d4 (branch label `feature`): two heads.
pub fn branched() -> MigrationSet {
    let d4 = Script::new("d4d4d4d4d4d4_feature_table.rs", H_D4, 4, up_d4, down_d4);
    set_of(linear_scripts(), d4)
}

/// A set of `scripts`, then `last`.
fn set_of(mut scripts: Vec<Script>, last: Script) -> MigrationSet {
    scripts.push(last);
    MigrationSet::new("", scripts)
}

pub const M5: &str = "e5e5e5e5e5e5";
const H_M5: &str = "//! Merge tags and feature\n//!\n//! Revision ID: e5e5e5e5e5e5\n//! Revises: c3c3c3c3c3c3, d4d4d4d4d4d4\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-11-25 08:04:00 UTC\n";

pub fn nothing(_: &mut Migration) {}

/// The branched history, merged: a1 -> b2 -> (c3, d4 `feature`) -> e5.
pub fn merged() -> MigrationSet {
    let e5 = Script::new("e5e5e5e5e5e5_merge.rs", H_M5, 5, nothing, nothing);
    set_of(branched().scripts().to_vec(), e5)
}

/// The models of the linear history at its head.
pub fn target_at_head() -> Result<Schema, String> {
    let mut s = Schema {
        tables: vec![posts(), tags(), users()],
        ..Default::default()
    };
    s.normalize_order();
    Ok(s)
}

/// A fresh temporary directory.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

pub fn ctx(set: MigrationSet, cwd: &Path) -> Context {
    Context::isolated(set, target_at_head, cwd)
}

/// Runs a command that must be refused as a usage error (exit 2) whose message holds every
/// one of `pieces`.
pub async fn refused(ctx: &Context, args: &[&str], pieces: &[&str]) {
    let (code, out, err) = cmd(ctx, args).await;
    assert_eq!(code, 2, "{args:?} must be a usage error: {out}{err}");
    assert_contains(&err, pieces);
}

/// Writes `text` to the file `name` in `dir` (a `retort.toml`, ...).
pub fn write_file(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Writes `dir/retort.toml`.
pub fn write_config(dir: &Path, toml: impl AsRef<[u8]>) {
    write_file(dir, "retort.toml", toml);
}

/// A temp dir, the URL of a SQLite file `app.db` in it, and a context on `set` there.
pub fn on_sqlite(set: MigrationSet) -> (tempfile::TempDir, String, Context) {
    let d = tmp();
    let url = sqlite_url(d.path(), "app.db");
    let c = ctx(set, d.path());
    (d, url, c)
}

/// [`on_sqlite`] with the file as the context's `DATABASE_URL`.
pub fn sqlite_env(set: MigrationSet) -> (tempfile::TempDir, Context) {
    let (dir, url, c) = on_sqlite(set);
    (dir, c.with_env("DATABASE_URL", &url))
}

pub fn sqlite_url(dir: &Path, name: &str) -> String {
    format!("sqlite://{}?mode=rwc", dir.join(name).display())
}

/// [`sqlite_url`] for each of `names`.
pub fn sqlite_urls(dir: &Path, names: &[&str]) -> Vec<String> {
    names.iter().map(|n| sqlite_url(dir, n)).collect()
}

/// Runs one command: (exit code, stdout, error text).
pub async fn cmd(ctx: &Context, args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["retort".to_string()];
    argv.extend(args.iter().map(|s| s.to_string()));
    let mut out: Vec<u8> = Vec::new();
    let r: Result<ExitCode, AppError> = run(argv, ctx, &mut out).await;
    let out = String::from_utf8(out).unwrap();
    match r {
        Ok(code) => (code.code(), out, String::new()),
        Err(e) => (e.exit_code().code(), out, retort_app::error_text(&e)),
    }
}

/// Runs one command: (exit code, stdout followed by the error text), as a user reads it.
pub async fn cmd_text(ctx: &Context, args: &[&str]) -> (i32, String) {
    let (code, out, err) = cmd(ctx, args).await;
    (code, out + &err)
}

/// Runs a command that must succeed; returns its output.
pub async fn ok(ctx: &Context, args: &[&str]) -> String {
    let (code, out, err) = cmd(ctx, args).await;
    assert_eq!(code, 0, "{args:?} failed: {err}\n{out}");
    out
}

/// The files of `<dir>/migrations/versions`.
pub fn versions(dir: &Path) -> Vec<PathBuf> {
    let v = dir.join("migrations/versions");
    let mut files: Vec<PathBuf> = match std::fs::read_dir(&v) {
        Ok(rd) => rd.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    };
    files.sort();
    files
}

/// `out` without the durations `upgrade` / `downgrade` end each revision's line with
/// (` ... done in 12 ms`).
pub fn no_durations(out: &str) -> String {
    out.lines()
        .map(|l| match l.find(" ... done in ") {
            Some(i) => &l[..i],
            None => l,
        })
        .map(|l| format!("{l}\n"))
        .collect()
}
/// The revisions a `--format json` upgrade or downgrade (its output parsed as `v`) ran.
pub fn json_revisions(v: &serde_json::Value) -> Vec<&str> {
    let revisions = v["revisions"].as_array().expect("a `revisions` list");
    revisions
        .iter()
        .map(|r| r["revision"].as_str().expect("a `revision` string"))
        .collect()
}

#[allow(unused_imports)]
pub use retort_test_support::{assert_contains, ScratchDb, Server};
