//! Small, dialect-neutral helpers for SQL expressions kept in the model (CHECK expressions,
//! partial-index predicates).

/// The lexer's rules for a dialect (the one SQL lexer, `retort-sqllex`, reads every piece of
/// SQL text retort looks into).
impl From<crate::Dialect> for retort_sqllex::Dialect {
    fn from(d: crate::Dialect) -> Self {
        match d {
            crate::Dialect::Sqlite => retort_sqllex::Dialect::Sqlite,
            crate::Dialect::Postgres => retort_sqllex::Dialect::Postgres,
            crate::Dialect::Mysql => retort_sqllex::Dialect::Mysql,
        }
    }
}

/// Rewrites references to column `old` as `new` in a SQL expression: bare or quoted
/// identifiers (`"old"`, `` `old` ``) are replaced, string literals and function names
/// (`old(...)`) are left alone. `quote` spells the new name. The expression is read with the
/// neutral lexer rules (`retort_sqllex::Dialect::Neutral`): comments are kept as written.
pub fn rename_column_in_expr(
    expr: &str,
    old: &str,
    new: &str,
    quote: &dyn Fn(&str) -> String,
) -> String {
    use retort_sqllex::Kind;
    let toks = retort_sqllex::lex(expr, retort_sqllex::Dialect::Neutral);
    let mut out = String::with_capacity(expr.len());
    for (i, t) in toks.iter().enumerate() {
        let is_call = || {
            toks[i + 1..]
                .iter()
                .find(|n| n.kind != Kind::Whitespace)
                .is_some_and(|n| n.is_punct("("))
        };
        let renamed = match t.kind {
            Kind::QuotedIdent => t.value().is_some_and(|v| v == old),
            Kind::Word => t.text.eq_ignore_ascii_case(old) && !is_call(),
            _ => false,
        };
        if renamed {
            out.push_str(&quote(new));
        } else {
            out.push_str(t.text);
        }
    }
    out
}

/// Whether the expression refers to column `name` (bare or quoted; not in a string literal or
/// as a function name).
pub fn references_column(expr: &str, name: &str) -> bool {
    // Renaming to a name that cannot occur in SQL text shows whether anything was renamed.
    rename_column_in_expr(expr, name, "\u{0}", &|n| n.to_string()).contains('\u{0}')
}

/// The neutral spelling used by [`crate::Op::apply`]: bare when the name is a plain lowercase
/// identifier, double-quoted otherwise.
pub fn neutral_quote(name: &str) -> String {
    let plain = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if plain {
        name.to_string()
    } else {
        format!("\"{}\"", name.replace('"', "\"\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_identifiers_not_literals_or_functions() {
        let cases = [
            // (expression, old, new, renamed)
            (
                "age >= 0 AND note <> 'age'",
                "age",
                "years",
                "years >= 0 AND note <> 'age'",
            ),
            ("length(length) > 0", "length", "n", "length(n) > 0"),
            ("\"a b\" > 0", "a b", "Mixed", "\"Mixed\" > 0"),
            // Where the hand-written scanner this replaced disagreed with the lexer: it
            // renamed inside comments and did not know SQLite's `[name]` quotes.
            (
                "age > 0 -- age in years",
                "age",
                "years",
                "years > 0 -- age in years",
            ),
            ("/* age */ [age] > 0", "age", "years", "/* age */ years > 0"),
        ];
        for (expr, old, new, want) in cases {
            assert_eq!(rename_column_in_expr(expr, old, new, &neutral_quote), want);
        }
        assert!(!references_column("x > 0 /* age */", "age"));
        assert!(references_column("x > 0 AND `age` < 3", "age"));
    }
}
