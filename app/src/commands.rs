//! The commands.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use retort_revision::{Header, RevisionMap};
use retort_schema::{Dialect, Schema};

use crate::cli::{Cli, Command, DatabaseCommand, DialectArg, Format};
use crate::config::{self, Loaded};
use crate::graph::{self, Line};
use crate::{db, init, json, AppError, Context, ExitCode};

/// What every command (but `init`) works with.
pub(crate) struct Env<'a> {
    pub ctx: &'a Context,
    pub cfg: Loaded,
    pub url_flag: Option<String>,
    pub quiet: bool,
    /// `-v`: upgrade/downgrade/stamp print each statement.
    pub verbose: bool,
    /// `--format json`: one JSON object (see [`crate::json`]) instead of text.
    pub json: bool,
    /// Colour (a terminal, `NO_COLOR`, `CLICOLOR_FORCE`; never for JSON).
    pub style: crate::style::Style,
    pub map: RevisionMap,
}

impl Env<'_> {
    /// The database URL by precedence (`--url`, `DATABASE_URL`, `.env`, `retort.toml`).
    pub fn url(&self) -> Result<String, AppError> {
        let (url, source) = config::database_url(
            self.url_flag.as_deref(),
            &self.ctx.env,
            &self.ctx.cwd,
            &self.cfg.config,
        )?;
        // Relative paths in retort.toml are relative to it, also a SQLite file's: the same
        // database whichever folder a command runs from.
        Ok(match source {
            config::UrlSource::Config => config::sqlite_path_from(&url, &self.cfg.base),
            _ => url,
        })
    }

    /// The path of a script, for display (relative to the working directory when inside it).
    pub fn script_path(&self, id: &str) -> Option<String> {
        let script = self.ctx.migrations.script(id).ok()?;
        Some(display_path(
            &self.cfg.versions_dir().join(script.file_name()),
            &self.ctx.cwd,
        ))
    }
}

/// `path` relative to `cwd` if it is inside it.
pub(crate) fn display_path(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
        .display()
        .to_string()
}

macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}
pub(crate) use say;

