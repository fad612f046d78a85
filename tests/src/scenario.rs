//! Before/after scenarios for autogenerate, run on a live database:
//!
//! 1. create `before` (`retort_sql::create_schema`) and insert the rows;
//! 2. introspect (`db_before`); `diff(db_before, before)` must be empty;
//! 3. `diff(db_before, after)` gives the operations, checked against the expectation;
//! 4. render and run them; introspect (`db_after`); `diff(db_after, after)` must be empty;
//! 5. the rows expected after the upgrade are there;
//! 6. `downgrade(db_before, ops)` rendered and run; introspect; `diff(db_now, before)` must be
//!    empty, and the rows expected after the downgrade are there.

use std::collections::HashMap;

use retort_diff::{Options, Risk};
use retort_schema::{AlterColumn, Dialect, Schema, SqlType, Table};

use crate::{describe_all, list_ops, model, Db, Rows, Server};

/// Builder methods of [`Scenario`] that push their argument onto each of the lists named.
macro_rules! pushers {
    ($($(#[$doc:meta])* $name:ident($ty:ty) => $($list:ident),+;)*) => {$(
        $(#[$doc])*
        pub fn $name(mut self, value: $ty) -> Self {
            $(self.$list.push(value.clone());)+
            self
        }
    )*};
}

/// One before/after pair.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: &'static str,
    pub before: Schema,
    pub after: Schema,
    /// Dialects the scenario runs on (default: all three).
    pub dialects: Vec<Dialect>,
    /// Expected operations (see [`crate::describe`]), compared as a sorted list.
    pub expect: Vec<String>,
    /// Per-dialect expectations replacing [`Scenario::expect`].
    pub expect_on: HashMap<Dialect, Vec<String>>,
    /// Rows inserted after `before` is created.
    pub rows: Vec<Rows>,
    /// Rows that must be there after the upgrade.
    pub rows_after: Vec<Rows>,
    /// Rows that must be there after the downgrade.
    pub rows_down: Vec<Rows>,
    /// Rows that the upgraded schema must accept (inserted after the upgrade, then deleted).
    pub accepts: Vec<Rows>,
    /// Rows that the upgraded schema must refuse (e.g. a removed enum value).
    pub rejects: Vec<Rows>,
    /// Tables created in the database but not in the models (excluded or the version table).
    pub unmanaged: Vec<Table>,
    /// `exclude_tables` globs for introspection.
    pub exclude: Vec<String>,
    /// Other accepted operation lists (any dialect), where the order of independent choices
    /// is the differ's business (e.g. which foreign key closes a cycle).
    pub alternatives: Vec<Vec<String>>,
}

impl Scenario {
    pub fn new(name: &'static str, before: Vec<Table>, after: Vec<Table>) -> Self {
        Scenario {
            name,
            before: model(before),
            after: model(after),
            dialects: crate::DIALECTS.to_vec(),
            expect: Vec::new(),
            expect_on: HashMap::new(),
            rows: Vec::new(),
            rows_after: Vec::new(),
            rows_down: Vec::new(),
            accepts: Vec::new(),
            rejects: Vec::new(),
            unmanaged: Vec::new(),
            exclude: Vec::new(),
            alternatives: Vec::new(),
        }
    }

    /// The operations expected on every dialect (unless overridden with [`Scenario::on`]).
    pub fn expect(mut self, ops: &[&str]) -> Self {
        self.expect = ops.iter().map(|s| s.to_string()).collect();
        self
    }

    /// The operations expected on `d`.
    pub fn on(mut self, d: Dialect, ops: &[&str]) -> Self {
        self.expect_on
            .insert(d, ops.iter().map(|s| s.to_string()).collect());
        self
    }

    /// Another accepted list of operations (on any dialect).
    pub fn or(mut self, ops: &[&str]) -> Self {
        let mut v: Vec<String> = ops.iter().map(|s| s.to_string()).collect();
        v.sort();
        self.alternatives.push(v);
        self
    }

    pub fn only(mut self, dialects: &[Dialect]) -> Self {
        self.dialects = dialects.to_vec();
        self
    }

    pushers! {
        /// Rows inserted before; the same rows expected after the upgrade and after the
        /// downgrade.
        keeps(Rows) => rows, rows_after, rows_down;
        /// Rows inserted before, and expected after the downgrade.
        rows(Rows) => rows, rows_down;
        /// Rows expected after the upgrade.
        rows_after(Rows) => rows_after;
        /// Rows the upgraded schema must accept (e.g. a new enum value); deleted again before
        /// the downgrade (by the first column).
        accepts(Rows) => accepts;
        /// Rows the upgraded schema must refuse.
        rejects(Rows) => rejects;
        /// Rows inserted before, expected after the upgrade, not checked after the downgrade.
        rows_up_only(Rows) => rows;
        /// A table created in the database but not in the models.
        unmanaged(Table) => unmanaged;
    }

    pub fn exclude(mut self, glob: &str) -> Self {
        self.exclude.push(glob.to_string());
        self
    }

    pub fn expected_for(&self, d: Dialect) -> Vec<String> {
        let mut v = self
            .expect_on
            .get(&d)
            .cloned()
            .unwrap_or_else(|| self.expect.clone());
        v.sort();
        v
    }
}

/// A failed scenario: which, where, at which step, and why.
#[derive(Clone, Debug)]
pub struct Failure {
    pub scenario: &'static str,
    pub dialect: Dialect,
    pub step: &'static str,
    pub message: String,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "[{}] {} / step {}: {}",
            self.dialect, self.scenario, self.step, self.message
        )
    }
}

