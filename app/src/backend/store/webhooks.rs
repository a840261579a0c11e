//! Webhook endpoints, their sealed signing secrets, and the delivery log. The deliveries
//! themselves are outbox rows (channel `webhook`) written by the database's triggers in
//! the transaction of each change (migration 48).
//!
//! Deliveries run on the database's clock (the triggers stamp them with it), so a
//! secret's remaining life is reckoned by that clock too.

use crate::backend::audit::append_for_request;
use crate::backend::auth::principal::Principal;
use crate::domain::webhooks::{EventType, OLD_SECRET_HOURS};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// An endpoint as the settings screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointRow {
    pub id: Uuid,
    pub url: String,
    pub events: Vec<EventType>,
    pub created_at: DateTime<Utc>,
    pub created_by: Option<String>,
    pub removed_at: Option<DateTime<Utc>>,
    /// The live secrets' first characters, newest first, with when each stops signing.
    pub secrets: Vec<(String, Option<DateTime<Utc>>)>,
}

/// A signing secret about to be stored: sealed, and the start staff may see.
pub struct NewSecret<'a> {
    pub sealed: &'a [u8],
    pub shown_start: &'a str,
}

/// Registers an endpoint (its id chosen by the caller, which seals the secret to it) with
/// its first secret, and audits it, together.
#[allow(clippy::too_many_arguments)]
pub async fn add(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    url: &str,
    events: &[EventType],
    secret: &NewSecret<'_>,
    by: &Principal,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let events: Vec<&str> = events.iter().map(|e| e.as_str()).collect();
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO webhook_endpoints (id, clinic_id, url, events, created_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        clinic_id,
        url,
        &events as &[&str],
        now,
        by.user_id
    )
    .execute(&mut *tx)
    .await?;
    insert_secret(&mut tx, clinic_id, id, secret, now).await?;
    append_for_request(&mut tx, by, "create", "webhook_endpoint", Some(id)).await?;
    tx.commit().await?;
    Ok(())
}

async fn insert_secret(
    tx: &mut sqlx::PgConnection,
    clinic_id: Uuid,
    endpoint_id: Uuid,
    secret: &NewSecret<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "INSERT INTO webhook_secrets (clinic_id, endpoint_id, sealed, shown_start, created_at)
         VALUES ($1, $2, $3, $4, $5)",
        clinic_id,
        endpoint_id,
        secret.sealed,
        secret.shown_start,
        now
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Every endpoint of the clinic, live ones first, newest first.
pub async fn list(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<EndpointRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT e.id, e.url, e.events, e.created_at, u.display_name AS "created_by?",
                  e.removed_at
           FROM webhook_endpoints e LEFT JOIN users u ON u.id = e.created_by
           WHERE e.clinic_id = $1
           ORDER BY e.removed_at IS NOT NULL, e.created_at DESC, e.id"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let secrets = sqlx::query!(
        "SELECT endpoint_id, shown_start, expires_at FROM webhook_secrets
         WHERE clinic_id = $1 AND (expires_at IS NULL OR expires_at > now())
         ORDER BY created_at DESC, id",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| EndpointRow {
            id: r.id,
            url: r.url,
            events: r
                .events
                .iter()
                .filter_map(|e| EventType::parse(e))
                .collect(),
            created_at: r.created_at,
            created_by: r.created_by,
            removed_at: r.removed_at,
            secrets: secrets
                .iter()
                .filter(|s| s.endpoint_id == r.id)
                .map(|s| (s.shown_start.clone(), s.expires_at))
                .collect(),
        })
        .collect())
}

