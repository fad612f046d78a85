//! Small helpers: error collection, suggestions, names.

use proc_macro2::Span;
use quote::ToTokens;

/// The messages of a derive's errors (none when it expanded), for unit tests.
#[cfg(test)]
pub fn error_texts(expanded: syn::Result<proc_macro2::TokenStream>) -> Vec<String> {
    match expanded {
        Ok(_) => vec![],
        Err(e) => e.into_iter().map(|e| e.to_string()).collect(),
    }
}

/// Collects every error of one derive, so the user sees them all at once.
#[derive(Default)]
pub struct Errors(Vec<syn::Error>);

impl Errors {
    pub fn push(&mut self, e: syn::Error) {
        self.0.push(e);
    }

    pub fn at(&mut self, span: Span, msg: impl std::fmt::Display) {
        self.0.push(syn::Error::new(span, msg));
    }

    pub fn on(&mut self, tokens: impl ToTokens, msg: impl std::fmt::Display) {
        self.0.push(syn::Error::new_spanned(tokens, msg));
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// All errors combined into one, or `None`.
    pub fn combined(self) -> Option<syn::Error> {
        let mut it = self.0.into_iter();
        let mut first = it.next()?;
        for e in it {
            first.combine(e);
        }
        Some(first)
    }
}

/// ` (did you mean `x`?)` when a candidate is close to `word`, else empty.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match closest(word, candidates) {
        Some(c) => format!(" (did you mean `{c}`?)"),
        None => String::new(),
    }
}

/// What follows "unknown .. attribute `name`": the closest allowed key, else the list of them.
pub fn unknown_key_hint(name: &str, allowed: &[&str]) -> String {
    let suggestion = did_you_mean(name, allowed.iter().copied());
    if suggestion.is_empty() {
        format!("; expected one of: {}", allowed.join(", "))
    } else {
        suggestion
    }
}

pub use retort_schema::naming::closest;

/// The naming rule shared with `pull` (`retort_schema::naming::snake_case`).
pub use retort_schema::naming::snake_case;

/// A type as the user wrote it, without the token spacing (`Option<Vec<u8>>`).
pub fn type_name(ty: &syn::Type) -> String {
    ty.to_token_stream()
        .to_string()
        .replace(" :: ", "::")
        .replace(":: ", "::")
        .replace(" <", "<")
        .replace("< ", "<")
        .replace(" >", ">")
        .replace(" ,", ",")
        .replace("& ", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(closest("lenght", ["length", "name"]), Some("length"));
        assert_eq!(closest("xyz", ["length", "name"]), None);
        assert_eq!(closest("primary", ["primary_key"]), None);
        assert_eq!(closest("primarykey", ["primary_key"]), Some("primary_key"));
    }

    #[test]
    fn type_names() {
        let ty: syn::Type = syn::parse_quote!(Option<Vec<u8>>);
        assert_eq!(type_name(&ty), "Option<Vec<u8>>");
        let ty: syn::Type = syn::parse_quote!(chrono::DateTime<chrono::Utc>);
        assert_eq!(type_name(&ty), "chrono::DateTime<chrono::Utc>");
    }
}
