//! The revision graph, identifiers and plans (modelled on Alembic's test_revision.py and
//! test_version_traversal.py).

mod common;

use common::{h, headers, hl, map, run, s, upd};
use retort_revision::{
    Direction, GraphError, Header, ResolveError, RevisionMap, Step, VersionChange,
};

fn up(rev: &str, c: VersionChange) -> Step {
    Step {
        revision: rev.into(),
        direction: Direction::Up,
        version_change: c,
    }
}

fn down(rev: &str, c: VersionChange) -> Step {
    Step {
        revision: rev.into(),
        direction: Direction::Down,
        version_change: c,
    }
}

fn ins(new: &str) -> VersionChange {
    VersionChange::Insert { new: new.into() }
}

fn del(old: &str) -> VersionChange {
    VersionChange::Delete { old: old.into() }
}

fn revs(steps: &[Step]) -> Vec<&str> {
    steps.iter().map(|s| s.revision.as_str()).collect()
}

// ------------------------------------------------------------------------------------------
// linear: a -> b -> c -> d -> e

fn linear() -> RevisionMap {
    map("a b<a c<b d<c e<d")
}

#[test]
fn linear_heads_bases_topology() {
    let m = linear();
    assert_eq!(m.heads(), ["e"]);
    assert_eq!(m.real_heads(), ["e"]);
    assert_eq!(m.bases(), ["a"]);
    assert!(m.branch_points().is_empty());
    assert_eq!(m.topological(), ["a", "b", "c", "d", "e"]);
    assert_eq!(m.get("c").unwrap().down_revisions, ["b"]);
    assert!(m.get("zz").is_none());
    assert_eq!(m.children("c"), ["d"]);
    assert!(m.is_head("e") && !m.is_head("d"));
}

#[test]
fn linear_upgrade_from_empty_inserts_then_updates() {
    let m = linear();
    let plan = m.upgrade_plan(&[], "head").unwrap();
    assert_eq!(
        plan,
        vec![
            up("a", ins("a")),
            up("b", upd("a", "b")),
            up("c", upd("b", "c")),
            up("d", upd("c", "d")),
            up("e", upd("d", "e")),
        ]
    );
    assert_eq!(run(&[], &plan), ["e"]);
    assert_eq!(m.upgrade_plan(&[], "heads").unwrap(), plan);
}

#[test]
fn linear_relative_upgrades_and_downgrades() {
    let m = linear();
    assert_eq!(
        m.upgrade_plan(&s(&["b"]), "+2").unwrap(),
        vec![up("c", upd("b", "c")), up("d", upd("c", "d"))]
    );
    assert_eq!(m.upgrade_plan(&[], "+1").unwrap(), vec![up("a", ins("a"))]);
    assert_eq!(
        m.downgrade_plan(&s(&["e"]), "-1").unwrap(),
        vec![down("e", upd("e", "d"))]
    );
    assert_eq!(
        m.downgrade_plan(&s(&["c"]), "base").unwrap(),
        vec![
            down("c", upd("c", "b")),
            down("b", upd("b", "a")),
            down("a", del("a"))
        ]
    );
    assert_eq!(
        m.downgrade_plan(&s(&["b"]), "-2").unwrap(),
        vec![down("b", upd("b", "a")), down("a", del("a"))]
    );
    assert_eq!(
        revs(&m.upgrade_plan(&s(&["a"]), "d").unwrap()),
        ["b", "c", "d"]
    );
    assert_eq!(
        revs(&m.upgrade_plan(&s(&["a"]), "b+2").unwrap()),
        ["b", "c", "d"]
    );
    assert_eq!(
        revs(&m.downgrade_plan(&s(&["e"]), "head-2").unwrap()),
        ["e", "d"]
    );
    assert_eq!(
        revs(&m.downgrade_plan(&s(&["e"]), "b").unwrap()),
        ["e", "d", "c"]
    );
    // An upgrade to where we are or below does nothing, as in Alembic.
    assert!(m.upgrade_plan(&s(&["d"]), "b").unwrap().is_empty());
    assert!(m.upgrade_plan(&s(&["e"]), "head").unwrap().is_empty());
    // A downgrade to the current revision does nothing.
    assert!(m.downgrade_plan(&s(&["c"]), "c").unwrap().is_empty());
}

#[test]
fn linear_identifier_forms() {
    let m = linear();
    let cur = s(&["b"]);
    let r = |e: &str| m.resolve(e, &cur).unwrap();
    assert_eq!(r("head"), ["e"]);
    assert_eq!(r("heads"), ["e"]);
    assert!(r("base").is_empty());
    assert_eq!(r("current"), ["b"]);
    assert_eq!(r("c"), ["c"]);
    assert_eq!(r("head-2"), ["c"]);
    assert_eq!(r("head-4"), ["a"]);
    assert!(
        r("head-5").is_empty(),
        "walking below the first revision reaches base"
    );
    assert_eq!(r("c+1"), ["d"]);
    assert_eq!(r("c-1"), ["b"]);
    assert_eq!(r("base+2"), ["b"]);
    assert_eq!(r("+1"), ["c"]);
    assert_eq!(r("+3"), ["e"]);
    assert_eq!(r("-1"), ["a"]);
    assert!(r("-2").is_empty());
    assert_eq!(r("e@head"), ["e"]);
    assert_eq!(r("a@head"), ["e"]);
}

