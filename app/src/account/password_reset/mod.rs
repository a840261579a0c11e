//! A forgotten password: a single-use link by email, and choosing a new password from it.

pub mod api;
pub mod pages;