pub(crate) async fn dispatch(
    cli: Cli,
    ctx: &Context,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    if cli.format == Format::Json {
        let unsupported = match &cli.command {
            Command::Init { .. } => Some("init"),
            Command::Completions { .. } => Some("completions"),
            Command::Database(_) => Some("database"),
            Command::Branches => Some("branches"),
            Command::Merge { .. } => Some("merge"),
            Command::Stamp { .. } => Some("stamp"),
            Command::Schema { .. } => Some("schema"),
            Command::Pull { .. } => Some("pull"),
            Command::Squash { .. } => Some("squash"),
            Command::Verify { .. } => Some("verify"),
            Command::Resume { .. } => Some("resume"),
            _ => None,
        };
        if let Some(name) = unsupported {
            return Err(AppError::Usage(format!(
                "`{name}` has no JSON output; --format json is for current, heads, history, show, check, upgrade, downgrade and revision"
            )));
        }
    }
    if let Command::Init {
        dir,
        models_crate,
        models_path,
        retort_path,
        from_db,
    } = &cli.command
    {
        let dir = match dir {
            Some(d) if d.is_absolute() => d.clone(),
            Some(d) => ctx.cwd.join(d),
            None => ctx.cwd.clone(),
        };
        let opts = init::InitOptions {
            dir,
            models_crate: models_crate.clone(),
            models_path: models_path.clone(),
            retort_path: retort_path.clone(),
            from_db: None,
        };
        if let Some(url) = from_db {
            return crate::pull::init_from_db(opts, url, &ctx.cwd, out).await;
        }
        init::init(&opts, out)?;
        return Ok(ExitCode::Success);
    }
    if let Command::Completions { shell, name } = &cli.command {
        use clap::CommandFactory;
        let mut cmd = Cli::command();
        clap_complete::generate(*shell, &mut cmd, name.clone(), out);
        return Ok(ExitCode::Success);
    }
    let cfg = config::load(&ctx.cwd, cli.config.as_deref())?;
    ctx.migrations.check_fresh().map_err(|e| match e {
        retort_runner::RunError::Stale(e) => AppError::Stale(e),
        other => AppError::from(other),
    })?;
    let map = ctx.migrations.revision_map()?;
    let env = Env {
        ctx,
        cfg,
        url_flag: cli.url.clone(),
        quiet: cli.quiet,
        verbose: cli.verbose,
        json: cli.format == Format::Json,
        style: crate::style::Style {
            on: cli.format == Format::Text && crate::style::enabled(&ctx.env, ctx.terminal),
        },
        map,
    };
    match cli.command {
        Command::Init { .. } | Command::Completions { .. } => unreachable_init(),
        Command::Database(DatabaseCommand::Create) => crate::database::create(&env, out).await,
        Command::Database(DatabaseCommand::Drop { yes }) => {
            crate::database::drop(&env, yes, out).await
        }
        Command::Revision {
            message,
            autogenerate,
            allow_empty,
            head,
            splice,
            branch_label,
            depends_on,
            rev_id,
        } => {
            revision(
                &env,
                RevisionArgs {
                    message: message.unwrap_or_default(),
                    autogenerate,
                    allow_empty,
                    head,
                    splice,
                    branch_label,
                    depends_on,
                    rev_id,
                },
                out,
            )
            .await
        }
        Command::Merge {
            message,
            branch_label,
            rev_id,
            revisions,
        } => merge(
            &env,
            message.unwrap_or_default(),
            branch_label,
            rev_id,
            &revisions,
            out,
        ),
        Command::Upgrade { revision, sql } => db::upgrade(&env, &revision, sql, out).await,
        Command::Downgrade { revision, sql } => db::downgrade(&env, &revision, sql, out).await,
        Command::Stamp {
            revisions,
            purge,
            sql,
            accept_edits,
        } => {
            // REV takes hyphen values (`-1:head`), so clap hands flags written after the first
            // revision over as revisions; no revision expression starts with `--`.
            let (flags, revisions): (Vec<String>, Vec<String>) =
                revisions.into_iter().partition(|r| r.starts_with("--"));
            let (mut purge, mut sql, mut accept_edits) = (purge, sql, accept_edits);
            for f in &flags {
                match f.as_str() {
                    "--purge" => purge = true,
                    "--sql" => sql = true,
                    "--accept-edits" => accept_edits = true,
                    other => {
                        return Err(AppError::Usage(format!(
                            "stamp: unexpected argument `{other}` (the options are --purge, --sql and --accept-edits)"
                        )))
                    }
                }
            }
            if accept_edits {
                if !revisions.is_empty() || purge || sql {
                    return Err(AppError::Usage(
                        "stamp --accept-edits takes no revision and no other option: it records the checksums of the applied scripts as they are now".to_string(),
                    ));
                }
                return crate::applied::accept_edits(&env, out).await;
            }
            if revisions.is_empty() {
                return Err(AppError::Usage(
                    "stamp needs at least one revision (e.g. `stamp head`)".to_string(),
                ));
            }
            db::stamp(&env, &revisions, purge, sql, out).await
        }
        Command::Resume { finished, abandon } => {
            crate::resume::resume(&env, finished, abandon, out).await
        }
        Command::Current => db::current_cmd(&env, cli.verbose, out).await,
        Command::History {
            rev_range,
            indicate_current,
        } => {
            history(
                &env,
                rev_range.as_deref(),
                cli.verbose,
                indicate_current,
                out,
            )
            .await
        }
        Command::Heads => heads(&env, cli.verbose, out),
        Command::Branches => branches(&env, cli.verbose, out),
        Command::Show { revision } => show(&env, &revision, out).await,
        Command::Check => db::check(&env, out).await,
        Command::Schema { dialect } => schema_cmd(&env, dialect, out),
        Command::Pull { out: file, force } => crate::pull::pull_cmd(&env, file, force, out).await,
        Command::Squash { revision, message } => {
            crate::squash::squash_cmd(&env, &revision, message, out)
        }
        Command::Verify { scratch_url } => {
            crate::verify::verify_cmd(&env, scratch_url.as_deref(), out).await
        }
    }
}

