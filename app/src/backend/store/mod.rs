//! The Postgres layer, one module per aggregate. Every query is scoped by `clinic_id`.

pub mod account_tokens;
pub mod accounts;
pub mod admin;
pub mod api_keys;
pub mod api_reads;
pub mod assistant;
pub mod audit_log;
pub mod booking;
pub mod booking_emails;
pub mod calendar;
pub mod catalog;
pub mod catalog_admin;
pub mod categories;
pub mod clinic;
pub mod clinic_settings;
pub mod clinics;
pub mod closures;
pub mod desk_payments;
pub mod email_change;
pub mod fees;
pub mod gallery;
pub mod gallery_admin;
pub mod housekeeping;
pub mod locations;
pub mod media;
pub mod outbox;
pub mod own_account;
pub mod password_reset;
pub mod patients;
pub mod payment_policy;
pub mod payment_report;
pub mod payments;
pub mod practice;
pub mod providers;
pub mod rate_limits;
pub mod receipts;
pub mod refunds;
pub mod registration;
pub mod reminders;
pub mod reports;
pub mod second_factor;
pub mod sessions;
pub mod staff;
pub mod templates;
pub mod texts;
pub mod video;
pub mod waitlist;
pub mod webhooks;

use crate::domain::form::FieldProblem;
use crate::error::AppError;

/// A stored web address read back. The schema checks the same shape, so a bad one means
/// the data was changed behind the app's back: logged, and the person told to try later.
pub fn stored_slug(
    raw: &str,
    what: &str,
    id: uuid::Uuid,
) -> Result<crate::domain::slug::Slug, AppError> {
    crate::domain::slug::Slug::parse(raw).map_err(|error| {
        tracing::error!(%error, record = what, %id, "stored slug is invalid");
        AppError::Unavailable
    })
}

/// The audit log's word for saving a record that did or did not exist yet.
pub fn save_action(existing: Option<uuid::Uuid>) -> &'static str {
    if existing.is_some() {
        "update"
    } else {
        "create"
    }
}

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
