//! Closed days: public holidays and one-off closures of the clinic or one location, and
//! the bookings that stand on them.

pub mod api;
pub mod pages;
pub mod types;
