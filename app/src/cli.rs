//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// retort: Alembic for Rust. Writes, checks and runs database migrations.
#[derive(Debug, Parser)]
#[command(name = "retort", version, disable_help_subcommand = true)]
pub struct Cli {
    /// Database URL (overrides DATABASE_URL, .env and retort.toml).
    #[arg(long, global = true, value_name = "URL")]
    pub url: Option<String>,
    /// Configuration file (default: retort.toml in the current folder, if any).
    #[arg(short = 'c', long = "config", global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only print results and errors, no progress lines.
    #[arg(short, long, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
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
    /// Scaffold retort in a workspace: retort.toml, migrations/versions/ and a `cli` package.
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
    },
    /// Write models for the database's tables that the models do not have yet.
    Pull {
        /// The file to write (default: src/pulled.rs of the models crate).
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Fold the history from base up to REV into REV (one script creating that schema).
    Squash {
        #[arg(value_name = "REV")]
        revision: String,
        /// Message of the squashed revision (default: REV's, with the count).
        #[arg(short, long, value_name = "MSG")]
        message: Option<String>,
    },
    /// On a scratch database: run the history up, compare with the models, then down and up
    /// again, checking that every downgrade restores the schema before its revision.
    Verify {
        /// The server or file to create the scratch database on (default: the configured
        /// database's server; SQLite: a temporary file).
        #[arg(long, value_name = "URL")]
        scratch_url: Option<String>,
    },
    /// Create a new revision script.
    Revision {
        /// Message (first line of the script, and its file name's slug).
        #[arg(short, long, value_name = "MSG")]
        message: Option<String>,
        /// Compare the models with the database and write the operations.
        #[arg(long)]
        autogenerate: bool,
        /// With --autogenerate: write a script even if nothing changed.
        #[arg(long)]
        allow_empty: bool,
        /// Parent revision (a head, `label@head`, or `base` for a new lineage).
        #[arg(long, value_name = "REV")]
        head: Option<String>,
        /// Allow --head to name a revision that is not a head (creates a branch).
        #[arg(long)]
        splice: bool,
        /// Branch label for the new revision.
        #[arg(long, value_name = "LABEL")]
        branch_label: Option<String>,
        /// Revision(s) or label(s) the new revision depends on.
        #[arg(long, value_name = "REV")]
        depends_on: Vec<String>,
        /// Revision id to use instead of a random one.
        #[arg(long, value_name = "ID")]
        rev_id: Option<String>,
    },
    /// Upgrade to a later revision (`head`, `heads`, `+1`, an id, ...).
    Upgrade {
        /// Target (with --sql: `from:to` allowed).
        #[arg(allow_hyphen_values = true)]
        revision: String,
        /// Print the SQL instead of running it (offline mode).
        #[arg(long)]
        sql: bool,
    },
    /// Revert to a previous revision (`-1`, `base`, an id, ...).
    Downgrade {
        /// Target (with --sql: `from:to`).
        #[arg(allow_hyphen_values = true)]
        revision: String,
        /// Print the SQL instead of running it (offline mode).
        #[arg(long)]
        sql: bool,
    },
    /// Show the revision(s) the database is at.
    Current {
        #[arg(short, long)]
        verbose: bool,
    },
    /// List revisions, newest first.
    History {
        /// Range `[start]:[end]` (e.g. `-3:current`, `ae10:`).
        #[arg(
            short = 'r',
            long = "rev-range",
            value_name = "RANGE",
            allow_hyphen_values = true
        )]
        rev_range: Option<String>,
        #[arg(short, long)]
        verbose: bool,
        /// Mark the database's current revision(s).
        #[arg(short = 'i', long)]
        indicate_current: bool,
    },
    /// Show the head revisions.
    Heads {
        #[arg(short, long)]
        verbose: bool,
    },
    /// Show the branch points.
    Branches {
        #[arg(short, long)]
        verbose: bool,
    },
    /// Show a revision (`head`, `heads`, `current`, an id, a label).
    Show { revision: String },
    /// Create a merge revision of two or more revisions (or `heads`).
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
    Check {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Print the models' target schema (or, with --dialect, its CREATE statements).
    Schema {
        #[arg(long, value_enum)]
        dialect: Option<DialectArg>,
    },
}
