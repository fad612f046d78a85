//! The progress marker of a revision that runs outside a transaction (MySQL/MariaDB, which
//! commit every DDL statement on its own), after sqlx-cli's `dirty` flag and Flyway's failed
//! row: `<version table>_progress`, one row while a revision runs, holding the revision, its
//! direction, how many of its statements are done, the statement in flight, the version table
//! before and after it, and when it started.
//!
//! Written before the first statement of a revision and before each statement; deleted in the
//! same transaction as the revision's version-table writes and log row (DML, which MySQL does
//! run in a transaction). Within a run, that transaction also inserts the marker of the next
//! revision, naming its first statement (planned then) as the one in flight: a crash between
//! the two revisions leaves exactly that (the statement did not run), and the next revision's
//! first statement needs no marker write — no commit — of its own. So after a crash (SIGKILL, a lost connection) the database says
//! exactly how far the revision got, and [`crate::resume`] finishes it.
//!
//! PostgreSQL and SQLite run each revision in one transaction: a crash rolls it back whole, so
//! the marker is not needed there and is not written.

use retort_revision::{Direction, RevisionMap};
use retort_schema::{Dialect, QName, Schema};
use retort_sql::{quote_qname, quote_string};

use crate::backend::{backend, table_exists};
use crate::render::render;
use crate::set::apply_op;
use crate::words::show_rows;
use crate::{Db, Migration, MigrationSet, MigrationStep, RunError};

/// How a Rust step (`Migration::run`) appears as the statement in flight.
pub(crate) const HOOK_TEXT: &str = "-- the Rust step of the migration (Migration::run)";

/// The progress table of a version table: `<name>_progress` in the same schema
/// (`retort_version` -> `retort_version_progress`).
pub fn progress_table(version_table: &QName) -> QName {
    QName::with_schema(
        version_table.schema.clone(),
        format!("{}_progress", version_table.name),
    )
}

/// A revision that started and did not finish, as its marker records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The revision whose script was running.
    pub revision: String,
    /// Its `upgrade()` or `downgrade()`.
    pub direction: Direction,
    /// Its statements (and Rust steps), as planned before the first one ran.
    pub statements_total: usize,
    /// How many of them completed.
    pub statements_done: usize,
    /// The statement that was sent next (number `statements_done + 1`), whose outcome is
    /// unknown; `None` when none was in flight (the revision had not started its next
    /// statement, or all were done and the version table was about to be written).
    pub statement: Option<String>,
    /// The checksum of the script that was running ([`crate::checksum_hex`]).
    pub checksum: String,
    /// The version table's rows before the revision.
    pub version_before: Vec<String>,
    /// The version table's rows once the revision is recorded.
    pub version_after: Vec<String>,
    /// When the revision started (UTC, the database's clock).
    pub started_at: String,
}

/// What the live schema says about the statement that was in flight.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InFlight {
    /// No statement was in flight.
    None,
    /// Its effect is in the database: it ran (resume skips it).
    Ran,
    /// Its effect is not in the database: it did not run (resume runs it).
    NotRun,
    /// It cannot be told from the schema; why.
    Unknown(String),
}

fn join(v: &[String]) -> String {
    v.join(",")
}

fn split(s: &str) -> Vec<String> {
    let mut v: Vec<String> = s
        .split(',')
        .filter(|x| !x.is_empty())
        .map(str::to_string)
        .collect();
    v.sort();
    v
}

/// `CREATE TABLE IF NOT EXISTS` of the progress table of `vt`.
pub(crate) fn create_sql(vt: &QName, d: Dialect) -> String {
    let (_, at) = backend(d).log_columns();
    format!(
        "CREATE TABLE IF NOT EXISTS {} (revision VARCHAR(255) NOT NULL, direction VARCHAR(16) NOT NULL, statements_total INTEGER NOT NULL, statements_done INTEGER NOT NULL, statement TEXT, checksum VARCHAR(64) NOT NULL, version_before TEXT NOT NULL, version_after TEXT NOT NULL, started_at {at} NOT NULL)",
        quote_qname(&progress_table(vt), d)
    )
}

/// The INSERT of a revision's marker (`statements_done` and the statement in flight as `p`
/// says: the run inserts it with its first statement, none done).
pub(crate) fn insert_sql(p: &Progress, vt: &QName, d: Dialect) -> String {
    let lit = |s: &str| quote_string(s, d);
    format!(
        "INSERT INTO {} (revision, direction, statements_total, statements_done, statement, checksum, version_before, version_after, started_at) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {})",
        quote_qname(&progress_table(vt), d),
        lit(&p.revision),
        lit(crate::words::direction_word(p.direction)),
        p.statements_total,
        p.statements_done,
        p.statement.as_deref().map_or("NULL".to_string(), lit),
        lit(&p.checksum),
        lit(&join(&p.version_before)),
        lit(&join(&p.version_after)),
        backend(d).now_utc(),
    )
}

