//! retort: per-dialect SQL rendering (pure)
