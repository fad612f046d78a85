//! Property tests (issue 11, item 7): the header parser, identifier resolution on random
//! graphs, `retort.toml` parsing, and the differ.
//!
//! Each property runs 64 cases by default (fast enough for CI); set `PROPTEST_CASES` for more,
//! e.g. `PROPTEST_CASES=5000 cargo test -p retort-tests --all-features --test properties`.

use proptest::prelude::*;
use retort_codegen::render_header;
use retort_diff::{diff, Options};
use retort_revision::{parse_header, Header, RevisionMap};
use retort_schema::{
    Check, Column, Dialect, ForeignKey, Index, Op, PrimaryKey, Schema, SqlType, Table, Unique,
};

fn config() -> ProptestConfig {
    // `ProptestConfig::default()` reads PROPTEST_CASES; keep CI small otherwise.
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ----- header parser -------------------------------------------------------------------------

fn id() -> impl Strategy<Value = String> {
    "[0-9a-f]{12}"
}

fn label() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,10}".prop_filter("reserved", |l| {
        !["head", "heads", "base", "current"].contains(&l.as_str())
    })
}

fn header() -> impl Strategy<Value = Header> {
    (
        id(),
        prop::collection::vec(id(), 0..3),
        prop::collection::vec(label(), 0..3),
        prop::collection::vec(id(), 0..2),
        "[A-Za-z0-9 ,.'\"éü表_()-]{1,60}",
        "20[0-9]{2}-[01][0-9]-[0-3][0-9] [0-2][0-9]:[0-5][0-9]:[0-5][0-9] UTC",
    )
        .prop_map(|(revision, down, mut labels, depends, message, date)| {
            labels.sort();
            labels.dedup();
            Header {
                down_revisions: down.into_iter().filter(|d| *d != revision).collect(),
                revision,
                branch_labels: labels,
                depends_on: depends,
                message: message.trim().to_string(),
                create_date: date,
            }
        })
        .prop_filter("message", |h| !h.message.is_empty())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_rendered_header_parses_back(h in header()) {
        let text = render_header(&h);
        let back = parse_header(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, h, "{}", text);
    }

    #[test]
    fn arbitrary_text_never_panics_the_header_parser(s in ".{0,400}", prefix in prop::bool::ANY) {
        let text = if prefix { format!("//! {}", s.replace('\n', "\n//! ")) } else { s };
        let _ = parse_header(&text);
    }

    #[test]
    fn header_like_lines_never_panic(lines in prop::collection::vec(
        prop_oneof![
            Just("//! Revision ID: ".to_string()),
            Just("//! Revises: ".to_string()),
            Just("//! Branch labels: ".to_string()),
            Just("//! Depends on: ".to_string()),
            Just("//! Create date: ".to_string()),
            Just("//!".to_string()),
            Just("//! ".to_string()),
        ].prop_flat_map(|k| ".{0,30}".prop_map(move |v| format!("{k}{v}"))),
        0..12,
    )) {
        let _ = parse_header(&lines.join("\n"));
    }
}

// ----- identifier resolution on random graphs --------------------------------------------------

