//! Pure rules shared by the browser and the server: no Leptos, no sqlx, no axum.

pub mod access;
pub mod appointment;
pub mod availability;
pub mod booking;
pub mod calendar;
pub mod category;
pub mod clinic_settings;
pub mod consent;
pub mod duration;
pub mod email;
pub mod form;
pub mod hours;
pub mod ics;
pub mod location;
pub mod money;
pub mod new_clinic;
pub mod password;
pub mod profile;
pub mod provider;
pub mod rate_limit;
pub mod registration;
pub mod slug;
pub mod staff;
pub mod treatment;
pub mod upload;
pub mod url;
