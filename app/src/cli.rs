//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// retort: Alembic for Rust. Writes, checks and runs database migrations.
#[derive(Debug, Parser)]
#[command(
    name = "retort",
    version,
    disable_help_subcommand = true,
    after_help = "Examples:\n  retort init                                     scaffold retort in this workspace\n  retort revision --help                          how to write a migration from the models\n  retort upgrade head                             run the pending migrations\n  retort check                                    CI: exit 1 if models and database differ\n  retort history -i                               the revision graph, current marked\n\nEach command's --help has examples. Configuration: retort.toml, found from the current folder upward; the database URL from --url, DATABASE_URL, .env or retort.toml."
)]
pub struct Cli {
    /// Database URL (overrides DATABASE_URL, .env and retort.toml).
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,
    /// Configuration file (default: retort.toml in the current folder, if any).
    #[arg(short = 'c', long = "config", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only print results and errors, no progress lines.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Say more: full entries for current/history/heads/show/branches, each SQL statement
    /// for upgrade/downgrade/stamp.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Output format: `text` for people, `json` for tools (one JSON object with
    /// `"format_version": 1`; on current, heads, history, show, check, upgrade, downgrade and
    /// revision).
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "text",
        value_name = "FORMAT"
    )]
    pub format: Format,
    /// Running over many databases or schemas (upgrade, downgrade, current, check, stamp).
    #[command(flatten)]
    pub fleet: FleetArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The fleet options: one command over a set of targets (databases or PostgreSQL schemas)
/// sharing the history. Any of `--targets`, `--fleet` or `--schemas` makes a run a fleet run.
#[derive(Args, Debug, Clone, Default)]
pub struct FleetArgs {
    /// Run over the databases listed in FILE: one URL a line, blank lines and `#` comments
    /// ignored (upgrade, downgrade, current, check, stamp).
    #[arg(long, global = true, value_name = "FILE", help_heading = "Fleet")]
    pub targets: Option<PathBuf>,
    /// Run over the targets of the `[targets]` table of retort.toml.
    #[arg(long, global = true, help_heading = "Fleet")]
    pub fleet: bool,
    /// PostgreSQL: run over every schema of the database whose name matches PATTERN (a LIKE
    /// pattern such as `tenant_%`, or a glob such as `tenant_*`), each with its own version
    /// table in that schema.
    #[arg(long, global = true, value_name = "PATTERN", help_heading = "Fleet")]
    pub schemas: Option<String>,
    /// How many targets run at once (default: `jobs` of `[targets]`, else 4).
    #[arg(long, global = true, value_name = "N", help_heading = "Fleet")]
    pub jobs: Option<usize>,
    /// Skip the targets already at the goal (their current revision is read first).
    #[arg(long, global = true, help_heading = "Fleet")]
    pub resume: bool,
    /// After the first target fails, start no other (those running finish).
    #[arg(long, global = true, help_heading = "Fleet")]
    pub fail_fast: bool,
}

