//! `init` in a new workspace, then the first five minutes there, as a user runs them: the
//! scaffolded `cli` package is built by cargo (not by this test harness) and driven through
//! `cargo run -p cli -- ...`, on SQLite, PostgreSQL and MariaDB.
//!
//! The scaffold is compiled in its own target folder (`target/init-e2e`), kept between runs so
//! only the first run pays for compiling retort and sqlx there.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{cargo, first_revision, repo_root, text, versions};
use retort_test_support::{assert_contains, assert_ok_text};

/// `cargo run -q -p cli -- args` in the scaffolded workspace.
fn run_cli(ws: &Path, args: &[&str]) -> Output {
    let target = repo_root().join("target").join("init-e2e");
    Command::new(cargo())
        .args(["run", "-q", "-p", "cli", "--"])
        .args(args)
        .current_dir(ws)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("DATABASE_URL")
        .env_remove("RUSTFLAGS")
        .output()
        .expect("run cargo")
}

fn ok(ws: &Path, args: &[&str]) -> String {
    let what = format!("cargo run -p cli -- {}", args.join(" "));
    assert_ok_text(&run_cli(ws, args), &what)
}

fn code(ws: &Path, args: &[&str]) -> (i32, String) {
    let o = run_cli(ws, args);
    (o.status.code().unwrap_or(-1), text(&o))
}

/// A workspace with nothing in it: `init` writes the root manifest, the models crate (one
/// example table), retort.toml, migrations/ and the cli package; then autogenerate, upgrade,
/// check, a model change, and the same history on the servers.
#[tokio::test(flavor = "multi_thread")]
async fn init_then_the_first_five_minutes() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path().join("shop");
    std::fs::create_dir(&ws).unwrap();
    let run_init = || {
        common::cli(&[
            "init",
            ws.to_str().unwrap(),
            "--models-crate",
            "shop-models",
            "--models-path",
            "crates/models",
        ])
    };
    let init = run_init();
    assert!(init.status.success(), "init failed:\n{}", text(&init));
    let said = text(&init);
    assert!(said.contains("retort comes from"), "{said}");
    for f in [
        "Cargo.toml",
        "retort.toml",
        "cli/Cargo.toml",
        "cli/build.rs",
        "cli/src/main.rs",
        "crates/models/Cargo.toml",
        "crates/models/src/lib.rs",
        "migrations/versions/.gitkeep",
    ] {
        assert!(ws.join(f).is_file(), "init did not write {f}:\n{said}");
    }
    // The same dependency versions as this repository: no resolution, no surprises.
    std::fs::copy(repo_root().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();

    // Running init again writes nothing and says why.
    let again = run_init();
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(text(&again).contains("would overwrite"), "{}", text(&again));

    // A fresh workspace has no history: autogenerate writes the first migration.
    first_revision(&ws, "create notes", "notes", |args| ok(&ws, args));

    // A field added to the model: check sees it, autogenerate writes it, upgrade applies it.
    let lib = ws.join("crates/models/src/lib.rs");
    let src = std::fs::read_to_string(&lib).unwrap();
    let src = src.replace(
        "    pub body: Option<String>,\n",
        "    pub body: Option<String>,\n    pub pinned: Option<bool>,\n",
    );
    std::fs::write(&lib, src).unwrap();
    let (c, out) = code(&ws, &["check"]);
    assert_eq!(c, 1, "check must see the new column:\n{out}");
    assert!(out.contains("pinned"), "{out}");
    let out = ok(&ws, &["revision", "--autogenerate", "-m", "add pinned"]);
    assert!(out.contains("pinned"), "{out}");
    let files = versions(&ws);
    assert_eq!(files.len(), 2);
    let script = std::fs::read_to_string(
        files
            .iter()
            .find(|p| p.to_string_lossy().contains("add_pinned"))
            .unwrap(),
    )
    .unwrap();
    assert!(script.contains("add_column"), "{script}");
    // The new file is compiled in by the next `cargo run`, with no list to edit.
    ok(&ws, &["upgrade", "head"]);
    ok(&ws, &["check"]);
    let hist = ok(&ws, &["history", "--indicate-current"]);
    assert!(
        hist.contains("add pinned") && hist.contains("(current)"),
        "{hist}"
    );

    // init enabled SQLite's driver only (the first build compiles no other): a server's URL
    // is an error naming the feature to add and the file to add it in.
    let (c, out) = code(
        &ws,
        &["--url", "postgres://postgres@127.0.0.1:1/none", "current"],
    );
    assert_eq!(c, 1, "{out}");
    let manifest = ws.join("cli").join("Cargo.toml");
    assert!(
        out.contains("needs the `postgres` feature of retort")
            && out.contains(&format!("in {}", manifest.display())),
        "{out}"
    );
    // Done as it says: both servers' drivers added to the cli package.
    let toml = std::fs::read_to_string(&manifest).unwrap();
    let enabled = toml.replace(
        "features = [\"cli\", \"sqlite\"]",
        "features = [\"cli\", \"sqlite\", \"postgres\", \"mysql\"]",
    );
    assert_ne!(toml, enabled, "{toml}");
    std::fs::write(&manifest, enabled).unwrap();

    // The same history against the servers, by --url.
    let mut dbs = Vec::new();
    if let Some(db) = common::pg_database().await {
        dbs.push(db);
    }
    if let Some(db) = common::mysql_database().await {
        dbs.push(db);
    }
    for db in dbs {
        ok(&ws, &["--url", &db.url, "upgrade", "head"]);
        ok(&ws, &["--url", &db.url, "check"]);
        ok(&ws, &["--url", &db.url, "downgrade", "base"]);
        let cur = ok(&ws, &["--url", &db.url, "current"]);
        assert!(!cur.contains("add pinned"), "{cur}");
        db.drop().await;
    }
}

