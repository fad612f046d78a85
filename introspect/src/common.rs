//! Helpers shared by the dialects: table visibility (globs, version table), type-argument
//! parsing, token helpers over the SQL lexer (`retort-sqllex`), and the query counter.

#![cfg_attr(
    not(all(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]

use std::collections::BTreeMap;

use retort_schema::{EnumType, QName, Schema, SqlType, Table};

use crate::{IntrospectError, Options};

/// Whether `name` matches `pattern`: `*` matches any run of characters (also none), `?` exactly
/// one character; everything else matches itself (case-sensitive).
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matcher with backtracking to the last `*`.
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ni));
            pi += 1;
        } else if let Some((sp, sn)) = star {
            pi = sp + 1;
            ni = sn + 1;
            star = Some((sp, sn + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// Whether the table `schema.name` is visible under `opts` (not the version table, its
/// applied-migrations log `<version table>_log`, its progress marker
/// `<version table>_progress` nor its Galera lock row's table `<version table>_lock`, not matched by an exclude glob). `schema` is the real schema
/// name, qualified or not in the result.
pub(crate) fn visible(opts: &Options, schema: &str, name: &str) -> bool {
    let qualified = format!("{schema}.{name}");
    let vt = opts.version_table.as_str();
    let log = format!("{vt}_log");
    let progress = format!("{vt}_progress");
    let lock = format!("{vt}_lock");
    if [vt, log.as_str(), progress.as_str(), lock.as_str()]
        .iter()
        .any(|t| *t == name || *t == qualified)
    {
        return false;
    }
    !opts
        .exclude_tables
        .iter()
        .any(|g| glob_match(g, name) || glob_match(g, &qualified))
}

/// The schema to put in a `QName`: `None` for the default schema.
pub(crate) fn qualify(schema: &str, default_schema: &str) -> Option<String> {
    (schema != default_schema).then(|| schema.to_string())
}

pub(crate) fn qname(schema: &str, name: &str, default_schema: &str) -> QName {
    QName::with_schema(qualify(schema, default_schema), name)
}

/// Splits `base(args) rest` into the lowercase base name, its numeric arguments, and the
/// lowercase rest: `VARCHAR(320)` -> (`varchar`, [320], ``); `numeric(10, 2)` -> (`numeric`,
/// [10, 2], ``); `bigint(20) unsigned` -> (`bigint`, [20], `unsigned`). `None` when the
/// parenthesized part is not a list of numbers.
pub(crate) fn split_type(s: &str) -> Option<(String, Vec<u32>, String)> {
    let s = s.trim();
    match s.find('(') {
        None => Some((
            collapse_ws(&s.to_ascii_lowercase()),
            Vec::new(),
            String::new(),
        )),
        Some(i) => {
            let close = s[i..].find(')')? + i;
            let base = collapse_ws(&s[..i].to_ascii_lowercase());
            let mut args = Vec::new();
            for a in s[i + 1..close].split(',') {
                args.push(a.trim().parse::<u32>().ok()?);
            }
            let rest = collapse_ws(&s[close + 1..].to_ascii_lowercase());
            Some((base, args, rest))
        }
    }
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `Decimal` from the declared arguments; a scale of 0 is reported as `None` (see the crate
/// documentation).
pub(crate) fn decimal(args: &[u32]) -> Option<SqlType> {
    match args {
        [] => Some(SqlType::Decimal {
            precision: None,
            scale: None,
        }),
        [p] => Some(SqlType::Decimal {
            precision: Some(*p),
            scale: None,
        }),
        [p, s] => Some(SqlType::Decimal {
            precision: Some(*p),
            scale: (*s != 0).then_some(*s),
        }),
        _ => None,
    }
}

/// Final touches shared by every dialect: enums collected from columns when the dialect has no
/// enum types, deterministic order.
pub(crate) fn finish(mut schema: Schema, collect_enums: bool) -> Schema {
    if collect_enums {
        schema.collect_enums_from_columns();
    }
    schema.normalize_order();
    schema
}

/// Runs the catalog queries of one introspection and counts them.
#[derive(Default)]
pub(crate) struct Counter(pub(crate) usize);

impl Counter {
    /// Runs one catalog query and reads its rows as `R` (a `sqlx::FromRow` struct); `what`
    /// names the catalog in an error.
    pub(crate) async fn fetch<'q, 'c, DB, R, A, E>(
        &mut self,
        what: &'static str,
        query: sqlx::query::Query<'q, DB, A>,
        conn: E,
    ) -> Result<Vec<R>, IntrospectError>
    where
        DB: sqlx::Database,
        R: Send + Unpin + for<'r> sqlx::FromRow<'r, DB::Row>,
        A: 'q + sqlx::IntoArguments<'q, DB>,
        E: 'q + sqlx::Executor<'c, Database = DB>,
    {
        self.0 += 1;
        // The rows first, decoded after: decoding each as it arrives makes SQLite's worker
        // thread outrun this one and stop every 50 rows (sqlx's row buffer), two thread
        // switches each time.
        let rows = query.fetch_all(conn).await.map_err(query_err(what))?;
        rows.iter()
            .map(|r| R::from_row(r))
            .collect::<Result<_, _>>()
            .map_err(query_err(what))
    }

    /// [`Counter::fetch`] for a query that returns exactly one row.
    pub(crate) async fn fetch_one<'q, 'c, DB, R, A, E>(
        &mut self,
        what: &'static str,
        query: sqlx::query::Query<'q, DB, A>,
        conn: E,
    ) -> Result<R, IntrospectError>
    where
        DB: sqlx::Database,
        R: Send + Unpin + for<'r> sqlx::FromRow<'r, DB::Row>,
        A: 'q + sqlx::IntoArguments<'q, DB>,
        E: 'q + sqlx::Executor<'c, Database = DB>,
    {
        self.fetch(what, query, conn)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| query_err(what)(sqlx::Error::RowNotFound))
    }
}

/// Catalog rows that describe one object in several rows (an index's or a foreign key's
/// columns), grouped by `key` (groups in key order), each group sorted by `seq`.
pub(crate) fn group_sorted<'r, R, K: Ord, S: Ord>(
    rows: &'r [R],
    key: impl Fn(&'r R) -> K,
    seq: impl Fn(&R) -> S,
) -> BTreeMap<K, Vec<&'r R>> {
    let mut groups: BTreeMap<K, Vec<&'r R>> = BTreeMap::new();
    for r in rows {
        groups.entry(key(r)).or_default().push(r);
    }
    for g in groups.values_mut() {
        g.sort_by_key(|r| seq(r));
    }
    groups
}

/// The tables being assembled from catalog rows, keyed by (real schema, name): rows of tables
/// not read (excluded, the version table) find no table and are skipped.
pub(crate) struct Tables {
    by_key: BTreeMap<(String, String), Table>,
}

impl Tables {
    /// The visible tables among `(schema, name, comment)`; tables in `default_schema` are
    /// unqualified.
    pub(crate) fn new<'a>(
        opts: &Options,
        default_schema: &str,
        rows: impl IntoIterator<Item = (&'a str, &'a str, Option<String>)>,
    ) -> Self {
        let mut by_key = BTreeMap::new();
        for (schema, name, comment) in rows {
            if !visible(opts, schema, name) {
                continue;
            }
            let mut table = Table::new(name.to_string());
            table.schema = qualify(schema, default_schema);
            table.comment = comment;
            by_key.insert((schema.to_string(), name.to_string()), table);
        }
        Tables { by_key }
    }

    /// The table `schema.name`, if it is read.
    pub(crate) fn get_mut(&mut self, schema: &str, name: &str) -> Option<&mut Table> {
        self.by_key.get_mut(&(schema.to_string(), name.to_string()))
    }

    /// The tables read, in (schema, name) order.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (&str, &mut Table)> {
        self.by_key.iter_mut().map(|((_, n), t)| (n.as_str(), t))
    }

    /// The schema: these tables and `enums` (collected from the columns instead when the
    /// dialect has no enum types, `collect_enums`), in deterministic order.
    pub(crate) fn into_schema(self, enums: Vec<EnumType>, collect_enums: bool) -> Schema {
        let schema = Schema {
            tables: self.by_key.into_values().collect(),
            enums,
        };
        finish(schema, collect_enums)
    }
}

pub(crate) fn query_err(what: &'static str) -> impl FnOnce(sqlx::Error) -> IntrospectError {
    move |source| IntrospectError::Query { what, source }
}

// ---------------------------------------------------------------------------------------------
// Token helpers over the one SQL lexer (SQLite CREATE statements, enum value lists, CHECKs).

pub(crate) use retort_sqllex::Dialect as Lex;
pub(crate) use retort_sqllex::Token;

/// The tokens of `sql` under `d`'s rules, without whitespace and comments.
pub(crate) fn tokenize(sql: &str, d: Lex) -> Vec<Token<'_>> {
    retort_sqllex::significant(sql, d)
}

