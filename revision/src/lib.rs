//! retort: the revision graph, identifiers and script headers
