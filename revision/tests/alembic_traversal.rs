//! Scenarios ported from Alembic's tests/test_version_traversal.py: the steps an upgrade or
//! downgrade runs and the version-table rows afterwards must match Alembic's.

mod common;

use common::{map, run, s, upd};
use retort_revision::{RevisionMap, Step, VersionChange};

/// Runs the plan's version-table changes over `rows`; returns the revisions stepped through
/// and the final rows (sorted).
fn play(rows: &[&str], steps: &[Step]) -> (Vec<String>, Vec<String>) {
    let revs = steps.iter().map(|s| s.revision.clone()).collect();
    (revs, run(rows, steps))
}

#[derive(Clone, Copy, Debug)]
enum Dir {
    Up,
    Down,
}
use Dir::{Down, Up};

/// One plan and what it must do: direction, target, the rows before, the revisions stepped
/// through (in order) and the rows after (any order).
type Case<'a> = (Dir, &'a str, &'a [&'a str], &'a [&'a str], &'a [&'a str]);

fn plan(m: &RevisionMap, dir: Dir, target: &str, from: &[&str]) -> Result<Vec<Step>, String> {
    match dir {
        Up => m.upgrade_plan(&s(from), target),
        Down => m.downgrade_plan(&s(from), target),
    }
    .map_err(|e| e.to_string())
}

/// The error a plan must fail with.
#[track_caller]
fn plan_error(m: &RevisionMap, dir: Dir, target: &str, from: &[&str]) -> String {
    match plan(m, dir, target, from) {
        Ok(steps) => panic!("{dir:?} {target} from {from:?} must fail: {steps:?}"),
        Err(e) => e,
    }
}

#[track_caller]
fn assert_plan(
    m: &RevisionMap,
    dir: Dir,
    target: &str,
    from: &[&str],
    revs: &[&str],
    heads: &[&str],
) {
    let plan = plan(m, dir, target, from)
        .unwrap_or_else(|e| panic!("{dir:?} {target} from {from:?}: {e}"));
    let (got, rows) = play(from, &plan);
    assert_eq!(got, s(revs), "{dir:?} {target} from {from:?}: steps");
    let mut heads = s(heads);
    heads.sort();
    assert_eq!(rows, heads, "{dir:?} {target} from {from:?}: rows");
}

