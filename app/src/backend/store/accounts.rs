//! User accounts: finding one to sign in, and what a person sees of their own account.

use crate::account::types::{MyAccount, MyAppointment};
use crate::domain::access::Role;
use crate::domain::appointment::AppointmentStatus;
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
        past: Vec::new(),
        profile: None,
        messages: Vec::new(),
        receipts: Vec::new(),
    })
}

/// How many appointments each list on the account page shows.
const LISTED: usize = 20;

/// The signed-in patient's own appointments and places at group sessions, in the clinic's
/// time zone: those to come (soonest first, cancelled ones left out) and those past
/// (latest first). The `user_id` join is the object-level check: no other patient's rows
/// can match.
pub async fn my_appointments(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(Vec<MyAppointment>, Vec<MyAppointment>), AppError> {
    let rows = sqlx::query!(
        r#"SELECT upper(a.period) AS "ends!",
                  to_char(lower(a.period) AT TIME ZONE c.time_zone, 'Dy DD Mon YYYY, HH24:MI') AS "starts!",
                  t.name AS "treatment!", p.display_name AS "provider!", l.name AS "location!",
                  a.status::text AS "status!"
           FROM appointments a
           JOIN patients pa ON pa.id = a.patient_id
           JOIN clinics c ON c.id = a.clinic_id
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           JOIN locations l ON l.id = a.location_id
           WHERE a.clinic_id = $1 AND pa.user_id = $2 AND a.status <> 'held'
           UNION ALL
           SELECT upper(a.period),
                  to_char(lower(a.period) AT TIME ZONE c.time_zone, 'Dy DD Mon YYYY, HH24:MI'),
                  t.name, p.display_name, l.name,
                  CASE WHEN s.status = 'cancelled' THEN 'cancelled' ELSE a.status::text END
           FROM session_seats s
           JOIN appointments a ON a.id = s.appointment_id
           JOIN patients pa ON pa.id = s.patient_id
           JOIN clinics c ON c.id = a.clinic_id
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           JOIN locations l ON l.id = a.location_id
           WHERE s.clinic_id = $1 AND pa.user_id = $2
           ORDER BY 1"#,
        clinic_id,
        user_id
    )
    .fetch_all(pool)
    .await?;
    let (mut upcoming, mut past) = (Vec::new(), Vec::new());
    for row in rows {
        let status = AppointmentStatus::parse(&row.status);
        let appointment = MyAppointment {
            starts: row.starts,
            treatment: row.treatment,
            provider: row.provider,
            location: row.location,
            status: status.map_or("", AppointmentStatus::label).to_owned(),
        };
        if row.ends <= now {
            past.push(appointment);
        } else if status != Some(AppointmentStatus::Cancelled) {
            upcoming.push(appointment);
        }
    }
    upcoming.truncate(LISTED);
    past.reverse();
    past.truncate(LISTED);
    Ok((upcoming, past))
}
