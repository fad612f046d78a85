//! The path a new user walks, through the command line, in a new workspace on SQLite: `init`,
//! a model added, `revision --autogenerate`, `upgrade head`, `check`, the schema test of the
//! README in `cargo test`; then a model change made and migrated from a subfolder of the
//! workspace (configuration found upward, scripts written and the database opened where
//! `retort.toml` says, not in the subfolder).
//!
//! Built in `target/init-e2e`, the target folder `init_workspace.rs` uses, so the dependencies
//! are compiled once for both.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{cargo, first_revision, repo_root, text, versions};

/// `cargo ARGS` in `dir`, as a user runs it there.
fn cargo_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(cargo())
        .args(args)
        .current_dir(dir)
        .env(
            "CARGO_TARGET_DIR",
            repo_root().join("target").join("init-e2e"),
        )
        .env_remove("DATABASE_URL")
        .env_remove("RUSTFLAGS")
        // Cargo gives this test the cli package's OUT_DIR; the scaffold must not see it.
        .env_remove("OUT_DIR")
        .output()
        .expect("run cargo")
}

/// `cargo run -q -p cli -- ARGS` in `dir`; must succeed.
fn retort(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["run", "-q", "-p", "cli", "--"];
    all.extend_from_slice(args);
    let o = cargo_in(dir, &all);
    assert!(
        o.status.success(),
        "`cargo run -p cli -- {}` in {} failed:\n{}",
        args.join(" "),
        dir.display(),
        text(&o)
    );
    text(&o)
}

/// The README's schema-test block ("To make `cargo test` fail when a model changed without a
/// migration"), with the models crate's name.
fn readme_schema_test(models: &str) -> String {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let (_, after) = readme
        .split_once("in a test file of the `cli` crate:")
        .expect("README: the schema-test section");
    let start = after.find("```").unwrap();
    let body = &after[start..];
    let body = &body[body.find('\n').unwrap() + 1..];
    let body = &body[..body.find("```").unwrap()];
    assert!(body.contains("schema_test!"), "{body}");
    body.replace("my_models", models)
}

#[test]
fn a_new_user_from_init_to_a_green_cargo_test_and_again_from_a_subfolder() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("shop");
    std::fs::create_dir(&ws).unwrap();

    // init, in an empty folder: a models crate with one example table.
    let o = common::cli(&["init", ws.to_str().unwrap()]);
    assert!(o.status.success(), "init failed:\n{}", text(&o));
    // The same dependency versions as this repository: no resolution, no surprises.
    std::fs::copy(repo_root().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    let models = std::fs::read_to_string(ws.join("cli/Cargo.toml"))
        .unwrap()
        .lines()
        .find_map(|l| {
            l.strip_suffix("\" }")
                .and_then(|l| l.split_once(" = { path = \""))
        })
        .map(|(name, _)| name.trim().replace('-', "_"))
        .expect("cli/Cargo.toml names the models crate");
    let lib = ws.join(&models).join("src/lib.rs");
    assert!(lib.is_file(), "init wrote no {}", lib.display());

    // A model of one's own, beside the example.
    let mut src = std::fs::read_to_string(&lib).unwrap();
    src.push_str(
        "\n#[derive(retort::Table)]\n#[table(name = \"customers\")]\npub struct Customer {\n    \
         #[column(primary_key)]\n    pub id: i64,\n    #[column(length = 320, unique)]\n    \
         pub email: String,\n}\n",
    );
    std::fs::write(&lib, src).unwrap();

    // autogenerate, upgrade, check.
    first_revision(&ws, "create tables", "customers", |args| retort(&ws, args));

    // The README's schema test, in the cli package's tests: green.
    std::fs::create_dir_all(ws.join("cli/tests")).unwrap();
    std::fs::write(ws.join("cli/tests/schema.rs"), readme_schema_test(&models)).unwrap();
    let t = cargo_in(&ws, &["test", "-q", "-p", "cli"]);
    assert!(t.status.success(), "cargo test:\n{}", text(&t));

    // A field added without a migration: the schema test fails, naming it.
    let src = std::fs::read_to_string(&lib).unwrap().replace(
        "    pub email: String,\n",
        "    pub email: String,\n    pub phone: Option<String>,\n",
    );
    std::fs::write(&lib, src).unwrap();
    let t = cargo_in(&ws, &["test", "-q", "-p", "cli"]);
    assert!(!t.status.success(), "cargo test must fail:\n{}", text(&t));
    assert!(text(&t).contains("phone"), "{}", text(&t));

    // The same commands from a subfolder of the workspace.
    let sub = ws.join(&models).join("src");
    let out = retort(&sub, &["revision", "--autogenerate", "-m", "add phone"]);
    assert!(out.contains("phone"), "{out}");
    assert_eq!(
        versions(&ws).len(),
        2,
        "the script goes to the workspace's migrations/"
    );
    assert!(
        !sub.join("migrations").exists(),
        "nothing written in the subfolder"
    );
    retort(&sub, &["upgrade", "head"]);
    retort(&sub, &["check"]);
    let cur = retort(&sub, &["current"]);
    let head = retort(&ws, &["heads"]);
    let head_id = head.split_whitespace().next().unwrap_or_default();
    assert!(
        !head_id.is_empty() && cur.contains(head_id),
        "current: {cur}\nheads: {head}"
    );
    assert!(
        !sub.join("app.db").exists(),
        "the database is the one retort.toml names"
    );
    let t = cargo_in(&sub, &["test", "-q", "-p", "cli"]);
    assert!(
        t.status.success(),
        "cargo test from the subfolder:\n{}",
        text(&t)
    );
}