#[test]
fn linear_walk_errors() {
    let m = linear();
    let cur = s(&["b"]);
    assert_eq!(
        m.resolve("+4", &cur).unwrap_err(),
        ResolveError::RelativeTooFar {
            relative: "+4".into(),
            count: 4
        }
    );
    assert_eq!(
        m.resolve("-3", &cur).unwrap_err().to_string(),
        "Relative revision -3 didn't produce 3 migrations"
    );
    assert!(matches!(
        m.resolve("e+1", &cur).unwrap_err(),
        ResolveError::WalkedTooFar { .. }
    ));
    assert!(matches!(
        m.resolve("a-2", &cur).unwrap_err(),
        ResolveError::WalkedTooFar { .. }
    ));
    let e = m.upgrade_plan(&cur, "-1").unwrap_err();
    assert!(matches!(e, ResolveError::InvalidTarget { .. }), "{e:?}");
    assert!(e.to_string().contains("downgrade -1"), "{e}");
    let e = m.downgrade_plan(&cur, "+1").unwrap_err();
    assert!(e.to_string().contains("upgrade +1"), "{e}");
    let e = m.downgrade_plan(&[], "-1").unwrap_err();
    assert_eq!(
        e.to_string(),
        "Relative revision -1 didn't produce 1 migrations"
    );
}

#[test]
fn downgrade_to_a_revision_that_is_not_applied_is_an_error() {
    let m = linear();
    let e = m.downgrade_plan(&s(&["b"]), "d").unwrap_err();
    assert_eq!(
        e,
        ResolveError::NotADowngradeTarget {
            target: "d".into(),
            current: s(&["b"])
        }
    );
    assert!(e
        .to_string()
        .contains("Destination d is not a valid downgrade target"));
}

#[test]
fn unknown_current_revision_is_an_error_naming_it() {
    let m = linear();
    let e = m.upgrade_plan(&s(&["zzzz"]), "head").unwrap_err();
    assert_eq!(e, ResolveError::UnknownCurrent { id: "zzzz".into() });
    assert!(e
        .to_string()
        .contains("Can't locate revision identified by 'zzzz'"));
}

#[test]
fn version_rows_with_a_revision_and_its_descendant_are_refused() {
    let m = linear();
    let want = ResolveError::OverlappingCurrent {
        ancestor: "b".into(),
        descendant: "d".into(),
    };
    assert_eq!(m.check_current(&s(&["b", "d"])), Err(want.clone()));
    assert_eq!(m.upgrade_plan(&s(&["d", "b"]), "head").unwrap_err(), want);
    assert_eq!(m.downgrade_plan(&s(&["b", "d"]), "base").unwrap_err(), want);
    assert!(want.to_string().contains("stamp --purge"), "{want}");
    // stamp --purge ignores the rows: the way out works.
    assert!(m.stamp_plan(&s(&["b", "d"]), &["d"], true).is_ok());
    // Two real heads of a branched graph are fine.
    let br = map("a b<a c<a");
    assert_eq!(br.check_current(&s(&["b", "c"])), Ok(()));
}

// ------------------------------------------------------------------------------------------
// prefixes

#[test]
fn partial_identifiers() {
    let m =
        map("ae1027a6acf0 ae10ff000000<ae1027a6acf0 b2c3d4e5f6a7<ae10ff000000 abc<b2c3d4e5f6a7");
    let r = |e: &str| m.resolve(e, &[]);
    assert_eq!(r("ae1027").unwrap(), ["ae1027a6acf0"]);
    assert_eq!(r("ae1027a6acf0").unwrap(), ["ae1027a6acf0"]);
    assert_eq!(r("b2c").unwrap(), ["b2c3d4e5f6a7"]);
    assert_eq!(r("abc").unwrap(), ["abc"], "an exact short id resolves");
    assert_eq!(r("ae1027+1").unwrap(), ["ae10ff000000"]);
    let e = r("ae10").unwrap_err();
    assert_eq!(
        e,
        ResolveError::AmbiguousPrefix {
            prefix: "ae10".into(),
            candidates: s(&["ae1027a6acf0", "ae10ff000000"])
        }
    );
    assert!(e
        .to_string()
        .starts_with("Multiple revisions start with 'ae10': 'ae1027a6acf0', 'ae10ff000000'"));
    // Ids of 3 characters or fewer take part only when given exactly.
    let e = r("ab").unwrap_err();
    assert_eq!(e, ResolveError::NoSuchRevision { id: "ab".into() });
    assert_eq!(
        e.to_string(),
        "No such revision or branch 'ab'; please ensure at least four characters are present \
         for partial revision identifier matches"
    );
    assert_eq!(
        r("ffff").unwrap_err().to_string(),
        "No such revision or branch 'ffff'"
    );
    // An empty identifier is not a prefix of everything.
    let single = map("abcdef");
    assert!(matches!(
        single.resolve("", &[]).unwrap_err(),
        ResolveError::NoSuchRevision { .. }
    ));
    assert!(single.resolve("@head", &[]).is_err());
    assert_eq!(single.resolve("abcd", &[]).unwrap(), ["abcdef"]);
}

