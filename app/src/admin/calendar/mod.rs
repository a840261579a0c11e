//! The staff calendar: the day or week by provider or room, each appointment's page with
//! its history and actions, and booking a patient in.

pub mod api;
pub mod pages;
pub mod types;
