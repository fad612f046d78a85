//! Per-dialect normalization: the `from` side is spelled by the database (introspection), the
//! `to` side by the models; an unchanged model must compare equal.

use retort_schema::{Dialect, SqlType};
use retort_sqllex::{lex, significant, Dialect as LexDialect, Kind};

/// The canonical form of a type on dialect `d`: catalog spellings kept as `Custom` are parsed,
/// and what the dialect cannot tell apart is merged.
pub(crate) fn canon_type(t: &SqlType, d: Dialect) -> SqlType {
    let t = match t {
        SqlType::Custom(s) => parse_custom(s, d),
        other => other.clone(),
    };
    match t {
        SqlType::Decimal {
            precision: Some(p),
            scale: Some(0),
        } => SqlType::Decimal {
            precision: Some(p),
            scale: None,
        },
        // MySQL/MariaDB: DECIMAL without a precision is DECIMAL(10, 0).
        SqlType::Decimal {
            precision: None, ..
        } if d == Dialect::Mysql => SqlType::Decimal {
            precision: Some(10),
            scale: None,
        },
        SqlType::Json { .. } if d != Dialect::Postgres => SqlType::Json { binary: false },
        SqlType::Timestamp { .. } if d == Dialect::Mysql => SqlType::Timestamp {
            with_time_zone: false,
        },
        // PostgreSQL: an enum type is compared by name (its values are the type's business);
        // elsewhere enums are inline and have no name of their own: compare the values.
        SqlType::Enum { name, .. } if d == Dialect::Postgres => SqlType::Enum {
            name,
            values: Vec::new(),
        },
        SqlType::Enum { values, .. } => SqlType::Enum {
            name: String::new(),
            values,
        },
        other => other,
    }
}

