//! Identifier resolution: full ids, prefixes, `head(s)`, `base`, `current`, `+N` / `-N`,
//! `label@...`, and the version table's rows.

use crate::errors::ResolveError;
use crate::graph::RevisionMap;

/// Where a walk stands: a revision, or below every base.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Pos {
    Base,
    Rev(usize),
}

/// `[label@][symbol](+|-)N` or `[label@]symbol`.
pub(crate) struct Expr<'a> {
    pub(crate) label: Option<&'a str>,
    pub(crate) symbol: Option<&'a str>,
    /// Signed N and its text.
    pub(crate) relative: Option<(i64, &'a str)>,
}

pub(crate) fn parse_expr(s: &str) -> Expr<'_> {
    let (label, rest) = match s.split_once('@') {
        Some((l, r)) => (Some(l), r),
        None => (None, s),
    };
    if let Some(i) = rest.rfind(['+', '-']) {
        let digits = &rest[i + 1..];
        let sym = &rest[..i];
        if !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && sym.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            // No id holds `+` or `-`, so this is a step count however long; one too large
            // for i64 walks past any history and is reported as such ([`RevisionMap::walk`]
            // stops at the end of the graph).
            let n: i64 = digits.parse().unwrap_or(i64::MAX);
            let n = if rest.as_bytes()[i] == b'-' { -n } else { n };
            return Expr {
                label,
                symbol: (!sym.is_empty()).then_some(sym),
                relative: Some((n, &rest[i..])),
            };
        }
    }
    Expr {
        label,
        symbol: Some(rest),
        relative: None,
    }
}

impl RevisionMap {
    // ----- identifiers ------------------------------------------------------------------

    /// Resolves the part before `@`: a branch label, else a revision (`<rev>@head`).
    pub(crate) fn resolve_branch(&self, label: &str) -> Result<usize, ResolveError> {
        if let Some(&i) = self.labels.get(label) {
            return Ok(i);
        }
        match self.revision_for_ident(label, None) {
            Ok(i) => Ok(i),
            Err(_) => Err(ResolveError::NoSuchBranch {
                label: label.to_string(),
            }),
        }
    }

    /// A full id, a branch label, or a unique prefix (candidates longer than 3 characters,
    /// as Alembic), checked against `branch` if given.
    pub(crate) fn revision_for_ident(
        &self,
        ident: &str,
        branch: Option<&str>,
    ) -> Result<usize, ResolveError> {
        if ident.is_empty() {
            return Err(ResolveError::NoSuchRevision { id: String::new() });
        }
        let branch_rev = match branch {
            Some(b) => Some(self.resolve_branch(b)?),
            None => None,
        };
        let found = if let Some(&i) = self.index.get(ident).or_else(|| self.labels.get(ident)) {
            i
        } else {
            let start = self.sorted.partition_point(|&i| self.id(i) < ident);
            let mut candidates: Vec<usize> = self.sorted[start..]
                .iter()
                .copied()
                .take_while(|&i| self.id(i).starts_with(ident))
                .filter(|&i| self.id(i).len() > 3)
                .collect();
            if let Some(b) = branch_rev {
                if candidates.len() > 1 {
                    candidates.retain(|&c| self.shares_lineage(c, b));
                }
            }
            match candidates.len() {
                0 => {
                    return Err(ResolveError::NoSuchRevision {
                        id: ident.to_string(),
                    })
                }
                1 => candidates[0],
                _ => {
                    return Err(ResolveError::AmbiguousPrefix {
                        prefix: ident.to_string(),
                        candidates: self.ids(&candidates),
                    })
                }
            }
        };
        if let (Some(b), Some(label)) = (branch_rev, branch) {
            if !self.shares_lineage(found, b) {
                return Err(ResolveError::NotOnBranch {
                    revision: self.id(found).to_string(),
                    branch: label.to_string(),
                });
            }
        }
        Ok(found)
    }

