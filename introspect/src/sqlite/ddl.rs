//! SQLite's `CREATE TABLE` / `CREATE INDEX` / `CREATE VIEW` text, read for what the pragmas do
//! not report (constraint names, CHECKs, `AUTOINCREMENT`, `WITHOUT ROWID`, deferrable foreign
//! keys, index predicates, the tables a view names). Pure; tokens from `retort-sqllex` under
//! SQLite's rules.

use crate::common::{
    matching_paren, name_of, split_top_level, string_list, text_of, tokenize, Lex, Token,
};

/// A foreign key as written in `CREATE TABLE`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ParsedFk {
    pub(super) name: Option<String>,
    pub(super) columns: Vec<String>,
    pub(super) ref_table: String,
    pub(super) ref_columns: Vec<String>,
    pub(super) deferrable: bool,
}

/// What `CREATE TABLE` tells that the pragmas do not: constraint names, CHECKs,
/// `AUTOINCREMENT`, `WITHOUT ROWID`, deferrable foreign keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct ParsedTable {
    pub(super) pk_name: Option<String>,
    pub(super) autoincrement: bool,
    pub(super) without_rowid: bool,
    pub(super) uniques: Vec<(Option<String>, Vec<String>)>,
    pub(super) checks: Vec<(Option<String>, String)>,
    pub(super) fks: Vec<ParsedFk>,
}

