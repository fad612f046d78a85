//! The commands, one module per group, and the dispatch from the parsed command line.
//!
//! `init` and `completions` run without a configuration; every other command gets a
//! [`Session`] (configuration, revision graph, output settings, the lazily opened connection),
//! which is closed once the command ends. A new command is a variant in `crate::cli`, an arm
//! in [`run`] and, if it has no JSON output, a name in [`no_json`].

pub(crate) mod autogen;
mod database;
mod fleet;
mod graph;
mod init;
mod pull;
mod resume;
mod revision;
mod run;
mod schema;
mod squash;
mod stamp;
mod verify;

use std::io::Write;

use retort_revision::Direction;

use crate::cli::{Cli, Command, DatabaseCommand, Format};
use crate::config;
use crate::context::Context;
use crate::error::{AppError, ExitCode};
use crate::session::{Output, Session};
use crate::style::Style;

/// Runs the parsed command line.
pub(crate) async fn dispatch(
    cli: Cli,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    if cli.format == Format::Json {
        if let Some(name) = no_json(&cli.command) {
            return Err(AppError::Usage(format!(
                "`{name}` has no JSON output; --format json is for current, heads, history, show, check, upgrade, downgrade and revision"
            )));
        }
    }
    match cli.command {
        Command::Init {
            dir,
            models_crate,
            models_path,
            retort_path,
            from_db,
            db,
        } => {
            let dir = init::target_dir(dir, &ctx.cwd);
            let drivers = init::drivers(db.as_deref(), from_db.as_deref(), cli.url, ctx, &dir)?;
            let opts = crate::init::InitOptions {
                dir,
                models_crate,
                models_path,
                retort_path,
                from_db: None,
                drivers,
            };
            init::run(opts, from_db.as_deref(), &ctx.cwd, out).await
        }
        Command::Completions { shell, name } => {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), name, out);
            Ok(ExitCode::Success)
        }
        mut command => {
            let mut fleet_args = cli.fleet;
            fleet::take_from_stamp(&mut command, &mut fleet_args)?;
            let session = open(
                &cli.config,
                cli.url,
                cli.quiet,
                cli.verbose,
                cli.format,
                ctx,
            )?;
            let r = if fleet_args.active() {
                fleet::run(command, &fleet_args, &session, out).await
            } else if fleet_args.jobs.is_some() || fleet_args.resume || fleet_args.fail_fast {
                Err(AppError::Usage(
                    "--jobs, --resume and --fail-fast are for runs over many targets: add --targets FILE, --fleet or --schemas PATTERN".to_string(),
                ))
            } else {
                run(command, &session, out).await
            };
            session.close().await;
            r
        }
    }
}

/// The commands without JSON output.
fn no_json(command: &Command) -> Option<&'static str> {
    Some(match command {
        Command::Init { .. } => "init",
        Command::Completions { .. } => "completions",
        Command::Database(_) => "database",
        Command::Branches => "branches",
        Command::Merge { .. } => "merge",
        Command::Stamp { .. } => "stamp",
        Command::Schema { .. } => "schema",
        Command::Pull { .. } => "pull",
        Command::Squash { .. } => "squash",
        Command::Verify { .. } => "verify",
        Command::Resume { .. } => "resume",
        _ => return None,
    })
}

/// Reads the configuration and the revision graph (after checking the compiled-in scripts
/// are the ones on disk).
fn open<'a>(
    config_file: &Option<std::path::PathBuf>,
    url: Option<String>,
    quiet: bool,
    verbose: bool,
    format: Format,
    ctx: &'a Context,
) -> Result<Session<'a>, AppError> {
    let cfg = config::load(&ctx.cwd, config_file.as_deref())?;
    let map = ctx.migrations.fresh_revision_map().map_err(|e| match e {
        retort_runner::RunError::Stale(e) => AppError::Stale(e),
        other => AppError::from(other),
    })?;
    let output = Output {
        quiet,
        verbose,
        json: format == Format::Json,
        style: Style {
            on: format == Format::Text && crate::style::enabled(&ctx.env, ctx.terminal),
        },
    };
    Ok(Session::new(ctx, cfg, map, url, output))
}

/// One command of a session.
async fn run(
    command: Command,
    session: &Session<'_>,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let verbose = session.verbose;
    match command {
        Command::Init { .. } | Command::Completions { .. } => Err(AppError::Failed(
            "internal error: init and completions are handled before the configuration is read"
                .to_string(),
        )),
        Command::Database(DatabaseCommand::Create) => database::create(session, out).await,
        Command::Database(DatabaseCommand::Drop { yes }) => database::drop(session, yes, out).await,
        Command::Revision(args) => revision::revision(session, args, out).await,
        Command::Merge {
            message,
            branch_label,
            rev_id,
            revisions,
        } => revision::merge(
            session,
            message.unwrap_or_default(),
            branch_label,
            rev_id,
            &revisions,
            out,
        ),
        Command::Upgrade {
            revision,
            sql,
            wait_replicas,
        } => run::migrate(session, &revision, sql, wait_replicas, Direction::Up, out).await,
        Command::Downgrade {
            revision,
            sql,
            wait_replicas,
        } => run::migrate(session, &revision, sql, wait_replicas, Direction::Down, out).await,
        Command::Stamp {
            revisions,
            purge,
            sql,
            accept_edits,
        } => stamp::run(session, revisions, purge, sql, accept_edits, out).await,
        Command::Resume { finished, abandon } => resume::run(session, finished, abandon, out).await,
        Command::Current => graph::current(session, verbose, out).await,
        Command::History {
            rev_range,
            indicate_current,
        } => {
            graph::history(
                session,
                rev_range.as_deref(),
                verbose,
                indicate_current,
                out,
            )
            .await
        }
        Command::Heads => graph::heads(session, verbose, out),
        Command::Branches => graph::branches(session, verbose, out),
        Command::Show { revision } => graph::show(session, &revision, out).await,
        Command::Check => autogen::check(session, out).await,
        Command::Schema { dialect } => schema::schema(session, dialect, out),
        Command::Pull { out: file, force } => pull::run(session, file, force, out).await,
        Command::Squash { revision, message } => squash::run(session, &revision, message, out),
        Command::Verify { scratch_url } => verify::run(session, scratch_url.as_deref(), out).await,
    }
}
