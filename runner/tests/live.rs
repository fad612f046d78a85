//! The runner against real databases: SQLite always; PostgreSQL and MariaDB with the
//! `postgres` / `mysql` features (`cargo test -p retort-runner --all-features`).

mod common;

use common::*;
use retort_runner::prelude::*;
use retort_runner::{
    downgrade, offline, offline_with_events, pg_lock_key, stamp, upgrade, Direction, Event,
    MigrationSet, RunError, RunOptions,
};
use retort_schema::ForeignKey;

per_dialect!(
    linear_upgrade_and_downgrade,
    branches_and_merge,
    stamp_and_purge,
    failing_migration,
    data_migration_hook,
    offline_script_matches_online_run,
    concurrent_upgrades_apply_each_migration_once,
    lock_timeout_is_reported,
    ops_on_objects_made_with_raw_sql,
    one_transaction_for_the_whole_run,
    a_revision_is_rendered_whole_before_it_runs,
    the_session_bounds_are_set_at_connect,
);

async fn count(db: &mut Db, sql: &str) -> i64 {
    db.query_strings(sql).await.unwrap()[0][0]
        .as_deref()
        .unwrap()
        .parse()
        .unwrap()
}

// ----- a linear history -----------------------------------------------------------------

fn l1_up(m: &mut Migration) {
    m.create_table(table(
        "authors",
        vec![
            col("id", SqlType::Integer),
            col("name", SqlType::Varchar(100)),
        ],
        &["id"],
    ));
}
fn l1_down(m: &mut Migration) {
    m.drop_table("authors");
}
fn l2_up(m: &mut Migration) {
    let mut t = table(
        "posts",
        vec![
            col("id", SqlType::Integer),
            col("author_id", SqlType::Integer),
            col("title", SqlType::Varchar(200)).nullable(true),
        ],
        &["id"],
    );
    t.foreign_keys.push(ForeignKey {
        name: "fk_posts_author_id_authors".into(),
        columns: s(&["author_id"]),
        ref_table: "authors".into(),
        ref_columns: s(&["id"]),
        on_delete: Some(FkAction::Cascade),
        on_update: None,
        deferrable: false,
    });
    m.create_table(t);
    m.create_index(
        "posts",
        Index {
            name: "ix_posts_author_id".into(),
            columns: s(&["author_id"]),
            unique: false,
            predicate: None,
            dialects: Vec::new(),
        },
    );
}
fn l2_down(m: &mut Migration) {
    // (MySQL refuses to drop an index a foreign key needs: drop the table with it.)
    m.drop_table("posts");
}
fn l3_up(m: &mut Migration) {
    m.add_column(
        "posts",
        col("views", SqlType::Integer).nullable(true).default("0"),
    );
    m.alter_column(AlterColumn {
        nullable: Some(true),
        ..AlterColumn::new("authors", "name")
    });
    m.bulk_insert(
        "authors",
        ["id", "name"],
        vec![
            vec![Value::Int(1), Value::Text("Ann".into())],
            vec![Value::Int(2), Value::Text("O'Brien".into())],
        ],
    );
}
fn l3_down(m: &mut Migration) {
    m.execute("DELETE FROM authors");
    m.alter_column(AlterColumn {
        nullable: Some(false),
        ..AlterColumn::new("authors", "name")
    });
    m.drop_column("posts", "views");
}

fn linear_set() -> MigrationSet {
    set(vec![
        script("l1", &[], None, l1_up, l1_down),
        script("l2", &["l1"], None, l2_up, l2_down),
        script("l3", &["l2"], None, l3_up, l3_down),
    ])
}

