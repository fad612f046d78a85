//! Prints how long the revision graph takes on large histories.
//!
//! `cargo run --release -p retort-revision --example bench_graph`

use std::time::Instant;

use retort_revision::{Header, RevisionMap};

fn h(rev: String, down: Vec<String>) -> Header {
    Header {
        message: format!("revision {rev}"),
        revision: rev,
        down_revisions: down,
        ..Header::default()
    }
}

fn time<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    println!(
        "{what:<48} {:>9.3} ms",
        start.elapsed().as_secs_f64() * 1000.0
    );
    out
}

fn main() {
    let n = 10_000;
    fresh(n);
    let mut chain: Vec<Header> = (0..n)
        .map(|i| {
            let down = if i == 0 {
                vec![]
            } else {
                vec![format!("{:012x}", i - 1)]
            };
            h(format!("{i:012x}"), down)
        })
        .collect();
    chain[0].branch_labels = vec!["main".into()];
    println!("linear chain of {n} revisions (label `main` on the base)");
    let m = time("  build map", || RevisionMap::new(chain.clone()).unwrap());
    time("  heads", || m.heads().len());
    time("  history (all)", || m.history(None, &[]).unwrap().len());
    time("  history -r <middle>:", || {
        m.history(Some(&format!("{:012x}:", n / 2)), &[])
            .unwrap()
            .len()
    });
    time("  resolve head-9000", || {
        m.resolve("head-9000", &[]).unwrap()
    });
    time("  resolve main@+9000", || {
        m.resolve("main@+9000", &[]).unwrap()
    });
    time("  resolve full id", || {
        m.resolve("000000001234", &[]).unwrap()
    });
    time("  resolve ambiguous prefix (error)", || {
        m.resolve("0000000012", &[]).is_err()
    });
    time("  upgrade plan base -> head", || {
        m.upgrade_plan(&[], "head").unwrap().len()
    });
    let head = vec![format!("{:012x}", n - 1)];
    time("  downgrade plan head -> base", || {
        m.downgrade_plan(&head, "base").unwrap().len()
    });

    let branches = 100;
    let per = 100;
    let mut wide = vec![h("base0".into(), vec![])];
    let mut tips = Vec::new();
    for b in 0..branches {
        let mut prev = "base0".to_string();
        for i in 0..per {
            let id = format!("b{b}_{i}");
            wide.push(h(id.clone(), vec![prev]));
            prev = id;
        }
        tips.push(prev);
    }
    println!(
        "{branches} branches of {per} revisions ({} revisions, {branches} heads)",
        wide.len()
    );
    let m = time("  build map", || RevisionMap::new(wide.clone()).unwrap());
    time("  heads", || m.heads().len());
    time("  history (all)", || m.history(None, &[]).unwrap().len());
    time("  upgrade plan base -> heads", || {
        m.upgrade_plan(&[], "heads").unwrap().len()
    });
    time("  downgrade plan heads -> base", || {
        m.downgrade_plan(&tips, "base").unwrap().len()
    });
    wide.push(h("merge_all".into(), tips.clone()));
    let m = time("  build map (+ merge of all heads)", || {
        RevisionMap::new(wide).unwrap()
    });
    time("  upgrade plan base -> merge", || {
        m.upgrade_plan(&[], "head").unwrap().len()
    });
    time("  downgrade plan merge -> base", || {
        m.downgrade_plan(&["merge_all".to_string()], "base")
            .unwrap()
            .len()
    });
}

/// The freshness check and the header parsing every command does, on `n` script files.
fn fresh(n: usize) {
    let dir = std::env::temp_dir().join(format!("retort-bench-fresh-{}", std::process::id()));
    let versions = dir.join("versions");
    std::fs::create_dir_all(&versions).unwrap();
    let mut compiled = Vec::new();
    let mut headers = Vec::new();
    for i in 0..n {
        let down = if i == 0 {
            String::new()
        } else {
            format!("{:012x}", i - 1)
        };
        let src = format!(
            "//! revision {i}\n//!\n//! Revision ID: {i:012x}\n//! Revises: {down}\n//! Branch labels:\n//! Depends on:\n//! Create date: 2026-12-06 08:00:00 UTC\n\nuse retort::migration::prelude::*;\n\npub fn upgrade(m: &mut Migration) {{\n    m.add_column(\"t\", Column::new(\"c{i}\", SqlType::Integer).nullable(true));\n}}\n\npub fn downgrade(m: &mut Migration) {{\n    m.drop_column(\"t\", \"c{i}\");\n}}\n"
        );
        let name = format!("{i:012x}_revision_{i}.rs");
        std::fs::write(versions.join(&name), &src).unwrap();
        compiled.push((name, retort_revision::file_hash(src.as_bytes())));
        headers.push(src);
    }
    println!("{n} script files on disk");
    time("  check_fresh, first (files just written)", || {
        retort_revision::check_fresh(&dir, &compiled).unwrap()
    });
    time("  check_fresh (read and hash every file)", || {
        retort_revision::check_fresh(&dir, &compiled).unwrap()
    });
    let stamps: Vec<Option<retort_revision::Stamp>> = compiled
        .iter()
        .map(|(name, _)| {
            retort_revision::Stamp::of(&std::fs::metadata(versions.join(name)).unwrap())
        })
        .collect();
    let stamped: Vec<retort_revision::Compiled<'_>> = compiled
        .iter()
        .zip(&stamps)
        .map(|((name, hash), stamp)| retort_revision::Compiled {
            file_name: name,
            hash: *hash,
            stamp: *stamp,
        })
        .collect();
    time("  check_fresh_stamped (stat every file)", || {
        retort_revision::check_fresh_stamped(&dir, &stamped).unwrap()
    });
    time("  version_files (read_dir and sort)", || {
        retort_revision::version_files(&dir).unwrap().len()
    });
    time("  metadata of every file", || {
        retort_revision::version_files(&dir)
            .unwrap()
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum::<u64>()
    });
    time("  parse every header", || {
        headers
            .iter()
            .filter(|h| retort_revision::parse_header(h).is_ok())
            .count()
    });
    let _ = std::fs::remove_dir_all(&dir);
}
