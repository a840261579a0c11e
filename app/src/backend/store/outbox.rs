//! The outbox: messages written in the transaction of the change they announce, then
//! claimed by the delivery worker (under a lease, so no two senders take one row), with
//! every try recorded. With no provider for a channel its messages stay queued here, for
//! the staff area's development mailbox.

use crate::admin::types::{MailboxMessage, Try};
use crate::domain::message_log::LogQuery;
use crate::domain::messaging::redact_links;
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

/// A file an email carries, such as a booking's calendar invitation.
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub content: String,
}

/// An email to go now, for no particular cause.
pub async fn enqueue_email(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    email: Email<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, sqlx::Error> {
    enqueue_email_for(tx, clinic_id, email, None, None, Timing::at_once(now))
        .await?
        .ok_or(sqlx::Error::RowNotFound)
}

/// When a message is written and when it should go (a reminder goes later).
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    pub now: DateTime<Utc>,
    pub due: DateTime<Utc>,
}

impl Timing {
    pub fn at_once(now: DateTime<Utc>) -> Timing {
        Timing { now, due: now }
    }
}

/// An email, with its attachment, due at `timing.due`. With a `cause` (such as
/// `appointment:<id>:moved:2`) each recipient gets it once: writing it again for the same
/// cause and recipient writes nothing and answers `None`.
pub async fn enqueue_email_for(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    email: Email<'_>,
    cause: Option<&str>,
    attachment: Option<&Attachment>,
    timing: Timing,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO outbox_messages (clinic_id, channel, kind, recipient, subject, body, cause,
                                      attachment_name, attachment_type, attachment,
                                      created_at, next_attempt_at)
         VALUES ($1, 'email', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (clinic_id, cause, recipient, channel) WHERE cause IS NOT NULL DO NOTHING
         RETURNING id",
        clinic_id,
        email.kind,
        email.to,
        email.subject,
        email.body,
        cause,
        attachment.map(|a| a.name.as_str()),
        attachment.map(|a| a.content_type.as_str()),
        attachment.map(|a| a.content.as_str()),
        timing.now,
        timing.due
    )
    .fetch_optional(&mut *tx)
    .await
}

/// A text or WhatsApp message: words short enough for a phone, and the named values an
/// approved WhatsApp template is filled with when the words cannot go.
pub struct Text<'a> {
    /// `sms` or `whatsapp`.
    pub channel: &'a str,
    pub kind: &'a str,
    /// E.164.
    pub to: &'a str,
    pub body: &'a str,
    pub variables: &'a serde_json::Value,
}

/// A text due at `timing.due`, once per cause and number.
pub async fn enqueue_text(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    text: Text<'_>,
    cause: &str,
    timing: Timing,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "INSERT INTO outbox_messages (clinic_id, channel, kind, recipient, body, variables, cause,
                                      created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (clinic_id, cause, recipient, channel) WHERE cause IS NOT NULL DO NOTHING
         RETURNING id",
        clinic_id,
        text.channel,
        text.kind,
        text.to,
        text.body,
        text.variables,
        cause,
        timing.now,
        timing.due
    )
    .fetch_optional(&mut *tx)
    .await
}

/// A message taken for delivery, with the try it is on.
#[derive(Debug, Clone)]
pub struct Claimed {
    pub id: Uuid,
    pub channel: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub html_body: Option<String>,
    pub attachment_name: Option<String>,
    pub attachment_type: Option<String>,
    pub attachment: Option<String>,
    /// Named values for a WhatsApp template.
    pub variables: Option<serde_json::Value>,
    pub attempt: i32,
    /// A text to a number that replied STOP on its channel after it was written.
    pub opted_out: bool,
    /// A WhatsApp message to someone who wrote within the window: words may go instead of
    /// an approved template.
    pub window_open: bool,
}

