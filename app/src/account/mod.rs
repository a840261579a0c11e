//! Signing in and out, registering, and a person's own account.

pub mod api;
pub mod emailed_link;
pub mod invitation;
pub mod manage;
pub mod pages;
pub mod password_reset;
pub mod receipts;
pub mod registration;
pub mod second_factor;
pub mod types;
