//! Fleets: one command over many targets (`--targets FILE`, `--fleet`, `--schemas PATTERN`):
//! SQLite files, PostgreSQL schemas of one database, MariaDB databases of one server. One
//! target fails half-way (a table its second revision creates is already there): the summary
//! says so, the others reach the head unharmed, the exit code is 1, and once the target is
//! fixed `--resume` finishes it and skips the others
//! (`cargo test -p retort-app --all-features --test fleet`).

mod common;

use std::path::Path;

use common::{
    assert_contains, cmd, cmd_text, ctx, linear, ok, sqlite_url, sqlite_urls, tmp, A1, C3,
};
use sqlx::{Connection, Executor};

/// The summary row of `label`: its cells (TARGET, FROM/AT, TO, DURATION, RESULT...).
fn row<'a>(out: &'a str, label: &str) -> Vec<&'a str> {
    let line = out
        .lines()
        .rev()
        .find(|l| l.split("  ").next() == Some(label))
        .unwrap_or_else(|| panic!("no summary row for {label}:\n{out}"));
    line.split("  ")
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

async fn sqlite_exec(url: &str, sql: &str) {
    let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
    c.execute(sql).await.unwrap();
    c.close().await.unwrap();
}

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

#[tokio::test]
async fn sqlite_files_one_fails_half_way_then_resume_finishes_it() {
    let dir = tmp();
    let d = dir.path();
    let urls = sqlite_urls(d, &["a.db", "b.db", "c.db", "d.db"]);
    // b already has `posts`, which the second revision creates: it stops after a1.
    sqlite_exec(
        &urls[1],
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, mine TEXT)",
    )
    .await;
    sqlite_exec(&urls[1], "INSERT INTO posts (mine) VALUES ('keep me')").await;
    // Relative paths are relative to the file; comments and blank lines are skipped.
    write(
        d,
        "targets.txt",
        "# tenants\n\nsqlite://a.db?mode=rwc\nsqlite://b.db?mode=rwc   # the odd one\nsqlite://c.db?mode=rwc\n\tsqlite://d.db?mode=rwc\n",
    );
    let c = ctx(linear(), d);
    let (code, out, err) = cmd(
        &c,
        &["upgrade", "head", "--targets", "targets.txt", "--jobs", "2"],
    )
    .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("1 of 4 targets failed") && err.contains("b.db") && err.contains("--resume"),
        "{err}"
    );
    for ok_db in ["a.db", "c.db", "d.db"] {
        let r = row(
            &out,
            &format!("sqlite://{}?mode=rwc", d.join(ok_db).display()),
        );
        assert_eq!(r[1..3], ["base", C3], "{out}");
        assert_eq!(r[4], "upgraded", "{out}");
    }
    let b_label = format!("sqlite://{}?mode=rwc", d.join("b.db").display());
    let b = row(&out, &b_label);
    assert_eq!(b[1..3], ["base", A1], "{out}");
    assert_eq!(b[4], "failed", "{out}");
    assert!(out.contains(&format!("{b_label}: error: ")), "{out}");
    assert!(out.contains("4 targets in "), "{out}");

    // current over the fleet: each where it is.
    let cur = ok(&c, &["current", "--targets", "targets.txt"]).await;
    assert_eq!(row(&cur, &b_label)[1], A1, "{cur}");
    assert_eq!(
        row(
            &cur,
            &format!("sqlite://{}?mode=rwc", d.join("a.db").display())
        )[1],
        C3,
        "{cur}"
    );
    // b's own table untouched by the failed revision.
    let mut conn = sqlx::SqliteConnection::connect(&urls[1]).await.unwrap();
    let mine: String = sqlx::query_scalar("SELECT mine FROM posts")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(mine, "keep me");
    conn.execute("DROP TABLE posts").await.unwrap();
    conn.close().await.unwrap();

    // Fixed: --resume runs b only.
    let out = ok(
        &c,
        &["upgrade", "head", "--targets", "targets.txt", "--resume"],
    )
    .await;
    let b = row(&out, &b_label);
    assert_eq!((b[1], b[2], b[4]), (A1, C3, "upgraded"), "{out}");
    for other in ["a.db", "c.db", "d.db"] {
        let r = row(
            &out,
            &format!("sqlite://{}?mode=rwc", d.join(other).display()),
        );
        assert_eq!(r[4], "skipped (at goal)", "{out}");
    }
    assert!(out.contains("3 skipped (at goal), 1 upgraded"), "{out}");
    // check over the fleet: all in sync with the models.
    let out = ok(&c, &["check", "--targets", "targets.txt"]).await;
    assert!(out.contains(": 4 in sync"), "{out}");
}

