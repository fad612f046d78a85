//! The compiled-in migration scripts and the schema their history produces.

use std::collections::HashSet;
use std::path::Path;

use retort_revision::{Direction, Header, RevisionMap};
use retort_schema::{Dialect, Op, Schema};

use crate::{Migration, RunError};

/// One migration script compiled into the binary (what `retort-build` generates).
#[derive(Clone, Debug)]
pub struct Script {
    file_name: &'static str,
    header_src: &'static str,
    hash: u64,
    stamp: Option<retort_revision::Stamp>,
    parsed: Option<Parsed>,
    upgrade: fn(&mut Migration),
    downgrade: fn(&mut Migration),
}

/// A header as the build parsed it from the script's `header_src` (see [`Script::parsed`]).
#[derive(Clone, Copy, Debug)]
struct Parsed {
    revision: &'static str,
    down_revisions: &'static str,
    branch_labels: &'static str,
    depends_on: &'static str,
    message: &'static str,
    create_date: &'static str,
}

impl Parsed {
    fn header(&self) -> Header {
        // Ids and labels are `[A-Za-z0-9_]` (the build validated them): a comma separates.
        let list = |l: &str| {
            l.split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        Header {
            revision: self.revision.to_string(),
            down_revisions: list(self.down_revisions),
            branch_labels: list(self.branch_labels),
            depends_on: list(self.depends_on),
            message: self.message.to_string(),
            create_date: self.create_date.to_string(),
        }
    }
}

impl Script {
    /// `file_name`: the script's file name in `versions/`; `header_src`: its `//!` header
    /// block; `hash`: `retort_revision::file_hash` of the file's bytes.
    pub const fn new(
        file_name: &'static str,
        header_src: &'static str,
        hash: u64,
        upgrade: fn(&mut Migration),
        downgrade: fn(&mut Migration),
    ) -> Script {
        Script {
            file_name,
            header_src,
            hash,
            stamp: None,
            parsed: None,
            upgrade,
            downgrade,
        }
    }

    /// The file's size, modification time and status-change time (ns since the Unix epoch;
    /// see [`retort_revision::Stamp`]) when it was compiled in: while they are unchanged on
    /// disk, the freshness check does not read the file.
    pub const fn stamped(mut self, len: u64, modified_ns: u128, changed_ns: u128) -> Script {
        self.stamp = Some(retort_revision::Stamp {
            len,
            modified_ns,
            changed_ns,
        });
        self
    }

    /// The header's fields as the build parsed them from `header_src` (what `retort-build`
    /// generates; the lists comma-separated): [`Script::header`] then builds the [`Header`]
    /// from them instead of parsing the text again, at each command, for each of thousands of
    /// scripts. (Plain string literals, not slices: a slice of `&str` in a binary is a
    /// relocation per item for the loader to apply at each start.)
    pub const fn parsed(
        mut self,
        revision: &'static str,
        down_revisions: &'static str,
        branch_labels: &'static str,
        depends_on: &'static str,
        message: &'static str,
        create_date: &'static str,
    ) -> Script {
        self.parsed = Some(Parsed {
            revision,
            down_revisions,
            branch_labels,
            depends_on,
            message,
            create_date,
        });
        self
    }

    pub fn file_name(&self) -> &'static str {
        self.file_name
    }

    pub fn header_src(&self) -> &'static str {
        self.header_src
    }

    pub fn hash(&self) -> u64 {
        self.hash
    }

    /// The parsed header (from [`Script::parsed`] when the build gave it); an error names the
    /// file.
    pub fn header(&self) -> Result<Header, RunError> {
        if let Some(p) = &self.parsed {
            return Ok(p.header());
        }
        retort_revision::parse_header(self.header_src).map_err(|e| RunError::Script {
            file: self.file_name.to_string(),
            message: e.to_string(),
        })
    }

    /// The plan of `upgrade()` or `downgrade()`.
    pub fn migration(&self, direction: Direction) -> Migration {
        let mut m = Migration::new();
        match direction {
            Direction::Up => (self.upgrade)(&mut m),
            Direction::Down => (self.downgrade)(&mut m),
        }
        m
    }
}

/// Every migration script of an application, compiled in, with the folder they came from.
#[derive(Clone, Debug)]
pub struct MigrationSet {
    dir: &'static str,
    scripts: Vec<Script>,
    /// The original scripts of a squashed range (`versions/squashed/`), kept so a database
    /// inside the range can still reach the squashed revision.
    squashed: Vec<Script>,
    /// Revision id -> index in `scripts`, built on first lookup (headers parse once).
    index: std::sync::OnceLock<std::collections::HashMap<String, usize>>,
}