async fn linear_upgrade_and_downgrade(d: Dialect) {
    let Some(t) = TestDb::new(d, "linear_upgrade_and_downgrade").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = linear_set();
    assert!(versions(&mut db).await.is_empty());
    assert!(
        !has_table(&mut db, "retort_version").await,
        "`current` must not create the version table"
    );

    let mut seen = Vec::new();
    let r = upgrade(&mut db, &set, "head", &opts(), &mut |e| seen.push(e))
        .await
        .unwrap();
    assert_eq!(r.applied, s(&["l1", "l2", "l3"]));
    assert_eq!(versions(&mut db).await, s(&["l3"]));
    assert!(has_table(&mut db, "posts").await);
    assert_eq!(count(&mut db, "SELECT COUNT(*) FROM authors").await, 2);
    assert!(seen
        .iter()
        .any(|e| matches!(e, Event::Applied { revision, .. } if revision == "l2")));
    assert!(seen.iter().any(
        |e| matches!(e, Event::Statement { comment, .. } if comment == "add column posts.views")
    ));

    // Nothing more to do.
    let r = upgrade(&mut db, &set, "head", &opts(), &mut no_events())
        .await
        .unwrap();
    assert!(r.applied.is_empty());

    let r = downgrade(&mut db, &set, "-1", &opts(), &mut no_events())
        .await
        .unwrap();
    assert_eq!(r.applied, s(&["l3"]));
    assert_eq!(versions(&mut db).await, s(&["l2"]));
    let cat = catalog(&mut db).await;
    assert!(!cat
        .iter()
        .any(|r| r[0].as_deref() == Some("posts") && r[1].as_deref() == Some("views")));
    assert_eq!(count(&mut db, "SELECT COUNT(*) FROM authors").await, 0);

    upgrade(&mut db, &set, "+1", &opts(), &mut no_events())
        .await
        .unwrap();
    assert_eq!(versions(&mut db).await, s(&["l3"]));

    let r = downgrade(&mut db, &set, "base", &opts(), &mut no_events())
        .await
        .unwrap();
    assert_eq!(r.applied, s(&["l3", "l2", "l1"]));
    assert!(versions(&mut db).await.is_empty());
    assert_eq!(
        table_names(&mut db).await,
        s(&["retort_version", "retort_version_log"])
    );

    db.close().await.unwrap();
    t.drop().await;
}

// ----- branches and a merge -------------------------------------------------------------

fn mk(m: &mut Migration, name: &str) {
    m.create_table(table(name, vec![col("id", SqlType::Integer)], &["id"]));
}
fn a_up(m: &mut Migration) {
    mk(m, "ta");
}
fn a_down(m: &mut Migration) {
    m.drop_table("ta");
}
fn b1_up(m: &mut Migration) {
    mk(m, "tb1");
}
fn b1_down(m: &mut Migration) {
    m.drop_table("tb1");
}
fn b2_up(m: &mut Migration) {
    mk(m, "tb2");
}
fn b2_down(m: &mut Migration) {
    m.drop_table("tb2");
}
fn nothing(_: &mut Migration) {}

fn branched_set() -> MigrationSet {
    set(vec![
        script("ra00", &[], None, a_up, a_down),
        script("rb01", &["ra00"], None, b1_up, b1_down),
        script("rb02", &["ra00"], Some("feature"), b2_up, b2_down),
        script("rm03", &["rb01", "rb02"], None, nothing, nothing),
    ])
}

async fn branches_and_merge(d: Dialect) {
    let Some(t) = TestDb::new(d, "branches_and_merge").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = branched_set();
    // (up or down, target, what it applies, the version table after)
    let steps: [(bool, &str, &[&str], &[&str]); 7] = [
        (true, "rb01", &["ra00", "rb01"], &["rb01"]),
        // A second branch: INSERT.
        (true, "rb02", &["rb02"], &["rb01", "rb02"]),
        // The merge: DELETE + UPDATE.
        (true, "heads", &["rm03"], &["rm03"]),
        // Downgrading the merge brings both branch heads back.
        (false, "rb02", &["rm03"], &["rb01", "rb02"]),
        // Below the branch point: one row left, both branch tables gone.
        (false, "ra00", &["rb02", "rb01"], &["ra00"]),
        // `head` is ambiguous on a branched history without the merge, but fine with it.
        (true, "head", &["rb01", "rb02", "rm03"], &["rm03"]),
        (false, "base", &["rm03", "rb02", "rb01", "ra00"], &[]),
    ];
    // Each migration in its transaction, then one transaction for each run (whose version
    // table moves once, at its commit, from the rows it began with).
    for o in [opts(), one_transaction()] {
        for (up, target, applied, after) in steps {
            let r = if up {
                upgrade(&mut db, &set, target, &o, &mut no_events()).await
            } else {
                downgrade(&mut db, &set, target, &o, &mut no_events()).await
            };
            let mut got = r.unwrap().applied;
            let mut want = s(applied);
            // Independent branches run in either order.
            got.sort();
            want.sort();
            assert_eq!(got, want, "{target}");
            assert_eq!(versions(&mut db).await, s(after), "{target}");
            match target {
                "rb02" if up => assert!(has_table(&mut db, "tb2").await),
                "ra00" => {
                    assert!(!has_table(&mut db, "tb1").await && !has_table(&mut db, "tb2").await);
                    assert!(has_table(&mut db, "ta").await);
                }
                _ => {}
            }
        }
    }

    db.close().await.unwrap();
    t.drop().await;
}

