//! Managing the clinic's locations: address and contact, opening hours, and the rooms and
//! devices in each.

pub mod api;
pub mod pages;
pub mod types;
