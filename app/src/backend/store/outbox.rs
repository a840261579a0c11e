//! Messages waiting to go out (or, with no provider configured, kept for the staff
//! mailbox). Always written in the transaction of the change they announce.

use crate::admin::types::MailboxMessage;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub struct Email<'a> {
    /// What the message is for, such as `verify_email`; the mailbox filters on it.
    pub kind: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub async fn enqueue_email(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    email: Email<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO outbox_messages (clinic_id, channel, kind, recipient, subject, body, created_at, next_attempt_at)
         VALUES ($1, 'email', $2, $3, $4, $5, $6, $6)
         RETURNING id",
        clinic_id,
        email.kind,
        email.to,
        email.subject,
        email.body,
        now
    )
    .fetch_one(&mut *tx)
    .await
}

/// The clinic's most recent messages, newest first.
pub async fn recent(
    pool: &PgPool,
    clinic_id: Uuid,
    limit: i64,
) -> Result<Vec<MailboxMessage>, sqlx::Error> {
    sqlx::query_as!(
        MailboxMessage,
        r#"SELECT m.id, m.channel, m.kind, m.recipient, m.subject, m.body,
                  to_char(m.created_at AT TIME ZONE c.time_zone, 'DD Mon YYYY, HH24:MI') AS "created!",
                  m.sent_at IS NOT NULL AS "sent!"
           FROM outbox_messages m JOIN clinics c ON c.id = m.clinic_id
           WHERE m.clinic_id = $1
           ORDER BY m.created_at DESC, m.id
           LIMIT $2"#,
        clinic_id,
        limit
    )
    .fetch_all(pool)
    .await
}