// ----- stamp ----------------------------------------------------------------------------

async fn stamp_and_purge(d: Dialect) {
    let Some(t) = TestDb::new(d, "stamp_and_purge").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = linear_set();
    let o = opts();
    let r = stamp(&mut db, &set, &s(&["head"]), false, &o, &mut no_events())
        .await
        .unwrap();
    assert_eq!(r.applied, s(&["l3"]));
    assert_eq!(versions(&mut db).await, s(&["l3"]));
    assert!(
        !has_table(&mut db, "authors").await,
        "stamp runs no migration"
    );

    // A row naming a revision this binary does not know: only --purge gets out of it.
    db.execute("INSERT INTO retort_version (version_num) VALUES ('gone1234')")
        .await
        .unwrap();
    let e = stamp(&mut db, &set, &s(&["l1"]), false, &o, &mut no_events())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("gone1234"), "{e}");
    stamp(&mut db, &set, &s(&["l1"]), true, &o, &mut no_events())
        .await
        .unwrap();
    assert_eq!(versions(&mut db).await, s(&["l1"]));
    // Stamped at l1: upgrading runs l2 and l3 only (l1's table was never made, and l2
    // references it, so make it by hand as a real "adopted" database would have it).
    l1_table(&mut db, d).await;
    let r = upgrade(&mut db, &set, "head", &o, &mut no_events())
        .await
        .unwrap();
    assert_eq!(r.applied, s(&["l2", "l3"]));
    stamp(&mut db, &set, &s(&["base"]), false, &o, &mut no_events())
        .await
        .unwrap();
    assert!(versions(&mut db).await.is_empty());

    db.close().await.unwrap();
    t.drop().await;
}

async fn l1_table(db: &mut Db, d: Dialect) {
    let stmts = retort_sql::render_ops(
        &linear_set().scripts()[0]
            .migration(Direction::Up)
            .ops()
            .into_iter()
            .cloned()
            .collect::<Vec<_>>(),
        d,
        &Default::default(),
    )
    .unwrap();
    for st in stmts {
        db.execute(&st.sql).await.unwrap();
    }
}

// ----- failure half-way -----------------------------------------------------------------

fn f1_up(m: &mut Migration) {
    mk(m, "keep");
}
fn f1_down(m: &mut Migration) {
    m.drop_table("keep");
}
fn f2_up(m: &mut Migration) {
    mk(m, "half");
    m.execute("INSERT INTO half (id) VALUES (1)");
    m.execute("INSERT INTO no_such_table (id) VALUES (1)");
}
fn f2_down(m: &mut Migration) {
    m.drop_table("half");
}

async fn failing_migration(d: Dialect) {
    let Some(t) = TestDb::new(d, "failing_migration").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = set(vec![
        script("f1", &[], None, f1_up, f1_down),
        script("f2", &["f1"], None, f2_up, f2_down),
    ]);
    let e = upgrade(&mut db, &set, "head", &opts(), &mut no_events())
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(msg.contains("f2"), "{msg}");
    assert!(
        msg.contains("INSERT INTO no_such_table (id) VALUES (1)"),
        "{msg}"
    );
    let db_says = match d {
        Dialect::Sqlite => "no such table",
        Dialect::Postgres => "does not exist",
        Dialect::Mysql => "doesn't exist",
    };
    assert!(msg.contains(db_says), "{msg}");
    // f1 committed on its own, and the error says so (the run's report before it failed).
    assert_eq!(versions_even_interrupted(&mut db).await, s(&["f1"]));
    assert!(has_table(&mut db, "keep").await);
    assert!(matches!(e, RunError::Failed { .. }), "{e:?}");
    assert_eq!(e.applied(), s(&["f1"]));
    // The database's own error is kept, typed, under the chain.
    let db_error = e.db_error().expect("the driver's error is kept");
    assert!(db_error.driver().is_some(), "{e:?}");
    assert!(db_error.to_string().contains(db_says), "{db_error}");
    match d {
        Dialect::Mysql => {
            let RunError::PartiallyApplied {
                applied, version, ..
            } = e.kind()
            else {
                panic!("expected PartiallyApplied, got {e:?}")
            };
            assert_eq!(applied.len(), 2, "{applied:?}");
            assert!(applied[0].starts_with("CREATE TABLE `half`"), "{applied:?}");
            assert_eq!(applied[1], "INSERT INTO half (id) VALUES (1)");
            assert_eq!(version, &s(&["f1"]));
            assert!(msg.contains("stay applied"), "{msg}");
            assert!(
                msg.contains("version table stays at the previous revision (f1)"),
                "{msg}"
            );
            assert!(has_table(&mut db, "half").await);
        }
        _ => {
            assert!(matches!(e.kind(), RunError::Statement { .. }), "{e:?}");
            assert!(msg.contains("rolled back"), "{msg}");
            assert!(!has_table(&mut db, "half").await, "f2 must be rolled back");
        }
    }
    db.close().await.unwrap();
    t.drop().await;
}