#[tokio::test]
async fn json_summary_and_fail_fast() {
    let dir = tmp();
    let d = dir.path();
    let urls: Vec<String> = (0..4).map(|i| sqlite_url(d, &format!("t{i}.db"))).collect();
    sqlite_exec(&urls[0], "CREATE TABLE users (id INTEGER PRIMARY KEY)").await;
    write(d, "t.txt", &urls.join("\n"));
    let c = ctx(linear(), d);
    // One at a time, the first fails: no other starts.
    let (code, out, err) = cmd(
        &c,
        &[
            "upgrade",
            "head",
            "--targets",
            "t.txt",
            "--jobs",
            "1",
            "--fail-fast",
            "--format",
            "json",
        ],
    )
    .await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("3 not started (--fail-fast)"), "{err}");
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["command"], "upgrade");
    assert_eq!(v["goal"], "head");
    assert_eq!(
        (v["failed"].as_u64(), v["not_started"].as_u64()),
        (Some(1), Some(3)),
        "{v}"
    );
    let t = &v["targets"];
    assert_eq!(t[0]["status"], "failed");
    assert_eq!(t[0]["from"], serde_json::json!([]));
    assert_eq!(t[0]["to"], serde_json::json!([]));
    assert!(t[0]["error"].as_str().unwrap().contains("users"), "{v}");
    assert_eq!(t[1]["status"], "not_started");
    for i in 1..4 {
        assert!(!d.join(format!("t{i}.db")).exists(), "t{i} was not started");
    }
    // Without --fail-fast the other three go up.
    let (code, out, _) = cmd(
        &c,
        &["upgrade", "head", "--targets", "t.txt", "--format", "json"],
    )
    .await;
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(
        (v["ok"].as_u64(), v["failed"].as_u64()),
        (Some(3), Some(1)),
        "{v}"
    );
    assert_eq!(v["targets"][3]["to"], serde_json::json!([C3]));
}

#[tokio::test]
async fn live_status_lines_on_a_terminal() {
    let dir = tmp();
    let d = dir.path();
    let urls: Vec<String> = (0..3).map(|i| sqlite_url(d, &format!("t{i}.db"))).collect();
    write(d, "t.txt", &urls.join("\n"));
    let c = retort_app::Context {
        terminal: true,
        ..ctx(linear(), d)
    }
    .with_env("NO_COLOR", "1");
    let out = ok(
        &c,
        &["upgrade", "head", "--targets", "t.txt", "--jobs", "2"],
    )
    .await;
    // The block of running targets, redrawn in place (cursor up, clear to the end).
    // The revision running is a target's status; each finished target is a line above the
    // block; the block is erased at the end and the summary printed in its place.
    assert_contains(
        &out,
        &[
            "[0/3 done, 1 running]",
            "running]\n  sqlite://",
            "A\r\x1b[J",
            "Running upgrade",
            "[3/3] ",
        ],
    );
    let tail = &out[out.rfind("\x1b[J").unwrap()..];
    assert!(tail.starts_with("\x1b[J\nTARGET"), "{tail:?}");
    // -q: no live block, the summary only.
    let out = ok(&c, &["downgrade", "base", "--targets", "t.txt", "-q"]).await;
    assert!(!out.contains('\x1b') && out.contains("TARGET"), "{out:?}");
}

