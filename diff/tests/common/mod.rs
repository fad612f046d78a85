#![allow(dead_code)]

use retort_diff::{diff, downgrade, Diff, Options, Risk};
use retort_schema::{Column, Dialect, EnumType, Op, Schema, SqlType, Table};

pub fn pg() -> Options {
    Options::new(Dialect::Postgres)
}
pub fn my() -> Options {
    Options::new(Dialect::Mysql)
}
pub fn lite() -> Options {
    Options::new(Dialect::Sqlite)
}

pub fn schema(tables: Vec<Table>) -> Schema {
    let mut s = Schema {
        tables,
        enums: vec![],
    };
    s.normalize_order();
    s
}

pub fn schema_enums(tables: Vec<Table>, enums: Vec<EnumType>) -> Schema {
    let mut s = schema(tables);
    s.enums = enums;
    s.normalize_order();
    s
}

pub fn col(name: &str, ty: SqlType) -> Column {
    Column::new(name, ty)
}

/// `id BIGINT` auto-increment primary key.
pub fn table(name: &str) -> Table {
    Table::new(name)
        .with_column(col("id", SqlType::BigInt).autoincrement())
        .primary_key(format!("pk_{name}"), ["id"])
}

fn canonical(s: &Schema, dialect: Dialect) -> Schema {
    let mut s = s.clone();
    if dialect == Dialect::Postgres {
        s.collect_enums_from_columns();
    } else {
        s.enums.clear();
    }
    for t in &mut s.tables {
        t.columns.sort_by(|a, b| a.name.cmp(&b.name));
        t.renamed_from.clear();
        for c in &mut t.columns {
            c.renamed_from.clear();
        }
    }
    s.normalize_order();
    s
}

/// Asserts the exact plan, then that it does what it should: applied to `from` it leaves
/// nothing to do against `to`, and its downgrade brings `from` back.
pub fn assert_plan(from: &Schema, to: &Schema, o: &Options, expected: Vec<Op>) -> Diff {
    let d = diff(from, to, o);
    assert_eq!(d.ops, expected, "plan differs");
    round_trip(from, to, o, &d);
    d
}

pub fn round_trip(from: &Schema, to: &Schema, o: &Options, d: &Diff) {
    let mut after = from.clone();
    after
        .apply_all(&d.ops)
        .unwrap_or_else(|e| panic!("plan does not apply: {e}\n{:#?}", d.ops));
    let again = diff(&after, to, o);
    assert!(
        again.ops.is_empty(),
        "after the plan, still different: {:#?}",
        again.ops
    );
    let down = downgrade(from, &d.ops).expect("downgrade");
    let mut back = after.clone();
    back.apply_all(&down).expect("downgrade applies");
    assert_eq!(
        canonical(&back, o.dialect),
        canonical(from, o.dialect),
        "downgrade does not restore `from`"
    );
}

pub fn assert_no_change(from: &Schema, to: &Schema, o: &Options) {
    let d = diff(from, to, o);
    assert!(d.ops.is_empty(), "false positive: {:#?}", d.ops);
    assert!(d.notes.is_empty());
}

pub fn risks(d: &Diff) -> Vec<(usize, Risk)> {
    d.notes.iter().map(|n| (n.op_index, n.risk)).collect()
}