fn unreachable_init() -> Result<ExitCode, AppError> {
    Err(AppError::Failed(
        "internal error: init and completions are handled before the configuration is read"
            .to_string(),
    ))
}

/// Maps a revision-expression error to a usage error (exit 2).
pub(crate) fn resolve_err(e: retort_revision::ResolveError) -> AppError {
    AppError::Resolve {
        source: e,
        hint: "",
    }
}

/// [`resolve_err`], with "did you mean" for a mistyped revision id or branch label.
pub(crate) fn resolve_err_in(map: &RevisionMap, e: retort_revision::ResolveError) -> AppError {
    use retort_revision::ResolveError as R;
    let typed = match &e {
        R::NoSuchRevision { id } => Some(id.clone()),
        R::NoSuchBranch { label } => Some(label.clone()),
        _ => None,
    };
    match typed.map(|t| suggestions(map, &t)) {
        Some(s) if !s.is_empty() => {
            AppError::Usage(format!("{e}; did you mean {}?", s.join(" or ")))
        }
        _ => resolve_err(e),
    }
}

/// The revision ids and branch labels closest to `typed` (edit distance at most a third of
/// its length, at least 1; ids compared on the typed length, as prefixes are accepted).
pub(crate) fn suggestions(map: &RevisionMap, typed: &str) -> Vec<String> {
    // `label@head`, `id+2`: suggest for the part that names something.
    let typed = typed.split('@').next().unwrap_or(typed);
    let typed = typed.trim_end_matches(|c: char| c.is_ascii_digit() || c == '+' || c == '-');
    if typed.is_empty() {
        return Vec::new();
    }
    let limit = (typed.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, String)> = Vec::new();
    for id in map.topological() {
        let prefix: String = id.chars().take(typed.chars().count()).collect();
        let d = edit_distance(typed, &prefix).min(edit_distance(typed, id));
        if d <= limit {
            scored.push((d, id.to_string()));
        }
        for l in map.branch_labels(id) {
            // Labels of the revision itself (inherited ones are suggested at their owner).
            if map.label_owner(l) == Some(id) {
                let d = edit_distance(typed, l);
                if d <= limit {
                    scored.push((d, l.to_string()));
                }
            }
        }
    }
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    let best = scored.first().map(|s| s.0);
    scored
        .into_iter()
        .filter(|s| Some(s.0) == best)
        .map(|s| s.1)
        .take(3)
        .collect()
}

/// Levenshtein distance.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

// ----- graph commands -----------------------------------------------------------------------

async fn history(
    env: &Env<'_>,
    range: Option<&str>,
    verbose: bool,
    indicate_current: bool,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let needs_db = indicate_current || range.is_some_and(|r| r.contains("current"));
    let current = if needs_db {
        db::read_current(env).await?
    } else {
        Vec::new()
    };
    let revs = env
        .map
        .history(range, &current)
        .map_err(|e| resolve_err_in(&env.map, e))?;
    if env.json {
        let revisions = revs
            .into_iter()
            .map(|h| json::Revision::new(&env.map, h, env.script_path(&h.revision), &current))
            .collect();
        json::print(
            out,
            &json::Revisions {
                format_version: json::FORMAT_VERSION,
                revisions,
            },
        );
        return Ok(ExitCode::Success);
    }
    let applied = if verbose {
        crate::applied::log_for_history(env, out).await
    } else {
        None
    };
    if !verbose {
        let line = Line {
            include_branches: true,
            include_doc: true,
            include_parents: true,
            tree_indicators: true,
            head_indicators: true,
        };
        let texts: Vec<String> = revs
            .iter()
            .map(|h| graph::head_only(&env.map, h, line, &current))
            .collect();
        // A straight line is printed as Alembic does; branches and merges as a graph.
        let forks = revs
            .iter()
            .any(|h| env.map.is_branch_point(&h.revision) || env.map.is_merge_point(&h.revision));
        let lines = if forks {
            graph::draw_history(&revs, &texts)
        } else {
            texts
        };
        for l in lines {
            say!(out, "{}", env.style.revision_line(&l));
        }
        return Ok(ExitCode::Success);
    }
    for h in revs {
        let path = env.script_path(&h.revision);
        say!(
            out,
            "{}",
            graph::log_entry(&env.map, h, path.as_deref(), &current)
        );
        if let Some(a) = &applied {
            let _ = write!(out, "{}", a.lines_for(&h.revision));
        }
    }
    Ok(ExitCode::Success)
}

