//! Helpers shared by the dialects: table visibility (globs, version table), type-argument
//! parsing, a small SQL tokenizer, and the query counter.

#![cfg_attr(
    not(all(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]

use retort_schema::{QName, Schema, SqlType};

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
/// applied-migrations log `<version table>_log` nor its progress marker
/// `<version table>_progress`, not matched by an exclude glob). `schema` is the real schema
/// name, qualified or not in the result.
pub(crate) fn visible(opts: &Options, schema: &str, name: &str) -> bool {
    let qualified = format!("{schema}.{name}");
    let vt = opts.version_table.as_str();
    let log = format!("{vt}_log");
    let progress = format!("{vt}_progress");
    if [vt, log.as_str(), progress.as_str()]
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

/// Counts the queries run by one introspection.
#[derive(Default)]
pub(crate) struct Counter(pub(crate) usize);

impl Counter {
    pub(crate) fn bump(&mut self) {
        self.0 += 1;
    }
}

pub(crate) fn query_err(what: &'static str) -> impl FnOnce(sqlx::Error) -> IntrospectError {
    move |source| IntrospectError::Query { what, source }
}

// ---------------------------------------------------------------------------------------------
// A small SQL tokenizer (SQLite CREATE statements, enum value lists, CHECK wrappers).

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tok {
    /// A bare word (keyword or identifier), as written.
    Word(String),
    /// A quoted identifier (`"x"`, `` `x` ``, `[x]`), unquoted.
    Ident(String),
    /// A string literal, unescaped.
    Str(String),
    /// A number or anything else that is one run of characters.
    Num(String),
    /// One punctuation character.
    Punct(char),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    /// Byte range in the source.
    pub(crate) start: usize,
    pub(crate) end: usize,
}

impl Token {
    /// Whether this is the bare word `kw` (any case).
    pub(crate) fn is_kw(&self, kw: &str) -> bool {
        matches!(&self.tok, Tok::Word(w) if w.eq_ignore_ascii_case(kw))
    }

    pub(crate) fn is_punct(&self, c: char) -> bool {
        self.tok == Tok::Punct(c)
    }

    /// The identifier this token names (bare word, quoted identifier, or a string used as a
    /// name, which SQLite accepts).
    pub(crate) fn ident(&self) -> Option<String> {
        match &self.tok {
            Tok::Word(w) => Some(w.clone()),
            Tok::Ident(s) | Tok::Str(s) => Some(s.clone()),
            _ => None,
        }
    }
}

/// Tokenizes SQL; comments and whitespace are skipped. `backslash_escapes`: a backslash escapes
/// the next character inside string literals (MySQL).
pub(crate) fn tokenize(sql: &str, backslash_escapes: bool) -> Vec<Token> {
    let b: Vec<(usize, char)> = sql.char_indices().collect();
    let end_of = |i: usize| b.get(i).map(|x| x.0).unwrap_or(sql.len());
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let (start, c) = b[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '-' && b.get(i + 1).map(|x| x.1) == Some('-') {
            while i < b.len() && b[i].1 != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '/' && b.get(i + 1).map(|x| x.1) == Some('*') {
            i += 2;
            while i < b.len() && !(b[i].1 == '*' && b.get(i + 1).map(|x| x.1) == Some('/')) {
                i += 1;
            }
            i += 2;
            continue;
        }
        let quoted = |open: char, close: char, i: &mut usize, esc: bool| -> String {
            let _ = open;
            let mut s = String::new();
            *i += 1;
            while *i < b.len() {
                let ch = b[*i].1;
                if esc && ch == '\\' && *i + 1 < b.len() {
                    let n = b[*i + 1].1;
                    s.push(match n {
                        'n' => '\n',
                        't' => '\t',
                        'r' => '\r',
                        '0' => '\0',
                        other => other,
                    });
                    *i += 2;
                    continue;
                }
                if ch == close {
                    if close != ']' && b.get(*i + 1).map(|x| x.1) == Some(close) {
                        s.push(close);
                        *i += 2;
                        continue;
                    }
                    *i += 1;
                    break;
                }
                s.push(ch);
                *i += 1;
            }
            s
        };
        let tok = match c {
            '\'' => Tok::Str(quoted('\'', '\'', &mut i, backslash_escapes)),
            '"' => Tok::Ident(quoted('"', '"', &mut i, false)),
            '`' => Tok::Ident(quoted('`', '`', &mut i, false)),
            '[' => Tok::Ident(quoted('[', ']', &mut i, false)),
            c if c.is_alphabetic() || c == '_' => {
                let mut s = String::new();
                while i < b.len() && (b[i].1.is_alphanumeric() || b[i].1 == '_' || b[i].1 == '$') {
                    s.push(b[i].1);
                    i += 1;
                }
                Tok::Word(s)
            }
            c if c.is_ascii_digit() || c == '.' => {
                let mut s = String::new();
                while i < b.len() && (b[i].1.is_ascii_alphanumeric() || b[i].1 == '.') {
                    s.push(b[i].1);
                    i += 1;
                }
                Tok::Num(s)
            }
            c => {
                i += 1;
                Tok::Punct(c)
            }
        };
        out.push(Token {
            tok,
            start,
            end: end_of(i),
        });
    }
    out
}

/// Index of the `)` that closes the `(` at `open` (token indexes), if any.
pub(crate) fn matching_paren(toks: &[Token], open: usize) -> Option<usize> {
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate().skip(open) {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth -= 1;
            if depth == 0 {
                return Some(i);
            }
        }
    }
    None
}

/// Splits `toks` at commas that are not inside parentheses.
pub(crate) fn split_top_level(toks: &[Token]) -> Vec<&[Token]> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut from = 0;
    for (i, t) in toks.iter().enumerate() {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth -= 1;
        } else if t.is_punct(',') && depth == 0 {
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
pub(crate) fn text_of<'a>(sql: &'a str, toks: &[Token]) -> &'a str {
    match (toks.first(), toks.last()) {
        (Some(a), Some(z)) => &sql[a.start..z.end],
        _ => "",
    }
}

/// Parses a parenthesized list of string literals: `('a','b''c')` -> [a, b'c]. `None` if the
/// text is anything else.
pub(crate) fn string_list(toks: &[Token]) -> Option<Vec<String>> {
    if toks.len() < 2 || !toks[0].is_punct('(') || !toks[toks.len() - 1].is_punct(')') {
        return None;
    }
    let inner = &toks[1..toks.len() - 1];
    let mut out = Vec::new();
    for item in split_top_level(inner) {
        match item {
            [Token {
                tok: Tok::Str(s), ..
            }] => out.push(s.clone()),
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
        assert!(glob_match("legacy_*", "legacy_users"));
        assert!(glob_match("legacy_*", "legacy_"));
        assert!(!glob_match("legacy_*", "users_legacy"));
        assert!(glob_match("?", "a"));
        assert!(!glob_match("?", "ab"));
        assert!(!glob_match("?", ""));
        assert!(glob_match("*_tmp_?", "x_tmp_1"));
        assert!(glob_match("a*b*c", "aXXbYYbc"));
        assert!(!glob_match("a*b*c", "aXXbYYb"));
        assert!(glob_match("*", ""));
        assert!(glob_match("exact", "exact"));
        assert!(!glob_match("exact", "Exact"));
        assert!(glob_match("é?", "éa"));
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
        let t = tokenize(sql, false);
        assert_eq!(t[2].tok, Tok::Ident("a \"b".into()));
        assert_eq!(t[4].tok, Tok::Ident("c d".into()));
        assert!(t.iter().any(|x| x.tok == Tok::Str("x'y".into())));
        assert!(t.iter().any(|x| x.tok == Tok::Ident("e".into())));
        let open = 3;
        let close = matching_paren(&t, open).unwrap();
        assert_eq!(close, t.len() - 1);
        let items = split_top_level(&t[open + 1..close]);
        assert_eq!(items.len(), 2);
        assert_eq!(text_of(sql, items[1]), "`e` TEXT");

        let l = tokenize(r"('a','it''s','back\\slash','')", true);
        assert_eq!(
            string_list(&l).unwrap(),
            vec!["a", "it's", "back\\slash", ""]
        );
        assert_eq!(string_list(&tokenize("('a', b)", false)), None);
    }
}
