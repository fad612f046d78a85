//! The diff walk: match tables and columns (by name, then by rename hints), compare, and emit
//! operations in dependency order.

use std::collections::{BTreeMap, BTreeSet};

use retort_schema::{
    naming, AlterColumn, Column, Dialect, FkAction, ForeignKey, Index, Op, QName, Schema, SqlType,
    Table,
};

use crate::normalize::{canon_type, normalize_expr_in, same_default};
use crate::{risk, Diff, Options};

/// Compares `from` (what the database has) with `to` (what the models want) and returns the
/// operations that turn `from` into `to`, in dependency order, with risk notes.
///
/// Order: enum types created or changed; foreign keys dropped, then other indexes and
/// constraints dropped; tables dropped (reverse dependency order, cyclic foreign keys dropped
/// first); tables renamed; per table: columns dropped, altered (renames included), added, and
/// the table comment; primary keys, uniques, indexes and checks added; tables created in
/// foreign-key dependency order (a foreign key on a cycle is added after the tables, on every
/// dialect); foreign keys added; enum types dropped. Enum value changes are enum operations on
/// every dialect (`AddEnumValue`, `SetEnumValues`), never a change of the column's type.
pub fn diff(from: &Schema, to: &Schema, opts: &Options) -> Diff {
    diff_to_owned(from, to.clone(), opts)
}

