//! The hostile-input suite (issue 11, item 7): one table of cases run through the CLI as a
//! user runs it (`retort_app::run` with a `Context`). Each case asserts the exit code, that the
//! message names the problem, and that nothing was written or applied (no file in
//! `versions/`, the version table as before). Then names with quotes, spaces, unicode,
//! reserved words and injection attempts (tables, columns, indexes, constraints, comments,
//! defaults, checks) round-trip on SQLite, PostgreSQL and MariaDB: upgrade creates exactly
//! those names, `check` exits 0, autogenerate finds nothing to do, downgrade removes them.

mod common;

use std::path::Path;

use common::*;
use retort_app::Context;
use retort_runner::{Migration, MigrationSet, Script};
use retort_schema::{Check, Column, ForeignKey, Index, PrimaryKey, Schema, SqlType, Table};
use retort_test_support::server_tests;

fn hdr(rev: &str, revises: &str, labels: &str) -> &'static str {
    Box::leak(
        format!(
            "//! hostile\n//!\n//! Revision ID: {rev}\n//! Revises: {revises}\n//! Branch labels: {labels}\n//! Depends on:\n//! Create date: 2026-12-07 02:00:00 UTC\n"
        )
        .into_boxed_str(),
    )
}

fn nothing(_: &mut Migration) {}

fn script(file: &str, header: &'static str) -> Script {
    Script::new(
        Box::leak(file.to_string().into_boxed_str()),
        header,
        9,
        nothing,
        nothing,
    )
}

/// What a case starts from.
#[derive(Clone, Copy)]
enum Set {
    Linear,
    Branched,
    /// Two scripts with the same Revision ID.
    DuplicateIds,
    /// A script revising a revision no script has.
    UnknownRevises,
    /// a revises b, b revises a.
    Cycle,
    /// A header without `Revision ID:`.
    NoRevisionId,
    /// A header that is not a header.
    Garbage,
    /// A Revision ID that is not one token.
    SpacedId,
    /// Depends on a revision no script has.
    UnknownDependsOn,
    /// The same branch label on two scripts.
    DuplicateLabel,
}

fn set(s: Set) -> MigrationSet {
    let two = |a: Script, b: Script| MigrationSet::new("", vec![a, b]);
    match s {
        Set::Linear => linear(),
        Set::Branched => branched(),
        Set::DuplicateIds => two(
            script("e1e1e1e1e1e1_a.rs", hdr("e1e1e1e1e1e1", "", "")),
            script("e1e1e1e1e1e1_b.rs", hdr("e1e1e1e1e1e1", "", "")),
        ),
        Set::UnknownRevises => two(
            script("e1e1e1e1e1e1_a.rs", hdr("e1e1e1e1e1e1", "", "")),
            script("e2e2e2e2e2e2_b.rs", hdr("e2e2e2e2e2e2", "deadbeef0000", "")),
        ),
        Set::Cycle => two(
            script("e1e1e1e1e1e1_a.rs", hdr("e1e1e1e1e1e1", "e2e2e2e2e2e2", "")),
            script("e2e2e2e2e2e2_b.rs", hdr("e2e2e2e2e2e2", "e1e1e1e1e1e1", "")),
        ),
        Set::NoRevisionId => MigrationSet::new(
            "",
            vec![script(
                "e1e1e1e1e1e1_a.rs",
                "//! hostile\n//!\n//! Revises:\n//! Create date: 2026-12-07 02:00:00 UTC\n",
            )],
        ),
        Set::Garbage => MigrationSet::new(
            "",
            vec![script("e1e1e1e1e1e1_a.rs", "//! \u{0}\u{feff}💥 ; DROP TABLE x; --\n")],
        ),
        Set::SpacedId => MigrationSet::new(
            "",
            vec![script("e1e1e1e1e1e1_a.rs", hdr("e1e1 e1e1", "", ""))],
        ),
        Set::UnknownDependsOn => MigrationSet::new(
            "",
            vec![script(
                "e1e1e1e1e1e1_a.rs",
                "//! hostile\n//!\n//! Revision ID: e1e1e1e1e1e1\n//! Revises:\n//! Branch labels:\n//! Depends on: cafecafecafe\n//! Create date: 2026-12-07 02:00:00 UTC\n",
            )],
        ),
        Set::DuplicateLabel => two(
            script("e1e1e1e1e1e1_a.rs", hdr("e1e1e1e1e1e1", "", "same")),
            script("e2e2e2e2e2e2_b.rs", hdr("e2e2e2e2e2e2", "e1e1e1e1e1e1", "same")),
        ),
    }
}

