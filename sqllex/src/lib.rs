//! retort's one SQL lexer: SQL text as tokens with byte spans, under one dialect's quote,
//! escape and comment rules.
//!
//! Every token is a slice of the input and the tokens cover it without gaps, so concatenating
//! their texts gives the input back; lexing never fails (an unterminated string, quoted
//! identifier or comment runs to the end of the input) and never panics. Introspection (SQLite
//! DDL, MySQL enum lists and CHECK clauses), the differ's normalization, rename following in
//! the schema model and autocommit detection all read SQL through [`lex`], so they agree on
//! where a string or a quoted name starts and ends.
//!
//! | | `"..."` | `` `...` `` | `[...]` | `'...'` | comments |
//! |---|---|---|---|---|---|
//! | [`Dialect::Sqlite`] | identifier | identifier | identifier | string, `''` | `--`, `/* */` |
//! | [`Dialect::Postgres`] | identifier | identifier (PostgreSQL rejects it; read as the models' neutral spelling) | punctuation | string, `''`; `E'..'` with backslash escapes; `$tag$..$tag$` | `--`, nested `/* */` |
//! | [`Dialect::Mysql`] | string | identifier | punctuation | string, `''` and backslash escapes | `-- ` (dash dash space), `#`, `/* */` |
//! | [`Dialect::Neutral`] | identifier | identifier | identifier where it cannot be an array subscript | string, `''` | `--`, `/* */` |
//!
//! Quoted identifiers escape their quote by doubling it (`"a""b"`); `[...]` has no escape.

use std::borrow::Cow;
use std::ops::Range;

/// Whose rules to lex by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// SQLite: `"x"`, `` `x` `` and `[x]` are identifiers.
    Sqlite,
    /// PostgreSQL (with `standard_conforming_strings` on, the default since 9.1).
    Postgres,
    /// MySQL / MariaDB (without `ANSI_QUOTES` and `NO_BACKSLASH_ESCAPES`).
    Mysql,
    /// Text whose database is not known (expressions as the models write them): the quotes the
    /// three share, `"x"` and `` `x` `` identifiers, `[x]` where it cannot be PostgreSQL's
    /// `ARRAY[..]` or a subscript (it follows no word, `)` or `]`, and holds no `,` or `'`).
    Neutral,
}

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// A bare word: keyword or identifier (letters, digits, `_`, `$`; not starting with a
    /// digit).
    Word,
    /// A quoted identifier: `"x"`, `` `x` ``, `[x]`.
    QuotedIdent,
    /// A string literal: `'x'`, MySQL `"x"`, PostgreSQL `E'x'` and `$tag$x$tag$`.
    /// `backslash`: a backslash escapes the next character inside it.
    Str {
        /// Backslash escapes apply (MySQL strings, PostgreSQL `E'..'`).
        backslash: bool,
    },
    /// A number: `12`, `1.5`, `.5`, `1e-3`, `0x1F`.
    Number,
    /// An operator or punctuation: `(`, `,`, `::`, `<>`, `!=`, `>=`, `<=`, `==`, `||`, or any
    /// other single character.
    Punct,
    /// `-- ...` (up to, not including, the line break), `/* ... */`, MySQL `# ...`.
    Comment,
    /// A run of whitespace.
    Whitespace,
}

/// One token: its kind and its text, a slice of the input starting at byte `start`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// What the token is.
    pub kind: Kind,
    /// The token's text as written (quotes included).
    pub text: &'a str,
    /// Byte offset of the token in the input.
    pub start: usize,
}

impl<'a> Token<'a> {
    /// Byte offset just past the token.
    pub fn end(&self) -> usize {
        self.start + self.text.len()
    }

    /// The token's byte range in the input.
    pub fn span(&self) -> Range<usize> {
        self.start..self.end()
    }

    /// Whitespace or a comment.
    pub fn is_trivia(&self) -> bool {
        matches!(self.kind, Kind::Whitespace | Kind::Comment)
    }

    /// Whether this is the bare word `kw`, in any case.
    pub fn is_kw(&self, kw: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(kw)
    }

    /// Whether this is the punctuation or operator `p`.
    pub fn is_punct(&self, p: &str) -> bool {
        self.kind == Kind::Punct && self.text == p
    }

    /// Whether this is a string literal.
    pub fn is_str(&self) -> bool {
        matches!(self.kind, Kind::Str { .. })
    }

    /// What a string literal or quoted identifier stands for: quotes removed, doubled quotes
    /// and (where they apply) backslash escapes resolved. A bare word is itself; `None` for
    /// anything else.
    pub fn value(&self) -> Option<Cow<'a, str>> {
        match self.kind {
            Kind::Word => Some(Cow::Borrowed(self.text)),
            Kind::QuotedIdent => Some(unquote(self.text, false)),
            Kind::Str { backslash } => Some(if self.text.starts_with('$') {
                Cow::Borrowed(dollar_body(self.text))
            } else {
                let t = match self.text.as_bytes().first() {
                    Some(b'E' | b'e') => &self.text[1..],
                    _ => self.text,
                };
                unquote(t, backslash)
            }),
            _ => None,
        }
    }
}