/// A random DAG of `n` revisions: each one revises 0..=2 earlier ones (a revision with none
/// is a base), optionally carries a branch label.
fn graph() -> impl Strategy<Value = Vec<Header>> {
    (1usize..14).prop_flat_map(|n| {
        (
            prop::collection::vec(id(), n),
            prop::collection::vec(
                (
                    prop::collection::vec(0usize..100, 0..3),
                    prop::option::of(label()),
                ),
                n,
            ),
        )
            .prop_map(|(ids, shape)| {
                let mut ids = ids;
                ids.sort();
                ids.dedup();
                let mut used_labels: Vec<String> = Vec::new();
                ids.iter()
                    .enumerate()
                    .map(|(i, rev)| {
                        let (parents, label) = &shape[i.min(shape.len() - 1)];
                        let mut down: Vec<String> = if i == 0 {
                            Vec::new()
                        } else {
                            parents.iter().map(|p| ids[p % i].clone()).collect()
                        };
                        down.sort();
                        down.dedup();
                        let labels = match label {
                            Some(l)
                                if !used_labels.contains(l)
                                    && !ids.iter().any(|x| x.starts_with(l.as_str())) =>
                            {
                                used_labels.push(l.clone());
                                vec![l.clone()]
                            }
                            _ => Vec::new(),
                        };
                        Header {
                            revision: rev.clone(),
                            down_revisions: down,
                            branch_labels: labels,
                            depends_on: Vec::new(),
                            message: format!("rev {i}"),
                            create_date: "2026-12-07 02:00:00 UTC".into(),
                        }
                    })
                    .collect()
            })
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn every_full_id_resolves_to_itself(hs in graph(), exprs in prop::collection::vec(".{0,20}", 0..8), n in any::<i64>()) {
        // A graph where a revision revises two that are ancestors of each other is refused;
        // either way nothing panics.
        let Ok(map) = RevisionMap::new(hs.clone()) else { return Ok(()) };
        for h in &hs {
            let got = map.resolve(&h.revision, &[]).map_err(|e| TestCaseError::fail(format!("{}: {e}", h.revision)))?;
            prop_assert_eq!(got, vec![h.revision.clone()]);
        }
        let heads: Vec<String> = map.heads().into_iter().map(String::from).collect();
        let mut probes: Vec<String> = exprs;
        probes.extend([
            format!("+{n}"), format!("-{n}"), format!("head{n:+}"), format!("base+{}", n.unsigned_abs()),
            format!("{}+{}", hs[0].revision, n.unsigned_abs()), "heads".into(), "head".into(), "base".into(),
            format!("{}@head", hs[0].revision), "current".into(), String::new(),
        ]);
        for e in &probes {
            let _ = map.resolve(e, &[]);
            let _ = map.resolve(e, &heads);
            let _ = map.upgrade_plan(&[], e);
            let _ = map.downgrade_plan(&heads, e);
        }
    }
}

// ----- retort.toml parsing ---------------------------------------------------------------------

/// Every key `retort.toml` accepts, a misspelt one and an empty one.
fn keys() -> Vec<&'static str> {
    let mut keys = retort_app::config::KNOWN_KEYS.to_vec();
    keys.extend(["scrpt_location", ""]);
    keys
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<i64>().prop_map(|n| n.to_string()),
        "[0-9]{15,30}",
        any::<f64>().prop_map(|f| format!("{f:?}")),
        any::<bool>().prop_map(|b| b.to_string()),
        "\"[^\"\\\\\n]{0,20}\"",
        Just("[]".to_string()),
        Just("[\"a\", 1]".to_string()),
        Just("{ x = 1 }".to_string()),
        ".{0,12}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn config_parsing_never_panics_and_errors_name_a_key_or_line(
        lines in prop::collection::vec((prop::sample::select(keys()), value()), 0..6)
    ) {
        let text: String = lines.iter().map(|(k, v)| format!("{k} = {v}\n")).collect();
        if let Err(e) = retort_app::config::parse(&text) {
            let names_key = keys().iter().any(|k| !k.is_empty() && e.contains(k));
            prop_assert!(names_key || e.contains("line"), "the error names neither a key nor a line: {e}\n{text}");
        }
    }

    #[test]
    fn config_parsing_of_arbitrary_text_never_panics(s in ".{0,200}") {
        let _ = retort_app::config::parse(&s);
    }
}

// ----- the differ --------------------------------------------------------------------------------

fn ty() -> impl Strategy<Value = SqlType> {
    prop_oneof![
        Just(SqlType::Integer),
        Just(SqlType::BigInt),
        Just(SqlType::Text),
        Just(SqlType::Boolean),
        (1u32..300).prop_map(SqlType::Varchar),
    ]
}

/// A column `c{i}` (id columns are added separately).
fn column(i: usize) -> impl Strategy<Value = Column> {
    (ty(), any::<bool>(), prop::option::of(0u8..3)).prop_map(move |(ty, nullable, default)| {
        let mut c = Column::new(format!("c{i}"), ty.clone()).nullable(nullable);
        c.default = default.map(|d| match ty {
            SqlType::Text | SqlType::Varchar(_) => format!("'v{d}'"),
            SqlType::Boolean => {
                if d == 0 {
                    "false".into()
                } else {
                    "true".into()
                }
            }
            _ => d.to_string(),
        });
        c
    })
}