/// Takes up to `limit` due messages on `channels` for this sender until `leased_until`.
/// Rows another sender holds are skipped, not waited for; a sender that died leaves its
/// rows to be taken again once its lease has run out. Each comes with what its sending
/// depends on (an opt-out, WhatsApp's window), read in the same statement.
pub async fn claim(
    pool: &PgPool,
    clinic_id: Uuid,
    channels: &[String],
    now: DateTime<Utc>,
    leased_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Claimed>, sqlx::Error> {
    sqlx::query_as!(
        Claimed,
        r#"UPDATE outbox_messages m
           SET leased_until = $4, attempts = m.attempts + 1
           FROM (SELECT id FROM outbox_messages
                 WHERE clinic_id = $1 AND status = 'queued' AND channel = ANY($2)
                   AND next_attempt_at <= $3 AND (leased_until IS NULL OR leased_until <= $3)
                 ORDER BY next_attempt_at, id
                 LIMIT $5
                 FOR UPDATE SKIP LOCKED) due
           WHERE m.id = due.id
           RETURNING m.id, m.channel, m.kind, m.recipient, m.subject, m.body, m.html_body,
                     m.attachment_name, m.attachment_type, m.attachment, m.variables,
                     m.attempts AS attempt,
                     m.channel <> 'email' AND EXISTS (
                         SELECT 1 FROM message_opt_outs o
                         WHERE o.clinic_id = m.clinic_id AND o.phone = m.recipient
                           AND o.channel = m.channel) AS "opted_out!",
                     m.channel = 'whatsapp' AND EXISTS (
                         SELECT 1 FROM inbound_messages i
                         WHERE i.clinic_id = m.clinic_id AND i.from_phone = m.recipient
                           AND i.channel = 'whatsapp' AND i.received_at > $6) AS "window_open!""#,
        clinic_id,
        channels,
        now,
        leased_until,
        limit,
        now - super::texts::WHATSAPP_WINDOW
    )
    .fetch_all(pool)
    .await
}

/// Gives back messages this sender claimed but did not try (their provider's breaker
/// opened): the try they were counted for is returned too.
pub async fn release(pool: &PgPool, clinic_id: Uuid, ids: &[Uuid]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE outbox_messages SET leased_until = NULL, attempts = attempts - 1
         WHERE clinic_id = $1 AND id = ANY($2) AND status = 'queued'",
        clinic_id,
        ids
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// How one try ended.
pub enum Tried<'a> {
    Sent {
        provider: &'a str,
        provider_message_id: &'a str,
    },
    Retry {
        error: &'a str,
        at: DateTime<Utc>,
    },
    Dead {
        error: &'a str,
    },
}

/// Records a try and its outcome in one transaction. A message that has gone (or never
/// will) keeps its secret links redacted from then on.
/// What a webhook's receiver answered (messages' providers answer through `tried`).
pub struct Answer<'a> {
    pub status: i32,
    pub body: &'a str,
}

pub async fn record(
    pool: &PgPool,
    clinic_id: Uuid,
    message: &Claimed,
    tried: Tried<'_>,
    answer: Option<Answer<'_>>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    let (outcome, error, next) = match &tried {
        Tried::Sent { .. } => ("sent", None, None),
        Tried::Retry { error, at } => ("retry", Some(*error), Some(*at)),
        Tried::Dead { error } => ("dead", Some(*error), None),
    };
    // Numbered across staff's "send again", so the log keeps every try.
    sqlx::query!(
        "INSERT INTO outbox_attempts (clinic_id, message_id, attempt, at, outcome, error,
                                      next_attempt_at, response_status, response_body)
         SELECT $1, $2, coalesce(max(attempt), 0) + 1, $3, $4, $5, $6, $7, $8
         FROM outbox_attempts WHERE message_id = $2",
        clinic_id,
        message.id,
        now,
        outcome,
        error,
        next,
        answer.as_ref().map(|a| a.status),
        answer.as_ref().map(|a| a.body)
    )
    .execute(&mut *tx)
    .await?;
    match tried {
        Tried::Sent {
            provider,
            provider_message_id,
        } => {
            let (body, html, redacted) = redacted(message);
            sqlx::query!(
                "UPDATE outbox_messages
                 SET status = 'sent', sent_at = $3, leased_until = NULL, last_error = NULL,
                     provider = $4, provider_message_id = $5,
                     body = $6, html_body = $7, redacted = $8
                 WHERE clinic_id = $1 AND id = $2",
                clinic_id,
                message.id,
                now,
                provider,
                provider_message_id,
                body,
                html,
                redacted
            )
            .execute(&mut *tx)
            .await?;
            // A fast provider may have reported on the message already.
            super::texts::apply_reports(&mut tx, clinic_id, provider, provider_message_id, now)
                .await?;
        }
        Tried::Retry { error, at } => {
            sqlx::query!(
                "UPDATE outbox_messages
                 SET leased_until = NULL, last_error = $3, next_attempt_at = $4
                 WHERE clinic_id = $1 AND id = $2",
                clinic_id,
                message.id,
                error,
                at
            )
            .execute(&mut *tx)
            .await?;
        }
        Tried::Dead { error } => {
            let (body, html, redacted) = redacted(message);
            sqlx::query!(
                "UPDATE outbox_messages
                 SET status = 'dead', dead_at = $3, leased_until = NULL, last_error = $4,
                     body = $5, html_body = $6, redacted = $7
                 WHERE clinic_id = $1 AND id = $2",
                clinic_id,
                message.id,
                now,
                error,
                body,
                html,
                redacted
            )
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await
}

/// The body and HTML with secret links removed, and whether anything was removed.
fn redacted(message: &Claimed) -> (String, Option<String>, bool) {
    let body = redact_links(&message.body);
    let html = message.html_body.as_deref().map(redact_links);
    let changed = body != message.body || html.as_deref() != message.html_body.as_deref();
    (body, html, changed)
}

/// Why a dead letter cannot be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryRefusal {
    /// Not a dead letter (already sent, or queued).
    NotDead,
    /// It carried a private link that was removed when it failed; the person must ask for
    /// a new one.
    CarriedASecret,
}

