//! The pure generator: an introspected [`Schema`] and its [`Dialect`] in, the Rust source of
//! `#[derive(retort::Table)]` / `#[derive(retort::DbEnum)]` models out, together with the
//! schema those models register (what the derive produces from that source), the cargo
//! features of `retort` the source needs, and the tables left out with the reason.
//!
//! No I/O. Every column type maps to the Rust type whose `ColumnType` gives the same
//! [`SqlType`] back; what has no such type (`SqlType::Custom`) gets `sql_type = ".."`.

use std::collections::{BTreeMap, BTreeSet};

use retort_schema::{
    naming, Check, Column, Dialect, FkAction, PrimaryKey, QName, Schema, SqlType, Table,
};

use super::names::{field_ident, lit, snake_case, type_ident, Scope};

/// What [`generate`] produces.
#[derive(Clone, Debug)]
pub struct Pulled {
    /// The models, formatted as rustfmt formats them, one struct per table and one enum per enum type.
    pub source: String,
    /// The schema the derives in `source` register: what `check` compares with the database.
    pub expected: Schema,
    /// Features of `retort` the source needs (`chrono`, `uuid`, `json`, `decimal`).
    pub features: BTreeSet<&'static str>,
    /// Tables not pulled, each with the reason (to be kept out of compares with
    /// `exclude_tables`).
    pub skipped: Vec<Skipped>,
    /// Things the user should know about the pulled models.
    pub notes: Vec<String>,
}

/// A table the models do not represent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skipped {
    pub table: QName,
    pub reason: String,
}

/// The crates a `retort` feature brings into the models' source (`chrono::NaiveDate`, ...),
/// with the version requirement to depend on.
pub fn feature_crate(feature: &str) -> Option<(&'static str, &'static str)> {
    match feature {
        "chrono" => Some(("chrono", "0.4")),
        "uuid" => Some(("uuid", "1")),
        "json" => Some(("serde_json", "1")),
        "decimal" => Some(("rust_decimal", "1")),
        _ => None,
    }
}

/// Generates the models of `schema` (as introspected from a `dialect` database). Tables in
/// `exclude` (found by the caller: a generated column, ...) are left out with their reason;
/// tables the derive cannot express (an expression index, a foreign key to a table left out)
/// are left out too, and listed in [`Pulled::skipped`].
pub fn generate(schema: &Schema, dialect: Dialect, exclude: &[Skipped]) -> Pulled {
    generate_beside(schema, dialect, exclude, &BTreeSet::new())
}