#[tokio::test]
async fn targets_table_of_retort_toml() {
    let dir = tmp();
    let d = dir.path();
    write(
        d,
        "retort.toml",
        "[targets]\njobs = 2\nfile = \"more.txt\"\n[targets.urls]\nalpha = \"sqlite://alpha.db?mode=rwc\"\nbeta = \"sqlite://beta.db?mode=rwc\"\n",
    );
    write(d, "more.txt", "sqlite://gamma.db?mode=rwc\n");
    let c = ctx(linear(), d);
    let out = ok(&c, &["upgrade", "b2b2", "--fleet"]).await;
    assert!(out.contains("on 3 targets, 2 at a time"), "{out}");
    assert_eq!(row(&out, "alpha")[1..3], ["base", "b2b2b2b2b2b2"], "{out}");
    assert_eq!(row(&out, "beta")[4], "upgraded", "{out}");
    assert!(d.join("gamma.db").exists());
    // stamp and downgrade over the fleet.
    let out = ok(&c, &["stamp", "a1a1", "--fleet", "--resume"]).await;
    assert_eq!(row(&out, "alpha")[1..3], ["b2b2b2b2b2b2", A1], "{out}");
    assert_eq!(row(&out, "alpha")[4], "stamped", "{out}");
    let out = ok(&c, &["stamp", "a1a1", "--fleet", "--resume"]).await;
    assert!(out.contains(": 3 skipped (at goal)"), "{out}");
    let out = ok(&c, &["downgrade", "base", "--fleet", "-q"]).await;
    assert!(!out.contains("at a time"), "-q: no progress lines\n{out}");
    assert_eq!(row(&out, "beta")[1..3], [A1, "base"], "{out}");
    assert_eq!(row(&out, "beta")[4], "downgraded", "{out}");
}

#[tokio::test]
async fn bad_targets_are_usage_errors() {
    let dir = tmp();
    let d = dir.path();
    let c = ctx(linear(), d);
    let a = sqlite_url(d, "a.db");
    write(
        d,
        "bad.txt",
        &format!("{a}\n# fine\npostgress://u:hunter2@h/db\n"),
    );
    write(d, "empty.txt", "# nothing\n\n");
    write(d, "twice.txt", &format!("{a}\n{a}\n"));
    write(d, "ok.txt", &format!("{a}\n"));
    for (args, says) in [
        (
            &["upgrade", "head", "--targets", "bad.txt"][..],
            "bad.txt:3: `postgress://u:***@h/db` is not a database URL",
        ),
        (
            &["upgrade", "head", "--targets", "nope.txt"],
            "cannot read the targets file nope.txt",
        ),
        (
            &["upgrade", "head", "--targets", "empty.txt"],
            "empty.txt lists no database",
        ),
        (
            &["upgrade", "head", "--targets", "twice.txt"],
            "twice.txt:2: ",
        ),
        (&["upgrade", "head", "--fleet"], "has none"),
        (
            &["upgrade", "head", "--jobs", "2"],
            "--jobs, --resume and --fail-fast are for runs over many targets",
        ),
        (
            &["current", "--targets", "ok.txt", "--resume"],
            "`current` has no goal",
        ),
        (
            &["upgrade", "head", "--targets", "ok.txt", "--jobs", "0"],
            "--jobs 0",
        ),
        (
            &["upgrade", "head", "--sql", "--targets", "ok.txt"],
            "--sql prints the SQL of one database",
        ),
        (
            &["history", "--targets", "ok.txt"],
            "are for upgrade, downgrade, current, check and stamp",
        ),
        (
            &["upgrade", "head", "--targets", "ok.txt", "--url", &a],
            "give one or the other",
        ),
        (
            &["upgrade", "head", "--schemas", "t_%", "--url", &a],
            "--schemas lists the schemas of a PostgreSQL database",
        ),
    ] {
        let (code, text) = cmd_text(&c, args).await;
        assert_eq!(code, 2, "{args:?}: {text}");
        assert!(text.contains(says), "{args:?}: {text}");
        assert!(!text.contains("hunter2"), "{text}");
    }
    assert!(!d.join("a.db").exists(), "no target was touched");
    // A revision that does not resolve is the command's error, said once.
    let (code, _, err) = cmd(&c, &["upgrade", "nosuch", "--targets", "ok.txt"]).await;
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.matches("nosuch").count(), 1, "{err}");
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_schemas_each_with_its_version_table() {
    use common::{ScratchDb, Server};
    let Some(db) = ScratchDb::create(
        Server::Postgres,
        "fleet",
        "postgres_schemas_each_with_its_version_table",
    )
    .await
    else {
        return;
    };
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    for s in ["tenant_a", "tenant_b", "tenant_c", "other"] {
        conn.execute(format!("CREATE SCHEMA {s}").as_str())
            .await
            .unwrap();
    }
    conn.execute("CREATE TABLE tenant_b.posts (id INT PRIMARY KEY)")
        .await
        .unwrap();
    let dir = tmp();
    let c = ctx(linear(), dir.path()).with_env("DATABASE_URL", &db.url);
    let (code, out, err) = cmd(
        &c,
        &["upgrade", "head", "--schemas", "tenant_%", "--jobs", "3"],
    )
    .await;
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("on 3 targets, 3 at a time"), "{out}");
    assert_eq!(row(&out, "tenant_a")[1..3], ["base", C3], "{out}");
    assert_eq!(row(&out, "tenant_b")[1..3], ["base", A1], "{out}");
    assert_eq!(row(&out, "tenant_b")[4], "failed", "{out}");
    // Each schema has its tables and its version table; `other` and `public` nothing.
    let tables = |schema: &'static str| {
        format!("SELECT string_agg(table_name::text, ',' ORDER BY table_name) FROM information_schema.tables WHERE table_schema = '{schema}'")
    };
    let mut got = Vec::new();
    for s in ["tenant_a", "tenant_b", "tenant_c", "other", "public"] {
        let v: Option<String> = sqlx::query_scalar(&tables(s))
            .fetch_one(&mut conn)
            .await
            .unwrap();
        got.push(v.unwrap_or_default());
    }
    let full = "posts,retort_version,retort_version_log,tags,users";
    assert_eq!(
        got,
        [
            full,
            "posts,retort_version,retort_version_log,users",
            full,
            "",
            ""
        ]
    );
    let v: String = sqlx::query_scalar("SELECT version_num FROM tenant_b.retort_version")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(v, A1);
    conn.execute("DROP TABLE tenant_b.posts").await.unwrap();
    // A glob works too; --resume finishes tenant_b only.
    let out = ok(
        &c,
        &["upgrade", "head", "--schemas", "tenant_*", "--resume"],
    )
    .await;
    assert_eq!(row(&out, "tenant_b")[4], "upgraded", "{out}");
    assert!(out.contains(": 2 skipped (at goal), 1 upgraded"), "{out}");
    let out = ok(&c, &["check", "--schemas", "tenant_%"]).await;
    assert!(out.contains(": 3 in sync"), "{out}");
    let out = ok(
        &c,
        &["current", "--schemas", "tenant_%", "--format", "json"],
    )
    .await;
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["targets"].as_array().unwrap().len(), 3);
    assert_eq!(v["targets"][2]["from"], serde_json::json!([C3]));
    let (code, text) = cmd_text(&c, &["current", "--schemas", "nomatch_%"]).await;
    assert_eq!(code, 2);
    assert!(
        text.contains("no schema of") && text.contains("nomatch_%"),
        "{text}"
    );
    conn.close().await.unwrap();
    db.drop().await;
}