/// The body of `$tag$body$tag$` (unterminated: everything after the opening tag).
fn dollar_body(text: &str) -> &str {
    let open = text[1..].find('$').map_or(text.len(), |i| i + 2);
    let tag = &text[..open];
    let body = &text[open..];
    body.strip_suffix(tag)
        .filter(|_| text.len() >= 2 * tag.len())
        .unwrap_or(body)
}

/// `text` without its quotes (the first character and its closing partner), doubled quotes
/// and, with `backslash`, MySQL's backslash escapes resolved.
fn unquote(text: &str, backslash: bool) -> Cow<'_, str> {
    let mut chars = text.chars();
    let Some(open) = chars.next() else {
        return Cow::Borrowed(text);
    };
    let close = if open == '[' { ']' } else { open };
    let body = &text[open.len_utf8()..];
    let body = body.strip_suffix(close).unwrap_or(body);
    let doubled = format!("{close}{close}");
    if !(backslash && body.contains('\\')) && (close == ']' || !body.contains(&doubled)) {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    let mut it = body.chars().peekable();
    while let Some(c) = it.next() {
        if backslash && c == '\\' {
            match it.next() {
                Some('0') => out.push('\0'),
                Some('b') => out.push('\u{8}'),
                Some('n') => out.push('\n'),
                Some('r') => out.push('\r'),
                Some('t') => out.push('\t'),
                Some('Z') => out.push('\u{1a}'),
                // MySQL keeps the backslash before `%` and `_` (LIKE patterns).
                Some(p @ ('%' | '_')) => {
                    out.push('\\');
                    out.push(p);
                }
                Some(other) => out.push(other),
                None => out.push('\\'),
            }
        } else if c == close && close != ']' && it.peek() == Some(&close) {
            it.next();
            out.push(close);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

const TWO_CHAR_OPS: &[&str] = &["::", "<>", "!=", ">=", "<=", "==", "||"];

/// All tokens of `sql` under dialect `d`, trivia (whitespace, comments) included.
pub fn lex(sql: &str, d: Dialect) -> Vec<Token<'_>> {
    let mut out: Vec<Token<'_>> = Vec::new();
    let b = sql.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let (kind, end) = next_token(sql, i, d, &out);
        debug_assert!(end > i && sql.is_char_boundary(end));
        out.push(Token {
            kind,
            text: &sql[i..end],
            start: i,
        });
        i = end;
    }
    out
}

/// The tokens of `sql` that are neither whitespace nor comments.
pub fn significant(sql: &str, d: Dialect) -> Vec<Token<'_>> {
    let mut t = lex(sql, d);
    t.retain(|t| !t.is_trivia());
    t
}

/// The byte range inside the outer parentheses when `sql` is one parenthesized group:
/// `(a + b)` and `(')')`, but not `(a) + (b)` nor `f(x)`. Whitespace and comments around the
/// group are allowed.
pub fn parenthesized_inner(sql: &str, d: Dialect) -> Option<Range<usize>> {
    let toks = significant(sql, d);
    let (first, last) = (toks.first()?, toks.last()?);
    if !(first.is_punct("(") && last.is_punct(")")) {
        return None;
    }
    let mut depth = 0i32;
    for (i, t) in toks.iter().enumerate() {
        if t.is_punct("(") {
            depth += 1;
        } else if t.is_punct(")") {
            depth -= 1;
            if depth == 0 && i != toks.len() - 1 {
                return None;
            }
        }
    }
    Some(first.end()..last.start)
}