// ----- render before running -------------------------------------------------------------

fn u1_up(m: &mut Migration) {
    mk(m, "first_of_two");
    // A row of two values for one column: cannot be rendered on any database.
    m.bulk_insert(
        "first_of_two",
        ["id"],
        vec![vec![Value::Int(1), Value::Int(2)]],
    );
}

async fn a_revision_is_rendered_whole_before_it_runs(d: Dialect) {
    // MySQL/MariaDB commit each DDL statement: an operation that cannot be rendered must stop
    // the revision before its first statement, not after the statements before it ran.
    let Some(t) = TestDb::new(d, "a_revision_is_rendered_whole_before_it_runs").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = set(vec![script("u1", &[], None, u1_up, f1_down)]);
    let e = upgrade(&mut db, &set, "head", &opts(), &mut no_events())
        .await
        .unwrap_err();
    assert!(matches!(e, RunError::Render { .. }), "{e:?}");
    let msg = e.to_string();
    assert!(msg.contains("u1"), "{msg}");
    assert!(msg.contains("first_of_two"), "{msg}");
    assert!(
        !has_table(&mut db, "first_of_two").await,
        "no statement of the revision may have run"
    );
    assert_eq!(versions(&mut db).await, Vec::<String>::new());
    db.close().await.unwrap();
    t.drop().await;
}

// ----- data-migration hooks -------------------------------------------------------------

fn h1_up(m: &mut Migration) {
    m.create_table(table(
        "items",
        vec![col("id", SqlType::Integer), col("price", SqlType::Integer)],
        &["id"],
    ));
    m.bulk_insert(
        "items",
        ["id", "price"],
        vec![
            vec![Value::Int(1), Value::Int(5)],
            vec![Value::Int(2), Value::Int(7)],
        ],
    );
    m.run(|db| {
        Box::pin(async move {
            db.execute("UPDATE items SET price = price * 10").await?;
            Ok(())
        })
    });
    m.add_column("items", col("note", SqlType::Text).nullable(true));
}
fn h1_down(m: &mut Migration) {
    m.drop_table("items");
}
fn h2_up(m: &mut Migration) {
    mk(m, "h2tab");
    m.run(|db| {
        Box::pin(async move {
            db.execute("UPDATE items SET price = 0").await?;
            Err("boom: refusing to continue".into())
        })
    });
}

async fn data_migration_hook(d: Dialect) {
    let Some(t) = TestDb::new(d, "data_migration_hook").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = set(vec![
        script("h1", &[], None, h1_up, h1_down),
        script("h2", &["h1"], None, h2_up, nothing),
    ]);
    upgrade(&mut db, &set, "h1", &opts(), &mut no_events())
        .await
        .unwrap();
    assert_eq!(count(&mut db, "SELECT SUM(price) FROM items").await, 120);

    let e = upgrade(&mut db, &set, "head", &opts(), &mut no_events())
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, RunError::Hook { .. }), "{e:?}");
    assert!(msg.contains("h2") && msg.contains("boom"), "{msg}");
    assert_eq!(versions_even_interrupted(&mut db).await, s(&["h1"]));
    if d == Dialect::Mysql {
        // No transactional DDL: the table stays, and the hook's UPDATE committed.
        assert!(has_table(&mut db, "h2tab").await);
        assert!(msg.contains("stay applied"), "{msg}");
    } else {
        // The hook ran inside the migration's transaction: its UPDATE is rolled back too.
        assert!(!has_table(&mut db, "h2tab").await);
        assert_eq!(count(&mut db, "SELECT SUM(price) FROM items").await, 120);
    }
    db.close().await.unwrap();
    t.drop().await;
}

