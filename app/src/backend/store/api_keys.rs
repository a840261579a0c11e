//! API keys as the database keeps them (the hash of each secret, never the secret), the
//! key a request presents, and the first answers to idempotent POSTs.

use crate::backend::audit::{append_for_request, Entry};
use crate::backend::auth::principal::Principal;
use crate::domain::api_keys::{NewKey, Scope};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// How long the first answer to an idempotent POST is kept.
pub const IDEMPOTENCY_DAYS: i64 = 1;

/// A key as the staff's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRow {
    pub id: Uuid,
    pub name: String,
    pub scope: Scope,
    pub shown_start: String,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
}

/// The key a request was made with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: Uuid,
    pub name: String,
    pub scope: Scope,
    /// Requests it may make in any minute.
    pub per_minute: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    #[error("a live key already has that name")]
    NameTaken,
    #[error(transparent)]
    Failed(#[from] AppError),
}

impl From<sqlx::Error> for CreateError {
    fn from(error: sqlx::Error) -> Self {
        CreateError::Failed(error.into())
    }
}

/// A key about to be stored: what the admin asked for and its secret's hash.
pub struct Minted<'a> {
    pub key: &'a NewKey,
    pub secret_hash: &'a [u8],
    pub shown_start: &'a str,
}

/// Stores a new key (its secret's hash) and audits it, together, for the current request.
pub async fn create(
    pool: &PgPool,
    clinic_id: Uuid,
    minted: &Minted<'_>,
    by: &Principal,
    now: DateTime<Utc>,
) -> Result<Uuid, CreateError> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO api_keys (clinic_id, name, scope, prefix, secret_hash, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT DO NOTHING
         RETURNING id",
        clinic_id,
        minted.key.name,
        minted.key.scope.as_str(),
        minted.shown_start,
        minted.secret_hash,
        by.user_id,
        now
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(CreateError::NameTaken)?;
    append_for_request(&mut tx, by, "create", "api_key", Some(id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Every key of the clinic, live ones first, newest first.
pub async fn list(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<KeyRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT k.id, k.name, k.scope, k.prefix, k.created_at, u.display_name AS "created_by?",
                  k.last_used_at, k.revoked_at
           FROM api_keys k
           LEFT JOIN users u ON u.id = k.created_by
           WHERE k.clinic_id = $1
           ORDER BY k.revoked_at IS NOT NULL, k.created_at DESC"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| KeyRow {
            id: r.id,
            name: r.name,
            scope: Scope::parse(&r.scope).unwrap_or(Scope::Read),
            shown_start: r.prefix,
            created_at: r.created_at,
            created_by: r.created_by,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
        })
        .collect())
}

/// Revokes a live key and audits it, together, for the current request; `false` when
/// there is no such live key.
pub async fn revoke(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    by: &Principal,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let revoked = sqlx::query!(
        "UPDATE api_keys SET revoked_at = $3
         WHERE clinic_id = $1 AND id = $2 AND revoked_at IS NULL",
        clinic_id,
        id,
        now
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if revoked {
        append_for_request(&mut tx, by, "revoke", "api_key", Some(id)).await?;
    }
    tx.commit().await?;
    Ok(revoked)
}

/// The live key whose secret hashes to `secret_hash`, noting that it was used.
pub async fn presented(
    pool: &PgPool,
    clinic_id: Uuid,
    secret_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Option<ApiKey>, sqlx::Error> {
    let row = sqlx::query!(
        "UPDATE api_keys SET last_used_at = $3
         WHERE clinic_id = $1 AND secret_hash = $2 AND revoked_at IS NULL
         RETURNING id, name, scope, requests_per_minute",
        clinic_id,
        secret_hash,
        now
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| ApiKey {
        id: r.id,
        name: r.name,
        scope: Scope::parse(&r.scope).unwrap_or(Scope::Read),
        per_minute: r.requests_per_minute.max(1) as usize,
    }))
}

/// The first answer given to a POST with this key and `Idempotency-Key`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remembered {
    pub status: u16,
    pub body: String,
}