impl FleetArgs {
    /// Whether the command line asks for a fleet run.
    pub fn active(&self) -> bool {
        self.targets.is_some() || self.fleet || self.schemas.is_some()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    Sqlite,
    Postgres,
    Mysql,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    #[command(
        after_help = "Examples:\n  retort completions bash > ~/.local/share/bash-completion/completions/retort\n  retort completions zsh > ~/.zfunc/_retort\n  retort completions fish > ~/.config/fish/completions/retort.fish\n  retort completions powershell >> $PROFILE"
    )]
    Completions {
        shell: clap_complete::Shell,
        /// The command name to complete (default: retort).
        #[arg(long, value_name = "NAME", default_value = "retort")]
        name: String,
    },
    /// Create or drop the database of the URL (a SQLite file, or a PostgreSQL/MySQL database).
    #[command(
        subcommand,
        after_help = "Examples:\n  retort database create\n  retort database drop -y\n  retort --url postgres://postgres@localhost/app database create"
    )]
    Database(DatabaseCommand),
    /// Scaffold retort in a workspace: retort.toml, migrations/versions/ and a `cli` package.
    #[command(
        after_help = "Examples:\n  retort init                          scaffold retort.toml, migrations/versions/ and cli/\n  retort init --models-crate models    use the existing `models` package\n  retort init . --from-db postgres://localhost/app   adopt an existing database\n  retort init --db sqlite,postgres     build the cli package with both drivers"
    )]
    Init {
        /// Workspace root (default: the current folder).
        dir: Option<PathBuf>,
        /// Package name of the crate holding the #[derive(Table)] models (default: the one
        /// package of the workspace that depends on retort, else a new `models` crate).
        #[arg(long, value_name = "NAME")]
        models_crate: Option<String>,
        /// Folder of the models crate, relative to the workspace root (default: NAME).
        /// Created with one example table when it has no Cargo.toml.
        #[arg(long, value_name = "PATH")]
        models_path: Option<PathBuf>,
        /// A retort checkout to depend on by path (default: as the models crate depends on
        /// retort, else the checkout this binary was built from).
        #[arg(long, value_name = "DIR")]
        retort_path: Option<PathBuf>,
        /// Adopt an existing database: pull its models into a new models crate, write a
        /// baseline revision that creates that schema, and stamp the database at it.
        #[arg(long, value_name = "URL")]
        from_db: Option<String>,
        /// The databases the cli package is built for: a comma-separated list of sqlite,
        /// postgres, mysql (default: the database of --from-db, --url or DATABASE_URL, else
        /// sqlite). Each driver is compiled only when listed.
        #[arg(long, value_name = "LIST")]
        db: Option<String>,
    },
    /// Write models for the database's tables that the models do not have yet.
    #[command(
        after_help = "Examples:\n  retort pull                    models for the tables the models lack, in src/pulled.rs\n  retort pull --out src/legacy.rs --force"
    )]
    Pull {
        /// The file to write (default: src/pulled.rs of the models crate).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Fold the history from base up to REV into REV (one script creating that schema).
    #[command(
        after_help = "Examples:\n  retort squash ae10 -m \"baseline\"   fold base..ae10 into one script"
    )]
    Squash {
        #[arg(value_name = "REV")]
        revision: String,
        /// Message of the squashed revision (default: REV's, with the count).
        #[arg(short, long, value_name = "MSG")]
        message: Option<String>,
    },
    /// On a scratch database: run the history up, compare with the models, then down and up
    /// again, checking that every downgrade restores the schema before its revision.
    #[command(
        after_help = "Examples:\n  retort verify                  up, down, up on a scratch database\n  retort verify --scratch-url postgres://postgres@localhost/scratch"
    )]
    Verify {
        /// The server or file to create the scratch database on (default: the configured
        /// database's server; SQLite: a temporary file).
        #[arg(long, value_name = "URL")]
        scratch_url: Option<String>,
    },
    /// Create a new revision script.
    #[command(
        after_help = "Examples:\n  retort revision --autogenerate -m \"add users\"   compare models and database, write the operations\n  retort revision -m \"backfill emails\"             an empty script to fill in by hand\n  retort revision --autogenerate -m x --format json   the summary as JSON"
    )]
    Revision(RevisionArgs),
    /// Upgrade to a later revision (`head`, `heads`, `+1`, an id, ...).
    #[command(
        after_help = "Examples:\n  retort upgrade head            every pending revision (one head)\n  retort upgrade heads           every head of every branch\n  retort upgrade +1              one step\n  retort upgrade head --sql      print the SQL instead (offline)\n  retort upgrade head --format json   what ran, with durations, as JSON\n  retort upgrade head --wait-replicas=r1,r2   return once replicas r1 and r2 replayed it (PostgreSQL)"
    )]
    Upgrade {
        /// Target (with --sql: `from:to` allowed).
        #[arg(allow_hyphen_values = true)]
        revision: String,
        /// Print the SQL instead of running it (offline mode).
        #[arg(long)]
        sql: bool,
        /// PostgreSQL: before reporting success, wait until these streaming replicas
        /// (comma-separated `application_name`s; none given: every connected replica) have
        /// replayed the run, up to `replica_timeout`; overrides `wait_for_replicas`.
        #[arg(long, value_name = "NAMES", num_args = 0..=1, require_equals = true, value_delimiter = ',', default_missing_value = "*")]
        wait_replicas: Option<Vec<String>>,
    },
    /// Revert to a previous revision (`-1`, `base`, an id, ...).
    #[command(
        after_help = "Examples:\n  retort downgrade -1            undo the last revision (from a merge point: the merge)\n  retort downgrade base          undo everything\n  retort downgrade ae10          back to revision ae10..."
    )]
    Downgrade {
        /// Target (with --sql: `from:to`).
        #[arg(allow_hyphen_values = true)]
        revision: String,
        /// Print the SQL instead of running it (offline mode).
        #[arg(long)]
        sql: bool,
        /// PostgreSQL: before reporting success, wait until these streaming replicas
        /// (comma-separated `application_name`s; none given: every connected replica) have
        /// replayed the run, up to `replica_timeout`; overrides `wait_for_replicas`.
        #[arg(long, value_name = "NAMES", num_args = 0..=1, require_equals = true, value_delimiter = ',', default_missing_value = "*")]
        wait_replicas: Option<Vec<String>>,
    },
    /// Finish a revision interrupted on MySQL/MariaDB (a crash or a lost connection half-way):
    /// run its remaining statements and record it.
    #[command(
        after_help = "Examples:\n  retort resume                  run the rest of the interrupted revision (the statement in flight is checked against the schema first)\n  retort resume --finished       the rest was done by hand: record the revision, clear the marker\n  retort resume --abandon        its statements were undone by hand: clear the marker"
    )]
    Resume {
        /// The remaining statements were run by hand: record the revision as applied (version
        /// table and log) and clear the progress marker; no migration SQL runs.
        #[arg(long, conflicts_with = "abandon")]
        finished: bool,
        /// The applied statements were undone by hand: clear the progress marker; the version
        /// table stays where it is.
        #[arg(long)]
        abandon: bool,
    },
    /// Show the revision(s) the database is at.
    #[command(
        after_help = "Examples:\n  retort current                 the revision(s) the database is at\n  retort current -v              with the applied-migrations log\n  retort current --format json"
    )]
    Current,
    /// List revisions, newest first.
    #[command(
        after_help = "Examples:\n  retort history -i              the graph, newest first, current revision marked\n  retort history -r -3:current   a range\n  retort history --format json"
    )]
    History {
        /// Range `[start]:[end]` (e.g. `-3:current`, `ae10:`).
        #[arg(
            short = 'r',
            long = "rev-range",
            value_name = "RANGE",
            allow_hyphen_values = true
        )]
        rev_range: Option<String>,
        /// Mark the database's current revision(s).
        #[arg(short = 'i', long)]
        indicate_current: bool,
    },
    /// Show the head revisions.
    #[command(after_help = "Examples:\n  retort heads\n  retort heads -v --format json")]
    Heads,
    /// Show the branch points.
    #[command(after_help = "Examples:\n  retort branches -v")]
    Branches,
    /// Show a revision (`head`, `heads`, `current`, an id, a label).
    #[command(
        after_help = "Examples:\n  retort show head\n  retort show feature@head --format json"
    )]
    Show { revision: String },
    /// Create a merge revision of two or more revisions (or `heads`).
    #[command(after_help = "Examples:\n  retort merge heads -m \"merge feature\"")]
    Merge {
        #[arg(short, long, value_name = "MSG")]
        message: Option<String>,
        /// Branch label for the merge revision.
        #[arg(long, value_name = "LABEL")]
        branch_label: Option<String>,
        /// Revision id to use instead of a random one.
        #[arg(long, value_name = "ID")]
        rev_id: Option<String>,
        #[arg(required = true, value_name = "REV")]
        revisions: Vec<String>,
    },
    /// Set the version table to revision(s) without running migrations.
    #[command(
        after_help = "Examples:\n  retort stamp head              mark the database as up to date without running anything\n  retort stamp --purge ae10      rewrite the version table\n  retort stamp --accept-edits    accept intended edits of applied scripts"
    )]
    Stamp {
        #[arg(
            required_unless_present = "accept_edits",
            value_name = "REV",
            allow_hyphen_values = true
        )]
        revisions: Vec<String>,
        /// Empty the version table first.
        #[arg(long)]
        purge: bool,
        /// Print the SQL instead of running it.
        #[arg(long)]
        sql: bool,
        /// Accept intended edits of applied scripts: record the checksum of each applied
        /// script that changed since it ran, as the applied one (no SQL runs; the version
        /// table is unchanged).
        #[arg(long, conflicts_with_all = ["revisions", "purge", "sql"])]
        accept_edits: bool,
    },
    /// Compare models, migrations and database: exit 0 if they agree, 1 if not.
    #[command(
        after_help = "Examples:\n  retort check                   exit 1 if models, migrations and database differ (CI)\n  retort check --format json"
    )]
    Check,
    /// Print the models' target schema (or, with --dialect, its CREATE statements).
    #[command(
        after_help = "Examples:\n  retort schema                  the models' target schema\n  retort schema --dialect postgres   as CREATE statements"
    )]
    Schema {
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
    },
}