/// The marker write before statement `number` (1-based; `sql`, or [`HOOK_TEXT`]) is sent:
/// the revision's marker INSERT if it is not written yet (`first`, taken), else the UPDATE.
/// The run sends it in one round trip with the statement (MySQL/MariaDB multi-statements:
/// the server runs the statement only once the marker is written).
pub(crate) fn before_sql(
    first: &mut Option<Progress>,
    number: usize,
    sql: &str,
    vt: &QName,
    d: Dialect,
) -> String {
    match first.take() {
        Some(mut p) => {
            p.statements_done = number - 1;
            p.statement = Some(sql.to_string());
            insert_sql(&p, vt, d)
        }
        None => update_sql(number - 1, sql, vt, d),
    }
}

/// The UPDATE before statement `done + 1` (`sql`) is sent.
pub(crate) fn update_sql(done: usize, sql: &str, vt: &QName, d: Dialect) -> String {
    format!(
        "UPDATE {} SET statements_done = {done}, statement = {}",
        quote_qname(&progress_table(vt), d),
        quote_string(sql, d)
    )
}

/// The DELETE of the marker (with the version-table writes, or by `resume --abandon`).
pub(crate) fn delete_sql(vt: &QName, d: Dialect) -> String {
    format!("DELETE FROM {}", quote_qname(&progress_table(vt), d))
}

/// The marker of `vt`, if a revision is interrupted (never on PostgreSQL and SQLite).
pub async fn read_progress(db: &mut Db, vt: &QName) -> Result<Option<Progress>, RunError> {
    let d = db.dialect();
    if backend(d).transactional() || !table_exists(db, &progress_table(vt)).await? {
        return Ok(None);
    }
    let sql = format!(
        "SELECT revision, direction, statements_total, statements_done, statement, checksum, version_before, version_after, {} FROM {}",
        backend(d).applied_at_text().replace("applied_at", "started_at"),
        quote_qname(&progress_table(vt), d)
    );
    let rows = db.query_strings(&sql).await?;
    let Some(r) = rows.into_iter().next() else {
        return Ok(None);
    };
    let s = |i: usize| r.get(i).cloned().flatten().unwrap_or_default();
    Ok(Some(Progress {
        revision: s(0),
        direction: if s(1) == "downgrade" {
            Direction::Down
        } else {
            Direction::Up
        },
        statements_total: s(2).parse().unwrap_or_default(),
        statements_done: s(3).parse().unwrap_or_default(),
        statement: r.get(4).cloned().flatten(),
        checksum: s(5),
        version_before: split(&s(6)),
        version_after: split(&s(7)),
        started_at: s(8),
    }))
}

/// One statement (or Rust step) of a migration as planned: the step of the migration it
/// belongs to, and whether it is its operation's first and last statement.
pub(crate) struct Planned {
    pub sql: String,
    pub step: usize,
    pub first: bool,
    pub last: bool,
}

/// A migration's statements as planned before its first one runs: per step, its operation's
/// statements (`None`: a Rust step). A run sends these very statements where the live schema
/// it plans against is still the one the plan carried forward (each operation rendered once).
pub(crate) struct PlannedSteps(pub Vec<Option<Vec<retort_sql::Statement>>>);

impl PlannedSteps {
    /// Statements and Rust steps.
    pub fn count(&self) -> usize {
        self.0.iter().map(|s| s.as_ref().map_or(1, Vec::len)).sum()
    }

    /// The first statement's SQL (or [`HOOK_TEXT`]), if any.
    pub fn first_sql(&self) -> Option<&str> {
        self.0.iter().find_map(|s| match s {
            None => Some(HOOK_TEXT),
            Some(v) => v.first().map(|st| st.sql.as_str()),
        })
    }

    /// Takes the statements planned for step `step` (once).
    pub fn take(&mut self, step: usize) -> Option<Vec<retort_sql::Statement>> {
        self.0.get_mut(step).and_then(Option::take)
    }
}

