//! The waitlist, as patients meet it: joining it for a treatment when no time suits them,
//! the page an offered time's email opens (take it, or leave the waitlist), and leaving.
//! Its pages load with the account area's, when first opened.

pub mod api;
pub mod pages;
pub mod types;