/// Queues a dead letter again, now, with a fresh allowance of tries (the log keeps the
/// earlier ones).
pub async fn retry_dead(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<Result<(), RetryRefusal>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let Some(row) = sqlx::query!(
        "SELECT status, redacted FROM outbox_messages
         WHERE clinic_id = $1 AND id = $2 AND channel <> 'webhook' FOR UPDATE",
        clinic_id,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Err(RetryRefusal::NotDead));
    };
    if row.status != "dead" {
        return Ok(Err(RetryRefusal::NotDead));
    }
    if row.redacted {
        return Ok(Err(RetryRefusal::CarriedASecret));
    }
    sqlx::query!(
        "UPDATE outbox_messages
         SET status = 'queued', dead_at = NULL, attempts = 0, next_attempt_at = $3
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id,
        now
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(()))
}

/// The clinic's most recent messages that `query` picks, newest first, each with its
/// tries. In the `development` mailbox (no provider at all) bodies are shown as written;
/// otherwise every body is shown with its secret links removed, whatever its state.
pub async fn log(
    pool: &PgPool,
    clinic_id: Uuid,
    development: bool,
    query: &LogQuery,
    limit: i64,
) -> Result<Vec<MailboxMessage>, sqlx::Error> {
    // A patient's messages went to their address or number; an appointment's carry its id
    // in their cause (`appointment:<id>:…`, `reminder:<id>:…`) or a session place's.
    let rows = sqlx::query!(
        r#"SELECT m.id, m.channel, m.kind, m.recipient, m.subject, m.body, m.status, m.delivery_error,
                  to_char(m.created_at AT TIME ZONE c.time_zone, 'DD Mon YYYY, HH24:MI') AS "created!",
                  m.attempts,
                  CASE WHEN m.status = 'queued' AND m.attempts > 0
                       THEN to_char(m.next_attempt_at AT TIME ZONE c.time_zone, 'DD Mon YYYY, HH24:MI:SS')
                  END AS next_attempt,
                  m.attachment_name,
                  m.status = 'dead' AND NOT m.redacted AS "retryable!"
           FROM outbox_messages m JOIN clinics c ON c.id = m.clinic_id
           WHERE m.clinic_id = $1 AND m.channel <> 'webhook'
             AND ($3::text IS NULL OR m.status = $3)
             AND ($4::text IS NULL OR m.channel = $4)
             AND ($5::text IS NULL OR m.kind = $5)
             AND ($6::date IS NULL OR (m.created_at AT TIME ZONE c.time_zone)::date >= $6)
             AND ($7::date IS NULL OR (m.created_at AT TIME ZONE c.time_zone)::date <= $7)
             AND ($8::uuid IS NULL OR EXISTS (
                   SELECT 1 FROM patients p WHERE p.clinic_id = $1 AND p.id = $8
                     AND ((m.channel = 'email' AND lower(m.recipient) = lower(p.email))
                          OR (m.channel <> 'email' AND m.recipient = p.phone))))
             AND ($9::uuid IS NULL
                  OR m.cause LIKE 'appointment:' || $9 || ':%'
                  OR m.cause LIKE 'reminder:' || $9 || ':%'
                  OR m.cause IN (SELECT 'seat:' || s.id || ':booked' FROM session_seats s
                                 WHERE s.appointment_id = $9))
           ORDER BY m.created_at DESC, m.id
           LIMIT $2"#,
        clinic_id,
        limit,
        query.status,
        query.channel,
        query.kind,
        query.from,
        query.to,
        query.patient,
        query.appointment
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|m| m.id).collect();
    let tries = sqlx::query!(
        r#"SELECT a.message_id, a.attempt, a.outcome, a.error,
                  to_char(a.at AT TIME ZONE c.time_zone, 'DD Mon YYYY, HH24:MI:SS') AS "at!"
           FROM outbox_attempts a JOIN clinics c ON c.id = a.clinic_id
           WHERE a.clinic_id = $1 AND a.message_id = ANY($2)
           ORDER BY a.message_id, a.attempt"#,
        clinic_id,
        &ids
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|m| MailboxMessage {
            body: if development {
                m.body
            } else {
                redact_links(&m.body)
            },
            tries: tries
                .iter()
                .filter(|t| t.message_id == m.id)
                .map(|t| Try {
                    number: t.attempt,
                    at: t.at.clone(),
                    outcome: t.outcome.clone(),
                    error: t.error.clone(),
                })
                .collect(),
            id: m.id,
            channel: m.channel,
            kind: m.kind,
            recipient: m.recipient,
            subject: m.subject,
            status: m.status,
            delivery_error: m.delivery_error,
            created: m.created,
            attempts: m.attempts,
            next_attempt: m.next_attempt,
            attachment_name: m.attachment_name,
            retryable: m.retryable,
        })
        .collect())
}

