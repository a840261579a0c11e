//! What the background worker tidies away, so the database keeps only what is still of
//! use: sessions past their end, rate-limit hits older than any window, registrations
//! never confirmed, sent messages past the clinic's retention, and the assistant's
//! conversations past the retention the clinic set, and the REST API's remembered answers
//! once their idempotency keys have expired. (Released holds are
//! deleted with the holds' own sweep.) Each kind is one statement: a sweep cut short by a
//! restart leaves nothing half-deleted, and the next one finishes.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// The longest window any rate limit counts over is an hour; hits are kept a day.
const RATE_LIMIT_HITS_KEPT: Duration = Duration::days(1);

/// How long each kind of row is kept, from the server's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    /// A registration whose address was never confirmed is removed this long after it
    /// was made (its confirmation link has long expired).
    pub unconfirmed_accounts: Duration,
    /// Messages that went (and dead letters) are removed this long after they were
    /// written, with their tries.
    pub sent_messages: Duration,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub sessions: u64,
    pub rate_limit_hits: u64,
    pub unconfirmed_accounts: u64,
    pub sent_messages: u64,
    pub assistant_conversations: u64,
    pub assistant_address_usage: u64,
    pub idempotent_answers: u64,
}

impl Swept {
    pub fn total(&self) -> u64 {
        self.sessions
            + self.rate_limit_hits
            + self.unconfirmed_accounts
            + self.sent_messages
            + self.assistant_conversations
            + self.assistant_address_usage
            + self.idempotent_answers
    }
}

pub async fn sweep(
    pool: &PgPool,
    clinic_id: Uuid,
    retention: Retention,
    now: DateTime<Utc>,
) -> Result<Swept, sqlx::Error> {
    let sessions = sqlx::query!(
        "DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at + idle_timeout <= $1",
        now
    )
    .execute(pool)
    .await?
    .rows_affected();
    let rate_limit_hits = sqlx::query!(
        "DELETE FROM rate_limit_hits WHERE at <= $1",
        now - RATE_LIMIT_HITS_KEPT
    )
    .execute(pool)
    .await?
    .rows_affected();
    // The account and the record registration made for it, while nothing else rests on
    // the record (staff may have booked for the person meanwhile: then both stay).
    let unconfirmed_accounts = sqlx::query!(
        "WITH stale AS (
             SELECT u.id FROM users u
             WHERE u.clinic_id = $1 AND u.role = 'patient' AND u.email_verified_at IS NULL
               AND u.created_at <= $2
               AND NOT EXISTS (SELECT 1 FROM appointments a
                               WHERE a.booking_account = u.id OR a.status_changed_by = u.id)
               AND NOT EXISTS (
                   SELECT 1 FROM patients p
                   WHERE p.user_id = u.id
                     AND (EXISTS (SELECT 1 FROM appointments a WHERE a.patient_id = p.id)
                          OR EXISTS (SELECT 1 FROM session_seats s WHERE s.patient_id = p.id)
                          OR EXISTS (SELECT 1 FROM patient_notes n WHERE n.patient_id = p.id)
                          OR EXISTS (SELECT 1 FROM cases c WHERE c.patient_id = p.id)))
         ),
         records AS (
             DELETE FROM patients WHERE clinic_id = $1 AND user_id IN (SELECT id FROM stale)
         )
         DELETE FROM users WHERE id IN (SELECT id FROM stale)",
        clinic_id,
        now - retention.unconfirmed_accounts
    )
    .execute(pool)
    .await?
    .rows_affected();
    let sent_messages = sqlx::query!(
        "DELETE FROM outbox_messages
         WHERE clinic_id = $1 AND status <> 'queued' AND created_at <= $2",
        clinic_id,
        now - retention.sent_messages
    )
    .execute(pool)
    .await?
    .rows_affected();
    // Their messages go with them (ON DELETE CASCADE).
    let assistant_conversations = sqlx::query!(
        "DELETE FROM assistant_conversations a USING clinics c
         WHERE a.clinic_id = $1 AND c.id = a.clinic_id
           AND a.last_message_at <= $2::timestamptz - make_interval(days => c.assistant_retention_days)",
        clinic_id,
        now
    )
    .execute(pool)
    .await?
    .rows_affected();
    // A day's count is needed for that day only; a day more covers every clock's midnight.
    let assistant_address_usage = sqlx::query!(
        "DELETE FROM assistant_address_usage WHERE clinic_id = $1 AND day < ($2::timestamptz AT TIME ZONE 'UTC')::date - 1",
        clinic_id,
        now
    )
    .execute(pool)
    .await?
    .rows_affected();
    let idempotent_answers = sqlx::query!(
        "DELETE FROM api_idempotency WHERE clinic_id = $1 AND created_at <= $2",
        clinic_id,
        now - Duration::days(super::api_keys::IDEMPOTENCY_DAYS)
    )
    .execute(pool)
    .await?
    .rows_affected();
    Ok(Swept {
        sessions,
        rate_limit_hits,
        unconfirmed_accounts,
        sent_messages,
        assistant_conversations,
        assistant_address_usage,
        idempotent_answers,
    })
}