/// [`diff`] with the target given away: the differ works on `to` itself instead of a copy, so a
/// caller done with the models' schema holds one schema less at the peak (autogenerate at
/// 1,000 tables).
pub fn diff_to_owned(from: &Schema, mut to: Schema, opts: &Options) -> Diff {
    let d = opts.dialect;
    let mut from = from.clone();
    if d == Dialect::Postgres {
        from.collect_enums_from_columns();
        to.collect_enums_from_columns();
    }
    from.normalize_order();
    to.normalize_order();

    let mut enum_first = Vec::new();
    let mut enum_last = Vec::new();
    if d != Dialect::Postgres {
        // Here enum types live inline in their columns and the database keeps no name for
        // them. Still emit `CreateEnum` when the first column of a model enum type appears,
        // and `DropEnum` when the last one goes (both rendered as nothing on this dialect), so
        // that the same history runs on PostgreSQL. `from.enums`, when the caller fills it
        // (see [`crate::reconcile`]), is what the migration history created.
        enum_first.extend(implied_enum_creations(&from, &to));
        to.collect_enums_from_columns();
    }
    for e in &to.enums {
        match from.enum_type(&e.qname()) {
            None if d == Dialect::Postgres => enum_first.push(Op::CreateEnum(e.clone())),
            None => {}
            Some(f) => enum_first.extend(enum_value_ops(f, e)),
        }
    }
    // Introspection names these dialects' enum columns `<table>_<column>` and lists them in
    // `enums` too: such a type is not one of the history's.
    for f in &from.enums {
        let q = f.qname();
        if to.enum_type(&q).is_none()
            && (d == Dialect::Postgres || !introspected_enum_name(&from, &q))
        {
            enum_last.push(Op::DropEnum { name: q });
        }
    }

    // Tables: by name, then by rename hint.
    let from_names: BTreeSet<QName> = from.tables.iter().map(Table::qname).collect();
    let to_names: BTreeSet<QName> = to.tables.iter().map(Table::qname).collect();
    let mut renames: Vec<(QName, QName)> = Vec::new();
    let mut claimed: BTreeSet<QName> = BTreeSet::new();
    let mut created: Vec<&Table> = Vec::new();
    for t in &to.tables {
        let q = t.qname();
        if from_names.contains(&q) {
            continue;
        }
        let old = t
            .renamed_from
            .iter()
            .map(|h| QName::with_schema(t.schema.clone(), h.clone()))
            .find(|o| from_names.contains(o) && !to_names.contains(o) && !claimed.contains(o));
        match old {
            Some(o) => {
                claimed.insert(o.clone());
                renames.push((o, q));
            }
            None => created.push(t),
        }
    }
    let dropped: Vec<&Table> = from
        .tables
        .iter()
        .filter(|t| !to_names.contains(&t.qname()) && !claimed.contains(&t.qname()))
        .collect();
    let dropped_names: BTreeSet<QName> = dropped.iter().map(|t| t.qname()).collect();
    let created_names: BTreeSet<QName> = created.iter().map(|t| t.qname()).collect();
    // Name of a (post-rename) table before the renames run.
    let old_name: BTreeMap<QName, QName> = renames
        .iter()
        .map(|(o, n)| (n.clone(), o.clone()))
        .collect();

    // The state the comparison runs against: `from` without the dropped tables, renames applied
    // (Op::apply rewrites references to renamed tables and columns).
    let mut state = from.clone();
    state.tables.retain(|t| !dropped_names.contains(&t.qname()));
    let mut rename_ops = Vec::new();
    for (o, n) in &renames {
        let op = Op::RenameTable {
            table: o.clone(),
            new_name: n.name.clone(),
        };
        // Cannot fail: `o` exists, `n` does not.
        let _ = op.apply(&mut state);
        rename_ops.push(op);
    }
    // Column renames: (table, new name) -> old name.
    let mut col_renames: BTreeMap<(QName, String), String> = BTreeMap::new();
    // Each table's place in `state`, found once (column renames change no table's place).
    let at_of: BTreeMap<QName, usize> = state
        .tables
        .iter()
        .enumerate()
        .rev() // the first of a name wins, as a scan would find it
        .map(|(i, t)| (t.qname(), i))
        .collect();
    for t in &to.tables {
        let q = t.qname();
        if created_names.contains(&q) {
            continue;
        }
        let mut claimed_cols: BTreeSet<String> = BTreeSet::new();
        let Some(&at) = at_of.get(&q) else {
            continue;
        };
        for c in &t.columns {
            let s = &state.tables[at];
            if s.column(&c.name).is_some() {
                continue;
            }
            let old = c.renamed_from.iter().find(|h| {
                s.column(h).is_some() && t.column(h).is_none() && !claimed_cols.contains(*h)
            });
            if let Some(old) = old.cloned() {
                claimed_cols.insert(old.clone());
                let op = Op::AlterColumn(AlterColumn::new(q.clone(), old.clone()).rename(&c.name));
                let _ = op.apply(&mut state);
                col_renames.insert((q.clone(), c.name.clone()), old);
            }
        }
    }

    let mut fk_drops = Vec::new();
    let mut other_drops = Vec::new();
    let mut col_ops = Vec::new();
    let mut adds = Vec::new();
    let mut fk_adds = Vec::new();
    let by_name = state.tables_by_name();
    for t in &to.tables {
        let q = t.qname();
        if created_names.contains(&q) {
            continue;
        }
        let Some(&s) = by_name.get(&q) else { continue };
        let then = old_name.get(&q).cloned().unwrap_or_else(|| q.clone());
        compare_table(
            s,
            t,
            &then,
            opts,
            &col_renames,
            &mut TableOps {
                fk_drops: &mut fk_drops,
                other_drops: &mut other_drops,
                col_ops: &mut col_ops,
                adds: &mut adds,
                fk_adds: &mut fk_adds,
            },
        );
    }

    let drop_ops = drop_tables(&dropped);
    let (create_ops, cyclic_fks) = create_tables(&created);

    let mut ops = Vec::new();
    ops.extend(enum_first);
    ops.extend(fk_drops);
    ops.extend(other_drops);
    ops.extend(drop_ops);
    ops.extend(rename_ops);
    ops.extend(col_ops);
    ops.extend(adds);
    ops.extend(create_ops);
    ops.extend(cyclic_fks);
    ops.extend(fk_adds);
    ops.extend(enum_last);
    let notes = risk::notes(&from, &ops, &created_names, d);
    Diff { ops, notes }
}

