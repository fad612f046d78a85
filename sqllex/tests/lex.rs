//! Table-driven cases per dialect, and the properties every input keeps.

use proptest::prelude::*;
use retort_sqllex::{lex, significant, Dialect, Kind};

const STR: Kind = Kind::Str { backslash: false };
const BSTR: Kind = Kind::Str { backslash: true };

/// The significant tokens of `sql` as (kind, text).
fn toks(sql: &str, d: Dialect) -> Vec<(Kind, &str)> {
    significant(sql, d)
        .into_iter()
        .map(|t| (t.kind, t.text))
        .collect()
}

#[test]
fn cases_per_dialect() {
    use Dialect::*;
    use Kind::*;
    #[allow(clippy::type_complexity)]
    let cases: &[(Dialect, &str, &[(Kind, &str)])] = &[
        // SQLite: three identifier quotes, '' in strings, no backslash escapes.
        (
            Sqlite,
            r#"CREATE TABLE "a ""b" ([c d] INT DEFAULT 'x''y', `e` TEXT)"#,
            &[
                (Word, "CREATE"),
                (Word, "TABLE"),
                (QuotedIdent, r#""a ""b""#),
                (Punct, "("),
                (QuotedIdent, "[c d]"),
                (Word, "INT"),
                (Word, "DEFAULT"),
                (STR, "'x''y'"),
                (Punct, ","),
                (QuotedIdent, "`e`"),
                (Word, "TEXT"),
                (Punct, ")"),
            ],
        ),
        (Sqlite, r"'a\' x", &[(STR, r"'a\'"), (Word, "x")]),
        (Sqlite, "a -- b\n c", &[(Word, "a"), (Word, "c")]),
        (Sqlite, "a # b", &[(Word, "a"), (Punct, "#"), (Word, "b")]),
        // PostgreSQL: E'' strings, dollar quotes, nested comments, casts, ARRAY[..].
        (
            Postgres,
            r"E'it\'s' || 'x'::text",
            &[
                (BSTR, r"E'it\'s'"),
                (Punct, "||"),
                (STR, "'x'"),
                (Punct, "::"),
                (Word, "text"),
            ],
        ),
        (
            Postgres,
            "$fn$ body 'with' $$ $fn$ $$x$$ $1",
            &[
                (STR, "$fn$ body 'with' $$ $fn$"),
                (STR, "$$x$$"),
                (Punct, "$"),
                (Number, "1"),
            ],
        ),
        (
            Postgres,
            "a /* x /* y */ z */ b",
            &[(Word, "a"), (Word, "b")],
        ),
        (
            Postgres,
            "ARRAY['a', 'b']",
            &[
                (Word, "ARRAY"),
                (Punct, "["),
                (STR, "'a'"),
                (Punct, ","),
                (STR, "'b'"),
                (Punct, "]"),
            ],
        ),
        (
            Postgres,
            "a>=1.5e-3",
            &[(Word, "a"), (Punct, ">="), (Number, "1.5e-3")],
        ),
        (Postgres, "`a b` x", &[(QuotedIdent, "`a b`"), (Word, "x")]),
        // MySQL: backslash escapes, "strings", #-comments, `-- ` needs a space.
        (
            Mysql,
            r#"'it\'s' "a\"b" `c``d` # note"#,
            &[
                (BSTR, r"'it\'s'"),
                (BSTR, r#""a\"b""#),
                (QuotedIdent, "`c``d`"),
            ],
        ),
        (
            Mysql,
            "1--2",
            &[(Number, "1"), (Punct, "-"), (Punct, "-"), (Number, "2")],
        ),
        (Mysql, "1 -- 2", &[(Number, "1")]),
        (Mysql, "/*!40101 SET x */ y", &[(Word, "y")]),
        // Neutral: "x" and `x` identifiers, [x] unless it is an array or subscript.
        (
            Neutral,
            "[a b] = x[1]",
            &[
                (QuotedIdent, "[a b]"),
                (Punct, "="),
                (Word, "x"),
                (Punct, "["),
                (Number, "1"),
                (Punct, "]"),
            ],
        ),
        (
            Neutral,
            "`a` <> \"b\"",
            &[(QuotedIdent, "`a`"), (Punct, "<>"), (QuotedIdent, "\"b\"")],
        ),
    ];
    for (d, sql, want) in cases {
        assert_eq!(&toks(sql, *d), want, "{d:?}: {sql}");
    }
}

#[test]
fn values_resolve_quotes_and_escapes() {
    let v = |sql: &str, d| significant(sql, d)[0].value().unwrap().into_owned();
    assert_eq!(v("'x''y'", Dialect::Sqlite), "x'y");
    assert_eq!(v(r"'x\'y'", Dialect::Mysql), "x'y");
    assert_eq!(v(r"'a\nb\\c\%'", Dialect::Mysql), "a\nb\\c\\%");
    assert_eq!(v(r#""q""q""#, Dialect::Mysql), "q\"q");
    assert_eq!(v(r"'a\nb'", Dialect::Postgres), r"a\nb");
    assert_eq!(v(r"e'a\nb'", Dialect::Postgres), "a\nb");
    assert_eq!(v("$t$a'b$t$", Dialect::Postgres), "a'b");
    assert_eq!(v(r#""a""b""#, Dialect::Postgres), "a\"b");
    assert_eq!(v("[a\"b]", Dialect::Sqlite), "a\"b");
    assert_eq!(v("`a``b`", Dialect::Mysql), "a`b");
    assert_eq!(v("word", Dialect::Mysql), "word");
    assert_eq!(significant("(", Dialect::Mysql)[0].value(), None);
}

#[test]
fn unterminated_runs_to_the_end() {
    for d in [
        Dialect::Sqlite,
        Dialect::Postgres,
        Dialect::Mysql,
        Dialect::Neutral,
    ] {
        for sql in ["'abc", "\"abc", "/* abc", "x 'a''"] {
            let t = lex(sql, d);
            assert_eq!(t.last().unwrap().end(), sql.len(), "{d:?} {sql}");
        }
    }
    let t = lex(r"'a\", Dialect::Mysql);
    assert_eq!(t.len(), 1);
}

#[test]
fn spans_are_byte_offsets() {
    let sql = "é = 'ü'";
    let t = lex(sql, Dialect::Postgres);
    assert_eq!(t[0].span(), 0..2);
    assert_eq!(&sql[t[4].span()], "'ü'");
}

fn dialect() -> impl Strategy<Value = Dialect> {
    use Dialect::*;
    prop::sample::select(vec![Sqlite, Postgres, Mysql, Neutral])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    /// Any string: the tokens' texts, in order, are the input, each token non-empty and at
    /// its own offset.
    #[test]
    fn tokens_cover_the_input(sql in any::<String>(), d in dialect()) {
        let toks = lex(&sql, d);
        let mut at = 0;
        for t in &toks {
            prop_assert_eq!(t.start, at);
            prop_assert!(!t.text.is_empty());
            let _ = t.value();
            at = t.end();
        }
        let joined: String = toks.iter().map(|t| t.text).collect();
        prop_assert_eq!(joined, sql);
    }

    /// SQL-shaped strings (quotes, escapes, comment starts, dollars) hit the interesting paths
    /// far more often than arbitrary text.
    #[test]
    fn sql_shaped_input_round_trips(
        sql in proptest::string::string_regex(r#"([a-z$_0-9. ]|'|"|`|\[|\]|\\|--|/\*|\*/|#|\$\$|\$t\$|E'|::|\n|é){0,40}"#).unwrap(),
        d in dialect(),
    ) {
        let joined: String = lex(&sql, d).iter().map(|t| t.text).collect();
        prop_assert_eq!(joined, sql);
    }
}

#[test]
fn whole_expression_shapes() {
    use retort_sqllex::{is_single_string, parenthesized_inner, Dialect};
    for (sql, inner) in [
        ("(1 + 1)", Some("1 + 1")),
        ("(')')", Some("')'")),
        ("((a))", Some("(a)")),
        ("(a) + (b)", None),
        ("f(x)", None),
        ("(a", None),
        ("", None),
    ] {
        let got = parenthesized_inner(sql, Dialect::Neutral).map(|r| &sql[r]);
        assert_eq!(got, inner, "{sql}");
    }
    for (sql, d, single) in [
        ("'x'", Dialect::Neutral, true),
        ("'it''s'", Dialect::Neutral, true),
        ("'", Dialect::Neutral, false),
        ("'a' || 'b'", Dialect::Neutral, false),
        ("\"x\"", Dialect::Mysql, true),
        ("\"x\"", Dialect::Postgres, false),
        ("E'a\\'b'", Dialect::Postgres, true),
        ("$$x$$", Dialect::Postgres, true),
        ("'x' ", Dialect::Neutral, false),
    ] {
        assert_eq!(is_single_string(sql, d), single, "{sql} {d:?}");
    }
}
