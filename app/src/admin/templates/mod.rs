//! The clinic's wording for its messages: the list of what may be reworded, and an editor
//! with the variables beside it, a preview on sample values, an SMS counter and a way
//! back to the built-in wording.

pub mod api;
pub mod pages;
pub mod types;