// ------------------------------------------------------------------------------------------
// branches: a -> b -> c1 (label cb) -> c2 ; b -> d1 (label db) -> d2

const BRANCHED: &str = "a b<a c1<b#cb c2<c1 d1<b#db d2<d1";

#[test]
fn branched_heads_and_branch_points() {
    let m = map(BRANCHED);
    assert_eq!(m.heads(), ["c2", "d2"]);
    assert_eq!(m.bases(), ["a"]);
    assert_eq!(m.branch_points(), ["b"]);
    assert!(m.is_branch_point("b"));
    assert_eq!(m.children("b"), ["c1", "d1"]);
    assert_eq!(m.branch_labels("c2"), ["cb"]);
    assert_eq!(m.branch_labels("d1"), ["db"]);
    assert!(
        m.branch_labels("b").is_empty(),
        "labels stop at the branch point"
    );
    assert_eq!(m.label_owner("cb"), Some("c1"));
    let topo = m.topological();
    assert_eq!(topo, ["a", "b", "c1", "c2", "d1", "d2"]);
}

#[test]
fn head_with_two_heads_is_an_error_naming_them() {
    let m = map(BRANCHED);
    let e = m.upgrade_plan(&[], "head").unwrap_err();
    assert_eq!(
        e,
        ResolveError::MultipleHeads {
            argument: "head".into(),
            heads: s(&["c2", "d2"])
        }
    );
    let text = e.to_string();
    assert!(text.starts_with(
        "Multiple head revisions are present for given argument 'head'; please specify a \
         specific target revision, '<branchname>@head' to narrow to a specific head, or \
         'heads' for all heads"
    ));
    assert!(text.contains("c2, d2"), "{text}");
    let e = m.resolve("b@head", &[]).unwrap_err();
    assert!(
        matches!(&e, ResolveError::MultipleHeads { argument, .. } if argument == "b@head"),
        "{e:?}"
    );
}

#[test]
fn branched_identifier_forms() {
    let m = map(BRANCHED);
    let cur = s(&["c1", "d1"]);
    let r = |e: &str| m.resolve(e, &cur).unwrap();
    assert_eq!(r("heads"), ["c2", "d2"]);
    assert_eq!(r("cb@head"), ["c2"]);
    assert_eq!(r("db@head"), ["d2"]);
    assert_eq!(r("cb@heads"), ["c2"]);
    assert_eq!(
        r("c1@head"),
        ["c2"],
        "<rev>@head: the head of the branch holding rev"
    );
    assert_eq!(
        r("cb"),
        ["c1"],
        "a label alone is the revision that declares it"
    );
    assert_eq!(r("cb@c2"), ["c2"]);
    assert_eq!(r("cb@+1"), ["c2"]);
    assert_eq!(r("db@+1"), ["d2"]);
    assert_eq!(r("cb@-1"), ["b"]);
    assert_eq!(r("cb@head-1"), ["c1"]);
    assert!(r("cb@base").is_empty());
    assert_eq!(r("current"), ["c1", "d1"]);
    assert_eq!(r("cb@current"), ["c1"]);
    assert_eq!(
        m.resolve("cb@d2", &cur).unwrap_err(),
        ResolveError::NotOnBranch {
            revision: "d2".into(),
            branch: "cb".into()
        }
    );
    assert_eq!(
        m.resolve("nope@head", &cur).unwrap_err().to_string(),
        "No such branch: 'nope'"
    );
}

#[test]
fn plus_one_with_several_current_heads_is_ambiguous() {
    let m = map(BRANCHED);
    let e = m.upgrade_plan(&s(&["c1", "d1"]), "+1").unwrap_err();
    assert_eq!(
        e,
        ResolveError::AmbiguousUpgrade {
            current: s(&["c1", "d1"])
        }
    );
    assert!(e
        .to_string()
        .starts_with("Ambiguous upgrade from multiple current revisions (c1, d1)"));
    let e = m.downgrade_plan(&s(&["c1", "d1"]), "-1").unwrap_err();
    assert!(
        matches!(e, ResolveError::AmbiguousDowngrade { .. }),
        "{e:?}"
    );
    // Narrowed by a label, it works.
    assert_eq!(
        m.upgrade_plan(&s(&["c1", "d1"]), "cb@+1").unwrap(),
        vec![up("c2", upd("c1", "c2"))]
    );
    assert_eq!(
        m.downgrade_plan(&s(&["c2", "d2"]), "cb@-1").unwrap(),
        vec![down("c2", upd("c2", "c1"))]
    );
}

