//! The `//!` header block of a migration script (parsed here; written by `retort-codegen`),
//! revision ids and file hashes.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

/// Longest accepted revision id: the version table's `version_num` is `VARCHAR(255)`.
pub const MAX_REVISION_ID_LEN: usize = 255;

const KEY_REVISION: &str = "Revision ID";
const KEY_REVISES: &str = "Revises";
const KEY_LABELS: &str = "Branch labels";
const KEY_DEPENDS: &str = "Depends on";
const KEY_DATE: &str = "Create date";
/// The header's keys, in the order a script writes them after the message (`Revision ID`,
/// `Revises`, `Branch labels`, `Depends on`, `Create date`).
pub const HEADER_KEYS: [&str; 5] = [KEY_REVISION, KEY_REVISES, KEY_LABELS, KEY_DEPENDS, KEY_DATE];

/// Symbols that can never be a revision id or a branch label.
const RESERVED: [&str; 4] = ["head", "heads", "base", "current"];

/// The metadata of one migration script, as written in its `//!` header block.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Header {
    /// The revision id (`Revision ID:`).
    pub revision: String,
    /// The parent revisions (`Revises:`): empty for a base, several for a merge.
    pub down_revisions: Vec<String>,
    /// Branch labels declared by this revision (`Branch labels:`).
    pub branch_labels: Vec<String>,
    /// Revisions (or branch labels) this one depends on without being their child
    /// (`Depends on:`).
    pub depends_on: Vec<String>,
    /// The message: the header's first line(s).
    pub message: String,
    /// `Create date:` as written (free text, e.g. `2026-11-25 08:00:00 UTC`).
    pub create_date: String,
}

/// A header that cannot be read. Line numbers are 1-based lines of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HeaderError {
    /// The file does not start with a `//!` block.
    #[error(
        "the file does not start with a `//!` header block (message, then `Revision ID:`, \
         `Revises:`, `Branch labels:`, `Depends on:`, `Create date:` lines)"
    )]
    NoHeader,
    /// A line of the header is malformed.
    #[error("line {line}: {message}")]
    Line {
        /// 1-based line number in the file.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// A required key is absent.
    #[error(
        "the header has no `{key}:` line; add one (`Revises:` stays empty for a base revision)"
    )]
    MissingKey {
        /// The missing key.
        key: &'static str,
    },
}

fn line_err(line: usize, message: impl Into<String>) -> HeaderError {
    HeaderError::Line {
        line,
        message: message.into(),
    }
}

/// The leading `//!` lines of a script, verbatim (each with its line break), or `""` if the
/// file has none. This is the text `retort-build` compiles in next to each script.
pub fn header_block(source: &str) -> &str {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut end = 0;
    for line in source.split_inclusive('\n') {
        if line.trim_start().starts_with("//!") {
            end += line.len();
        } else {
            break;
        }
    }
    &source[..end]
}

