//! Staff's second factor: the TOTP key (pending until the first code confirms it) with the
//! recovery codes shown beside it, its replay guard, and the recovery codes' hashes. The
//! key and the pending codes are stored sealed (`auth::sealing`).

use crate::backend::auth::sealing::SecretKeys;
use crate::backend::auth::totp::{self, Secret};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub enum State {
    /// Enabled: sign-ins ask for a code.
    Enabled,
    /// Not enabled yet: the key and the recovery codes the set-up page shows until the
    /// first code confirms them.
    Pending {
        secret: Secret,
        recovery_codes: Vec<String>,
    },
    /// No key yet: signing in with the password makes one.
    NotStarted,
}

fn recovery_hash(code: &str) -> Vec<u8> {
    Sha256::digest(totp::normalise_recovery_code(code).as_bytes()).to_vec()
}

/// Where a sealed key belongs: it opens in this user's row only.
fn key_context(user_id: Uuid) -> Vec<u8> {
    format!("authenticator key of {user_id}").into_bytes()
}

fn codes_context(user_id: Uuid) -> Vec<u8> {
    format!("recovery codes of {user_id}").into_bytes()
}

/// A stored value that does not open is a fault of the stored data or the keys: it is
/// reported as a value that could not be decoded.
fn unseal(keys: &SecretKeys, sealed: &[u8], context: &[u8]) -> Result<Vec<u8>, sqlx::Error> {
    keys.open(sealed, context)
        .map_err(|error| sqlx::Error::Decode(Box::new(error)))
}

fn seal_codes(keys: &SecretKeys, user_id: Uuid, codes: &[String]) -> Vec<u8> {
    keys.seal(codes.join("\n").as_bytes(), &codes_context(user_id))
}

fn open_codes(keys: &SecretKeys, user_id: Uuid, sealed: &[u8]) -> Result<Vec<String>, sqlx::Error> {
    let text = unseal(keys, sealed, &codes_context(user_id))?;
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .map(str::to_owned)
        .collect())
}

/// Makes the pending key and recovery codes the set-up page will show, unless there are
/// some already (the person may have scanned the key). Called by the sign-in's POST:
/// showing a page writes nothing.
pub async fn begin(
    pool: &PgPool,
    keys: &SecretKeys,
    clinic_id: Uuid,
    user_id: Uuid,
) -> Result<(), sqlx::Error> {
    let secret = Secret::generate();
    sqlx::query!(
        "UPDATE users SET totp_sealed = $3, recovery_codes_sealed = $4
         WHERE id = $1 AND clinic_id = $2 AND totp_enabled_at IS NULL
           AND totp_sealed IS NULL AND totp_secret IS NULL",
        user_id,
        clinic_id,
        keys.seal(secret.as_bytes(), &key_context(user_id)),
        seal_codes(keys, user_id, &totp::new_recovery_codes()),
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The user's second factor, as it stands.
pub async fn state(
    pool: &PgPool,
    keys: &SecretKeys,
    clinic_id: Uuid,
    user_id: Uuid,
) -> Result<State, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT totp_sealed, recovery_codes_sealed, totp_enabled_at IS NOT NULL AS "enabled!"
           FROM users WHERE id = $1 AND clinic_id = $2"#,
        user_id,
        clinic_id
    )
    .fetch_one(pool)
    .await?;
    Ok(
        match (row.enabled, row.totp_sealed, row.recovery_codes_sealed) {
            (true, _, _) => State::Enabled,
            (false, Some(secret), Some(codes)) => State::Pending {
                secret: Secret::from_bytes(unseal(keys, &secret, &key_context(user_id))?),
                recovery_codes: open_codes(keys, user_id, &codes)?,
            },
            _ => State::NotStarted,
        },
    )
}

/// Turns the pending key on when `code` is right; keeps only the recovery codes' hashes.
pub async fn enable(
    pool: &PgPool,
    keys: &SecretKeys,
    clinic_id: Uuid,
    user_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        "SELECT totp_sealed, recovery_codes_sealed FROM users
         WHERE id = $1 AND clinic_id = $2 AND totp_enabled_at IS NULL FOR UPDATE",
        user_id,
        clinic_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some((Some(sealed), Some(codes))) = row.map(|r| (r.totp_sealed, r.recovery_codes_sealed))
    else {
        return Ok(false);
    };
    let secret = Secret::from_bytes(unseal(keys, &sealed, &key_context(user_id))?);
    let Some(step) = totp::matching_step(&secret, code, now) else {
        return Ok(false);
    };
    let codes = open_codes(keys, user_id, &codes)?;
    turn_on(&mut tx, clinic_id, user_id, sealed, &codes, Some(step), now).await?;
    tx.commit().await?;
    Ok(true)
}

