//! Operations as Rust source for the body of `pub fn upgrade(m: &mut Migration)`, laid out the
//! way rustfmt (default configuration, edition 2021) lays them out.
//!
//! The layout follows rustfmt's rules for the shapes generated here: `max_width` 100,
//! `fn_call_width` 60 (a call's arguments on one line), `chain_width` 60 (a chain of two or
//! more calls on one line), `struct_lit_width` 18, `array_width` 60; a sole argument that is a
//! call, a struct literal or an array may overflow (`f(g(\n    a,\n))`); a broken chain puts
//! each call on its own line, one indent deeper unless the chain's root ends with a closing
//! line of its own.

use retort_schema::{
    AlterColumn, Column, Dialect, FkAction, ForeignKey, Index, Op, QName, RawSql, SqlType, Table,
    Value,
};

use retort_diff::Note;

const MAX_WIDTH: usize = 100;
const FN_CALL_WIDTH: usize = 60;
const CHAIN_WIDTH: usize = 60;
const STRUCT_LIT_WIDTH: usize = 18;
const ARRAY_WIDTH: usize = 60;
const SHORT_ARRAY_ELEMENT: usize = 10;

/// Renders `ops` as statements for the body of `pub fn upgrade(m: &mut Migration)` (each
/// indented 4 spaces, one per line group, ending with a newline), with a
/// `// WARNING (<risk>): <message>` comment above each operation that has notes.
pub fn render_rust(ops: &[Op], notes: &[Note]) -> String {
    let mut out = String::new();
    for (i, op) in ops.iter().enumerate() {
        for n in notes.iter().filter(|n| n.op_index == i) {
            out.push_str(&format!(
                "    // WARNING ({}): {}\n",
                n.risk.label(),
                n.message
            ));
        }
        if let Op::AddEnumValue {
            name,
            before: Some(b),
            ..
        } = op
        {
            out.push_str(&format!(
                "    // NOTE: `Migration::add_enum_value` appends; the value belongs before `{b}` in enum type `{name}`\n"
            ));
        }
        let (callee, args) = op_call(op);
        let e = E::Call(format!("m.{callee}"), args);
        let text = fmt(&e, 4, MAX_WIDTH - 4 - 1).unwrap_or_else(|| force(&e, 4));
        out.push_str("    ");
        out.push_str(&text);
        out.push_str(";\n");
    }
    out
}