fn heads(env: &Env<'_>, verbose: bool, out: &mut dyn Write) -> Result<ExitCode, AppError> {
    if env.json {
        let revisions = env
            .map
            .heads()
            .into_iter()
            .filter_map(|id| env.map.get(id))
            .map(|h| json::Revision::new(&env.map, h, env.script_path(&h.revision), &[]))
            .collect();
        json::print(
            out,
            &json::Revisions {
                format_version: json::FORMAT_VERSION,
                revisions,
            },
        );
        return Ok(ExitCode::Success);
    }
    for id in env.map.heads() {
        let Some(h) = env.map.get(id) else { continue };
        if verbose {
            let path = env.script_path(id);
            say!(
                out,
                "{}",
                graph::log_entry(&env.map, h, path.as_deref(), &[])
            );
        } else {
            say!(
                out,
                "{}",
                env.style.revision_line(&graph::head_only(
                    &env.map,
                    h,
                    Line {
                        include_branches: true,
                        head_indicators: true,
                        ..Line::default()
                    },
                    &[],
                ))
            );
        }
    }
    Ok(ExitCode::Success)
}

fn branches(env: &Env<'_>, verbose: bool, out: &mut dyn Write) -> Result<ExitCode, AppError> {
    let mut points = env.map.branch_points();
    points.reverse(); // newest first, like history
    for id in points {
        let Some(h) = env.map.get(id) else { continue };
        let path = env.script_path(id);
        let _ = write!(
            out,
            "{}",
            graph::branch_point(&env.map, h, verbose, path.as_deref())
        );
    }
    Ok(ExitCode::Success)
}

async fn show(env: &Env<'_>, rev: &str, out: &mut dyn Write) -> Result<ExitCode, AppError> {
    let current = if rev.contains("current") || rev.starts_with(['+', '-']) {
        db::read_current(env).await?
    } else {
        Vec::new()
    };
    let ids = env
        .map
        .resolve(rev, &current)
        .map_err(|e| resolve_err_in(&env.map, e))?;
    if env.json {
        let revisions = ids
            .iter()
            .filter_map(|id| env.map.get(id))
            .map(|h| json::Revision::new(&env.map, h, env.script_path(&h.revision), &current))
            .collect();
        json::print(
            out,
            &json::Revisions {
                format_version: json::FORMAT_VERSION,
                revisions,
            },
        );
        return Ok(ExitCode::Success);
    }
    if ids.is_empty() {
        say!(out, "<base>");
        return Ok(ExitCode::Success);
    }
    for id in ids {
        if let Some(h) = env.map.get(&id) {
            let path = env.script_path(&id);
            say!(
                out,
                "{}",
                graph::log_entry(&env.map, h, path.as_deref(), &current)
            );
        }
    }
    Ok(ExitCode::Success)
}

// ----- writing scripts ----------------------------------------------------------------------

pub(crate) struct RevisionArgs {
    pub message: String,
    pub autogenerate: bool,
    pub allow_empty: bool,
    pub head: Option<String>,
    pub splice: bool,
    pub branch_label: Option<String>,
    pub depends_on: Vec<String>,
    pub rev_id: Option<String>,
}

