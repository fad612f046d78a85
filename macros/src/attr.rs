//! `#[table(..)]` and `#[column(..)]` parsed into a small AST. Every problem is pushed to
//! [`Errors`] with the span of the offending token, and parsing goes on, so that the user sees
//! every mistake at once.

use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Expr, Lit, LitStr};

use crate::symbol::*;
use crate::util::{did_you_mean, unknown_key_hint, Errors};

/// A boolean attribute (`unique`, `unique = false`) and where it was written.
#[derive(Clone, Copy)]
pub struct Flag {
    pub value: bool,
    pub span: Span,
}

/// A `u32` attribute value (`length = 320`).
#[derive(Clone, Copy)]
pub struct Num {
    pub value: u32,
    /// The key (`length`), for messages about its use.
    pub key_span: Span,
}

/// `columns = ["a", "b"]`.
pub struct StrList {
    pub items: Vec<LitStr>,
}

impl StrList {
    pub fn values(&self) -> Vec<String> {
        self.items.iter().map(LitStr::value).collect()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[allow(clippy::enum_variant_names)] // `NoAction` is the SQL name
pub enum Action {
    Cascade,
    SetNull,
    SetDefault,
    Restrict,
    NoAction,
}

pub struct ActionAttr {
    pub action: Action,
    pub key_span: Span,
}

/// `references = "schema.table.col"`.
pub struct ColumnRef {
    pub schema: Option<String>,
    pub table: String,
    pub column: String,
}

/// `references = "schema.table(a, b)"`.
pub struct TableRef {
    pub lit: LitStr,
    pub schema: Option<String>,
    pub table: String,
    pub columns: Vec<String>,
}

pub struct IndexAttr {
    pub span: Span,
    /// An error was already reported inside it: do not add "missing .." errors.
    pub reported: bool,
    pub name: Option<LitStr>,
    pub columns: Option<StrList>,
    pub unique: bool,
    pub predicate: Option<LitStr>,
    /// `dialects = ["postgres", "sqlite"]`: the databases the index exists on (empty: all).
    pub dialects: Vec<DialectName>,
}

/// A database named in `dialects = [..]` (the macro crate does not depend on retort-schema;
/// the generated code names `retort_schema::Dialect::<variant>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialectName {
    Sqlite,
    Postgres,
    Mysql,
}

impl DialectName {
    /// The names `retort_schema::Dialect::parse` accepts.
    fn parse(s: &str) -> Option<DialectName> {
        match s.to_ascii_lowercase().as_str() {
            "sqlite" | "sqlite3" => Some(DialectName::Sqlite),
            "postgres" | "postgresql" | "pg" => Some(DialectName::Postgres),
            "mysql" | "mariadb" => Some(DialectName::Mysql),
            _ => None,
        }
    }

