//! Managing the clinic's treatments: the list, and one editor for new and existing ones.

pub mod api;
pub mod pages;
pub mod types;
