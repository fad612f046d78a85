//! History ranges (`history -r a:b`), newest first.

use crate::errors::ResolveError;
use crate::graph::RevisionMap;
use crate::header::Header;
use crate::resolve::{parse_expr, Pos};

impl RevisionMap {
    /// Revisions of a history range, newest first (Alembic `history -r`). `None`: all.
    /// Range forms: `a:b`, `:b`, `a:`, `-3:current` (a relative lower end counts down from
    /// the upper end), `current:`, `label@base:label@head`.
    pub fn history(
        &self,
        range: Option<&str>,
        current: &[String],
    ) -> Result<Vec<&Header>, ResolveError> {
        let cur = self.current_indices(current)?;
        let Some(range) = range else {
            return Ok(self
                .topo
                .iter()
                .rev()
                .map(|&i| &self.nodes[i].header)
                .collect());
        };
        let Some((lower, upper)) = range.trim().split_once(':') else {
            return Err(ResolveError::InvalidRange {
                range: range.to_string(),
            });
        };
        let (lower, upper) = (lower.trim(), upper.trim());
        let upper = if upper.is_empty() { "heads" } else { upper };
        let mut targets = self.upgrade_targets(&cur, upper, "history")?;
        let lower_e = parse_expr(lower);
        if let Some(l) = lower_e.label {
            // `label@...:heads` walks only the heads of that branch (Alembic filters the
            // upper targets by the lower end's branch).
            let b = self.resolve_branch(l)?;
            let mask = self.lineage_mask(b);
            targets.retain(|&t| mask[t]);
        }
        let lows: Vec<usize> = if lower.is_empty() {
            Vec::new()
        } else if let (Some((n, _)), None) = (lower_e.relative, lower_e.symbol) {
            if n >= 0 {
                return Err(ResolveError::InvalidTarget {
                    expr: lower.to_string(),
                    context: "history range start",
                    reason: "a relative start counts down from the end of the range; use -N".into(),
                });
            }
            let start = match targets.len() {
                0 => Pos::Base,
                1 => Pos::Rev(targets[0]),
                _ => {
                    return Err(ResolveError::MultipleHeads {
                        argument: upper.to_string(),
                        heads: self.ids(&targets),
                    })
                }
            };
            match self.walk(start, n, None, false)? {
                Some(Pos::Rev(i)) => vec![i],
                _ => Vec::new(),
            }
        } else {
            self.upgrade_targets(&cur, lower, "history")?
        };
        let required = self.down_closure(&targets, false);
        if let Some(&bad) = lows.iter().find(|&&l| !required[l]) {
            return Err(ResolveError::NotAnAncestor {
                lower: self.id(bad).to_string(),
                upper: upper.to_string(),
            });
        }
        let mut keep = required;
        if !lows.is_empty() {
            let below = self.down_closure(&lows, false);
            let above = self.up_closure(&lows, true);
            for i in 0..keep.len() {
                keep[i] = keep[i] && (!below[i] || lows.contains(&i)) && above[i];
            }
        }
        Ok(self
            .topo
            .iter()
            .rev()
            .filter(|&&i| keep[i])
            .map(|&i| &self.nodes[i].header)
            .collect())
    }
}