/// Every operation of `m` rendered against `state` carried forward operation by operation
/// (what a run plans before its first statement).
pub(crate) fn plan_steps(
    m: &Migration,
    d: Dialect,
    state: &Schema,
) -> Result<PlannedSteps, retort_sql::RenderError> {
    // Carried forward from the second operation on: a one-operation migration (most of a
    // long history) copies nothing.
    let mut state = std::borrow::Cow::Borrowed(state);
    let steps = m.steps();
    let mut out = Vec::with_capacity(steps.len());
    for (step, s) in steps.iter().enumerate() {
        match s {
            MigrationStep::Op(op) => {
                out.push(Some(render(op, d, &state)?));
                if step + 1 < steps.len() {
                    let _ = apply_op(op, state.to_mut(), Some(d));
                }
            }
            MigrationStep::Run(_) => out.push(None),
        }
    }
    Ok(PlannedSteps(out))
}

/// Every statement of `m` rendered against `state` carried forward operation by operation,
/// one by one.
pub(crate) fn plan(
    m: &Migration,
    d: Dialect,
    state: &Schema,
) -> Result<Vec<Planned>, retort_sql::RenderError> {
    let mut out = Vec::new();
    for (step, s) in plan_steps(m, d, state)?.0.into_iter().enumerate() {
        match s {
            Some(stmts) => {
                let n = stmts.len();
                out.extend(stmts.into_iter().enumerate().map(|(i, st)| Planned {
                    sql: st.sql,
                    step,
                    first: i == 0,
                    last: i + 1 == n,
                }));
            }
            None => out.push(Planned {
                sql: HOOK_TEXT.to_string(),
                step,
                first: true,
                last: true,
            }),
        }
    }
    Ok(out)
}

/// Compares the live schema with the schema before and after the operation of the statement
/// in flight (`p.statement`), planned from the history's replay at `p.version_before`.
pub(crate) async fn assess(
    db: &mut Db,
    set: &MigrationSet,
    map: &RevisionMap,
    p: &Progress,
    vt: &QName,
) -> Result<InFlight, RunError> {
    let Some(sent) = &p.statement else {
        return Ok(InFlight::None);
    };
    let d = db.dialect();
    let script = set.script(&p.revision)?;
    let now = crate::checksum_hex(script.hash());
    if !now.eq_ignore_ascii_case(&p.checksum) {
        return Ok(InFlight::Unknown(format!(
            "the script of {} changed since the run began (checksum {} then, {now} now)",
            p.revision, p.checksum
        )));
    }
    let before_rev = set.replay_lenient(map, &p.version_before, d)?;
    let m = script.migration(p.direction);
    let planned = plan(&m, d, &before_rev).map_err(|source| RunError::Render {
        revision: p.revision.clone(),
        direction: crate::words::direction_word(p.direction),
        source,
    })?;
    let n = p.statements_done + 1;
    let Some(at) = planned.get(p.statements_done) else {
        return Ok(InFlight::Unknown(format!(
            "the revision renders {} statement(s) now, fewer than {n}",
            planned.len()
        )));
    };
    if at.sql != *sent {
        return Ok(InFlight::Unknown(format!(
            "statement {n} renders now as `{}`, not as the statement recorded (the database differed from the history's replay when the run planned it)",
            at.sql
        )));
    }
    let steps = m.steps();
    let MigrationStep::Op(op) = &steps[at.step] else {
        return Ok(InFlight::Unknown(
            "it is a Rust step, whose effect retort cannot see".to_string(),
        ));
    };
    let mut before = before_rev;
    for s in &steps[..at.step] {
        if let MigrationStep::Op(o) = s {
            let _ = apply_op(o, &mut before, Some(d));
        }
    }
    let mut after = before.clone();
    let _ = apply_op(op, &mut after, Some(d));
    let tables = crate::live::op_tables(op);
    if tables.is_empty() {
        return Ok(InFlight::Unknown(format!(
            "its operation ({}) changes no table shape retort can compare",
            op.describe()
        )));
    }
    let mut live = crate::live::read(db, vt)
        .await
        .map_err(|e| RunError::sql("(introspection)", e.to_string()))?;
    crate::live::reconcile(&mut live, &before, d);
    let differs = |s: &Schema| -> Option<String> {
        let v: Vec<String> = tables
            .iter()
            .filter_map(|q| crate::live::drift(&live, s, q, d).map(|x| format!("`{q}`: {x}")))
            .collect();
        (!v.is_empty()).then(|| v.join("; "))
    };
    let (vs_before, vs_after) = (differs(&before), differs(&after));
    Ok(match (vs_before, vs_after) {
        (None, None) => InFlight::Unknown(format!(
            "its operation ({}) leaves the tables' shape as it was",
            op.describe()
        )),
        (_, None) if at.last => InFlight::Ran,
        (None, _) if at.first => InFlight::NotRun,
        (Some(b), Some(a)) => InFlight::Unknown(format!(
            "the database matches neither the schema before its operation ({}) nor after it; differences from after: {a}; from before: {b}",
            op.describe()
        )),
        _ => InFlight::Unknown(format!(
            "it is one of several statements of its operation ({}), so the schema between them cannot be compared",
            op.describe()
        )),
    })
}

