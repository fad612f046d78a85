//! The runner plans each operation's SQL against the live schema: a history migration runs on
//! a database changed by hand, and a SQLite table rebuild carries every live object of the
//! table (hand-made columns with their data, indexes, triggers, views).
//! `cargo test -p retort-runner --all-features --test live_plan`.

mod common;

use common::*;
use retort_runner::prelude::*;
use retort_runner::{downgrade, upgrade, Event};

per_dialect!(a_history_migration_runs_on_a_database_changed_by_hand);

fn p1_up(m: &mut Migration) {
    let mut id = col("id", SqlType::Integer);
    id.autoincrement = true;
    m.create_table(table(
        "people",
        vec![
            id,
            col("name", SqlType::Varchar(50)),
            col("email", SqlType::Varchar(100)).nullable(true),
        ],
        &["id"],
    ));
}
fn p1_down(m: &mut Migration) {
    m.drop_table("people");
}
/// Changes the type of a column only the database knows (made by hand), and of one the
/// history made (a SQLite rebuild of the whole table).
fn p2_up(m: &mut Migration) {
    m.alter_column(AlterColumn::new("people", "nickname").ty(SqlType::Varchar(80)));
    m.alter_column(AlterColumn::new("people", "email").ty(SqlType::Varchar(200)));
}
fn p2_down(m: &mut Migration) {
    m.alter_column(AlterColumn::new("people", "email").ty(SqlType::Varchar(100)));
    m.alter_column(AlterColumn::new("people", "nickname").ty(SqlType::Varchar(40)));
}

/// The run's drift reports, as `<revision> <table>: <differences>`.
fn drift_reported(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Drift {
                revision,
                table,
                differences,
            } => Some(format!("{revision} {table}: {differences}")),
            _ => None,
        })
        .collect()
}

async fn text(db: &mut Db, sql: &str) -> String {
    db.query_strings(sql).await.unwrap()[0][0]
        .clone()
        .unwrap_or_default()
}

async fn a_history_migration_runs_on_a_database_changed_by_hand(d: Dialect) {
    let Some(t) = TestDb::new(d, "a_history_migration_runs_on_a_database_changed_by_hand").await
    else {
        return;
    };
    let mut db = t.connect().await;
    let set = set(vec![
        script("p1", &[], None, p1_up, p1_down),
        script("p2", &["p1"], None, p2_up, p2_down),
    ]);
    upgrade(&mut db, &set, "p1", &opts(), &mut no_events())
        .await
        .unwrap();
    let mut hand = vec![
        "INSERT INTO people (id, name, email) VALUES (1, 'ann', 'ann@example.com'), (2, 'bob', NULL)".to_string(),
        "ALTER TABLE people ADD COLUMN nickname VARCHAR(40)".to_string(),
        "UPDATE people SET nickname = 'annie' WHERE id = 1".to_string(),
        "CREATE INDEX hand_ix_name ON people (name)".to_string(),
    ];
    if d == Dialect::Sqlite {
        hand.extend([
            "CREATE TABLE hand_log (note TEXT)".to_string(),
            "CREATE TRIGGER hand_trg AFTER INSERT ON people BEGIN INSERT INTO hand_log (note) VALUES (NEW.name); END".to_string(),
            "CREATE VIEW hand_view AS SELECT id, name, nickname FROM people".to_string(),
        ]);
    }
    for sql in &hand {
        db.execute(sql).await.unwrap();
    }

    let mut events = Vec::new();
    upgrade(&mut db, &set, "head", &opts(), &mut |e| events.push(e))
        .await
        .unwrap_or_else(|e| panic!("{d}: upgrade on the changed database: {e}"));
    let drift = drift_reported(&events);
    assert_eq!(drift.len(), 1, "{d}: {drift:?}");
    assert!(
        drift[0].starts_with("p2 people:")
            && drift[0].contains("add column people.nickname")
            && drift[0].contains("hand_ix_name"),
        "{d}: {drift:?}"
    );
    if d == Dialect::Sqlite {
        assert!(
            drift[0].contains("trigger hand_trg") && drift[0].contains("view hand_view"),
            "{drift:?}"
        );
    }

    check_kept(&mut db, d, "after the upgrade").await;
    if d == Dialect::Sqlite {
        let sql = text(
            &mut db,
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'people'",
        )
        .await;
        assert!(
            sql.contains("VARCHAR(200)") && sql.contains("VARCHAR(80)"),
            "the table was rebuilt with the new types: {sql}"
        );
    }
    downgrade(&mut db, &set, "p1", &opts(), &mut no_events())
        .await
        .unwrap_or_else(|e| panic!("{d}: downgrade: {e}"));
    check_kept(&mut db, d, "after the downgrade").await;
    db.close().await.unwrap();
    t.drop().await;
}

