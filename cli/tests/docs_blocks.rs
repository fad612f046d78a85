//! The code blocks of README.md and docs/*.md cannot drift from the code:
//!
//! - Rust blocks run as doctests of the `retort` crate (`runtime/src/lib.rs` includes every page
//!   in a hidden module); a block that cannot run there (`ignore`, `no_run`) must say why in a
//!   `<!-- not a doctest ... -->` line above it, and is checked here or elsewhere;
//! - shell blocks: every `cargo run -p cli -- ...` / `retort ...` command parses with the
//!   command line's own definition (an unknown command, option or value fails);
//! - TOML blocks are loaded as `retort.toml` by a command (except the README's `Cargo.toml`
//!   lines, which `readme_embedding.rs` builds);
//! - the README's `main.rs` and schema-test blocks are what `init` writes and what
//!   `schema_check.rs` is.

mod common;

use std::path::Path;

use common::repo_root;
use retort::cli::{run, Context, ExitCode};
use retort::MigrationSet;

struct Block {
    file: String,
    line: usize,
    info: String,
    /// The lines right above the fence (markers and reasons).
    above: Vec<String>,
    body: String,
}

fn pages() -> Vec<(String, String)> {
    let root = repo_root();
    let mut files = vec!["README.md".to_string()];
    let mut docs: Vec<String> = std::fs::read_dir(root.join("docs"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".md"))
        .map(|n| format!("docs/{n}"))
        .collect();
    docs.sort();
    files.extend(docs);
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(root.join(&f)).unwrap();
            (f, text)
        })
        .collect()
}

fn blocks() -> Vec<Block> {
    let mut out = Vec::new();
    for (file, text) in pages() {
        let lines: Vec<&str> = text.lines().collect();
        let mut i = 0;
        while i < lines.len() {
            let Some(info) = lines[i].trim_start().strip_prefix("```") else {
                i += 1;
                continue;
            };
            let start = i;
            let mut body = String::new();
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with("```") {
                body.push_str(lines[i]);
                body.push('\n');
                i += 1;
            }
            let above = lines[..start]
                .iter()
                .rev()
                .take_while(|l| l.trim_start().starts_with("<!--"))
                .map(|l| l.to_string())
                .collect();
            out.push(Block {
                file: file.clone(),
                line: start + 1,
                info: info.trim().to_string(),
                above,
                body,
            });
            i += 1;
        }
    }
    out
}

fn lang(b: &Block) -> &str {
    b.info.split(',').next().unwrap_or("")
}

/// Splits a shell line into words, honouring quotes; unquoted `|`, `&&`, `;`, `>` and `>>`
/// are words of their own, and an unquoted `#` starting a word ends the line.
fn shell_words(line: &str) -> Vec<(String, bool)> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            if c == q {
                quote = None;
            } else {
                cur.push(c);
            }
            continue;
        }
        match c {
            '\'' | '"' => {
                quote = Some(c);
                in_word = true;
            }
            '#' if !in_word => break,
            ' ' | '\t' => {
                if in_word {
                    words.push((std::mem::take(&mut cur), false));
                    in_word = false;
                }
            }
            '|' | ';' | '>' | '&' => {
                if in_word {
                    words.push((std::mem::take(&mut cur), false));
                    in_word = false;
                }
                let mut op = c.to_string();
                if matches!(chars.peek(), Some(&n) if n == c) {
                    op.push(chars.next().unwrap());
                }
                words.push((op, true));
            }
            _ => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    assert!(quote.is_none(), "unclosed quote in {line:?}");
    if in_word {
        words.push((cur, false));
    }
    words
}

/// The command-line arguments of every `cargo run -p cli -- ..` / `retort ..` command of a
/// shell block.
fn cli_commands(body: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for line in body.lines() {
        let words = shell_words(line);
        for segment in words.split(|(w, op)| *op && w != ">" && w != ">>") {
            // Words before a redirection only.
            let mut words: Vec<&str> = segment
                .iter()
                .take_while(|(w, op)| !(*op && (w == ">" || w == ">>")))
                .map(|(w, _)| w.as_str())
                .collect();
            // Leading `VAR=value` assignments.
            while words.first().is_some_and(|w| {
                w.split_once('=').is_some_and(|(k, _)| {
                    !k.is_empty() && k.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                })
            }) {
                words.remove(0);
            }
            let args: &[&str] = match words.as_slice() {
                ["cargo", "run", "-p", "cli", "--", rest @ ..] => rest,
                ["retort", rest @ ..] => rest,
                _ => continue,
            };
            out.push(args.iter().map(|s| s.to_string()).collect());
        }
    }
    out
}

fn context(dir: &Path) -> Context {
    Context::isolated(MigrationSet::empty(), || Err("no models here".into()), dir)
}

