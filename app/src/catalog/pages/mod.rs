//! The public catalogue pages.

pub mod home;
pub mod treatment;
pub mod treatments;