struct Case {
    name: &'static str,
    set: Set,
    /// `retort.toml` text, if any.
    config: Option<&'static str>,
    /// `.env` text, if any.
    dotenv: Option<&'static str>,
    /// Commands run first (on the case's SQLite database, `{url}`), which must succeed.
    before: &'static [&'static [&'static str]],
    /// The command; `{url}` is the case's SQLite URL.
    args: &'static [&'static str],
    code: i32,
    /// Each must appear in the error text (or output).
    names: &'static [&'static str],
}

const fn c(
    name: &'static str,
    set: Set,
    args: &'static [&'static str],
    code: i32,
    names: &'static [&'static str],
) -> Case {
    Case {
        name,
        set,
        config: None,
        dotenv: None,
        before: &[],
        args,
        code,
        names,
    }
}

const AT_A1: &[&[&str]] = &[&["--url", "{url}", "upgrade", A1]];

const fn at_a1(mut k: Case) -> Case {
    k.before = AT_A1;
    k
}

const fn conf(
    name: &'static str,
    text: &'static str,
    code: i32,
    names: &'static [&'static str],
) -> Case {
    Case {
        name,
        set: Set::Linear,
        config: Some(text),
        dotenv: None,
        before: &[],
        args: &["upgrade", "head"],
        code,
        names,
    }
}

const UP: &[&str] = &["--url", "{url}", "upgrade", "head"];

