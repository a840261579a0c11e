//! The waitlist as staff keep it: who waits for what, in the order they joined, whether a
//! time is on offer to them now, and taking someone off it.

pub mod api;
pub mod pages;
pub mod types;