/// A Rust string literal for `s`: a raw string `r#".."#` when it contains quotes or
/// backslashes (and no control characters), an escaped one otherwise.
pub fn rust_string(s: &str) -> String {
    let needs_escape = s.contains('"') || s.contains('\\');
    let has_control = s.chars().any(|c| c.is_control());
    if needs_escape && !has_control {
        let mut hashes = 1;
        while s.contains(&format!("\"{}", "#".repeat(hashes))) {
            hashes += 1;
        }
        let h = "#".repeat(hashes);
        return format!("r{h}\"{s}\"{h}");
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An expression tree, just rich enough for migration scripts.
#[derive(Clone, Debug)]
enum E {
    Atom(String),
    /// `callee(args)`.
    Call(String, Vec<E>),
    /// `root.a(..).b(..)`: each link is a method name and its arguments.
    Chain(Box<E>, Vec<(String, Vec<E>)>),
    /// `[a, b]` (or `vec![a, b]` with the prefix `vec!`).
    Array(String, Vec<E>),
    /// `Path { field: value, .. }`.
    Struct(String, Vec<(String, E)>),
}

fn s(text: &str) -> E {
    E::Atom(rust_string(text))
}

fn atom(text: impl Into<String>) -> E {
    E::Atom(text.into())
}

fn call(callee: &str, args: Vec<E>) -> E {
    E::Call(callee.to_string(), args)
}

/// A table or type name as a script writes it: `"users"`, `"audit.events"` (schema `audit`),
/// or, when a name holds a dot itself, `QName::new("dot.ted")` /
/// `QName::with_schema(Some("s".into()), "dot.ted")` — the string form would read the dot
/// as a schema separator.
fn qn(q: &QName) -> E {
    let dotted = q.name.contains('.') || q.schema.as_deref().is_some_and(|x| x.contains('.'));
    if !dotted {
        return s(&q.to_string());
    }
    match &q.schema {
        None => call("QName::new", vec![s(&q.name)]),
        Some(schema) => call(
            "QName::with_schema",
            vec![
                call("Some", vec![chain(s(schema), vec![link("into", vec![])])]),
                s(&q.name),
            ],
        ),
    }
}

fn strs(items: &[String]) -> E {
    E::Array(String::new(), items.iter().map(|i| s(i)).collect())
}

fn chain(root: E, links: Vec<(String, Vec<E>)>) -> E {
    if links.is_empty() {
        root
    } else {
        E::Chain(Box::new(root), links)
    }
}

fn link(name: &str, args: Vec<E>) -> (String, Vec<E>) {
    (name.to_string(), args)
}

fn opt_u32(v: Option<u32>) -> E {
    match v {
        Some(n) => atom(format!("Some({n})")),
        None => atom("None"),
    }
}

fn opt_string(v: &Option<String>) -> E {
    match v {
        Some(x) => call("Some", vec![chain(s(x), vec![link("into", vec![])])]),
        None => atom("None"),
    }
}

fn opt_str(v: &Option<String>) -> E {
    match v {
        Some(x) => call("Some", vec![s(x)]),
        None => atom("None"),
    }
}

fn sql_type(t: &SqlType) -> E {
    match t {
        SqlType::Boolean => atom("SqlType::Boolean"),
        SqlType::SmallInt => atom("SqlType::SmallInt"),
        SqlType::Integer => atom("SqlType::Integer"),
        SqlType::BigInt => atom("SqlType::BigInt"),
        SqlType::Real => atom("SqlType::Real"),
        SqlType::Double => atom("SqlType::Double"),
        SqlType::Text => atom("SqlType::Text"),
        SqlType::Varchar(n) => call("SqlType::Varchar", vec![atom(n.to_string())]),
        SqlType::Blob => atom("SqlType::Blob"),
        SqlType::Decimal { precision, scale } => E::Struct(
            "SqlType::Decimal".into(),
            vec![
                ("precision".into(), opt_u32(*precision)),
                ("scale".into(), opt_u32(*scale)),
            ],
        ),
        SqlType::Date => atom("SqlType::Date"),
        SqlType::Time => atom("SqlType::Time"),
        SqlType::Timestamp { with_time_zone } => E::Struct(
            "SqlType::Timestamp".into(),
            vec![("with_time_zone".into(), atom(with_time_zone.to_string()))],
        ),
        SqlType::Uuid => atom("SqlType::Uuid"),
        SqlType::Json { binary } => E::Struct(
            "SqlType::Json".into(),
            vec![("binary".into(), atom(binary.to_string()))],
        ),
        SqlType::Enum { name, values } => call("SqlType::enumeration", vec![s(name), strs(values)]),
        SqlType::Custom(c) => call(
            "SqlType::Custom",
            vec![chain(s(c), vec![link("into", vec![])])],
        ),
    }
}

fn fk_action(a: FkAction) -> E {
    atom(match a {
        FkAction::NoAction => "FkAction::NoAction",
        FkAction::Restrict => "FkAction::Restrict",
        FkAction::Cascade => "FkAction::Cascade",
        FkAction::SetNull => "FkAction::SetNull",
        FkAction::SetDefault => "FkAction::SetDefault",
    })
}

fn column(c: &Column) -> E {
    let mut links = Vec::new();
    if c.nullable {
        links.push(link("nullable", vec![atom("true")]));
    }
    if let Some(d) = &c.default {
        links.push(link("default", vec![s(d)]));
    }
    if c.autoincrement {
        links.push(link("autoincrement", vec![]));
    }
    if let Some(cm) = &c.comment {
        links.push(link("comment", vec![s(cm)]));
    }
    for r in &c.renamed_from {
        links.push(link("renamed_from", vec![s(r)]));
    }
    chain(
        call("Column::new", vec![s(&c.name), sql_type(&c.ty)]),
        links,
    )
}

fn index(i: &Index) -> E {
    let mut links = Vec::new();
    if i.unique {
        links.push(link("unique", vec![]));
    }
    if let Some(p) = &i.predicate {
        links.push(link("predicate", vec![s(p)]));
    }
    if !i.dialects.is_empty() {
        let ds: Vec<String> = i
            .dialects
            .iter()
            .map(|d| match d {
                Dialect::Sqlite => "Dialect::Sqlite",
                Dialect::Postgres => "Dialect::Postgres",
                Dialect::Mysql => "Dialect::Mysql",
            })
            .map(str::to_string)
            .collect();
        links.push(link("dialects", vec![atom(format!("[{}]", ds.join(", ")))]));
    }
    chain(
        call("Index::new", vec![s(&i.name), strs(&i.columns)]),
        links,
    )
}

fn foreign_key(f: &ForeignKey) -> E {
    let mut links = Vec::new();
    if let Some(a) = f.on_delete {
        links.push(link("on_delete", vec![fk_action(a)]));
    }
    if let Some(a) = f.on_update {
        links.push(link("on_update", vec![fk_action(a)]));
    }
    if f.deferrable {
        links.push(link("deferrable", vec![]));
    }
    chain(
        call(
            "ForeignKey::new",
            vec![
                s(&f.name),
                strs(&f.columns),
                qn(&f.ref_table),
                strs(&f.ref_columns),
            ],
        ),
        links,
    )
}

fn table(t: &Table) -> E {
    let mut links = Vec::new();
    if let Some(sc) = &t.schema {
        links.push(link("schema", vec![s(sc)]));
    }
    if let Some(c) = &t.comment {
        links.push(link("comment", vec![s(c)]));
    }
    for c in &t.columns {
        links.push(link("with_column", vec![column(c)]));
    }
    if let Some(pk) = &t.primary_key {
        links.push(link("primary_key", vec![s(&pk.name), strs(&pk.columns)]));
    }
    for i in &t.indexes {
        links.push(link("index", vec![index(i)]));
    }
    for u in &t.uniques {
        links.push(link(
            "unique",
            vec![call("Unique::new", vec![s(&u.name), strs(&u.columns)])],
        ));
    }
    for f in &t.foreign_keys {
        links.push(link("foreign_key", vec![foreign_key(f)]));
    }
    for c in &t.checks {
        links.push(link(
            "check",
            vec![call("Check::new", vec![s(&c.name), s(&c.expr)])],
        ));
    }
    for r in &t.renamed_from {
        links.push(link("renamed_from", vec![s(r)]));
    }
    chain(call("Table::new", vec![s(&t.name)]), links)
}

fn alter(a: &AlterColumn) -> E {
    let mut links = Vec::new();
    if let Some(n) = &a.new_name {
        links.push(link("rename", vec![s(n)]));
    }
    if let Some(t) = &a.ty {
        links.push(link("ty", vec![sql_type(t)]));
    }
    if let Some(n) = a.nullable {
        links.push(link("nullable", vec![atom(n.to_string())]));
    }
    match &a.default {
        Some(Some(d)) => links.push(link("set_default", vec![s(d)])),
        Some(None) => links.push(link("drop_default", vec![])),
        None => {}
    }
    if let Some(c) = &a.comment {
        links.push(link("comment", vec![opt_str(c)]));
    }
    if let Some(u) = &a.using {
        links.push(link("using", vec![s(u)]));
    }
    if a.truncate {
        links.push(link("truncate", vec![]));
    }
    chain(
        call("AlterColumn::new", vec![qn(&a.table), s(&a.column)]),
        links,
    )
}

fn value(v: &Value) -> E {
    match v {
        Value::Null => atom("Value::Null"),
        Value::Bool(b) => call("Value::Bool", vec![atom(b.to_string())]),
        Value::Int(i) => call("Value::Int", vec![atom(i.to_string())]),
        Value::Float(f) => call("Value::Float", vec![atom(format!("{f:?}"))]),
        Value::Text(t) => call("Value::Text", vec![chain(s(t), vec![link("into", vec![])])]),
        Value::Bytes(b) => call(
            "Value::Bytes",
            vec![E::Array(
                "vec!".into(),
                b.iter().map(|x| atom(x.to_string())).collect(),
            )],
        ),
    }
}

fn raw_sql(r: &RawSql) -> E {
    E::Struct(
        "RawSql".into(),
        vec![
            ("sql".into(), opt_string(&r.sql)),
            ("sqlite".into(), opt_string(&r.sqlite)),
            ("postgres".into(), opt_string(&r.postgres)),
            ("mysql".into(), opt_string(&r.mysql)),
        ],
    )
}

/// The `Migration` method and its arguments for `op`.
fn op_call(op: &Op) -> (&'static str, Vec<E>) {
    match op {
        Op::CreateTable(t) => ("create_table", vec![table(t)]),
        Op::DropTable { table } => ("drop_table", vec![qn(table)]),
        Op::RenameTable { table, new_name } => ("rename_table", vec![qn(table), s(new_name)]),
        Op::AddColumn { table, column: c } => ("add_column", vec![qn(table), column(c)]),
        Op::DropColumn { table, column } => ("drop_column", vec![qn(table), s(column)]),
        Op::AlterColumn(a) => ("alter_column", vec![alter(a)]),
        Op::CreateIndex { table, index: i } => ("create_index", vec![qn(table), index(i)]),
        Op::DropIndex { table, name } => ("drop_index", vec![qn(table), s(name)]),
        Op::AddUnique { table, unique } => (
            "add_unique",
            vec![
                qn(table),
                call("Unique::new", vec![s(&unique.name), strs(&unique.columns)]),
            ],
        ),
        Op::DropUnique { table, name } => ("drop_unique", vec![qn(table), s(name)]),
        Op::AddForeignKey {
            table,
            foreign_key: f,
        } => ("add_foreign_key", vec![qn(table), foreign_key(f)]),
        Op::DropForeignKey { table, name } => ("drop_foreign_key", vec![qn(table), s(name)]),
        Op::AddCheck { table, check } => (
            "add_check",
            vec![
                qn(table),
                call("Check::new", vec![s(&check.name), s(&check.expr)]),
            ],
        ),
        Op::DropCheck { table, name } => ("drop_check", vec![qn(table), s(name)]),
        Op::AddPrimaryKey { table, primary_key } => (
            "add_primary_key",
            vec![
                qn(table),
                call(
                    "PrimaryKey::new",
                    vec![s(&primary_key.name), strs(&primary_key.columns)],
                ),
            ],
        ),
        Op::DropPrimaryKey { table, name } => ("drop_primary_key", vec![qn(table), s(name)]),
        Op::SetTableComment { table, comment } => {
            ("set_table_comment", vec![qn(table), opt_str(comment)])
        }
        Op::CreateEnum(e) => (
            "create_enum",
            vec![call("EnumType::new", vec![qn(&e.qname()), strs(&e.values)])],
        ),
        Op::DropEnum { name } => ("drop_enum", vec![qn(name)]),
        Op::AddEnumValue { name, value, .. } => ("add_enum_value", vec![qn(name), s(value)]),
        Op::SetEnumValues { name, values } => ("set_enum_values", vec![qn(name), strs(values)]),
        Op::Sql(r) => match r {
            RawSql {
                sql: Some(x),
                sqlite: None,
                postgres: None,
                mysql: None,
            } => ("execute", vec![s(x)]),
            r => ("execute_raw", vec![raw_sql(r)]),
        },
        Op::BulkInsert {
            table,
            columns,
            rows,
        } => (
            "bulk_insert",
            vec![
                qn(table),
                strs(columns),
                E::Array(
                    "vec!".into(),
                    rows.iter()
                        .map(|r| E::Array("vec!".into(), r.iter().map(value).collect()))
                        .collect(),
                ),
            ],
        ),
    }
}

// ------------------------------------------------------------------------------------ layout

fn pad(n: usize) -> String {
    " ".repeat(n)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

fn is_multi(s: &str) -> bool {
    s.contains('\n')
}

/// Whether the last line is only closing delimiters (rustfmt: the chain may continue at the
/// same indent).
fn ends_with_block(s: &str) -> bool {
    is_multi(s)
        && s.lines()
            .last()
            .is_some_and(|l| l.trim().chars().all(|c| matches!(c, ')' | ']' | '}')))
}

/// Lays out `e` starting at the current position, with block indent `indent` and `width`
/// columns left on the first line; `None` when it cannot fit.
fn fmt(e: &E, indent: usize, width: usize) -> Option<String> {
    match e {
        E::Atom(a) => (a.len() <= width).then(|| a.clone()),
        E::Call(callee, args) => fmt_call(callee, args, indent, width),
        E::Chain(root, links) => fmt_chain(root, links, indent, width),
        E::Array(prefix, items) => fmt_array(prefix, items, indent, width),
        E::Struct(path, fields) => fmt_struct(path, fields, indent, width),
    }
}

/// Every argument on one line, or `None`.
fn one_line_args(args: &[E], indent: usize) -> Option<String> {
    let mut parts = Vec::new();
    for a in args {
        let r = fmt(a, indent, MAX_WIDTH)?;
        if is_multi(&r) {
            return None;
        }
        parts.push(r);
    }
    Some(parts.join(", "))
}

fn fmt_call(callee: &str, args: &[E], indent: usize, width: usize) -> Option<String> {
    let overhead = callee.len() + 2;
    if overhead > width {
        return None;
    }
    let inner_width = width - overhead;
    let limit = FN_CALL_WIDTH.min(inner_width);
    if let [only] = args {
        // A sole argument may overflow (`f(g(\n    a,\n))`); a call or a chain in it gets at
        // most `fn_call_width`, and a chain must then stay on its first line.
        let overflowed = match only {
            E::Call(..) => fmt(only, indent, limit),
            E::Chain(root, links) => fmt_chain_full(root, links, indent, limit)
                // Kept on one line, its last call may only spread by overflowing.
                .and_then(|(r, one)| (one && !first_line(&r).ends_with('(')).then_some(r)),
            E::Struct(..) | E::Array(..) => fmt(only, indent, inner_width),
            E::Atom(_) => None,
        };
        if let Some(r) = overflowed {
            if !is_multi(&r) && r.len() <= inner_width {
                return Some(format!("{callee}({r})"));
            }
            if is_multi(&r) && first_line(&r).len() <= limit {
                return Some(format!("{callee}({r})"));
            }
        }
        // One argument that fits on the line stays there, whatever `fn_call_width` says.
        if let Some(r) = fmt(only, indent + 4, MAX_WIDTH.saturating_sub(indent + 5)) {
            if !is_multi(&r) && r.len() <= inner_width {
                return Some(format!("{callee}({r})"));
            }
        }
        return vertical(callee, "(", ")", args, indent);
    }
    if let Some(line) = one_line_args(args, indent) {
        if line.len() <= limit {
            return Some(format!("{callee}({line})"));
        }
    }
    vertical(callee, "(", ")", args, indent)
}

fn vertical(
    open_prefix: &str,
    open: &str,
    close: &str,
    items: &[E],
    indent: usize,
) -> Option<String> {
    let inner = indent + 4;
    let mut out = format!("{open_prefix}{open}\n");
    for a in items {
        let r = fmt(a, inner, MAX_WIDTH.saturating_sub(inner + 1))?;
        out.push_str(&pad(inner));
        out.push_str(&r);
        out.push_str(",\n");
    }
    out.push_str(&pad(indent));
    out.push_str(close);
    Some(out)
}

fn fmt_chain(root: &E, links: &[(String, Vec<E>)], indent: usize, width: usize) -> Option<String> {
    fmt_chain_full(root, links, indent, width).map(|(s, _)| s)
}

/// The chain and whether it stayed on its first line (only its last call may spread).
fn fmt_chain_full(
    root: &E,
    links: &[(String, Vec<E>)],
    indent: usize,
    width: usize,
) -> Option<(String, bool)> {
    let root_s = fmt(root, indent, width)?;
    let block = ends_with_block(&root_s);
    let child_indent = if block { indent } else { indent + 4 };
    let child_width = MAX_WIDTH.saturating_sub(child_indent);
    let suffix = MAX_WIDTH.saturating_sub(indent).saturating_sub(width);
    let mut rewrites = vec![root_s];
    let (last, init) = links.split_last()?;
    for (name, args) in init {
        rewrites.push(fmt_call(
            &format!(".{name}"),
            args,
            child_indent,
            child_width,
        )?);
    }
    let (lname, largs) = last;
    let lcallee = format!(".{lname}");
    let almost_total: usize = rewrites.iter().map(|r| r.len()).sum();
    let budget = if links.len() == 1 {
        width
    } else {
        width.min(CHAIN_WIDTH)
    }
    .saturating_sub(almost_total);
    let all_in_one_line = rewrites.iter().all(|r| !is_multi(r)) && budget > 0;
    let own_line = || {
        fmt_call(
            &lcallee,
            largs,
            child_indent,
            child_width.saturating_sub(suffix),
        )
    };
    let mut fits_single_line = false;
    let last_s = if all_in_one_line {
        match fmt_call(&lcallee, largs, indent, width.saturating_sub(almost_total)) {
            Some(rw) => {
                let lines = rw.lines().count();
                let could_fit = first_line(&rw).len() <= budget;
                if could_fit && lines >= 5 {
                    fits_single_line = true;
                    rw
                } else {
                    match own_line() {
                        Some(new_rw) if !could_fit => new_rw,
                        Some(new_rw) if new_rw.lines().count() >= lines => {
                            fits_single_line = could_fit;
                            rw
                        }
                        Some(new_rw) => new_rw,
                        None => {
                            fits_single_line = could_fit;
                            rw
                        }
                    }
                }
            }
            None => own_line()?,
        }
    } else {
        own_line()?
    };
    rewrites.push(last_s);
    let mut out = String::new();
    for (i, r) in rewrites.iter().enumerate() {
        if i > 0 && !fits_single_line {
            out.push('\n');
            out.push_str(&pad(child_indent));
        }
        out.push_str(r);
    }
    Some((out, fits_single_line))
}

fn fmt_array(prefix: &str, items: &[E], indent: usize, width: usize) -> Option<String> {
    let overhead = prefix.len() + 2;
    if overhead > width {
        return None;
    }
    if let Some(line) = one_line_args(items, indent) {
        let limit = if items.len() == 1 {
            width - overhead
        } else {
            ARRAY_WIDTH.min(width - overhead)
        };
        if line.len() <= limit {
            return Some(format!("{prefix}[{line}]"));
        }
    }
    // Short simple items are packed several to a line.
    let inner = indent + 4;
    let flat: Option<Vec<String>> = items
        .iter()
        .map(|i| match i {
            E::Atom(a) if a.len() <= SHORT_ARRAY_ELEMENT => Some(a.clone()),
            _ => None,
        })
        .collect();
    if let Some(flat) = flat.filter(|f| !f.is_empty()) {
        let avail = MAX_WIDTH - inner;
        let mut out = format!("{prefix}[\n{}", pad(inner));
        let mut line_len = 0;
        for (k, a) in flat.iter().enumerate() {
            let piece = format!("{a},");
            if line_len > 0 && line_len + 1 + piece.len() > avail {
                out.push('\n');
                out.push_str(&pad(inner));
                line_len = 0;
            } else if line_len > 0 {
                out.push(' ');
                line_len += 1;
            }
            let _ = k;
            out.push_str(&piece);
            line_len += piece.len();
        }
        out.push('\n');
        out.push_str(&pad(indent));
        out.push(']');
        return Some(out);
    }
    vertical(prefix, "[", "]", items, indent)
}

fn fmt_struct(path: &str, fields: &[(String, E)], indent: usize, width: usize) -> Option<String> {
    let parts: Option<Vec<String>> = fields
        .iter()
        .map(|(n, v)| {
            fmt(v, indent, MAX_WIDTH)
                .filter(|r| !is_multi(r))
                .map(|r| format!("{n}: {r}"))
        })
        .collect();
    if let Some(parts) = parts {
        let line = parts.join(", ");
        let whole = format!("{path} {{ {line} }}");
        if line.len() <= STRUCT_LIT_WIDTH && whole.len() <= width {
            return Some(whole);
        }
    }
    let inner = indent + 4;
    let mut out = format!("{path} {{\n");
    for (n, v) in fields {
        let r = fmt(v, inner, MAX_WIDTH.saturating_sub(inner + n.len() + 3))?;
        out.push_str(&format!("{}{n}: {r},\n", pad(inner)));
    }
    out.push_str(&pad(indent));
    out.push('}');
    Some(out)
}

/// Fallback when nothing fits (a string literal longer than a line): every list vertical.
fn force(e: &E, indent: usize) -> String {
    match e {
        E::Atom(a) => a.clone(),
        E::Call(c, args) => force_list(c, "(", ")", args, indent),
        E::Array(p, items) => force_list(p, "[", "]", items, indent),
        E::Struct(p, fields) => {
            let inner = indent + 4;
            let mut out = format!("{p} {{\n");
            for (n, v) in fields {
                out.push_str(&format!("{}{n}: {},\n", pad(inner), force(v, inner)));
            }
            out.push_str(&pad(indent));
            out.push('}');
            out
        }
        E::Chain(root, links) => {
            let mut out = force(root, indent);
            for (n, args) in links {
                out.push('\n');
                out.push_str(&pad(indent + 4));
                out.push_str(&force_list(&format!(".{n}"), "(", ")", args, indent + 4));
            }
            out
        }
    }
}

fn force_list(prefix: &str, open: &str, close: &str, items: &[E], indent: usize) -> String {
    if items.is_empty() {
        return format!("{prefix}{open}{close}");
    }
    if let Some(r) = fmt(
        &E::Call(prefix.to_string(), items.to_vec()),
        indent,
        MAX_WIDTH,
    ) {
        if open == "(" {
            return r;
        }
    }
    let inner = indent + 4;
    let mut out = format!("{prefix}{open}\n");
    for a in items {
        out.push_str(&format!("{}{},\n", pad(inner), force(a, inner)));
    }
    out.push_str(&pad(indent));
    out.push_str(close);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_with_a_dot_is_not_read_as_schema_and_table() {
        let ops = vec![
            Op::DropTable {
                table: QName::new("dot.ted"),
            },
            Op::DropTable {
                table: QName::with_schema(Some("audit".into()), "a.b"),
            },
            Op::DropTable {
                table: QName::parse("audit.events"),
            },
        ];
        let rust = render_rust(&ops, &[]);
        assert!(
            rust.contains(r#"m.drop_table(QName::new("dot.ted"));"#),
            "{rust}"
        );
        assert!(
            rust.contains(r#"m.drop_table(QName::with_schema(Some("audit".into()), "a.b"));"#),
            "{rust}"
        );
        assert!(rust.contains(r#"m.drop_table("audit.events");"#), "{rust}");
    }
}
