//! The clinic's patients: a searchable list, and each patient's appointments and notes.

pub mod api;
pub mod pages;
pub mod types;