    /// The variant of `retort_schema::Dialect`.
    /// Its letter in the derive's encoded table description.
    pub fn tag(self) -> char {
        match self {
            DialectName::Sqlite => 's',
            DialectName::Postgres => 'p',
            DialectName::Mysql => 'm',
        }
    }
}

pub struct UniqueAttr {
    pub span: Span,
    /// An error was already reported inside it: do not add "missing .." errors.
    pub reported: bool,
    pub name: Option<LitStr>,
    pub columns: Option<StrList>,
}

pub struct CheckAttr {
    pub span: Span,
    /// An error was already reported inside it: do not add "missing .." errors.
    pub reported: bool,
    pub name: Option<LitStr>,
    pub expr: Option<LitStr>,
}

pub struct ForeignKeyAttr {
    pub span: Span,
    /// An error was already reported inside it: do not add "missing .." errors.
    pub reported: bool,
    pub name: Option<LitStr>,
    pub columns: Option<StrList>,
    pub references: Option<TableRef>,
    pub on_delete: Option<ActionAttr>,
    pub on_update: Option<ActionAttr>,
    pub deferrable: bool,
}

#[derive(Default)]
pub struct TableAttrs {
    pub name: Option<LitStr>,
    pub schema: Option<LitStr>,
    pub comment: Option<LitStr>,
    pub renamed_from: Vec<LitStr>,
    pub primary_key: Option<StrList>,
    pub primary_key_span: Option<Span>,
    /// `primary_key_name = ".."`: the constraint name (default `pk_<table>`).
    pub primary_key_name: Option<LitStr>,
    pub indexes: Vec<IndexAttr>,
    pub uniques: Vec<UniqueAttr>,
    pub checks: Vec<CheckAttr>,
    pub foreign_keys: Vec<ForeignKeyAttr>,
}

#[derive(Default)]
pub struct ColumnAttrs {
    /// Every key written, with its span (duplicates, `skip` combined with others).
    pub keys: Vec<(&'static str, Span)>,
    pub name: Option<LitStr>,
    pub primary_key: Option<Flag>,
    pub autoincrement: Option<Flag>,
    pub length: Option<Num>,
    pub precision: Option<Num>,
    pub scale: Option<Num>,
    pub sql_type: Option<LitStr>,
    pub nullable: Option<Flag>,
    pub unique: Option<Flag>,
    pub index: Option<Flag>,
    pub references: Option<ColumnRef>,
    pub on_delete: Option<ActionAttr>,
    pub on_update: Option<ActionAttr>,
    pub server_default: Option<LitStr>,
    pub comment: Option<LitStr>,
    pub renamed_from: Vec<LitStr>,
    pub skip: Option<Flag>,
}

impl ColumnAttrs {
    pub fn span_of(&self, key: &str) -> Option<Span> {
        self.keys.iter().find(|(k, _)| *k == key).map(|(_, s)| *s)
    }

    pub fn skipped(&self) -> bool {
        self.skip.is_some_and(|f| f.value)
    }
}

/// The key of one `key = value` / `key(..)` / `key` item, as one of the `allowed` constants.
/// Unknown keys are reported (with a suggestion) and their value skipped.
fn key(
    meta: &ParseNestedMeta,
    what: &str,
    allowed: &'static [&'static str],
    errs: &mut Errors,
) -> syn::Result<Option<&'static str>> {
    let name = match meta.path.get_ident() {
        Some(i) => i.to_string(),
        None => quote::ToTokens::to_token_stream(&meta.path)
            .to_string()
            .replace(' ', ""),
    };
    if let Some(k) = allowed.iter().find(|k| **k == name) {
        return Ok(Some(k));
    }
    let hint = if name == WHERE && what != "index" {
        " (a partial index predicate is only supported on `index(..)`)".to_string()
    } else {
        unknown_key_hint(&name, allowed)
    };
    errs.on(
        &meta.path,
        format!("unknown {what} attribute `{name}`{hint}"),
    );
    skip_value(meta)?;
    Ok(None)
}

/// Consumes whatever follows a key: `= expr`, `(..)` or nothing.
fn skip_value(meta: &ParseNestedMeta) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<Expr>()?;
    } else if meta.input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in meta.input);
        content.parse::<proc_macro2::TokenStream>()?;
    }
    Ok(())
}

/// Records `key` as seen; reports a duplicate.
fn first_time(
    seen: &mut Vec<(&'static str, Span)>,
    key: &'static str,
    meta: &ParseNestedMeta,
    what: &str,
    errs: &mut Errors,
) -> bool {
    let dup = seen.iter().any(|(k, _)| *k == key);
    if dup {
        errs.on(&meta.path, format!("duplicate {what} attribute `{key}`"));
    } else {
        seen.push((key, meta.path.span()));
    }
    !dup
}

fn describe(e: &Expr) -> &'static str {
    match e {
        Expr::Lit(l) => match &l.lit {
            Lit::Str(_) => "a string",
            Lit::Int(_) => "an integer",
            Lit::Bool(_) => "a boolean",
            Lit::Float(_) => "a float",
            _ => "a literal",
        },
        Expr::Array(_) => "a list",
        Expr::Path(_) => "a path",
        _ => "an expression",
    }
}

