//! The example app: a small blog.