/// A workspace whose models crate already depends on retort by a relative path: the cli
/// package depends on the very same retort (another copy would keep its own model registry),
/// and the existing root manifest gains the member without losing its text.
#[test]
fn init_follows_the_models_crate_dependency() {
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    std::fs::create_dir_all(ws.join("models/src")).unwrap();
    std::fs::write(
        ws.join("Cargo.toml"),
        "# my workspace\n[workspace]\nresolver = \"2\"\nmembers = [\"models\"]\n",
    )
    .unwrap();
    std::fs::write(
        ws.join("models/Cargo.toml"),
        "[package]\nname = \"models\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nretort = { path = \"../vendor/retort/runtime\", features = [\"chrono\"] }\n",
    )
    .unwrap();
    std::fs::write(ws.join("models/src/lib.rs"), "").unwrap();
    // No --models-crate: the one member that depends on retort is the models crate.
    let o = common::cli(&["init", ws.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("the models crate is `models`"),
        "{}",
        text(&o)
    );
    let cli_toml = std::fs::read_to_string(ws.join("cli/Cargo.toml")).unwrap();
    assert_contains(
        &cli_toml,
        &[
            "retort = { path = \"../models/../vendor/retort/runtime\", default-features = false, features = [\"cli\", \"sqlite\"] }",
            "retort-build = { path = \"../models/../vendor/retort/build\" }",
            "models = { path = \"../models\" }",
        ],
    );
    let root = std::fs::read_to_string(ws.join("Cargo.toml")).unwrap();
    assert_eq!(
        root,
        "# my workspace\n[workspace]\nresolver = \"2\"\nmembers = [\"models\", \"cli\"]\n"
    );
    // The models crate was there: init did not touch it.
    assert_eq!(
        std::fs::read_to_string(ws.join("models/src/lib.rs")).unwrap(),
        ""
    );

    // Two packages depend on retort and none is named: a usage error naming both.
    let tmp3 = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp3.path().join("Cargo.toml"),
        "[workspace]\nmembers = [\"crates/*\"]\n",
    )
    .unwrap();
    for name in ["a", "b"] {
        let d = tmp3.path().join("crates").join(name);
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("Cargo.toml"),
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\n\n[dependencies]\nretort = \"0.1\"\n"),
        )
        .unwrap();
    }
    let o = common::cli(&["init", tmp3.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("`a` in crates/a, `b` in crates/b"),
        "{}",
        text(&o)
    );
    assert!(!tmp3.path().join("retort.toml").exists());

    // A --retort-path that is no retort checkout: a usage error, and nothing more written.
    let tmp2 = tempfile::tempdir().unwrap();
    let o = common::cli(&[
        "init",
        tmp2.path().to_str().unwrap(),
        "--models-crate",
        "m",
        "--retort-path",
        tmp2.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(text(&o).contains("not a retort checkout"), "{}", text(&o));
    assert_eq!(std::fs::read_dir(tmp2.path()).unwrap().count(), 0);
}
