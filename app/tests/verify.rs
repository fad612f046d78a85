//! `verify` on a scratch database of each dialect: a 20-revision history runs up, down and
//! up again; a deliberately broken downgrade (revision 13 forgets to drop the index it
//! created) is found and named, and the scratch database is gone afterwards.
//! `cargo test -p retort-app --all-features --test verify`.
#![cfg(all(feature = "sqlite", feature = "postgres", feature = "mysql"))]

mod common;

use common::cmd_text;
use retort_app::{Context, MigrationSet};
use retort_runner::{Db, Migration, Script};
use retort_schema::{Column, Dialect, Index, SqlType, Table};
use retort_test_support::Server;

/// Revision `N` of the history: 1 creates `items`, even ones add a column, odd ones index the
/// column added before them. `B` is the revision whose downgrade is broken (0: none).
fn up<const N: usize>(m: &mut Migration) {
    if N == 1 {
        m.create_table(
            Table::new("items")
                .with_column(Column::new("id", SqlType::Integer).autoincrement())
                .primary_key("pk_items", ["id"]),
        );
    } else if N % 2 == 0 {
        m.add_column(
            "items",
            Column::new(format!("c{N}"), SqlType::Integer).nullable(true),
        );
    } else {
        let c = format!("c{}", N - 1);
        m.create_index("items", Index::new(format!("ix_items_{c}"), [c]));
    }
}

fn down<const N: usize, const B: usize>(m: &mut Migration) {
    if N == B {
        return; // forgot to undo what upgrade() did
    }
    if N == 1 {
        m.drop_table("items");
    } else if N % 2 == 0 {
        m.drop_column("items", format!("c{N}"));
    } else {
        m.drop_index("items", format!("ix_items_c{}", N - 1));
    }
}

fn id(n: usize) -> String {
    format!("{n:02}aaaaaaaaaa")
}

fn script<const N: usize, const B: usize>() -> Script {
    let parent = if N == 1 { String::new() } else { id(N - 1) };
    let header = format!(
        "//! Step {N}\n//!\n//! Revision ID: {}\n//! Revises: {parent}\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-01 00:00:00 UTC\n",
        id(N)
    );
    let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
    Script::new(
        leak(format!("{}_step_{N}.rs", id(N))),
        leak(header),
        N as u64,
        up::<N>,
        down::<N, B>,
    )
}

macro_rules! history {
    ($b:literal; $($n:literal)*) => {
        MigrationSet::new("", vec![$(script::<$n, $b>()),*])
    };
}

fn twenty(broken: usize) -> MigrationSet {
    match broken {
        0 => history!(0; 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20),
        13 => history!(13; 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20),
        _ => unreachable!(),
    }
}

fn server(d: Dialect) -> String {
    Server::of(d).map_or_else(|| "sqlite::memory:".to_string(), Server::url)
}

/// Names of scratch schemas/databases left on the server.
async fn leftovers(d: Dialect) -> Vec<String> {
    let sql = match d {
        Dialect::Sqlite => return Vec::new(),
        Dialect::Postgres => "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'retort_verify_%'",
        Dialect::Mysql => "SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'retort_verify_%'",
    };
    let mut db = Db::connect(&server(d)).await.unwrap();
    let rows = db.query_strings(sql).await.unwrap();
    let _ = db.close().await;
    rows.into_iter()
        .filter_map(|r| r.into_iter().next().flatten())
        .collect()
}

async fn verify(d: Dialect, broken: usize) -> Option<(i32, String)> {
    if let Some(server) = Server::of(d) {
        if !server.reachable("verify").await {
            return None;
        }
    }
    let set = twenty(broken);
    let map = set.revision_map().unwrap();
    let models = set.clone();
    let head = map.heads()[0].to_string();
    let tmp = tempfile::tempdir().unwrap();
    let ctx = Context::isolated(
        set,
        move || {
            models
                .replay(std::slice::from_ref(&head))
                .map_err(|e| e.to_string())
        },
        tmp.path(),
    );
    let before = leftovers(d).await;
    let (code, text) = cmd_text(&ctx, &["--url", &server(d), "verify"]).await;
    let after = leftovers(d).await;
    let new: Vec<&String> = after.iter().filter(|n| !before.contains(n)).collect();
    assert!(new.is_empty(), "{d}: scratch left behind: {new:?}");
    Some((code, text))
}

async fn both(d: Dialect) {
    let Some((code, said)) = verify(d, 0).await else {
        return;
    };
    assert_eq!(code, 0, "{d}: a clean history:\n{said}");
    assert!(
        said.contains("each of the 20 steps restored the schema below it"),
        "{d}: {said}"
    );
    let (code, said) = verify(d, 13).await.unwrap();
    assert_eq!(code, 1, "{d}: a broken downgrade:\n{said}");
    assert!(
        said.contains(&format!(
            "FAILED: the downgrade of revision {} does not restore the schema of {}",
            id(13),
            id(12)
        )),
        "{d}: {said}"
    );
    assert!(
        said.contains("ix_items_c12"),
        "{d}: the leftover index is not named: {said}"
    );
    eprintln!("{d}:\n{said}");
    // Revisions above 13 were undone cleanly first.
    assert!(!said.contains(&id(14)), "{d}: {said}");
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_sqlite() {
    both(Dialect::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_postgres() {
    both(Dialect::Postgres).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_mysql() {
    both(Dialect::Mysql).await;
}