#[test]
fn upgrade_walks_up_a_branch_from_its_branch_point() {
    let m = map(BRANCHED);
    // The db branch is not applied yet: db@+1 starts from the applied part of its lineage.
    assert_eq!(
        m.upgrade_plan(&s(&["c2"]), "db@+1").unwrap(),
        vec![up("d1", ins("d1"))]
    );
    let e = m.upgrade_plan(&s(&["b"]), "+1").unwrap_err();
    assert_eq!(
        e,
        ResolveError::AmbiguousWalk {
            from: "b".into(),
            downward: false,
            candidates: s(&["c1", "d1"])
        }
    );
}

#[test]
fn upgrade_heads_creates_a_branch_with_insert() {
    let m = map(BRANCHED);
    let plan = m.upgrade_plan(&[], "heads").unwrap();
    assert_eq!(
        plan,
        vec![
            up("a", ins("a")),
            up("b", upd("a", "b")),
            up("c1", upd("b", "c1")),
            up("c2", upd("c1", "c2")),
            up("d1", ins("d1")),
            up("d2", upd("d1", "d2")),
        ]
    );
    assert_eq!(run(&[], &plan), ["c2", "d2"]);
    // One head at a time: the second branch is an INSERT too.
    let first = m.upgrade_plan(&[], "cb@head").unwrap();
    assert_eq!(revs(&first), ["a", "b", "c1", "c2"]);
    let second = m.upgrade_plan(&s(&["c2"]), "db@head").unwrap();
    assert_eq!(second, vec![up("d1", ins("d1")), up("d2", upd("d1", "d2"))]);
}

#[test]
fn downgrade_past_a_branch_point_deletes_the_row() {
    let m = map(BRANCHED);
    let plan = m.downgrade_plan(&s(&["c2", "d2"]), "b").unwrap();
    assert_eq!(
        plan,
        vec![
            down("d2", upd("d2", "d1")),
            down("d1", del("d1")),
            down("c2", upd("c2", "c1")),
            down("c1", upd("c1", "b")),
        ]
    );
    assert_eq!(run(&["c2", "d2"], &plan), ["b"]);
    // One branch only: label@<branch point>.
    let plan = m.downgrade_plan(&s(&["c2", "d2"]), "cb@b").unwrap();
    assert_eq!(
        plan,
        vec![down("c2", upd("c2", "c1")), down("c1", del("c1"))]
    );
    assert_eq!(run(&["c2", "d2"], &plan), ["d2"]);
    // Everything.
    let plan = m.downgrade_plan(&s(&["c2", "d2"]), "base").unwrap();
    assert_eq!(run(&["c2", "d2"], &plan), Vec::<String>::new());
    assert_eq!(plan.len(), 6);
}

// ------------------------------------------------------------------------------------------
// merge: branched + m (c2, d2) -> n

fn merged() -> RevisionMap {
    map(&format!("{BRANCHED} m<c2,d2 n<m"))
}

#[test]
fn merge_point_queries() {
    let m = merged();
    assert_eq!(m.heads(), ["n"]);
    assert!(m.is_merge_point("m"));
    assert_eq!(m.branch_points(), ["b"]);
    assert_eq!(m.resolve("head", &[]).unwrap(), ["n"]);
    // Labels propagate to descendants through the merge.
    assert_eq!(m.branch_labels("n"), ["cb", "db"]);
}

#[test]
fn upgrade_through_a_merge_deletes_and_updates() {
    let m = merged();
    let plan = m.upgrade_plan(&s(&["c2", "d2"]), "head").unwrap();
    assert_eq!(
        plan,
        vec![
            up(
                "m",
                VersionChange::MergeUp {
                    delete: s(&["c2"]),
                    update_from: "d2".into(),
                    new: "m".into()
                }
            ),
            up("n", upd("m", "n")),
        ]
    );
    assert_eq!(run(&["c2", "d2"], &plan), ["n"]);
    // From before the branch point: the second branch is inserted, then merged.
    let plan = m.upgrade_plan(&s(&["b"]), "m").unwrap();
    assert_eq!(revs(&plan), ["c1", "c2", "d1", "d2", "m"]);
    assert_eq!(plan[2].version_change, ins("d1"));
    assert_eq!(run(&["b"], &plan), ["m"]);
    // From one branch's head only.
    let plan = m.upgrade_plan(&s(&["c2"]), "head").unwrap();
    assert_eq!(revs(&plan), ["d1", "d2", "m", "n"]);
    assert_eq!(run(&["c2"], &plan), ["n"]);
}

