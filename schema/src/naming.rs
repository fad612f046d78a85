//! The fixed naming convention for indexes and constraints (DESIGN.md section 2):
//! `pk_<table>`, `uq_<table>_<cols>`, `ix_<table>_<cols>`, `fk_<table>_<cols>_<reftable>`,
//! `ck_<table>_<name>`. Names longer than `max_len` are shortened with a stable hash, so the
//! same model always produces the same name and a generated downgrade can drop what its
//! upgrade created.

/// The longest name that is safe on every supported database (PostgreSQL keeps 63 bytes).
pub const MAX_LEN: usize = 63;

/// `PostTag` -> `post_tag`, `HTTPRequest` -> `http_request`: the derive's default table name for
/// a struct and label for an enum variant, and so also how `pull` names what it generates (one
/// rule, so that pulled models register the names the database has).
pub fn snake_case(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                let prev = chars[i - 1];
                let next_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
                if prev != '_'
                    && (prev.is_lowercase()
                        || prev.is_ascii_digit()
                        || (prev.is_uppercase() && next_lower))
                {
                    out.push('_');
                }
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

pub fn primary_key(table: &str) -> String {
    fit(format!("pk_{table}"))
}

pub fn unique(table: &str, columns: &[impl AsRef<str>]) -> String {
    fit(format!("uq_{table}_{}", join(columns)))
}

pub fn index(table: &str, columns: &[impl AsRef<str>]) -> String {
    fit(format!("ix_{table}_{}", join(columns)))
}

pub fn foreign_key(table: &str, columns: &[impl AsRef<str>], ref_table: &str) -> String {
    fit(format!("fk_{table}_{}_{ref_table}", join(columns)))
}

pub fn check(table: &str, name: &str) -> String {
    fit(format!("ck_{table}_{name}"))
}

fn join(columns: &[impl AsRef<str>]) -> String {
    columns
        .iter()
        .map(|c| c.as_ref())
        .collect::<Vec<_>>()
        .join("_")
}

/// Shortens `name` to at most [`MAX_LEN`] bytes: a prefix, `_`, and 8 hex digits of a stable
/// hash of the whole name. Names that fit are returned unchanged.
pub fn fit(name: String) -> String {
    shorten(name, MAX_LEN)
}

pub fn shorten(name: String, max_len: usize) -> String {
    if name.len() <= max_len {
        return name;
    }
    let hash = format!("{:08x}", fnv1a(name.as_bytes()) as u32);
    let mut cut = max_len - hash.len() - 1;
    while !name.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash}", &name[..cut])
}

/// FNV-1a, 64 bit: stable across platforms and Rust versions (unlike `DefaultHasher`).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Edit distance for "did you mean" suggestions: optimal string alignment (insertions,
/// deletions, substitutions and transpositions of neighbours: `emial` -> `email` is 1).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// The candidate closest to `word` (not `word` itself) within a third of its length (at least
/// one edit), for "did you mean" in the derive's and the registry's errors.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .filter(|c| *c != word)
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= (word.len().max(c.len()) / 3).max(1))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    #[test]
    fn snake_case_is_the_derives_rule() {
        use super::snake_case;
        for (name, want) in [
            ("User", "user"),
            ("PostTag", "post_tag"),
            ("HTTPRequest", "http_request"),
            ("InReview", "in_review"),
            ("Version2Item", "version2_item"),
            ("already_snake", "already_snake"),
        ] {
            assert_eq!(snake_case(name), want, "name {name:?}");
        }
    }

    use super::*;

    #[test]
    fn short_names_follow_the_convention() {
        assert_eq!(primary_key("users"), "pk_users");
        assert_eq!(
            unique("users", &["org_id", "email"]),
            "uq_users_org_id_email"
        );
        assert_eq!(index("posts", &["author_id"]), "ix_posts_author_id");
        assert_eq!(
            foreign_key("posts", &["author_id"], "users"),
            "fk_posts_author_id_users"
        );
        assert_eq!(check("users", "age"), "ck_users_age");
    }

    #[test]
    fn long_names_are_shortened_stably() {
        let cols = [
            "a_really_long_column_name_number_one",
            "a_really_long_column_name_number_two",
        ];
        let a = index("a_table_with_a_long_name", &cols);
        let b = index("a_table_with_a_long_name", &cols);
        assert_eq!(a, b);
        assert!(a.len() <= MAX_LEN, "{a} is {} bytes", a.len());
        assert!(a.starts_with("ix_a_table_with_a_long_name_"));
        let other = index(
            "a_table_with_a_long_name",
            &["a_really_long_column_name_number_one", "x"],
        );
        assert_ne!(a, other);
    }

    #[test]
    fn shortening_respects_char_boundaries() {
        let name = format!("ix_{}", "é".repeat(40));
        let short = shorten(name, 63);
        assert!(short.len() <= 63);
    }
}
