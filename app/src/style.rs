//! Colour on a terminal only.
//!
//! Colour is on when `CLICOLOR_FORCE` is set (and not `0`), else when standard output is a
//! terminal; `NO_COLOR` (set and not empty) turns it off whatever else says, and so does
//! `CLICOLOR=0`. Tests and pipes (not a terminal) get plain text.

use std::collections::BTreeMap;

/// `writeln!` that ignores a write error (standard output went away: nothing to tell).
macro_rules! say {
    ($out:expr, $($arg:tt)*) => {{
        let _ = writeln!($out, $($arg)*);
    }};
}
pub(crate) use say;

/// `1 operation`, `2 operations`: `n` and `noun`, plural unless `n` is 1.
pub(crate) fn count(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// Whether to colour, from the environment and whether the output is a terminal.
pub fn enabled(env: &BTreeMap<String, String>, terminal: bool) -> bool {
    let set = |k: &str| env.get(k).is_some_and(|v| !v.is_empty());
    if set("NO_COLOR") || env.get("CLICOLOR").is_some_and(|v| v == "0") {
        return false;
    }
    if env
        .get("CLICOLOR_FORCE")
        .is_some_and(|v| !v.is_empty() && v != "0")
    {
        return true;
    }
    terminal
}

/// Paints text with ANSI SGR codes when on.
#[derive(Clone, Copy, Debug, Default)]
pub struct Style {
    pub on: bool,
}

pub const GREEN: &str = "32";
pub const YELLOW: &str = "33";
pub const CYAN: &str = "36";
pub const BOLD: &str = "1";

impl Style {
    pub fn paint(&self, code: &str, text: &str) -> String {
        if self.on && !text.is_empty() {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A revision line (`history`, `heads`, `current`): markers and the graph coloured.
    pub fn revision_line(&self, line: &str) -> String {
        if !self.on {
            return line.to_string();
        }
        let mut s = line.to_string();
        for (marker, code) in [
            (" (head)", GREEN),
            (" (effective head)", GREEN),
            (" (current)", CYAN),
            (" (branchpoint)", YELLOW),
            (" (mergepoint)", YELLOW),
        ] {
            s = s.replace(marker, &format!(" {}", self.paint(code, &marker[1..])));
        }
        // The graph's node.
        if let Some(i) = s.find("*  ") {
            if s[..i].chars().all(|c| c == '|' || c == ' ') {
                s = format!("{}{}{}", &s[..i], self.paint(BOLD, "*"), &s[i + 1..]);
            }
        }
        s
    }

    /// `WARNING ...` lines in yellow.
    pub fn warning(&self, line: &str) -> String {
        self.paint(YELLOW, line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn colour_follows_the_conventions() {
        assert!(enabled(&env(&[]), true));
        assert!(!enabled(&env(&[]), false));
        assert!(!enabled(&env(&[("NO_COLOR", "1")]), true));
        assert!(enabled(&env(&[("NO_COLOR", "")]), true));
        assert!(enabled(&env(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(!enabled(&env(&[("CLICOLOR_FORCE", "0")]), false));
        assert!(!enabled(
            &env(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
            true
        ));
        assert!(!enabled(&env(&[("CLICOLOR", "0")]), true));
        let on = Style { on: true };
        assert_eq!(
            on.revision_line("*  a -> b (head), m"),
            "\x1b[1m*\x1b[0m  a -> b \x1b[32m(head)\x1b[0m, m"
        );
        assert_eq!(Style { on: false }.revision_line("a (head)"), "a (head)");
    }
}