/// Rows, the hand-made column's data, index, view and trigger are all there.
async fn check_kept(db: &mut Db, d: Dialect, when: &str) {
    assert_eq!(
        text(db, "SELECT COUNT(*) FROM people").await,
        "2",
        "{d} {when}"
    );
    assert_eq!(
        text(db, "SELECT nickname FROM people WHERE id = 1").await,
        "annie",
        "{d} {when}: the hand-made column keeps its data"
    );
    assert_eq!(
        text(db, "SELECT email FROM people WHERE id = 1").await,
        "ann@example.com",
        "{d} {when}"
    );
    let ix = match d {
                Dialect::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'hand_ix_name'",
                Dialect::Postgres => "SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'hand_ix_name'",
                Dialect::Mysql => "SELECT COUNT(DISTINCT index_name) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = 'hand_ix_name'",
            };
    assert_eq!(text(db, ix).await, "1", "{d} {when}: the hand-made index");
    if d == Dialect::Sqlite {
        assert_eq!(
            text(db, "SELECT name FROM hand_view WHERE id = 2").await,
            "bob",
            "{when}: the view"
        );
        db.execute("INSERT INTO people (id, name) VALUES (3, 'cy')")
            .await
            .unwrap();
        assert_eq!(
            text(db, "SELECT note FROM hand_log").await,
            "cy",
            "{when}: the trigger fires"
        );
        db.execute("DELETE FROM people WHERE id = 3").await.unwrap();
        db.execute("DELETE FROM hand_log").await.unwrap();
    }
}

fn q1_up(m: &mut Migration) {
    m.create_table(id_text("things", "v"));
}
fn q2_up(m: &mut Migration) {
    m.add_column("things", col("w", SqlType::Text).nullable(true));
}

/// A database introspection cannot read (here: a foreign key, made by hand, to a table that
/// does not exist, without naming columns) still migrates, planned against the history, and
/// the run says so.
#[cfg(feature = "sqlite")]
#[tokio::test]
async fn an_unreadable_database_is_planned_against_the_history() {
    let set = set(vec![
        script("q1", &[], None, q1_up, nothing),
        script("q2", &["q1"], None, q2_up, nothing),
    ]);
    let Some(t) = TestDb::new(Dialect::Sqlite, "an_unreadable_database").await else {
        return;
    };
    let mut db = t.connect().await;
    upgrade(&mut db, &set, "q1", &opts(), &mut no_events())
        .await
        .unwrap();
    db.execute("CREATE TABLE hand_child (p INT REFERENCES hand_missing)")
        .await
        .unwrap();
    let mut notes = Vec::new();
    {
        let mut on_event = collect_notes(&mut notes);
        upgrade(&mut db, &set, "head", &opts(), &mut on_event)
            .await
            .unwrap();
    }
    assert_noted(&notes, &["cannot read the database's schema", "hand_child"]);
    assert_eq!(
        text(
            &mut db,
            "SELECT COUNT(*) FROM pragma_table_info('things') WHERE name = 'w'"
        )
        .await,
        "1"
    );
    db.close().await.unwrap();
    t.drop().await;
}

fn nothing(_: &mut Migration) {}

per_dialect!(drift_is_reported_at_each_revision_that_touches_a_changed_table);

fn s1_up(m: &mut Migration) {
    m.create_table(id_text("steady", "a"));
    m.create_table(id_text("handled", "a"));
}
fn s1_down(m: &mut Migration) {
    m.drop_table("handled");
    m.drop_table("steady");
}
/// Column `name` added to both tables (dropped in reverse order).
fn both(m: &mut Migration, name: &str, up: bool) {
    for t in ["steady", "handled"] {
        if up {
            m.add_column(t, col(name, SqlType::Integer).nullable(true));
        } else {
            m.drop_column(t, name);
        }
    }
}
fn s2_up(m: &mut Migration) {
    both(m, "b", true);
}
fn s2_down(m: &mut Migration) {
    both(m, "b", false);
}
fn s3_up(m: &mut Migration) {
    both(m, "c", true);
}
fn s3_down(m: &mut Migration) {
    both(m, "c", false);
}

/// A table found in step with the history is not compared again while the run carries both
/// forward; a table changed by hand is reported at every revision that touches it, in both
/// directions, and a table the run itself created is never reported.
async fn drift_is_reported_at_each_revision_that_touches_a_changed_table(d: Dialect) {
    let Some(t) = TestDb::new(d, "drift_at_each_revision").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = chain(&[
        ("s1", s1_up, s1_down),
        ("s2", s2_up, s2_down),
        ("s3", s3_up, s3_down),
    ]);
    // Created by this run, then touched twice: never reported.
    let mut events = Vec::new();
    upgrade(&mut db, &set, "s2", &opts(), &mut |e| events.push(e))
        .await
        .unwrap();
    assert_eq!(drift_reported(&events), Vec::<String>::new(), "{d}");
    db.execute("ALTER TABLE handled ADD COLUMN extra INTEGER")
        .await
        .unwrap();

    let mut events = Vec::new();
    upgrade(&mut db, &set, "head", &opts(), &mut |e| events.push(e))
        .await
        .unwrap();
    let up = drift_reported(&events);
    assert_eq!(up.len(), 1, "{d}: {up:?}");
    assert!(
        up[0].starts_with("s3 handled:") && up[0].contains("extra"),
        "{d}: {up:?}"
    );

    let mut events = Vec::new();
    downgrade(&mut db, &set, "base", &opts(), &mut |e| events.push(e))
        .await
        .unwrap();
    let down = drift_reported(&events);
    let at: Vec<&str> = down
        .iter()
        .map(|x| x.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        at,
        vec!["s3 handled", "s2 handled", "s1 handled"],
        "{d}: {down:?}"
    );
    assert!(down.iter().all(|x| x.contains("extra")), "{d}: {down:?}");
    db.close().await.unwrap();
    t.drop().await;
}