struct TableOps<'a> {
    fk_drops: &'a mut Vec<Op>,
    other_drops: &'a mut Vec<Op>,
    col_ops: &'a mut Vec<Op>,
    adds: &'a mut Vec<Op>,
    fk_adds: &'a mut Vec<Op>,
}

fn strip_hints(c: &Column) -> Column {
    let mut c = c.clone();
    c.renamed_from.clear();
    c
}

fn strip_table_hints(t: &Table) -> Table {
    let mut t = t.clone();
    t.renamed_from.clear();
    for c in &mut t.columns {
        c.renamed_from.clear();
    }
    t
}

pub(crate) fn norm_comment(c: &Option<String>) -> Option<&str> {
    c.as_deref().map(str::trim).filter(|c| !c.is_empty())
}

/// The default that matters: a `nextval(..)` on an auto-increment column is the identity's
/// business, not a default.
pub(crate) fn effective_default(c: &Column) -> Option<&str> {
    match c.default.as_deref() {
        Some(d)
            if c.autoincrement && d.trim_start().to_ascii_lowercase().starts_with("nextval(") =>
        {
            None
        }
        other => other,
    }
}

pub(crate) fn column_types_equal(s: &Column, t: &Column, d: Dialect) -> bool {
    if let (SqlType::Enum { name: a, .. }, SqlType::Enum { name: b, .. }) = (&s.ty, &t.ty) {
        if a == b {
            // The same enum type: a change of its values is an enum operation, not a change
            // of the column.
            return true;
        }
    }
    if d == Dialect::Sqlite
        && (s.autoincrement || t.autoincrement)
        && canon_type(&s.ty, d).is_integer()
        && canon_type(&t.ty, d).is_integer()
    {
        // The rowid alias is always INTEGER.
        return true;
    }
    canon_type(&s.ty, d) == canon_type(&t.ty, d)
}

