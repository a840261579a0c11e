//! Accepting a staff invitation: choosing a password from the emailed link.

pub mod api;
pub mod pages;
