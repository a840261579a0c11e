//! Staff accounts: who works here, in which role, and inviting someone new.

pub mod api;
pub mod pages;
