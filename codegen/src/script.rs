//! A whole migration script: the `//!` header, the prelude import, `upgrade` and `downgrade`;
//! and its file name.

use retort_diff::Note;
use retort_revision::{normalize_message, Header, HEADER_KEYS};
use retort_schema::{ApplyError, Dialect, Op, Schema};

/// Renders the `//!` header block (ending with a line break). Round-trips with
/// `retort_revision::parse_header` (the message is normalized: trailing spaces and surrounding
/// blank lines are dropped).
pub fn render_header(h: &Header) -> String {
    let mut out = String::new();
    let message = normalize_message(&h.message);
    if !message.is_empty() {
        for line in message.lines() {
            push_doc_line(&mut out, line);
        }
        out.push_str("//!\n");
    }
    let values = [
        h.revision.clone(),
        h.down_revisions.join(", "),
        h.branch_labels.join(", "),
        h.depends_on.join(", "),
        h.create_date.trim().to_string(),
    ];
    for (key, value) in HEADER_KEYS.iter().zip(values) {
        push_doc_line(&mut out, &format!("{key}: {value}"));
    }
    out
}

fn push_doc_line(out: &mut String, text: &str) {
    let text = text.trim_end();
    if text.is_empty() {
        out.push_str("//!\n");
    } else {
        out.push_str("//! ");
        out.push_str(text);
        out.push('\n');
    }
}

/// Renders a whole migration script: header, prelude import, `upgrade` and `downgrade`.
///
/// The bodies are Rust statements, already formatted as rustfmt would at column 0 (see
/// [`body`]); this function indents them. An empty body gives an empty function (`{}`). The
/// result is what `rustfmt --edition 2021` would produce, provided the bodies are rustfmt-clean.
pub fn render_script(h: &Header, upgrade_body: &str, downgrade_body: &str) -> String {
    let mut out = render_header(h);
    out.push('\n');
    out.push_str("use retort::migration::prelude::*;\n");
    push_fn(&mut out, "upgrade", upgrade_body);
    push_fn(&mut out, "downgrade", downgrade_body);
    out
}

/// One function's body for [`render_script`]: `ops` as statements at column 0, each with its
/// `// WARNING` notes above it ([`crate::render_rust`], without its indentation).
pub fn body(ops: &[Op], notes: &[Note]) -> String {
    dedent(&crate::render_rust(ops, notes))
}

/// The bodies of a script that creates `target` from an empty database (and drops it again),
/// as autogenerate writes them, diffed for `dialect`: a baseline, or a squashed history.
pub fn bodies_from_empty(
    target: &Schema,
    dialect: Dialect,
) -> Result<(String, String), ApplyError> {
    let diff = retort_diff::diff(
        &Schema::default(),
        target,
        &retort_diff::Options::new(dialect),
    );
    let (down_ops, down_notes) =
        retort_diff::downgrade_with_notes(&Schema::default(), &diff.ops, dialect)?;
    Ok((body(&diff.ops, &diff.notes), body(&down_ops, &down_notes)))
}

fn push_fn(out: &mut String, name: &str, body: &str) {
    out.push('\n');
    out.push_str("pub fn ");
    out.push_str(name);
    out.push_str("(m: &mut Migration) {");
    let lines: Vec<&str> = body.lines().map(str::trim_end).collect();
    let start = lines.iter().position(|l| !l.is_empty());
    let Some(start) = start else {
        out.push_str("}\n");
        return;
    };
    let end = lines.iter().rposition(|l| !l.is_empty()).unwrap_or(start) + 1;
    out.push('\n');
    let mut previous_blank = false;
    for line in &lines[start..end] {
        if line.is_empty() {
            // rustfmt keeps at most one blank line in a row.
            if !previous_blank {
                out.push('\n');
            }
            previous_blank = true;
            continue;
        }
        previous_blank = false;
        out.push_str("    ");
        out.push_str(line);
        out.push('\n');
    }
    out.push_str("}\n");
}

/// `body` without the indentation common to its non-empty lines: [`render_script`] wants
/// statements at column 0 and indents them itself.
pub fn dedent(body: &str) -> String {
    let indent = body
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| l.len() - l.trim_start_matches(' ').len())
        .min()
        .unwrap_or(0);
    body.lines()
        .map(|l| {
            if l.trim().is_empty() {
                ""
            } else {
                &l[indent..]
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The slug of a message for a file name: lowercase ASCII letters, digits and `_`, words
/// joined by `_`, cut at a word boundary to at most 40 characters.
pub fn slug(message: &str) -> String {
    const MAX: usize = 40;
    let first_line = message.lines().next().unwrap_or("");
    let words: Vec<String> = first_line
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let mut out = String::new();
    for w in words {
        let extra = if out.is_empty() { w.len() } else { w.len() + 1 };
        if out.len() + extra > MAX {
            if out.is_empty() {
                out.push_str(&w[..MAX]);
            }
            break;
        }
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&w);
    }
    out
}

/// The file name of a new script: `<rev>_<slug>.rs`, or `<rev>.rs` if the message has no
/// usable characters. The revision id must have passed `retort_revision::validate_revision_id`.
pub fn file_name(rev: &str, message: &str) -> String {
    let s = slug(message);
    if s.is_empty() {
        format!("{rev}.rs")
    } else {
        format!("{rev}_{s}.rs")
    }
}

/// `YYYY-MM-DD HH:MM:SS UTC` for now.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    format_utc(secs)
}

/// `YYYY-MM-DD HH:MM:SS UTC` for `secs` seconds since the Unix epoch (a header's `Create date:`).
pub fn format_utc(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} UTC",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}
