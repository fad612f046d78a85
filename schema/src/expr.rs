//! Small, dialect-neutral helpers for SQL expressions kept in the model (CHECK expressions,
//! partial-index predicates).

/// Rewrites references to column `old` as `new` in a SQL expression: bare or quoted
/// identifiers (`"old"`, `` `old` ``) are replaced, string literals and function names
/// (`old(...)`) are left alone. `quote` spells the new name.
pub fn rename_column_in_expr(
    expr: &str,
    old: &str,
    new: &str,
    quote: &dyn Fn(&str) -> String,
) -> String {
    let chars: Vec<char> = expr.chars().collect();
    let mut out = String::with_capacity(expr.len());
    let mut i = 0;
    let next_is_paren = |mut j: usize| {
        while j < chars.len() && chars[j].is_whitespace() {
            j += 1;
        }
        chars.get(j) == Some(&'(')
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let start = i;
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                i += 1;
            }
            out.extend(&chars[start..i]);
        } else if c == '"' || c == '`' {
            let start = i;
            let mut name = String::new();
            i += 1;
            while i < chars.len() {
                if chars[i] == c {
                    if chars.get(i + 1) == Some(&c) {
                        name.push(c);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    break;
                }
                name.push(chars[i]);
                i += 1;
            }
            if name == old {
                out.push_str(&quote(new));
            } else {
                out.extend(&chars[start..i]);
            }
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if word.eq_ignore_ascii_case(old) && !next_is_paren(i) {
                out.push_str(&quote(new));
            } else {
                out.push_str(&word);
            }
        } else {
            out.push(c);
            i += 1;
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
        let q = &neutral_quote;
        assert_eq!(
            rename_column_in_expr("age >= 0 AND note <> 'age'", "age", "years", q),
            "years >= 0 AND note <> 'age'"
        );
        assert_eq!(
            rename_column_in_expr("length(length) > 0", "length", "n", q),
            "length(n) > 0"
        );
        assert_eq!(
            rename_column_in_expr("\"a b\" > 0", "a b", "Mixed", q),
            "\"Mixed\" > 0"
        );
    }
}
