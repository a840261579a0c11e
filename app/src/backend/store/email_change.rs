//! Changing the address a person signs in with: a link to the new address (the password
//! was asked first), a heads-up to the old one, and the change itself only when the link
//! is followed.

use super::account_tokens::{self, Purpose};
use super::outbox::{self, Email};
use crate::backend::auth::session::Token;
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
        let body = format!(
            "Hello,\n\n\
             Someone asked to move another account with {clinic} to this address, but this \
             address already has an account, so nothing was changed. If you have forgotten \
             your password, reset it here:\n\n{public_url}/forgot-password\n\n{clinic}"
        );
        outbox::enqueue_email(
            &mut tx,
            clinic_id,
            Email {
                kind: "change_email_taken",
                to: new_email,
                subject: &format!("Your account with {clinic}"),
                body: &body,
            },
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
    let confirm = format!(
        "Hello,\n\n\
         To sign in to {clinic} with this address from now on, confirm it here:\n\n\
         {public_url}/confirm-email-change?token={token}\n\n\
         The link works once, for 24 hours. If you didn't ask for this, ignore this email.\n\n\
         {clinic}",
        token = token.as_str()
    );
    outbox::enqueue_email(
        &mut tx,
        clinic_id,
        Email {
            kind: "change_email",
            to: new_email,
            subject: &format!("Confirm your new email for {clinic}"),
            body: &confirm,
        },
        now,
    )
    .await?;
    let heads_up = format!(
        "Hello,\n\n\
         Someone signed in to your account with {clinic} asked to change its email address. \
         Nothing changes until the new address is confirmed. If this wasn't you, change \
         your password now:\n\n{public_url}/forgot-password\n\n{clinic}"
    );
    outbox::enqueue_email(
        &mut tx,
        clinic_id,
        Email {
            kind: "change_email_requested",
            to: &me.email,
            subject: &format!("A change of email was asked for on your {clinic} account"),
            body: &heads_up,
        },
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
    let clinic = change.clinic;
    let body = format!(
        "Hello,\n\n\
         Your account with {clinic} now signs in with a different email address, and our \
         messages go there. If you didn't make this change, call the clinic.\n\n{clinic}"
    );
    outbox::enqueue_email(
        &mut tx,
        clinic_id,
        Email {
            kind: "email_changed",
            to: &change.old_email,
            subject: &format!("Your {clinic} account's email was changed"),
            body: &body,
        },
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Some(user_id))
}
