//! Staff's second factor: the TOTP secret (pending until the first code confirms it), its
//! replay guard, and the recovery codes' hashes.

use crate::backend::auth::totp::{self, Secret};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub enum State {
    /// Enabled: sign-ins ask for a code.
    Enabled,
    /// Not enabled yet; the secret the set-up page shows until the first code confirms it.
    Pending(Secret),
    /// No secret yet: signing in with the password makes one.
    NotStarted,
}

fn recovery_hash(code: &str) -> Vec<u8> {
    Sha256::digest(totp::normalise_recovery_code(code).as_bytes()).to_vec()
}

/// Makes the pending secret the set-up page will show, unless there is one already (the
/// person may have scanned it). Called by the sign-in's POST: showing a page writes nothing.
pub async fn begin(pool: &PgPool, clinic_id: Uuid, user_id: Uuid) -> Result<(), sqlx::Error> {
    let fresh = Secret::generate();
    sqlx::query!(
        "UPDATE users SET totp_secret = coalesce(totp_secret, $3)
         WHERE id = $1 AND clinic_id = $2 AND totp_enabled_at IS NULL",
        user_id,
        clinic_id,
        fresh.as_bytes()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The user's second factor, as it stands.
pub async fn state(pool: &PgPool, clinic_id: Uuid, user_id: Uuid) -> Result<State, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT totp_secret, totp_enabled_at IS NOT NULL AS "enabled!"
           FROM users WHERE id = $1 AND clinic_id = $2"#,
        user_id,
        clinic_id
    )
    .fetch_one(pool)
    .await?;
    Ok(match (row.enabled, row.totp_secret) {
        (true, _) => State::Enabled,
        (false, Some(secret)) => State::Pending(Secret::from_bytes(secret)),
        (false, None) => State::NotStarted,
    })
}

/// Turns the pending secret on when `code` is right; stores the recovery codes' hashes.
pub async fn enable(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        "SELECT totp_secret FROM users
         WHERE id = $1 AND clinic_id = $2 AND totp_enabled_at IS NULL FOR UPDATE",
        user_id,
        clinic_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(secret) = row.and_then(|r| r.totp_secret).map(Secret::from_bytes) else {
        return Ok(false);
    };
    let Some(step) = totp::matching_step(&secret, code, now) else {
        return Ok(false);
    };
    turn_on(&mut tx, clinic_id, user_id, &secret, Some(step), now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Turns the second factor on with a secret known in advance: the demo clinic's staff.
pub async fn enable_known(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    user_id: Uuid,
    secret: &Secret,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    turn_on(tx, clinic_id, user_id, secret, None, now).await
}

async fn turn_on(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    user_id: Uuid,
    secret: &Secret,
    last_step: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET totp_secret = $3, totp_enabled_at = $4, totp_last_step = $5
         WHERE id = $1 AND clinic_id = $2",
        user_id,
        clinic_id,
        secret.as_bytes(),
        now,
        last_step
    )
    .execute(&mut *tx)
    .await?;
    let hashes: Vec<Vec<u8>> = totp::recovery_codes(secret)
        .iter()
        .map(|c| recovery_hash(c))
        .collect();
    sqlx::query!(
        "INSERT INTO recovery_codes (clinic_id, user_id, code_hash)
         SELECT $1, $2, unnest($3::bytea[])",
        clinic_id,
        user_id,
        &hashes
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Whether `code` (an authenticator code, or an unused recovery code) proves the second
/// factor. A code is good once: its step must be later than the last one used.
pub async fn check(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let secret = sqlx::query_scalar!(
        "SELECT totp_secret FROM users
         WHERE id = $1 AND clinic_id = $2 AND totp_enabled_at IS NOT NULL",
        user_id,
        clinic_id
    )
    .fetch_optional(pool)
    .await?
    .flatten()
    .map(Secret::from_bytes);
    let Some(secret) = secret else {
        return Ok(false);
    };
    if let Some(step) = totp::matching_step(&secret, code, now) {
        let fresh = sqlx::query!(
            "UPDATE users SET totp_last_step = $3
             WHERE id = $1 AND clinic_id = $2 AND (totp_last_step IS NULL OR totp_last_step < $3)",
            user_id,
            clinic_id,
            step
        )
        .execute(pool)
        .await?;
        return Ok(fresh.rows_affected() == 1);
    }
    let used = sqlx::query!(
        "UPDATE recovery_codes SET used_at = $4
         WHERE user_id = $1 AND clinic_id = $2 AND code_hash = $3 AND used_at IS NULL",
        user_id,
        clinic_id,
        recovery_hash(code),
        now
    )
    .execute(pool)
    .await?;
    Ok(used.rows_affected() == 1)
}

/// Forgets a member of staff's authenticator and recovery codes and ends their sessions:
/// their next sign-in sets up a new authenticator, with new recovery codes. `false` when
/// the clinic has no such staff account.
pub async fn reset(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    user_id: Uuid,
) -> Result<bool, sqlx::Error> {
    let updated = sqlx::query!(
        "UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL
         WHERE id = $1 AND clinic_id = $2 AND role <> 'patient'",
        user_id,
        clinic_id
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Ok(false);
    }
    sqlx::query!(
        "DELETE FROM recovery_codes WHERE user_id = $1 AND clinic_id = $2",
        user_id,
        clinic_id
    )
    .execute(&mut *tx)
    .await?;
    crate::backend::auth::session::end_all(tx, user_id).await?;
    Ok(true)
}