/// Parses the `//!` header block at the top of a migration script.
///
/// The block is: the message (one or more lines), then `Key: value` lines. `Revision ID:` and
/// `Revises:` are required; `Branch labels:`, `Depends on:` and `Create date:` are optional.
/// Lists are comma-separated. Lines after the block are ignored.
pub fn parse_header(source: &str) -> Result<Header, HeaderError> {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let mut lines: Vec<(usize, &str)> = Vec::new();
    for (i, raw) in source.lines().enumerate() {
        let t = raw.trim_start();
        match t.strip_prefix("//!") {
            Some(rest) => lines.push((i + 1, rest.strip_prefix(' ').unwrap_or(rest).trim_end())),
            None => break,
        }
    }
    if lines.is_empty() {
        return Err(HeaderError::NoHeader);
    }
    // The keys start at the first key line that opens a paragraph and is followed only by
    // key lines (so a message paragraph such as "Revises: the users table" stays message);
    // failing that, at the first key line (then a bad line among the keys is reported).
    let is_key = |l: &str| split_key(l).is_some();
    let key_block = (0..lines.len()).find(|&k| {
        is_key(lines[k].1)
            && (k == 0 || lines[k - 1].1.is_empty())
            && lines[k..].iter().all(|(_, l)| l.is_empty() || is_key(l))
    });
    let first_key = key_block.or_else(|| lines.iter().position(|(_, l)| is_key(l)));
    let Some(first_key) = first_key else {
        return Err(HeaderError::MissingKey { key: KEY_REVISION });
    };
    let message_lines: Vec<&str> = lines[..first_key].iter().map(|(_, l)| *l).collect();
    let mut h = Header {
        message: normalize_message(&message_lines.join("\n")),
        ..Header::default()
    };
    let mut seen: [Option<usize>; 5] = [None; 5];
    for &(line, text) in &lines[first_key..] {
        if text.is_empty() {
            continue;
        }
        let Some((key_index, value)) = split_key(text) else {
            let looks_like_key = text
                .split_once(':')
                .map(|(k, _)| !k.is_empty() && k.len() < 30 && !k.contains('`'))
                .unwrap_or(false);
            let what = if looks_like_key {
                "unknown header key"
            } else {
                "expected a `Key: value` line"
            };
            return Err(line_err(
                line,
                format!(
                    "{what} `{text}`; the keys are {} (the message goes above them)",
                    HEADER_KEYS.map(|k| format!("`{k}:`")).join(", ")
                ),
            ));
        };
        let key = HEADER_KEYS[key_index];
        if let Some(prev) = seen[key_index] {
            return Err(line_err(
                line,
                format!("`{key}:` appears twice (first on line {prev})"),
            ));
        }
        seen[key_index] = Some(line);
        match key {
            KEY_REVISION => {
                if value.is_empty() {
                    return Err(line_err(line, "`Revision ID:` is empty"));
                }
                validate_revision_id(value)
                    .map_err(|e| line_err(line, format!("`Revision ID:` {e}")))?;
                h.revision = value.to_string();
            }
            KEY_REVISES => {
                h.down_revisions = parse_list(line, key, value, validate_revision_id)?;
            }
            KEY_LABELS => {
                h.branch_labels = parse_list(line, key, value, validate_branch_label)?;
            }
            KEY_DEPENDS => {
                h.depends_on = parse_list(line, key, value, validate_revision_id)?;
            }
            _ => h.create_date = value.to_string(),
        }
    }
    if seen[0].is_none() {
        return Err(HeaderError::MissingKey { key: KEY_REVISION });
    }
    if seen[1].is_none() {
        return Err(HeaderError::MissingKey { key: KEY_REVISES });
    }
    Ok(h)
}

/// `Some((key index, trimmed value))` if `text` is one of the known `Key: value` lines
/// (key matched case-insensitively).
fn split_key(text: &str) -> Option<(usize, &str)> {
    let (k, v) = text.split_once(':')?;
    let k = k.trim();
    HEADER_KEYS
        .iter()
        .position(|key| key.eq_ignore_ascii_case(k))
        .map(|i| (i, v.trim()))
}

fn parse_list(
    line: usize,
    key: &str,
    value: &str,
    check: fn(&str) -> Result<(), String>,
) -> Result<Vec<String>, HeaderError> {
    if value.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<String> = Vec::new();
    for item in value.split(',') {
        let item = item.trim();
        if item.is_empty() {
            return Err(line_err(
                line,
                format!("`{key}:` has an empty item in `{value}`; separate items with `, `"),
            ));
        }
        check(item).map_err(|e| line_err(line, format!("`{key}:` {e}")))?;
        if out.iter().any(|o| o == item) {
            return Err(line_err(line, format!("`{key}:` lists `{item}` twice")));
        }
        out.push(item.to_string());
    }
    Ok(out)
}

/// The message as a header stores it: trailing spaces and surrounding blank lines dropped.
pub fn normalize_message(message: &str) -> String {
    let lines: Vec<&str> = message.lines().map(str::trim_end).collect();
    let start = lines
        .iter()
        .position(|l| !l.is_empty())
        .unwrap_or(lines.len());
    let end = lines
        .iter()
        .rposition(|l| !l.is_empty())
        .map_or(start, |e| e + 1);
    lines[start..end].join("\n")
}