/// A `sql_type` spelling (or a catalog spelling kept as `Custom`) in the canonical form of
/// dialect `d`: the neutral type when there is one, else one spelling per type, so that what a
/// model writes (`CHAR(2)`, `TIMESTAMPTZ(3)`, `INT UNSIGNED`) and what the database reports
/// (`character(2)`, `timestamp(3) with time zone`, `int(10) unsigned`) compare equal.
fn parse_custom(s: &str, d: Dialect) -> SqlType {
    let lower = s
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_ascii_lowercase();
    let Some((base, args, rest)) = split_type(&lower) else {
        return SqlType::Custom(lower);
    };
    let arg = |i: usize| args.get(i).copied();
    let (pg, mysql) = (d == Dialect::Postgres, d == Dialect::Mysql);
    let n = args.len();
    // `time(3) with time zone`, `timestamp(3) without time zone`: the zone words may follow
    // the arguments (PostgreSQL's catalog spelling) or precede them (`timestamptz(3)`).
    let (base, rest) = match rest.as_str() {
        "with time zone" | "without time zone" if !base.ends_with("time zone") => {
            (format!("{base} {rest}"), String::new())
        }
        _ => (base, rest),
    };
    let p_suffix = |name: &str| match arg(0) {
        Some(p) => format!("{name}({p})"),
        None => name.to_string(),
    };
    let ty = match (base.as_str(), n, rest.as_str()) {
        ("tinyint", 1, "") if mysql && arg(0) == Some(1) => SqlType::Boolean,
        ("bool" | "boolean", 0, "") => SqlType::Boolean,
        // MySQL integer display widths (`int(11)`) mean nothing; `unsigned` does.
        ("tinyint" | "mediumint" | "smallint" | "int" | "integer" | "bigint", 0 | 1, r)
            if mysql && !r.is_empty() =>
        {
            let base = if base == "integer" { "int" } else { &base };
            SqlType::Custom(format!("{base} {r}"))
        }
        ("tinyint" | "mediumint", 0 | 1, "") if mysql => SqlType::Custom(base.clone()),
        ("year", 0 | 1, "") if mysql => SqlType::Custom("year".into()),
        ("int2" | "smallint", _, "") => SqlType::SmallInt,
        ("int" | "int4" | "integer", _, "") => SqlType::Integer,
        ("int8" | "bigint", _, "") => SqlType::BigInt,
        ("serial2" | "smallserial", 0, "") if pg => SqlType::SmallInt,
        ("serial" | "serial4", 0, "") if pg => SqlType::Integer,
        ("serial8" | "bigserial", 0, "") if pg => SqlType::BigInt,
        ("float4" | "real", 0, "") if !mysql => SqlType::Real,
        // MariaDB's REAL is DOUBLE (unless the REAL_AS_FLOAT mode is on).
        ("real", 0, "") => SqlType::Double,
        // PostgreSQL's FLOAT is DOUBLE PRECISION (FLOAT(1..24) is REAL); MySQL's is 4 bytes;
        // SQLite reads FLOAT back as REAL.
        ("float", 0, "") if pg => SqlType::Double,
        ("float", 1, "") if pg => match arg(0) {
            Some(p) if p <= 24 => SqlType::Real,
            _ => SqlType::Double,
        },
        ("float", 0, "") => SqlType::Real,
        ("float8" | "double" | "double precision", 0, "") => SqlType::Double,
        ("text", 0, "") => SqlType::Text,
        ("tinytext" | "mediumtext" | "longtext", 0, "") if mysql => SqlType::Text,
        ("varchar" | "character varying", 1, "") => SqlType::Varchar(arg(0).unwrap_or_default()),
        ("varchar" | "character varying", 0, "") => SqlType::Custom("varchar".into()),
        ("char" | "character", 1, "") if mysql && arg(0) == Some(36) => SqlType::Uuid,
        // CHAR means CHAR(1) on PostgreSQL and MySQL; `bpchar` is PostgreSQL's internal name.
        ("char" | "character" | "bpchar", 0 | 1, "") => {
            SqlType::Custom(format!("char({})", arg(0).unwrap_or(1)))
        }
        ("bytea" | "blob", 0, "") => SqlType::Blob,
        ("tinyblob" | "mediumblob" | "longblob", 0, "") if mysql => SqlType::Blob,
        ("numeric" | "decimal", 0, "") => SqlType::Decimal {
            precision: None,
            scale: None,
        },
        ("numeric" | "decimal", 1 | 2, "") => SqlType::Decimal {
            precision: arg(0),
            scale: arg(1),
        },
        ("date", 0, "") => SqlType::Date,
        // MySQL/MariaDB: retort's TIME and DATETIME are TIME(6)/DATETIME(6); the fractional
        // digits are not compared (as for the neutral types).
        ("time", _, "") if mysql => SqlType::Time,
        ("time" | "time without time zone", 0, "") => SqlType::Time,
        ("time" | "time without time zone", 1, "") => SqlType::Custom(p_suffix("time")),
        ("timetz" | "time with time zone", 0 | 1, "") => SqlType::Custom(p_suffix("timetz")),
        ("timestamp" | "datetime", _, "") if mysql => SqlType::Timestamp {
            with_time_zone: false,
        },
        ("timestamp" | "timestamp without time zone", 0, "") => SqlType::Timestamp {
            with_time_zone: false,
        },
        ("timestamp" | "timestamp without time zone", 1, "") => {
            SqlType::Custom(p_suffix("timestamp"))
        }
        ("datetime", _, "") if !pg => SqlType::Timestamp {
            with_time_zone: false,
        },
        ("timestamptz" | "timestamp with time zone", 0, "") => SqlType::Timestamp {
            with_time_zone: true,
        },
        ("timestamptz" | "timestamp with time zone", 1, "") => {
            SqlType::Custom(p_suffix("timestamptz"))
        }
        ("uuid", 0, "") => SqlType::Uuid,
        ("json", 0, "") => SqlType::Json { binary: false },
        ("jsonb", 0, "") => SqlType::Json { binary: true },
        _ => SqlType::Custom(lower),
    };
    ty
}