/// `key = "string"`.
fn string(
    meta: &ParseNestedMeta,
    key: &str,
    example: &str,
    errs: &mut Errors,
) -> syn::Result<Option<LitStr>> {
    if !meta.input.peek(syn::Token![=]) {
        errs.on(
            &meta.path,
            format!("`{key}` expects a string: write `{key} = {example}`"),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    let e: Expr = meta.value()?.parse()?;
    match e {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) => Ok(Some(s)),
        other => {
            let quoted = match &other {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Int(i), ..
                }) => format!("write `{key} = \"{}\"`", i.base10_digits()),
                _ => format!("write `{key} = {example}`"),
            };
            errs.on(
                &other,
                format!(
                    "`{key}` expects a string, found {}: {quoted}",
                    describe(&other)
                ),
            );
            Ok(None)
        }
    }
}

/// `key = "string"` that must not be empty.
fn name_string(
    meta: &ParseNestedMeta,
    key: &str,
    example: &str,
    errs: &mut Errors,
) -> syn::Result<Option<LitStr>> {
    let s = string(meta, key, example, errs)?;
    if let Some(lit) = &s {
        if lit.value().trim().is_empty() {
            errs.on(lit, format!("`{key}` cannot be empty"));
            return Ok(None);
        }
    }
    Ok(s)
}

/// `key = 123`.
fn number(
    meta: &ParseNestedMeta,
    key: &'static str,
    errs: &mut Errors,
) -> syn::Result<Option<Num>> {
    let key_span = meta.path.span();
    if !meta.input.peek(syn::Token![=]) {
        errs.on(
            &meta.path,
            format!("`{key}` expects an integer: write `{key} = 10`"),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    let e: Expr = meta.value()?.parse()?;
    match &e {
        Expr::Lit(syn::ExprLit {
            lit: Lit::Int(i), ..
        }) => match i.base10_parse::<u32>() {
            Ok(0) if key != SCALE => {
                errs.on(i, format!("`{key}` must be at least 1"));
                Ok(None)
            }
            Ok(value) => Ok(Some(Num { value, key_span })),
            Err(_) => {
                errs.on(
                    i,
                    format!("`{key}` must be a whole number between 0 and {}", u32::MAX),
                );
                Ok(None)
            }
        },
        Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) if s.value().trim().parse::<u32>().is_ok() => {
            errs.on(
                s,
                format!(
                    "`{key}` expects an integer, found a string: write `{key} = {}` without quotes",
                    s.value().trim()
                ),
            );
            Ok(None)
        }
        other => {
            errs.on(
                other,
                format!(
                    "`{key}` expects an integer, found {}: write `{key} = 10`",
                    describe(other)
                ),
            );
            Ok(None)
        }
    }
}

/// `key` or `key = true|false`.
fn flag(meta: &ParseNestedMeta, key: &str, errs: &mut Errors) -> syn::Result<Option<Flag>> {
    let span = meta.path.span();
    if meta.input.peek(syn::Token![=]) {
        let e: Expr = meta.value()?.parse()?;
        match &e {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Bool(b), ..
            }) => Ok(Some(Flag {
                value: b.value,
                span,
            })),
            other => {
                errs.on(other, format!("`{key}` expects `true` or `false`, found {} (`{key}` alone means `{key} = true`)", describe(other)));
                Ok(None)
            }
        }
    } else if meta.input.peek(syn::token::Paren) {
        errs.on(
            &meta.path,
            format!("`{key}` takes no arguments: write `{key}` or `{key} = false`"),
        );
        skip_value(meta)?;
        Ok(None)
    } else {
        Ok(Some(Flag { value: true, span }))
    }
}

/// `key = ["a", "b"]`.
fn str_list(meta: &ParseNestedMeta, key: &str, errs: &mut Errors) -> syn::Result<Option<StrList>> {
    if !meta.input.peek(syn::Token![=]) {
        errs.on(
            &meta.path,
            format!("`{key}` expects a list of column names: write `{key} = [\"a\", \"b\"]`"),
        );
        skip_value(meta)?;
        return Ok(None);
    }
    let e: Expr = meta.value()?.parse()?;
    let Expr::Array(arr) = &e else {
        let hint = match &e {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => format!("write `{key} = [\"{}\"]`", s.value()),
            _ => format!("write `{key} = [\"a\", \"b\"]`"),
        };
        errs.on(
            &e,
            format!(
                "`{key}` expects a list of column names, found {}: {hint}",
                describe(&e)
            ),
        );
        return Ok(None);
    };
    let mut items = Vec::new();
    let mut ok = true;
    for el in &arr.elems {
        match el {
            Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }) => items.push(s.clone()),
            other => {
                ok = false;
                errs.on(
                    other,
                    format!(
                        "`{key}` lists column names as strings, found {}",
                        describe(other)
                    ),
                );
            }
        }
    }
    if ok && items.is_empty() {
        errs.on(arr, format!("`{key}` is empty: list at least one column"));
        return Ok(None);
    }
    Ok(ok.then_some(StrList { items }))
}