/// Runs every scenario that applies to `d`, each in its own database, and returns the
/// failures (empty: all passed). `None` when the server is unreachable (skipped).
pub async fn run_all(d: Dialect, scenarios: &[Scenario], test: &str) -> Option<Vec<Failure>> {
    let mut server = Server::connect(d, test).await?;
    let mut failures = Vec::new();
    let mut ran = 0;
    let started = std::time::Instant::now();
    for s in scenarios.iter().filter(|s| s.dialects.contains(&d)) {
        ran += 1;
        let t0 = std::time::Instant::now();
        let db = match server.fresh().await {
            Ok(db) => db,
            Err(e) => {
                failures.push(Failure {
                    scenario: s.name,
                    dialect: d,
                    step: "0 fresh database",
                    message: e,
                });
                continue;
            }
        };
        let mut db = db;
        let r = run_one(&mut server, &mut db, s).await;
        server.dispose(db).await;
        match r {
            Ok(_) => eprintln!("ok   [{d}] {} ({:?})", s.name, t0.elapsed()),
            Err((step, message)) => {
                eprintln!("FAIL [{d}] {} at step {step}", s.name);
                failures.push(Failure {
                    scenario: s.name,
                    dialect: d,
                    step,
                    message,
                });
            }
        }
    }
    eprintln!(
        "[{d}] {ran} scenarios, {} failed, {:?}",
        failures.len(),
        started.elapsed()
    );
    Some(failures)
}

