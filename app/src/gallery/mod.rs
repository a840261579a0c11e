//! The before/after gallery: cases shown with the patient's consent.

pub mod api;
pub mod components;
pub mod pages;
pub mod slider;
pub mod types;