    fn heads_in_branch(&self, label: Option<&str>) -> Result<Vec<usize>, ResolveError> {
        match label {
            None => Ok(self.heads.clone()),
            Some(l) => {
                let b = self.resolve_branch(l)?;
                Ok(self
                    .heads
                    .iter()
                    .copied()
                    .filter(|&h| self.shares_lineage(h, b))
                    .collect())
            }
        }
    }

    /// `head`, `heads`, `base`, `current`, or an identifier, optionally under a label.
    pub(crate) fn resolve_symbol(
        &self,
        label: Option<&str>,
        symbol: &str,
        current: &[usize],
    ) -> Result<Vec<usize>, ResolveError> {
        match symbol {
            "heads" => match label {
                None => Ok(self.real_heads.clone()),
                Some(_) => self.heads_in_branch(label),
            },
            "head" => {
                let heads = self.heads_in_branch(label)?;
                if heads.len() > 1 {
                    return Err(ResolveError::MultipleHeads {
                        argument: match label {
                            Some(l) => format!("{l}@head"),
                            None => "head".to_string(),
                        },
                        heads: self.ids(&heads),
                    });
                }
                Ok(heads)
            }
            "base" => {
                if let Some(l) = label {
                    self.resolve_branch(l)?;
                }
                Ok(Vec::new())
            }
            "current" => match label {
                None => Ok(current.to_vec()),
                Some(l) => {
                    let b = self.resolve_branch(l)?;
                    Ok(current
                        .iter()
                        .copied()
                        .filter(|&c| self.shares_lineage(c, b))
                        .collect())
                }
            },
            _ => Ok(vec![self.revision_for_ident(symbol, label)?]),
        }
    }

    /// A single position for a walk's start.
    pub(crate) fn single_pos(
        &self,
        label: Option<&str>,
        symbol: &str,
        current: &[usize],
    ) -> Result<Pos, ResolveError> {
        let v = self.resolve_symbol(label, symbol, current)?;
        match v.len() {
            0 => Ok(Pos::Base),
            1 => Ok(Pos::Rev(v[0])),
            _ => Err(ResolveError::MultipleHeads {
                argument: match label {
                    Some(l) => format!("{l}@{symbol}"),
                    None => symbol.to_string(),
                },
                heads: self.ids(&v),
            }),
        }
    }

    /// Alembic `_walk`: `steps` up (> 0, through children, restricted to `branch`'s
    /// lineage) or down (< 0, through `Revises:`). `Ok(None)` when it walks past the end and
    /// `no_overwalk`; otherwise an overwalk stops at the end.
    pub(crate) fn walk(
        &self,
        start: Pos,
        steps: i64,
        branch: Option<usize>,
        no_overwalk: bool,
    ) -> Result<Option<Pos>, ResolveError> {
        let mut at = start;
        // Lineage of the branch, computed once.
        let lineage: Option<Vec<bool>> = branch.filter(|_| steps > 0).map(|b| self.lineage_mask(b));
        for _ in 0..steps.unsigned_abs() {
            let next: Vec<Pos> = if steps > 0 {
                let mut up: Vec<usize> = match at {
                    Pos::Base => self.bases.clone(),
                    Pos::Rev(i) => self.nodes[i].children.clone(),
                };
                if let Some(mask) = &lineage {
                    up.retain(|&c| mask[c]);
                }
                up.sort_by_key(|&c| self.topo_pos[c]);
                up.into_iter().map(Pos::Rev).collect()
            } else {
                match at {
                    Pos::Base => Vec::new(),
                    Pos::Rev(i) if self.nodes[i].parents.is_empty() => vec![Pos::Base],
                    Pos::Rev(i) => self.nodes[i].parents.iter().map(|&p| Pos::Rev(p)).collect(),
                }
            };
            match next.len() {
                0 => return Ok(if no_overwalk { None } else { Some(at) }),
                1 => at = next[0],
                _ => {
                    return Err(ResolveError::AmbiguousWalk {
                        from: self.pos_name(at),
                        downward: steps < 0,
                        candidates: next.iter().map(|p| self.pos_name(*p)).collect(),
                    })
                }
            }
        }
        Ok(Some(at))
    }

