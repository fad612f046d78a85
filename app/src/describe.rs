//! A readable, dialect-neutral listing of a schema (`schema` without `--dialect`).

use retort_schema::{ForeignKey, Schema, Table};

/// The whole schema: enums, then tables, each followed by a blank line.
pub fn schema(s: &Schema) -> String {
    let mut out = String::new();
    for e in &s.enums {
        let values: Vec<String> = e.values.iter().map(|v| format!("'{v}'")).collect();
        out.push_str(&format!("enum {} ({})\n\n", e.qname(), values.join(", ")));
    }
    for t in &s.tables {
        out.push_str(&table(t));
        out.push('\n');
    }
    out
}

fn fk(f: &ForeignKey) -> String {
    let mut s = format!(
        "foreign key {} ({}) references {} ({})",
        f.name,
        f.columns.join(", "),
        f.ref_table,
        f.ref_columns.join(", ")
    );
    if let Some(a) = f.on_delete {
        s.push_str(&format!(" on delete {}", a.as_sql().to_ascii_lowercase()));
    }
    if let Some(a) = f.on_update {
        s.push_str(&format!(" on update {}", a.as_sql().to_ascii_lowercase()));
    }
    if f.deferrable {
        s.push_str(" deferrable");
    }
    s
}

/// One table: `table name -- comment`, its columns aligned, then keys, indexes, constraints.
pub fn table(t: &Table) -> String {
    let mut out = format!("table {}", t.qname());
    if let Some(c) = &t.comment {
        out.push_str(&format!("  -- {c}"));
    }
    out.push('\n');
    let width = t.columns.iter().map(|c| c.name.len()).max().unwrap_or(0);
    for c in &t.columns {
        let mut line = format!("  {:width$}  {}", c.name, c.ty);
        line.push_str(if c.nullable { " null" } else { " not null" });
        if c.autoincrement {
            line.push_str(" autoincrement");
        }
        if let Some(d) = &c.default {
            line.push_str(&format!(" default {d}"));
        }
        if let Some(cm) = &c.comment {
            line.push_str(&format!("  -- {cm}"));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if let Some(pk) = &t.primary_key {
        out.push_str(&format!(
            "  primary key {} ({})\n",
            pk.name,
            pk.columns.join(", ")
        ));
    }
    for u in &t.uniques {
        out.push_str(&format!("  unique {} ({})\n", u.name, u.columns.join(", ")));
    }
    for f in &t.foreign_keys {
        out.push_str(&format!("  {}\n", fk(f)));
    }
    for c in &t.checks {
        out.push_str(&format!("  check {} ({})\n", c.name, c.expr));
    }
    for i in &t.indexes {
        let mut line = format!(
            "  {}index {} ({})",
            if i.unique { "unique " } else { "" },
            i.name,
            i.columns.join(", ")
        );
        if let Some(p) = &i.predicate {
            line.push_str(&format!(" where {p}"));
        }
        out.push_str(&line);
        out.push('\n');
    }
    out
}