/// `renamed_from = "old"` or `renamed_from = ["a", "b"]`.
fn names(meta: &ParseNestedMeta, key: &str, errs: &mut Errors) -> syn::Result<Vec<LitStr>> {
    let fork = meta.input.fork();
    if fork.parse::<syn::Token![=]>().is_ok() && fork.peek(syn::token::Bracket) {
        return Ok(str_list(meta, key, errs)?
            .map(|l| l.items)
            .unwrap_or_default());
    }
    Ok(name_string(meta, key, "\"old_name\"", errs)?
        .into_iter()
        .collect())
}

fn action(
    meta: &ParseNestedMeta,
    key: &'static str,
    errs: &mut Errors,
) -> syn::Result<Option<ActionAttr>> {
    let key_span = meta.path.span();
    let Some(lit) = string(meta, key, "\"cascade\"", errs)? else {
        return Ok(None);
    };
    let text = lit.value().trim().to_ascii_lowercase().replace('_', " ");
    let action = match text.as_str() {
        "cascade" => Action::Cascade,
        "set null" => Action::SetNull,
        "set default" => Action::SetDefault,
        "restrict" => Action::Restrict,
        "no action" => Action::NoAction,
        _ => {
            let hint = did_you_mean(&text, FK_ACTIONS.iter().copied());
            errs.on(
                &lit,
                format!(
                    "unknown {key} action `{}`{hint}; expected one of: {}",
                    lit.value(),
                    FK_ACTIONS
                        .iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            return Ok(None);
        }
    };
    Ok(Some(ActionAttr { action, key_span }))
}

fn valid_ident(s: &str) -> bool {
    !s.is_empty()
        && !s
            .chars()
            .any(|c| c.is_whitespace() || "().,\"'`".contains(c))
}

fn column_ref(lit: LitStr, errs: &mut Errors) -> Option<ColumnRef> {
    let v = lit.value();
    let parts: Vec<&str> = v.split('.').collect();
    if parts.iter().all(|p| valid_ident(p)) {
        match parts.as_slice() {
            [t, c] => {
                return Some(ColumnRef {
                    schema: None,
                    table: t.to_string(),
                    column: c.to_string(),
                });
            }
            [s, t, c] => {
                return Some(ColumnRef {
                    schema: Some(s.to_string()),
                    table: t.to_string(),
                    column: c.to_string(),
                });
            }
            _ => {}
        }
    }
    let hint = match v.split_once('(') {
        Some((t, rest)) if rest.trim_end().ends_with(')') && !rest.contains(',') => {
            format!(
                " (write `\"{}.{}\"`)",
                t.trim(),
                rest.trim_end().trim_end_matches(')').trim()
            )
        }
        _ => String::new(),
    };
    errs.on(
        &lit,
        format!(
            "malformed `references = \"{v}\"`: expected `table.column` or `schema.table.column`, e.g. `references = \"users.id\"`{hint}"
        ),
    );
    None
}

fn table_ref(lit: LitStr, errs: &mut Errors) -> Option<TableRef> {
    let v = lit.value();
    let parsed = v
        .trim()
        .strip_suffix(')')
        .and_then(|s| s.split_once('('))
        .and_then(|(t, cols)| {
            let columns: Vec<String> = cols.split(',').map(|c| c.trim().to_string()).collect();
            if !columns.iter().all(|c| valid_ident(c)) {
                return None;
            }
            let parts: Vec<&str> = t.trim().split('.').collect();
            if !parts.iter().all(|p| valid_ident(p)) {
                return None;
            }
            match parts.as_slice() {
                [t] => Some((None, t.to_string(), columns)),
                [s, t] => Some((Some(s.to_string()), t.to_string(), columns)),
                _ => None,
            }
        });
    match parsed {
        Some((schema, table, columns)) => Some(TableRef {
            lit,
            schema,
            table,
            columns,
        }),
        None => {
            let hint = match v.rsplit_once('.') {
                Some((t, c)) if !v.contains('(') && valid_ident(c) && valid_ident(t) => {
                    format!(" (write `\"{t}({c})\"`)")
                }
                _ => String::new(),
            };
            errs.on(
                &lit,
                format!(
                    "malformed `references = \"{v}\"`: expected `table(column, ..)` or `schema.table(column, ..)`, e.g. `references = \"users(org_id, id)\"`{hint}"
                ),
            );
            None
        }
    }
}

/// Parses every `#[table(..)]` of the struct.
pub fn table_attrs(attrs: &[syn::Attribute], errs: &mut Errors) -> TableAttrs {
    let mut out = TableAttrs::default();
    let mut seen = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(TABLE)) {
        let r = attr.parse_nested_meta(|meta| {
            let Some(k) = key(&meta, "table", TABLE_KEYS, errs)? else {
                return Ok(());
            };
            let repeatable = matches!(k, INDEX | UNIQUE | CHECK | FOREIGN_KEY | RENAMED_FROM);
            if !repeatable && !first_time(&mut seen, k, &meta, "table", errs) {
                return skip_value(&meta);
            }
            match k {
                NAME => out.name = name_string(&meta, k, "\"users\"", errs)?,
                SCHEMA => out.schema = name_string(&meta, k, "\"audit\"", errs)?,
                COMMENT => out.comment = string(&meta, k, "\"..\"", errs)?,
                RENAMED_FROM => out.renamed_from.extend(names(&meta, k, errs)?),
                PRIMARY_KEY => {
                    out.primary_key_span = Some(meta.path.span());
                    out.primary_key = str_list(&meta, k, errs)?;
                }
                PRIMARY_KEY_NAME => {
                    out.primary_key_name = name_string(&meta, k, "\"orders_pkey\"", errs)?
                }
                INDEX => out.indexes.extend(index(&meta, errs)?),
                UNIQUE => out.uniques.extend(unique(&meta, errs)?),
                CHECK => out.checks.extend(check(&meta, errs)?),
                FOREIGN_KEY => out.foreign_keys.extend(foreign_key(&meta, errs)?),
                _ => unreachable_key(&meta, errs)?,
            }
            Ok(())
        });
        if let Err(e) = r {
            errs.push(e);
        }
    }
    out
}

/// A key listed as allowed but not handled: a bug in this crate, reported instead of panicking.
fn unreachable_key(meta: &ParseNestedMeta, errs: &mut Errors) -> syn::Result<()> {
    errs.on(
        &meta.path,
        "retort-macros internal error: attribute accepted but not handled; please report it",
    );
    skip_value(meta)
}

fn nested(meta: &ParseNestedMeta, what: &str, errs: &mut Errors) -> syn::Result<bool> {
    if meta.input.peek(syn::token::Paren) {
        return Ok(true);
    }
    errs.on(
        &meta.path,
        format!("`{what}` takes a list: write `{what}(columns = [\"a\", \"b\"], ..)`"),
    );
    skip_value(meta)?;
    Ok(false)
}

fn index(meta: &ParseNestedMeta, errs: &mut Errors) -> syn::Result<Option<IndexAttr>> {
    let span = meta.path.span();
    if !nested(meta, INDEX, errs)? {
        return Ok(None);
    }
    let before = errs.len();
    let mut out = IndexAttr {
        span,
        reported: false,
        name: None,
        columns: None,
        unique: false,
        predicate: None,
        dialects: Vec::new(),
    };
    let mut seen = Vec::new();
    meta.parse_nested_meta(|m| {
        let Some(k) = key(&m, "index", INDEX_KEYS, errs)? else {
            return Ok(());
        };
        if !first_time(&mut seen, k, &m, "index", errs) {
            return skip_value(&m);
        }
        match k {
            NAME => out.name = name_string(&m, k, "\"ix_..\"", errs)?,
            COLUMNS => out.columns = str_list(&m, k, errs)?,
            UNIQUE => out.unique = flag(&m, k, errs)?.is_some_and(|f| f.value),
            WHERE => out.predicate = string(&m, k, "\"deleted_at IS NULL\"", errs)?,
            DIALECTS => out.dialects = dialect_list(&m, k, errs)?,
            _ => unreachable_key(&m, errs)?,
        }
        Ok(())
    })?;
    out.reported = errs.len() > before;
    Ok(Some(out))
}

/// `dialects = ["postgres", "sqlite"]`: database names (`sqlite`, `postgres`, `mysql`; also
/// `postgresql`, `pg`, `mariadb`), at least one, each once.
fn dialect_list(
    meta: &ParseNestedMeta,
    key: &str,
    errs: &mut Errors,
) -> syn::Result<Vec<DialectName>> {
    const EXAMPLE: &str = "write `dialects = [\"postgres\", \"sqlite\"]`";
    if !meta.input.peek(syn::Token![=]) {
        errs.on(
            &meta.path,
            format!("`{key}` expects a list of databases: {EXAMPLE}"),
        );
        skip_value(meta)?;
        return Ok(Vec::new());
    }
    let e: Expr = meta.value()?.parse()?;
    let Expr::Array(arr) = &e else {
        errs.on(
            &e,
            format!(
                "`{key}` expects a list of databases, found {}: {EXAMPLE}",
                describe(&e)
            ),
        );
        return Ok(Vec::new());
    };
    if arr.elems.is_empty() {
        errs.on(
            &e,
            format!(
                "`{key}` lists at least one database (an index on none is no index): {EXAMPLE}"
            ),
        );
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for el in &arr.elems {
        let Expr::Lit(syn::ExprLit {
            lit: Lit::Str(s), ..
        }) = el
        else {
            errs.on(
                el,
                format!(
                    "`{key}` lists databases as strings, found {}: {EXAMPLE}",
                    describe(el)
                ),
            );
            continue;
        };
        match DialectName::parse(&s.value()) {
            Some(d) if out.contains(&d) => {
                errs.on(s, format!("database `{}` is listed twice in `{key}`", s.value()));
            }
            Some(d) => out.push(d),
            None => errs.on(
                s,
                format!(
                    "unknown database `{}` in `{key}`: expected `sqlite`, `postgres` or `mysql` (MySQL and MariaDB){}",
                    s.value(),
                    crate::util::did_you_mean(&s.value(), ["sqlite", "postgres", "mysql", "mariadb"])
                ),
            ),
        }
    }
    Ok(out)
}

fn unique(meta: &ParseNestedMeta, errs: &mut Errors) -> syn::Result<Option<UniqueAttr>> {
    let span = meta.path.span();
    if !nested(meta, UNIQUE, errs)? {
        return Ok(None);
    }
    let before = errs.len();
    let mut out = UniqueAttr {
        span,
        reported: false,
        name: None,
        columns: None,
    };
    let mut seen = Vec::new();
    meta.parse_nested_meta(|m| {
        let Some(k) = key(&m, "unique", UNIQUE_KEYS, errs)? else {
            return Ok(());
        };
        if !first_time(&mut seen, k, &m, "unique", errs) {
            return skip_value(&m);
        }
        match k {
            NAME => out.name = name_string(&m, k, "\"uq_..\"", errs)?,
            COLUMNS => out.columns = str_list(&m, k, errs)?,
            _ => unreachable_key(&m, errs)?,
        }
        Ok(())
    })?;
    out.reported = errs.len() > before;
    Ok(Some(out))
}

fn check(meta: &ParseNestedMeta, errs: &mut Errors) -> syn::Result<Option<CheckAttr>> {
    let span = meta.path.span();
    if !meta.input.peek(syn::token::Paren) {
        errs.on(
            &meta.path,
            "`check` takes a list: write `check(name = \"..\", expr = \"..\")`",
        );
        skip_value(meta)?;
        return Ok(None);
    }
    let before = errs.len();
    let mut out = CheckAttr {
        span,
        reported: false,
        name: None,
        expr: None,
    };
    let mut seen = Vec::new();
    meta.parse_nested_meta(|m| {
        let Some(k) = key(&m, "check", CHECK_KEYS, errs)? else {
            return Ok(());
        };
        if !first_time(&mut seen, k, &m, "check", errs) {
            return skip_value(&m);
        }
        match k {
            NAME => out.name = name_string(&m, k, "\"ck_..\"", errs)?,
            EXPR => out.expr = name_string(&m, k, "\"price >= 0\"", errs)?,
            _ => unreachable_key(&m, errs)?,
        }
        Ok(())
    })?;
    out.reported = errs.len() > before;
    Ok(Some(out))
}

fn foreign_key(meta: &ParseNestedMeta, errs: &mut Errors) -> syn::Result<Option<ForeignKeyAttr>> {
    let span = meta.path.span();
    if !nested(meta, FOREIGN_KEY, errs)? {
        return Ok(None);
    }
    let before = errs.len();
    let mut out = ForeignKeyAttr {
        span,
        reported: false,
        name: None,
        columns: None,
        references: None,
        on_delete: None,
        on_update: None,
        deferrable: false,
    };
    let mut seen = Vec::new();
    meta.parse_nested_meta(|m| {
        let Some(k) = key(&m, "foreign_key", FOREIGN_KEY_KEYS, errs)? else {
            return Ok(());
        };
        if !first_time(&mut seen, k, &m, "foreign_key", errs) {
            return skip_value(&m);
        }
        match k {
            NAME => out.name = name_string(&m, k, "\"fk_..\"", errs)?,
            COLUMNS => out.columns = str_list(&m, k, errs)?,
            REFERENCES => {
                out.references =
                    string(&m, k, "\"users(id)\"", errs)?.and_then(|l| table_ref(l, errs))
            }
            ON_DELETE => out.on_delete = action(&m, ON_DELETE, errs)?,
            ON_UPDATE => out.on_update = action(&m, ON_UPDATE, errs)?,
            DEFERRABLE => out.deferrable = flag(&m, k, errs)?.is_some_and(|f| f.value),
            _ => unreachable_key(&m, errs)?,
        }
        Ok(())
    })?;
    out.reported = errs.len() > before;
    Ok(Some(out))
}

/// Parses every `#[column(..)]` of one field.
pub fn column_attrs(attrs: &[syn::Attribute], errs: &mut Errors) -> ColumnAttrs {
    let mut out = ColumnAttrs::default();
    let mut seen = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident(COLUMN)) {
        let r = attr.parse_nested_meta(|meta| {
            let Some(k) = key(&meta, "column", COLUMN_KEYS, errs)? else {
                return Ok(());
            };
            if k != RENAMED_FROM && !first_time(&mut seen, k, &meta, "column", errs) {
                return skip_value(&meta);
            }
            out.keys.push((k, meta.path.span()));
            match k {
                NAME => out.name = name_string(&meta, k, "\"email\"", errs)?,
                PRIMARY_KEY => out.primary_key = flag(&meta, k, errs)?,
                AUTOINCREMENT => out.autoincrement = flag(&meta, k, errs)?,
                LENGTH => out.length = number(&meta, LENGTH, errs)?,
                PRECISION => out.precision = number(&meta, PRECISION, errs)?,
                SCALE => out.scale = number(&meta, SCALE, errs)?,
                SQL_TYPE => out.sql_type = name_string(&meta, k, "\"CITEXT\"", errs)?,
                NULLABLE => out.nullable = flag(&meta, k, errs)?,
                UNIQUE => out.unique = flag(&meta, k, errs)?,
                INDEX => out.index = flag(&meta, k, errs)?,
                REFERENCES => {
                    out.references =
                        string(&meta, k, "\"users.id\"", errs)?.and_then(|l| column_ref(l, errs))
                }
                ON_DELETE => out.on_delete = action(&meta, ON_DELETE, errs)?,
                ON_UPDATE => out.on_update = action(&meta, ON_UPDATE, errs)?,
                SERVER_DEFAULT => out.server_default = string(&meta, k, "\"0\"", errs)?,
                COMMENT => out.comment = string(&meta, k, "\"..\"", errs)?,
                RENAMED_FROM => out.renamed_from.extend(names(&meta, k, errs)?),
                SKIP => out.skip = flag(&meta, k, errs)?,
                _ => unreachable_key(&meta, errs)?,
            }
            Ok(())
        });
        if let Err(e) = r {
            errs.push(e);
        }
    }
    out
}