#[test]
fn downgrade_through_a_merge_unmerges() {
    let m = merged();
    let plan = m.downgrade_plan(&s(&["n"]), "d2").unwrap();
    assert_eq!(
        plan,
        vec![
            down("n", upd("n", "m")),
            down(
                "m",
                VersionChange::Unmerge {
                    old: "m".into(),
                    insert: s(&["c2"]),
                    update_to: "d2".into()
                }
            ),
        ]
    );
    assert_eq!(run(&["n"], &plan), ["c2", "d2"]);
    let plan = m.downgrade_plan(&s(&["m"]), "b").unwrap();
    assert_eq!(revs(&plan), ["m", "d2", "d1", "c2", "c1"]);
    assert_eq!(plan[2].version_change, del("d1"));
    assert_eq!(run(&["m"], &plan), ["b"]);
    let plan = m.downgrade_plan(&s(&["n"]), "base").unwrap();
    assert_eq!(run(&["n"], &plan), Vec::<String>::new());
    assert_eq!(plan.len(), 8);
}

#[test]
fn minus_one_from_a_merge_point_undoes_the_merge() {
    let m = merged();
    // As Alembic: the merge revision is undone, its parents become current.
    let plan = m.downgrade_plan(&s(&["m"]), "-1").unwrap();
    assert_eq!(
        plan.iter()
            .map(|st| st.revision.as_str())
            .collect::<Vec<_>>(),
        ["m"]
    );
    let mut after = s(&["m"]);
    for st in &plan {
        st.version_change.apply(&mut after).unwrap();
    }
    after.sort();
    assert_eq!(after, s(&["c2", "d2"]));
    // Named by its id, too.
    let plan = m.downgrade_plan(&s(&["n"]), "m-1").unwrap();
    assert_eq!(
        plan.iter()
            .map(|st| st.revision.as_str())
            .collect::<Vec<_>>(),
        ["n", "m"]
    );
    // Two steps down from a merge point: which parent? An error naming both.
    let e = m.downgrade_plan(&s(&["m"]), "-2").unwrap_err();
    assert_eq!(
        e,
        ResolveError::AmbiguousWalk {
            from: "m".into(),
            downward: true,
            candidates: s(&["c2", "d2"])
        }
    );
    assert!(e.to_string().starts_with("Ambiguous walk from m"));
    assert_eq!(m.resolve("n-1", &[]).unwrap(), ["m"]);
    assert!(m.resolve("n-2", &[]).is_err());
}

// ------------------------------------------------------------------------------------------
// several bases with labels

fn forest() -> RevisionMap {
    map("a1#main a2<a1 n1#net n2<n1")
}

#[test]
fn several_bases() {
    let m = forest();
    assert_eq!(m.bases(), ["a1", "n1"]);
    assert_eq!(m.heads(), ["a2", "n2"]);
    let plan = m.upgrade_plan(&[], "heads").unwrap();
    assert_eq!(
        plan,
        vec![
            up("a1", ins("a1")),
            up("a2", upd("a1", "a2")),
            up("n1", ins("n1")),
            up("n2", upd("n1", "n2")),
        ]
    );
    assert_eq!(
        m.upgrade_plan(&[], "net@head").unwrap(),
        vec![up("n1", ins("n1")), up("n2", upd("n1", "n2"))]
    );
    assert_eq!(m.resolve("net@base+1", &[]).unwrap(), ["n1"]);
    assert_eq!(m.resolve("net@+1", &[]).unwrap(), ["n1"]);
    assert_eq!(m.resolve("main@+2", &s(&["n2"])).unwrap(), ["a2"]);
    assert!(
        m.resolve("base+1", &[]).is_err(),
        "two bases: ambiguous walk"
    );
    let plan = m.downgrade_plan(&s(&["a2", "n2"]), "net@base").unwrap();
    assert_eq!(
        plan,
        vec![down("n2", upd("n2", "n1")), down("n1", del("n1"))]
    );
    assert_eq!(run(&["a2", "n2"], &plan), ["a2"]);
    let plan = m.downgrade_plan(&s(&["a2", "n2"]), "base").unwrap();
    assert_eq!(run(&["a2", "n2"], &plan), Vec::<String>::new());
}

// ------------------------------------------------------------------------------------------
// depends_on

