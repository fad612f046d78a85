//! The one edit `init` makes to a user's root `Cargo.toml`: a workspace member, with
//! `toml_edit` so that comments, order and layout stay as the user wrote them.

use toml_edit::{Array, DocumentMut, Item, Table, Value};

/// Adds `member` to `[workspace] members` of a Cargo.toml, changing nothing else in the text.
/// `Ok(None)`: already a member. A manifest without a `[workspace]` table gets one appended.
pub fn add_workspace_member(text: &str, member: &str) -> Result<Option<String>, String> {
    let mut doc: DocumentMut = text
        .parse()
        .map_err(|e| format!("it is not valid TOML: {e}"))?;
    if doc.get("workspace").is_none() {
        doc.insert("workspace", Item::Table(Table::new()));
    }
    let ws = doc["workspace"]
        .as_table_like_mut()
        .ok_or("`workspace` is not a table")?;
    match ws.get_mut("members") {
        None => {
            let mut a = Array::new();
            a.push(member);
            ws.insert("members", Item::Value(Value::Array(a)));
        }
        Some(item) => {
            let a = item
                .as_array_mut()
                .ok_or("`workspace.members` is not an array")?;
            if a.iter().any(|v| v.as_str() == Some(member)) {
                return Ok(None);
            }
            push_like_the_others(a, member);
        }
    }
    Ok(Some(doc.to_string()))
}

/// Appends `member` in the array's own layout: one per line with the last element's
/// indentation when the array spans lines, else inline after a space.
fn push_like_the_others(a: &mut Array, member: &str) {
    let multi_line = a.iter().any(|v| {
        v.decor()
            .prefix()
            .and_then(|p| p.as_str())
            .is_some_and(|p| p.contains('\n'))
    });
    if !multi_line {
        a.push(member);
        return;
    }
    let indent = a
        .iter()
        .last()
        .and_then(|v| v.decor().prefix().and_then(|p| p.as_str()))
        .and_then(|p| p.rsplit('\n').next())
        .unwrap_or("    ")
        .to_string();
    // What stood between the last element and `]`: its own suffix (a newline when it had no
    // trailing comma) and the array's trailing text (a comment after that comma). Comments
    // stay after the element they followed; `]` keeps its line and indentation.
    let mut between = String::new();
    if let Some(last) = a.iter_mut().last() {
        between.push_str(last.decor().suffix().and_then(|x| x.as_str()).unwrap_or(""));
        last.decor_mut().set_suffix("");
    }
    between.push_str(a.trailing().as_str().unwrap_or(""));
    let (head, tail) = match between.rfind('\n') {
        Some(i) => (between[..=i].to_string(), between[i + 1..].to_string()),
        None => (format!("{between}\n"), String::new()),
    };
    let mut v = Value::from(member);
    v.decor_mut().set_prefix(format!("{head}{indent}"));
    a.push_formatted(v);
    a.set_trailing_comma(true);
    a.set_trailing(format!("\n{tail}"));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `cli` added to a `members` list written on several lines (trailing comma, comments) or
    /// on one, keeping the rest of the file as it was.
    #[test]
    fn members_lists() {
        for (before, after) in [
            (
                "[workspace]\nresolver = \"2\"\nmembers = [\n    \"models\",\n    \"app\"\n]\n\n[workspace.dependencies]\nserde = \"1\"\n",
                "[workspace]\nresolver = \"2\"\nmembers = [\n    \"models\",\n    \"app\",\n    \"cli\",\n]\n\n[workspace.dependencies]\nserde = \"1\"\n",
            ),
            (
                "[workspace]\nmembers = [\n  \"models\", # the models\n]\n",
                "[workspace]\nmembers = [\n  \"models\", # the models\n  \"cli\",\n]\n",
            ),
            (
                "# root\n[workspace]\nmembers = [\"models\"] # keep\n",
                "# root\n[workspace]\nmembers = [\"models\", \"cli\"] # keep\n",
            ),
            (
                "[workspace]\nmembers = []\n",
                "[workspace]\nmembers = [\"cli\"]\n",
            ),
        ] {
            let out = add_workspace_member(before, "cli").unwrap();
            assert_eq!(out.as_deref(), Some(after), "{before:?}");
        }
    }

    #[test]
    fn already_member_or_no_members() {
        assert_eq!(
            add_workspace_member("[workspace]\nmembers = [\"cli\"]\n", "cli").unwrap(),
            None
        );
        let out = add_workspace_member("[workspace]\nresolver = \"2\"\n", "cli")
            .unwrap()
            .unwrap();
        assert_eq!(out, "[workspace]\nresolver = \"2\"\nmembers = [\"cli\"]\n");
        let pkg = "[package]\nname = \"m\"\n";
        let out = add_workspace_member(pkg, "cli").unwrap().unwrap();
        let doc: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(doc["package"]["name"].as_str(), Some("m"));
        assert_eq!(doc["workspace"]["members"].as_array().unwrap().len(), 1);
        assert!(out.starts_with(pkg), "{out}");
    }

    #[test]
    fn dotted_and_inline_workspace_tables() {
        let t = "workspace.members = [\"a\"]\n";
        let out = add_workspace_member(t, "cli").unwrap().unwrap();
        assert_eq!(out, "workspace.members = [\"a\", \"cli\"]\n");
        assert!(add_workspace_member("workspace = 3\n", "cli").is_err());
        assert!(add_workspace_member("[workspace]\nmembers = \"a\"\n", "cli").is_err());
        assert!(add_workspace_member("[workspace\n", "cli").is_err());
    }
}