/// The message of [`RunError::Interrupted`].
pub(crate) fn interrupted_message(
    p: &Progress,
    in_flight: Option<&InFlight>,
    version: &[String],
) -> String {
    let dir = crate::words::direction_word(p.direction);
    let mut s = format!(
        "revision {} ({dir}) was interrupted (started at {} UTC): {} of {} statement(s) done. MySQL/MariaDB commit every DDL statement on its own, so the statements done stay applied; the version table is at {}.",
        p.revision,
        p.started_at,
        p.statements_done,
        p.statements_total,
        show_rows(version)
    );
    let n = p.statements_done + 1;
    match &p.statement {
        None if p.statements_done >= p.statements_total => s.push_str(&format!(
            "\nEvery statement ran; the version change to {} was not recorded.",
            show_rows(&p.version_after)
        )),
        None => s.push_str(&format!(
            "\nNo statement was in flight (statement {n} had not been sent)."
        )),
        Some(sql) => {
            s.push_str(&format!("\nIn flight: statement {n}: {sql}\n"));
            s.push_str(match in_flight {
                Some(InFlight::Ran) => "Whether it ran was unknown; the database has its effect: it ran (resume skips it).".to_string(),
                Some(InFlight::NotRun) => "Whether it ran was unknown; the database does not have its effect: it did not run (resume runs it).".to_string(),
                Some(InFlight::Unknown(why)) => format!("Whether it ran is unknown, and the schema cannot tell: {why}. Look at the database before recovering."),
                Some(InFlight::None) | None => "Whether it ran is unknown (the run stopped while the server had it: a crash, a lost connection or an error); `resume` compares the database's schema with the schema before and after it before running anything.".to_string(),
            }.as_str());
        }
    }
    let refuse = matches!(in_flight, Some(InFlight::Unknown(_)));
    s.push_str("\nRecover with one of:");
    if !refuse {
        s.push_str(&format!(
            "\n  retort resume              run the remaining statements of {} and record it",
            p.revision
        ));
    }
    s.push_str(&format!(
        "\n  retort resume --finished   after finishing its remaining statements by hand: record {} ({dir}; version table {}) and clear the marker\n  retort resume --abandon    after undoing its applied statements by hand: clear the marker (the version table stays at {})",
        p.revision,
        show_rows(&p.version_after),
        show_rows(version)
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(statement: Option<&str>, done: usize) -> Progress {
        Progress {
            revision: "r2".into(),
            direction: Direction::Up,
            statements_total: 3,
            statements_done: done,
            statement: statement.map(str::to_string),
            checksum: "00".into(),
            version_before: vec!["r1".into()],
            version_after: vec!["r2".into()],
            started_at: "2026-12-07 04:00:00.000".into(),
        }
    }

    #[test]
    fn the_message_says_revision_count_statement_and_recovery() {
        let m = interrupted_message(&p(Some("ALTER TABLE t ADD c INT"), 1), None, &["r1".into()]);
        assert!(m.contains("revision r2 (upgrade) was interrupted"), "{m}");
        assert!(m.contains("1 of 3 statement(s) done"), "{m}");
        assert!(m.contains("statement 2: ALTER TABLE t ADD c INT"), "{m}");
        assert!(m.contains("Whether it ran is unknown"), "{m}");
        assert!(m.contains("retort resume "), "{m}");
        assert!(m.contains("--finished"), "{m}");
        let m = interrupted_message(
            &p(Some("x"), 1),
            Some(&InFlight::Unknown("why".into())),
            &["r1".into()],
        );
        assert!(!m.contains("retort resume  "), "{m}");
        assert!(m.contains("cannot tell: why"), "{m}");
        let m = interrupted_message(&p(None, 3), None, &["r1".into()]);
        assert!(m.contains("Every statement ran"), "{m}");
    }

    #[test]
    fn versions_round_trip_as_text() {
        assert_eq!(split(&join(&["b".into(), "a".into()])), ["a", "b"]);
        assert!(split(&join(&[])).is_empty());
    }
}