#[test]
fn depends_on_applies_the_dependency_first_and_keeps_one_row() {
    // a1 -> a2 -> a3 ; b1 -> b2 (depends on a2)
    let m = map("a1 a2<a1 a3<a2 b1 b2<b1&a2");
    assert_eq!(m.heads(), ["a3", "b2"]);
    assert_eq!(m.dependencies("b2"), ["a2"]);
    assert_eq!(m.dependents("a2"), ["b2"]);
    let plan = m.upgrade_plan(&[], "b2").unwrap();
    assert_eq!(revs(&plan), ["a1", "a2", "b1", "b2"]);
    assert_eq!(
        plan[3].version_change,
        VersionChange::MergeUp {
            delete: s(&["b1"]),
            update_from: "a2".into(),
            new: "b2".into()
        }
    );
    assert_eq!(run(&[], &plan), ["b2"]);
    let plan = m.upgrade_plan(&s(&["b2"]), "a3").unwrap();
    assert_eq!(plan, vec![up("a3", ins("a3"))]);
    let plan = m.downgrade_plan(&s(&["a3", "b2"]), "b1").unwrap();
    assert_eq!(plan, vec![down("b2", upd("b2", "b1"))]);
    assert_eq!(run(&["a3", "b2"], &plan), ["a3", "b1"]);
    // Downgrading the dependency takes its dependents with it.
    let plan = m.downgrade_plan(&s(&["a3", "b2"]), "a1").unwrap();
    assert_eq!(revs(&plan), ["b2", "a3", "a2"]);
    assert_eq!(run(&["a3", "b2"], &plan), ["a1", "b1"]);
}

#[test]
fn a_head_only_depended_upon_is_not_stored() {
    // x1 is a head by `Revises:` but y1 depends on it (Alembic's "effective head").
    let m = map("x1#xs y1&xs");
    assert_eq!(m.heads(), ["x1", "y1"]);
    assert_eq!(m.real_heads(), ["y1"]);
    assert_eq!(
        m.dependencies("y1"),
        ["x1"],
        "a label in Depends on: is resolved"
    );
    assert_eq!(m.resolve("heads", &[]).unwrap(), ["y1"]);
    let plan = m.upgrade_plan(&[], "heads").unwrap();
    assert_eq!(plan, vec![up("x1", ins("x1")), up("y1", upd("x1", "y1"))]);
    assert_eq!(run(&[], &plan), ["y1"]);
    let plan = m.downgrade_plan(&s(&["y1"]), "base").unwrap();
    assert_eq!(
        plan,
        vec![down("y1", upd("y1", "x1")), down("x1", del("x1"))]
    );
}

#[test]
fn dependency_already_declared_by_an_ancestor_is_not_repeated() {
    // p1 -> p2, both depend on d1: p2's step is a plain UPDATE.
    let m = map("d1 d2<d1 p1&d1 p2<p1&d1");
    let plan = m.upgrade_plan(&[], "p2").unwrap();
    assert_eq!(
        plan,
        vec![
            up("d1", ins("d1")),
            up("p1", upd("d1", "p1")),
            up("p2", upd("p1", "p2")),
        ]
    );
    let plan = m.upgrade_plan(&[], "heads").unwrap();
    assert_eq!(run(&[], &plan), ["d2", "p2"]);
}

// ------------------------------------------------------------------------------------------
// stamp

#[test]
fn stamp_plans() {
    let m = forest();
    let p = m.stamp_plan(&s(&["a1"]), &["a2"], false).unwrap();
    assert!(!p.purge);
    assert_eq!(p.changes, vec![upd("a1", "a2")]);
    let p = m.stamp_plan(&s(&["a2"]), &["net@head"], false).unwrap();
    assert_eq!(p.changes, vec![ins("n2")]);
    let p = m.stamp_plan(&s(&["a2", "n2"]), &["base"], false).unwrap();
    assert_eq!(p.changes, vec![del("a2"), del("n2")]);
    let p = m
        .stamp_plan(&s(&["a2", "n2"]), &["net@base"], false)
        .unwrap();
    assert_eq!(p.changes, vec![del("n2")]);
    let p = m.stamp_plan(&s(&["a2"]), &["a1"], false).unwrap();
    assert_eq!(p.changes, vec![upd("a2", "a1")]);
    let p = m.stamp_plan(&s(&["a2"]), &["a2"], false).unwrap();
    assert!(p.changes.is_empty());
    let p = m.stamp_plan(&[], &["heads"], false).unwrap();
    assert_eq!(p.changes, vec![ins("a2"), ins("n2")]);
    // --purge ignores rows that name unknown revisions.
    assert!(m.stamp_plan(&s(&["gone"]), &["a1"], false).is_err());
    let p = m.stamp_plan(&s(&["gone"]), &["a1"], true).unwrap();
    assert!(p.purge);
    assert_eq!(p.changes, vec![ins("a1")]);
    // Stamping several heads onto a merge.
    let m = merged();
    let p = m.stamp_plan(&s(&["c2", "d2"]), &["m"], false).unwrap();
    assert_eq!(
        p.changes,
        vec![VersionChange::MergeUp {
            delete: s(&["c2"]),
            update_from: "d2".into(),
            new: "m".into()
        }]
    );
    let mut rows = s(&["c2", "d2"]);
    for c in &p.changes {
        c.apply(&mut rows).unwrap();
    }
    assert_eq!(rows, ["m"]);
}