/// Splits `base(args) rest` into the base name, its numeric arguments and the rest:
/// `numeric(10, 2)` -> (`numeric`, [10, 2], ``); `int(10) unsigned` -> (`int`, [10],
/// `unsigned`). `None` when the parenthesized part is not a list of numbers. `s` is lowercase
/// with single spaces.
fn split_type(s: &str) -> Option<(String, Vec<u32>, String)> {
    match s.find('(') {
        None => Some((s.to_string(), Vec::new(), String::new())),
        Some(i) => {
            let close = s[i..].find(')')? + i;
            let mut args = Vec::new();
            for a in s[i + 1..close].split(',') {
                args.push(a.trim().parse::<u32>().ok()?);
            }
            Some((
                s[..i].trim().to_string(),
                args,
                s[close + 1..].trim().to_string(),
            ))
        }
    }
}

/// Whether two types are the same on dialect `d` once normalized (`int4` and `Integer`,
/// `tinyint(1)` and `Boolean` on MySQL, `LONGTEXT` and `Text`, `NUMERIC(8,0)` and `NUMERIC(8)`,
/// enum names on MySQL/SQLite, the JSON binary flag outside PostgreSQL, ...).
pub fn same_type(a: &SqlType, b: &SqlType, d: Dialect) -> bool {
    canon_type(a, d) == canon_type(b, d)
}

/// A default expression in canonical form.
#[derive(Clone, Debug, PartialEq)]
enum Def {
    Null,
    Bool(bool),
    Num(String),
    Str(String),
    Expr(String),
}

/// Whether two server defaults are the same for a column of type `ty` on dialect `d`:
/// `None` and `NULL`; outer parentheses (`(CURRENT_TIMESTAMP)`); PostgreSQL casts
/// (`'x'::text`, `'0'::numeric`); `now()`, `CURRENT_TIMESTAMP`, `current_timestamp()`;
/// `false`, `'false'`, `0` on a boolean; `0` and `'0'`; MySQL's unquoted literals (`draft`).
pub fn same_default(a: Option<&str>, b: Option<&str>, ty: &SqlType, d: Dialect) -> bool {
    canon_default(a, ty, d) == canon_default(b, ty, d)
}

fn canon_default(e: Option<&str>, ty: &SqlType, d: Dialect) -> Def {
    let Some(raw) = e else { return Def::Null };
    let mut s = raw.trim().to_string();
    loop {
        let before = s.clone();
        s = strip_outer_parens(&s, d).trim().to_string();
        if d == Dialect::Postgres {
            s = strip_trailing_cast(&s).trim().to_string();
        }
        if s == before {
            break;
        }
    }
    if s.is_empty() {
        return Def::Null;
    }
    let lower = s.to_ascii_lowercase();
    let mut def = if lower == "null" {
        Def::Null
    } else if lower == "true" {
        Def::Bool(true)
    } else if lower == "false" {
        Def::Bool(false)
    } else if let Some(n) = canon_number(&s) {
        Def::Num(n)
    } else if let Some(body) = single_string(&s, d) {
        Def::Str(body)
    } else {
        let e = normalize_expr_in(&s, d);
        // MySQL/MariaDB spell a fractional-seconds timestamp default `current_timestamp(6)`.
        let compact = strip_precision_arg(&e.replace(' ', ""));
        match compact.as_str() {
            "now()"
            | "current_timestamp"
            | "current_timestamp()"
            | "transaction_timestamp()"
            | "localtimestamp"
            | "localtimestamp()"
            | "now"
            | "sysdate()" => Def::Expr("current_timestamp".into()),
            "current_date" | "current_date()" | "curdate()" => Def::Expr("current_date".into()),
            "current_time" | "current_time()" | "curtime()" => Def::Expr("current_time".into()),
            _ if d == Dialect::Mysql && !s.contains('(') && !s.contains('\'') => {
                // MySQL 8 reports literal defaults unquoted.
                Def::Str(s.clone())
            }
            _ => Def::Expr(e),
        }
    };
    let base = canon_type(ty, d);
    def = match (base, def) {
        (SqlType::Boolean, Def::Num(n)) if n == "0" || n == "1" => Def::Bool(n == "1"),
        (SqlType::Boolean, Def::Str(s)) => match s.to_ascii_lowercase().as_str() {
            "t" | "true" | "1" | "y" | "yes" | "on" => Def::Bool(true),
            "f" | "false" | "0" | "n" | "no" | "off" => Def::Bool(false),
            _ => Def::Str(s),
        },
        (SqlType::Boolean, Def::Expr(x)) if x == "b'1'" || x == "b'0'" => Def::Bool(x == "b'1'"),
        (
            SqlType::SmallInt
            | SqlType::Integer
            | SqlType::BigInt
            | SqlType::Real
            | SqlType::Double
            | SqlType::Decimal { .. },
            Def::Str(s),
        ) => match canon_number(s.trim()) {
            Some(n) => Def::Num(n),
            None => Def::Str(s),
        },
        (
            SqlType::Text | SqlType::Varchar(_) | SqlType::Enum { .. } | SqlType::Uuid,
            Def::Num(n),
        ) => Def::Str(n),
        (SqlType::Text | SqlType::Varchar(_) | SqlType::Enum { .. }, Def::Bool(b))
            if d == Dialect::Mysql =>
        {
            Def::Str(b.to_string())
        }
        (_, def) => def,
    };
    def
}