/// [`generate`] for a models crate that already has the tables `modelled`: those are not
/// generated again, and the generated ones may reference them.
pub fn generate_beside(
    schema: &Schema,
    dialect: Dialect,
    exclude: &[Skipped],
    modelled: &BTreeSet<QName>,
) -> Pulled {
    let mut skipped: Vec<Skipped> = exclude.to_vec();
    let mut kept: Vec<&Table> = schema
        .tables
        .iter()
        .filter(|t| !exclude.iter().any(|s| t.is(&s.table)) && !modelled.contains(&t.qname()))
        .collect();
    // Until nothing changes: a table left out takes the tables referencing it along.
    loop {
        let mut names: BTreeSet<QName> = kept.iter().map(|t| t.qname()).collect();
        names.extend(modelled.iter().cloned());
        let mut dropped = false;
        kept.retain(|t| match unrepresentable(t, &names) {
            Some(reason) => {
                skipped.push(Skipped {
                    table: t.qname(),
                    reason,
                });
                dropped = true;
                false
            }
            None => true,
        });
        if !dropped {
            break;
        }
    }
    skipped.sort_by(|a, b| a.table.cmp(&b.table));

    let mut g = Gen {
        dialect,
        features: BTreeSet::new(),
        types: Scope::default(),
        enums: BTreeMap::new(),
        notes: Vec::new(),
    };
    // Enum types first (named after the type, or `<table>_<column>` where enums are inline).
    for t in &kept {
        for c in &t.columns {
            if let SqlType::Enum { name, values } = &c.ty {
                let values = schema
                    .enum_type(&QName::with_schema(t.schema.clone(), name.clone()))
                    .map(|e| e.values.clone())
                    .unwrap_or_else(|| values.clone());
                g.enum_for(name, &values);
            }
        }
    }
    let used: BTreeSet<&str> = g.enums.keys().map(String::as_str).collect();
    for e in &schema.enums {
        if dialect == Dialect::Postgres && !used.contains(e.name.as_str()) {
            g.notes.push(format!(
                "enum type `{}` is used by no pulled table: it is not in the models, and a later autogenerate would drop it unless a model uses it",
                e.qname()
            ));
        }
    }
    let mut items = Vec::new();
    let mut expected = Schema::default();
    for t in &kept {
        let (text, table) = g.table(t);
        items.push(text);
        expected.tables.push(table);
    }
    let mut enum_items: Vec<String> = g.enums.values().map(|e| e.text.clone()).collect();
    enum_items.extend(items);

    let mut header = String::from(
        "//! Models pulled from the database by `retort pull`: one struct per table, one enum per\n//! enum type. Edit them as your own from here on; `retort check` compares them with the\n//! database.\n",
    );
    if !skipped.is_empty() {
        header.push_str(
            "//!\n//! Not pulled (kept out of compares by `exclude_tables` in retort.toml):\n",
        );
        for s in &skipped {
            header.push_str(&format!("//! - `{}`: {}\n", s.table, s.reason));
        }
    }
    let source = format!("{header}\n{}", enum_items.join("\n"));

    expected.collect_enums_from_columns();
    expected.normalize_order();
    Pulled {
        source,
        expected,
        features: g.features,
        skipped,
        notes: g.notes,
    }
}

/// rustfmt's line width (`max_width`) and the widest arguments of an attribute it keeps on
/// one line (`attr_fn_like_width`).
const MAX_WIDTH: usize = 100;
const ATTR_ARGS_WIDTH: usize = 70;

/// Whether rustfmt keeps `line` (arguments `args`) on one line.
fn fits(line: &str, items: &[String]) -> bool {
    // rustfmt leaves an attribute holding a list (`columns = [..]`) as it is.
    items
        .iter()
        .any(|i| i.split_once(" = ").is_some_and(|(_, v)| v.starts_with('[')))
        || (line.trim_end().chars().count() <= MAX_WIDTH
            && items.join(", ").chars().count() <= ATTR_ARGS_WIDTH)
}

/// `#[outer(items)]` at `indent`, broken as rustfmt breaks an attribute that is too long (one
/// item a line).
fn attr(indent: usize, outer: &str, items: &[String]) -> String {
    let pad = " ".repeat(indent);
    let one = format!("{pad}#[{outer}({})]\n", items.join(", "));
    if fits(&one, items) {
        return one;
    }
    let lines: Vec<String> = items.iter().map(|i| format!("{pad}    {i}")).collect();
    format!("{pad}#[{outer}(\n{}\n{pad})]\n", lines.join(",\n"))
}

/// `#[table(inner(items))]`, broken as rustfmt breaks it when too long.
/// `name = "<name>"`, the key every named object's attribute starts with.
fn name_is(name: &str) -> String {
    format!("name = {}", lit(name))
}

fn nested(inner: &str, items: &[String]) -> String {
    let one = format!("#[table({inner}({}))]\n", items.join(", "));
    if fits(&one, items) {
        return one;
    }
    let lines: Vec<String> = items.iter().map(|i| format!("    {i}")).collect();
    format!("#[table({inner}(\n{}\n))]\n", lines.join(",\n"))
}

