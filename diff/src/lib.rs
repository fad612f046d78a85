//! retort: the pure schema differ
