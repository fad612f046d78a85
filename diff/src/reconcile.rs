//! Reconciling an introspected schema with the schema the migration history replays to.
//!
//! A database reads back its own spellings: SQLite has no comments and calls an auto-increment
//! `BIGINT` an `INTEGER`, MySQL names every primary key `PRIMARY` and keeps enums inline without
//! a type name, PostgreSQL adds casts to defaults. Operations written from those spellings are
//! one database's facts, not the history's: a downgrade written against SQLite would turn a
//! `BigInt` into an `Integer` and forget comments everywhere else. [`reconcile`] takes, for
//! every live object that is equivalent to the history's object under the dialect's
//! normalization, the history's neutral facts; where they really differ (drift), the live facts
//! stay.

use std::collections::BTreeMap;

use retort_schema::{Dialect, EnumType, QName, Schema, SqlType, Table};

use crate::differ::{column_types_equal, effective_default, norm_comment, same_item, Item};
use crate::normalize::same_default;

/// The live schema `live` (introspected on dialect `d`) with the history's neutral facts
/// (`history`: [`MigrationSet::replay_lenient`](https://docs.rs) at the database's heads) put
/// in wherever the two agree under `d`'s normalization: type width and spelling, enum type
/// names, precision, default spelling, comments, constraint names that `d` does not keep.
/// Objects only in `live` and facts that really differ stay as `live` has them.
///
/// On dialects without named enum types (MySQL, SQLite) the result's [`Schema::enums`] are the
/// history's enum types, with the values their live columns have.
pub fn reconcile(live: &Schema, history: &Schema, d: Dialect) -> Schema {
    let mut out = live.clone();
    reconcile_in(&mut out, history, d);
    out
}

/// [`reconcile`] in place: `live` becomes the result, without a second copy of the schema
/// alive beside it (at 1,000 tables a schema is megabytes; autogenerate holds several).
pub fn reconcile_in(live: &mut Schema, history: &Schema, d: Dialect) {
    let by_name = history.tables_by_name();
    for t in &mut live.tables {
        if let Some(&h) = by_name.get(&t.qname()) {
            reconcile_table(t, h, d);
        }
    }
    if d != Dialect::Postgres {
        live.enums = inline_enums(live, history);
    }
}

fn reconcile_table(t: &mut Table, h: &Table, d: Dialect) {
    if d == Dialect::Sqlite || norm_comment(&t.comment) == norm_comment(&h.comment) {
        t.comment = h.comment.clone();
    }
    for c in &mut t.columns {
        let Some(hc) = h.column(&c.name) else {
            continue;
        };
        if let (
            SqlType::Enum { name, values },
            SqlType::Enum {
                name: hn,
                values: hv,
            },
        ) = (&mut c.ty, &hc.ty)
        {
            // Enums: the type name is the history's where the database keeps none; the values
            // are what the database has.
            if d != Dialect::Postgres {
                *name = hn.clone();
            }
            if name == hn && values == hv {
                c.ty = hc.ty.clone();
            }
        } else if column_types_equal(c, hc, d) {
            c.ty = hc.ty.clone();
        }
        if same_default(effective_default(c), effective_default(hc), &c.ty, d) {
            c.default = hc.default.clone();
        }
        if d == Dialect::Sqlite || norm_comment(&c.comment) == norm_comment(&hc.comment) {
            c.comment = hc.comment.clone();
        }
        if c.nullable == hc.nullable && column_types_equal(c, hc, d) {
            // What the database cannot say (SQLite's rowid alias, MariaDB's implicit flags).
            c.autoincrement = hc.autoincrement;
        }
    }
    if let (Some(pk), Some(hpk)) = (&mut t.primary_key, &h.primary_key) {
        // MySQL names every primary key `PRIMARY`; elsewhere the name is the database's and a
        // different one is drift.
        if pk.columns == hpk.columns && d == Dialect::Mysql {
            pk.name = hpk.name.clone();
        }
    }
    reconcile_items(t, h, d);
}