/// Why the derive cannot express `t` (given the tables `kept`), if it cannot.
fn unrepresentable(t: &Table, kept: &BTreeSet<QName>) -> Option<String> {
    let has = |c: &String| t.column(c).is_some();
    for ix in &t.indexes {
        if let Some(c) = ix.columns.iter().find(|c| !has(c)) {
            return Some(format!(
                "index `{}` is on the expression `{c}`, which a model cannot declare",
                ix.name
            ));
        }
    }
    for fk in &t.foreign_keys {
        let target = if fk.ref_table.schema.is_none() && t.schema.is_some() {
            QName::with_schema(t.schema.clone(), fk.ref_table.name.clone())
        } else {
            fk.ref_table.clone()
        };
        if !kept.contains(&fk.ref_table) && !kept.contains(&target) {
            return Some(format!(
                "its foreign key `{}` references `{}`, which is not pulled",
                fk.name, fk.ref_table
            ));
        }
    }
    if t.uniques
        .iter()
        .flat_map(|u| &u.columns)
        .chain(t.primary_key.iter().flat_map(|p| &p.columns))
        .any(|c| !has(c))
    {
        return Some("a key is on something other than columns".to_string());
    }
    None
}

type Typed = (String, Vec<String>, SqlType);

fn with_none(t: Typed) -> (Option<&'static str>, String, Vec<String>, SqlType) {
    (None, t.0, t.1, t.2)
}

fn with(f: &'static str, t: Typed) -> (Option<&'static str>, String, Vec<String>, SqlType) {
    (Some(f), t.0, t.1, t.2)
}

struct EnumItem {
    ident: String,
    text: String,
}

struct Gen {
    dialect: Dialect,
    features: BTreeSet<&'static str>,
    /// Type identifiers of the file (structs and enums share one namespace).
    types: Scope,
    /// Enum type name -> its Rust enum.
    enums: BTreeMap<String, EnumItem>,
    notes: Vec<String>,
}

fn action(a: FkAction) -> &'static str {
    match a {
        FkAction::NoAction => "no action",
        FkAction::Restrict => "restrict",
        FkAction::Cascade => "cascade",
        FkAction::SetNull => "set null",
        FkAction::SetDefault => "set default",
    }
}

fn list(items: &[String]) -> String {
    let v: Vec<String> = items.iter().map(|s| lit(s)).collect();
    format!("[{}]", v.join(", "))
}

/// A Rust type for a column kept with `sql_type = ".."` (the derive ignores the field's type
/// then; this one is what a driver most likely decodes the value into).
fn custom_rust_type(sql: &str) -> String {
    let l = sql.to_ascii_lowercase();
    if let Some(inner) = l.strip_suffix("[]") {
        return format!("Vec<{}>", custom_rust_type(inner));
    }
    if l == "smallint" {
        "i16"
    } else if l == "integer" || l == "int" {
        "i32"
    } else if l.contains("bool") {
        "bool"
    } else if l.contains("int") && !l.contains("interval") && !l.contains("point") {
        "i64"
    } else if l.contains("float") || l.contains("double") || l.contains("real") {
        "f64"
    } else if l.contains("blob") || l.contains("binary") || l.contains("bytea") {
        "Vec<u8>"
    } else {
        "String"
    }
    .to_string()
}

impl Gen {
    fn enum_for(&mut self, name: &str, values: &[String]) {
        if self.enums.contains_key(name) {
            return;
        }
        let ident = self.types.claim(type_ident(name, "Enum"), true);
        let mut text =
            String::from("#[derive(Clone, Copy, Debug, PartialEq, Eq, retort::DbEnum)]\n");
        if snake_case(&ident) != name {
            text.push_str(&attr(0, "db_enum", &[name_is(name)]));
        }
        text.push_str(&format!("pub enum {ident} {{\n"));
        let mut variants = Scope::default();
        for v in values {
            let var = variants.claim(type_ident(v, "Variant"), true);
            if snake_case(&var) != *v {
                text.push_str(&attr(4, "db_enum", &[format!("rename = {}", lit(v))]));
            }
            text.push_str(&format!("    {var},\n"));
        }
        text.push_str("}\n");
        self.enums
            .insert(name.to_string(), EnumItem { ident, text });
    }