/// A fresh revision id: 12 lowercase hex characters.
///
/// Mixes the time, the process id, a per-process counter and the thread id through the
/// standard library's randomly seeded hasher.
pub fn new_revision_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u128(nanos);
    hasher.write_u32(std::process::id());
    hasher.write_u64(count);
    hasher.write(format!("{:?}", std::thread::current().id()).as_bytes());
    let value = hasher.finish() & 0xffff_ffff_ffff;
    format!("{value:012x}")
}

/// Checks a revision id: ASCII letters, digits and `_`, 1 to 255 characters, not one of the
/// symbols `head`, `heads`, `base`, `current`. The id becomes part of a file name and of a Rust
/// module name, and fits the version table's `VARCHAR(255)`.
pub fn validate_revision_id(id: &str) -> Result<(), String> {
    validate_word(id, "revision id")
}

/// Checks a branch label: same rules as a revision id (so `label@head` and `label@-1` are
/// never ambiguous).
pub fn validate_branch_label(label: &str) -> Result<(), String> {
    validate_word(label, "branch label")
}

fn validate_word(id: &str, what: &str) -> Result<(), String> {
    if id.is_empty() {
        return Err(format!("empty {what}"));
    }
    if id.len() > MAX_REVISION_ID_LEN {
        return Err(format!(
            "{what} `{id}` is {} characters long; the limit is {MAX_REVISION_ID_LEN}",
            id.len()
        ));
    }
    if let Some(c) = id
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        return Err(format!(
            "{what} `{id}` contains `{c}`; only ASCII letters, digits and `_` are allowed"
        ));
    }
    if RESERVED.contains(&id) {
        return Err(format!(
            "{what} `{id}` is a reserved symbol (head, heads, base, current); choose another"
        ));
    }
    Ok(())
}