/// `(x)` -> `x` when the parentheses wrap the whole expression.
pub(crate) fn strip_outer_parens(s: &str, d: Dialect) -> &str {
    let t = s.trim();
    match retort_sqllex::parenthesized_inner(t, d.into()) {
        Some(inner) => &t[inner],
        None => t,
    }
}

/// PostgreSQL: `'x'::character varying` -> `'x'`, `'{}'::text[]` -> `'{}'`.
fn strip_trailing_cast(s: &str) -> &str {
    // The last `::` outside string literals and quoted names.
    let toks = lex(s, LexDialect::Postgres);
    let Some(cast) = toks.iter().rev().find(|t| t.is_punct("::")) else {
        return s;
    };
    let ty = &s[cast.end()..];
    let ok = ty.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(c, ' ' | '_' | '"' | '[' | ']' | '(' | ')' | ',' | '.')
    });
    if ok {
        &s[..cast.start]
    } else {
        s
    }
}

fn canon_number(s: &str) -> Option<String> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if body.is_empty() || !body.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    if body.matches('.').count() > 1 || body == "." {
        return None;
    }
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let int = if int.is_empty() { "0" } else { int };
    let mut out = String::new();
    if neg && !(int == "0" && frac.is_empty()) {
        out.push('-');
    }
    out.push_str(int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    Some(out)
}