fn compare_table(
    s: &Table,
    t: &Table,
    then: &QName,
    opts: &Options,
    col_renames: &BTreeMap<(QName, String), String>,
    out: &mut TableOps<'_>,
) {
    let d = opts.dialect;
    let q = t.qname();

    // Columns.
    for sc in &s.columns {
        if t.column(&sc.name).is_none() {
            out.col_ops.push(Op::DropColumn {
                table: q.clone(),
                column: sc.name.clone(),
            });
        }
    }
    let mut alters = Vec::new();
    let mut col_adds = Vec::new();
    for tc in &t.columns {
        let Some(sc) = s.column(&tc.name) else {
            col_adds.push(Op::AddColumn {
                table: q.clone(),
                column: strip_hints(tc),
            });
            continue;
        };
        let renamed_from = col_renames.get(&(q.clone(), tc.name.clone()));
        let mut a = AlterColumn::new(q.clone(), renamed_from.unwrap_or(&tc.name).clone());
        if renamed_from.is_some() {
            a.new_name = Some(tc.name.clone());
        }
        if opts.compare_types && !column_types_equal(sc, tc, d) {
            // No conversion expression: it would be one dialect's SQL in a script every
            // database runs (PostgreSQL's renderer writes its own `USING col::type`).
            a.ty = Some(tc.ty.clone());
        }
        let pk_both = s.is_pk_column(&sc.name) && t.is_pk_column(&tc.name);
        if sc.nullable != tc.nullable && !pk_both {
            a.nullable = Some(tc.nullable);
        }
        if opts.compare_server_default
            && !same_default(effective_default(sc), effective_default(tc), &tc.ty, d)
        {
            a.default = Some(effective_default(tc).map(str::to_string));
        }
        if opts.compare_comments && norm_comment(&sc.comment) != norm_comment(&tc.comment) {
            a.comment = Some(norm_comment(&tc.comment).map(str::to_string));
        }
        if !a.is_empty() {
            alters.push(Op::AlterColumn(a));
        }
    }
    out.col_ops.extend(alters);
    out.col_ops.extend(col_adds);
    if opts.compare_comments && norm_comment(&s.comment) != norm_comment(&t.comment) {
        out.col_ops.push(Op::SetTableComment {
            table: q.clone(),
            comment: norm_comment(&t.comment).map(str::to_string),
        });
    }

    // Primary key.
    let pk_same = match (&s.primary_key, &t.primary_key) {
        (None, None) => true,
        (Some(a), Some(b)) => a.columns == b.columns && (a.name == b.name || d == Dialect::Mysql),
        _ => false,
    };
    if !pk_same {
        if let Some(pk) = &s.primary_key {
            out.other_drops.push(Op::DropPrimaryKey {
                table: then.clone(),
                name: pk.name.clone(),
            });
        }
        if let Some(pk) = &t.primary_key {
            out.adds.push(Op::AddPrimaryKey {
                table: q.clone(),
                primary_key: pk.clone(),
            });
        }
    }

    // Indexes and constraints, paired by kind and name.
    let si = table_items(s, t, s, d);
    let ti = table_items(t, t, s, d);
    let (s_matched, t_matched) = match_unnamed(&si, &ti, t, d);
    let mut late_drops = Vec::new();
    // An index the models leave out on `d` (`Index::dialects`) is not expected there; one the
    // database has anyway is dropped and the model's index "created" (nothing on `d`, the index
    // on the other databases, where the same script runs).
    let same = |a: &Item, b: &Item| same_item(a, b, d) && a.exists_on(d) == b.exists_on(d);
    for (key, a) in &si {
        if s_matched.contains(key) {
            continue;
        }
        match ti.get(key) {
            Some(b) if same(a, b) => {}
            _ => {
                let op = a.drop_op(then);
                if matches!(a, Item::Fk(_)) {
                    out.fk_drops.push(op);
                } else if d == Dialect::Mysql && !ti.contains_key(key) && serves_fk(a, s) {
                    // InnoDB refuses to drop the index a foreign key uses: the new indexes
                    // first (one of them serves the key, or InnoDB makes its own).
                    late_drops.push(op);
                } else {
                    out.other_drops.push(op);
                }
            }
        }
    }
    for (key, b) in &ti {
        if t_matched.contains(key) {
            continue;
        }
        match si.get(key) {
            Some(a) if same(a, b) => {}
            None if !b.exists_on(d) => {}
            _ => {
                let op = b.add_op(&q);
                if matches!(b, Item::Fk(_)) {
                    out.fk_adds.push(op);
                } else {
                    out.adds.push(op);
                }
            }
        }
    }
    out.adds.extend(late_drops);
}

type Key = (u8, String);
type Items = BTreeMap<Key, Item>;

/// Pairs the indexes and unique constraints the model did not name ([`Table::convention_names`]
/// of the target `t`) with a database index or unique constraint on the same columns, whatever
/// its name (a unique constraint and a unique index without predicate are the same thing
/// here): such a pair is no change. Returns the keys paired on each side. Explicit names pair
/// by name only.
fn match_unnamed(si: &Items, ti: &Items, t: &Table, d: Dialect) -> (BTreeSet<Key>, BTreeSet<Key>) {
    let mut s_claimed = BTreeSet::new();
    let mut t_claimed = BTreeSet::new();
    if t.convention_names.is_empty() {
        return (s_claimed, t_claimed);
    }
    // Source items already paired by name stay with their partner.
    let by_name = |k: &Key, a: &Item| ti.get(k).is_some_and(|b| same_item(a, b, d));
    for (kt, b) in ti {
        if !matches!(b, Item::Index(_) | Item::Unique(_)) || !t.convention_names.contains(&kt.1) {
            continue;
        }
        if si.get(kt).is_some_and(|a| same_item(a, b, d)) {
            continue;
        }
        let partner = si
            .iter()
            .find(|(ks, a)| !s_claimed.contains(*ks) && !by_name(ks, a) && same_shape(a, b, d));
        if let Some((ks, _)) = partner {
            s_claimed.insert(ks.clone());
            t_claimed.insert(kt.clone());
        }
    }
    (s_claimed, t_claimed)
}

