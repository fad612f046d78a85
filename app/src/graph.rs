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

/// `history` as a graph, like `git log --graph`: one lane per line of descent, `*` the
/// revision of the line, `|` the other lanes, `|\` where a merge revision's parents part,
/// `|/` where branches meet at their branch point. `revs` are newest first; `texts` are their
/// lines. Parents outside `revs` (a range) end their lane.
pub fn draw_history(revs: &[&Header], texts: &[String]) -> Vec<String> {
    let shown: std::collections::BTreeSet<&str> =
        revs.iter().map(|h| h.revision.as_str()).collect();
    let mut lanes: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let bars = |n: usize| vec!["|"; n];
    for (h, text) in revs.iter().zip(texts) {
        let id = h.revision.as_str();
        let col = match lanes.iter().position(|l| l == id) {
            Some(c) => c,
            None => {
                lanes.push(id.to_string());
                lanes.len() - 1
            }
        };
        // Branches meeting here: their lanes join this one.
        let joining: Vec<usize> = (col + 1..lanes.len()).filter(|&j| lanes[j] == id).collect();
        if !joining.is_empty() {
            // `|/`: each joining lane slants into the gap left of it.
            let mut marks: Vec<char> = bars(lanes.len()).join(" ").chars().collect();
            for &j in &joining {
                marks[2 * j] = ' ';
                marks[2 * j - 1] = '/';
            }
            let line: String = marks.into_iter().collect();
            out.push(line.trim_end().to_string());
            for &j in joining.iter().rev() {
                lanes.remove(j);
            }
        }
        let mut marks = bars(lanes.len());
        marks[col] = "*";
        out.push(format!("{}  {text}", marks.join(" ")));
        let parents: Vec<String> = h
            .down_revisions
            .iter()
            .filter(|p| shown.contains(p.as_str()))
            .cloned()
            .collect();
        match parents.split_first() {
            None => {
                lanes.remove(col);
            }
            Some((first, rest)) => {
                lanes[col] = first.clone();
                if !rest.is_empty() {
                    // `|\`: each further parent opens a lane right of this one.
                    let mut line = bars(col + 1).join(" ");
                    line.push_str(&"\\".repeat(rest.len()));
                    if lanes.len() > col + 1 {
                        line.push(' ');
                        line.push_str(&bars(lanes.len() - col - 1).join(" "));
                    }
                    out.push(line);
                    for (k, p) in rest.iter().enumerate() {
                        lanes.insert(col + 1 + k, p.clone());
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(id: &str, parents: &[&str]) -> Header {
        Header {
            revision: id.to_string(),
            down_revisions: parents.iter().map(|s| s.to_string()).collect(),
            branch_labels: Vec::new(),
            depends_on: Vec::new(),
            message: String::new(),
            create_date: String::new(),
        }
    }

    #[test]
    fn branches_and_merges_are_drawn() {
        // m merges c and d; c and d branch from b; b from a.
        let revs = [
            h("m", &["c", "d"]),
            h("d", &["b"]),
            h("c", &["b"]),
            h("b", &["a"]),
            h("a", &[]),
        ];
        let refs: Vec<&Header> = revs.iter().collect();
        let texts: Vec<String> = revs.iter().map(|h| h.revision.clone()).collect();
        assert_eq!(
            draw_history(&refs, &texts),
            ["*  m", "|\\", "| *  d", "* |  c", "|/", "*  b", "*  a"]
        );
    }
}
