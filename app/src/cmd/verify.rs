//! `verify`: the history up, down and up again on a scratch database (a temporary SQLite
//! file, a new PostgreSQL schema or MariaDB/MySQL database, created and dropped), comparing
//! the database after every step down with the schema the history produces at that point.
//! The first revision whose downgrade does not restore the schema below it is named.

use std::io::Write;
use std::path::PathBuf;

use retort_runner::{Db, RunOptions};
use retort_schema::{Dialect, QName, Schema};

use crate::error::{AppError, ExitCode};
use crate::session::{introspect, Session};
use crate::style::{count, say};

/// Where the scratch database lives, to be removed afterwards.
enum Scratch {
    File(PathBuf),
    PgSchema(String),
    MysqlDatabase(String),
}

/// A name no one else uses: `retort_verify_<random>`.
fn scratch_name() -> String {
    format!("retort_verify_{}", retort_revision::new_revision_id())
}

/// Creates the scratch database and returns a connection whose default schema/database it is.
async fn open(server: &str, opts: &RunOptions) -> Result<(Db, Scratch), AppError> {
    let d = Dialect::from_url(server).ok_or_else(|| {
        AppError::Usage(format!(
            "verify: unsupported database URL `{}`",
            retort_runner::redact_url(server)
        ))
    })?;
    let t = opts.timeouts();
    match d {
        Dialect::Sqlite => {
            let path = std::env::temp_dir().join(format!("{}.db", scratch_name()));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let db = Db::connect_with(&url, &t).await?;
            Ok((db, Scratch::File(path)))
        }
        Dialect::Postgres | Dialect::Mysql => {
            let mut db = Db::connect_with(server, &t).await?;
            let name = scratch_name();
            let setup = if d == Dialect::Postgres {
                [
                    format!("CREATE SCHEMA {name}"),
                    format!("SET search_path TO {name}"),
                ]
            } else {
                [format!("CREATE DATABASE {name}"), format!("USE {name}")]
            };
            for sql in &setup {
                if let Err(e) = db.execute(sql).await {
                    let _ = db.close().await;
                    return Err(AppError::Failed(format!(
                        "verify: cannot create the scratch {} `{name}`: {e}; the user needs the right to create one (or pass --scratch-url with a server where it has)",
                        if d == Dialect::Postgres { "schema" } else { "database" }
                    )));
                }
            }
            Ok((
                db,
                if d == Dialect::Postgres {
                    Scratch::PgSchema(name)
                } else {
                    Scratch::MysqlDatabase(name)
                },
            ))
        }
    }
}

async fn remove(mut db: Db, scratch: Scratch) {
    match &scratch {
        Scratch::PgSchema(n) => {
            let _ = db
                .execute(&format!("DROP SCHEMA IF EXISTS {n} CASCADE"))
                .await;
        }
        Scratch::MysqlDatabase(n) => {
            let _ = db.execute(&format!("DROP DATABASE IF EXISTS {n}")).await;
        }
        Scratch::File(_) => {}
    }
    let _ = db.close().await;
    if let Scratch::File(p) = scratch {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", p.display()));
        }
    }
}

impl Scratch {
    fn describe(&self) -> String {
        match self {
            Scratch::File(p) => format!("temporary SQLite file {}", p.display()),
            Scratch::PgSchema(n) => format!("scratch schema {n}"),
            Scratch::MysqlDatabase(n) => format!("scratch database {n}"),
        }
    }
}

/// `verify [--scratch-url URL]`.
pub(crate) async fn run(
    session: &Session<'_>,
    scratch_url: Option<&str>,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let target = session.target_schema()?;
    let server = match scratch_url {
        Some(u) => u.to_string(),
        None => session.url()?,
    };
    let mut opts = session.run_options();
    // The scratch database's own version table, whatever schema the real one lives in.
    opts.version_table = QName::new(opts.version_table.name.clone());
    let (mut db, scratch) = open(&server, &opts).await?;
    say!(out, "Verifying the history on a {}", scratch.describe());
    let r = walk(session, &mut db, &opts, &target, out).await;
    remove(db, scratch).await;
    r
}

/// Differences between the database and `want`, as `check` sees them.
async fn differences(
    session: &Session<'_>,
    db: &mut Db,
    want: &Schema,
    heads: &[String],
) -> Result<Vec<String>, AppError> {
    let d = db.dialect();
    let c = &session.cfg.config;
    let iopts = retort_introspect::Options {
        schemas: Vec::new(),
        exclude_tables: c.exclude_tables.clone(),
        version_table: session.cfg.config.version_table.clone(),
    };
    let mut intro = introspect(db, &iopts).await?;
    if d != Dialect::Postgres {
        // Enums live in their columns there: the named types are the history's.
        intro.schema.enums = session
            .ctx
            .migrations
            .replay_lenient(&session.map, heads, d)
            .map(|s| s.enums)
            .unwrap_or_default();
    }
    let mut want = want.clone();
    want.tables.retain(|t| {
        !c.exclude_tables.iter().any(|g| {
            retort_introspect::glob_match(g, &t.name)
                || retort_introspect::glob_match(g, &t.qname().to_string())
        })
    });
    let dopts = retort_diff::Options {
        dialect: d,
        compare_server_default: c.compare_server_default,
        compare_types: true,
        compare_comments: d != Dialect::Sqlite,
    };
    Ok(retort_diff::diff(&intro.schema, &want, &dopts)
        .ops
        .iter()
        .map(|o| o.describe())
        .collect())
}