// ------------------------------------------------------------------------------------------
// history

fn ids(v: Vec<&Header>) -> Vec<&str> {
    v.into_iter().map(|h| h.revision.as_str()).collect()
}

#[test]
fn history_ranges() {
    let m = linear();
    assert_eq!(
        ids(m.history(None, &[]).unwrap()),
        ["e", "d", "c", "b", "a"]
    );
    assert_eq!(ids(m.history(Some("b:d"), &[]).unwrap()), ["d", "c", "b"]);
    assert_eq!(ids(m.history(Some(":c"), &[]).unwrap()), ["c", "b", "a"]);
    assert_eq!(ids(m.history(Some("c:"), &[]).unwrap()), ["e", "d", "c"]);
    assert_eq!(ids(m.history(Some(":"), &[]).unwrap()).len(), 5);
    assert_eq!(ids(m.history(Some("base:head"), &[]).unwrap()).len(), 5);
    let cur = s(&["d"]);
    assert_eq!(
        ids(m.history(Some("-2:current"), &cur).unwrap()),
        ["d", "c", "b"]
    );
    assert_eq!(ids(m.history(Some("-9:current"), &cur).unwrap()).len(), 4);
    assert_eq!(ids(m.history(Some("current:"), &cur).unwrap()), ["e", "d"]);
    assert_eq!(ids(m.history(Some("head-1:"), &cur).unwrap()), ["e", "d"]);
    assert_eq!(
        m.history(Some("d:b"), &[]).unwrap_err(),
        ResolveError::NotAnAncestor {
            lower: "d".into(),
            upper: "b".into()
        }
    );
    assert_eq!(
        m.history(Some("bogus"), &[]).unwrap_err().to_string(),
        "Range requires [start]:[end], [start]:, or :[end]; got 'bogus'"
    );
    let b = map(BRANCHED);
    assert_eq!(
        ids(b.history(Some("cb@base:cb@head"), &[]).unwrap()),
        ["c2", "c1", "b", "a"]
    );
    assert_eq!(
        ids(b.history(Some("b:"), &[]).unwrap()),
        ["d2", "d1", "c2", "c1", "b"]
    );
    let b = merged();
    // In the merged graph the only head shares every lineage.
    assert_eq!(ids(b.history(Some(":cb@head"), &[]).unwrap()).len(), 8);
    assert_eq!(
        ids(b.history(Some("c1:"), &[]).unwrap()),
        ["n", "m", "c2", "c1"]
    );
    assert_eq!(ids(b.history(None, &[]).unwrap()).len(), 8);
}

// ------------------------------------------------------------------------------------------
// graph errors