impl MigrationSet {
    /// `dir` is the `script_location` folder (the one holding `versions/`), used by
    /// [`MigrationSet::check_fresh`]; an empty `dir` means "built in code, no folder".
    pub fn new(dir: &'static str, scripts: Vec<Script>) -> MigrationSet {
        MigrationSet {
            dir,
            scripts,
            squashed: Vec::new(),
            index: std::sync::OnceLock::new(),
        }
    }

    /// The original scripts of a squashed range, from `<dir>/versions/squashed/` (what
    /// `retort-build` generates when `squash` kept them): a database whose version table names
    /// one of them is brought up to the squashed revision by them before anything else runs.
    pub fn with_squashed(mut self, originals: Vec<Script>) -> MigrationSet {
        self.squashed = originals;
        self
    }

    /// The squashed range's original scripts as a set of their own (`None` when there are
    /// none): their graph ends at the squashed revision.
    pub fn squashed(&self) -> Option<MigrationSet> {
        (!self.squashed.is_empty()).then(|| MigrationSet::new("", self.squashed.clone()))
    }

    /// The original script of squashed revision `id`, if `squash` kept it.
    pub fn squashed_script(&self, id: &str) -> Option<&Script> {
        self.squashed
            .iter()
            .find(|s| s.header().is_ok_and(|h| h.revision == id))
    }

    /// No scripts and no folder.
    pub fn empty() -> MigrationSet {
        MigrationSet::new("", Vec::new())
    }

