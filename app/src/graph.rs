//! Alembic-style display of revisions: `history`, `heads`, `branches`, `show`, `current`.

use retort_revision::{Header, RevisionMap};

/// Formatting options of one line (Alembic's `Script.cmd_format`).
#[derive(Clone, Copy, Default)]
pub struct Line {
    pub include_branches: bool,
    pub include_doc: bool,
    pub include_parents: bool,
    pub tree_indicators: bool,
    pub head_indicators: bool,
}

/// `a1, b2` or `<base>`.
fn format_down(h: &Header) -> String {
    if h.down_revisions.is_empty() {
        "<base>".to_string()
    } else {
        h.down_revisions.join(", ")
    }
}

fn is_real_head(map: &RevisionMap, id: &str) -> bool {
    map.real_heads().contains(&id)
}

/// One line: `<down> -> <rev> (label) (head) (current) (branchpoint), message`.
pub fn head_only(map: &RevisionMap, h: &Header, opts: Line, current: &[String]) -> String {
    let id = h.revision.as_str();
    let mut text = id.to_string();
    if opts.include_parents {
        let deps = map.dependencies(id);
        if deps.is_empty() {
            text = format!("{} -> {text}", format_down(h));
        } else {
            text = format!("{} ({}) -> {text}", format_down(h), deps.join(", "));
        }
    }
    if opts.include_branches {
        let labels = map.branch_labels(id);
        if !labels.is_empty() {
            text.push_str(&format!(" ({})", labels.join(", ")));
        }
    }
    if opts.head_indicators || opts.tree_indicators {
        if map.is_head(id) {
            if is_real_head(map, id) {
                text.push_str(" (head)");
            } else {
                text.push_str(" (effective head)");
            }
        }
        if current.iter().any(|c| c == id) {
            text.push_str(" (current)");
        }
    }
    if opts.tree_indicators {
        if map.is_branch_point(id) {
            text.push_str(" (branchpoint)");
        }
        if map.is_merge_point(id) {
            text.push_str(" (mergepoint)");
        }
    }
    if opts.include_doc {
        text.push_str(&format!(", {}", first_line(&h.message)));
    }
    text
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// Alembic's `log_entry`: the verbose form, several lines, ending with a blank line.
pub fn log_entry(map: &RevisionMap, h: &Header, path: Option<&str>, current: &[String]) -> String {
    let id = h.revision.as_str();
    let mut e = format!("Rev: {id}");
    if map.is_head(id) {
        e.push_str(if is_real_head(map, id) {
            " (head)"
        } else {
            " (effective head)"
        });
    }
    if map.is_branch_point(id) {
        e.push_str(" (branchpoint)");
    }
    if map.is_merge_point(id) {
        e.push_str(" (mergepoint)");
    }
    if current.iter().any(|c| c == id) {
        e.push_str(" (current)");
    }
    e.push('\n');
    if map.is_merge_point(id) {
        e.push_str(&format!("Merges: {}\n", format_down(h)));
    } else {
        e.push_str(&format!("Parent: {}\n", format_down(h)));
    }
    let deps = map.dependencies(id);
    if !deps.is_empty() {
        e.push_str(&format!("Also depends on: {}\n", deps.join(", ")));
    }
    if map.is_branch_point(id) {
        e.push_str(&format!("Branches into: {}\n", map.children(id).join(", ")));
    }
    let labels = map.branch_labels(id);
    if !labels.is_empty() {
        e.push_str(&format!("Branch names: {}\n", labels.join(", ")));
    }
    if let Some(p) = path {
        e.push_str(&format!("Path: {p}\n"));
    }
    e.push('\n');
    for line in h.message.lines() {
        e.push_str(&format!("    {line}\n").replace("    \n", "\n"));
    }
    e.push('\n');
    e.push_str(&format!("    Revision ID: {id}\n"));
    e.push_str(&format!("    Revises: {}\n", h.down_revisions.join(", ")));
    e.push_str(&format!(
        "    Branch labels: {}\n",
        h.branch_labels.join(", ")
    ));
    e.push_str(&format!("    Depends on: {}\n", h.depends_on.join(", ")));
    e.push_str(&format!("    Create date: {}\n", h.create_date));
    e
}

/// `branches` output for one branch point: the point, then one `-> child` line per child.
pub fn branch_point(map: &RevisionMap, h: &Header, verbose: bool, path: Option<&str>) -> String {
    let id = h.revision.as_str();
    let mut s = if verbose {
        log_entry(map, h, path, &[])
    } else {
        let mut l = head_only(
            map,
            h,
            Line {
                include_branches: true,
                tree_indicators: true,
                head_indicators: true,
                ..Line::default()
            },
            &[],
        );
        l.push('\n');
        l
    };
    let pad = " ".repeat(id.len());
    for child in map.children(id) {
        if let Some(ch) = map.get(child) {
            let line = head_only(
                map,
                ch,
                Line {
                    include_branches: true,
                    include_doc: verbose,
                    tree_indicators: true,
                    head_indicators: true,
                    ..Line::default()
                },
                &[],
            );
            s.push_str(&format!("{pad} -> {line}\n"));
        }
    }
    s
}
