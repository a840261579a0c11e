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

use crate::domain::form::FieldProblem;
use crate::error::AppError;

/// A constraint the schema enforces, and what to tell the person about the field they can
/// change when a save breaks it: (constraint name, field, message).
pub type ConstraintRule = (&'static str, &'static str, &'static str);

/// The schema's verdict on a save: a field problem when `error` broke one of `rules`,
/// otherwise a failure on our side.
pub fn refused_by(error: sqlx::Error, rules: &[ConstraintRule]) -> AppError {
    let broken = error
        .as_database_error()
        .and_then(|e| e.constraint())
        .and_then(|name| rules.iter().find(|(constraint, _, _)| *constraint == name));
    match broken {
        Some((_, field, message)) => AppError::Rejected(vec![FieldProblem::new(field, message)]),
        None => error.into(),
    }
}
