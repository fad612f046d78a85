//! Graph and input edge cases (issue 11, item 6): a version table holding a revision and its
//! descendant is refused on every database with the way out named, `stamp --purge` recovers;
//! a reversed offline range is an error, not an empty script; a `--rev-id` that is the prefix
//! of an existing revision is refused. Each case checks the exit code, the message, and that
//! nothing was written.

mod common;

use common::*;
use retort_test_support::url_tests;

/// The version table of `url` holds a1 and c3 (c3 is two steps above a1) after a real
/// upgrade to c3 and a hand-written extra row.
async fn overlapping_rows(url: &str, what: &str) {
    let d = tmp();
    let c = ctx(linear(), d.path());
    let u = ["--url", url];
    let args = |rest: &[&'static str]| -> Vec<&str> {
        u.iter().copied().chain(rest.iter().copied()).collect()
    };
    ok(&c, &args(&["upgrade", "head"])).await;
    let mut db = retort_runner::Db::connect(url).await.unwrap();
    db.execute(&format!(
        "INSERT INTO retort_version (version_num) VALUES ('{A1}')"
    ))
    .await
    .unwrap();
    db.close().await.unwrap();

    for cmdline in [
        vec!["current"],
        vec!["upgrade", "head"],
        vec!["downgrade", "-1"],
        vec!["stamp", B2],
    ] {
        let (code, _, err) = cmd(&c, &args(&cmdline)).await;
        assert_eq!(code, 1, "{what}: {cmdline:?} must fail: {err}");
        assert!(
            err.contains(A1) && err.contains(C3) && err.contains("stamp --purge"),
            "{what}: {cmdline:?} must name both rows and the way out: {err}"
        );
    }
    // Nothing moved: both rows are still there, and the tables of c3 too.
    let mut db = retort_runner::Db::connect(url).await.unwrap();
    let mut rows: Vec<String> = db
        .query_strings("SELECT version_num FROM retort_version")
        .await
        .unwrap()
        .into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect();
    rows.sort();
    assert_eq!(rows, vec![A1.to_string(), C3.to_string()], "{what}");
    db.close().await.unwrap();

    // The way out the message names.
    ok(&c, &args(&["stamp", "--purge", C3])).await;
    let cur = ok(&c, &args(&["current"])).await;
    assert!(cur.contains(C3) && !cur.contains(A1), "{what}: {cur}");
    ok(&c, &args(&["downgrade", "base"])).await;
}

url_tests! {
    overlapping_rows in "retort_edge" => overlapping_version_rows_are_refused_on_sqlite,
        overlapping_version_rows_are_refused_on_postgres,
        overlapping_version_rows_are_refused_on_mariadb;
}

#[tokio::test]
async fn a_reversed_offline_range_is_an_error() {
    let d = tmp();
    let c = ctx(linear(), d.path());
    for url in ["sqlite://x.db", "postgres://u@h/db", "mysql://u@h/db"] {
        let up = format!("{C3}:{A1}");
        let (code, out, err) = cmd(&c, &["--url", url, "upgrade", &up, "--sql"]).await;
        assert_eq!(code, 2, "a usage error: {url}: {out}{err}");
        assert!(out.is_empty(), "no script is printed: {out}");
        assert!(err.contains(&up) && err.contains("downgrade"), "{err}");
        let down = format!("{A1}:{C3}");
        let (code, out, err) = cmd(&c, &["--url", url, "downgrade", &down, "--sql"]).await;
        assert_eq!(code, 2, "a usage error: {url}: {out}{err}");
        assert!(out.is_empty(), "no script is printed: {out}");
        assert!(
            err.contains(C3) && err.contains("downgrade target"),
            "{err}"
        );
        // A range that starts where it ends is no mistake: an empty script.
        let same = format!("{C3}:head");
        let (code, out, err) = cmd(&c, &["--url", url, "upgrade", &same, "--sql"]).await;
        assert_eq!(code, 0, "{url}: {err}");
        assert!(out.contains("retort_version"), "{out}");
    }
    assert!(
        std::fs::read_dir(d.path()).unwrap().next().is_none(),
        "nothing written"
    );
}

#[tokio::test]
async fn a_rev_id_that_shadows_an_existing_prefix_is_refused() {
    let d = tmp();
    let c = ctx(linear(), d.path());
    for id in ["a1a1", "b2", "c3c3c3c3c3c"] {
        let (code, _, err) = cmd(&c, &["revision", "-m", "x", "--rev-id", id]).await;
        assert_eq!(code, 2, "{id}: {err}");
        assert!(err.contains(id) && err.contains("prefix"), "{err}");
    }
    assert!(versions(d.path()).is_empty());
    // An id that is not the start of another one is fine.
    let (code, _, err) = cmd(&c, &["revision", "-m", "x", "--rev-id", "a1a2"]).await;
    assert_eq!(code, 0, "{err}");
    assert_eq!(versions(d.path()).len(), 1);
}

/// Configuration is found from the current folder upward, as cargo finds Cargo.toml, and a
/// relative SQLite path in it is relative to the file: a command run from a subfolder works on
/// the same database and writes scripts where the configuration says.
#[tokio::test]
async fn commands_run_from_a_subfolder_use_the_workspace_configuration() {
    let d = tmp();
    write_config(
        d.path(),
        "script_location = \"migrations\"\ndatabase_url = \"sqlite://data/app.db?mode=rwc\"\n",
    );
    std::fs::create_dir_all(d.path().join("data")).unwrap();
    let sub = d.path().join("models/src");
    std::fs::create_dir_all(&sub).unwrap();
    let c = ctx(linear(), &sub);
    ok(&c, &["upgrade", "head"]).await;
    assert!(
        d.path().join("data/app.db").is_file(),
        "the database is the configured one"
    );
    assert!(
        !sub.join("data").exists(),
        "nothing is created in the subfolder"
    );
    let cur = ok(&c, &["current"]).await;
    assert!(cur.contains(C3), "{cur}");
    // From the root, the same database.
    let root = ctx(linear(), d.path());
    assert!(ok(&root, &["current"]).await.contains(C3));
    // A new script goes to <root>/migrations/versions, not below the subfolder.
    ok(&c, &["revision", "-m", "from below"]).await;
    assert_eq!(versions(d.path()).len(), 1);
    assert!(!sub.join("migrations").exists());
    // .env is found upward too, as dotenvy finds it.
    std::fs::write(
        d.path().join(".env"),
        format!(
            "DATABASE_URL=sqlite://{}/other.db?mode=rwc\n",
            d.path().display()
        ),
    )
    .unwrap();
    ok(&c, &["upgrade", "head"]).await;
    assert!(d.path().join("other.db").is_file());
}
