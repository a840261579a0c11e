//! The platform's clinics: creating one with its first admin. This runs with the owner's
//! connection (an operator's command), outside any one clinic's row-level security.

use super::account_tokens::{self, Purpose};
use super::clinic_settings::{known_time_zone, UNKNOWN_TIME_ZONE};
use super::outbox::{self, Email};
use crate::backend::audit::{self, Entry};
use crate::domain::form::FieldProblem;
use crate::domain::new_clinic::NewClinic;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

pub struct Created {
    pub clinic_id: Uuid,
    /// The first admin's invitation link (also in the clinic's outbox).
    pub invitation: String,
}

/// Creates the clinic and invites its first admin, in one transaction with its audit row.
pub async fn create(
    pool: &PgPool,
    clinic: &NewClinic,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Created, AppError> {
    let mut tx = pool.begin().await?;
    if !known_time_zone(&mut tx, &clinic.time_zone).await? {
        return Err(AppError::Rejected(vec![FieldProblem::new(
            "time_zone",
            UNKNOWN_TIME_ZONE,
        )]));
    }
    let clinic_id = sqlx::query_scalar!(
        "INSERT INTO clinics (slug, name, time_zone, currency, email, phone, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (slug) DO NOTHING
         RETURNING id",
        clinic.slug.as_str(),
        clinic.name,
        clinic.time_zone,
        clinic.currency.code(),
        clinic.email.as_str(),
        clinic.phone,
        now
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| {
        AppError::Rejected(vec![FieldProblem::new(
            "slug",
            "Another clinic already has this short name. Choose a different one.",
        )])
    })?;
    let admin_id = sqlx::query_scalar!(
        "INSERT INTO users (clinic_id, role, email, display_name, created_at)
         VALUES ($1, 'clinic_admin', $2, $3, $4)
         RETURNING id",
        clinic_id,
        clinic.admin_email.as_str(),
        clinic.admin_name,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    let token = account_tokens::issue(&mut tx, clinic_id, admin_id, Purpose::Invite, now).await?;
    let invitation = format!("{public_url}/accept-invite?token={}", token.as_str());
    let body = format!(
        "Hello {name},\n\n\
         {clinic} now has its own Lumen site, and you are its first administrator. Choose \
         your password here:\n\n{invitation}\n\n\
         The link works once, for seven days. When you first sign in you will also set up \
         an authenticator app on your phone.",
        name = clinic.admin_name,
        clinic = clinic.name,
    );
    outbox::enqueue_email(
        &mut tx,
        clinic_id,
        Email {
            kind: "staff_invite",
            to: clinic.admin_email.as_str(),
            subject: &format!("Your clinic {} is ready", clinic.name),
            body: &body,
        },
        now,
    )
    .await?;
    audit::append(
        &mut tx,
        Entry {
            at: now,
            clinic_id: Some(clinic_id),
            actor_user_id: None,
            actor_role: "platform_operator",
            action: "create",
            subject_type: "clinic",
            subject_id: Some(clinic_id),
            request_id: "command-line",
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Created {
        clinic_id,
        invitation,
    })
}