/// A revision id for a new script: `--rev-id` (validated, unused) or a fresh random one.
fn choose_rev_id(map: &RevisionMap, rev_id: Option<String>) -> Result<String, AppError> {
    match rev_id {
        Some(id) => {
            retort_revision::validate_revision_id(&id)
                .map_err(|m| AppError::Usage(format!("--rev-id: {m}")))?;
            if map.get(&id).is_some() {
                return Err(AppError::Usage(format!(
                    "--rev-id: revision {id} already exists; choose another id"
                )));
            }
            if map.label_owner(&id).is_some() {
                return Err(AppError::Usage(format!(
                    "--rev-id: `{id}` is already a branch label; choose another id"
                )));
            }
            if let Some(longer) = shadowed_by(map, &id) {
                return Err(AppError::Usage(format!(
                    "--rev-id: `{id}` is the start of existing revision {longer}: `{id}` now means {longer}, and would then mean the new revision; choose an id that is not a prefix of another"
                )));
            }
            Ok(id)
        }
        None => loop {
            let id = retort_revision::new_revision_id();
            if map.get(&id).is_none()
                && map.label_owner(&id).is_none()
                && shadowed_by(map, &id).is_none()
            {
                return Ok(id);
            }
        },
    }
}

/// An existing revision whose id starts with `id` (which a new revision `id` would shadow).
fn shadowed_by<'m>(map: &'m RevisionMap, id: &str) -> Option<&'m str> {
    map.topological()
        .into_iter()
        .find(|r| r.len() > id.len() && r.starts_with(id))
}

fn check_new_label(map: &RevisionMap, label: &str) -> Result<(), AppError> {
    retort_revision::validate_branch_label(label)
        .map_err(|m| AppError::Usage(format!("--branch-label: {m}")))?;
    if let Some(owner) = map.label_owner(label) {
        return Err(AppError::Usage(format!(
            "Branch name '{label}' is already used by revision {owner}; choose another label"
        )));
    }
    if map.get(label).is_some() {
        return Err(AppError::Usage(format!(
            "Branch name '{label}' is also a revision id; choose another label"
        )));
    }
    Ok(())
}

/// The parents of a new revision (`Revises:`), by Alembic's rules.
fn parents_for(env: &Env<'_>, args: &RevisionArgs) -> Result<Vec<String>, AppError> {
    let map = &env.map;
    match args.head.as_deref() {
        Some("base") => {
            if !map.is_empty() && args.branch_label.is_none() {
                return Err(AppError::Usage(
                    "--head base starts a new, independent lineage next to the existing history; give it a --branch-label NAME so that it can be addressed as NAME@head".to_string(),
                ));
            }
            Ok(Vec::new())
        }
        Some(expr) => {
            let ids = map.resolve(expr, &[]).map_err(|e| resolve_err_in(map, e))?;
            match ids.as_slice() {
                [] => Ok(Vec::new()),
                [id] => {
                    if !map.is_head(id) && !args.splice {
                        return Err(AppError::Usage(format!(
                            "Revision {id} is not a head revision; please specify --splice to create a new branch from this revision"
                        )));
                    }
                    Ok(vec![id.clone()])
                }
                many => Err(AppError::Usage(format!(
                    "--head {expr} names several revisions ({}); name one of them, or use `merge` to join them",
                    many.join(", ")
                ))),
            }
        }
        None => {
            let heads = map.heads();
            match heads.as_slice() {
                [] => Ok(Vec::new()),
                [one] => Ok(vec![one.to_string()]),
                many => {
                    let which = match &args.branch_label {
                        Some(l) => format!(
                            "a new branch labelled '{l}' needs --head base (a new independent lineage) or --head <parent revision>"
                        ),
                        None => "please specify the head revision on which the new revision should be based with --head (e.g. --head <branchname>@head), or run `merge heads` to merge them first".to_string(),
                    };
                    Err(AppError::Usage(format!(
                        "Multiple heads are present ({}); {which}",
                        many.join(", ")
                    )))
                }
            }
        }
    }
}

