//! User accounts: finding one to sign in, and what a person sees of their own account.

use crate::account::types::{MyAccount, MyAppointment};
use crate::domain::access::Role;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

pub struct SignInAccount {
    pub user_id: Uuid,
    pub role: Role,
    pub password_hash: Option<String>,
    /// Patients confirm their email address before they can sign in; staff accounts are
    /// confirmed by the invitation that created them.
    pub email_confirmed: bool,
    /// Whether the second factor is set up (staff), or still to be.
    pub totp_enabled: bool,
}

/// An active account of this clinic with this (lower-cased) email.
pub async fn find_for_sign_in(
    pool: &PgPool,
    clinic_id: Uuid,
    email: &str,
) -> Result<Option<SignInAccount>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT id, role::text AS "role!", password_hash,
                  email_verified_at IS NOT NULL AS "email_confirmed!",
                  totp_enabled_at IS NOT NULL AS "totp_enabled!"
           FROM users
           WHERE clinic_id = $1 AND lower(email) = $2 AND active"#,
        clinic_id,
        email
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(|r| {
        Role::parse(&r.role).map(|role| SignInAccount {
            user_id: r.id,
            role,
            password_hash: r.password_hash,
            email_confirmed: r.email_confirmed || role != Role::Patient,
            totp_enabled: r.totp_enabled,
        })
    }))
}

pub async fn profile(pool: &PgPool, clinic_id: Uuid, user_id: Uuid) -> Result<MyAccount, AppError> {
    let row = sqlx::query!(
        r#"SELECT display_name, email, role::text AS "role!" FROM users WHERE id = $1 AND clinic_id = $2"#,
        user_id,
        clinic_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    Ok(MyAccount {
        display_name: row.display_name,
        email: row.email,
        role: Role::parse(&row.role).ok_or(AppError::Unavailable)?,
        upcoming: Vec::new(),
        profile: None,
    })
}

/// The signed-in patient's own upcoming appointments, in the clinic's time zone. The
/// `user_id` join is the object-level check: no other patient's rows can match.
pub async fn upcoming_appointments(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<MyAppointment>, AppError> {
    let rows = sqlx::query_as!(
        MyAppointment,
        r#"SELECT to_char(lower(a.period) AT TIME ZONE c.time_zone, 'Dy DD Mon YYYY, HH24:MI') AS "starts!",
                  t.name AS treatment, p.display_name AS provider, l.name AS location,
                  a.status::text AS "status!"
           FROM appointments a
           JOIN patients pa ON pa.id = a.patient_id
           JOIN clinics c ON c.id = a.clinic_id
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           JOIN locations l ON l.id = a.location_id
           WHERE a.clinic_id = $1 AND pa.user_id = $2 AND upper(a.period) > $3 AND a.status <> 'cancelled'
           ORDER BY lower(a.period)
           LIMIT 20"#,
        clinic_id,
        user_id,
        now
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}