#[derive(Debug, Subcommand)]
pub enum DatabaseCommand {
    /// Create the database (nothing to do if it exists).
    Create,
    /// Drop the database and all its data (asks first on a terminal; elsewhere needs -y).
    Drop {
        /// Do not ask: drop.
        #[arg(short = 'y', long = "yes")]
        yes: bool,
    },
}

/// `revision`'s options.
#[derive(Args, Debug)]
pub struct RevisionArgs {
    /// Message (first line of the script, and its file name's slug).
    #[arg(short, long, value_name = "MSG")]
    pub message: Option<String>,
    /// Compare the models with the database and write the operations.
    #[arg(long)]
    pub autogenerate: bool,
    /// With --autogenerate: write a script even if nothing changed.
    #[arg(long)]
    pub allow_empty: bool,
    /// Parent revision (a head, `label@head`, or `base` for a new lineage).
    #[arg(long, value_name = "REV")]
    pub head: Option<String>,
    /// Allow --head to name a revision that is not a head (creates a branch).
    #[arg(long)]
    pub splice: bool,
    /// Branch label for the new revision.
    #[arg(long, value_name = "LABEL")]
    pub branch_label: Option<String>,
    /// Revision(s) or label(s) the new revision depends on.
    #[arg(long, value_name = "REV")]
    pub depends_on: Vec<String>,
    /// Revision id to use instead of a random one.
    #[arg(long, value_name = "ID")]
    pub rev_id: Option<String>,
}
