//! The Postgres layer, one module per aggregate. Every query is scoped by `clinic_id`.

pub mod account_tokens;
pub mod accounts;
pub mod admin;
pub mod audit_log;
pub mod catalog;
pub mod catalog_admin;
pub mod categories;
pub mod clinic;
pub mod clinic_settings;
pub mod clinics;
pub mod email_change;
pub mod gallery;
pub mod locations;
pub mod media;
pub mod outbox;
pub mod own_account;
pub mod password_reset;
pub mod providers;
pub mod rate_limits;
pub mod registration;
pub mod second_factor;
pub mod staff;
