//! Managing the categories treatments are grouped under on the public site.

pub mod api;
pub mod pages;
pub mod types;