// ----- offline --------------------------------------------------------------------------

async fn offline_script_matches_online_run(d: Dialect) {
    let Some(online) = TestDb::new(d, "offline_script_matches_online_run").await else {
        return;
    };
    let off = online.sibling("offline_script_matches_online_run").await;
    let set = linear_set();
    let o = opts();
    let mut a = online.connect().await;
    let mut b = off.connect().await;

    upgrade(&mut a, &set, "head", &o, &mut no_events())
        .await
        .unwrap();
    let sql = offline(&set, d, Direction::Up, "head", &o).unwrap();
    assert!(sql.contains("CREATE TABLE IF NOT EXISTS"), "{sql}");
    assert!(sql.contains("-- create table authors"), "{sql}");
    if d != Dialect::Mysql {
        assert!(sql.contains("BEGIN;") && sql.contains("COMMIT;"), "{sql}");
    }
    off.run_client(&sql);
    assert_eq!(catalog(&mut a).await, catalog(&mut b).await);
    assert_eq!(versions(&mut b).await, s(&["l3"]));
    assert_eq!(count(&mut b, "SELECT COUNT(*) FROM authors").await, 2);

    // A partial downgrade, same way.
    downgrade(&mut a, &set, "l1", &o, &mut no_events())
        .await
        .unwrap();
    let sql = offline(&set, d, Direction::Down, "l3:l1", &o).unwrap();
    off.run_client(&sql);
    assert_eq!(catalog(&mut a).await, catalog(&mut b).await);
    assert_eq!(versions(&mut b).await, s(&["l1"]));

    // An upgrade range from there.
    let sql = offline(&set, d, Direction::Up, "l1:l2", &o).unwrap();
    off.run_client(&sql);
    assert_eq!(versions(&mut b).await, s(&["l2"]));

    // Downgrade needs a range.
    let e = offline(&set, d, Direction::Down, "base", &o).unwrap_err();
    assert!(e.to_string().contains("from:to"), "{e}");

    // Rust steps are skipped with a comment and a note.
    let hooks = common::set(vec![script("h1", &[], None, h1_up, h1_down)]);
    let mut notes = Vec::new();
    let sql = offline_with_events(
        &hooks,
        d,
        Direction::Up,
        "head",
        &o,
        &mut collect_notes(&mut notes),
    )
    .unwrap();
    assert!(
        sql.contains("-- retort: skipped Rust step (offline)"),
        "{sql}"
    );
    assert_eq!(notes.len(), 1);

    a.close().await.unwrap();
    b.close().await.unwrap();
    online.drop().await;
    off.drop().await;
}

// ----- concurrency ----------------------------------------------------------------------

fn chain_up<const N: usize>(m: &mut Migration) {
    if N == 0 {
        m.create_table(table("mlog", vec![col("rev", SqlType::Varchar(20))], &[]));
    }
    m.execute(format!("INSERT INTO mlog (rev) VALUES ('c{N:02}')"));
}
fn chain_down<const N: usize>(m: &mut Migration) {
    m.execute(format!("DELETE FROM mlog WHERE rev = 'c{N:02}'"));
    if N == 0 {
        m.drop_table("mlog");
    }
}

macro_rules! chain {
    ($($n:literal),*) => {
        vec![$(script(
            &format!("c{:02}", $n),
            &(if $n == 0 { vec![] } else { vec![format!("c{:02}", $n - 1)] })
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            None,
            chain_up::<$n>,
            chain_down::<$n>,
        )),*]
    };
}

fn chain_set() -> MigrationSet {
    set(chain![
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19
    ])
}

async fn concurrent_upgrades_apply_each_migration_once(d: Dialect) {
    let Some(t) = TestDb::new(d, "concurrent_upgrades_apply_each_migration_once").await else {
        return;
    };
    let url = t.url.clone();
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let url = url.clone();
        tasks.push(tokio::spawn(async move {
            let set = chain_set();
            let mut db = retort_runner::Db::connect(&url).await.unwrap();
            let r = upgrade(&mut db, &set, "head", &RunOptions::default(), &mut |_| {}).await;
            db.close().await.unwrap();
            r
        }));
    }
    let mut total = 0;
    for task in tasks {
        let r = task.await.unwrap();
        let r = r.unwrap_or_else(|e| panic!("a concurrent upgrade failed: {e}"));
        total += r.applied.len();
    }
    assert_eq!(total, 20, "each migration applied by exactly one process");
    let mut db = t.connect().await;
    let rows = db
        .query_strings("SELECT rev, COUNT(*) FROM mlog GROUP BY rev ORDER BY rev")
        .await
        .unwrap();
    assert_eq!(rows.len(), 20);
    for r in &rows {
        assert_eq!(r[1].as_deref(), Some("1"), "{r:?} applied more than once");
    }
    assert_eq!(versions(&mut db).await, s(&["c19"]));
    db.close().await.unwrap();
    t.drop().await;
}

