//! The clinic's own wording for its messages, one per kind and channel; none means the
//! built-in wording. Each change is one transaction with its audit row.

use super::outbox;
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::backend::templates::{compose, Values, Wording};
use crate::domain::templates::Kind;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// The clinic's subject and body for `kind` on `channel`, when it has reworded it.
pub async fn custom(
    conn: &mut PgConnection,
    clinic_id: Uuid,
    kind: &str,
    channel: &str,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row = sqlx::query!(
        "SELECT subject, body FROM message_templates
         WHERE clinic_id = $1 AND kind = $2 AND channel = $3",
        clinic_id,
        kind,
        channel
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|r| (r.subject, r.body)))
}

/// Queues `kind`'s email to `to` in the clinic's wording for these values (Lumen's when
/// the clinic has not reworded it), at once and for no particular cause.
pub async fn enqueue_email(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    kind: &Kind,
    to: &str,
    values: &Values,
    now: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    enqueue_email_once(tx, clinic_id, kind, to, values, None, now)
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// The same, once per `cause` (such as `refund:<id>`) and recipient: writing it again for
/// the same cause writes nothing and answers `None`.
pub async fn enqueue_email_once(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    kind: &Kind,
    to: &str,
    values: &Values,
    cause: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let saved = custom(tx, clinic_id, kind.kind, "email").await?;
    let Wording { subject, body } = compose(kind, "email", saved, values);
    outbox::enqueue_email_for(
        tx,
        clinic_id,
        outbox::Email {
            kind: kind.kind,
            to,
            subject: &subject,
            body: &body,
        },
        cause,
        None,
        outbox::Timing::at_once(now),
    )
    .await
}

pub async fn edited(
    pool: &PgPool,
    clinic_id: Uuid,
) -> Result<Vec<(String, String, DateTime<Utc>)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT kind, channel, updated_at FROM message_templates WHERE clinic_id = $1",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.kind, r.channel, r.updated_at))
        .collect())
}

/// Saves wording already checked.
#[allow(clippy::too_many_arguments)]
pub async fn save(
    pool: &PgPool,
    clinic_id: Uuid,
    kind: &str,
    channel: &str,
    subject: &str,
    body: &str,
    by: &Principal,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO message_templates (clinic_id, kind, channel, subject, body, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (clinic_id, kind, channel)
         DO UPDATE SET subject = $4, body = $5, updated_at = $6, updated_by = $7",
        clinic_id,
        kind,
        channel,
        subject,
        body,
        now,
        by.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, by, "update", "message_template", None).await?;
    tx.commit().await?;
    Ok(())
}

/// Back to the built-in wording.
pub async fn reset(
    pool: &PgPool,
    clinic_id: Uuid,
    kind: &str,
    channel: &str,
    by: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "DELETE FROM message_templates WHERE clinic_id = $1 AND kind = $2 AND channel = $3",
        clinic_id,
        kind,
        channel
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, by, "reset", "message_template", None).await?;
    tx.commit().await?;
    Ok(())
}
