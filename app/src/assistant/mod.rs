//! The clinic's assistant as patients meet it: the `/assistant` page, whose form works
//! without JavaScript, and its server functions.

pub mod api;
pub mod pages;
pub mod panel;
pub mod types;