// ----- lock timeout ---------------------------------------------------------------------

async fn lock_timeout_is_reported(d: Dialect) {
    let Some(t) = TestDb::new(d, "lock_timeout_is_reported").await else {
        return;
    };
    let mut holder = t.connect().await;
    let mut db = t.connect().await;
    let o = RunOptions {
        lock_timeout: std::time::Duration::from_millis(700),
        ..RunOptions::default()
    };
    // Someone else holds the lock.
    match d {
        Dialect::Sqlite => {
            holder
                .execute("CREATE TABLE other (id INTEGER)")
                .await
                .unwrap();
            holder.execute("BEGIN IMMEDIATE").await.unwrap();
        }
        Dialect::Postgres => {
            let key = pg_lock_key(&o.version_table);
            holder
                .execute(&format!("SELECT pg_advisory_lock({key})"))
                .await
                .unwrap();
        }
        Dialect::Mysql => {
            holder
                .execute("SELECT GET_LOCK(CONCAT('retort:', DATABASE(), '.retort_version'), 0)")
                .await
                .unwrap();
        }
    }
    let start = std::time::Instant::now();
    let e = upgrade(&mut db, &linear_set(), "head", &o, &mut no_events())
        .await
        .unwrap_err();
    assert!(matches!(e, RunError::LockTimeout { .. }), "{e:?}");
    assert!(e.to_string().contains("for the migration lock on"), "{e}");
    assert!(start.elapsed() >= std::time::Duration::from_millis(500));
    // The lock holder lets go: the upgrade goes through.
    match d {
        Dialect::Sqlite => {
            holder.execute("COMMIT").await.unwrap();
        }
        _ => {
            holder.close().await.unwrap();
            holder = t.connect().await;
        }
    }
    upgrade(&mut db, &linear_set(), "head", &o, &mut no_events())
        .await
        .unwrap();
    assert_eq!(versions(&mut db).await, s(&["l3"]));
    holder.close().await.unwrap();
    db.close().await.unwrap();
    t.drop().await;
}

// ----- objects the replay cannot see ----------------------------------------------------

fn r1_up(m: &mut Migration) {
    m.execute("CREATE TABLE legacy (id INTEGER PRIMARY KEY)");
}
fn r2_up(m: &mut Migration) {
    m.add_column("legacy", col("note", SqlType::Text).nullable(true));
}

async fn ops_on_objects_made_with_raw_sql(d: Dialect) {
    let Some(t) = TestDb::new(d, "ops_on_objects_made_with_raw_sql").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = set(vec![
        script("r1", &[], None, r1_up, nothing),
        script("r2", &["r1"], None, r2_up, nothing),
    ]);
    // The runner plans against the live schema, read again after raw SQL: the table the
    // replay cannot see is there (SQLite's ADD COLUMN may need a rebuild, which needs it).
    upgrade(&mut db, &set, "head", &opts(), &mut no_events())
        .await
        .unwrap();
    let cat = catalog(&mut db).await;
    assert!(cat
        .iter()
        .any(|r| r[0].as_deref() == Some("legacy") && r[1].as_deref() == Some("note")));
    db.close().await.unwrap();
    t.drop().await;
}

// ----- PostgreSQL: statements that cannot run in a transaction ---------------------------

fn ac1_up(m: &mut Migration) {
    m.create_table(id_text("ac", "name"));
    m.create_enum(EnumType {
        schema: None,
        name: "mood".into(),
        values: s(&["happy", "sad"]),
    });
}
fn ac2_up(m: &mut Migration) {
    mk(m, "ac2");
    m.execute("CREATE INDEX CONCURRENTLY ix_ac_name ON ac (name)");
    m.add_enum_value("mood", "calm");
    m.execute("INSERT INTO ac (id, name) VALUES (1, 'x')");
}
fn ac3_up(m: &mut Migration) {
    m.execute("CREATE INDEX CONCURRENTLY ix_ac2_id ON ac2 (id)");
    m.execute("INSERT INTO ac (id, name) VALUES (1, 'duplicate key')");
}