/// The value of `s` if it is exactly one string literal (quotes and escapes resolved by the
/// dialect's rules).
fn single_string(s: &str, d: Dialect) -> Option<String> {
    match significant(s, d.into()).as_slice() {
        [t] if t.is_str() => t.value().map(|v| v.into_owned()),
        _ => None,
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Sym(String),
}

/// The tokens of an expression, lexed by `d`'s rules: words and quoted names lowercased, string
/// literals unescaped, `!=` as `<>` and `==` as `=`.
fn tokenize(s: &str, d: LexDialect) -> Vec<Tok> {
    significant(s, d)
        .into_iter()
        .map(|t| match t.kind {
            Kind::Str { .. } => Tok::Str(t.value().unwrap_or_default().into_owned()),
            Kind::QuotedIdent => Tok::Word(t.value().unwrap_or_default().to_lowercase()),
            Kind::Punct => Tok::Sym(
                match t.text {
                    "!=" => "<>",
                    "==" => "=",
                    x => x,
                }
                .into(),
            ),
            _ => Tok::Word(t.text.to_lowercase()),
        })
        .collect()
}

const GROUPING_AFTER: &[&str] = &[
    "and", "or", "not", "is", "like", "between", "when", "then", "else", "case", "exists",
];

/// A CHECK expression or index predicate in a canonical form: keywords and identifiers
/// lowercased, identifier quotes removed, whitespace and comments normalized away, grouping
/// parentheses and PostgreSQL casts removed, `= ANY (ARRAY[..])` read as `IN (..)`, `!=` as
/// `<>`. The text is read with the neutral lexer rules (`"x"`, `` `x` `` and `[x]` are names);
/// [`normalize_expr_in`] reads it as one database writes it.
pub fn normalize_expr(s: &str) -> String {
    normalize_tokens(tokenize(s, LexDialect::Neutral))
}

/// [`normalize_expr`] for an expression as dialect `d` writes it (MySQL's `"x"` is a string,
/// its `'it\'s'` the same string as `'it''s'`; PostgreSQL's `E'..'` and `$$..$$` are strings).
pub fn normalize_expr_in(s: &str, d: Dialect) -> String {
    normalize_tokens(tokenize(s, d.into()))
}

fn normalize_tokens(mut toks: Vec<Tok>) -> String {
    // MySQL/MariaDB store `length(x)` as `octet_length(x)` (they are the same function there)
    // and `character_length` as `char_length`.
    for i in 0..toks.len() {
        let next_is_paren = toks.get(i + 1) == Some(&Tok::Sym("(".into()));
        if let Tok::Word(w) = &toks[i] {
            let canon = match w.as_str() {
                "octet_length" if next_is_paren => Some("length"),
                "character_length" if next_is_paren => Some("char_length"),
                _ => None,
            };
            if let Some(c) = canon {
                toks[i] = Tok::Word(c.into());
            }
        }
    }
    // Drop casts: `::` followed by a type name (words, optional `(n)` and `[]`).
    let mut no_cast = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if toks[i] == Tok::Sym("::".into()) {
            i += 1;
            while let Some(Tok::Word(_)) = toks.get(i) {
                i += 1;
            }
            if toks.get(i) == Some(&Tok::Sym("(".into())) {
                while i < toks.len() && toks[i] != Tok::Sym(")".into()) {
                    i += 1;
                }
                i += 1;
            }
            while toks.get(i) == Some(&Tok::Sym("[".into()))
                && toks.get(i + 1) == Some(&Tok::Sym("]".into()))
            {
                i += 2;
            }
            continue;
        }
        no_cast.push(toks[i].clone());
        i += 1;
    }
    // `= ANY (ARRAY[a, b])` -> `IN (a, b)`; `<> ALL (ARRAY[..])` -> `NOT IN (..)`.
    let mut t = Vec::with_capacity(no_cast.len());
    let mut i = 0;
    let w = |s: &str| Tok::Word(s.into());
    let sym = |s: &str| Tok::Sym(s.into());
    while i < no_cast.len() {
        let pat = |op: &str, q: &str| {
            no_cast.get(i) == Some(&sym(op))
                && no_cast.get(i + 1) == Some(&w(q))
                && no_cast.get(i + 2) == Some(&sym("("))
        };
        let any = pat("=", "any");
        let all = pat("<>", "all");
        if any || all {
            // Skip `(`, optional grouping parens, `array`, `[`.
            let mut j = i + 3;
            while no_cast.get(j) == Some(&sym("(")) {
                j += 1;
            }
            if no_cast.get(j) == Some(&w("array")) && no_cast.get(j + 1) == Some(&sym("[")) {
                let mut k = j + 2;
                let mut items = Vec::new();
                while k < no_cast.len() && no_cast[k] != sym("]") {
                    items.push(no_cast[k].clone());
                    k += 1;
                }
                k += 1;
                while no_cast.get(k) == Some(&sym(")")) {
                    k += 1;
                }
                if all {
                    t.push(w("not"));
                }
                t.push(w("in"));
                t.push(sym("("));
                t.extend(items);
                t.push(sym(")"));
                i = k;
                continue;
            }
        }
        t.push(no_cast[i].clone());
        i += 1;
    }
    // Drop grouping parentheses, keep call and IN-list parentheses.
    let mut keep_stack: Vec<bool> = Vec::new();
    let mut out: Vec<Tok> = Vec::with_capacity(t.len());
    for tok in t {
        match &tok {
            Tok::Sym(p) if p == "(" => {
                let call = matches!(out.last(), Some(Tok::Word(wd)) if !GROUPING_AFTER.contains(&wd.as_str()));
                keep_stack.push(call);
                if call {
                    out.push(tok);
                }
            }
            Tok::Sym(p) if p == ")" => {
                if keep_stack.pop().unwrap_or(false) {
                    out.push(tok);
                }
            }
            _ => out.push(tok),
        }
    }
    // PostgreSQL writes `-100` as `'-100'::integer` (the cast is gone by now): a quoted number
    // is the number, and a unary minus belongs to its number.
    let is_num = |x: &str| {
        let x = x.strip_prefix('-').unwrap_or(x);
        !x.is_empty()
            && x.chars().all(|c| c.is_ascii_digit() || c == '.')
            && x.chars().any(|c| c.is_ascii_digit())
    };
    let mut merged: Vec<Tok> = Vec::with_capacity(out.len());
    let mut k = 0;
    while k < out.len() {
        match &out[k] {
            Tok::Str(b) if is_num(b) => merged.push(Tok::Word(b.clone())),
            Tok::Sym(m) if m == "-" => {
                let unary = match merged.last() {
                    None => true,
                    Some(Tok::Sym(p)) => p != ")",
                    Some(Tok::Word(w)) => GROUPING_AFTER.contains(&w.as_str()),
                    Some(Tok::Str(_)) => false,
                };
                match out.get(k + 1) {
                    Some(Tok::Word(n)) if unary && is_num(n) => {
                        merged.push(Tok::Word(format!("-{n}")));
                        k += 1;
                    }
                    _ => merged.push(out[k].clone()),
                }
            }
            other => merged.push(other.clone()),
        }
        k += 1;
    }
    let out = merged;
    let mut s = String::new();
    for tok in out {
        let piece = match tok {
            Tok::Word(w) => w,
            Tok::Str(b) => format!("'{}'", b.replace('\'', "''")),
            Tok::Sym(x) => x,
        };
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(&piece);
    }
    s
}