/// Gives a live endpoint a new secret; those before it sign for one more day. The
/// endpoint's address, or `None` when there is no such live endpoint.
pub async fn rotate_secret(
    pool: &PgPool,
    clinic_id: Uuid,
    endpoint_id: Uuid,
    secret: &NewSecret<'_>,
    by: &Principal,
    now: DateTime<Utc>,
) -> Result<Option<String>, AppError> {
    let mut tx = pool.begin().await?;
    let url = sqlx::query_scalar!(
        "SELECT url FROM webhook_endpoints
         WHERE clinic_id = $1 AND id = $2 AND removed_at IS NULL FOR UPDATE",
        clinic_id,
        endpoint_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(url) = url else {
        return Ok(None);
    };
    sqlx::query!(
        "UPDATE webhook_secrets SET expires_at = now() + make_interval(hours => $3)
         WHERE clinic_id = $1 AND endpoint_id = $2
           AND (expires_at IS NULL OR expires_at > now() + make_interval(hours => $3))",
        clinic_id,
        endpoint_id,
        OLD_SECRET_HOURS
    )
    .execute(&mut *tx)
    .await?;
    insert_secret(&mut tx, clinic_id, endpoint_id, secret, now).await?;
    append_for_request(
        &mut tx,
        by,
        "rotate_secret",
        "webhook_endpoint",
        Some(endpoint_id),
    )
    .await?;
    tx.commit().await?;
    Ok(Some(url))
}

/// Stops sending to an endpoint (its log stays); `false` when there is no such live one.
pub async fn remove(
    pool: &PgPool,
    clinic_id: Uuid,
    endpoint_id: Uuid,
    by: &Principal,
    now: DateTime<Utc>,
) -> Result<bool, AppError> {
    let mut tx = pool.begin().await?;
    let removed = sqlx::query!(
        "UPDATE webhook_endpoints SET removed_at = $3
         WHERE clinic_id = $1 AND id = $2 AND removed_at IS NULL",
        clinic_id,
        endpoint_id,
        now
    )
    .execute(&mut *tx)
    .await?
    .rows_affected()
        == 1;
    if removed {
        append_for_request(&mut tx, by, "remove", "webhook_endpoint", Some(endpoint_id)).await?;
    }
    tx.commit().await?;
    Ok(removed)
}

/// Where a delivery goes and what signs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: Uuid,
    pub url: String,
    pub removed: bool,
    /// The sealed secrets still signing, newest first.
    pub sealed_secrets: Vec<(Uuid, Vec<u8>)>,
}

/// The endpoint a delivery is for (its `recipient`), or `None` if it no longer exists.
pub async fn target(
    pool: &PgPool,
    clinic_id: Uuid,
    endpoint: &str,
) -> Result<Option<Target>, sqlx::Error> {
    let Ok(endpoint_id) = Uuid::parse_str(endpoint) else {
        return Ok(None);
    };
    let Some(row) = sqlx::query!(
        "SELECT url, removed_at IS NOT NULL AS \"removed!\" FROM webhook_endpoints
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        endpoint_id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let sealed_secrets = sqlx::query!(
        "SELECT id, sealed FROM webhook_secrets
         WHERE clinic_id = $1 AND endpoint_id = $2 AND (expires_at IS NULL OR expires_at > now())
         ORDER BY created_at DESC, id",
        clinic_id,
        endpoint_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|s| (s.id, s.sealed))
    .collect();
    Ok(Some(Target {
        id: endpoint_id,
        url: row.url,
        removed: row.removed,
        sealed_secrets,
    }))
}

/// One delivery in the log, with every try.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRow {
    pub id: Uuid,
    pub event: String,
    pub url: Option<String>,
    /// Its endpoint still takes deliveries (so it may be sent again).
    pub endpoint_live: bool,
    pub body: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub next_attempt_at: Option<DateTime<Utc>>,
    pub attempts: Vec<AttemptRow>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRow {
    pub attempt: i32,
    pub at: DateTime<Utc>,
    pub outcome: String,
    pub error: Option<String>,
    pub response_status: Option<i32>,
    pub response_body: Option<String>,
}

/// The clinic's latest deliveries, newest first.
pub async fn deliveries(
    pool: &PgPool,
    clinic_id: Uuid,
    limit: i64,
) -> Result<Vec<DeliveryRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT m.id, m.kind, e.url AS "url?", e.removed_at IS NULL AND e.id IS NOT NULL AS "endpoint_live!",
                  m.body, m.status, m.created_at,
                  CASE WHEN m.status = 'queued' THEN m.next_attempt_at END AS next_attempt_at
           FROM outbox_messages m
           LEFT JOIN webhook_endpoints e ON e.clinic_id = m.clinic_id AND e.id::text = m.recipient
           WHERE m.clinic_id = $1 AND m.channel = 'webhook'
           ORDER BY m.created_at DESC, m.id
           LIMIT $2"#,
        clinic_id,
        limit
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let attempts = sqlx::query!(
        "SELECT message_id, attempt, at, outcome, error, response_status, response_body
         FROM outbox_attempts WHERE clinic_id = $1 AND message_id = ANY($2)
         ORDER BY message_id, attempt",
        clinic_id,
        &ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DeliveryRow {
            attempts: attempts
                .iter()
                .filter(|a| a.message_id == r.id)
                .map(|a| AttemptRow {
                    attempt: a.attempt,
                    at: a.at,
                    outcome: a.outcome.clone(),
                    error: a.error.clone(),
                    response_status: a.response_status,
                    response_body: a.response_body.clone(),
                })
                .collect(),
            id: r.id,
            event: r.kind,
            url: r.url,
            endpoint_live: r.endpoint_live,
            body: r.body,
            status: r.status,
            created_at: r.created_at,
            next_attempt_at: r.next_attempt_at,
        })
        .collect())
}

