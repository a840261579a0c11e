//! The integration tests: one binary, so a clean build links one large test executable
//! rather than one per file (each carries the whole app).

mod common;

mod account_security;
mod admin_area;
mod admin_treatments;
mod assistant;
mod audit;
mod auth;
mod bad_input;
mod booking;
mod booking_limits;
mod calendar;
mod catalogue_admin;
mod cloudinary;
mod crash;
mod durability;
mod embedded_postgres;
mod fees;
mod gallery;
mod housekeeping;
mod http;
mod markup;
mod message_log;
mod messaging;
mod own_account;
mod page_cache;
mod password_reset;
mod patient_matrix;
mod patients;
mod payment_policy;
mod platform;
mod razorpay;
mod refunds;
mod registration;
mod reminders;
mod schema;
mod second_factor;
mod seed;
mod sessions;
mod staff_accounts;
mod stripe_api;
mod stripe_checkout;
mod templates;
mod tenancy;
mod texts;