/// The columns, uniqueness and predicate of an index or unique constraint (names aside).
fn same_shape(a: &Item, b: &Item, d: Dialect) -> bool {
    let shape = |x: &Item| -> Option<(Vec<String>, bool, Option<String>)> {
        match x {
            Item::Index(i) => Some((
                i.columns.clone(),
                i.unique,
                if d == Dialect::Mysql {
                    None
                } else {
                    pred(&i.predicate, d)
                },
            )),
            Item::Unique(u) => Some((u.columns.clone(), true, None)),
            _ => None,
        }
    };
    matches!((shape(a), shape(b)), (Some(x), Some(y)) if x == y)
}

/// Whether `item` (an index or unique constraint of `s`) starts with the columns of one of
/// `s`'s foreign keys, so that MySQL may be using it for that key.
fn serves_fk(item: &Item, s: &Table) -> bool {
    let cols = match item {
        Item::Index(i) => &i.columns,
        Item::Unique(u) => &u.columns,
        _ => return false,
    };
    s.foreign_keys
        .iter()
        .any(|f| cols.len() >= f.columns.len() && cols[..f.columns.len()] == f.columns[..])
}

#[derive(Clone, Debug)]
pub(crate) enum Item {
    Index(Index),
    Unique(retort_schema::Unique),
    Fk(ForeignKey),
    Check(retort_schema::Check),
}

impl Item {
    /// Whether it exists on `d` (only an index may be left out on some databases).
    fn exists_on(&self, d: Dialect) -> bool {
        match self {
            Item::Index(i) => i.exists_on(d),
            _ => true,
        }
    }

    pub(crate) fn name(&self) -> &str {
        match self {
            Item::Index(i) => &i.name,
            Item::Unique(u) => &u.name,
            Item::Fk(f) => &f.name,
            Item::Check(c) => &c.name,
        }
    }

    fn drop_op(&self, table: &QName) -> Op {
        let (table, name) = (table.clone(), self.name().to_string());
        match self {
            Item::Index(_) => Op::DropIndex { table, name },
            Item::Unique(_) => Op::DropUnique { table, name },
            Item::Fk(_) => Op::DropForeignKey { table, name },
            Item::Check(_) => Op::DropCheck { table, name },
        }
    }

    fn add_op(&self, table: &QName) -> Op {
        let table = table.clone();
        match self.clone() {
            Item::Index(index) => Op::CreateIndex { table, index },
            Item::Unique(unique) => Op::AddUnique { table, unique },
            Item::Fk(foreign_key) => Op::AddForeignKey { table, foreign_key },
            Item::Check(check) => Op::AddCheck { table, check },
        }
    }
}

/// The indexes and constraints of `t`, keyed by (kind, name). On MySQL a unique index (whose
/// predicate MySQL ignores) is the same kind as a unique constraint. On SQLite the CHECK that stands for an
/// enum column (of `a` or `b`) is left out.
pub(crate) fn table_items(
    t: &Table,
    a: &Table,
    b: &Table,
    d: Dialect,
) -> BTreeMap<(u8, String), Item> {
    let mut m = BTreeMap::new();
    for i in &t.indexes {
        let kind = if d == Dialect::Mysql && i.unique {
            1
        } else {
            0
        };
        m.insert((kind, i.name.clone()), Item::Index(i.clone()));
    }
    for u in &t.uniques {
        m.insert((1, u.name.clone()), Item::Unique(u.clone()));
    }
    for f in &t.foreign_keys {
        m.insert((2, f.name.clone()), Item::Fk(f.clone()));
    }
    let enum_checks: BTreeSet<String> = if d == Dialect::Sqlite {
        [a, b]
            .iter()
            .flat_map(|tb| {
                tb.columns
                    .iter()
                    .filter(|c| matches!(c.ty, SqlType::Enum { .. }))
                    .map(move |c| naming::check(&tb.name, &format!("{}_enum", c.name)))
            })
            .collect()
    } else {
        BTreeSet::new()
    };
    for c in &t.checks {
        if enum_checks.contains(&c.name) {
            continue;
        }
        m.insert((3, c.name.clone()), Item::Check(c.clone()));
    }
    m
}

