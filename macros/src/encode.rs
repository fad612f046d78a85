//! The text form of a table's description that `#[derive(Table)]` writes into its `static`
//! (read back by `retort`'s `registry/desc.rs`, which documents the format).
//!
//! One string literal per struct instead of nested struct literals of `Option`s and slices:
//! the models crate's compile time is mostly what the compiler does with each derive's
//! output (parse, resolve, type-check, const-evaluate, hash for incremental builds), and a
//! literal is the cheapest thing there is to give it. Only the column types, which need the
//! compiler (`<T as ColumnType>::DESC`), stay code.

use std::fmt::Write;

use crate::attr::Action;

/// The text being written.
#[derive(Default)]
pub(crate) struct Enc(pub String);

impl Enc {
    /// A string: its length in bytes, `:`, the string.
    pub fn s(&mut self, v: &str) {
        let _ = write!(self.0, "{}:{v}", v.len());
    }

    /// `~` for none.
    pub fn opt_s(&mut self, v: Option<&str>) {
        match v {
            Some(v) => self.s(v),
            None => self.none(),
        }
    }

    pub fn none(&mut self) {
        self.0.push('~');
    }

    /// A tag (one ASCII letter).
    pub fn tag(&mut self, t: char) {
        self.0.push(t);
    }

    pub fn flag(&mut self, b: bool) {
        self.0.push(if b { 't' } else { 'f' });
    }

    pub fn opt_flag(&mut self, b: Option<bool>) {
        match b {
            Some(b) => self.flag(b),
            None => self.none(),
        }
    }

    /// A number: its digits, `;`.
    pub fn opt_u32(&mut self, n: Option<u32>) {
        match n {
            Some(n) => {
                let _ = write!(self.0, "{n};");
            }
            None => self.none(),
        }
    }

    /// A list's length (`<n>*`), before its items.
    pub fn count(&mut self, n: usize) {
        let _ = write!(self.0, "{n}*");
    }

    /// A list: its length, then each item as `item` writes it.
    pub fn list<T>(
        &mut self,
        items: impl IntoIterator<Item = T>,
        mut item: impl FnMut(&mut Self, T),
    ) {
        let items: Vec<T> = items.into_iter().collect();
        self.count(items.len());
        for i in items {
            item(self, i);
        }
    }

    pub fn strs<S: AsRef<str>>(&mut self, items: &[S]) {
        self.list(items, |e, i| e.s(i.as_ref()));
    }

    pub fn action(&mut self, a: Option<Action>) {
        match a {
            None => self.none(),
            Some(a) => self.tag(match a {
                Action::Cascade => 'c',
                Action::SetNull => 'n',
                Action::SetDefault => 'd',
                Action::Restrict => 'r',
                Action::NoAction => 'a',
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_carry_their_byte_length() {
        let mut e = Enc::default();
        e.s("naïve");
        e.opt_s(None);
        e.strs(&["a", ""]);
        e.opt_u32(Some(10));
        e.opt_flag(Some(false));
        e.action(Some(Action::SetNull));
        assert_eq!(e.0, "6:naïve~2*1:a0:10;fn");
    }
}