/// Indexes and constraints: a live one equivalent to the history's one of the same name (or,
/// on MySQL, a unique index standing for the history's unique constraint) becomes the
/// history's.
fn reconcile_items(t: &mut Table, h: &Table, d: Dialect) {
    let hist: BTreeMap<String, Item> = crate::differ::table_items(h, h, t, d)
        .into_iter()
        .map(|((_, name), item)| (name, item))
        .collect();
    let live = crate::differ::table_items(t, t, h, d);
    let enum_checks: Vec<String> = t
        .checks
        .iter()
        .filter(|c| {
            !live
                .values()
                .any(|i| matches!(i, Item::Check(x) if x.name == c.name))
        })
        .map(|c| c.name.clone())
        .collect();
    let mut indexes = Vec::new();
    let mut uniques = Vec::new();
    let mut fks = Vec::new();
    // SQLite's CHECK standing for an enum column is part of the column (its renderer writes it
    // from the type): it is a check of its own only where the history says so. Left in, a
    // downgrade re-creating the table would add it as a constraint on the other databases.
    let mut checks: Vec<retort_schema::Check> = t
        .checks
        .iter()
        .filter(|c| enum_checks.contains(&c.name) && h.checks.iter().any(|x| x.name == c.name))
        .cloned()
        .collect();
    for (_, item) in live {
        let name = item.name().to_string();
        let chosen = match hist.get(&name) {
            Some(hi) if same_item(&item, hi, d) => hi.clone(),
            _ => item,
        };
        match chosen {
            Item::Index(i) => indexes.push(i),
            Item::Unique(u) => uniques.push(u),
            Item::Fk(f) => fks.push(f),
            Item::Check(c) => checks.push(c),
        }
    }
    t.indexes = indexes;
    t.uniques = uniques;
    t.foreign_keys = fks;
    t.checks = checks;
    t.normalize_order();
}