/// A decimal type's digits before the point (`None`: the database's default precision) and its
/// scale (0 when not given); `(None, 0)` for any other type.
pub(crate) fn decimal_digits(t: &SqlType) -> (Option<u32>, u32) {
    match t {
        SqlType::Decimal { precision, scale } => {
            let s = scale.unwrap_or(0);
            (precision.map(|p| p.saturating_sub(s)), s)
        }
        _ => (None, 0),
    }
}

/// Whether changing `from` to `to` can lose information or fail on existing values
/// (anything that is not a known widening).
pub(crate) fn is_narrowing(from: &SqlType, to: &SqlType, d: Dialect) -> bool {
    let (f, t) = (canon_type(from, d), canon_type(to, d));
    use SqlType::*;
    let rank = |x: &SqlType| match x {
        SmallInt => Some(1),
        Integer => Some(2),
        BigInt => Some(3),
        _ => None,
    };
    let widening = match (&f, &t) {
        _ if f == t => true,
        (a, b) if rank(a).is_some() && rank(b).is_some() => rank(a) <= rank(b),
        (SmallInt | Integer, Double | Decimal { .. }) => true,
        (Real, Double) => true,
        (Varchar(a), Varchar(b)) => a <= b,
        (Varchar(_), Text) => true,
        (_, Text) => true,
        (Timestamp { .. }, Timestamp { .. }) => true,
        (Date, Timestamp { .. }) => true,
        (Json { .. }, Json { .. }) => true,
        (Decimal { .. }, Decimal { .. }) => {
            let ((i1, s1), (i2, s2)) = (decimal_digits(&f), decimal_digits(&t));
            match (i1, i2) {
                (_, None) => true,
                (None, Some(_)) => false,
                (Some(i1), Some(i2)) => s2 >= s1 && i2 >= i1,
            }
        }
        (Enum { values: a, .. }, Enum { values: b, .. }) => a.iter().all(|v| b.contains(v)),
        _ => false,
    };
    !widening
}