fn fk_action(a: Option<FkAction>, d: Dialect) -> Option<FkAction> {
    match a {
        None | Some(FkAction::NoAction) => None,
        Some(FkAction::Restrict) if d == Dialect::Mysql => None,
        other => other,
    }
}

fn pred(p: &Option<String>, d: Dialect) -> Option<String> {
    p.as_deref().map(|p| normalize_expr_in(p, d))
}

pub(crate) fn same_item(a: &Item, b: &Item, d: Dialect) -> bool {
    match (a, b) {
        (Item::Index(x), Item::Index(y)) => {
            x.columns == y.columns
                && x.unique == y.unique
                && (d == Dialect::Mysql || pred(&x.predicate, d) == pred(&y.predicate, d))
        }
        (Item::Unique(x), Item::Unique(y)) => x.columns == y.columns,
        (Item::Index(i), Item::Unique(u)) | (Item::Unique(u), Item::Index(i)) => {
            d == Dialect::Mysql && i.unique && i.columns == u.columns
        }
        (Item::Fk(x), Item::Fk(y)) => {
            x.columns == y.columns
                && x.ref_table == y.ref_table
                && x.ref_columns == y.ref_columns
                && fk_action(x.on_delete, d) == fk_action(y.on_delete, d)
                && fk_action(x.on_update, d) == fk_action(y.on_update, d)
                && (d == Dialect::Mysql || x.deferrable == y.deferrable)
        }
        (Item::Check(x), Item::Check(y)) => {
            normalize_expr_in(&x.expr, d) == normalize_expr_in(&y.expr, d)
        }
        _ => false,
    }
}

/// Drops `tables` so that a table is dropped before the tables it references; on a cycle, the
/// foreign keys that point to the table about to go are dropped first.
fn drop_tables(tables: &[&Table]) -> Vec<Op> {
    let mut remaining: Vec<Table> = tables.iter().map(|t| (*t).clone()).collect();
    let mut ops = Vec::new();
    while !remaining.is_empty() {
        let referenced = |q: &QName, rem: &[Table]| {
            rem.iter()
                .any(|o| !o.is(q) && o.foreign_keys.iter().any(|f| &f.ref_table == q))
        };
        let pos = remaining
            .iter()
            .position(|t| !referenced(&t.qname(), &remaining))
            .unwrap_or(0);
        let victim = remaining.remove(pos);
        let vq = victim.qname();
        for o in &mut remaining {
            let oq = o.qname();
            o.foreign_keys.retain(|f| {
                if f.ref_table == vq {
                    ops.push(Op::DropForeignKey {
                        table: oq.clone(),
                        name: f.name.clone(),
                    });
                    false
                } else {
                    true
                }
            });
        }
        ops.push(Op::DropTable { table: vq });
    }
    ops
}

/// Creates `tables` so that a table comes after the tables it references. A table whose
/// dependencies are all there carries its foreign keys; on a cycle the first table (by name)
/// goes first without the foreign keys to tables not created yet, which are added after all
/// tables, on every dialect: the script must run on PostgreSQL and MySQL whichever database it
/// was diffed against (SQLite renders the added key as a rebuild of the new, empty table).
fn create_tables(tables: &[&Table]) -> (Vec<Op>, Vec<Op>) {
    let mut remaining: Vec<Table> = tables.iter().map(|t| strip_table_hints(t)).collect();
    let pending: BTreeSet<QName> = remaining.iter().map(Table::qname).collect();
    let mut done: BTreeSet<QName> = BTreeSet::new();
    let mut ops = Vec::new();
    let mut later = Vec::new();
    let ready = |t: &Table, done: &BTreeSet<QName>| {
        t.foreign_keys.iter().all(|f| {
            t.is(&f.ref_table) || !pending.contains(&f.ref_table) || done.contains(&f.ref_table)
        })
    };
    while !remaining.is_empty() {
        let pos = remaining.iter().position(|t| ready(t, &done));
        let mut t = remaining.remove(pos.unwrap_or(0));
        let q = t.qname();
        if pos.is_none() {
            let mut keep = Vec::new();
            for f in t.foreign_keys.drain(..) {
                if f.ref_table == q
                    || !pending.contains(&f.ref_table)
                    || done.contains(&f.ref_table)
                {
                    keep.push(f);
                } else {
                    later.push(Op::AddForeignKey {
                        table: q.clone(),
                        foreign_key: f,
                    });
                }
            }
            t.foreign_keys = keep;
        }
        done.insert(q);
        ops.push(Op::CreateTable(t));
    }
    (ops, later)
}

