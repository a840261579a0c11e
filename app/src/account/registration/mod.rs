//! Patients creating an account: the form, the "check your email" page, and confirming
//! the address from the emailed link.

pub mod api;
pub mod pages;