/// Runs `argv` in `dir` (no models): `Ok` when it exits 0, else the exit code or the error.
async fn exits_0(argv: Vec<String>, dir: &Path) -> Result<(), String> {
    let mut out = Vec::new();
    match run(argv, &context(dir), &mut out).await {
        Ok(ExitCode::Success) => Ok(()),
        Ok(code) => Err(format!("exit {code:?}")),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether the command line parses: `--help` is appended, so clap checks every command,
/// option and value up to it and then prints help instead of running anything.
async fn parses(args: &[String]) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let mut argv = vec!["retort".to_string()];
    argv.extend(args.iter().cloned());
    argv.push("--help".to_string());
    exits_0(argv, dir.path()).await
}

#[tokio::test]
async fn every_command_in_a_shell_block_parses() {
    let mut checked = 0;
    let mut failures = Vec::new();
    for b in blocks() {
        if !matches!(lang(&b), "sh" | "bash" | "shell" | "console") {
            continue;
        }
        for args in cli_commands(&b.body) {
            checked += 1;
            if let Err(e) = parses(&args).await {
                failures.push(format!("{}:{}: `{}`: {e}", b.file, b.line, args.join(" ")));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(
        checked >= 20,
        "only {checked} commands found: is the extraction broken?"
    );
}

#[tokio::test]
async fn the_check_rejects_what_does_not_exist() {
    for bad in [
        "cargo run -p cli -- upgrade head --no-such-flag",
        "cargo run -p cli -- frobnicate",
        "retort history --format xml",
        "DATABASE_URL=x retort stamp --purge-all head",
    ] {
        let cmds = cli_commands(bad);
        assert_eq!(cmds.len(), 1, "{bad}");
        assert!(parses(&cmds[0]).await.is_err(), "{bad} should not parse");
    }
    let cmds = cli_commands(
        "cd x && cargo run -p cli -- check   # ok\nretort upgrade heads --format json | jq '.a | .b' > out.json",
    );
    assert_eq!(
        cmds,
        [
            vec!["check".to_string()],
            vec![
                "upgrade".into(),
                "heads".into(),
                "--format".into(),
                "json".into()
            ]
        ]
    );
}

/// Loads `toml` as `retort.toml` with a read-only command (`current` on a SQLite URL does not
/// create the file).
async fn loads_as_config(toml: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("retort.toml"), toml).unwrap();
    let args = ["retort", "--url", "sqlite://nothing-here.db", "current"];
    exits_0(args.iter().map(|s| s.to_string()).collect(), dir.path()).await
}

#[tokio::test]
async fn every_toml_block_is_a_valid_retort_toml() {
    let mut checked = 0;
    for b in blocks() {
        if lang(&b) != "toml" || b.above.iter().any(|l| l.contains("readme-embed")) {
            continue;
        }
        checked += 1;
        if let Err(e) = loads_as_config(&b.body).await {
            panic!(
                "{}:{}: not a valid retort.toml: {e}\n{}",
                b.file, b.line, b.body
            );
        }
    }
    assert!(checked >= 1);
    assert!(loads_as_config("lock_timeout = \"soon\"\n").await.is_err());
}

#[test]
fn rust_blocks_run_as_doctests_or_say_why_not() {
    let lib = std::fs::read_to_string(repo_root().join("runtime/src/lib.rs")).unwrap();
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    for (file, _) in pages() {
        let include = format!("include_str!(\"../../{file}\")");
        assert!(
            lib.contains(&include),
            "{file} is not included in runtime/src/lib.rs's __docs module: its Rust blocks would not run"
        );
    }
    for b in blocks() {
        if lang(&b) != "rust" {
            continue;
        }
        let skipped = b
            .info
            .split(',')
            .any(|a| matches!(a.trim(), "ignore" | "no_run" | "compile_fail"));
        if skipped {
            assert!(
                b.above.iter().any(|l| l.contains("not a doctest")),
                "{}:{}: a Rust block that does not run needs a `<!-- not a doctest: why -->` line above it",
                b.file,
                b.line
            );
            // A copy of a README block that a test builds must stay that block.
            if b.file != "README.md" && b.above.iter().any(|l| l.contains("the README's")) {
                assert!(
                    readme.contains(&b.body),
                    "{}:{}: this block says it is a README block, but the README has no such block:\n{}",
                    b.file,
                    b.line,
                    b.body
                );
            }
        }
    }
}

/// The code lines of a Rust block: comments and blank lines left out, whitespace squeezed.
fn code_lines(src: &str) -> Vec<String> {
    src.lines()
        .map(|l| {
            l.split("//")
                .next()
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|l| !l.is_empty())
        .collect()
}

fn readme_block_after(text: &str) -> String {
    let b = blocks()
        .into_iter()
        .find(|b| b.file == "README.md" && b.above.iter().any(|l| l.contains(text)))
        .unwrap_or_else(|| panic!("README: no block after a comment mentioning {text}"));
    b.body
}

#[test]
fn the_readme_main_rs_is_what_init_writes() {
    let block = readme_block_after("against what init writes");
    let dir = tempfile::tempdir().unwrap();
    let ws = dir.path().join("my-app");
    std::fs::create_dir(&ws).unwrap();
    // `init` with a models crate named like the README's.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_cli"))
        .args(["init", ".", "--models-crate", "my_models"])
        .current_dir(&ws)
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::text(&o));
    let written = std::fs::read_to_string(ws.join("cli/src/main.rs")).unwrap();
    let written = code_lines(&written.replace(
        "fn main() {\n    retort::cli::main(migrations())\n}",
        "fn main() { retort::cli::main(migrations()) }",
    ));
    assert_eq!(code_lines(&block), written);
}

#[test]
fn the_readme_schema_test_is_schema_check_rs() {
    let block = readme_block_after("against cli/tests/schema_check.rs");
    let file = std::fs::read_to_string(repo_root().join("cli/tests/schema_check.rs")).unwrap();
    assert_eq!(
        code_lines(&block.replace("my_models", "blog_models")),
        code_lines(&file)
    );
}
