//! Single-use, expiring tokens for emailed links. The link carries the token; the table
//! holds its hash, so neither a leaked database nor a replayed link gets anyone in.

use crate::backend::auth::session::Token;
use chrono::{DateTime, Duration, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    ResetPassword,
    Invite,
    ChangeEmail,
}

impl Purpose {
    fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::ResetPassword => "reset_password",
            Purpose::Invite => "invite",
            Purpose::ChangeEmail => "change_email",
        }
    }

    /// How long a link stays good.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::VerifyEmail => Duration::hours(48),
            // Short: a reset link in a forgotten inbox is a way into the account.
            Purpose::ResetPassword => Duration::hours(1),
            Purpose::Invite => Duration::days(7),
            Purpose::ChangeEmail => Duration::hours(24),
        }
    }
}

/// Issues a token for `user_id`; the caller puts it in a message in the same transaction.
pub async fn issue(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    user_id: Uuid,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Token, sqlx::Error> {
    let token = Token::generate();
    sqlx::query!(
        "INSERT INTO account_tokens (token_hash, clinic_id, user_id, purpose, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        token.hash(),
        clinic_id,
        user_id,
        purpose.as_str(),
        now,
        now + purpose.lifetime()
    )
    .execute(&mut *tx)
    .await?;
    Ok(token)
}

/// Issues a token that moves `user_id`'s sign-in to `new_email` when its link is followed.
pub async fn issue_email_change(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    user_id: Uuid,
    new_email: &str,
    now: DateTime<Utc>,
) -> Result<Token, sqlx::Error> {
    let token = Token::generate();
    let purpose = Purpose::ChangeEmail;
    sqlx::query!(
        "INSERT INTO account_tokens
             (token_hash, clinic_id, user_id, purpose, created_at, expires_at, new_email)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        token.hash(),
        clinic_id,
        user_id,
        purpose.as_str(),
        now,
        now + purpose.lifetime(),
        new_email
    )
    .execute(&mut *tx)
    .await?;
    Ok(token)
}

/// The email address of the account a live token belongs to, without using it up.
pub async fn owner_email(
    pool: &sqlx::PgPool,
    clinic_id: Uuid,
    token: &Token,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT u.email FROM account_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = $1 AND t.clinic_id = $2 AND t.purpose = $3
           AND t.used_at IS NULL AND t.expires_at > $4 AND u.active",
        token.hash(),
        clinic_id,
        purpose.as_str(),
        now
    )
    .fetch_optional(pool)
    .await
}

/// Uses up the token if it is this clinic's, for `purpose`, unused and unexpired; returns
/// whose it was. A second use finds nothing.
pub async fn consume(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    token: &Token,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "UPDATE account_tokens SET used_at = $4
         WHERE token_hash = $1 AND clinic_id = $2 AND purpose = $3
           AND used_at IS NULL AND expires_at > $4
         RETURNING user_id",
        token.hash(),
        clinic_id,
        purpose.as_str(),
        now
    )
    .fetch_optional(&mut *tx)
    .await
}
