//! Changing the address a person signs in with: a link to the new address (the password
//! was asked first), a heads-up to the old one, and the change itself only when the link
//! is followed.

use super::account_tokens::{self, Purpose};
use super::templates;
use crate::backend::auth::session::Token;
use crate::backend::templates::Values;
use crate::domain::templates::{
    CHANGE_EMAIL, CHANGE_EMAIL_REQUESTED, CHANGE_EMAIL_TAKEN, EMAIL_CHANGED,
};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Sends the confirmation link to `new_email`. When another account already uses that
/// address, its owner is told instead and the answer is the same, so the form cannot be
/// used to find out who has an account.
pub async fn request(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
    new_email: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let me = sqlx::query!(
        "SELECT u.email, c.name AS clinic FROM users u JOIN clinics c ON c.id = u.clinic_id
         WHERE u.id = $1 AND u.clinic_id = $2",
        user_id,
        clinic_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let taken = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM users
                          WHERE clinic_id = $1 AND lower(email) = lower($2) AND id <> $3) AS "taken!""#,
        clinic_id,
        new_email,
        user_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let clinic = me.clinic;
    if taken {
        let values = Values::from([
            ("clinic", clinic),
            (
                "forgot_password_link",
                format!("{public_url}/forgot-password"),
            ),
        ]);
        templates::enqueue_email(
            &mut tx,
            clinic_id,
            &CHANGE_EMAIL_TAKEN,
            new_email,
            &values,
            now,
        )
        .await?;
        tx.commit().await?;
        return Ok(());
    }
    // Only the latest request counts.
    sqlx::query!(
        "UPDATE account_tokens SET used_at = $2
         WHERE user_id = $1 AND purpose = 'change_email' AND used_at IS NULL",
        user_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    let token =
        account_tokens::issue_email_change(&mut tx, clinic_id, user_id, new_email, now).await?;
    let confirm = Values::from([
        ("clinic", clinic.clone()),
        (
            "confirm_link",
            format!("{public_url}/confirm-email-change?token={}", token.as_str()),
        ),
    ]);
    templates::enqueue_email(&mut tx, clinic_id, &CHANGE_EMAIL, new_email, &confirm, now).await?;
    let heads_up = Values::from([
        ("clinic", clinic),
        (
            "forgot_password_link",
            format!("{public_url}/forgot-password"),
        ),
    ]);
    templates::enqueue_email(
        &mut tx,
        clinic_id,
        &CHANGE_EMAIL_REQUESTED,
        &me.email,
        &heads_up,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the account to the address the link was sent to, if `token` is a live link of
/// this clinic; the old address is told. Returns the account.
pub async fn complete(
    pool: &PgPool,
    clinic_id: Uuid,
    token: &Token,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, AppError> {
    let mut tx = pool.begin().await?;
    let Some(user_id) =
        account_tokens::consume(&mut tx, clinic_id, token, Purpose::ChangeEmail, now).await?
    else {
        return Ok(None);
    };
    let change = sqlx::query!(
        r#"SELECT t.new_email AS "new_email!", u.email AS old_email, c.name AS clinic
           FROM account_tokens t JOIN users u ON u.id = t.user_id JOIN clinics c ON c.id = u.clinic_id
           WHERE t.token_hash = $1"#,
        token.hash()
    )
    .fetch_one(&mut *tx)
    .await?;
    let updated = sqlx::query!(
        "UPDATE users SET email = $3, email_verified_at = coalesce(email_verified_at, $4)
         WHERE id = $1 AND clinic_id = $2",
        user_id,
        clinic_id,
        change.new_email,
        now
    )
    .execute(&mut *tx)
    .await;
    if let Err(error) = updated {
        let taken = error
            .as_database_error()
            .and_then(|e| e.constraint())
            .is_some_and(|c| c == "users_email_per_clinic");
        return Err(if taken {
            AppError::Invalid(
                "That address has been given to another account since you asked. Choose another one from your account page.".to_owned(),
            )
        } else {
            error.into()
        });
    }
    // A patient's record is how the clinic writes to them: it follows the sign-in.
    sqlx::query!(
        "UPDATE patients SET email = $3 WHERE clinic_id = $1 AND user_id = $2",
        clinic_id,
        user_id,
        change.new_email
    )
    .execute(&mut *tx)
    .await?;
    let values = Values::from([("clinic", change.clinic)]);
    templates::enqueue_email(
        &mut tx,
        clinic_id,
        &EMAIL_CHANGED,
        &change.old_email,
        &values,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(user_id))
}