#[test]
fn graph_errors_name_the_revisions() {
    let e = RevisionMap::new(vec![h("a", &[]), h("a", &[])]).unwrap_err();
    assert_eq!(
        e,
        GraphError::DuplicateRevision {
            revision: "a".into()
        }
    );
    assert!(e
        .to_string()
        .contains("Revision a is present more than once"));

    let e = RevisionMap::new(vec![h("a", &[]), h("b", &["zz"])]).unwrap_err();
    assert_eq!(
        e,
        GraphError::MissingDownRevision {
            revision: "b".into(),
            missing: "zz".into()
        }
    );
    assert!(e
        .to_string()
        .starts_with("Revision b revises zz, which is not present"));

    let e = RevisionMap::new(vec![h("a", &[]), hl("b", &["a"], &[], &["qq"])]).unwrap_err();
    assert_eq!(
        e,
        GraphError::MissingDependency {
            revision: "b".into(),
            missing: "qq".into()
        }
    );

    let e = RevisionMap::new(vec![
        h("a", &["c"]),
        h("b", &["a"]),
        h("c", &["b"]),
        h("d", &["c"]),
    ])
    .unwrap_err();
    match &e {
        GraphError::Cycle { revisions } => {
            let mut r = revisions.clone();
            r.sort();
            assert_eq!(r, ["a", "b", "c"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(e
        .to_string()
        .starts_with("Cycle is detected in revisions ("));

    let e = RevisionMap::new(vec![h("a", &["a"])]).unwrap_err();
    assert_eq!(
        e,
        GraphError::Cycle {
            revisions: s(&["a"])
        }
    );

    let e =
        RevisionMap::new(vec![hl("a", &[], &[], &["b"]), hl("b", &[], &[], &["a"])]).unwrap_err();
    assert!(matches!(e, GraphError::Cycle { .. }), "{e:?}");

    let e = RevisionMap::new(vec![
        hl("a", &[], &["x"], &[]),
        hl("b", &["a"], &["x"], &[]),
    ])
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Branch name 'x' in revision b already used by revision a"
    );

    let e = RevisionMap::new(vec![hl("a", &[], &["b"], &[]), h("b", &["a"])]).unwrap_err();
    assert!(matches!(e, GraphError::LabelIsRevisionId { .. }), "{e:?}");

    let e = RevisionMap::new(vec![h("a-1", &[])]).unwrap_err();
    assert!(matches!(e, GraphError::InvalidRevisionId { .. }), "{e:?}");
    let e = RevisionMap::new(vec![hl("a", &[], &["my label"], &[])]).unwrap_err();
    assert!(matches!(e, GraphError::InvalidBranchLabel { .. }), "{e:?}");
}

#[test]
fn empty_map() {
    let m = RevisionMap::new(Vec::new()).unwrap();
    assert!(m.is_empty());
    assert!(m.heads().is_empty());
    assert!(m.resolve("head", &[]).unwrap().is_empty());
    assert!(m.upgrade_plan(&[], "head").unwrap().is_empty());
    assert!(m.downgrade_plan(&[], "base").unwrap().is_empty());
    assert!(m.history(None, &[]).unwrap().is_empty());
}

#[test]
fn topological_order_does_not_depend_on_input_order() {
    let mut hs = headers(BRANCHED);
    hs.push(h("m", &["c2", "d2"]));
    let a = RevisionMap::new(hs.clone())
        .unwrap()
        .topological()
        .join(",");
    hs.reverse();
    let b = RevisionMap::new(hs.clone())
        .unwrap()
        .topological()
        .join(",");
    hs.swap(0, 3);
    let c = RevisionMap::new(hs).unwrap().topological().join(",");
    assert_eq!(a, b);
    assert_eq!(a, c);
}

// ------------------------------------------------------------------------------------------
// size: runs the big graphs (timings are printed by examples/bench_graph.rs)

#[test]
fn large_graphs_build_and_plan() {
    let n = 10_000;
    let mut hs = vec![h("r0", &[])];
    for i in 1..n {
        hs.push(h(&format!("r{i}"), &[&format!("r{}", i - 1)]));
    }
    let m = RevisionMap::new(hs).unwrap();
    assert_eq!(m.heads(), [format!("r{}", n - 1).as_str()]);
    assert_eq!(m.history(None, &[]).unwrap().len(), n);
    assert_eq!(m.history(Some("r5000:"), &[]).unwrap().len(), n - 5000);
    assert_eq!(m.upgrade_plan(&[], "head").unwrap().len(), n);
    assert_eq!(m.downgrade_plan(&s(&["r9999"]), "base").unwrap().len(), n);
    assert_eq!(m.resolve("head-9000", &[]).unwrap(), ["r999"]);

    // 100 branches of 100 revisions off one base, merged at the end.
    let mut hs = vec![h("base0", &[])];
    let mut tips = Vec::new();
    for b in 0..100 {
        let mut prev = "base0".to_string();
        for i in 0..100 {
            let id = format!("b{b}_{i}");
            hs.push(h(&id, &[&prev]));
            prev = id;
        }
        tips.push(prev);
    }
    let tip_refs: Vec<&str> = tips.iter().map(String::as_str).collect();
    hs.push(h("merge_all", &tip_refs));
    let m = RevisionMap::new(hs).unwrap();
    assert_eq!(m.heads(), ["merge_all"]);
    assert_eq!(m.branch_points(), ["base0"]);
    let e = m.resolve("b1_", &[]).unwrap_err().to_string();
    assert!(
        e.starts_with("Multiple revisions start with 'b1_': 'b1_0', 'b1_1', 'b1_10'"),
        "{e}"
    );
    assert!(
        e.contains("'b1_17', ... (90 more); give more characters"),
        "{e}"
    );
    let plan = m.upgrade_plan(&[], "head").unwrap();
    assert_eq!(plan.len(), 10_002);
    assert_eq!(run(&[], &plan), ["merge_all"]);
    assert_eq!(m.history(None, &[]).unwrap().len(), 10_002);
}

#[test]
fn offline_ranges() {
    let m = linear();
    assert_eq!(revs(&m.upgrade_range_plan("b:d").unwrap()), ["c", "d"]);
    assert_eq!(revs(&m.upgrade_range_plan(":b").unwrap()), ["a", "b"]);
    assert_eq!(revs(&m.upgrade_range_plan("base:b").unwrap()), ["a", "b"]);
    assert_eq!(revs(&m.downgrade_range_plan("head:c").unwrap()), ["e", "d"]);
    assert_eq!(
        revs(&m.downgrade_range_plan("d:base").unwrap()),
        ["d", "c", "b", "a"]
    );
    assert!(matches!(
        m.upgrade_range_plan("head").unwrap_err(),
        ResolveError::InvalidRange { .. }
    ));
    assert!(matches!(
        m.downgrade_range_plan("c:").unwrap_err(),
        ResolveError::InvalidRange { .. }
    ));
}
