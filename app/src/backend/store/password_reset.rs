//! Resetting a forgotten password: a single-use link by email, and setting the new
//! password from it (which ends every session the account had).

use super::account_tokens::{self, Purpose};
use super::templates;
use crate::backend::auth::session::{self, Token};
use crate::backend::templates::Values;
use crate::domain::templates::RESET_PASSWORD;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Emails a reset link when `email` has an active account here; otherwise does nothing.
/// The caller answers the same either way. Returns the account, for the audit log.
pub async fn request(
    pool: &PgPool,
    clinic_id: Uuid,
    email: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, AppError> {
    let mut tx = pool.begin().await?;
    let account = sqlx::query!(
        r#"SELECT u.id, u.email, c.name AS clinic FROM users u JOIN clinics c ON c.id = u.clinic_id
           WHERE u.clinic_id = $1 AND lower(u.email) = $2 AND u.active"#,
        clinic_id,
        email
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(account) = account else {
        return Ok(None);
    };
    let token =
        account_tokens::issue(&mut tx, clinic_id, account.id, Purpose::ResetPassword, now).await?;
    let values = Values::from([
        ("clinic", account.clinic),
        (
            "reset_link",
            format!("{public_url}/reset-password?token={}", token.as_str()),
        ),
    ]);
    templates::enqueue_email(
        &mut tx,
        clinic_id,
        &RESET_PASSWORD,
        &account.email,
        &values,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(account.id))
}

/// Sets the new password if `token` is a live reset link of this clinic, and ends every
/// session of the account: whoever knew the old password is signed out. Returns the account.
pub async fn complete(
    pool: &PgPool,
    clinic_id: Uuid,
    token: &Token,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, AppError> {
    let mut tx = pool.begin().await?;
    let Some(user_id) =
        account_tokens::consume(&mut tx, clinic_id, token, Purpose::ResetPassword, now).await?
    else {
        return Ok(None);
    };
    // The link proves the address, so an unconfirmed patient is confirmed by it too.
    sqlx::query!(
        "UPDATE users SET password_hash = $3, email_verified_at = coalesce(email_verified_at, $4)
         WHERE id = $1 AND clinic_id = $2",
        user_id,
        clinic_id,
        password_hash,
        now
    )
    .execute(&mut *tx)
    .await?;
    session::end_all(&mut tx, user_id).await?;
    // Any other reset link sent earlier is void now.
    sqlx::query!(
        "UPDATE account_tokens SET used_at = $2
         WHERE user_id = $1 AND purpose = 'reset_password' AND used_at IS NULL",
        user_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(user_id))
}