fn ac_set() -> MigrationSet {
    linear(&[("ac1", ac1_up), ("ac2", ac2_up), ("ac3", ac3_up)])
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_autocommit_split() {
    let Some(t) = TestDb::new(Dialect::Postgres, "postgres_autocommit_split").await else {
        return;
    };
    let mut db = t.connect().await;
    let set = ac_set();
    let mut splits = Vec::new();
    upgrade(&mut db, &set, "ac2", &opts(), &mut |e| {
        if let Event::AutocommitSplit { revision, sql } = e {
            splits.push((revision, sql))
        }
    })
    .await
    .unwrap();
    assert_eq!(splits.len(), 2, "{splits:?}");
    assert!(splits[0].1.starts_with("CREATE INDEX CONCURRENTLY"));
    assert!(splits[1].1.contains("ADD VALUE"), "{splits:?}");
    assert_eq!(versions(&mut db).await, s(&["ac2"]));
    assert!(has_table(&mut db, "ac2").await);
    assert!(catalog(&mut db)
        .await
        .iter()
        .any(|r| r[1].as_deref() == Some("ix_ac_name")));
    assert_eq!(
        db.query_strings("SELECT array_length(enum_range(NULL::mood), 1)")
            .await
            .unwrap()[0][0]
            .as_deref(),
        Some("3")
    );

    // A failure after a split: what the split committed stays, and the error says so.
    let e = upgrade(&mut db, &set, "head", &opts(), &mut no_events())
        .await
        .unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.contains("ac3") && msg.contains("duplicate key"),
        "{msg}"
    );
    assert!(
        msg.contains("committed before a statement that runs outside a transaction"),
        "{msg}"
    );
    assert!(msg.contains("CREATE INDEX CONCURRENTLY ix_ac2_id"), "{msg}");
    assert_eq!(versions(&mut db).await, s(&["ac2"]));
    assert!(catalog(&mut db)
        .await
        .iter()
        .any(|r| r[1].as_deref() == Some("ix_ac2_id")));

    // Offline, the split is a COMMIT / statement / BEGIN.
    let sql = offline(&set, Dialect::Postgres, Direction::Up, "ac1:ac2", &opts()).unwrap();
    assert!(
        sql.contains(
            "COMMIT;\n-- execute SQL\nCREATE INDEX CONCURRENTLY ix_ac_name ON ac (name);\nBEGIN;"
        ),
        "{sql}"
    );
    db.close().await.unwrap();
    t.drop().await;
}

/// One transaction for the run: a statement that runs outside a transaction commits what ran
/// before it, the records of the revisions done included; a failure after it rolls back only
/// what came after.
#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_autocommit_split_in_one_transaction() {
    let Some(t) = TestDb::new(
        Dialect::Postgres,
        "postgres_autocommit_split_in_one_transaction",
    )
    .await
    else {
        return;
    };
    let mut db = t.connect().await;
    let set = ac_set();
    let o = one_transaction();
    let e = upgrade(&mut db, &set, "head", &o, &mut no_events())
        .await
        .unwrap_err();
    assert!(e.to_string().contains("duplicate key"), "{e}");
    // ac3's split committed ac1 and ac2 with their records.
    assert_eq!(versions(&mut db).await, s(&["ac2"]));
    assert!(has_table(&mut db, "ac2").await);
    let log = retort_runner::read_log(&mut db, &o).await.unwrap();
    let revs: Vec<&str> = log.iter().map(|e| e.revision.as_str()).collect();
    assert_eq!(revs, vec!["ac1", "ac2"]);
    db.close().await.unwrap();
    t.drop().await;
}

// ----- transaction_per_migration = false, migrate_to_head ---------------------------------