    pub(crate) fn pos_name(&self, p: Pos) -> String {
        match p {
            Pos::Base => "base".to_string(),
            Pos::Rev(i) => self.id(i).to_string(),
        }
    }

    /// Checks the version table's rows: each names a script, and none is below another one.
    pub fn check_current(&self, current: &[String]) -> Result<(), ResolveError> {
        self.current_indices(current).map(|_| ())
    }

    /// Validates the version table's rows and turns them into indices.
    pub(crate) fn current_indices(&self, current: &[String]) -> Result<Vec<usize>, ResolveError> {
        let mut out = Vec::with_capacity(current.len());
        for c in current {
            let Some(&i) = self.index.get(c.as_str()) else {
                return Err(ResolveError::UnknownCurrent { id: c.clone() });
            };
            if !out.contains(&i) {
                out.push(i);
            }
        }
        // One row per head: a row below another one through `Revises:` is stale (written by
        // hand, or left by an interrupted run) and would make every plan wrong.
        if out.len() > 1 {
            for &d in &out {
                let below = self.down_closure(&[d], true);
                if let Some(&a) = out.iter().find(|&&a| a != d && below[a]) {
                    return Err(ResolveError::OverlappingCurrent {
                        ancestor: self.id(a).to_string(),
                        descendant: self.id(d).to_string(),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Resolves an identifier to revision ids (empty = base). Accepts full ids, unique
    /// prefixes, branch labels, `head`, `heads`, `base`, `current`, `+N` / `-N` (from
    /// `current`), `<rev>+N`, `<rev>-N`, `head-N`, `base+N`, `label@head`, `label@heads`,
    /// `label@base`, `label@+N`, `label@-N`, `label@<rev>`, `<rev>@head`.
    pub fn resolve(&self, expr: &str, current: &[String]) -> Result<Vec<String>, ResolveError> {
        let cur = self.current_indices(current)?;
        let e = parse_expr(expr.trim());
        let v = match e.relative {
            Some((n, _)) if n >= 0 => self.upgrade_targets(&cur, expr.trim(), "resolve")?,
            Some(_) => match self.downgrade_target(&cur, expr.trim())?.1 {
                Pos::Base => Vec::new(),
                Pos::Rev(i) => vec![i],
            },
            None => self.resolve_symbol(e.label, e.symbol.unwrap_or(""), &cur)?,
        };
        Ok(self.ids(&v))
    }

    /// Alembic `_parse_upgrade_target`: the revisions an upgrade goes to (empty = base).
    pub(crate) fn upgrade_targets(
        &self,
        cur: &[usize],
        target: &str,
        context: &'static str,
    ) -> Result<Vec<usize>, ResolveError> {
        let e = parse_expr(target);
        let Some((n, rel_text)) = e.relative else {
            return self.resolve_symbol(e.label, e.symbol.unwrap_or(""), cur);
        };
        let branch = match e.label {
            Some(l) => Some(self.resolve_branch(l)?),
            None => None,
        };
        let count = n.unsigned_abs();
        if n > 0 {
            let start = match e.symbol {
                Some(sym) => self.single_pos(None, sym, cur)?,
                None => {
                    let mut starts: Vec<Pos> = cur.iter().map(|&c| Pos::Rev(c)).collect();
                    if let Some(b) = branch {
                        let on: Vec<usize> = cur
                            .iter()
                            .copied()
                            .filter(|&c| self.shares_lineage(c, b))
                            .collect();
                        starts = if on.is_empty() {
                            // The branch is not a current head: start from the tips of the
                            // applied part of the branch, or from base.
                            let tips = self.applied_tips_in_lineage(cur, b, false);
                            if tips.is_empty() {
                                vec![Pos::Base]
                            } else {
                                tips.into_iter().map(Pos::Rev).collect()
                            }
                        } else {
                            on.into_iter().map(Pos::Rev).collect()
                        };
                    }
                    if starts.is_empty() {
                        starts.push(Pos::Base);
                    }
                    if starts.len() > 1 {
                        return Err(ResolveError::AmbiguousUpgrade {
                            current: self.ids(cur),
                        });
                    }
                    starts[0]
                }
            };
            match self.walk(start, n, branch, true)? {
                Some(Pos::Rev(i)) => Ok(vec![i]),
                Some(Pos::Base) => Ok(Vec::new()),
                None if e.symbol.is_none() => Err(ResolveError::RelativeTooFar {
                    relative: rel_text.to_string(),
                    count,
                }),
                None => Err(ResolveError::WalkedTooFar {
                    expr: target.to_string(),
                }),
            }
        } else {
            let Some(sym) = e.symbol else {
                return Err(ResolveError::InvalidTarget {
                    expr: target.to_string(),
                    context,
                    reason: format!(
                        "Relative revision {rel_text} didn't produce {count} migrations; an \
                         upgrade moves forward (use `downgrade {rel_text}`)"
                    ),
                });
            };
            let start = self.single_pos(e.label, sym, cur)?;
            match self.walk(start, n, None, true)? {
                Some(Pos::Rev(i)) => Ok(vec![i]),
                Some(Pos::Base) => Ok(Vec::new()),
                None => Err(ResolveError::WalkedTooFar {
                    expr: target.to_string(),
                }),
            }
        }
    }

    /// Alembic `_parse_downgrade_target`: (branch label, target position).
    pub(crate) fn downgrade_target<'a>(
        &self,
        cur: &[usize],
        target: &'a str,
    ) -> Result<(Option<&'a str>, Pos), ResolveError> {
        let e = parse_expr(target);
        let Some((n, rel_text)) = e.relative else {
            let pos = self.single_pos(e.label, e.symbol.unwrap_or(""), cur)?;
            return Ok((e.label, pos));
        };
        let count = n.unsigned_abs();
        let branch = match e.label {
            Some(l) => Some(self.resolve_branch(l)?),
            None => None,
        };
        if n >= 0 {
            let Some(sym) = e.symbol else {
                return Err(ResolveError::InvalidTarget {
                    expr: target.to_string(),
                    context: "downgrade",
                    reason: format!(
                        "Relative revision {rel_text} didn't produce {count} migrations; a \
                         downgrade moves back (use `upgrade {rel_text}`)"
                    ),
                });
            };
            let start = self.single_pos(None, sym, cur)?;
            return match self.walk(start, n, branch, true)? {
                Some(p) => Ok((e.label, p)),
                None => Err(ResolveError::WalkedTooFar {
                    expr: target.to_string(),
                }),
            };
        }
        let start = match e.symbol {
            Some(sym) => self.single_pos(e.label, sym, cur)?,
            None => {
                let starts: Vec<usize> = match branch {
                    Some(b) => {
                        let on: Vec<usize> = cur
                            .iter()
                            .copied()
                            .filter(|&c| self.shares_lineage(c, b))
                            .collect();
                        if on.is_empty() {
                            // The branch's head may be applied only as a dependency of
                            // another current head.
                            self.applied_tips_in_lineage(cur, b, true)
                        } else {
                            on
                        }
                    }
                    None => cur.to_vec(),
                };
                match starts.len() {
                    0 => {
                        return Err(ResolveError::RelativeTooFar {
                            relative: rel_text.to_string(),
                            count,
                        })
                    }
                    1 => Pos::Rev(starts[0]),
                    _ => {
                        return Err(ResolveError::AmbiguousDowngrade {
                            current: self.ids(&starts),
                        })
                    }
                }
            }
        };
        match self.walk(start, n, None, true)? {
            Some(p) => Ok((e.label, p)),
            None if e.symbol.is_none() => Err(ResolveError::RelativeTooFar {
                relative: rel_text.to_string(),
                count,
            }),
            None => Err(ResolveError::WalkedTooFar {
                expr: target.to_string(),
            }),
        }
    }
}
