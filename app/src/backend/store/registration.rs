//! Patient registration: an unconfirmed account and its confirmation email in one
//! transaction, and confirming it (which also claims the person's earlier guest bookings).

use super::account_tokens::{self, Purpose};
use super::templates;
use crate::backend::templates::Values;
use crate::domain::access::Role;
use crate::domain::registration::Registration;
use crate::domain::templates::{ALREADY_REGISTERED, VERIFY_EMAIL};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

async fn send_confirmation(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    user_id: Uuid,
    to: &str,
    first_name: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let clinic = super::clinic::name(&mut *tx, clinic_id).await?;
    let token = account_tokens::issue(tx, clinic_id, user_id, Purpose::VerifyEmail, now).await?;
    let values = Values::from([
        ("first_name", first_name.to_owned()),
        ("clinic", clinic),
        (
            "confirm_link",
            format!("{public_url}/confirm-email?token={}", token.as_str()),
        ),
    ]);
    templates::enqueue_email(tx, clinic_id, &VERIFY_EMAIL, to, &values, now).await?;
    Ok(())
}

/// Registers a patient: an account that cannot sign in until its email is confirmed, a
/// patient record, and the confirmation email. When the address already has an account,
/// its owner gets a note instead. The caller cannot tell which happened, so the form
/// reveals nothing about who is registered.
pub async fn register(
    pool: &PgPool,
    clinic_id: Uuid,
    registration: &Registration,
    password_hash: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, AppError> {
    let mut tx = pool.begin().await?;
    let email = registration.email.as_str();
    let display_name = format!("{} {}", registration.first_name, registration.last_name);
    // ON CONFLICT: two registrations racing for one address end like the "already
    // registered" case instead of failing.
    let user_id = sqlx::query_scalar!(
        "INSERT INTO users (clinic_id, role, email, display_name, password_hash, created_at)
         VALUES ($1, 'patient', $2, $3, $4, $5)
         ON CONFLICT DO NOTHING
         RETURNING id",
        clinic_id,
        email,
        display_name,
        password_hash,
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    match user_id {
        Some(user_id) => {
            sqlx::query!(
                "INSERT INTO patients (clinic_id, user_id, first_name, last_name, email, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                clinic_id,
                user_id,
                registration.first_name,
                registration.last_name,
                email,
                now
            )
            .execute(&mut *tx)
            .await?;
            send_confirmation(
                &mut tx,
                clinic_id,
                user_id,
                email,
                &registration.first_name,
                public_url,
                now,
            )
            .await?;
        }
        None => {
            let values = Values::from([
                ("clinic", super::clinic::name(&mut *tx, clinic_id).await?),
                ("sign_in_link", format!("{public_url}/sign-in")),
            ]);
            templates::enqueue_email(&mut tx, clinic_id, &ALREADY_REGISTERED, email, &values, now)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(user_id)
}

/// Sends a fresh confirmation link to an unconfirmed patient (asked for by signing in).
pub async fn resend_confirmation(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let user = sqlx::query!(
        r#"SELECT u.email, coalesce(p.first_name, u.display_name) AS "first_name!"
           FROM users u LEFT JOIN patients p ON p.user_id = u.id AND p.clinic_id = u.clinic_id
           WHERE u.id = $1 AND u.clinic_id = $2
           LIMIT 1"#,
        user_id,
        clinic_id
    )
    .fetch_one(&mut *tx)
    .await?;
    send_confirmation(
        &mut tx,
        clinic_id,
        user_id,
        &user.email,
        &user.first_name,
        public_url,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Confirms the address behind `token` and links the person's earlier guest bookings
/// (patient records with the same address and no account) to the account. Returns the
/// account to sign in, or `None` when the link is unknown, used or expired.
pub async fn confirm(
    pool: &PgPool,
    clinic_id: Uuid,
    token: &crate::backend::auth::session::Token,
    now: DateTime<Utc>,
) -> Result<Option<(Uuid, Role)>, AppError> {
    let mut tx = pool.begin().await?;
    let Some(user_id) =
        account_tokens::consume(&mut tx, clinic_id, token, Purpose::VerifyEmail, now).await?
    else {
        return Ok(None);
    };
    let user = sqlx::query!(
        r#"UPDATE users SET email_verified_at = coalesce(email_verified_at, $3)
           WHERE id = $1 AND clinic_id = $2 AND active
           RETURNING email, role::text AS "role!""#,
        user_id,
        clinic_id,
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user) = user else {
        return Ok(None);
    };
    // Only now, with the address proven, may the account see bookings made under it.
    sqlx::query!(
        "UPDATE patients SET user_id = $3
         WHERE clinic_id = $1 AND lower(email) = lower($2) AND user_id IS NULL",
        clinic_id,
        user.email,
        user_id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Role::parse(&user.role).map(|role| (user_id, role)))
}