/// The operations that turn the values of enum type `from` into those of `to`, on every
/// dialect: appended values are `AddEnumValue`s (PostgreSQL `ALTER TYPE .. ADD VALUE`, MySQL
/// `MODIFY COLUMN .. ENUM(..)` of each column using the type, SQLite a rebuild with the new
/// CHECK), anything else (values removed or reordered) one `SetEnumValues`.
fn enum_value_ops(from: &retort_schema::EnumType, to: &retort_schema::EnumType) -> Vec<Op> {
    if from.values == to.values {
        Vec::new()
    } else if to.values.starts_with(&from.values) {
        to.values[from.values.len()..]
            .iter()
            .map(|v| Op::AddEnumValue {
                name: to.qname(),
                value: v.clone(),
                before: None,
            })
            .collect()
    } else {
        vec![Op::SetEnumValues {
            name: to.qname(),
            values: to.values.clone(),
        }]
    }
}

/// Whether enum type `q` of `s` is a name introspection made up for an inline enum column
/// (`<table>_<column>`) rather than a type of the history.
fn introspected_enum_name(s: &Schema, q: &QName) -> bool {
    s.tables.iter().any(|t| {
        t.columns.iter().any(|c| {
            matches!(&c.ty, SqlType::Enum { name, .. } if name == &q.name
                && *name == format!("{}_{}", t.name, c.name)
                && t.schema == q.schema)
        })
    })
}

/// For dialects without named enum types: a `CreateEnum` for each enum type of the models that
/// `from.enums` does not list and no existing column of the database uses yet (matched by table
/// and column name, or their `renamed_from` hints).
fn implied_enum_creations(from: &Schema, to: &Schema) -> Vec<Op> {
    let from_has_enum_column = |t: &Table, c: &retort_schema::Column| {
        let table_names = std::iter::once(&t.name).chain(t.renamed_from.iter());
        let col_names: Vec<&String> = std::iter::once(&c.name)
            .chain(c.renamed_from.iter())
            .collect();
        table_names.into_iter().any(|tn| {
            from.table(&QName::with_schema(t.schema.clone(), tn.clone()))
                .is_some_and(|ft| {
                    ft.columns.iter().any(|fc| {
                        col_names.contains(&&fc.name) && matches!(fc.ty, SqlType::Enum { .. })
                    })
                })
        })
    };
    let mut seen: BTreeSet<QName> = BTreeSet::new();
    let mut ops = Vec::new();
    for t in &to.tables {
        for c in &t.columns {
            let SqlType::Enum { name, values } = &c.ty else {
                continue;
            };
            let q = QName::with_schema(t.schema.clone(), name.clone());
            if from.enum_type(&q).is_some() || !seen.insert(q) {
                continue;
            }
            let exists = to.tables.iter().any(|t2| {
                t2.columns.iter().any(|c2| {
                    matches!(&c2.ty, SqlType::Enum { name: n2, .. } if n2 == name)
                        && from_has_enum_column(t2, c2)
                })
            });
            if !exists {
                ops.push(Op::CreateEnum(retort_schema::EnumType {
                    schema: t.schema.clone(),
                    name: name.clone(),
                    values: values.clone(),
                }));
            }
        }
    }
    ops
}