/// Whether `sql` is exactly one string literal under `d` (`'it''s'`; MySQL `"x"` too),
/// nothing else around it.
pub fn is_single_string(sql: &str, d: Dialect) -> bool {
    let toks = lex(sql, d);
    // An unterminated string runs to the end of the input: one more character after it would
    // still be inside it.
    toks.len() == 1 && toks[0].is_str() && lex(&format!("{sql} "), d).len() == 2
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

/// The kind and end offset of the token starting at byte `i` (a char boundary).
fn next_token(sql: &str, i: usize, d: Dialect, before: &[Token<'_>]) -> (Kind, usize) {
    let b = sql.as_bytes();
    let rest = &sql[i..];
    let c = rest.chars().next().unwrap_or('\0');
    let at = |k: usize| b.get(i + k).copied();
    let mysql = d == Dialect::Mysql;
    let pg = d == Dialect::Postgres;

    if c.is_whitespace() {
        let n = rest
            .char_indices()
            .find(|(_, c)| !c.is_whitespace())
            .map_or(rest.len(), |(k, _)| k);
        return (Kind::Whitespace, i + n);
    }
    // `--` comments; MySQL wants whitespace (or the end) after the dashes.
    let dashes = c == '-' && at(1) == Some(b'-');
    if (dashes && (!mysql || at(2).is_none_or(|x| x.is_ascii_whitespace() || x < 0x20)))
        || (mysql && c == '#')
    {
        let n = rest.find('\n').unwrap_or(rest.len());
        return (Kind::Comment, i + n);
    }
    if c == '/' && at(1) == Some(b'*') {
        return (Kind::Comment, i + block_comment_len(rest, pg));
    }
    match c {
        '\'' => {
            return (
                Kind::Str { backslash: mysql },
                i + quoted_len(rest, '\'', mysql),
            )
        }
        '"' if mysql => {
            return (
                Kind::Str { backslash: true },
                i + quoted_len(rest, '"', true),
            )
        }
        '"' => return (Kind::QuotedIdent, i + quoted_len(rest, '"', false)),
        '`' => return (Kind::QuotedIdent, i + quoted_len(rest, '`', false)),
        '[' if d == Dialect::Sqlite || (d == Dialect::Neutral && neutral_bracket(rest, before)) => {
            let n = rest.find(']').map_or(rest.len(), |k| k + 1);
            return (Kind::QuotedIdent, i + n);
        }
        'E' | 'e' if pg && at(1) == Some(b'\'') => {
            return (
                Kind::Str { backslash: true },
                i + 1 + quoted_len(&rest[1..], '\'', true),
            );
        }
        '$' if pg => {
            if let Some(n) = dollar_quoted_len(rest) {
                return (Kind::Str { backslash: false }, i + n);
            }
        }
        _ => {}
    }
    if is_word_start(c) {
        let n = rest
            .char_indices()
            .find(|(_, c)| !is_word_char(*c))
            .map_or(rest.len(), |(k, _)| k);
        return (Kind::Word, i + n);
    }
    if c.is_ascii_digit() || (c == '.' && at(1).is_some_and(|x| x.is_ascii_digit())) {
        return (Kind::Number, i + number_len(rest));
    }
    if rest.get(..2).is_some_and(|op| TWO_CHAR_OPS.contains(&op)) {
        return (Kind::Punct, i + 2);
    }
    (Kind::Punct, i + c.len_utf8())
}

/// Length of the quoted run at the start of `s` (opened by `q`), closing quote included; a
/// doubled `q` stands for one, and with `backslash` a backslash escapes the next character.
fn quoted_len(s: &str, q: char, backslash: bool) -> usize {
    let b = s.as_bytes();
    let q = q as u8;
    let mut i = 1;
    while i < b.len() {
        if backslash && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if b.get(i + 1) == Some(&q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i += 1;
    }
    // Unterminated (or an escape at the very end): to the end, on a char boundary.
    s.len()
}

/// Length of the `/* ... */` comment at the start of `s`; PostgreSQL nests them.
fn block_comment_len(s: &str, nested: bool) -> usize {
    let b = s.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'/' && b[i + 1] == b'*' && (nested || depth == 0) {
            depth += 1;
            i += 2;
        } else if b[i] == b'*' && b[i + 1] == b'/' {
            depth -= 1;
            i += 2;
            if depth == 0 {
                return i;
            }
        } else {
            i += 1;
        }
    }
    s.len()
}

/// Length of `$tag$ ... $tag$` at the start of `s`, if `s` starts with an opening tag
/// (`$$` or `$` + identifier + `$`).
fn dollar_quoted_len(s: &str) -> Option<usize> {
    let close = s[1..].find('$')? + 1;
    let tag = &s[1..close];
    let valid = tag.chars().next().is_none_or(is_word_start)
        && tag.chars().all(|c| c.is_alphanumeric() || c == '_');
    if !valid {
        return None;
    }
    let delim = &s[..=close];
    Some(
        s[close + 1..]
            .find(delim)
            .map_or(s.len(), |k| close + 1 + k + delim.len()),
    )
}

/// Length of the number at the start of `s`: digits, one fraction, an exponent with its sign,
/// and any letters or digits glued on (`0x1F`, `1abc`).
fn number_len(s: &str) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    let mut seen_dot = false;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_digit() || c == b'_' {
            i += 1;
        } else if c == b'.' && !seen_dot && b.get(i + 1).is_none_or(|x| !matches!(x, b'.')) {
            seen_dot = true;
            i += 1;
        } else if matches!(c, b'e' | b'E')
            && matches!(b.get(i + 1), Some(b'+' | b'-'))
            && b.get(i + 2).is_some_and(u8::is_ascii_digit)
        {
            i += 3;
        } else if c.is_ascii_alphabetic() {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// Neutral: whether the `[` at the start of `rest` opens a quoted identifier (not an array
/// constructor or subscript).
fn neutral_bracket(rest: &str, before: &[Token<'_>]) -> bool {
    let prev = before.iter().rev().find(|t| !t.is_trivia());
    let after_value = prev.is_some_and(|t| {
        matches!(t.kind, Kind::Word | Kind::QuotedIdent | Kind::Number)
            || t.is_punct(")")
            || t.is_punct("]")
    });
    !after_value
        && rest[1..]
            .split(']')
            .next()
            .is_some_and(|inner| !inner.contains([',', '\'']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollar_bodies() {
        for (quoted, want) in [
            ("$$x$$", "x"),
            ("$a$x$y$a$", "x$y"),
            ("$a$x", "x"),
            ("$a$", ""),
        ] {
            assert_eq!(dollar_body(quoted), want, "body of {quoted:?}");
        }
    }
}
