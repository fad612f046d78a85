//! The README's "apply migrations from your application at start-up" section, built exactly
//! as it is written: its `Cargo.toml` lines, `build.rs` and `src/main.rs` (the code blocks
//! marked `<!-- readme-embed: FILE -->`) go into a scratch package next to a copy of the example
//! history, cargo builds it (first without the build script: the compile error must say what
//! is missing), and the binary migrates a fresh SQLite database. Then one of its scripts is
//! edited and the binary rebuilt: it refuses to migrate, naming the file and both checksums.
//!
//! Built in `target/init-e2e`, the target folder `init_workspace.rs` uses, so the dependencies
//! are compiled once for both.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{cargo, repo_root, text};
use retort_test_support::{assert_contains, write_package};

retort::include_migrations!();

/// The code block after each `<!-- readme-embed: FILE -->` marker, by file name.
fn embedded_files(readme: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut lines = readme.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .trim()
            .strip_prefix("<!-- readme-embed:")
            .and_then(|r| r.strip_suffix("-->"))
        else {
            continue;
        };
        let fence = lines.next().unwrap_or_default();
        assert!(
            fence.starts_with("```"),
            "README: the marker for {name} must be followed by a code block, found {fence:?}"
        );
        let mut body = String::new();
        for l in lines.by_ref() {
            if l.starts_with("```") {
                break;
            }
            body.push_str(l);
            body.push('\n');
        }
        out.push((name.trim().to_string(), body));
    }
    out
}

fn build(pkg: &Path) -> Output {
    Command::new(cargo())
        .args(["build", "-q"])
        .current_dir(pkg)
        .env(
            "CARGO_TARGET_DIR",
            repo_root().join("target").join("init-e2e"),
        )
        .env_remove("RUSTFLAGS")
        // Cargo gives this test the cli package's OUT_DIR; the scratch package must not see it.
        .env_remove("OUT_DIR")
        .output()
        .expect("run cargo")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_embedding_section_builds_and_migrates() {
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    let files = embedded_files(&readme);
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        ["Cargo.toml", "build.rs", "src/main.rs"],
        "README markers"
    );
    let get = |name: &str| {
        files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
            .unwrap()
    };
    let manifest_lines = get("Cargo.toml");
    assert!(
        manifest_lines.contains("<retort clone>"),
        "{manifest_lines}"
    );
    let manifest_lines =
        manifest_lines.replace("<retort clone>", &repo_root().display().to_string());

    // A workspace like `init` makes: migrations/ at the root, the application in app/.
    let tmp = tempfile::tempdir().unwrap();
    let ws = tmp.path();
    std::fs::write(
        ws.join("Cargo.toml"),
        "[workspace]\nresolver = \"2\"\nmembers = [\"app\"]\n",
    )
    .unwrap();
    std::fs::copy(repo_root().join("Cargo.lock"), ws.join("Cargo.lock")).unwrap();
    copy_dir(
        &Path::new(migrations().dir()).join("versions"),
        &ws.join("migrations/versions"),
    );
    let pkg = ws.join("app");
    write_package(&pkg, "readme-app", &manifest_lines, &get("src/main.rs"));

    // Without build.rs: a compile error that says what to add, not rustc's bare OUT_DIR one.
    let o = build(&pkg);
    let said = text(&o);
    assert!(
        !o.status.success(),
        "must not build without build.rs:\n{said}"
    );
    assert_contains(
        &said,
        &[
            "has no build script",
            "retort_build::migrations",
            "[build-dependencies]",
        ],
    );
    assert!(
        !said.contains("environment variable `OUT_DIR` not defined"),
        "{said}"
    );

    // With the README's build.rs: builds, and the binary migrates a fresh database.
    std::fs::write(pkg.join("build.rs"), get("build.rs")).unwrap();
    let o = build(&pkg);
    assert!(
        o.status.success(),
        "the README's code does not build:\n{}",
        text(&o)
    );
    let exe = repo_root().join("target/init-e2e/debug/readme-app");
    let db = ws.join("app.db");
    let url = format!("sqlite://{}?mode=rwc", db.display());
    let o = Command::new(&exe)
        .current_dir(ws)
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));

    let mut conn = retort::migration::Db::connect(&url).await.unwrap();
    let opts = retort::migration::RunOptions::default();
    let map = migrations().revision_map().unwrap();
    let heads: Vec<String> = map.heads().into_iter().map(str::to_string).collect();
    assert_eq!(
        retort::migration::current(&mut conn, &opts).await.unwrap(),
        heads
    );
    for t in ["users", "posts", "comments", "tags", "post_tags"] {
        conn.query_strings(&format!("SELECT COUNT(*) FROM {t}"))
            .await
            .unwrap_or_else(|e| panic!("table {t}: {e}"));
    }
    conn.close().await.unwrap();

    // The checksums are the files' bytes, whoever built them where: the example's own
    // blog-app (built from examples/blog/migrations) accepts what this build applied.
    let o = Command::new(env!("CARGO_BIN_EXE_blog-app"))
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o));

    // An applied script edited, the application rebuilt: it refuses to start migrating,
    // naming the file and both checksums.
    let set = migrations();
    let first = &set.scripts()[0];
    let path = ws.join("migrations/versions").join(first.file_name());
    let original = std::fs::read(&path).unwrap();
    let mut edited = original.clone();
    edited.extend_from_slice(b"// an edit after the script ran\n");
    std::fs::write(&path, &edited).unwrap();
    let o = build(&pkg);
    assert!(o.status.success(), "{}", text(&o));
    let o = Command::new(&exe)
        .current_dir(ws)
        .env("DATABASE_URL", &url)
        .output()
        .unwrap();
    let said = text(&o);
    assert!(
        !o.status.success(),
        "an edited applied script must stop it:\n{said}"
    );
    for part in [
        first.file_name().to_string(),
        retort::migration::checksum_hex(retort_revision::file_hash(&original)),
        retort::migration::checksum_hex(retort_revision::file_hash(&edited)),
        "stamp --accept-edits".to_string(),
    ] {
        assert!(said.contains(&part), "`{part}` missing:\n{said}");
    }
}
