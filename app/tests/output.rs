//! Snapshots (insta) of each command's human output (colour off: the output is not a
//! terminal) and of every `--format json` shape, on SQLite through the app library.
//! Temporary paths, durations and timestamps are normalised.

mod common;

use std::path::Path;

use common::*;
use retort_runner::MigrationSet;

/// Temporary folder -> `[TMP]`, `done in 12 ms` -> `done in [DURATION]`.
fn norm_text(text: &str, dir: &Path) -> String {
    let text = text.replace(&dir.display().to_string(), "[TMP]");
    let mut out = String::new();
    for line in text.split_inclusive('\n') {
        match line.find(" done in ") {
            Some(i) => {
                out.push_str(&line[..i]);
                out.push_str(" done in [DURATION]");
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

/// One JSON object per output: checks `format_version`, zeroes durations, pretty-prints.
fn norm_json(text: &str, dir: &Path) -> String {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 1, "one JSON object on one line: {text}");
    let mut v: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(v["format_version"], 1, "{text}");
    zero_durations(&mut v);
    norm_text(&serde_json::to_string_pretty(&v).unwrap(), dir)
}

fn zero_durations(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m.iter_mut() {
                if k == "duration_ms" {
                    assert!(x.is_u64(), "duration_ms is a number of milliseconds: {x}");
                    *x = serde_json::json!(0);
                } else {
                    zero_durations(x);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(zero_durations),
        _ => {}
    }
}

async fn text(c: &retort_app::Context, dir: &Path, args: &[&str]) -> String {
    norm_text(&ok(c, args).await, dir)
}

async fn json(c: &retort_app::Context, dir: &Path, args: &[&str]) -> String {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    norm_json(&ok(c, &a).await, dir)
}

#[tokio::test]
async fn graph_and_run_commands_text_and_json() {
    let (dir, c) = sqlite_env(branched());
    let d = dir.path();

    insta::assert_snapshot!("current_empty_text", text(&c, d, &["current"]).await);
    insta::assert_snapshot!("current_empty_json", json(&c, d, &["current"]).await);
    insta::assert_snapshot!("upgrade_text", text(&c, d, &["upgrade", B2]).await);
    insta::assert_snapshot!("upgrade_json", json(&c, d, &["upgrade", "heads"]).await);
    insta::assert_snapshot!(
        "upgrade_nothing_to_do_json",
        json(&c, d, &["upgrade", "heads"]).await
    );
    insta::assert_snapshot!("current_text", text(&c, d, &["current"]).await);
    insta::assert_snapshot!("current_json", json(&c, d, &["current"]).await);
    insta::assert_snapshot!("heads_text", text(&c, d, &["heads"]).await);
    insta::assert_snapshot!("heads_json", json(&c, d, &["heads"]).await);
    insta::assert_snapshot!("history_text", text(&c, d, &["history", "-i"]).await);
    insta::assert_snapshot!("history_json", json(&c, d, &["history", "-i"]).await);
    insta::assert_snapshot!("show_text", text(&c, d, &["show", "feature@head"]).await);
    insta::assert_snapshot!("show_json", json(&c, d, &["show", "feature@head"]).await);
    insta::assert_snapshot!(
        "downgrade_text",
        text(&c, d, &["downgrade", "feature@-1"]).await
    );
    insta::assert_snapshot!("downgrade_json", json(&c, d, &["downgrade", B2]).await);
    insta::assert_snapshot!(
        "downgrade_base_text",
        text(&c, d, &["downgrade", "base"]).await
    );
}

#[tokio::test]
async fn upgrade_json_reports_each_revision_and_where_the_database_is() {
    let (_dir, c) = sqlite_env(linear());
    let out = ok(&c, &["--format", "json", "upgrade", "head"]).await;
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    let ran = json_revisions(&v);
    assert_eq!(ran, [A1, B2, C3]);
    assert_eq!(v["current"], serde_json::json!([C3]));
    assert_eq!(v["direction"], "upgrade");
    // The text form: one line per revision with its duration.
    let out = ok(&c, &["downgrade", "-2"]).await;
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    for (line, (from, to)) in lines.iter().zip([(C3, B2), (B2, A1)]) {
        assert!(
            line.starts_with(&format!("Running downgrade {from} -> {to}, "))
                && line.contains(" ... done in ")
                && (line.ends_with(" ms") || line.ends_with(" s")),
            "{line}"
        );
    }
}

/// Only a1 compiled in, the models have three tables: check and autogenerate find two.
fn only_a1() -> MigrationSet {
    MigrationSet::new("", vec![script_a1()])
}

#[tokio::test]
async fn check_and_autogenerate_text_and_json() {
    let (dir, url, c) = on_sqlite(only_a1());
    let c = c.with_env("DATABASE_URL", &url);
    let d = dir.path();
    ok(&c, &["upgrade", "head"]).await;
    let (code, out, _) = cmd(&c, &["check"]).await;
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_differs_text", norm_text(&out, d));
    let (code, out, _) = cmd(&c, &["check", "--format", "json"]).await;
    assert_eq!(code, 1);
    insta::assert_snapshot!("check_differs_json", norm_json(&out, d));

    insta::assert_snapshot!(
        "autogenerate_text",
        text(
            &c,
            d,
            &[
                "revision",
                "--autogenerate",
                "-m",
                "add posts and tags",
                "--rev-id",
                "e5e5e5e5e5e5"
            ]
        )
        .await
    );
    insta::assert_snapshot!(
        "autogenerate_json",
        json(
            &c,
            d,
            &[
                "revision",
                "--autogenerate",
                "-m",
                "again",
                "--rev-id",
                "f6f6f6f6f6f6"
            ]
        )
        .await
    );
    assert!(d.join("migrations/versions/f6f6f6f6f6f6_again.rs").exists());

    // In sync: the linear history at its head has the models' tables.
    let (dir, c) = sqlite_env(linear());
    let d = dir.path();
    ok(&c, &["upgrade", "head"]).await;
    insta::assert_snapshot!("check_in_sync_text", text(&c, d, &["check"]).await);
    insta::assert_snapshot!("check_in_sync_json", json(&c, d, &["check"]).await);
    insta::assert_snapshot!(
        "autogenerate_no_changes_json",
        json(&c, d, &["revision", "--autogenerate", "-m", "none"]).await
    );
    assert_eq!(versions(d).len(), 0, "no changes: no script written");
}

#[tokio::test]
async fn history_draws_branches_and_merges() {
    let (dir, url, c) = on_sqlite(merged());
    let c = c.with_env("DATABASE_URL", &url);
    let d = dir.path();
    ok(&c, &["upgrade", D4]).await;
    let out = text(&c, d, &["history", "-i"]).await;
    insta::assert_snapshot!("history_merge_text", out);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("*  c3c3c3c3c3c3, d4d4d4d4d4d4 -> e5e5e5e5e5e5")
            && lines[0].contains("(mergepoint)")
            && lines[1] == "|\\",
        "{out}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("|/")),
        "branches meet: {out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains(D4) && l.contains("(feature)") && l.contains("(current)")),
        "{out}"
    );
    // A straight history stays Alembic's plain list.
    let c = ctx(linear(), d).with_env("DATABASE_URL", &url);
    let out = ok(&c, &["history"]).await;
    assert!(
        out.starts_with(&format!("{B2} -> {C3} (head), Add tags\n")),
        "{out}"
    );
}

#[tokio::test]
async fn colour_only_when_forced_or_on_a_terminal_and_never_with_no_color() {
    let dir = tmp();
    let url = sqlite_url(dir.path(), "app.db");
    let plain = ctx(branched(), dir.path()).with_env("DATABASE_URL", &url);
    let forced = plain.clone().with_env("CLICOLOR_FORCE", "1");
    let out = ok(&forced, &["upgrade", "heads"]).await;
    assert!(out.contains("\x1b[32mdone in "), "{out:?}");
    let out = ok(&forced, &["heads"]).await;
    assert!(out.contains("\x1b[32m(head)\x1b[0m"), "{out:?}");
    let out = ok(&forced, &["history", "-i"]).await;
    assert!(out.contains("\x1b[36m(current)\x1b[0m"), "{out:?}");
    // JSON is never coloured; NO_COLOR wins over CLICOLOR_FORCE; a pipe is plain.
    let out = ok(&forced, &["heads", "--format", "json"]).await;
    assert!(!out.contains('\x1b'), "{out:?}");
    let no = forced.clone().with_env("NO_COLOR", "1");
    assert!(!ok(&no, &["history", "-i"]).await.contains('\x1b'));
    assert!(!ok(&plain, &["history", "-i"]).await.contains('\x1b'));
    let mut term = plain.clone();
    term.terminal = true;
    assert!(ok(&term, &["heads"]).await.contains('\x1b'));
}

#[tokio::test]
async fn quiet_and_verbose_mean_the_same_on_every_command() {
    let (_dir, c) = sqlite_env(linear());
    assert_eq!(ok(&c, &["-q", "upgrade", A1]).await, "");
    let out = ok(&c, &["upgrade", B2, "-v"]).await;
    assert!(
        out.starts_with(&format!("Running upgrade {A1} -> {B2}, Add posts ...\n")),
        "{out}"
    );
    assert!(
        out.contains("    CREATE TABLE \"posts\""),
        "each statement: {out}"
    );
    assert!(
        out.trim_end().ends_with(" ms") || out.trim_end().ends_with(" s"),
        "{out}"
    );
    // -v before or after the command, on the graph commands too.
    assert_eq!(
        ok(&c, &["-v", "heads"]).await,
        ok(&c, &["heads", "-v"]).await
    );
    assert!(ok(&c, &["heads", "-v"])
        .await
        .starts_with(&format!("Rev: {C3} (head)\n")));
    let (code, _, err) = cmd(&c, &["current", "-q", "-v"]).await;
    assert_eq!(code, 2, "{err}");
}

#[tokio::test]
async fn downgrade_minus_one_from_a_merge_point_undoes_the_merge() {
    let (dir, c) = sqlite_env(merged());
    let d = dir.path();
    ok(&c, &["upgrade", "head"]).await;
    insta::assert_snapshot!(
        "downgrade_merge_text",
        text(&c, d, &["downgrade", "-1"]).await
    );
    assert_eq!(
        ok(&c, &["current"]).await,
        format!("{C3}\n{D4} (feature)\n")
    );
    // From the merge point, two steps down is ambiguous: the error names both parents.
    ok(&c, &["upgrade", "head"]).await;
    let (code, _, err) = cmd(&c, &["downgrade", "-2"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains(C3) && err.contains(D4), "{err}");
    assert_eq!(
        ok(&c, &["current"]).await.lines().next().unwrap_or(""),
        format!("{M5} (feature) (head) (mergepoint)")
    );
}

#[tokio::test]
async fn a_mistyped_revision_or_label_gets_a_suggestion() {
    let (_dir, c) = sqlite_env(branched());
    let (code, _, err) = cmd(&c, &["show", "b2b3"]).await;
    assert_eq!(code, 2, "{err}");
    assert_contains(
        &err,
        &[
            "No such revision or branch 'b2b3'",
            format!("did you mean {B2}?").as_str(),
        ],
    );
    let (code, _, err) = cmd(&c, &["upgrade", "featur@head"]).await;
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("did you mean feature?"), "{err}");
    // Nothing close: no suggestion.
    let (_, _, err) = cmd(&c, &["show", "zzzzzzzz"]).await;
    assert!(!err.contains("did you mean"), "{err}");
}

#[tokio::test]
async fn read_only_commands_do_not_create_a_missing_sqlite_file() {
    let dir = tmp();
    // `mode=rwc` would create it on connect.
    let url = sqlite_url(dir.path(), "typo.db");
    let file = dir.path().join("typo.db");
    let c = ctx(branched(), dir.path()).with_env("DATABASE_URL", &url);
    assert_eq!(ok(&c, &["current"]).await, "");
    let out = ok(&c, &["current", "-v"]).await;
    assert!(
        out.contains(&format!(
            "the database file {} does not exist",
            file.display()
        )),
        "{out}"
    );
    assert_eq!(
        norm_json(&ok(&c, &["current", "--format", "json"]).await, dir.path()),
        "{\n  \"format_version\": 1,\n  \"revisions\": []\n}"
    );
    let out = ok(&c, &["history", "-i", "-v"]).await;
    assert!(!out.contains("(current)"), "{out}");
    ok(&c, &["history", "-r", "current:"]).await;
    ok(&c, &["heads"]).await;
    assert_eq!(ok(&c, &["show", "current"]).await, "<base>\n");
    let (code, _, err) = cmd(&c, &["check"]).await;
    assert_eq!(code, 1);
    assert!(err.contains("typo.db does not exist"), "{err}");
    assert!(
        !file.exists(),
        "a read-only command created {}",
        file.display()
    );
    // upgrade creates it, as before.
    ok(&c, &["upgrade", "heads"]).await;
    assert!(file.exists());
}

#[tokio::test]
async fn sqlite_database_create_and_drop() {
    let dir = tmp();
    let file = dir.path().join("sub/app.db");
    let url = format!("sqlite://{}", file.display());
    let c = ctx(linear(), dir.path()).with_env("DATABASE_URL", &url);
    assert_eq!(
        ok(&c, &["database", "create"]).await,
        format!("Created the database file {}\n", file.display())
    );
    assert!(file.exists());
    // Without mode=rwc the runner opens it: it is a database.
    ok(&c, &["upgrade", "head"]).await;
    assert_eq!(ok(&c, &["current"]).await, format!("{C3} (head)\n"));
    assert!(ok(&c, &["database", "create"])
        .await
        .contains("already exists"));
    refused(&c, &["database", "drop"], &["pass -y"]).await;
    assert!(file.exists());
    assert_eq!(
        ok(&c, &["database", "drop", "-y"]).await,
        format!("Dropped the database file {}\n", file.display())
    );
    assert!(!file.exists());
    assert!(ok(&c, &["database", "drop", "--yes"])
        .await
        .contains("does not exist"));
}

#[tokio::test]
async fn completions_and_help_with_examples() {
    let dir = tmp();
    let c = ctx(linear(), dir.path());
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = ok(&c, &["completions", shell]).await;
        assert!(
            out.contains("retort") && out.contains("upgrade") && out.contains("downgrade"),
            "{shell}: {out}"
        );
    }
    assert!(ok(&c, &["completions", "bash", "--name", "mycli"])
        .await
        .contains("mycli"));
    let (code, _, err) = cmd(&c, &["completions", "tcsh"]).await;
    assert_eq!(code, 2, "{err}");
    // A command without a JSON shape says so rather than printing text.
    let (code, out, err) = cmd(&c, &["branches", "--format", "json"]).await;
    assert_eq!((code, out.as_str()), (2, ""), "{err}");
    assert!(err.contains("`branches` has no JSON output"), "{err}");
    // A mistyped command gets clap's suggestion.
    let (code, _, err) = cmd(&c, &["upgarde", "head"]).await;
    assert_eq!(code, 2);
    assert!(
        err.contains("similar subcommand") && err.contains("'upgrade'"),
        "{err}"
    );
    assert!(ok(&c, &["--help"])
        .await
        .contains("Examples:\n  retort init"));
    // Every command's --help ends with examples.
    for command in [
        "init",
        "revision",
        "upgrade",
        "downgrade",
        "current",
        "history",
        "heads",
        "branches",
        "show",
        "merge",
        "stamp",
        "check",
        "schema",
        "completions",
        "database",
    ] {
        let out = ok(&c, &[command, "--help"]).await;
        assert!(out.contains("Examples:\n  retort "), "{command}: {out}");
    }
}

const H_X6: &str = "//! Broken\n//!\n//! Revision ID: f6f6f6f6f6f6\n//! Revises: c3c3c3c3c3c3\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-11-25 08:05:00 UTC\n";

fn broken_up(m: &mut retort_runner::Migration) {
    m.execute("INSERT INTO no_such_table VALUES (1)");
}

#[tokio::test]
async fn a_failed_upgrade_in_json_says_what_ran_and_what_failed() {
    let dir = tmp();
    let url = sqlite_url(dir.path(), "app.db");
    let mut scripts = linear().scripts().to_vec();
    scripts.push(retort_runner::Script::new(
        "f6f6f6f6f6f6_broken.rs",
        H_X6,
        6,
        broken_up,
        nothing,
    ));
    let c = ctx(MigrationSet::new("", scripts), dir.path()).with_env("DATABASE_URL", &url);
    ok(&c, &["upgrade", B2]).await;
    let (code, out, err) = cmd(&c, &["upgrade", "head", "--format", "json"]).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no_such_table"), "{err}");
    insta::assert_snapshot!("upgrade_failed_json", norm_json(&out, dir.path()));
    let v: serde_json::Value = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(v["revisions"][0]["revision"], C3);
    assert_eq!(v["revisions"][0]["committed"], true);
    assert_eq!(v["revisions"][1]["revision"], "f6f6f6f6f6f6");
    assert_eq!(v["revisions"][1]["committed"], false);
    assert_eq!(v["current"], serde_json::json!([C3]));
    assert!(v["error"].as_str().unwrap().contains("no_such_table"));
}

#[tokio::test]
async fn durations_line_up_on_a_terminal() {
    let dir = tmp();
    let url = sqlite_url(dir.path(), "app.db");
    let c = ctx(linear(), dir.path())
        .with_env("DATABASE_URL", &url)
        .with_env("CLICOLOR_FORCE", "1");
    let out = ok(&c, &["upgrade", "head"]).await;
    let cols: Vec<usize> = out.lines().map(|l| l.find(" ... ").unwrap()).collect();
    assert_eq!(cols.len(), 3, "{out}");
    assert!(cols.iter().all(|&c| c == cols[0]), "aligned: {out}");
}

/// The linear history's models with `users.email` renamed to `mail`.
fn target_with_rename() -> Result<retort_schema::Schema, String> {
    let mut s = target_at_head()?;
    let users = s.tables.iter_mut().find(|t| t.name == "users").unwrap();
    let email = users
        .columns
        .iter_mut()
        .find(|c| c.name == "email")
        .unwrap();
    email.name = "mail".to_string();
    email.renamed_from.push("email".to_string());
    Ok(s)
}

#[tokio::test]
async fn a_column_rename_is_reported_as_a_rename() {
    let dir = tmp();
    let url = sqlite_url(dir.path(), "app.db");
    let d = dir.path();
    let c = retort_app::Context::isolated(linear(), target_with_rename, d)
        .with_env("DATABASE_URL", &url);
    ok(&c, &["upgrade", "head"]).await;
    let (code, out, _) = cmd(&c, &["check"]).await;
    assert_eq!(code, 1);
    assert!(
        out.contains("  rename column users.email -> mail\n"),
        "{out}"
    );
    let out = text(
        &c,
        d,
        &[
            "revision",
            "--autogenerate",
            "-m",
            "rename email",
            "--rev-id",
            "abcdabcdabcd",
        ],
    )
    .await;
    insta::assert_snapshot!("autogenerate_rename_text", out);
    assert!(
        out.contains("Detected rename column users.email -> mail\n"),
        "{out}"
    );
}
