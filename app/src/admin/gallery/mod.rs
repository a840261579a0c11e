//! The gallery's staff screens: arranging galleries, albums and cases, uploading and
//! pairing pictures, recording consent, previewing and publishing.

pub mod api;
pub mod pages;
pub mod types;
pub mod upload;