fn cases() -> Vec<Case> {
    use Set::*;
    vec![
        // ----- configuration -----
        conf(
            "config: malformed TOML",
            "script_location = \n",
            2,
            &["retort.toml", "line 1"],
        ),
        conf(
            "config: unknown key",
            "scrpt_location = \"m\"\n",
            2,
            &["retort.toml", "scrpt_location"],
        ),
        conf(
            "config: section",
            "[retort]\nscript_location = \"m\"\n",
            2,
            &["retort.toml", "retort"],
        ),
        conf(
            "config: wrong type, string for number",
            "lock_timeout = \"5\"\n",
            2,
            &["retort.toml", "lock_timeout"],
        ),
        conf(
            "config: wrong type, number for string",
            "script_location = 5\n",
            2,
            &["retort.toml", "script_location"],
        ),
        conf(
            "config: wrong type, string for bool",
            "transaction_per_migration = \"yes\"\n",
            2,
            &["retort.toml", "transaction_per_migration"],
        ),
        conf(
            "config: wrong type, string for list",
            "exclude_tables = \"users\"\n",
            2,
            &["retort.toml", "exclude_tables"],
        ),
        conf(
            "config: float timeout",
            "connect_timeout = 1e9\n",
            2,
            &["retort.toml", "connect_timeout"],
        ),
        conf(
            "config: integer overflow",
            "lock_timeout = 99999999999999999999\n",
            2,
            &["retort.toml", "lock_timeout"],
        ),
        conf(
            "config: i64::MAX timeout",
            "lock_timeout = 9223372036854775807\n",
            2,
            &["retort.toml", "lock_timeout"],
        ),
        conf(
            "config: negative timeout",
            "statement_timeout = -1\n",
            2,
            &["retort.toml", "statement_timeout"],
        ),
        conf(
            "config: empty version table",
            "version_table = \"\"\n",
            2,
            &["retort.toml", "version_table"],
        ),
        conf(
            "config: duplicate key",
            "lock_timeout = 1\nlock_timeout = 2\n",
            2,
            &["retort.toml", "lock_timeout"],
        ),
        conf(
            "config: bad database_url scheme",
            "database_url = \"ftp://h/db\"\n",
            1,
            &["ftp://h/db", "unsupported"],
        ),
        conf(
            "config: empty script_location",
            "script_location = \"\"\n",
            2,
            &["retort.toml", "script_location"],
        ),
        conf(
            "config: wrong element type",
            "include_schemas = [1]\n",
            2,
            &["retort.toml", "include_schemas"],
        ),
        conf(
            "config: number for bool",
            "compare_server_default = 1\n",
            2,
            &["retort.toml", "compare_server_default"],
        ),
        conf(
            "config: control characters",
            "\u{1}\u{0}=\n",
            2,
            &["retort.toml", "line 1"],
        ),
        Case {
            dotenv: Some("DATABASE_URL=postgres://u:hunter2@127.0.0.1:1/db\nnot a line\n"),
            ..conf(
                "dotenv: secret beside a malformed line",
                "",
                2,
                &[".env", "line 2"],
            )
        },
        conf(
            "config: secret in an unreachable URL",
            "database_url = \"postgres://u:hunter2@127.0.0.1:1/db\"\n",
            1,
            &["127.0.0.1:1"],
        ),
        conf(
            "config: secret on a malformed line",
            "database_url = \"mysql://u:hunter2@h/db\" x\n",
            2,
            &["retort.toml", "line 1"],
        ),
        conf(
            "config: non-ASCII before ://",
            "¡://\n",
            2,
            &["retort.toml", "line 1"],
        ),
        conf(
            "config: unicode URL scheme",
            "database_url = \"ünï://u:hunter2@h/db\"\n",
            1,
            &["unsupported"],
        ),
        conf(
            "config: huge connect_timeout",
            "connect_timeout = 4294967296\n",
            2,
            &["retort.toml", "connect_timeout"],
        ),
        Case {
            dotenv: Some("DATABASE_URL\n"),
            ..conf("dotenv: line without =", "", 2, &[".env", "line 1"])
        },
        // ----- URLs -----
        c(
            "url: unknown scheme",
            Linear,
            &["--url", "ftp://h/db", "current"],
            1,
            &["ftp://h/db", "unsupported"],
        ),
        c("url: empty", Linear, &["--url", "", "current"], 2, &["URL"]),
        c(
            "url: not a URL",
            Linear,
            &["--url", "not a url", "current"],
            1,
            &["not a url"],
        ),
        c(
            "url: missing PostgreSQL database",
            Linear,
            &[
                "--url",
                "postgres://postgres@127.0.0.1:5432/retort_no_such_db",
                "current",
            ],
            1,
            &["retort_no_such_db"],
        ),
        c(
            "url: closed PostgreSQL port",
            Linear,
            &[
                "--url",
                "postgres://postgres@127.0.0.1:1/test",
                "upgrade",
                "head",
            ],
            1,
            &["127.0.0.1:1"],
        ),
        c(
            "url: closed MySQL port",
            Linear,
            &["--url", "mysql://root@127.0.0.1:1/test", "upgrade", "head"],
            1,
            &["127.0.0.1:1"],
        ),
        c(
            "url: port out of range",
            Linear,
            &["--url", "mysql://root@127.0.0.1:99999/test", "current"],
            1,
            &["99999", "port"],
        ),
        c(
            "url: sqlite in a missing folder",
            Linear,
            &[
                "--url",
                "sqlite:///nonexistent-retort-dir/x.db",
                "upgrade",
                "head",
            ],
            1,
            &["nonexistent-retort-dir"],
        ),
        c(
            "url: missing MariaDB database",
            Linear,
            &[
                "--url",
                "mysql://root@127.0.0.1:3306/retort_no_such_db",
                "current",
            ],
            1,
            &["retort_no_such_db"],
        ),
        // ----- scripts and headers -----
        c(
            "scripts: duplicate revision ids",
            DuplicateIds,
            UP,
            1,
            &["e1e1e1e1e1e1"],
        ),
        c(
            "scripts: unknown Revises",
            UnknownRevises,
            UP,
            1,
            &["deadbeef0000", "e2e2e2e2e2e2"],
        ),
        c("scripts: cycle", Cycle, UP, 1, &["e1e1e1e1e1e1"]),
        c(
            "scripts: header without Revision ID",
            NoRevisionId,
            UP,
            1,
            &["e1e1e1e1e1e1_a.rs", "Revision ID"],
        ),
        c(
            "scripts: garbage header",
            Garbage,
            UP,
            1,
            &["e1e1e1e1e1e1_a.rs"],
        ),
        c(
            "scripts: Revision ID with a space",
            SpacedId,
            UP,
            1,
            &["e1e1e1e1e1e1_a.rs"],
        ),
        c(
            "scripts: unknown Depends on",
            UnknownDependsOn,
            UP,
            1,
            &["cafecafecafe"],
        ),
        c(
            "scripts: duplicate branch label",
            DuplicateLabel,
            UP,
            1,
            &["same"],
        ),
        // ----- identifiers and revision expressions -----
        at_a1(c(
            "rev: huge relative step",
            Linear,
            &["--url", "{url}", "upgrade", "+99999999999"],
            2,
            &["+99999999999", "didn't produce"],
        )),
        at_a1(c(
            "rev: overflowing relative step",
            Linear,
            &["--url", "{url}", "upgrade", "+99999999999999999999999"],
            2,
            &["+99999999999999999999999", "didn't produce"],
        )),
        at_a1(c(
            "rev: huge downgrade step",
            Linear,
            &["--url", "{url}", "downgrade", "-99999999999"],
            2,
            &["-99999999999", "didn't produce"],
        )),
        at_a1(c(
            "rev: relative beyond head",
            Linear,
            &["--url", "{url}", "upgrade", "+5"],
            2,
            &["+5"],
        )),
        at_a1(c(
            "rev: id plus huge step",
            Linear,
            &["--url", "{url}", "upgrade", "a1a1a1a1a1a1+99999999999"],
            2,
            &["a1a1a1a1a1a1+99999999999", "past the end"],
        )),
        at_a1(c(
            "rev: garbage",
            Linear,
            &["--url", "{url}", "upgrade", "garbage"],
            2,
            &["garbage"],
        )),
        at_a1(c(
            "rev: empty",
            Linear,
            &["--url", "{url}", "upgrade", ""],
            2,
            &["revision"],
        )),
        at_a1(c(
            "rev: unicode",
            Linear,
            &["--url", "{url}", "upgrade", "ünï⚡"],
            2,
            &["ünï⚡"],
        )),
        at_a1(c(
            "rev: SQL in a revision",
            Linear,
            &["--url", "{url}", "upgrade", "'; DROP TABLE users; --"],
            2,
            &["DROP TABLE users"],
        )),
        at_a1(c(
            "rev: longer than any id",
            Linear,
            &["--url", "{url}", "upgrade", "b2b2b2b2b2b2b2b2"],
            2,
            &["b2b2b2b2b2b2b2b2"],
        )),
        at_a1(c(
            "rev: unknown branch",
            Linear,
            &["--url", "{url}", "upgrade", "nobranch@head"],
            2,
            &["nobranch"],
        )),
        at_a1(c(
            "rev: stamp unknown",
            Linear,
            &["--url", "{url}", "stamp", "zzzz"],
            2,
            &["zzzz"],
        )),
        at_a1(c(
            "rev: downgrade above current",
            Linear,
            &["--url", "{url}", "downgrade", C3],
            2,
            &[C3],
        )),
        at_a1(c(
            "rev: range without --sql",
            Linear,
            &["--url", "{url}", "upgrade", "a1a1a1a1a1a1:b2b2b2b2b2b2"],
            2,
            &["--sql"],
        )),
        at_a1(c(
            "rev: head minus beyond base",
            Linear,
            &["--url", "{url}", "downgrade", "base-1"],
            2,
            &["base-1"],
        )),
        at_a1(c(
            "rev: upgrade with a negative step",
            Linear,
            &["--url", "{url}", "upgrade", "-1"],
            2,
            &["-1", "downgrade"],
        )),
        at_a1(c(
            "rev: downgrade with a positive step",
            Linear,
            &["--url", "{url}", "downgrade", "+1"],
            2,
            &["+1", "upgrade"],
        )),
        // ----- graph -----
        c(
            "graph: unknown --depends-on",
            Linear,
            &["revision", "-m", "x", "--depends-on", "ffffffffffff"],
            2,
            &["ffffffffffff"],
        ),
        c(
            "graph: reserved --rev-id",
            Linear,
            &["revision", "-m", "x", "--rev-id", "head"],
            2,
            &["head", "reserved"],
        ),
        c(
            "graph: empty --rev-id",
            Linear,
            &["revision", "-m", "x", "--rev-id", ""],
            2,
            &["revision id"],
        ),
        c("graph: two heads, upgrade head", Branched, UP, 2, &[C3, D4]),
        c(
            "graph: history id in the revision command",
            Linear,
            &["revision", "-m", "x", "--rev-id", A1],
            2,
            &[A1],
        ),
        c(
            "graph: unknown --head",
            Linear,
            &["revision", "-m", "x", "--head", "ffffffffffff"],
            2,
            &["ffffffffffff"],
        ),
        c(
            "graph: merge of one revision",
            Linear,
            &["merge", "-m", "x", C3, C3],
            2,
            &[C3],
        ),
        c(
            "graph: path in --rev-id",
            Linear,
            &["revision", "-m", "x", "--rev-id", "../../evil"],
            2,
            &["../../evil"],
        ),
        c(
            "graph: space in --rev-id",
            Linear,
            &["revision", "-m", "x", "--rev-id", "a b"],
            2,
            &["a b"],
        ),
        c(
            "graph: unicode --rev-id",
            Linear,
            &["revision", "-m", "x", "--rev-id", "ünï"],
            2,
            &["ünï"],
        ),
        c(
            "graph: branch label with a space",
            Linear,
            &["revision", "-m", "x", "--branch-label", "x y"],
            2,
            &["x y"],
        ),
        c(
            "graph: branch label that is an id",
            Linear,
            &["revision", "-m", "x", "--head", C3, "--branch-label", A1],
            2,
            &[A1],
        ),
    ]
}