/// MySQL and SQLite: the enum types are the history's (the database keeps no name), with the
/// values of the live columns that use them, plus any type a reconciled column names that the
/// history does not list.
fn inline_enums(s: &Schema, history: &Schema) -> Vec<EnumType> {
    let mut live_values: BTreeMap<QName, Vec<String>> = BTreeMap::new();
    for t in &s.tables {
        for c in &t.columns {
            if let SqlType::Enum { name, values } = &c.ty {
                let q = QName::with_schema(t.schema.clone(), name.clone());
                live_values.entry(q).or_insert_with(|| values.clone());
            }
        }
    }
    let mut out: Vec<EnumType> = history
        .enums
        .iter()
        .map(|e| EnumType {
            values: live_values
                .get(&e.qname())
                .cloned()
                .unwrap_or_else(|| e.values.clone()),
            ..e.clone()
        })
        .collect();
    // Types of reconciled columns only: a column the history does not know keeps the
    // introspected name and is not one of the history's types.
    for t in &s.tables {
        for c in &t.columns {
            if let SqlType::Enum { name, values } = &c.ty {
                let q = QName::with_schema(t.schema.clone(), name.clone());
                let invented = *name == format!("{}_{}", t.name, c.name);
                if !invented && !out.iter().any(|e| e.is(&q)) {
                    out.push(EnumType {
                        schema: t.schema.clone(),
                        name: name.clone(),
                        values: values.clone(),
                    });
                }
            }
        }
    }
    out.sort_by_key(EnumType::qname);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use retort_schema::{Column, Index, PrimaryKey};

    /// `orders` with the parts history and the live database both have: `id`, an enum
    /// `status`, `qty` with its default, `note` VARCHAR(note_len), the primary key and a
    /// partial index `qty > 0` (`predicate` as written).
    fn orders(
        id: Column,
        status: SqlType,
        qty_default: &str,
        note_len: u32,
        predicate: &str,
    ) -> Table {
        let mut t = Table::new("orders");
        t.columns.push(id);
        t.columns.push(Column::new("status", status));
        t.columns
            .push(Column::new("qty", SqlType::Integer).default(qty_default));
        t.columns
            .push(Column::new("note", SqlType::Varchar(note_len)).nullable(true));
        t.primary_key = Some(PrimaryKey::new("pk_orders", ["id"]));
        t.indexes
            .push(Index::new("ix_orders_qty", ["qty"]).predicate(predicate));
        t
    }

    fn hist_table() -> Table {
        let mut id = Column::new("id", SqlType::BigInt);
        id.autoincrement = true;
        id.comment = Some("surrogate key".into());
        let status = SqlType::Enum {
            name: "order_status".into(),
            values: vec!["new".into(), "paid".into()],
        };
        let mut t = orders(id, status, "0", 40, "qty > 0");
        t.comment = Some("Customer orders".into());
        t
    }

    fn history() -> Schema {
        Schema {
            tables: vec![hist_table()],
            enums: vec![EnumType {
                schema: None,
                name: "order_status".into(),
                values: vec!["new".into(), "paid".into()],
            }],
        }
    }

    /// What SQLite reads back of the same table.
    fn sqlite_live(status_values: &[&str], note_len: u32) -> Schema {
        let status = SqlType::Enum {
            name: "orders_status".into(),
            values: status_values.iter().map(|s| s.to_string()).collect(),
        };
        let id = Column::new("id", SqlType::Integer);
        let mut t = orders(id, status, "(0)", note_len, "(\"qty\" > 0)");
        t.checks.push(retort_schema::Check {
            name: "ck_orders_status_enum".into(),
            expr: "\"status\" IN ('new', 'paid')".into(),
        });
        let mut s = Schema {
            tables: vec![t],
            enums: vec![],
        };
        s.collect_enums_from_columns();
        s
    }

    #[test]
    fn equivalent_objects_take_the_historys_neutral_facts() {
        let r = reconcile(
            &sqlite_live(&["new", "paid"], 40),
            &history(),
            Dialect::Sqlite,
        );
        let t = &r.tables[0];
        let h = hist_table();
        assert_eq!(t.comment.as_deref(), Some("Customer orders"));
        assert_eq!(
            t.column("id"),
            h.column("id"),
            "width, autoincrement, comment"
        );
        assert_eq!(t.column("status"), h.column("status"), "the enum's name");
        assert_eq!(t.column("qty"), h.column("qty"), "the default's spelling");
        assert_eq!(t.indexes, h.indexes, "the predicate's spelling");
        // The CHECK standing for the enum column is part of the column, not a check of its own.
        assert!(t.checks.is_empty(), "{:?}", t.checks);
        assert_eq!(r.enums, history().enums);
    }

    #[test]
    fn drift_keeps_the_live_facts() {
        // Someone widened `note` by hand and added an enum value: the database is the truth.
        let r = reconcile(
            &sqlite_live(&["new", "paid", "lost"], 80),
            &history(),
            Dialect::Sqlite,
        );
        let t = &r.tables[0];
        assert_eq!(t.column("note").unwrap().ty, SqlType::Varchar(80));
        assert_eq!(
            t.column("status").unwrap().ty,
            SqlType::Enum {
                name: "order_status".into(),
                values: vec!["new".into(), "paid".into(), "lost".into()],
            },
            "the history's name, the live values"
        );
        assert_eq!(
            r.enums[0].values,
            vec!["new".to_string(), "paid".into(), "lost".into()]
        );
    }

    #[test]
    fn mysql_primary_key_and_unique_index_names_come_from_the_history() {
        let mut h = hist_table();
        h.uniques
            .push(retort_schema::Unique::new("uq_orders_note", ["note"]));
        let hist = Schema {
            tables: vec![h.clone()],
            enums: history().enums,
        };
        let mut live = hist.clone();
        let t = &mut live.tables[0];
        t.primary_key.as_mut().unwrap().name = "PRIMARY".into();
        t.uniques.clear();
        t.indexes
            .push(Index::new("uq_orders_note", ["note"]).unique());
        t.comment = Some("Customer orders ".into());
        let r = reconcile(&live, &hist, Dialect::Mysql);
        let mut want = h;
        want.normalize_order();
        assert_eq!(r.tables[0], want);
    }

    #[test]
    fn a_primary_key_renamed_by_hand_stays_renamed_where_the_database_keeps_names() {
        let hist = history();
        let mut live = hist.clone();
        live.tables[0].primary_key.as_mut().unwrap().name = "orders_pkey".into();
        let r = reconcile(&live, &hist, Dialect::Postgres);
        assert_eq!(
            r.tables[0].primary_key.as_ref().unwrap().name,
            "orders_pkey"
        );
    }

    #[test]
    fn tables_the_history_does_not_know_stay_as_read() {
        let mut live = sqlite_live(&["new", "paid"], 40);
        live.tables[0].name = "hand_made".into();
        let r = reconcile(&live, &history(), Dialect::Sqlite);
        assert_eq!(r.tables, live.tables);
    }
}
