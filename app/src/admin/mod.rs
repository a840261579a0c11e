//! The staff area. Every screen's data comes through a server function that starts with
//! the authorization check.

pub mod api;
pub mod api_keys;
pub mod assistant;
pub mod audit_log;
pub mod calendar;
pub mod categories;
pub mod closures;
pub mod dashboard;
pub mod fields;
pub mod frame;
pub mod gallery;
pub mod locations;
pub mod mailbox;
pub mod patients;
pub mod payments;
pub mod practice;
pub mod providers;
pub mod reports;
pub mod settings;
pub mod staff;
pub mod templates;
pub mod treatments;
pub mod types;
pub mod waitlist;
pub mod webhooks;