/// The name a token stands for: a bare word, a quoted identifier unquoted, or a string used as
/// a name (which SQLite accepts).
pub(crate) fn name_of(t: &Token<'_>) -> Option<String> {
    match t.kind {
        retort_sqllex::Kind::Word
        | retort_sqllex::Kind::QuotedIdent
        | retort_sqllex::Kind::Str { .. } => t.value().map(|v| v.into_owned()),
        _ => None,
    }
}

/// Index of the `)` that closes the `(` at `open` (token indexes), if any.
pub(crate) fn matching_paren(toks: &[Token<'_>], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// Splits `toks` at commas that are not inside parentheses.
pub(crate) fn split_top_level<'t, 'a>(toks: &'t [Token<'a>]) -> Vec<&'t [Token<'a>]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut from = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
        } else if t.is_punct(",") && depth == 0 {
            out.push(&toks[from..i]);
            from = i + 1;
        }
    }
    if from < toks.len() {
        out.push(&toks[from..]);
    }
    out
}

/// The source text covered by `toks` (from the first token's start to the last one's end).
pub(crate) fn text_of<'a>(sql: &'a str, toks: &[Token<'_>]) -> &'a str {
    match (toks.first(), toks.last()) {
        (Some(a), Some(z)) => &sql[a.start..z.end()],
        _ => "",
    }
}

/// Parses a parenthesized list of string literals: `('a','b''c')` -> [a, b'c]. `None` if the
/// text is anything else.
pub(crate) fn string_list(toks: &[Token<'_>]) -> Option<Vec<String>> {
    if toks.len() < 2 || !toks[0].is_punct("(") || !toks[toks.len() - 1].is_punct(")") {
        return None;
    }
    let inner = &toks[1..toks.len() - 1];
    let mut out = Vec::new();
    for item in split_top_level(inner) {
        match item {
            [t] if t.is_str() => out.push(t.value()?.into_owned()),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let cases: [(&str, &[&str], &[&str]); 7] = [
            ("legacy_*", &["legacy_users", "legacy_"], &["users_legacy"]),
            ("?", &["a"], &["ab", ""]),
            ("*_tmp_?", &["x_tmp_1"], &[]),
            ("a*b*c", &["aXXbYYbc"], &["aXXbYYb"]),
            ("*", &[""], &[]),
            ("exact", &["exact"], &["Exact"]),
            ("é?", &["éa"], &[]),
        ];
        for (pattern, matching, not_matching) in cases {
            for name in matching {
                assert!(
                    glob_match(pattern, name),
                    "{pattern:?} should match {name:?}"
                );
            }
            for name in not_matching {
                assert!(
                    !glob_match(pattern, name),
                    "{pattern:?} should not match {name:?}"
                );
            }
        }
    }

    #[test]
    fn visibility() {
        let opts = Options {
            schemas: vec![],
            exclude_tables: vec!["legacy_*".into(), "audit.*".into()],
            version_table: "retort_version".into(),
        };
        assert!(visible(&opts, "public", "users"));
        assert!(!visible(&opts, "public", "legacy_x"));
        assert!(!visible(&opts, "public", "retort_version"));
        assert!(!visible(&opts, "audit", "events"));
        assert!(visible(&opts, "public", "events"));
        let q = Options {
            version_table: "meta.retort_version".into(),
            ..Options::default()
        };
        assert!(!visible(&q, "meta", "retort_version"));
        assert!(visible(&q, "public", "retort_version"));
    }

    #[test]
    fn type_splitting() {
        assert_eq!(
            split_type("VARCHAR(320)"),
            Some(("varchar".into(), vec![320], "".into()))
        );
        assert_eq!(
            split_type("numeric(10, 2)"),
            Some(("numeric".into(), vec![10, 2], "".into()))
        );
        assert_eq!(
            split_type("bigint(20) unsigned"),
            Some(("bigint".into(), vec![20], "unsigned".into()))
        );
        assert_eq!(
            split_type("timestamp(3)  without time zone"),
            Some(("timestamp".into(), vec![3], "without time zone".into()))
        );
        assert_eq!(
            split_type("Double  Precision"),
            Some(("double precision".into(), vec![], "".into()))
        );
        assert_eq!(split_type("enum('a')"), None);
    }

    #[test]
    fn decimals_drop_a_zero_scale() {
        assert_eq!(
            decimal(&[10, 2]),
            Some(SqlType::Decimal {
                precision: Some(10),
                scale: Some(2)
            })
        );
        assert_eq!(
            decimal(&[8, 0]),
            Some(SqlType::Decimal {
                precision: Some(8),
                scale: None
            })
        );
        assert_eq!(decimal(&[1, 2, 3]), None);
    }

    #[test]
    fn tokenizer_and_lists() {
        let sql = r#"CREATE TABLE "a ""b" ([c d] INT -- note
            DEFAULT 'x''y', /* c */ `e` TEXT)"#;
        let t = tokenize(sql, Lex::Sqlite);
        assert_eq!(name_of(&t[2]).as_deref(), Some("a \"b"));
        assert_eq!(name_of(&t[4]).as_deref(), Some("c d"));
        assert!(t.iter().any(|x| x.is_str() && x.value().unwrap() == "x'y"));
        assert!(t.iter().any(|x| x.text == "`e`"));
        let open = 3;
        let close = matching_paren(&t, open).unwrap();
        assert_eq!(close, t.len() - 1);
        let items = split_top_level(&t[open + 1..close]);
        assert_eq!(items.len(), 2);
        assert_eq!(text_of(sql, items[1]), "`e` TEXT");

        let l = tokenize(r"('a','it''s','back\\slash','')", Lex::Mysql);
        assert_eq!(
            string_list(&l).unwrap(),
            vec!["a", "it's", "back\\slash", ""]
        );
        assert_eq!(string_list(&tokenize("('a', b)", Lex::Mysql)), None);
    }
}