    /// The Rust type, the type attributes, and the type the derive registers for it.
    fn column_type(&mut self, c: &Column) -> (String, Vec<String>, SqlType) {
        let plain = |rust: &str| (rust.to_string(), Vec::new(), c.ty.clone());
        let (feature, rust, attrs, ty): (Option<&'static str>, String, Vec<String>, SqlType) =
            match &c.ty {
                SqlType::Boolean => with_none(plain("bool")),
                SqlType::SmallInt => with_none(plain("i16")),
                SqlType::Integer => with_none(plain("i32")),
                SqlType::BigInt => with_none(plain("i64")),
                SqlType::Real => with_none(plain("f32")),
                SqlType::Double => with_none(plain("f64")),
                SqlType::Text => with_none(plain("String")),
                SqlType::Varchar(n) => (
                    None,
                    "String".into(),
                    vec![format!("length = {n}")],
                    c.ty.clone(),
                ),
                SqlType::Blob => with_none(plain("Vec<u8>")),
                SqlType::Decimal { precision, scale } => {
                    let mut attrs = Vec::new();
                    if let Some(p) = precision {
                        attrs.push(format!("precision = {p}"));
                    }
                    if let Some(s) = scale {
                        attrs.push(format!("scale = {s}"));
                    }
                    (
                        Some("decimal"),
                        "rust_decimal::Decimal".into(),
                        attrs,
                        c.ty.clone(),
                    )
                }
                SqlType::Date => with("chrono", plain("chrono::NaiveDate")),
                SqlType::Time => with("chrono", plain("chrono::NaiveTime")),
                SqlType::Timestamp {
                    with_time_zone: false,
                } => with("chrono", plain("chrono::NaiveDateTime")),
                SqlType::Timestamp {
                    with_time_zone: true,
                } => with("chrono", plain("chrono::DateTime<chrono::Utc>")),
                SqlType::Uuid => with("uuid", plain("uuid::Uuid")),
                // `serde_json::Value` registers JSONB; plain JSON on PostgreSQL is kept as
                // written (elsewhere the two are one type).
                SqlType::Json { binary: false } if self.dialect == Dialect::Postgres => (
                    Some("json"),
                    "serde_json::Value".into(),
                    vec![format!("sql_type = {}", lit("json"))],
                    SqlType::Custom("json".into()),
                ),
                SqlType::Json { .. } => (
                    Some("json"),
                    "serde_json::Value".into(),
                    Vec::new(),
                    SqlType::Json { binary: true },
                ),
                SqlType::Enum { name, values } => {
                    let ident = self
                        .enums
                        .get(name)
                        .map(|e| e.ident.clone())
                        .unwrap_or_else(|| "String".into());
                    (
                        None,
                        ident,
                        Vec::new(),
                        SqlType::Enum {
                            name: name.clone(),
                            values: values.clone(),
                        },
                    )
                }
                SqlType::Custom(s) => (
                    None,
                    custom_rust_type(s),
                    vec![format!("sql_type = {}", lit(s))],
                    SqlType::Custom(s.clone()),
                ),
            };
        if let Some(f) = feature {
            self.features.insert(f);
        }
        (rust, attrs, ty)
    }

    /// The struct for `t`, and the table the derive registers for it.
    fn table(&mut self, t: &Table) -> (String, Table) {
        let d = self.dialect;
        let ident = self.types.claim(type_ident(&t.name, "Table"), true);
        let tname = t.name.as_str();
        let mut out = Table::new(tname);
        out.schema = t.schema.clone();
        out.comment = t.comment.clone();

        // `name`, `schema`, `comment`, `primary_key_name` share one `#[table(..)]`; every
        // list-valued or nested attribute gets its own line.
        let mut simple: Vec<String> = Vec::new();
        let mut table_attrs: Vec<String> = Vec::new();
        if snake_case(&ident) != tname {
            simple.push(name_is(tname));
        }
        if let Some(s) = &t.schema {
            simple.push(format!("schema = {}", lit(s)));
        }
        if let Some(c) = &t.comment {
            simple.push(format!("comment = {}", lit(c)));
        }
        let pk_cols: Vec<String> = t
            .primary_key
            .as_ref()
            .map(|p| p.columns.clone())
            .unwrap_or_default();
        let sole_pk = match pk_cols.as_slice() {
            [one] => Some(one.as_str()),
            _ => None,
        };
        if pk_cols.len() > 1 {
            table_attrs.push(attr(
                0,
                "table",
                &[format!("primary_key = {}", list(&pk_cols))],
            ));
        }
        if let Some(pk) = &t.primary_key {
            let conventional = naming::primary_key(tname);
            // MySQL calls every primary key PRIMARY: a name there carries nothing.
            let name = if pk.name == conventional || d == Dialect::Mysql {
                conventional
            } else {
                simple.push(format!("primary_key_name = {}", lit(&pk.name)));
                pk.name.clone()
            };
            out.primary_key = Some(PrimaryKey {
                name,
                columns: pk_cols.clone(),
            });
        }

        // What can be said on a single column is said there; the rest on the table.
        let mut col_extra: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for u in &t.uniques {
            if let [c] = u.columns.as_slice() {
                if u.name == naming::unique(tname, &[c])
                    && !col_extra
                        .get(c.as_str())
                        .is_some_and(|v| v.contains(&"unique".to_string()))
                {
                    col_extra.entry(c).or_default().push("unique".into());
                    out.uniques.push(u.clone());
                    continue;
                }
            }
            table_attrs.push(nested(
                "unique",
                &[name_is(&u.name), format!("columns = {}", list(&u.columns))],
            ));
            out.uniques.push(u.clone());
        }
        for ix in &t.indexes {
            if let [c] = ix.columns.as_slice() {
                if !ix.unique
                    && ix.predicate.is_none()
                    && ix.name == naming::index(tname, &[c])
                    && !col_extra
                        .get(c.as_str())
                        .is_some_and(|v| v.iter().any(|a| a == "unique" || a == "index"))
                {
                    col_extra.entry(c).or_default().push("index".into());
                    out.indexes.push(ix.clone());
                    continue;
                }
            }
            let mut a = vec![
                name_is(&ix.name),
                format!("columns = {}", list(&ix.columns)),
            ];
            if ix.unique {
                a.push("unique".into());
            }
            if let Some(p) = &ix.predicate {
                a.push(format!("where = {}", lit(p)));
            }
            if !ix.dialects.is_empty() {
                let ds: Vec<String> = ix.dialects.iter().map(|d| d.to_string()).collect();
                a.push(format!("dialects = {}", list(&ds)));
            }
            table_attrs.push(nested("index", &a));
            out.indexes.push(ix.clone());
        }
        for fk in &t.foreign_keys {
            let mut fk = fk.clone();
            if d == Dialect::Mysql {
                // MySQL has no deferrable constraints.
                fk.deferrable = false;
            }
            let single = match (fk.columns.as_slice(), fk.ref_columns.as_slice()) {
                ([c], [rc])
                    if !fk.deferrable
                        && fk.name == naming::foreign_key(tname, &[c], &fk.ref_table.name)
                        && !col_extra
                            .get(c.as_str())
                            .is_some_and(|v| v.iter().any(|a| a.starts_with("references"))) =>
                {
                    Some((c.clone(), rc.clone()))
                }
                _ => None,
            };
            let mut actions: Vec<String> = Vec::new();
            if let Some(a) = fk.on_delete {
                actions.push(format!("on_delete = {}", lit(action(a))));
            }
            if let Some(a) = fk.on_update {
                actions.push(format!("on_update = {}", lit(action(a))));
            }
            match single {
                Some((c, rc)) => {
                    let target = format!("{}.{rc}", fk.ref_table);
                    let Some(name) = t.columns.iter().find(|x| x.name == c) else {
                        continue;
                    };
                    let extra = col_extra.entry(name.name.as_str()).or_default();
                    extra.push(format!("references = {}", lit(&target)));
                    extra.extend(actions);
                }
                None => {
                    let target = format!("{}({})", fk.ref_table, fk.ref_columns.join(", "));
                    let mut a = vec![
                        name_is(&fk.name),
                        format!("columns = {}", list(&fk.columns)),
                        format!("references = {}", lit(&target)),
                    ];
                    a.extend(actions);
                    if fk.deferrable {
                        a.push("deferrable".into());
                    }
                    table_attrs.push(nested("foreign_key", &a));
                }
            }
            out.foreign_keys.push(fk);
        }
        for ck in &t.checks {
            if d == Dialect::Sqlite && self.implied_enum_check(t, ck) {
                continue;
            }
            table_attrs.push(nested(
                "check",
                &[name_is(&ck.name), format!("expr = {}", lit(&ck.expr))],
            ));
            out.checks.push(ck.clone());
        }

        let mut fields = Scope::default();
        let mut body = String::new();
        for c in &t.columns {
            let field = fields.claim(field_ident(&c.name), false);
            let (rust, type_attrs, ty) = self.column_type(c);
            let mut attrs: Vec<String> = Vec::new();
            if field != c.name {
                attrs.push(name_is(&c.name));
            }
            let is_sole_pk = sole_pk == Some(c.name.as_str());
            if is_sole_pk {
                attrs.push("primary_key".into());
            }
            let default_ai = is_sole_pk && ty.is_integer();
            if c.autoincrement != default_ai {
                attrs.push(if c.autoincrement {
                    "autoincrement".into()
                } else {
                    "autoincrement = false".into()
                });
            }
            attrs.extend(type_attrs);
            let in_pk = pk_cols.contains(&c.name);
            let nullable_attr = in_pk && c.nullable;
            if nullable_attr {
                // Only SQLite lets a key column hold NULL; the derive cannot say so.
                self.notes.push(format!(
                    "`{}`.`{}` is part of the primary key and allows NULL: the model says NOT NULL",
                    t.qname(),
                    c.name
                ));
            }
            if let Some(extra) = col_extra.get(c.name.as_str()) {
                attrs.extend(extra.iter().cloned());
            }
            if let Some(def) = &c.default {
                attrs.push(format!("server_default = {}", lit(def)));
            }
            if let Some(cm) = &c.comment {
                attrs.push(format!("comment = {}", lit(cm)));
            }
            if !attrs.is_empty() {
                body.push_str(&attr(4, "column", &attrs));
            }
            let nullable = c.nullable && !in_pk;
            let full = if nullable {
                format!("Option<{rust}>")
            } else {
                rust
            };
            body.push_str(&format!("    pub {field}: {full},\n"));
            let mut col = Column::new(c.name.clone(), ty);
            col.nullable = nullable;
            col.autoincrement = c.autoincrement;
            col.default = c.default.clone();
            col.comment = c.comment.clone();
            out.columns.push(col);
        }

        // The names the convention gave (`#[column(unique)]`, `#[column(index)]`), in field
        // order, as the derive lists them.
        for c in &t.columns {
            let extra = col_extra.get(c.name.as_str());
            let has = |a: &str| extra.is_some_and(|v| v.iter().any(|x| x == a));
            if has("unique") {
                out.convention_names.push(naming::unique(tname, &[&c.name]));
            }
            if has("index") {
                out.convention_names.push(naming::index(tname, &[&c.name]));
            }
        }
        let mut text = String::from("#[derive(Clone, Debug, PartialEq, retort::Table)]\n");
        if !simple.is_empty() {
            text.push_str(&attr(0, "table", &simple));
        }
        for a in &table_attrs {
            text.push_str(a);
        }
        text.push_str(&format!("pub struct {ident} {{\n{body}}}\n"));
        out.normalize_order();
        (text, out)
    }

    /// SQLite: the CHECK standing for an enum column (`ck_<table>_<col>_enum`), which the
    /// enum type implies.
    fn implied_enum_check(&self, t: &Table, ck: &Check) -> bool {
        t.columns.iter().any(|c| {
            matches!(c.ty, SqlType::Enum { .. })
                && ck.name == naming::check(&t.name, &format!("{}_enum", c.name))
        })
    }
}

#[cfg(test)]
mod tests;