/// Table `t{i}`: an id, some of c0..c4, maybe an index, a unique, a check, a foreign key to
/// another table of the pool.
fn table(i: usize) -> impl Strategy<Value = Table> {
    (
        prop::collection::vec(prop::option::of(column(0)), 1),
        prop::option::of(column(1)),
        prop::option::of(column(2)),
        prop::option::of(column(3)),
        any::<(bool, bool, bool)>(),
        prop::option::of(0usize..4),
    )
        .prop_map(move |(c0, c1, c2, c3, (ix, uq, ck), fk)| {
            let mut t = Table::new(format!("t{i}"));
            t.columns.push(Column::new("id", SqlType::Integer));
            t.primary_key = Some(PrimaryKey {
                name: format!("pk_t{i}"),
                columns: vec!["id".into()],
            });
            t.columns
                .extend(c0.into_iter().flatten().chain(c1).chain(c2).chain(c3));
            let first = t.columns.get(1).map(|c| c.name.clone());
            if let Some(c) = &first {
                if ix {
                    t.indexes.push(Index {
                        name: format!("ix_t{i}_{c}"),
                        columns: vec![c.clone()],
                        unique: false,
                        predicate: None,
                        dialects: Vec::new(),
                    });
                }
                if uq {
                    t.uniques.push(Unique {
                        name: format!("uq_t{i}_{c}"),
                        columns: vec![c.clone()],
                    });
                }
            }
            if ck {
                t.checks.push(Check {
                    name: format!("ck_t{i}"),
                    expr: "id > 0".into(),
                });
            }
            if let Some(p) = fk.filter(|p| *p != i) {
                t.columns
                    .push(Column::new("ref_id", SqlType::Integer).nullable(true));
                t.foreign_keys.push(ForeignKey {
                    name: format!("fk_t{i}_t{p}"),
                    columns: vec!["ref_id".into()],
                    ref_table: format!("t{p}").into(),
                    ref_columns: vec!["id".into()],
                    on_delete: None,
                    on_update: None,
                    deferrable: false,
                });
            }
            t
        })
}

fn schema() -> impl Strategy<Value = Schema> {
    (
        prop::option::of(table(0)),
        prop::option::of(table(1)),
        prop::option::of(table(2)),
        prop::option::of(table(3)),
    )
        .prop_map(|(a, b, c, d)| {
            let mut tables: Vec<Table> = [a, b, c, d].into_iter().flatten().collect();
            // Foreign keys only to tables of this schema.
            let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
            for t in &mut tables {
                let gone: Vec<String> = t
                    .foreign_keys
                    .iter()
                    .filter(|f| !names.contains(&f.ref_table.name))
                    .map(|f| f.columns[0].clone())
                    .collect();
                t.foreign_keys.retain(|f| names.contains(&f.ref_table.name));
                t.columns.retain(|c| !gone.contains(&c.name));
            }
            let mut s = Schema {
                tables,
                ..Default::default()
            };
            s.normalize_order();
            s
        })
}

/// Applies `ops` (`what`) to `got`; fails unless the differ then finds nothing between `got`
/// and `target`.
fn apply_reaches(
    got: &mut Schema,
    ops: &[Op],
    target: &Schema,
    d: Dialect,
    what: &str,
) -> Result<(), TestCaseError> {
    got.apply_all(ops)
        .map_err(|e| TestCaseError::fail(format!("{d:?}: applying {what}: {e}\nops: {ops:#?}")))?;
    let left = diff(got, target, &Options::new(d)).ops;
    prop_assert!(
        left.is_empty(),
        "{:?}: {} applied still differs from its target: {:#?}\nops: {:#?}",
        d,
        what,
        left,
        ops
    );
    Ok(())
}

fn check_roundtrip(a: &Schema, b: &Schema, d: Dialect) -> Result<(), TestCaseError> {
    let ops = diff(a, b, &Options::new(d)).ops;
    let mut got = a.clone();
    apply_reaches(&mut got, &ops, b, d, "diff(a, b)")?;
    let down = retort_diff::downgrade(a, &ops)
        .map_err(|e| TestCaseError::fail(format!("{d:?}: reversing: {e}")))?;
    apply_reaches(&mut got, &down, a, d, "the reverse of diff(a, b)")
}

/// Random schema pairs; run on a thread with a larger stack (the nested strategies of a
/// schema overflow the 2 MiB test thread in debug builds).
#[test]
fn applying_a_diff_reaches_the_target_and_its_reverse_comes_back() {
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(|| {
            let mut runner = proptest::test_runner::TestRunner::new(config());
            let r = runner.run(&(schema(), schema()), |(a, b)| {
                for d in [Dialect::Postgres, Dialect::Mysql, Dialect::Sqlite] {
                    check_roundtrip(&a, &b, d)?;
                }
                Ok(())
            });
            if let Err(e) = r {
                panic!("{e}");
            }
        })
        .unwrap()
        .join()
        .unwrap();
}