fn run_err(what: &str, e: retort_runner::RunError) -> AppError {
    AppError::Failed(format!(
        "verify: {what} failed on the scratch database: {e}"
    ))
}

/// `upgrade heads` on the scratch database (`what`, in an error), then what differs from the
/// models.
async fn up_and_compare(
    session: &Session<'_>,
    db: &mut Db,
    opts: &RunOptions,
    target: &Schema,
    what: &str,
) -> Result<Vec<String>, AppError> {
    retort_runner::upgrade(db, &session.ctx.migrations, "heads", opts, &mut |_| {})
        .await
        .map_err(|e| run_err(what, e))?;
    let heads = retort_runner::current(db, opts).await?;
    differences(session, db, target, &heads).await
}

async fn walk(
    session: &Session<'_>,
    db: &mut Db,
    opts: &RunOptions,
    target: &Schema,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let set = &session.ctx.migrations;
    let d = db.dialect();
    // 1. Up to the heads, then the models.
    let diffs = up_and_compare(session, db, opts, target, "upgrade heads").await?;
    if !diffs.is_empty() {
        say!(
            out,
            "FAILED: after `upgrade heads` the database differs from the models ({}); run `revision --autogenerate`:",
            count(diffs.len(), "operation")
        );
        for o in diffs {
            say!(out, "  {o}");
        }
        return Ok(ExitCode::Failure);
    }
    say!(out, "upgrade heads: the schema equals the models");

    // 2. Down, one revision at a time, each step compared with the history below it.
    let mut steps = 0usize;
    loop {
        let current = retort_runner::current(db, opts).await?;
        if current.is_empty() {
            break;
        }
        // The newest applied revision goes first.
        let order = session.map.topological();
        let Some(top) = order
            .iter()
            .rev()
            .find(|r| current.iter().any(|c| c == *r))
            .map(|s| s.to_string())
        else {
            return Err(AppError::Failed(format!(
                "verify: the scratch database is at {}, which the history does not know",
                current.join(", ")
            )));
        };
        let parents = session
            .map
            .get(&top)
            .map(|h| h.down_revisions.clone())
            .unwrap_or_default();
        // One revision down: to its parent when it is the only head and not a merge, else
        // Alembic's relative step from it (which may undo more than one revision).
        let step = match (current.len(), parents.as_slice()) {
            (1, []) => "base".to_string(),
            (1, [one]) => one.clone(),
            _ => format!("{top}-1"),
        };
        if let Err(e) = retort_runner::downgrade(db, set, &step, opts, &mut |_| {}).await {
            say!(
                out,
                "FAILED: the downgrade of revision {top} does not run: {e}"
            );
            return Ok(ExitCode::Failure);
        }
        steps += 1;
        let below = retort_runner::current(db, opts).await?;
        let replayed = set
            .replay_lenient(&session.map, &below, d)
            .map_err(|e| AppError::Failed(e.to_string()))?;
        let diffs = differences(session, db, &replayed, &below).await?;
        if !diffs.is_empty() {
            let undone: Vec<String> = ancestry(session, &current)
                .into_iter()
                .filter(|r| !ancestry(session, &below).contains(r))
                .collect();
            let top = if undone.len() > 1 {
                format!("{} (undone together)", undone.join(", "))
            } else {
                top
            };
            say!(
                out,
                "FAILED: the downgrade of revision {top} does not restore the schema of {} ({}; what would bring the database back):",
                if below.is_empty() {
                    "base".to_string()
                } else {
                    below.join(", ")
                },
                count(diffs.len(), "difference")
            );
            for o in diffs {
                say!(out, "  {o}");
            }
            if let Some(path) = session.script_path(top.split(' ').next().unwrap_or_default()) {
                say!(out, "Fix downgrade() in {path}");
            }
            return Ok(ExitCode::Failure);
        }
        if steps > session.map.len() + 1 {
            return Err(AppError::Failed(
                "verify: the walk down does not reach base; please report this".to_string(),
            ));
        }
    }
    say!(
        out,
        "downgrade to base: each of the {steps} steps restored the schema below it"
    );

    // 3. Up again.
    let diffs = up_and_compare(session, db, opts, target, "the second upgrade heads").await?;
    if !diffs.is_empty() {
        say!(
            out,
            "FAILED: after down and up again the database differs from the models:"
        );
        for o in diffs {
            say!(out, "  {o}");
        }
        return Ok(ExitCode::Failure);
    }
    say!(out, "upgrade heads again: the schema equals the models");
    say!(
        out,
        "OK: the history upgrades, downgrades and upgrades again cleanly"
    );
    Ok(ExitCode::Success)
}

/// `heads` and every revision below them (through `Revises:`).
fn ancestry(session: &Session<'_>, heads: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut stack: Vec<String> = heads.to_vec();
    while let Some(id) = stack.pop() {
        if seen.contains(&id) {
            continue;
        }
        if let Some(h) = session.map.get(&id) {
            stack.extend(h.down_revisions.iter().cloned());
        }
        seen.push(id);
    }
    seen
}