/// FNV-1a, 64 bits: the hash of a script's bytes compiled into the binary.
pub fn file_hash(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Header {
        Header {
            revision: "3f2a9c1b7d4e".into(),
            down_revisions: vec!["1a2b3c4d5e6f".into()],
            branch_labels: vec!["auth".into()],
            depends_on: vec![],
            message: "Create users".into(),
            create_date: "2026-11-25 08:00:00 UTC".into(),
        }
    }

    const SAMPLE: &str = "//! Create users
//!
//! Revision ID: 3f2a9c1b7d4e
//! Revises: 1a2b3c4d5e6f
//! Branch labels: auth
//! Depends on:
//! Create date: 2026-11-25 08:00:00 UTC

use retort::migration::prelude::*;
";

    #[test]
    fn parses_the_documented_example() {
        assert_eq!(parse_header(SAMPLE).unwrap(), sample());
    }

    #[test]
    fn header_block_is_the_leading_doc_lines() {
        assert_eq!(header_block(SAMPLE), SAMPLE.split("\nuse").next().unwrap());
        assert_eq!(header_block("fn main() {}\n"), "");
    }

    #[test]
    fn optional_keys_may_be_missing_and_keys_are_case_insensitive() {
        let h =
            parse_header("//! msg\n//!\n//! revision id: abcd\n//! REVISES:\nfn x(){}\n").unwrap();
        assert_eq!(h.revision, "abcd");
        assert!(h.down_revisions.is_empty() && h.branch_labels.is_empty());
        assert_eq!(h.message, "msg");
        let h = parse_header("//! msg\n//!\n//! Revision ID: x1\n//!\n//! Revises: y1\n").unwrap();
        assert_eq!(
            (h.revision.as_str(), h.down_revisions.as_slice()),
            ("x1", &["y1".to_string()][..])
        );
        let h = parse_header("//! msg\n//! Revision ID: x1\n//! Revises:\n").unwrap();
        assert_eq!((h.message.as_str(), h.revision.as_str()), ("msg", "x1"));
    }

    fn line_of(e: HeaderError) -> (usize, String) {
        match e {
            HeaderError::Line { line, message } => (line, message),
            other => panic!("expected a line error, got {other:?}"),
        }
    }

    #[test]
    fn header_errors_name_the_line_and_the_problem() {
        assert_eq!(parse_header("use x;\n").unwrap_err(), HeaderError::NoHeader);
        assert_eq!(
            parse_header("//! just a message\n").unwrap_err(),
            HeaderError::MissingKey { key: "Revision ID" }
        );
        assert_eq!(
            parse_header("//! m\n//! Revision ID: a1\n").unwrap_err(),
            HeaderError::MissingKey { key: "Revises" }
        );
        let (line, msg) =
            line_of(parse_header("//! m\n//!\n//! Revision ID: a-1\n//! Revises:\n").unwrap_err());
        assert_eq!(line, 3);
        assert!(msg.contains("`a-1` contains `-`"), "{msg}");
        let (line, msg) =
            line_of(parse_header("//! m\n//! Revision ID: a1\n//! Revises: b1,,c1\n").unwrap_err());
        assert_eq!(line, 3);
        assert!(msg.contains("empty item"), "{msg}");
        let (line, msg) = line_of(
            parse_header("//! m\n//! Revision ID: a1\n//! Revises:\n//! Author: me\n").unwrap_err(),
        );
        assert_eq!(line, 4);
        assert!(msg.contains("unknown header key `Author: me`"), "{msg}");
        let (line, msg) = line_of(
            parse_header("//! m\n//! Revision ID: a1\n//! Revises:\n//! Revision ID: a2\n")
                .unwrap_err(),
        );
        assert_eq!(line, 4);
        assert!(msg.contains("appears twice (first on line 2)"), "{msg}");
        let (_, msg) = line_of(
            parse_header("//! m\n//! Revision ID: a1\n//! Revises:\n//! Branch labels: head\n")
                .unwrap_err(),
        );
        assert!(msg.contains("reserved"), "{msg}");
        let (_, msg) =
            line_of(parse_header("//! m\n//! Revision ID: a1\n//! Revises: b1, b1\n").unwrap_err());
        assert!(msg.contains("lists `b1` twice"), "{msg}");
        let (line, msg) =
            line_of(parse_header("//! m\n//! Revision ID:\n//! Revises:\n").unwrap_err());
        assert_eq!((line, msg.as_str()), (2, "`Revision ID:` is empty"));
        let text = parse_header("//! m\n//! Revision ID: a1\n//! Revises:\n//! some prose\n")
            .unwrap_err()
            .to_string();
        assert!(
            text.starts_with("line 4: expected a `Key: value` line"),
            "{text}"
        );
    }

    #[test]
    fn revision_ids_are_validated() {
        assert!(validate_revision_id("3f2a9c1b7d4e").is_ok());
        assert!(validate_revision_id("Add_Users_2").is_ok());
        assert!(validate_revision_id("").is_err());
        assert!(validate_revision_id("a b").is_err());
        assert!(validate_revision_id("a@b").is_err());
        assert!(validate_revision_id("a.b").is_err());
        assert!(validate_revision_id("heads").is_err());
        assert!(validate_revision_id(&"a".repeat(255)).is_ok());
        let e = validate_revision_id(&"a".repeat(256)).unwrap_err();
        assert!(e.contains("256 characters"), "{e}");
    }

    #[test]
    fn revision_ids_are_12_hex_and_distinct() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..1000 {
            let id = new_revision_id();
            assert_eq!(id.len(), 12);
            assert!(id
                .chars()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
            assert!(validate_revision_id(&id).is_ok());
            assert!(seen.insert(id));
        }
    }

    #[test]
    fn fnv1a_known_values() {
        assert_eq!(file_hash(b""), 0xcbf29ce484222325);
        assert_eq!(file_hash(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(file_hash(b"foobar"), 0x85944171f73967e8);
    }
}
