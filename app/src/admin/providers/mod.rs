//! Managing providers: their public profile and treatments, their weekly hours at each
//! location, and their time off.

pub mod api;
pub mod pages;
pub mod types;
