//! A person managing their own account: their details, their password, a copy of their
//! data, and deleting the account.

pub mod api;
pub mod pages;