/// What became of a request's claim on its idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// The first with this key (or the first since it expired): answer it.
    Claimed,
    /// Answered before: give that answer again.
    Answered(Remembered),
    /// The first is still being answered.
    InProgress,
    /// The key was used for another request.
    OtherRequest,
}

/// A claim not answered in this long was left by a server that stopped mid-request: the
/// key may be claimed again.
const ABANDONED_AFTER_SECONDS: f64 = 60.0;

/// Claims the key for the request whose hash is `request_hash`. A claim is a row without
/// an answer (status 0) until [`answered`] fills it in, so no connection is held while the
/// request is answered.
pub async fn claim(
    pool: &PgPool,
    clinic_id: Uuid,
    key_id: Uuid,
    idempotency_key: &str,
    request_hash: &[u8],
    now: DateTime<Utc>,
) -> Result<Claim, sqlx::Error> {
    let claimed = sqlx::query_scalar!(
        r#"INSERT INTO api_idempotency
               (clinic_id, api_key_id, idempotency_key, request_hash, status, body, created_at)
           VALUES ($1, $2, $3, $4, 0, '', $5)
           ON CONFLICT (api_key_id, idempotency_key) DO UPDATE
           SET request_hash = excluded.request_hash, status = 0, body = '',
               created_at = excluded.created_at
           WHERE api_idempotency.created_at <= $5 - make_interval(days => $6)
              OR (api_idempotency.status = 0
                  AND api_idempotency.created_at <= $5 - make_interval(secs => $7))
           RETURNING true AS "claimed!""#,
        clinic_id,
        key_id,
        idempotency_key,
        request_hash,
        now,
        IDEMPOTENCY_DAYS as i32,
        ABANDONED_AFTER_SECONDS
    )
    .fetch_optional(pool)
    .await?;
    if claimed.is_some() {
        return Ok(Claim::Claimed);
    }
    let earlier = sqlx::query!(
        "SELECT request_hash, status, body FROM api_idempotency
         WHERE clinic_id = $1 AND api_key_id = $2 AND idempotency_key = $3",
        clinic_id,
        key_id,
        idempotency_key
    )
    .fetch_one(pool)
    .await?;
    Ok(if earlier.request_hash != request_hash {
        Claim::OtherRequest
    } else if earlier.status == 0 {
        Claim::InProgress
    } else {
        Claim::Answered(Remembered {
            status: earlier.status as u16,
            body: earlier.body,
        })
    })
}

/// Keeps the answer to a claimed request.
pub async fn answered(
    pool: &PgPool,
    key_id: Uuid,
    idempotency_key: &str,
    answer: &Remembered,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE api_idempotency SET status = $3, body = $4
         WHERE api_key_id = $1 AND idempotency_key = $2",
        key_id,
        idempotency_key,
        answer.status as i16,
        answer.body
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Gives the key up after a failure on our side, so the client may try again with it.
pub async fn release(
    pool: &PgPool,
    key_id: Uuid,
    idempotency_key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "DELETE FROM api_idempotency WHERE api_key_id = $1 AND idempotency_key = $2",
        key_id,
        idempotency_key
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The audit entry for a request made with `key`: the key is the actor (the audit log
/// shows its name), in the role [`API_KEY_ROLE`].
pub fn entry_for<'a>(
    key: &ApiKey,
    clinic_id: Uuid,
    action: &'a str,
    subject_type: &'a str,
    subject_id: Option<Uuid>,
    now: DateTime<Utc>,
    request_id: &'a str,
) -> Entry<'a> {
    Entry {
        at: now,
        clinic_id: Some(clinic_id),
        actor_user_id: Some(key.id),
        actor_role: API_KEY_ROLE,
        action,
        subject_type,
        subject_id,
        request_id,
    }
}

/// The audit log's role for requests made with an API key; the actor is the key's id.
pub const API_KEY_ROLE: &str = "api_key";