async fn one_transaction_for_the_whole_run(d: Dialect) {
    let Some(t) = TestDb::new(d, "one_transaction_for_the_whole_run").await else {
        return;
    };
    let set = set(vec![
        script("f1", &[], None, f1_up, f1_down),
        script("f2", &["f1"], None, f2_up, f2_down),
    ]);
    let o = one_transaction();
    let mut db = t.connect().await;
    let e = upgrade(&mut db, &set, "head", &o, &mut no_events())
        .await
        .unwrap_err();
    if d == Dialect::Mysql {
        // No transactional DDL: f1 stands (and f2's progress is recorded).
        assert_eq!(versions_even_interrupted(&mut db).await, s(&["f1"]));
    } else {
        assert!(e.to_string().contains("whole run was rolled back"), "{e}");
        assert!(versions(&mut db).await.is_empty());
        assert!(!has_table(&mut db, "keep").await);
    }
    db.close().await.unwrap();

    t.drop().await;

    // A run that succeeds records each revision: the version table at the last, a log row for
    // each in order, with its duration.
    let t = TestDb::new(d, "one_transaction_for_the_whole_run")
        .await
        .unwrap();
    let mut db = t.connect().await;
    let set = linear_set();
    upgrade(&mut db, &set, "head", &o, &mut no_events())
        .await
        .unwrap();
    assert_eq!(versions(&mut db).await, s(&["l3"]));
    downgrade(&mut db, &set, "l1", &o, &mut no_events())
        .await
        .unwrap();
    assert_eq!(versions(&mut db).await, s(&["l1"]));
    let log = retort_runner::read_log(&mut db, &o).await.unwrap();
    assert_eq!(
        log_rows(&log),
        vec![
            ("l1", "upgrade"),
            ("l2", "upgrade"),
            ("l3", "upgrade"),
            ("l3", "downgrade"),
            ("l2", "downgrade"),
        ]
    );
    assert!(log.iter().all(|e| e.duration_ms.is_some()), "{log:?}");
    downgrade(&mut db, &set, "base", &o, &mut no_events())
        .await
        .unwrap();
    assert!(versions(&mut db).await.is_empty());
    db.close().await.unwrap();
    t.drop().await;

    // The embedded entry point: up to every head, idempotent.
    let t = TestDb::new(d, "one_transaction_for_the_whole_run")
        .await
        .unwrap();
    let r = retort_runner::migrate_to_head(&t.url, &linear_set())
        .await
        .unwrap();
    assert_eq!(r.applied, s(&["l1", "l2", "l3"]));
    let r = retort_runner::migrate_to_head(&t.url, &linear_set())
        .await
        .unwrap();
    assert!(r.applied.is_empty());
    t.drop().await;
}

// ----- the session's bounds -------------------------------------------------------------

/// `connect_with` sets the lock wait and statement bounds (one round trip on the servers):
/// a lock timeout of 0 is "do not wait" (MariaDB 0 s; PostgreSQL 1 ms, its 0 being "no
/// limit"), and MariaDB's statement bound is set though MySQL has none.
async fn the_session_bounds_are_set_at_connect(d: Dialect) {
    let Some(t) = TestDb::new(d, "the_session_bounds_are_set_at_connect").await else {
        return;
    };
    for (lock, want_lock) in [(0u64, "0"), (3, "3")] {
        let bounds = retort_runner::Timeouts {
            lock: std::time::Duration::from_secs(lock),
            statement: std::time::Duration::from_secs(7),
            ..Default::default()
        };
        let mut db = Db::connect_with(&t.url, &bounds).await.unwrap();
        match d {
            Dialect::Postgres => {
                let got = db
                    .query_strings(
                        "SELECT current_setting('lock_timeout'), current_setting('statement_timeout')",
                    )
                    .await
                    .unwrap();
                let want = if lock == 0 { "1ms" } else { "3s" };
                assert_eq!(
                    got[0],
                    vec![Some(want.to_string()), Some("7s".to_string())],
                    "lock {lock} s"
                );
            }
            Dialect::Mysql => {
                let got = db
                    .query_strings(
                        "SELECT CAST(@@lock_wait_timeout AS CHAR), CAST(@@innodb_lock_wait_timeout AS CHAR), CAST(@@max_statement_time AS CHAR)",
                    )
                    .await
                    .unwrap();
                assert_eq!(got[0][0].as_deref(), Some(want_lock), "{got:?}");
                assert_eq!(got[0][1].as_deref(), Some(want_lock), "{got:?}");
                let statement: f64 = got[0][2].as_deref().unwrap().parse().unwrap();
                assert_eq!(statement, 7.0, "{got:?}");
            }
            Dialect::Sqlite => {
                let got = db.query_strings("PRAGMA busy_timeout").await.unwrap();
                assert_eq!(got[0][0].as_deref(), Some(&*(lock * 1000).to_string()));
            }
        }
        db.close().await.unwrap();
    }
    t.drop().await;
}