/// Names (or expression texts) of an index's or constraint's column list (`toks` inside the
/// parentheses): `"a" COLLATE NOCASE DESC, lower(b)` -> [a, lower(b)].
fn column_list(sql: &str, toks: &[Token<'_>]) -> Vec<String> {
    split_top_level(toks)
        .into_iter()
        .map(|item| {
            let plain = item.len() == 1
                || (item.len() > 1
                    && (item[1].is_kw("COLLATE") || item[1].is_kw("ASC") || item[1].is_kw("DESC")));
            match item.first().and_then(name_of) {
                Some(name) if plain && !item[0].is_str() => name,
                _ => text_of(sql, item).to_string(),
            }
        })
        .collect()
}

/// `( cols )` starting at `toks[at]`; returns the columns and the index after `)`.
fn paren_columns(sql: &str, toks: &[Token<'_>], at: usize) -> Option<(Vec<String>, usize)> {
    if !toks.get(at)?.is_punct("(") {
        return None;
    }
    let close = matching_paren(toks, at)?;
    Some((column_list(sql, &toks[at + 1..close]), close + 1))
}

/// `REFERENCES t [(cols)] [ON DELETE ..] [ON UPDATE ..] [MATCH x] [[NOT] DEFERRABLE ..]` at
/// `toks[at]` (the REFERENCES keyword); returns the parsed target and the index after it.
fn references(sql: &str, toks: &[Token<'_>], at: usize) -> (ParsedFk, usize) {
    let mut fk = ParsedFk::default();
    let mut j = at + 1;
    if let Some(t) = toks.get(j).and_then(name_of) {
        fk.ref_table = t;
        j += 1;
    }
    if let Some((cols, next)) = paren_columns(sql, toks, j) {
        fk.ref_columns = cols;
        j = next;
    }
    while let Some(t) = toks.get(j) {
        if t.is_kw("ON") {
            // ON DELETE|UPDATE <action words>
            j += 2;
            while let Some(w) = toks.get(j) {
                if [
                    "SET", "NULL", "DEFAULT", "CASCADE", "RESTRICT", "NO", "ACTION",
                ]
                .iter()
                .any(|k| w.is_kw(k))
                {
                    j += 1;
                } else {
                    break;
                }
            }
        } else if t.is_kw("MATCH")
            || t.is_kw("INITIALLY")
            || (t.is_kw("NOT") && toks.get(j + 1).is_some_and(|x| x.is_kw("DEFERRABLE")))
        {
            // MATCH <name>, INITIALLY DEFERRED|IMMEDIATE, NOT DEFERRABLE
            j += 2;
        } else if t.is_kw("DEFERRABLE") {
            fk.deferrable = true;
            j += 1;
        } else {
            break;
        }
    }
    (fk, j)
}

/// Parses the parts of a `CREATE TABLE` statement that the pragmas do not report.
pub(super) fn parse_create_table(sql: &str) -> ParsedTable {
    let toks = tokenize(sql, Lex::Sqlite);
    let mut out = ParsedTable::default();
    let Some(open) = toks.iter().position(|t| t.is_punct("(")) else {
        return out; // CREATE TABLE .. AS SELECT: nothing declared.
    };
    let Some(close) = matching_paren(&toks, open) else {
        return out;
    };
    let tail = &toks[close + 1..];
    out.without_rowid = tail
        .windows(2)
        .any(|w| w[0].is_kw("WITHOUT") && w[1].is_kw("ROWID"));
    for item in split_top_level(&toks[open + 1..close]) {
        if item.is_empty() {
            continue;
        }
        let table_level = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"]
            .iter()
            .any(|k| item[0].is_kw(k));
        if table_level {
            table_constraint(sql, item, &mut out);
        } else {
            column_constraints(sql, item, &mut out);
        }
    }
    out
}

fn table_constraint(sql: &str, item: &[Token<'_>], out: &mut ParsedTable) {
    let mut j = 0;
    let mut name = None;
    if item[0].is_kw("CONSTRAINT") {
        name = item.get(1).and_then(name_of);
        j = 2;
    }
    let Some(kind) = item.get(j) else { return };
    if kind.is_kw("PRIMARY") {
        out.pk_name = name;
        out.autoincrement |= item.iter().any(|t| t.is_kw("AUTOINCREMENT"));
    } else if kind.is_kw("UNIQUE") {
        if let Some((cols, _)) = paren_columns(sql, item, j + 1) {
            out.uniques.push((name, cols));
        }
    } else if kind.is_kw("CHECK") {
        if item.get(j + 1).is_some_and(|t| t.is_punct("(")) {
            if let Some(c) = matching_paren(item, j + 1) {
                out.checks
                    .push((name, text_of(sql, &item[j + 2..c]).trim().to_string()));
            }
        }
    } else if kind.is_kw("FOREIGN") {
        // FOREIGN KEY (cols) REFERENCES ...
        if let Some((cols, next)) = paren_columns(sql, item, j + 2) {
            if item.get(next).is_some_and(|t| t.is_kw("REFERENCES")) {
                let (mut fk, _) = references(sql, item, next);
                fk.name = name;
                fk.columns = cols;
                out.fks.push(fk);
            }
        }
    }
}

fn column_constraints(sql: &str, item: &[Token<'_>], out: &mut ParsedTable) {
    let Some(column) = name_of(&item[0]) else {
        return;
    };
    let mut pending: Option<String> = None;
    let mut j = 1;
    while j < item.len() {
        let t = &item[j];
        if t.is_kw("CONSTRAINT") {
            pending = item.get(j + 1).and_then(name_of);
            j += 2;
            continue;
        }
        if t.is_kw("PRIMARY") {
            out.pk_name = pending.take();
        } else if t.is_kw("AUTOINCREMENT") {
            out.autoincrement = true;
        } else if t.is_kw("UNIQUE") {
            out.uniques.push((pending.take(), vec![column.clone()]));
        } else if t.is_kw("CHECK") && item.get(j + 1).is_some_and(|x| x.is_punct("(")) {
            if let Some(c) = matching_paren(item, j + 1) {
                out.checks.push((
                    pending.take(),
                    text_of(sql, &item[j + 2..c]).trim().to_string(),
                ));
                j = c + 1;
                continue;
            }
        } else if t.is_kw("REFERENCES") {
            let (mut fk, next) = references(sql, item, j);
            fk.name = pending.take();
            fk.columns = vec![column.clone()];
            out.fks.push(fk);
            j = next;
            continue;
        } else if t.is_punct("(") {
            j = matching_paren(item, j).map_or(item.len(), |c| c + 1);
            continue;
        } else if ["NOT", "NULL", "DEFAULT", "COLLATE", "GENERATED", "AS"]
            .iter()
            .any(|k| t.is_kw(k))
        {
            pending = None;
        }
        j += 1;
    }
}

/// From `CREATE [UNIQUE] INDEX .. ON t (cols) [WHERE pred]`: the column texts and the
/// predicate.
pub(super) fn parse_create_index(sql: &str) -> (Vec<String>, Option<String>) {
    let toks = tokenize(sql, Lex::Sqlite);
    let Some(on) = toks.iter().position(|t| t.is_kw("ON")) else {
        return (Vec::new(), None);
    };
    let Some(open) = toks[on..]
        .iter()
        .position(|t| t.is_punct("("))
        .map(|i| i + on)
    else {
        return (Vec::new(), None);
    };
    let Some((cols, next)) = paren_columns(sql, &toks, open) else {
        return (Vec::new(), None);
    };
    let predicate = match toks.get(next) {
        Some(w) if w.is_kw("WHERE") && next + 1 < toks.len() => {
            Some(text_of(sql, &toks[next + 1..]).trim().to_string())
        }
        _ => None,
    };
    (cols, predicate)
}

/// `"col" IN ('a', 'b')` (the CHECK that stands for an enum) -> the values, if `expr` is
/// exactly that for `column`.
pub(super) fn enum_check_values(expr: &str, column: &str) -> Option<Vec<String>> {
    let toks = tokenize(expr, Lex::Sqlite);
    if toks.len() < 4 || name_of(&toks[0]).as_deref() != Some(column) || !toks[1].is_kw("IN") {
        return None;
    }
    if toks[0].is_str() {
        return None;
    }
    string_list(&toks[2..])
}

/// Every name a statement mentions (bare or quoted), lowercased: the tables a view may read.
pub(super) fn names_in(sql: &str) -> Vec<String> {
    tokenize(sql, Lex::Sqlite)
        .into_iter()
        .filter(|t| {
            matches!(
                t.kind,
                retort_sqllex::Kind::Word | retort_sqllex::Kind::QuotedIdent
            )
        })
        .filter_map(|t| name_of(&t).map(|n| n.to_lowercase()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn create_table_constraints_are_parsed() {
        let sql = r#"CREATE TABLE "order" (
    "id" INTEGER NOT NULL CONSTRAINT "pk_order" PRIMARY KEY AUTOINCREMENT,
    "status" TEXT NOT NULL DEFAULT 'new' CONSTRAINT "ck_order_status_enum" CHECK ("status" IN ('new', 'it''s')),
    "user_id" BIGINT CONSTRAINT fk_inline REFERENCES users(id) ON DELETE CASCADE,
    "Mixed Case" VARCHAR(10) UNIQUE CHECK (length("Mixed Case") > 1),
    note TEXT DEFAULT ('a,b'),
    CONSTRAINT "uq_order_a_b" UNIQUE ("status", "Mixed Case"),
    CONSTRAINT "ck_order_pos" CHECK (id > 0 AND (note <> ')')),
    CHECK (1 = 1),
    CONSTRAINT "fk_order_x" FOREIGN KEY ("user_id", "note") REFERENCES "users" ("id", "n") ON UPDATE SET NULL DEFERRABLE INITIALLY DEFERRED
)"#;
        let p = parse_create_table(sql);
        assert_eq!(p.pk_name.as_deref(), Some("pk_order"));
        assert!(p.autoincrement);
        assert!(!p.without_rowid);
        assert_eq!(
            p.uniques,
            vec![
                (None, vec!["Mixed Case".to_string()]),
                (
                    Some("uq_order_a_b".to_string()),
                    vec!["status".to_string(), "Mixed Case".to_string()]
                )
            ]
        );
        assert_eq!(
            p.checks,
            vec![
                (
                    Some("ck_order_status_enum".to_string()),
                    r#""status" IN ('new', 'it''s')"#.to_string()
                ),
                (None, r#"length("Mixed Case") > 1"#.to_string()),
                (
                    Some("ck_order_pos".to_string()),
                    "id > 0 AND (note <> ')')".to_string()
                ),
                (None, "1 = 1".to_string()),
            ]
        );
        assert_eq!(
            p.fks,
            vec![
                ParsedFk {
                    name: Some("fk_inline".into()),
                    columns: vec!["user_id".into()],
                    ref_table: "users".into(),
                    ref_columns: vec!["id".into()],
                    deferrable: false,
                },
                ParsedFk {
                    name: Some("fk_order_x".into()),
                    columns: vec!["user_id".into(), "note".into()],
                    ref_table: "users".into(),
                    ref_columns: vec!["id".into(), "n".into()],
                    deferrable: true,
                },
            ]
        );
    }

    #[test]
    fn without_rowid_and_table_level_pk() {
        let p = parse_create_table(
            "CREATE TABLE t (a INT, b INT, CONSTRAINT pk_t PRIMARY KEY (a, b)) WITHOUT ROWID",
        );
        assert!(p.without_rowid);
        assert_eq!(p.pk_name.as_deref(), Some("pk_t"));
        assert!(!p.autoincrement);
        assert_eq!(
            parse_create_table("CREATE TABLE t AS SELECT 1"),
            ParsedTable::default()
        );
    }

    #[test]
    fn index_predicates_and_expressions() {
        assert_eq!(
            parse_create_index(
                r#"CREATE INDEX "ix_a" ON "t" ("b" DESC, lower(c), "d e") WHERE "b" IS NOT NULL AND c = 'x'"#
            ),
            (
                vec!["b".to_string(), "lower(c)".to_string(), "d e".to_string()],
                Some(r#""b" IS NOT NULL AND c = 'x'"#.to_string())
            )
        );
        assert_eq!(
            parse_create_index("CREATE UNIQUE INDEX ix ON t(a)"),
            (vec!["a".to_string()], None)
        );
    }

    #[test]
    fn enum_checks() {
        assert_eq!(
            enum_check_values(r#""status" IN ('a', 'b''c')"#, "status"),
            Some(vec!["a".to_string(), "b'c".to_string()])
        );
        assert_eq!(
            enum_check_values("status IN ('a')", "status").map(|v| v.len()),
            Some(1)
        );
        assert_eq!(enum_check_values(r#""other" IN ('a')"#, "status"), None);
        assert_eq!(enum_check_values(r#""status" IN ('a', 1)"#, "status"), None);
        assert_eq!(enum_check_values(r#""status" = 'a'"#, "status"), None);
    }
}