/// Why a delivery was not sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplayRefusal {
    /// No such delivery, or it is still waiting to go.
    NotFinished,
    /// Its endpoint was removed.
    EndpointRemoved,
}

/// Queues a finished delivery (sent or dead-lettered) to go again now, the same event
/// with the same body; its tries go on numbering in the log. Audited with it.
pub async fn replay(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    by: &Principal,
    now: DateTime<Utc>,
) -> Result<Result<(), ReplayRefusal>, AppError> {
    let mut tx = pool.begin().await?;
    let Some(row) = sqlx::query!(
        r#"SELECT m.status, e.removed_at IS NOT NULL AS "removed!"
           FROM outbox_messages m
           JOIN webhook_endpoints e ON e.clinic_id = m.clinic_id AND e.id::text = m.recipient
           WHERE m.clinic_id = $1 AND m.id = $2 AND m.channel = 'webhook'
           FOR UPDATE OF m"#,
        clinic_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Err(ReplayRefusal::NotFinished));
    };
    if row.status == "queued" {
        return Ok(Err(ReplayRefusal::NotFinished));
    }
    if row.removed {
        return Ok(Err(ReplayRefusal::EndpointRemoved));
    }
    sqlx::query!(
        "UPDATE outbox_messages
         SET status = 'queued', attempts = 0, next_attempt_at = $3, sent_at = NULL,
             dead_at = NULL, last_error = NULL, leased_until = NULL
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id,
        now
    )
    .execute(&mut *tx)
    .await?;
    append_for_request(&mut tx, by, "replay", "webhook_delivery", Some(id)).await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// Seals again, under the current key, every secret an older key sealed; at start, like
/// the authenticator keys (README, "Rotating the secret key"). Returns how many.
pub async fn seal_all(
    pool: &PgPool,
    keys: &crate::backend::auth::sealing::SecretKeys,
) -> Result<u64, sqlx::Error> {
    let rows = sqlx::query!("SELECT id, endpoint_id, sealed FROM webhook_secrets")
        .fetch_all(pool)
        .await?;
    let mut resealed = 0;
    for row in rows {
        if keys.is_current(&row.sealed) {
            continue;
        }
        let context = secret_context(row.endpoint_id);
        let Ok(open) = keys.open(&row.sealed, &context) else {
            tracing::warn!(secret_id = %row.id, "a webhook secret opens with no key this server has");
            continue;
        };
        sqlx::query!(
            "UPDATE webhook_secrets SET sealed = $2 WHERE id = $1",
            row.id,
            keys.seal(&open, &context)
        )
        .execute(pool)
        .await?;
        resealed += 1;
    }
    Ok(resealed)
}

/// What a secret is sealed to, so a sealed value copied to another endpoint does not open.
pub fn secret_context(endpoint_id: Uuid) -> Vec<u8> {
    format!("webhook_secret:{endpoint_id}").into_bytes()
}
