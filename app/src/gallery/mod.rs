//! The before/after gallery: cases shown with the patient's consent.

pub mod components;
pub mod types;