/// `Depends on:` values: labels stay labels, revision expressions become full ids.
fn resolve_depends(map: &RevisionMap, deps: &[String]) -> Result<Vec<String>, AppError> {
    let mut out = Vec::new();
    for d in deps {
        for part in d.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if map.label_owner(part).is_some() && map.get(part).is_none() {
                out.push(part.to_string());
                continue;
            }
            let ids = map.resolve(part, &[]).map_err(|e| resolve_err_in(map, e))?;
            if ids.is_empty() {
                return Err(AppError::Usage(format!(
                    "--depends-on {part}: a revision cannot depend on base"
                )));
            }
            for id in ids {
                if !out.contains(&id) {
                    out.push(id);
                }
            }
        }
    }
    Ok(out)
}

/// `YYYY-MM-DD HH:MM:SS UTC` for now.
pub(crate) fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    format_utc(secs)
}

pub(crate) fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Writes a new script file; returns its path and the warnings said about it (printed in
/// text mode, returned for `--format json`).
pub(crate) fn write_script(
    env: &Env<'_>,
    header: &Header,
    up: &str,
    down: &str,
    out: &mut dyn Write,
) -> Result<(PathBuf, Vec<String>), AppError> {
    let versions = env.cfg.versions_dir();
    std::fs::create_dir_all(&versions).map_err(|source| AppError::Io {
        path: versions.clone(),
        source,
    })?;
    let path = versions.join(retort_revision::file_name(
        &header.revision,
        &header.message,
    ));
    let text = retort_revision::render_script(header, up, down);
    crate::write_new_file(&path, text.as_bytes())?;
    let mut warnings = Vec::new();
    let compiled = env.ctx.migrations.dir();
    if !compiled.is_empty() {
        let same = |a: &Path, b: &Path| match (a.canonicalize(), b.canonicalize()) {
            (Ok(a), Ok(b)) => a == b,
            _ => a == b,
        };
        let compiled_dir = env.ctx.cwd.join(compiled);
        if !same(&compiled_dir, &env.cfg.script_location()) {
            warnings.push(format!(
                "this binary compiles its migrations from {}, but script_location is {}; the new script will not be compiled in",
                compiled_dir.display(),
                env.cfg.script_location().display()
            ));
        }
    }
    if !env.json {
        for w in &warnings {
            say!(out, "warning: {w}");
        }
        say!(
            out,
            "Generating {} ... done",
            display_path(&path, &env.ctx.cwd)
        );
    }
    Ok((path, warnings))
}

async fn revision(
    env: &Env<'_>,
    args: RevisionArgs,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    if let Some(l) = &args.branch_label {
        check_new_label(&env.map, l)?;
    }
    if args.allow_empty && !args.autogenerate {
        return Err(AppError::Usage(
            "--allow-empty only makes sense with --autogenerate".to_string(),
        ));
    }
    let parents = parents_for(env, &args)?;
    let depends_on = resolve_depends(&env.map, &args.depends_on)?;
    let rev = choose_rev_id(&env.map, args.rev_id.clone())?;
    let header = Header {
        revision: rev,
        down_revisions: parents,
        branch_labels: args.branch_label.iter().cloned().collect(),
        depends_on,
        message: args.message.clone(),
        create_date: now_utc(),
    };
    let generated = if args.autogenerate {
        db::autogenerate(env, out).await?
    } else {
        None
    };
    let mut summary = json::Autogenerate {
        format_version: json::FORMAT_VERSION,
        changes: generated.is_some(),
        ops: Vec::new(),
        notes: Vec::new(),
        downgrade_ops: Vec::new(),
        downgrade_notes: Vec::new(),
        revision: None,
        file: None,
        warnings: Vec::new(),
    };
    let (up, down) = match generated {
        Some(g) => {
            summary.ops = g.ops;
            summary.notes = g.notes;
            summary.downgrade_ops = g.downgrade_ops;
            summary.downgrade_notes = g.downgrade_notes;
            (g.up, g.down)
        }
        None if args.autogenerate && !args.allow_empty => {
            if env.json {
                json::print(out, &summary);
            }
            return Ok(ExitCode::Success);
        }
        None => (String::new(), String::new()),
    };
    let (path, warnings) = write_script(env, &header, &up, &down, out)?;
    if env.json {
        summary.revision = Some(header.revision.clone());
        summary.file = Some(display_path(&path, &env.ctx.cwd));
        summary.warnings = warnings;
        json::print(out, &summary);
    }
    Ok(ExitCode::Success)
}

fn merge(
    env: &Env<'_>,
    message: String,
    branch_label: Option<String>,
    rev_id: Option<String>,
    revisions: &[String],
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    if let Some(l) = &branch_label {
        check_new_label(&env.map, l)?;
    }
    let mut parents: Vec<String> = Vec::new();
    for r in revisions {
        for part in r.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            for id in env
                .map
                .resolve(part, &[])
                .map_err(|e| resolve_err_in(&env.map, e))?
            {
                if !parents.contains(&id) {
                    parents.push(id);
                }
            }
        }
    }
    if parents.len() < 2 {
        return Err(AppError::Usage(format!(
            "merge needs at least two distinct revisions; {} resolve{} to {}",
            revisions.join(" "),
            if revisions.len() == 1 { "s" } else { "" },
            if parents.is_empty() {
                "base".to_string()
            } else {
                parents.join(", ")
            }
        )));
    }
    // A revision that is an ancestor of another one in the list cannot be merged with it.
    for a in &parents {
        for b in &parents {
            if a != b && is_ancestor(&env.map, a, b) {
                return Err(AppError::Usage(format!(
                    "Revision {a} is an ancestor of revision {b}: merging them makes no sense; merge heads instead"
                )));
            }
        }
    }
    let rev = choose_rev_id(&env.map, rev_id)?;
    let header = Header {
        revision: rev,
        down_revisions: parents,
        branch_labels: branch_label.into_iter().collect(),
        depends_on: Vec::new(),
        message,
        create_date: now_utc(),
    };
    write_script(env, &header, "", "", out)?;
    Ok(ExitCode::Success)
}

