//! Commands against a real SQLite database: upgrade, downgrade, stamp, current, history -i,
//! offline SQL, URL precedence, password redaction, autogenerate and check.

mod common;

use common::*;
use retort_app::Context;

async fn tables(url: &str) -> Vec<String> {
    let mut db = retort_runner::Db::connect(url).await.unwrap();
    let rows = db
        .query_strings(
            // The applied-migrations log beside the version table is not what these tests count.
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'retort_version_log' ORDER BY name",
        )
        .await
        .unwrap();
    rows.into_iter().map(|r| r[0].clone().unwrap()).collect()
}

#[tokio::test]
async fn upgrade_downgrade_current_by_identifier_forms() {
    let (_d, url, c) = on_sqlite(linear());
    let u = |args: &[&str]| {
        let mut v = vec!["--url", url.as_str()];
        v.extend_from_slice(args);
        v.iter().map(|s| s.to_string()).collect::<Vec<String>>()
    };
    macro_rules! run_ok {
        ($($a:expr),*) => {{
            let args = u(&[$($a),*]);
            let refs: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(&c, &refs).await
        }};
    }

    assert_eq!(run_ok!("current"), "");
    let out = no_durations(&run_ok!("upgrade", "+1"));
    assert_eq!(out, format!("Running upgrade  -> {A1}, Create users\n"));
    assert_eq!(run_ok!("current"), format!("{A1}\n"));
    assert_eq!(tables(&url).await, vec!["retort_version", "users"]);

    let out = no_durations(&run_ok!("upgrade", "head"));
    assert_eq!(
        out,
        format!(
            "Running upgrade {A1} -> {B2}, Add posts\nRunning upgrade {B2} -> {C3}, Add tags\n"
        )
    );
    assert_eq!(run_ok!("current"), format!("{C3} (head)\n"));
    let out = run_ok!("upgrade", "head");
    assert_eq!(
        out.to_lowercase().matches("nothing to do").count(),
        1,
        "said once: {out}"
    );

    let out = run_ok!("history", "-i");
    assert!(
        out.starts_with(&format!("{B2} -> {C3} (head) (current), Add tags\n")),
        "{out}"
    );
    let out = run_ok!("history", "-r", "-1:current");
    assert_eq!(out.lines().count(), 2, "{out}");
    // Attached form, as Alembic users type it.
    assert_eq!(run_ok!("history", "-r-1:current"), out);
    let out = run_ok!("current", "-v");
    assert!(
        out.starts_with(&format!(
            "Current revision(s) for {url}:\nRev: {C3} (head) (current)\n"
        )),
        "{out}"
    );

    let out = no_durations(&run_ok!("downgrade", "-1"));
    assert_eq!(out, format!("Running downgrade {C3} -> {B2}, Add tags\n"));
    assert_eq!(tables(&url).await, vec!["posts", "retort_version", "users"]);
    run_ok!("downgrade", "a1a1");
    assert_eq!(run_ok!("current"), format!("{A1}\n"));
    run_ok!("upgrade", "b2b2b2b2b2b2");
    assert_eq!(run_ok!("current"), format!("{B2}\n"));
    run_ok!("downgrade", "base");
    assert_eq!(run_ok!("current"), "");
    assert_eq!(tables(&url).await, vec!["retort_version"]);

    // Errors: an unknown revision and a range online are usage errors; the DB is unchanged.
    let args = u(&["upgrade", "nosuchrev"]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = cmd(&c, &refs).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nosuchrev"), "{err}");
    let args = u(&["upgrade", "a1a1:c3c3"]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = cmd(&c, &refs).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--sql"), "{err}");
    let args = u(&["downgrade", "+1"]);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, _) = cmd(&c, &refs).await;
    assert_ne!(code, 0);
    assert_eq!(run_ok!("current"), "");

    // -q silences progress.
    assert_eq!(run_ok!("-q", "upgrade", "heads"), "");
    assert_eq!(run_ok!("current"), format!("{C3} (head)\n"));
}

#[tokio::test]
async fn stamp_writes_the_version_table_only() {
    let (_d, url, c) = on_sqlite(branched());
    let out = ok(&c, &["--url", &url, "stamp", "heads"]).await;
    assert!(out.contains(C3) && out.contains(D4), "{out}");
    let cur = ok(&c, &["--url", &url, "current"]).await;
    let mut lines: Vec<&str> = cur.lines().collect();
    lines.sort();
    assert_eq!(
        lines,
        vec![
            format!("{C3} (head)").as_str(),
            format!("{D4} (feature) (head)").as_str()
        ]
    );
    // No migration ran.
    assert_eq!(tables(&url).await, vec!["retort_version"]);
    ok(&c, &["--url", &url, "stamp", "--purge", "a1a1"]).await;
    assert_eq!(ok(&c, &["--url", &url, "current"]).await, format!("{A1}\n"));
    ok(&c, &["--url", &url, "stamp", "base"]).await;
    assert_eq!(ok(&c, &["--url", &url, "current"]).await, "");

    // Offline.
    let sql = ok(&c, &["--url", &url, "stamp", "--sql", "feature@head"]).await;
    assert!(sql.contains("CREATE TABLE IF NOT EXISTS"), "{sql}");
    assert!(
        sql.contains(&format!(
            "INSERT INTO \"retort_version\" (version_num) VALUES ('{D4}');"
        )),
        "{sql}"
    );
    // The applied-migrations log too: one `stamp` row per revision the stamp marks applied.
    assert!(
        sql.contains("CREATE TABLE IF NOT EXISTS \"retort_version_log\""),
        "{sql}"
    );
    assert_eq!(sql.matches("'stamp', ").count(), 3, "{sql}"); // a1, b2, d4
    assert!(sql.contains(&format!("VALUES ('{D4}', 'stamp', ")), "{sql}");
    assert_eq!(ok(&c, &["--url", &url, "current"]).await, "");
}

#[tokio::test]
async fn offline_sql_for_upgrade_and_downgrade_ranges() {
    let (d, url, c) = on_sqlite(linear());
    let sql = ok(&c, &["--url", &url, "upgrade", "--sql", "head"]).await;
    assert_contains(&sql, &["CREATE TABLE \"users\"", "CREATE TABLE \"tags\""]);
    let sql = ok(&c, &["--url", &url, "upgrade", "--sql", "a1a1:head"]).await;
    assert!(!sql.contains("CREATE TABLE \"users\""), "{sql}");
    assert!(sql.contains("CREATE TABLE \"posts\""), "{sql}");
    let sql = ok(&c, &["--url", &url, "downgrade", "--sql", "head:a1a1"]).await;
    assert!(sql.contains("DROP TABLE \"tags\""), "{sql}");
    assert!(!sql.contains("DROP TABLE \"users\""), "{sql}");
    // Nothing ran.
    assert!(!d.path().join("app.db").exists() || tables(&url).await.is_empty());
    // A downgrade needs a range offline.
    let (code, _, err) = cmd(&c, &["--url", &url, "downgrade", "--sql", "base"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("from:to"), "{err}");
}

#[tokio::test]
async fn database_url_precedence_flag_env_dotenv_toml() {
    let d = tmp();
    let p = d.path();
    // Four databases at four different revisions.
    let urls = sqlite_urls(p, &["flag.db", "env.db", "dotenv.db", "toml.db"]);
    let c = ctx(linear(), p);
    ok(&c, &["--url", &urls[0], "stamp", C3]).await;
    ok(&c, &["--url", &urls[1], "stamp", B2]).await;
    ok(&c, &["--url", &urls[2], "stamp", A1]).await;
    ok(&c, &["--url", &urls[3], "stamp", "base"]).await;
    write_config(p, format!("database_url = \"{}\"\n", urls[3]));
    std::fs::write(
        p.join(".env"),
        format!("# local\nOTHER=1\nDATABASE_URL=\"{}\"\n", urls[2]),
    )
    .unwrap();
    let with_env = ctx(linear(), p).with_env("DATABASE_URL", &urls[1]);

    assert_eq!(
        ok(&with_env, &["--url", &urls[0], "current"]).await,
        format!("{C3} (head)\n")
    );
    assert_eq!(ok(&with_env, &["current"]).await, format!("{B2}\n"));
    assert_eq!(ok(&c, &["current"]).await, format!("{A1}\n"));
    std::fs::remove_file(p.join(".env")).unwrap();
    assert_eq!(ok(&c, &["current"]).await, "");
    // None at all.
    std::fs::remove_file(p.join("retort.toml")).unwrap();
    refused(&c, &["current"], &["DATABASE_URL"]).await;
}

#[tokio::test]
async fn a_password_is_never_printed() {
    let d = tmp();
    let c = ctx(linear(), d.path());
    for url in [
        "postgres://bob:hunter2secret@127.0.0.1:1/app",
        "mysql://bob:hunter2secret@127.0.0.1:1/app",
    ] {
        for args in [
            vec!["--url", url, "current"],
            vec!["--url", url, "upgrade", "head"],
            vec!["--url", url, "check"],
        ] {
            let (code, out, err) = cmd(&c, &args).await;
            assert_eq!(code, 1, "{args:?}: {err}");
            assert!(!err.contains("hunter2secret"), "{err}");
            assert!(!out.contains("hunter2secret"), "{out}");
            assert!(err.contains("bob:***@127.0.0.1:1"), "{err}");
        }
    }
    // From the environment too.
    let c = ctx(linear(), d.path()).with_env("DATABASE_URL", "postgres://u:pw%40x@127.0.0.1:1/db");
    let (_, _, err) = cmd(&c, &["current"]).await;
    assert!(!err.contains("pw%40x"), "{err}");
    assert!(err.contains("u:***@"), "{err}");
}

// ----- autogenerate and check -----------------------------------------------------------------

fn target_with_change() -> Result<retort_schema::Schema, String> {
    // posts is gone from the models, comments is new.
    let mut s = target_at_head()?;
    s.tables.retain(|t| t.name != "posts");
    let mut comments = retort_schema::Table::new("comments");
    let mut id = retort_schema::Column::new("id", retort_schema::SqlType::Integer);
    id.autoincrement = true;
    comments.columns.push(id);
    comments.columns.push(retort_schema::Column::new(
        "body",
        retort_schema::SqlType::Text,
    ));
    comments.primary_key = Some(retort_schema::PrimaryKey {
        name: "pk_comments".into(),
        columns: vec!["id".into()],
    });
    s.tables.push(comments);
    s.normalize_order();
    Ok(s)
}

#[tokio::test]
async fn autogenerate_refuses_a_database_behind_the_heads() {
    let (d, url, c) = on_sqlite(linear());
    ok(&c, &["--url", &url, "upgrade", "a1a1"]).await;
    let (code, _, err) = cmd(
        &c,
        &["--url", &url, "revision", "--autogenerate", "-m", "x"],
    )
    .await;
    assert_eq!(code, 1);
    assert!(
        err.contains(&format!(
            "Target database is not up to date: pending revisions {B2}, {C3} (run `upgrade heads`)"
        )),
        "{err}"
    );
    let (code, _, err) = cmd(&c, &["--url", &url, "check"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("not up to date"), "{err}");
    assert!(versions(d.path()).is_empty());
}

#[tokio::test]
async fn autogenerate_no_changes_writes_no_file() {
    let (d, url, c) = on_sqlite(linear());
    ok(&c, &["--url", &url, "upgrade", "head"]).await;
    let out = ok(
        &c,
        &["--url", &url, "revision", "--autogenerate", "-m", "nothing"],
    )
    .await;
    assert!(out.contains("No changes detected"), "{out}");
    assert!(versions(d.path()).is_empty());
    // --allow-empty writes an empty script anyway.
    ok(
        &c,
        &[
            "--url",
            &url,
            "revision",
            "--autogenerate",
            "--allow-empty",
            "-m",
            "nothing",
        ],
    )
    .await;
    assert_eq!(versions(d.path()).len(), 1);

    let out = ok(&c, &["--url", &url, "check"]).await;
    assert_eq!(
        out,
        "No differences: models, migrations and database agree.\n"
    );
    let out = ok(&c, &["--url", &url, "check", "--format", "json"]).await;
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["in_sync"], true);
    assert_eq!(v["ops"].as_array().unwrap().len(), 0);
}

/// `revision --autogenerate -m <message> --rev-id <rev>` against `url`; what it printed.
async fn autogenerate(c: &Context, url: &str, message: &str, rev: &str) -> String {
    let args = [
        "--url",
        url,
        "revision",
        "--autogenerate",
        "-m",
        message,
        "--rev-id",
        rev,
    ];
    ok(c, &args).await
}

#[tokio::test]
async fn autogenerate_writes_the_changes_with_warnings() {
    let d = tmp();
    let url = sqlite_url(d.path(), "app.db");
    let c = Context::isolated(linear(), target_with_change, d.path());
    ok(&c, &["--url", &url, "upgrade", "head"]).await;
    let out = autogenerate(&c, &url, "comments not posts", "ab12ab12ab12").await;
    assert_contains(&out, &["comments", "WARNING destructive", "posts"]);
    let path = d
        .path()
        .join("migrations/versions/ab12ab12ab12_comments_not_posts.rs");
    let text = std::fs::read_to_string(&path).unwrap();
    let h = retort_revision::parse_header(&text).unwrap();
    assert_eq!(h.down_revisions, vec![C3.to_string()]);
    assert!(text.contains("WARNING"), "{text}");
    // Formatted as rustfmt would: one indentation level in the functions.
    assert_contains(
        &text,
        &[
            "\n    m.drop_table(\"posts\");\n",
            "\n    m.create_table(\n",
            "comments",
        ],
    );
    // The downgrade recreates posts.
    let down = &text[text.find("pub fn downgrade").unwrap()..];
    // It carries its own risk notes, and autogenerate prints them.
    let note = "WARNING (destructive): drops table `comments`";
    assert_contains(down, &["posts", &format!("// {note}")]);
    assert_contains(
        &out,
        &["WARNING (downgrade) destructive: drops table `comments`"],
    );

    // check: exit 1 with the list, and JSON.
    let (code, out, err) = cmd(&c, &["--url", &url, "check"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(out.contains("comments") && out.contains("posts"), "{out}");
    let (code, out, _) = cmd(&c, &["--url", &url, "check", "--format", "json"]).await;
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["in_sync"], false);
    assert!(v["ops"].as_array().unwrap().len() >= 2, "{out}");
    assert!(!v["notes"].as_array().unwrap().is_empty(), "{out}");
}

#[tokio::test]
async fn exclude_tables_hides_tables_on_both_sides() {
    let d = tmp();
    let url = sqlite_url(d.path(), "app.db");
    write_config(
        d.path(),
        format!("database_url = \"{url}\"\nexclude_tables = [\"legacy_*\", \"comments\"]\n"),
    );
    let c = Context::isolated(
        linear(),
        || {
            let mut s = target_with_change()?;
            // Models keep posts; comments (new in the models) is excluded.
            s.tables.push(posts());
            s.normalize_order();
            Ok(s)
        },
        d.path(),
    );
    ok(&c, &["upgrade", "head"]).await;
    let mut db = retort_runner::Db::connect(&url).await.unwrap();
    db.execute("CREATE TABLE legacy_stuff (x INTEGER)")
        .await
        .unwrap();
    let out = ok(&c, &["check"]).await;
    assert!(out.starts_with("No differences"), "{out}");
}

#[tokio::test]
async fn first_autogenerate_on_an_empty_history() {
    let d = tmp();
    let url = sqlite_url(d.path(), "app.db");
    let c = ctx(retort_runner::MigrationSet::empty(), d.path());
    let out = autogenerate(&c, &url, "initial", "0000aaaa0000").await;
    assert!(out.contains("Generating"), "{out}");
    let text =
        std::fs::read_to_string(d.path().join("migrations/versions/0000aaaa0000_initial.rs"))
            .unwrap();
    let h = retort_revision::parse_header(&text).unwrap();
    assert!(h.down_revisions.is_empty());
    let up = &text[text.find("pub fn upgrade").unwrap()..text.find("pub fn downgrade").unwrap()];
    for t in ["users", "posts", "tags"] {
        assert!(up.contains(t), "{t} missing from the upgrade:\n{text}");
    }
}

#[tokio::test]
async fn branches_upgrade_by_label_then_all_heads() {
    let (_d, url, c) = on_sqlite(branched());
    let out = no_durations(&ok(&c, &["--url", &url, "upgrade", "feature@head"]).await);
    assert_eq!(
        out,
        format!(
            "Running upgrade  -> {A1}, Create users\nRunning upgrade {A1} -> {B2}, Add posts\nRunning upgrade {B2} -> {D4}, Feature table\n"
        )
    );
    assert_eq!(
        ok(&c, &["--url", &url, "current"]).await,
        format!("{D4} (feature) (head)\n")
    );
    // `head` is ambiguous: a usage error, nothing runs.
    refused(
        &c,
        &["--url", &url, "upgrade", "head"],
        &["Multiple head revisions"],
    )
    .await;
    let out = no_durations(&ok(&c, &["--url", &url, "upgrade", "heads"]).await);
    assert_eq!(out, format!("Running upgrade {B2} -> {C3}, Add tags\n"));
    let cur = ok(&c, &["--url", &url, "current"]).await;
    assert_eq!(cur.lines().count(), 2, "{cur}");
    assert_eq!(
        tables(&url).await,
        vec!["features", "posts", "retort_version", "tags", "users"]
    );
    // Down one branch only.
    ok(&c, &["--url", &url, "downgrade", "feature@-1"]).await;
    assert_eq!(
        ok(&c, &["--url", &url, "current"]).await,
        format!("{C3} (head)\n")
    );
    assert!(!tables(&url).await.contains(&"features".to_string()));
}

// ----- enum types on a database that keeps no enum names ---------------------------------------

const H_E1: &str = "//! Moods\n//!\n//! Revision ID: e1e1e1e1e1e1\n//! Revises:\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-06 08:00:00 UTC\n";

fn moods() -> retort_schema::Table {
    let mut t = users();
    t.columns.push(retort_schema::Column::new(
        "mood",
        retort_schema::SqlType::Enum {
            name: "mood".into(),
            values: vec!["ok".into(), "meh".into()],
        },
    ));
    t
}
fn up_e1(m: &mut retort_runner::Migration) {
    m.create_enum(retort_schema::EnumType::new("mood", ["ok", "meh"]));
    m.create_table(moods());
}
fn down_e1(m: &mut retort_runner::Migration) {
    m.drop_table("users");
    m.drop_enum("mood");
}
fn models_with_mood() -> Result<retort_schema::Schema, String> {
    Ok(retort_schema::Schema {
        tables: vec![moods()],
        ..Default::default()
    })
}
fn models_without_mood() -> Result<retort_schema::Schema, String> {
    Ok(retort_schema::Schema {
        tables: vec![users()],
        ..Default::default()
    })
}

/// SQLite keeps an enum inside its column, with no type name; the history knows the type. The
/// last column using it going away drops the type in the written migration too, so the same
/// history leaves no orphan type on PostgreSQL; while a column uses it, nothing changes.
#[tokio::test]
async fn autogenerate_on_sqlite_drops_the_enum_type_the_history_created() {
    let d = tmp();
    let url = sqlite_url(d.path(), "app.db");
    let set = || {
        retort_runner::MigrationSet::new(
            "",
            vec![retort_runner::Script::new(
                "e1e1e1e1e1e1_moods.rs",
                H_E1,
                1,
                up_e1,
                down_e1,
            )],
        )
    };
    let c = Context::isolated(set(), models_with_mood, d.path());
    ok(&c, &["--url", &url, "upgrade", "head"]).await;
    let out = ok(&c, &["--url", &url, "check"]).await;
    assert!(out.starts_with("No differences"), "{out}");

    let c = Context::isolated(set(), models_without_mood, d.path());
    let (code, out, _) = cmd(&c, &["--url", &url, "check"]).await;
    assert_eq!(code, 1, "{out}");
    assert_contains(&out, &["drop column users.mood", "drop enum type mood"]);
    ok(
        &c,
        &["--url", &url, "revision", "--autogenerate", "-m", "no mood"],
    )
    .await;
    let file = versions(d.path()).pop().unwrap();
    let script = std::fs::read_to_string(&file).unwrap();
    assert!(script.contains("m.drop_enum(\"mood\")"), "{script}");
    assert!(
        script.contains("m.create_enum("),
        "the downgrade recreates it:\n{script}"
    );
}