/// Turns the second factor on with a key and recovery codes known in advance: the demo
/// clinic's staff.
pub async fn enable_known(
    tx: &mut PgConnection,
    keys: &SecretKeys,
    clinic_id: Uuid,
    user_id: Uuid,
    secret: &Secret,
    recovery_codes: &[String],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let sealed = keys.seal(secret.as_bytes(), &key_context(user_id));
    turn_on(tx, clinic_id, user_id, sealed, recovery_codes, None, now).await
}

async fn turn_on(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    user_id: Uuid,
    sealed_secret: Vec<u8>,
    recovery_codes: &[String],
    last_step: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE users SET totp_sealed = $3, totp_secret = NULL, recovery_codes_sealed = NULL,
                          totp_enabled_at = $4, totp_last_step = $5
         WHERE id = $1 AND clinic_id = $2",
        user_id,
        clinic_id,
        sealed_secret,
        now,
        last_step
    )
    .execute(&mut *tx)
    .await?;
    let hashes: Vec<Vec<u8>> = recovery_codes.iter().map(|c| recovery_hash(c)).collect();
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
    keys: &SecretKeys,
    clinic_id: Uuid,
    user_id: Uuid,
    code: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let sealed = sqlx::query_scalar!(
        "SELECT totp_sealed FROM users
         WHERE id = $1 AND clinic_id = $2 AND totp_enabled_at IS NOT NULL",
        user_id,
        clinic_id
    )
    .fetch_optional(pool)
    .await?
    .flatten();
    let Some(sealed) = sealed else {
        return Ok(false);
    };
    let secret = Secret::from_bytes(unseal(keys, &sealed, &key_context(user_id))?);
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

/// Seals what is not sealed with the current key, in one transaction, when the server
/// starts: keys stored in the clear before sealing existed (a pending one gets recovery
/// codes of its own), and values sealed with a previous key after the key is rotated.
/// Runs as the database owner, for every clinic. Returns how many accounts changed.
pub async fn seal_all(pool: &PgPool, keys: &SecretKeys) -> Result<u64, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let rows = sqlx::query!(
        r#"SELECT id, totp_secret, totp_sealed, recovery_codes_sealed,
                  totp_enabled_at IS NOT NULL AS "enabled!"
           FROM users
           WHERE totp_secret IS NOT NULL OR totp_sealed IS NOT NULL
              OR recovery_codes_sealed IS NOT NULL
           FOR UPDATE"#
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut changed = 0;
    for row in rows {
        let key = match (&row.totp_secret, &row.totp_sealed) {
            (Some(clear), _) => Some(clear.clone()),
            (None, Some(sealed)) if !keys.is_current(sealed) => {
                Some(unseal(keys, sealed, &key_context(row.id))?)
            }
            _ => None,
        };
        let codes = match &row.recovery_codes_sealed {
            Some(sealed) if !keys.is_current(sealed) => Some(open_codes(keys, row.id, sealed)?),
            None if row.totp_secret.is_some() && !row.enabled => Some(totp::new_recovery_codes()),
            _ => None,
        };
        if key.is_none() && codes.is_none() {
            continue;
        }
        sqlx::query!(
            "UPDATE users SET totp_secret = NULL,
                              totp_sealed = coalesce($2, totp_sealed),
                              recovery_codes_sealed = coalesce($3, recovery_codes_sealed)
             WHERE id = $1",
            row.id,
            key.map(|key| keys.seal(&key, &key_context(row.id))),
            codes.map(|codes| seal_codes(keys, row.id, &codes)),
        )
        .execute(&mut *tx)
        .await?;
        changed += 1;
    }
    tx.commit().await?;
    Ok(changed)
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
        "UPDATE users SET totp_secret = NULL, totp_sealed = NULL, recovery_codes_sealed = NULL,
                          totp_enabled_at = NULL, totp_last_step = NULL
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