fn fill(args: &[&str], url: &str) -> Vec<String> {
    args.iter().map(|a| a.replace("{url}", url)).collect()
}

/// The version table's rows, or `None` when there is no database / version table.
async fn version_rows(url: &str, file: &Path) -> Option<Vec<String>> {
    if !file.exists() {
        return None;
    }
    let mut db = retort_runner::Db::connect(url).await.ok()?;
    let rows = db
        .query_strings("SELECT version_num FROM retort_version ORDER BY version_num")
        .await
        .ok();
    db.close().await.ok()?;
    rows.map(|r| {
        r.into_iter()
            .filter_map(|r| r.into_iter().next().flatten())
            .collect()
    })
}

/// Every file under `dir` (recursively), relative.
fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn hostile_inputs_fail_cleanly_and_change_nothing() {
    let cases = cases();
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for k in &cases {
        let d = tmp();
        let file = d.path().join("h.db");
        let url = sqlite_url(d.path(), "h.db");
        std::fs::create_dir_all(d.path().join("migrations/versions")).unwrap();
        if let Some(t) = k.config {
            std::fs::write(d.path().join("retort.toml"), t).unwrap();
        }
        if let Some(t) = k.dotenv {
            std::fs::write(d.path().join(".env"), t).unwrap();
        }
        let c: Context = ctx(set(k.set), d.path());
        for b in k.before {
            let a = fill(b, &url);
            let a: Vec<&str> = a.iter().map(String::as_str).collect();
            ok(&c, &a).await;
        }
        let files_before = files(d.path());
        let rows_before = version_rows(&url, &file).await;
        let a = fill(k.args, &url);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (code, out, err) = cmd(&c, &a).await;
        let text = format!("{err}\n{out}");
        let mut wrong = Vec::new();
        if code != k.code {
            wrong.push(format!("exit {code}, expected {}", k.code));
        }
        for n in k.names {
            if !text.contains(n) {
                wrong.push(format!("the message does not name `{n}`"));
            }
        }
        if text.contains("hunter2") {
            wrong.push("a password was printed".into());
        }
        if text.contains("panicked") || text.contains("RUST_BACKTRACE") {
            wrong.push("a panic".into());
        }
        let files_after = files(d.path());
        let new_files: Vec<&String> = files_after
            .iter()
            .filter(|f| !files_before.contains(f) && f.as_str() != "h.db")
            .collect();
        if !new_files.is_empty() {
            wrong.push(format!("files written: {new_files:?}"));
        }
        let rows_after = version_rows(&url, &file).await;
        if rows_after != rows_before && !(rows_before.is_none() && rows_after == Some(vec![])) {
            wrong.push(format!("version table {rows_before:?} -> {rows_after:?}"));
        }
        if !wrong.is_empty() {
            failures.push(format!(
                "{} {:?}: {}\n    got: {}",
                k.name,
                k.args,
                wrong.join("; "),
                text.trim().replace('\n', "\n         ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

// ----- hostile names round-trip on every database -------------------------------------------

/// (table, column) name pairs: quotes, spaces, unicode, reserved words, injection attempts.
const NAMES: &[(&str, &str)] = &[
    ("we\"ird", "co\"l"),
    ("it's", "o'clock"),
    ("sp ace", "first name"),
    ("ünïcødé_表", "名前"),
    ("select", "from"),
    ("x'; DROP TABLE users; --", "a\"; DELETE FROM b; --"),
    ("back`tick", "c`d"),
    ("dot.ted", "a.b"),
    ("percent%_", "under_%"),
    ("semi;colon", "/* c */"),
    ("Mixed Case", "CamelCol"),
    ("back\\slash", "c\\d"),
];

const NASTY_TEXT: &str = "it's \"quoted\" -- not a comment; DROP TABLE users; /* */ \\ ünï";

fn hostile_tables() -> Vec<Table> {
    NAMES
        .iter()
        .enumerate()
        .map(|(i, (t, col))| {
            let mut tb = Table::new(*t);
            let mut id = Column::new("id", SqlType::Integer);
            id.comment = Some(NASTY_TEXT.to_string());
            tb.columns.push(id);
            tb.columns
                .push(Column::new(*col, SqlType::Varchar(100)).nullable(true));
            let mut n = Column::new("n", SqlType::Integer);
            n.default = Some("0".into());
            tb.columns.push(n);
            let mut s = Column::new("s", SqlType::Varchar(200));
            s.default = Some("'it''s; DROP TABLE users; --'".into());
            tb.columns.push(s);
            tb.primary_key = Some(PrimaryKey {
                name: format!("pk_h{i}"),
                columns: vec!["id".into()],
            });
            tb.indexes.push(Index {
                name: format!("ix'\" {i}"),
                columns: vec![(*col).to_string()],
                unique: false,
                predicate: None,
                dialects: Vec::new(),
            });
            tb.checks.push(Check {
                name: format!("ck_h{i}'\""),
                expr: "n >= 0".into(),
            });
            tb.uniques.push(retort_schema::Unique {
                name: format!("uq'\"` {i}"),
                columns: vec!["n".into(), (*col).to_string()],
            });
            // A string literal with quotes and an injection attempt in a check.
            tb.checks.push(Check {
                name: format!("ck_s{i}"),
                expr: "s <> 'it''s''; DROP TABLE users; --'".into(),
            });
            if i > 0 {
                tb.columns
                    .push(Column::new("parent_id", SqlType::Integer).nullable(true));
                tb.foreign_keys.push(ForeignKey {
                    name: format!("fk_h{i} \"'"),
                    columns: vec!["parent_id".into()],
                    ref_table: retort_schema::QName::new(NAMES[i - 1].0),
                    ref_columns: vec!["id".into()],
                    on_delete: None,
                    on_update: None,
                    deferrable: false,
                });
            }
            tb.comment = Some(NASTY_TEXT.to_string());
            tb
        })
        .collect()
}

fn hostile_schema() -> Result<Schema, String> {
    let mut s = Schema {
        tables: hostile_tables(),
        ..Default::default()
    };
    s.normalize_order();
    Ok(s)
}

const HR: &str = "h0h0h0h0h0h0";

fn hostile_set() -> MigrationSet {
    fn up(m: &mut Migration) {
        for t in hostile_tables() {
            m.create_table(t);
        }
    }
    fn down(m: &mut Migration) {
        for t in hostile_tables().into_iter().rev() {
            m.drop_table(retort_schema::QName::new(t.name.clone()));
        }
    }
    MigrationSet::new(
        "",
        vec![Script::new(
            "h0h0h0h0h0h0_hostile.rs",
            hdr(HR, "", ""),
            1,
            up,
            down,
        )],
    )
}

/// Table name -> its column names, as the database lists them.
async fn listed(url: &str) -> Vec<(String, Vec<String>)> {
    let mut db = retort_runner::Db::connect(url).await.unwrap();
    let q = match db.dialect() {
        retort_schema::Dialect::Sqlite => "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY m.name, p.cid".to_string(),
        retort_schema::Dialect::Postgres => "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position".to_string(),
        _ => "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position".to_string(),
    };
    let rows = db.query_strings(&q).await.unwrap();
    db.close().await.unwrap();
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for r in rows {
        let t = r[0].clone().unwrap_or_default();
        let c = r[1].clone().unwrap_or_default();
        match out.last_mut() {
            Some((l, cols)) if *l == t => cols.push(c),
            _ => out.push((t, vec![c])),
        }
    }
    out
}

async fn hostile_names_round_trip(url: &str, empty_url: &str, what: &str) {
    let d = tmp();
    std::fs::create_dir_all(d.path().join("migrations/versions")).unwrap();
    let c = Context::isolated(hostile_set(), hostile_schema, d.path());
    let mut failures = Vec::new();

    // autogenerate (no history yet) against an empty database: one script naming every name
    // exactly.
    let fresh = Context::isolated(MigrationSet::empty(), hostile_schema, d.path());
    let (code, out, err) = cmd(
        &fresh,
        &[
            "--url",
            empty_url,
            "revision",
            "--autogenerate",
            "-m",
            "hostile",
        ],
    )
    .await;
    assert_eq!(code, 0, "{what}: autogenerate: {err}\n{out}");
    let written = versions(d.path());
    assert_eq!(written.len(), 1, "{what}: {written:?}");
    let src = std::fs::read_to_string(&written[0]).unwrap();
    std::fs::remove_file(&written[0]).unwrap();

    ok(&c, &["--url", url, "upgrade", "head"]).await;
    let tables = listed(url).await;
    for (t, col) in NAMES {
        // As an escaped literal or a raw string, exactly.
        let named = |n: &str| {
            src.contains(&format!("{n:?}"))
                || (1..4).any(|k| {
                    let h = "#".repeat(k);
                    src.contains(&format!("r{h}\"{n}\"{h}"))
                })
        };
        if !named(t) || !named(col) {
            failures.push(format!(
                "{what}: the autogenerated script does not name {t:?} / {col:?}"
            ));
        }
        match tables.iter().find(|(n, _)| n == t) {
            None => failures.push(format!(
                "{what}: no table named exactly {t:?}; tables: {:?}",
                tables.iter().map(|x| &x.0).collect::<Vec<_>>()
            )),
            Some((_, cols)) if !cols.iter().any(|c| c == col) => failures.push(format!(
                "{what}: table {t:?} has no column {col:?}: {cols:?}"
            )),
            Some(_) => {}
        }
    }
    // The injection did not run: no table vanished, none appeared.
    let names: Vec<&str> = tables
        .iter()
        .map(|x| x.0.as_str())
        .filter(|n| !n.starts_with("retort_"))
        .collect();
    if names.len() != NAMES.len() {
        failures.push(format!("{what}: tables {names:?}"));
    }
    let (code, out, err) = cmd(&c, &["--url", url, "check"]).await;
    if code != 0 {
        failures.push(format!(
            "{what}: check after upgrade exits {code}: {err}\n{out}"
        ));
    }
    let (code, out, err) = cmd(&c, &["--url", url, "downgrade", "base"]).await;
    if code != 0 {
        failures.push(format!("{what}: downgrade base exits {code}: {err}\n{out}"));
    } else {
        let left: Vec<String> = listed(url)
            .await
            .into_iter()
            .map(|x| x.0)
            .filter(|n| !n.starts_with("retort_"))
            .collect();
        if !left.is_empty() {
            failures.push(format!("{what}: downgrade base left {left:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// A version table whose name holds quotes, a space and an injection attempt.
async fn hostile_version_table(url: &str, what: &str) {
    let d = tmp();
    write_config(
        d.path(),
        "version_table = \"v'er\\\"s`ion; DROP TABLE users; --\"\n",
    );
    let c = ctx(linear(), d.path());
    ok(&c, &["--url", url, "upgrade", "head"]).await;
    let cur = ok(&c, &["--url", url, "current"]).await;
    assert!(cur.contains(C3), "{what}: {cur}");
    let tables: Vec<String> = listed(url).await.into_iter().map(|x| x.0).collect();
    assert!(
        tables
            .iter()
            .any(|t| t == "v'er\"s`ion; DROP TABLE users; --")
            && tables.iter().any(|t| t == "users"),
        "{what}: {tables:?}"
    );
    ok(&c, &["--url", url, "downgrade", "base"]).await;
    let cur = ok(&c, &["--url", url, "current"]).await;
    assert!(!cur.contains(A1), "{what}: {cur}");
}

#[tokio::test]
async fn a_hostile_version_table_name_works_on_sqlite() {
    let d = tmp();
    hostile_version_table(&sqlite_url(d.path(), "v.db"), "SQLite").await;
}

#[tokio::test]
async fn hostile_names_round_trip_on_sqlite() {
    let d = tmp();
    hostile_names_round_trip(
        &sqlite_url(d.path(), "n.db"),
        &sqlite_url(d.path(), "empty.db"),
        "SQLite",
    )
    .await;
}

async fn on_server(server: Server, test: &str, version_table: bool) {
    let what = server.what();
    let Some(first) = ScratchDb::create(server, "retort_hostile", test).await else {
        return;
    };
    let second = ScratchDb::create_reachable(server, "retort_hostile").await;
    if version_table {
        hostile_version_table(&first.url, what).await;
    } else {
        hostile_names_round_trip(&first.url, &second.url, what).await;
    }
    first.drop().await;
    second.drop().await;
}

server_tests! {
    on_server(false) => hostile_names_round_trip_on_postgres, hostile_names_round_trip_on_mariadb;
    on_server(true) => a_hostile_version_table_name_works_on_postgres, a_hostile_version_table_name_works_on_mariadb;
}