#[track_caller]
fn check(m: &RevisionMap, cases: &[Case<'_>]) {
    for &(dir, target, from, revs, heads) in cases {
        assert_plan(m, dir, target, from, revs, heads);
    }
}

fn stamp(m: &RevisionMap, target: &str, from: &[&str]) -> Vec<VersionChange> {
    m.stamp_plan(&s(from), &[target], false).unwrap().changes
}

fn merge(delete: &[&str], from: &str, new: &str) -> VersionChange {
    VersionChange::MergeUp {
        delete: s(delete),
        update_from: from.into(),
        new: new.into(),
    }
}

// RevisionPathTest -------------------------------------------------------------------------

fn path() -> RevisionMap {
    map("a b<a c<b d<c e<d")
}

#[test]
fn revision_path() {
    let m = path();
    check(
        &m,
        &[
            (Down, "base", &[], &[], &[]),
            (Down, "a", &["a"], &[], &["a"]),
            (Down, "e", &["e"], &[], &["e"]),
            (Up, "e", &["c"], &["d", "e"], &["e"]),
            (Up, "c", &[], &["a", "b", "c"], &["c"]),
            (Up, "+2", &["a"], &["b", "c"], &["c"]),
            (Up, "+1", &["a"], &["b"], &["b"]),
            (Up, "+3", &["b"], &["c", "d", "e"], &["e"]),
            (Up, "b+2", &["a"], &["b", "c", "d"], &["d"]),
            (Up, "d-2", &["a"], &["b"], &["b"]),
            (Down, "c", &["e"], &["e", "d"], &["c"]),
            (Down, "base", &["c"], &["c", "b", "a"], &[]),
            (Down, "-1", &["c"], &["c"], &["b"]),
            (Down, "-3", &["e"], &["e", "d", "c"], &["b"]),
            (Down, "a+2", &["d"], &["d"], &["c"]),
            (Down, "c-2", &["d"], &["d", "c", "b"], &["a"]),
        ],
    );
    let err = |dir, target, from| plan_error(&m, dir, target, from);
    assert!(err(Up, "-2", &["b"]).contains("Relative revision -2 didn't produce 2 migrations"));
    assert_eq!(
        err(Up, "+5", &["b"]),
        "Relative revision +5 didn't produce 5 migrations"
    );
    assert_eq!(
        err(Down, "-5", &["b"]),
        "Relative revision -5 didn't produce 5 migrations"
    );
    let not_valid = "is not a valid downgrade target from current head(s)";
    assert!(err(Down, "b", &[]).starts_with(&format!("Destination b {not_valid}")));
    assert!(err(Down, "c", &["b"]).starts_with(&format!("Destination c {not_valid} (b)")));
    assert_eq!(
        stamp(&m, "base", &["d"]),
        vec![VersionChange::Delete { old: "d".into() }]
    );
}

// BranchedPathTest -------------------------------------------------------------------------

fn branched_path() -> RevisionMap {
    map("a b<a c1<b#c1branch d1<c1 c2<b#c2branch d2<c2")
}

#[test]
fn branched_path_stamps() {
    let m = branched_path();
    assert_eq!(
        stamp(&m, "b", &["d1", "c2"]),
        vec![merge(&["d1"], "c2", "b")]
    );
    assert_eq!(
        stamp(&m, "c1branch@base", &["d1", "c2"]),
        vec![VersionChange::Delete { old: "d1".into() }]
    );
    assert_eq!(
        stamp(&m, "c2branch@head", &["d1", "c2"]),
        vec![upd("c2", "d2")]
    );
}

#[test]
fn branched_path_upgrades() {
    let m = branched_path();
    check(
        &m,
        &[
            (Up, "d1", &["b"], &["c1", "d1"], &["d1"]),
            (
                Up,
                "heads",
                &["a"],
                &["b", "c1", "d1", "c2", "d2"],
                &["d1", "d2"],
            ),
            (Up, "c2branch@head-1", &["b"], &["c2"], &["c2"]),
            (Up, "c2branch@+1", &["c1"], &["c2"], &["c1", "c2"]),
            (Up, "c2branch@+1", &["c1", "c2"], &["d2"], &["c1", "d2"]),
        ],
    );
    assert!(m
        .upgrade_plan(&s(&["c1", "c2"]), "+1")
        .unwrap_err()
        .to_string()
        .starts_with("Ambiguous upgrade from multiple current revisions"));
    check(
        &m,
        &[
            (Up, "base+1", &[], &["a"], &["a"]),
            (Up, "+1", &[], &["a"], &["a"]),
        ],
    );
}

#[test]
fn branched_path_downgrades() {
    let m = branched_path();
    check(
        &m,
        &[
            (
                Down,
                "a",
                &["d1", "d2"],
                &["d2", "c2", "d1", "c1", "b"],
                &["a"],
            ),
            (
                Down,
                "base+2",
                &["d2", "d1"],
                &["d2", "c2", "d1", "c1"],
                &["b"],
            ),
            (
                Down,
                "c2branch@base+2",
                &["d2", "d1"],
                &["d2", "c2"],
                &["d1"],
            ),
            (Down, "c2", &["d2", "d1"], &["d2"], &["d1", "c2"]),
            (
                Down,
                "c2branch@base+3",
                &["d2", "d1"],
                &["d2"],
                &["d1", "c2"],
            ),
            (Down, "c1branch@-1", &["d1", "d2"], &["d1"], &["c1", "d2"]),
            (Down, "d2-1", &["d2", "c1"], &["d2"], &["c1", "c2"]),
            (Down, "d2-1", &["c1", "d2"], &["d2"], &["c1", "c2"]),
            (Down, "c1branch@b", &["c1", "d2"], &["c1"], &["d2"]),
            (Down, "c2branch@b", &["c1", "d2"], &["d2", "c2"], &["c1"]),
            (Down, "c2@b", &["d1", "d2"], &["d2", "c2"], &["d1"]),
            (Down, "d1@b", &["d1", "d2"], &["d1", "c1"], &["d2"]),
            (
                Down,
                "c1branch@head-1",
                &["d1", "d2"],
                &["d1"],
                &["c1", "d2"],
            ),
            (Down, "-1", &["a"], &["a"], &[]),
        ],
    );
    assert_eq!(
        m.downgrade_plan(&[], "-1").unwrap_err().to_string(),
        "Relative revision -1 didn't produce 1 migrations"
    );
    check(
        &m,
        &[
            (Down, "c2", &["d1", "c2"], &[], &["d1", "c2"]),
            (Down, "d1", &["d1", "c2"], &[], &["d1", "c2"]),
        ],
    );
    // Alembic only warns for `-1` from several heads (and picks the first); retort refuses.
    assert!(m.downgrade_plan(&s(&["d2", "d1"]), "-1").is_err());
}

// BranchFromMergepointTest / BranchFrom3WayMergepointTest ------------------------------------

#[test]
fn branch_from_mergepoint() {
    let m = map("a1 b1<a1 c1<b1 a2 b2<a2 c2<b2 d1<c1,c2 d2<c2");
    check(
        &m,
        &[
            (Up, "d1", &["d2", "b1"], &["c1", "d1"], &["d2", "d1"]),
            (Down, "b1", &["d2", "d1"], &["d1", "c1"], &["d2", "b1"]),
        ],
    );
}

#[test]
fn branch_from_3way_mergepoint() {
    let m = map("a1 b1<a1 c1<b1 a2 b2<a2 c2<b2 a3 b3<a3 c3<b3 d1<c1,c2,c3 d2<c2 d3<c3");
    check(
        &m,
        &[
            (
                Up,
                "d1",
                &["d3", "d2", "b1"],
                &["c1", "d1"],
                &["d3", "d2", "d1"],
            ),
            (
                Down,
                "b1",
                &["d3", "d2", "d1"],
                &["d1", "c1"],
                &["d3", "d2", "b1"],
            ),
            (
                Up,
                "d1",
                &["d3", "b2", "b1"],
                &["c1", "c2", "d1"],
                &["d3", "d1"],
            ),
            (Up, "d2", &["d3", "d1"], &["d2"], &["d3", "d2", "d1"]),
        ],
    );
}

// TwinMergeTest / NotQuiteTwinMergeTest ------------------------------------------------------

/// Upgrades one revision at a time from the rows `start`: `steps` is `target:rows,..` per
/// step, the rows expected after upgrading to `target` (each step one plan step).
#[track_caller]
fn walk_heads(m: &RevisionMap, start: &[&str], steps: &str) {
    let mut rows = s(start);
    for step in steps.split_whitespace() {
        let (target, expect) = step.split_once(':').unwrap();
        let plan = m.upgrade_plan(&rows, target).unwrap();
        assert_eq!(plan.len(), 1, "upgrade {target} from {rows:?}: {plan:?}");
        plan[0].version_change.apply(&mut rows).unwrap();
        rows.sort();
        let mut expect: Vec<String> = expect.split(',').map(str::to_string).collect();
        expect.sort();
        assert_eq!(rows, expect, "after {target}");
    }
}

#[test]
fn twin_merge() {
    let m = map("a b1<a b2<a b3<a c1<b1,b2,b3 c2<b1,b2,b3 d1<c1 d2<c2");
    walk_heads(
        &m,
        &["a"],
        "b3:b3 b1:b1,b3 b2:b1,b2,b3 c2:c2 d2:d2 c1:c1,d2 d1:d1,d2",
    );
}

#[test]
fn not_quite_twin_merge() {
    let m = map("a b1<a b2<a b3<a c1<b1,b2 c2<b2,b3 d1<c1 d2<c2");
    walk_heads(
        &m,
        &["a"],
        "b2:b2 b3:b2,b3 c2:c2 d2:d2 b1:b1,d2 c1:c1,d2 d1:d1,d2",
    );
}

// DependsOn* ---------------------------------------------------------------------------------

#[test]
fn depends_on_branch_one() {
    let m = map("a1#lib1 b1<a1 c1<b1 a2 b2<a2 c2<b2&c1 d1<c1 e1<d1 f1<e1");
    // Downgrading d1 leaves c1 implied by c2.
    assert_plan(&m, Down, "c1", &["c2", "d1"], &["d1"], &["c2"]);
    let changes = stamp(&m, "b1", &["e1", "c2"]);
    let mut rows = s(&["e1", "c2"]);
    for c in &changes {
        c.apply(&mut rows).unwrap();
    }
    assert_eq!(rows, ["b1"]);
}

#[test]
fn depends_on_branch_two_kaboom() {
    let m = map("a1 a2 a3 amerge<a1,a2,a3 b1 b2 bmerge<b1,b2 c1 c2 c3 cmerge<c1,c2,c3 d1&a3,b2,c1");
    assert_plan(
        &m,
        Down,
        "b2",
        &["amerge", "bmerge", "cmerge", "d1"],
        &["bmerge"],
        &["amerge", "b1", "cmerge", "d1"],
    );
    // b2 has to be INSERTed, because it was implied by d1.
    assert_plan(
        &m,
        Down,
        "d1@base",
        &["amerge", "d1", "b1", "cmerge"],
        &["d1"],
        &["amerge", "b1", "b2", "cmerge"],
    );
    let plan = m
        .downgrade_plan(&s(&["amerge", "b1", "b2", "cmerge"]), "base")
        .unwrap();
    assert_eq!(plan.len(), 10);
    let (_, rows) = play(&["amerge", "b1", "b2", "cmerge"], &plan);
    assert!(rows.is_empty());
}

#[test]
fn depends_on_branch_three_crisscross() {
    let m = map("a1 a2<a1 b1 b2<b1&a2 b3<b2 a3<a2&b1");
    assert_plan(&m, Down, "b1", &["a3", "b2"], &["b2"], &["a3"]);
}

#[test]
fn depends_on_own_down_revision() {
    let m = map("a1 a2<a1&a1");
    check(
        &m,
        &[
            (Up, "a2", &[], &["a1", "a2"], &["a2"]),
            (Down, "a1", &["a2"], &["a2"], &["a1"]),
        ],
    );
}

#[test]
fn depends_on_branch_four_normalized() {
    let m = map("a1 a2<a1 a3<a2 b1 b2<b1&a3 b3<b2 b4<b3&a3");
    assert_plan(&m, Down, "b3", &["b4"], &["b4"], &["b3"]);
}

#[test]
fn depends_on_branch_five() {
    let m = map("a1 b1&a1 bmerge<a1,b1");
    check(
        &m,
        &[
            (Up, "b1", &["a1"], &["b1"], &["b1"]),
            (Up, "bmerge", &["b1"], &["bmerge"], &["bmerge"]),
            (Down, "a1", &["bmerge"], &["bmerge"], &["b1"]),
            (Down, "b1", &["bmerge"], &["bmerge"], &["b1"]),
        ],
    );
}

#[test]
fn depends_on_branch_label() {
    let m = map("a1#lib1 b1<a1 c1<b1#c1lib a2 b2<a2 c2<b2&c1lib d1<c1 e1<d1 f1<e1");
    assert_plan(
        &m,
        Up,
        "c2",
        &["a2"],
        &["b2", "a1", "b1", "c1", "c2"],
        &["c2"],
    );
}

// ForestTest / MergedPathTest / BranchedPathTestCrossDependencies ----------------------------

#[test]
fn forest() {
    let m = map("a1 b1<a1 a2 b2<a2");
    assert_plan(
        &m,
        Up,
        "heads",
        &[],
        &["a1", "b1", "a2", "b2"],
        &["b1", "b2"],
    );
    assert_eq!(stamp(&m, "heads", &[]).len(), 2);
    assert!(stamp(&m, "heads", &["b1", "b2"]).is_empty());
}

#[test]
fn merged_path() {
    let m = map("a b<a c1<b d1<c1 c2<b#c2branch d2<c2 e<d1,d2 f<e");
    assert_eq!(stamp(&m, "c2", &["e"]), vec![upd("e", "c2")]);
    assert_eq!(stamp(&m, "a", &["e"]), vec![upd("e", "a")]);
    assert_eq!(stamp(&m, "e", &["c2"]), vec![upd("c2", "e")]);
    assert_eq!(
        stamp(&m, "c2branch@head", &["d1", "c2"]),
        vec![merge(&["d1"], "c2", "f")]
    );
    assert_eq!(
        stamp(&m, "e", &["d1", "c2"]),
        vec![merge(&["d1"], "c2", "e")]
    );
    assert_eq!(stamp(&m, "e", &["b"]), vec![upd("b", "e")]);
    let plan = m.upgrade_plan(&s(&["b"]), "f").unwrap();
    let (revs, rows) = play(&["b"], &plan);
    assert_eq!(revs, ["c1", "d1", "c2", "d2", "e", "f"]);
    assert_eq!(rows, ["f"]);
    assert_eq!(
        plan[2].version_change,
        VersionChange::Insert { new: "c2".into() }
    );
    assert_eq!(plan[4].version_change, merge(&["d1"], "d2", "e"));
    let plan = m.downgrade_plan(&s(&["f"]), "b").unwrap();
    let (revs, rows) = play(&["f"], &plan);
    assert_eq!(revs, ["f", "e", "d2", "c2", "d1", "c1"]);
    assert_eq!(rows, ["b"]);
    assert_eq!(
        plan[1].version_change,
        VersionChange::Unmerge {
            old: "e".into(),
            insert: s(&["d1"]),
            update_to: "d2".into()
        }
    );
    assert_eq!(
        plan[3].version_change,
        VersionChange::Delete { old: "c2".into() }
    );
}

#[test]
fn branched_path_cross_dependencies() {
    let m = map("a b<a c1<b#c1branch d1<c1 c2<b#c2branch d2<c2&c1");
    assert_plan(
        &m,
        Down,
        "c2branch@b",
        &["d1", "d2"],
        &["d2", "c2"],
        &["d1"],
    );
    let plan = m.downgrade_plan(&s(&["d1", "d2"]), "c1branch@b").unwrap();
    let (revs, rows) = play(&["d1", "d2"], &plan);
    let mut sorted = revs.clone();
    sorted.sort();
    assert_eq!(sorted, ["c1", "d1", "d2"]);
    let pos = |r: &str| revs.iter().position(|x| x == r).unwrap();
    assert!(pos("d1") < pos("c1") && pos("d2") < pos("c1"));
    assert_eq!(rows, ["c2"]);
}

// test_revision.py: LabeledBranchTest, MultipleBranchTest, MultipleBranchEffectiveHead ---------

fn labeled() -> RevisionMap {
    map("a#abranch b<a somelongername<b c<somelongername d e<d#ebranch someothername<e f<someothername")
}

fn history(m: &RevisionMap, range: &str) -> Vec<String> {
    m.history(Some(range), &[])
        .unwrap_or_else(|e| panic!("history {range}: {e}"))
        .into_iter()
        .map(|h| h.revision.clone())
        .collect()
}

#[test]
fn labeled_branch_resolution() {
    let m = labeled();
    let r = |e: &str| m.resolve(e, &[]);
    assert_eq!(r("ebranch@head").unwrap(), ["f"]);
    assert_eq!(r("abranch@head").unwrap(), ["c"]);
    assert_eq!(r("abranch@heads").unwrap(), ["c"]);
    assert!(r("abranch@base").unwrap().is_empty());
    assert_eq!(r("ebranch@d").unwrap(), ["d"]);
    assert_eq!(r("ebranch@ebranch").unwrap(), ["e"]);
    assert_eq!(r("abranch").unwrap(), ["a"]);
    assert_eq!(r("ebranch").unwrap(), ["e"]);
    assert_eq!(r("e").unwrap(), ["e"]);
    assert_eq!(r("e@d").unwrap(), ["d"]);
    assert_eq!(r("someoth@d").unwrap(), ["d"]);
    assert_eq!(r("ebranch@some").unwrap(), ["someothername"]);
    assert_eq!(r("abranch@some").unwrap(), ["somelongername"]);
    assert!(r("some").is_err(), "ambiguous without a branch");
    assert_eq!(r("ebranch@+2").unwrap(), ["e"]);
    assert_eq!(
        r("ebranch@sos").unwrap_err().to_string(),
        "No such revision or branch 'sos'; please ensure at least four characters are present \
         for partial revision identifier matches"
    );
    assert_eq!(
        r("abranch@qprstuv").unwrap_err().to_string(),
        "No such revision or branch 'qprstuv'"
    );
    assert_eq!(
        r("ebranch@b").unwrap_err().to_string(),
        "Revision b is not a member of branch 'ebranch'"
    );
    assert_eq!(
        r("abranch@d").unwrap_err().to_string(),
        "Revision d is not a member of branch 'abranch'"
    );
    assert_eq!(r("x@d").unwrap_err().to_string(), "No such branch: 'x'");
}

#[test]
fn labeled_branch_history() {
    let m = labeled();
    const E: &[&str] = &["f", "someothername", "e", "d"];
    const A: &[&str] = &["c", "somelongername", "b", "a"];
    let cases: [(&str, &[&str]); 8] = [
        ("ebranch@base:heads", E),
        ("abranch@base:heads", A),
        ("base:ebranch@head", E),
        ("ebranch@head:heads", &["f"]),
        ("ebranch@d:heads", E),
        ("e@base:heads", E),
        ("c@base:heads", A),
        ("ebranch@-2:heads", &["f", "someothername", "e"]),
    ];
    for (range, want) in cases {
        assert_eq!(history(&m, range), want, "{range}");
    }
}

#[test]
fn multiple_branch_history_errors() {
    let m = map("a b1<a b2<a cb1<b1 cb2<b2 d1cb1<cb1 d2cb1<cb1 d1cb2<cb2 d2cb2<cb2 d3cb2<cb2 d1d2cb2<d1cb2,d2cb2");
    assert_eq!(
        history(&m, "a:d1d2cb2"),
        ["d1d2cb2", "d2cb2", "d1cb2", "cb2", "b2", "a"]
    );
    assert_eq!(history(&m, "a:d3cb2"), ["d3cb2", "cb2", "b2", "a"]);
    assert_eq!(history(&m, "base:d3cb2"), ["d3cb2", "cb2", "b2", "a"]);
    for (from, to) in [("d1cb1", "b1"), ("b1", "d2cb2"), ("d1cb1", "base")] {
        let range = format!("{from}:{to}");
        assert_eq!(
            m.history(Some(&range), &[]).unwrap_err().to_string(),
            format!("Revision {from} is not an ancestor of revision {to}")
        );
    }
}

#[test]
fn multiple_branch_effective_head() {
    let m = map("y1#y x1#x y2<y1&x1 x2<x1");
    // x1 stays applied, implied by y2 (which depends on it): no row of its own.
    check(
        &m,
        &[
            (Down, "x@-1", &["x2", "y2"], &["x2"], &["y2"]),
            (Down, "x@-1", &["x1", "y2"], &["y2", "x1"], &["y1"]),
            (Down, "x@-1", &["y2"], &["y2", "x1"], &["y1"]),
        ],
    );
}