/// The kinds of message the clinic has written, for the log's filter.
pub async fn kinds(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT DISTINCT kind FROM outbox_messages
         WHERE clinic_id = $1 AND channel <> 'webhook' ORDER BY kind",
        clinic_id
    )
    .fetch_all(pool)
    .await
}

/// A message as its recipient sees it in their account: what, when, how, and whether it
/// arrived; never its body (a stored copy may still hold a live link).
pub struct Received {
    pub channel: String,
    pub kind: String,
    pub subject: String,
    pub status: String,
    pub at: DateTime<Utc>,
}

/// What went (or is going now) to this account's email address and its patient record's
/// phone number, newest first. Reminders not yet due are not listed: they have not been
/// sent.
pub async fn received_by(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Received>, sqlx::Error> {
    sqlx::query_as!(
        Received,
        r#"SELECT m.channel, m.kind, m.subject, m.status,
                  coalesce(m.sent_at, m.next_attempt_at) AS "at!"
           FROM outbox_messages m
           WHERE m.clinic_id = $1
             AND (m.status <> 'queued' OR m.next_attempt_at <= $3 OR m.attempts > 0)
             AND ((m.channel = 'email' AND lower(m.recipient) IN (
                       SELECT lower(u.email) FROM users u WHERE u.clinic_id = $1 AND u.id = $2
                       UNION SELECT lower(p.email) FROM patients p
                       WHERE p.clinic_id = $1 AND p.user_id = $2))
                  OR (m.channel <> 'email' AND m.recipient IN (
                       SELECT p.phone FROM patients p
                       WHERE p.clinic_id = $1 AND p.user_id = $2 AND p.phone <> '')))
           ORDER BY coalesce(m.sent_at, m.next_attempt_at) DESC, m.id
           LIMIT $4"#,
        clinic_id,
        user_id,
        now,
        limit
    )
    .fetch_all(pool)
    .await
}

/// Messages waiting to leave, by channel: how many, and how long the oldest has waited
/// (seconds), for the operator's metrics.
pub async fn waiting_by_channel(
    pool: &PgPool,
    clinic_id: Uuid,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64, f64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT channel, count(*) AS "waiting!",
                  coalesce(extract(epoch FROM $2 - min(created_at)), 0)::float8 AS "oldest!"
           FROM outbox_messages
           WHERE clinic_id = $1 AND status = 'queued'
           GROUP BY channel ORDER BY channel"#,
        clinic_id,
        now
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.channel, r.waiting, r.oldest))
        .collect())
}
