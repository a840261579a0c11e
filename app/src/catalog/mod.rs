//! The clinic and its catalogue: who the clinic is, where it is, what it offers.

pub mod api;
pub mod pages;
pub mod types;