/// `current_timestamp(6)` -> `current_timestamp()`, `now(3)` -> `now()`: the precision argument of
/// a timestamp function does not change which default it is.
fn strip_precision_arg(e: &str) -> String {
    if let Some(open) = e.find('(') {
        let (name, rest) = e.split_at(open);
        let inner = &rest[1..rest.len().saturating_sub(1)];
        let timestamp_fn = matches!(
            name,
            "current_timestamp" | "now" | "localtimestamp" | "current_time" | "localtime"
        );
        if timestamp_fn
            && rest.ends_with(')')
            && !inner.is_empty()
            && inner.bytes().all(|b| b.is_ascii_digit())
        {
            return format!("{name}()");
        }
    }
    e.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_normalize() {
        assert_eq!(normalize_expr("(age >= 0)"), normalize_expr("age>=0"));
        assert_eq!(
            normalize_expr("((\"age\" >= 0) AND (age < 200))"),
            normalize_expr("age >= 0 and age < 200")
        );
        assert_eq!(
            normalize_expr(
                "((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))"
            ),
            normalize_expr("status IN ('a', 'b')")
        );
        assert_eq!(normalize_expr("length(name) > 0"), "length ( name ) > 0");
        assert_ne!(normalize_expr("age > 0"), normalize_expr("age > 1"));
        assert_ne!(normalize_expr("note = 'A'"), normalize_expr("note = 'a'"));
    }

    /// Where the scanners this replaced disagreed with the databases: a backslash-escaped quote
    /// (MySQL), `"..."` strings (MySQL), `E'..'` and dollar quotes (PostgreSQL), comments, and
    /// qualified names quoted or not.
    #[test]
    fn dialect_quote_rules() {
        let my = Dialect::Mysql;
        assert_eq!(
            normalize_expr_in(r"name <> 'it\'s'", my),
            normalize_expr_in("`name` <> 'it''s'", my)
        );
        assert_eq!(
            normalize_expr_in(r#"status = "a""#, my),
            normalize_expr_in("`status` = 'a'", my)
        );
        assert_ne!(
            normalize_expr_in(r#"status = "a""#, my),
            normalize_expr_in("status = a", my)
        );
        let pg = Dialect::Postgres;
        assert_eq!(
            normalize_expr_in(r"note <> E'it\'s'", pg),
            normalize_expr_in("note <> 'it''s'", pg)
        );
        assert_eq!(
            normalize_expr_in("note <> $$x$$ /* (why) */", pg),
            normalize_expr_in("note <> 'x'", pg)
        );
        assert_eq!(normalize_expr(r#""t"."a" > 0"#), normalize_expr("t.a > 0"));
        assert!(same_default(
            Some(r#""x""#),
            Some("'x'"),
            &SqlType::Text,
            my
        ));
        assert!(same_default(
            Some(r"E'a\'b'"),
            Some("'a''b'"),
            &SqlType::Text,
            pg
        ));
        assert!(same_default(
            Some("('a)b')"),
            Some("'a)b'"),
            &SqlType::Text,
            Dialect::Sqlite
        ));
    }

    #[test]
    fn numbers_are_canonical() {
        assert_eq!(canon_number("0.00").as_deref(), Some("0"));
        assert_eq!(canon_number("-1.50").as_deref(), Some("-1.5"));
        assert_eq!(canon_number("007").as_deref(), Some("7"));
        assert_eq!(canon_number("abc"), None);
    }
}
