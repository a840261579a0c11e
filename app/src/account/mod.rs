//! Signing in and out, and a person's own account.

pub mod api;
pub mod pages;
pub mod types;