/// True if `a` is below `b` through `Revises:`.
fn is_ancestor(map: &RevisionMap, a: &str, b: &str) -> bool {
    let mut stack = vec![b.to_string()];
    let mut seen = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        if let Some(h) = map.get(&id) {
            for p in &h.down_revisions {
                if p == a {
                    return true;
                }
                stack.push(p.clone());
            }
        }
    }
    false
}

// ----- schema -------------------------------------------------------------------------------

/// The models' target schema; an empty one is an error (models crate not linked).
pub(crate) fn target_schema(env: &Env<'_>) -> Result<Schema, AppError> {
    let s = (env.ctx.target)().map_err(AppError::Target)?;
    if s.tables.is_empty() && s.enums.is_empty() {
        return Err(AppError::Target(
            "no model is registered: the binary sees no #[derive(Table)] struct. Make sure its main.rs names the models crate (`use my_models as _;`), otherwise the linker drops it".to_string(),
        ));
    }
    Ok(s)
}

fn schema_cmd(
    env: &Env<'_>,
    dialect: Option<DialectArg>,
    out: &mut dyn Write,
) -> Result<ExitCode, AppError> {
    let schema = target_schema(env)?;
    match dialect {
        Some(d) => {
            let d = match d {
                DialectArg::Sqlite => Dialect::Sqlite,
                DialectArg::Postgres => Dialect::Postgres,
                DialectArg::Mysql => Dialect::Mysql,
            };
            for st in retort_sql::create_schema(&schema, d) {
                let sql = st.sql.trim_end();
                let sql = sql.strip_suffix(';').unwrap_or(sql);
                say!(out, "{sql};");
            }
        }
        None => {
            let _ = write!(out, "{}", crate::describe::schema(&schema));
        }
    }
    Ok(ExitCode::Success)
}
