//! The assistant in the staff area: conversations waiting for a person (urgent first), a
//! conversation's transcript with a reply form, and the questions and answers staff write
//! for the assistant.

pub mod api;
pub mod pages;
pub mod types;