type StepResult = Result<Schema, (&'static str, String)>;

fn at<T>(step: &'static str, r: Result<T, String>) -> Result<T, (&'static str, String)> {
    r.map_err(|e| (step, e))
}

/// Runs one scenario on an empty database.
pub async fn run_one(server: &mut Server, db: &mut Db, s: &Scenario) -> StepResult {
    let d = db.dialect();
    let opts = Options::new(d);
    let iopts = retort_introspect::Options {
        exclude_tables: s.exclude.clone(),
        ..Default::default()
    };

    // 1. create `before` (and the unmanaged tables), insert the rows.
    at("1 create before", create(db, &s.before, s).await)?;
    for r in &s.rows {
        at("1 insert rows", db.insert(r).await)?;
    }

    // 2. no false positives on the starting point.
    let db_before = at("2 introspect before", db.introspect(&iopts).await)?;
    let d0 = no_panic("2 diff", || retort_diff::diff(&db_before, &s.before, &opts))?;
    if !d0.ops.is_empty() {
        return Err((
            "2 diff(db_before, before) is empty",
            format!(
                "false positives on the starting point:\n{}",
                list_ops(&d0.ops)
            ),
        ));
    }

    // 3. the operations.
    let diff = no_panic("3 diff", || retort_diff::diff(&db_before, &s.after, &opts))?;
    let up = diff.ops.clone();
    let mut got = describe_all(&up);
    got.sort();
    let want = s.expected_for(d);
    if got != want && !s.alternatives.contains(&got) {
        return Err((
            "3 expected operations",
            format!(
                "expected {want:?}\n  got {got:?}\n  ops:\n{}",
                list_ops(&up)
            ),
        ));
    }

    // 3b. risky operations are flagged (a table created by the same plan holds no rows: its
    // rebuild is no risk).
    let created: Vec<retort_schema::QName> = up
        .iter()
        .filter_map(|op| match op {
            retort_schema::Op::CreateTable(t) => Some(t.qname()),
            _ => None,
        })
        .collect();
    for (idx, op) in up.iter().enumerate() {
        if op.table().is_some_and(|t| created.contains(t)) {
            continue;
        }
        if let Some(risk) = rewrite(op, d) {
            if !diff.notes_for(idx).any(|n| n.risk == risk) {
                return Err((
                    "3 risky operations are flagged",
                    format!(
                        "`{}` rewrites the table on {d} but carries no {risk:?} note (notes: {:?})",
                        crate::describe(op),
                        diff.notes_for(idx).collect::<Vec<_>>()
                    ),
                ));
            }
        }
        let want = match op {
            retort_schema::Op::DropTable { .. } | retort_schema::Op::DropColumn { .. } => {
                Some(Risk::Destructive)
            }
            retort_schema::Op::AddUnique { .. } => Some(Risk::MayFail),
            retort_schema::Op::CreateIndex { index, .. } if index.unique => Some(Risk::MayFail),
            retort_schema::Op::AlterColumn(a) if narrows(&db_before, a) => Some(Risk::Narrowing),
            retort_schema::Op::AlterColumn(a) if a.nullable == Some(false) => Some(Risk::MayFail),
            _ => None,
        };
        if let Some(risk) = want {
            if !diff.notes_for(idx).any(|n| n.risk == risk) {
                return Err((
                    "3 risky operations are flagged",
                    format!(
                        "`{}` carries no {risk:?} note (notes: {:?})",
                        crate::describe(op),
                        diff.notes_for(idx).collect::<Vec<_>>()
                    ),
                ));
            }
        }
    }

    // 4. run them; autogenerate again says nothing.
    let stmts = no_panic_ok("4 render upgrade", || {
        retort_sql::render_ops(&up, d, &db_before)
    })?;
    at(
        "4 run upgrade",
        db.run(&stmts).await.map_err(|e| with_sql(e, &stmts)),
    )?;
    let db_after = at("4 introspect after", db.introspect(&iopts).await)?;
    let d1 = no_panic("4 diff", || retort_diff::diff(&db_after, &s.after, &opts))?;
    if !d1.ops.is_empty() {
        return Err((
            "4 round trip: diff(db_after, after) is empty",
            format!(
                "autogenerate after the upgrade still finds:\n{}\n  upgrade ops were:\n{}",
                list_ops(&d1.ops),
                list_ops(&up)
            ),
        ));
    }

    // 4b. the migrated database has the same structure as one created from `after`.
    let reference = async {
        let mut fresh = server.fresh().await?;
        let got = create_and_introspect(&mut fresh, &s.after, s).await;
        server.dispose(fresh).await;
        got
    }
    .await;
    let reference = at("4 create `after` from scratch", reference)?;
    let diffs = structural_diff(&db_after, &reference);
    if !diffs.is_empty() {
        return Err((
            "4 migrated database = database created from `after` (introspected)",
            with_sql(diffs.join("\n  "), &stmts),
        ));
    }

    // 5. the data.
    for r in &s.rows_after {
        at("5 rows after upgrade", db.check_rows(r).await)?;
    }

    for r in &s.accepts {
        at("5 upgraded schema accepts new rows", db.insert(r).await)?;
        at("5 delete the accepted rows", db.delete(r).await)?;
    }

    for r in &s.rejects {
        if db.insert(r).await.is_ok() {
            return Err((
                "5 upgraded schema refuses rows",
                format!("the database accepted {r:?}"),
            ));
        }
    }

    // 6. downgrade.
    let down = no_panic_ok("6 downgrade ops", || {
        retort_diff::downgrade(&db_before, &up)
    })?;
    // Rendered the way the runner renders a history: each operation against the state the
    // ones before it left (upgrade then downgrade, from `db_before`).
    let n_up = stmts.len();
    let both: Vec<retort_schema::Op> = up.iter().chain(&down).cloned().collect();
    let mut stmts = no_panic_ok("6 render downgrade", || {
        retort_sql::render_ops(&both, d, &db_before)
    })?;
    let stmts = stmts.split_off(n_up.min(stmts.len()));
    at(
        "6 run downgrade",
        db.run(&stmts).await.map_err(|e| with_sql(e, &stmts)),
    )?;
    let db_now = at("6 introspect after downgrade", db.introspect(&iopts).await)?;
    let d2 = no_panic("6 diff", || retort_diff::diff(&db_now, &s.before, &opts))?;
    if !d2.ops.is_empty() {
        return Err((
            "6 downgrade: diff(db_now, before) is empty",
            format!(
                "after the downgrade, autogenerate against `before` finds:\n{}\n  downgrade ops were:\n{}",
                list_ops(&d2.ops),
                list_ops(&down)
            ),
        ));
    }
    for r in &s.rows_down {
        at("6 rows after downgrade", db.check_rows(r).await)?;
    }
    let diffs = structural_diff(&db_now, &db_before);
    if !diffs.is_empty() {
        return Err((
            "6 downgraded database = database created from `before` (introspected)",
            with_sql(diffs.join("\n  "), &stmts),
        ));
    }
    Ok(db_after)
}

/// Creates `schema` plus the scenario's unmanaged tables.
async fn create(db: &mut Db, schema: &Schema, s: &Scenario) -> Result<(), String> {
    let mut whole = schema.clone();
    whole.tables.extend(s.unmanaged.iter().cloned());
    whole.normalize_order();
    db.run(&retort_sql::create_schema(&whole, db.dialect()))
        .await
}

async fn create_and_introspect(
    db: &mut Db,
    schema: &Schema,
    s: &Scenario,
) -> Result<Schema, String> {
    create(db, schema, s).await?;
    db.introspect(&retort_introspect::Options {
        exclude_tables: s.exclude.clone(),
        ..Default::default()
    })
    .await
}

/// Differences between two introspected schemas, independent of the differ: column order,
/// quoting and parentheses in expressions are ignored, everything else must be equal.
pub fn structural_diff(got: &Schema, want: &Schema) -> Vec<String> {
    fn canon_expr(e: &str) -> String {
        e.chars()
            .filter(|c| !matches!(c, '"' | '`' | '(' | ')') && !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase()
    }
    fn canon(s: &Schema) -> Schema {
        let mut s = s.clone();
        for t in &mut s.tables {
            t.columns.sort_by(|a, b| a.name.cmp(&b.name));
            for c in &mut t.columns {
                c.renamed_from.clear();
            }
            t.renamed_from.clear();
            for c in &mut t.checks {
                c.expr = canon_expr(&c.expr);
            }
            for i in &mut t.indexes {
                i.predicate = i.predicate.as_deref().map(canon_expr);
            }
        }
        s.normalize_order();
        s
    }
    let (got, want) = (canon(got), canon(want));
    let mut out = Vec::new();
    let names = |s: &Schema| s.tables.iter().map(|t| t.qname()).collect::<Vec<_>>();
    if names(&got) != names(&want) {
        out.push(format!(
            "tables: migrated {:?}, fresh {:?}",
            names(&got),
            names(&want)
        ));
        return out;
    }
    for (g, w) in got.tables.iter().zip(&want.tables) {
        let t = g.qname();
        macro_rules! cmp {
            ($what:literal, $field:ident) => {
                if g.$field != w.$field {
                    out.push(format!(
                        "table {t}, {}: migrated {:?}\n    fresh {:?}",
                        $what, g.$field, w.$field
                    ));
                }
            };
        }
        cmp!("columns", columns);
        cmp!("primary key", primary_key);
        cmp!("indexes", indexes);
        cmp!("unique constraints", uniques);
        cmp!("foreign keys", foreign_keys);
        cmp!("checks", checks);
        cmp!("comment", comment);
    }
    if got.enums != want.enums {
        out.push(format!(
            "enum types: migrated {:?}, fresh {:?}",
            got.enums, want.enums
        ));
    }
    out
}

fn with_sql(e: String, stmts: &[retort_sql::Statement]) -> String {
    let all: Vec<String> = stmts.iter().map(|s| format!("    {};", s.sql)).collect();
    format!("{e}\n  statements:\n{}", all.join("\n"))
}

/// Panics with every failure, one block each, if there are any.
pub fn report(d: Dialect, failures: Option<Vec<Failure>>) {
    let Some(failures) = failures else { return };
    if failures.is_empty() {
        return;
    }
    let mut msg = format!("{} scenario(s) failed on {d}:\n", failures.len());
    for f in &failures {
        msg.push_str(&format!("\n{f}\n"));
    }
    msg.push_str("\nfailed:");
    for f in &failures {
        msg.push_str(&format!("\n  {} ({})", f.scenario, f.step));
    }
    panic!("{msg}");
}

/// Whether `a` makes a string column shorter (VARCHAR(n) to a smaller n, or TEXT to VARCHAR).
fn narrows(before: &Schema, a: &AlterColumn) -> bool {
    let Some(new) = &a.ty else { return false };
    let Some(old) = before
        .table(&a.table)
        .and_then(|t| t.column(&a.column))
        .map(|c| &c.ty)
    else {
        return false;
    };
    matches!((old, new), (SqlType::Text, SqlType::Varchar(_)))
        || matches!((old, new), (SqlType::Varchar(o), SqlType::Varchar(n)) if n < o)
}

/// `Some(Risk::Rewrite)` for the operations that rewrite a whole table: a SQLite rebuild (type,
/// nullability or default change; constraints added or dropped), a PostgreSQL enum rewrite.
fn rewrite(op: &retort_schema::Op, d: Dialect) -> Option<Risk> {
    use retort_schema::Op;
    let yes = match (op, d) {
        (Op::SetEnumValues { .. }, Dialect::Postgres) => true,
        (Op::AlterColumn(a), Dialect::Sqlite) => {
            a.ty.is_some() || a.nullable.is_some() || a.default.is_some()
        }
        (op, Dialect::Sqlite) if op.changes_constraint() => true,
        _ => false,
    };
    yes.then_some(Risk::Rewrite)
}

/// Runs a pure step, turning a panic into this scenario's failure (the other scenarios still
/// run).
/// [`no_panic`] for a step that can fail: its error, or its panic, is the step's failure.
fn no_panic_ok<T, E: ToString>(
    step: &'static str,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, (&'static str, String)> {
    no_panic(step, f)?.map_err(|e| (step, e.to_string()))
}

fn no_panic<T>(step: &'static str, f: impl FnOnce() -> T) -> Result<T, (&'static str, String)> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).map_err(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "(no message)".to_string());
        (step, format!("panicked: {msg}"))
    })
}