    pub fn dir(&self) -> &'static str {
        self.dir
    }

    pub fn scripts(&self) -> &[Script] {
        &self.scripts
    }

    /// The script of revision `id`.
    pub fn script(&self, id: &str) -> Result<&Script, RunError> {
        let index = self.index.get_or_init(|| {
            self.scripts
                .iter()
                .enumerate()
                .filter_map(|(i, s)| Some((s.header().ok()?.revision, i)))
                .collect()
        });
        if let Some(&i) = index.get(id) {
            return Ok(&self.scripts[i]);
        }
        // Not found: the scan says which header does not parse, if one does not.
        for s in &self.scripts {
            if s.header()?.revision == id {
                return Ok(s);
            }
        }
        Err(RunError::NoScript { id: id.to_string() })
    }

    /// The revision graph of the compiled-in scripts.
    pub fn revision_map(&self) -> Result<RevisionMap, RunError> {
        let headers = self
            .scripts
            .iter()
            .map(Script::header)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(RevisionMap::new(headers)?)
    }

    /// The compiled-in `<dir>/versions/` folder, if this process can see it: the binary runs
    /// in the development checkout it was built from. `None` for a set built in code and for a
    /// deployed binary (the build-time folder is absent or unreadable where it runs).
    pub fn source_versions(&self) -> Option<std::path::PathBuf> {
        if self.dir.is_empty() {
            return None;
        }
        let versions = Path::new(self.dir).join("versions");
        std::fs::metadata(&versions)
            .is_ok_and(|m| m.is_dir())
            .then_some(versions)
    }

    /// Guards the development loop: stops if the scripts in `<dir>/versions/` are not the
    /// compiled-in ones (files added, removed or edited since the binary was built).
    ///
    /// Runs only where the build-time folder exists ([`MigrationSet::source_versions`]). A
    /// deployed binary (the folder is absent or unreadable where it runs) and a set built in
    /// code have nothing to compare and pass: they run the compiled-in scripts, and what
    /// guards them is the checksum of each applied script in the applied-migrations log.
    pub fn check_fresh(&self) -> Result<(), RunError> {
        if self.source_versions().is_none() {
            return Ok(());
        }
        let compiled = as_compiled(&self.scripts);
        retort_revision::check_fresh_stamped(Path::new(self.dir), &compiled)?;
        let squashed = as_compiled(&self.squashed);
        retort_revision::check_fresh_squashed(Path::new(self.dir), &squashed)
            .map_err(RunError::from)
    }

    /// [`MigrationSet::check_fresh`], then [`MigrationSet::revision_map`], in the time of the
    /// slower of the two: in a development checkout the check's `stat`s run on another thread
    /// while this one parses the headers and builds the graph. A stale set is reported first
    /// (its graph may be what is wrong with it), as when the two run one after the other.
    pub fn fresh_revision_map(&self) -> Result<RevisionMap, RunError> {
        if self.source_versions().is_none() {
            return self.revision_map();
        }
        std::thread::scope(|s| {
            let fresh = s.spawn(|| self.check_fresh());
            let map = self.revision_map();
            fresh.join().expect("the freshness check panicked")?;
            map
        })
    }

    /// The schema the history produces up to `heads` (revision ids; empty = base): every
    /// revision at or below them (through `Revises:` and `Depends on:`), in topological order,
    /// each one's `upgrade()` operations applied with [`Op::apply`].
    ///
    /// Raw SQL ([`Op::Sql`]), bulk inserts and Rust steps are opaque: whatever they create is
    /// not in the result. An operation that does not apply (often: it changes an object made
    /// by raw SQL) is an error naming the revision and the operation.
    pub fn replay(&self, heads: &[String]) -> Result<Schema, RunError> {
        let map = self.revision_map()?;
        let mut schema = Schema::default();
        for rev in self.ancestry(&map, heads)? {
            let m = self.script(&rev)?.migration(Direction::Up);
            for op in m.ops() {
                apply_op(op, &mut schema, None).map_err(|source| RunError::Replay {
                    revision: rev.clone(),
                    op: op.describe(),
                    source,
                })?;
            }
        }
        Ok(schema)
    }

    /// Like [`MigrationSet::replay`], but an operation that does not apply is skipped (the
    /// renderer falls back for it, see `render`; autogenerate reads the enum types the history
    /// created from it on databases that keep no enum names).
    pub fn replay_lenient(
        &self,
        map: &RevisionMap,
        heads: &[String],
        d: Dialect,
    ) -> Result<Schema, RunError> {
        let mut schema = Schema::default();
        for rev in self.ancestry(map, heads)? {
            let m = self.script(&rev)?.migration(Direction::Up);
            for op in m.ops() {
                let _ = apply_op(op, &mut schema, Some(d));
            }
        }
        Ok(schema)
    }

    /// The error for a version-table row the graph does not have: a revision `squash` folded
    /// (its original script kept) is told apart from one this binary never had.
    pub fn unknown_applied(&self, id: String) -> RunError {
        let into = self.squashed().and_then(|set| {
            let map = set.revision_map().ok()?;
            map.get(&id)?;
            map.heads().first().map(|h| h.to_string())
        });
        match into {
            Some(into) => RunError::SquashedApplied { id, into },
            None => RunError::UnknownApplied { id },
        }
    }

    /// `heads` and everything below them, in topological order.
    fn ancestry(&self, map: &RevisionMap, heads: &[String]) -> Result<Vec<String>, RunError> {
        let mut below: HashSet<String> = HashSet::new();
        let mut stack: Vec<String> = heads.to_vec();
        while let Some(id) = stack.pop() {
            let Some(h) = map.get(&id) else {
                return Err(self.unknown_applied(id));
            };
            if !below.insert(id.clone()) {
                continue;
            }
            stack.extend(h.down_revisions.iter().cloned());
            stack.extend(map.dependencies(&id).into_iter().map(str::to_string));
        }
        Ok(map
            .topological()
            .into_iter()
            .filter(|id| below.contains(*id))
            .map(str::to_string)
            .collect())
    }
}

/// [`Op::apply`], plus, for a dialect, CHECK expressions and index predicates spelling a
/// renamed column the way that database does (as `retort-sql` does internally).
pub(crate) fn apply_op(
    op: &Op,
    schema: &mut Schema,
    d: Option<Dialect>,
) -> Result<(), retort_schema::ApplyError> {
    op.apply(schema)?;
    // Op::apply already rewrites them in the neutral spelling; the dialect's spelling is what
    // the database shows and what a SQLite rebuild writes back.
    let Some(d) = d else { return Ok(()) };
    if let Op::AlterColumn(a) = op {
        if let Some(new) = a.new_name.as_ref().filter(|n| **n != a.column) {
            if let Some(t) = schema.table_mut(&a.table) {
                let rename = |e: &str| retort_sql::rename_column_in_expr(e, &a.column, new, d);
                for c in &mut t.checks {
                    c.expr = rename(&c.expr);
                }
                for i in &mut t.indexes {
                    if let Some(p) = &mut i.predicate {
                        *p = rename(p);
                    }
                }
            }
        }
    }
    Ok(())
}

/// What the freshness checks compare of each compiled-in script.
fn as_compiled(scripts: &[Script]) -> Vec<retort_revision::Compiled<'_>> {
    scripts
        .iter()
        .map(|s| retort_revision::Compiled {
            file_name: s.file_name,
            hash: s.hash,
            stamp: s.stamp,
        })
        .collect()
}