#[cfg(feature = "mysql")]
#[tokio::test]
async fn mariadb_databases_of_one_server() {
    use common::{ScratchDb, Server};
    let test = "mariadb_databases_of_one_server";
    let Some(first) = ScratchDb::create(Server::Mariadb, "fleet", test).await else {
        return;
    };
    let dbs = vec![
        first,
        ScratchDb::create_reachable(Server::Mariadb, "fleet").await,
        ScratchDb::create_reachable(Server::Mariadb, "fleet").await,
    ];
    let mut conn = sqlx::MySqlConnection::connect(&dbs[2].url).await.unwrap();
    conn.execute("CREATE TABLE tags (id INT PRIMARY KEY)")
        .await
        .unwrap();
    let dir = tmp();
    let list: Vec<String> = dbs.iter().map(|d| d.url.clone()).collect();
    write(dir.path(), "t.txt", &list.join("\n"));
    let c = ctx(linear(), dir.path());
    let (code, out, err) = cmd(
        &c,
        &["upgrade", "head", "--targets", "t.txt", "--jobs", "3"],
    )
    .await;
    assert_eq!(code, 1, "{out}{err}");
    assert_eq!(row(&out, &list[0])[1..3], ["base", C3], "{out}");
    assert_eq!(row(&out, &list[1])[4], "upgraded", "{out}");
    assert_eq!(row(&out, &list[2])[1..3], ["base", "b2b2b2b2b2b2"], "{out}");
    conn.execute("DROP TABLE tags").await.unwrap();
    conn.close().await.unwrap();
    let out = ok(&c, &["upgrade", "head", "--targets", "t.txt", "--resume"]).await;
    assert_eq!(row(&out, &list[2])[4], "upgraded", "{out}");
    let out = ok(&c, &["current", "--targets", "t.txt"]).await;
    for u in &list {
        assert_eq!(row(&out, u)[1], C3, "{out}");
    }
    for d in dbs {
        d.drop().await;
    }
}
