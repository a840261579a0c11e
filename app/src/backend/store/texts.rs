//! Texts and WhatsApp after they leave: the provider's reports on each message, numbers
//! that opted out, and what patients text back.

use crate::admin::types::InboxMessage;
use crate::domain::booking::when;
use crate::domain::texts::{reached, Reached, Reply};
use chrono::{DateTime, Duration, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// Whether `phone` replied STOP on `channel` (and has not replied START since).
pub async fn opted_out(
    pool: &PgPool,
    clinic_id: Uuid,
    phone: &str,
    channel: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM message_opt_outs
                          WHERE clinic_id = $1 AND phone = $2 AND channel = $3) AS "opted_out!""#,
        clinic_id,
        phone,
        channel
    )
    .fetch_one(pool)
    .await
}

/// WhatsApp lets a business write freely for 24 hours after the person last wrote to it;
/// after that, only approved templates.
pub const WHATSAPP_WINDOW: Duration = Duration::hours(24);

/// Whether `phone` wrote to the clinic on WhatsApp within the last `WHATSAPP_WINDOW`.
pub async fn whatsapp_window_open(
    pool: &PgPool,
    clinic_id: Uuid,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM inbound_messages
                          WHERE clinic_id = $1 AND from_phone = $2 AND channel = 'whatsapp'
                            AND received_at > $3) AS "open!""#,
        clinic_id,
        phone,
        now - WHATSAPP_WINDOW
    )
    .fetch_one(pool)
    .await
}

/// A provider's report on one message, as it came.
pub struct Report<'a> {
    pub provider: &'a str,
    pub provider_message_id: &'a str,
    pub status: &'a str,
    pub error_code: Option<&'a str>,
    pub at: DateTime<Utc>,
}

/// Keeps the report and brings the message's state up to date with every report so far.
/// Returns the message's state when the reports say it has reached an end.
pub async fn report(
    pool: &PgPool,
    clinic_id: Uuid,
    report: &Report<'_>,
) -> Result<Option<Reached>, sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "INSERT INTO delivery_reports (clinic_id, provider, provider_message_id, status, error_code, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        clinic_id,
        report.provider,
        report.provider_message_id,
        report.status,
        report.error_code,
        report.at
    )
    .execute(&mut *tx)
    .await?;
    let reached = apply_reports(
        &mut tx,
        clinic_id,
        report.provider,
        report.provider_message_id,
        report.at,
    )
    .await?;
    tx.commit().await?;
    Ok(reached)
}

/// Sets the message's state from all its reports. Called when a report comes, and when the
/// sender records the message's id (a report may have come first).
pub async fn apply_reports(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    provider: &str,
    provider_message_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<Reached>, sqlx::Error> {
    let reports = sqlx::query!(
        "SELECT status, error_code FROM delivery_reports
         WHERE clinic_id = $1 AND provider = $2 AND provider_message_id = $3
         ORDER BY id",
        clinic_id,
        provider,
        provider_message_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let Some(state) = reached(reports.iter().map(|r| r.status.as_str())) else {
        return Ok(None);
    };
    let error = match state {
        Reached::Delivered => None,
        _ => reports
            .iter()
            .rev()
            .find_map(|r| r.error_code.as_deref())
            .map(|code| format!("Twilio error {code}: {}", error_words(code))),
    };
    sqlx::query!(
        "UPDATE outbox_messages SET status = $4, status_at = $5, delivery_error = $6
         WHERE clinic_id = $1 AND provider = $2 AND provider_message_id = $3
           AND status IN ('sent', 'delivered', 'undelivered', 'failed') AND status <> $4",
        clinic_id,
        provider,
        provider_message_id,
        state.as_str(),
        now,
        error
    )
    .execute(&mut *tx)
    .await?;
    Ok(Some(state))
}

/// The words for the errors a clinic meets most, so staff know what to do.
fn error_words(code: &str) -> &'static str {
    match code {
        "30003" => "the phone is off or out of reach",
        "30004" => "the recipient has blocked these messages",
        "30005" => "the number is unknown or no longer in use",
        "30006" => "the number cannot receive texts (a landline?)",
        "30007" => "the carrier filtered the message",
        "21610" => "the number replied STOP",
        "63016" => "outside WhatsApp's 24-hour window without an approved template",
        _ => "see Twilio's error reference",
    }
}

/// A message a person sent to the clinic's number.
pub struct Inbound<'a> {
    pub channel: &'a str,
    pub provider_message_id: &'a str,
    /// E.164.
    pub from: &'a str,
    pub body: &'a str,
    pub at: DateTime<Utc>,
}

/// What Lumen did with an inbound message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handled {
    /// The same message again (the provider retried its webhook): nothing more done.
    Again,
    OptedOut,
    OptedIn,
    /// The patient's next appointment is confirmed: what, and when in the clinic's words.
    Confirmed {
        treatment: String,
        when: String,
    },
    /// A "C" with no upcoming appointment for the number: kept for staff.
    NothingToConfirm,
    /// Kept for the staff inbox.
    Inbox,
}

/// Records an inbound message and acts on it, in one transaction: a webhook retried
/// while the first delivery is being handled is recorded (and acted on) once.
pub async fn receive(
    pool: &PgPool,
    clinic_id: Uuid,
    inbound: &Inbound<'_>,
) -> Result<Handled, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // A number shared by several patients (a family) belongs to the one with the
    // soonest appointment, else the one added last.
    let patient_id = sqlx::query_scalar!(
        "SELECT p.id FROM patients p
         LEFT JOIN LATERAL (SELECT min(lower(a.period)) AS next FROM appointments a
                            WHERE a.patient_id = p.id AND a.status = 'confirmed'
                              AND lower(a.period) > $3) n ON true
         WHERE p.clinic_id = $1 AND p.phone = $2
         ORDER BY n.next NULLS LAST, p.created_at DESC
         LIMIT 1",
        clinic_id,
        inbound.from,
        inbound.at
    )
    .fetch_optional(&mut *tx)
    .await?;
    let reply = Reply::of(inbound.body);
    let (handled, handled_as) = match reply {
        Reply::OptOut => (Handled::OptedOut, "opt_out"),
        Reply::OptIn => (Handled::OptedIn, "opt_in"),
        Reply::Confirm => match confirm_next(&mut tx, clinic_id, inbound.from, inbound.at).await? {
            Some(handled) => (handled, "confirmed"),
            None => (Handled::NothingToConfirm, "inbox"),
        },
        Reply::Other => (Handled::Inbox, "inbox"),
    };
    let inserted = sqlx::query!(
        "INSERT INTO inbound_messages (clinic_id, channel, provider_message_id, from_phone,
                                       patient_id, body, received_at, handled_as)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (clinic_id, provider_message_id) DO NOTHING",
        clinic_id,
        inbound.channel,
        inbound.provider_message_id,
        inbound.from,
        patient_id,
        inbound.body,
        inbound.at,
        handled_as
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 0 {
        // Undo a confirmation made above for a message already handled.
        tx.rollback().await?;
        return Ok(Handled::Again);
    }
    match reply {
        Reply::OptOut => {
            sqlx::query!(
                "INSERT INTO message_opt_outs (clinic_id, phone, channel, at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (clinic_id, phone, channel) DO NOTHING",
                clinic_id,
                inbound.from,
                inbound.channel,
                inbound.at
            )
            .execute(&mut *tx)
            .await?;
            // Queued texts to the number go no further.
            sqlx::query!(
                "DELETE FROM outbox_messages
                 WHERE clinic_id = $1 AND recipient = $2 AND channel = $3 AND status = 'queued'
                   AND (leased_until IS NULL OR leased_until <= $4)",
                clinic_id,
                inbound.from,
                inbound.channel,
                inbound.at
            )
            .execute(&mut *tx)
            .await?;
        }
        Reply::OptIn => {
            sqlx::query!(
                "DELETE FROM message_opt_outs WHERE clinic_id = $1 AND phone = $2 AND channel = $3",
                clinic_id,
                inbound.from,
                inbound.channel
            )
            .execute(&mut *tx)
            .await?;
        }
        Reply::Confirm | Reply::Other => {}
    }
    tx.commit().await?;
    Ok(handled)
}

/// Marks the soonest upcoming appointment of a patient with this number as confirmed by
/// them.
async fn confirm_next(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    phone: &str,
    now: DateTime<Utc>,
) -> Result<Option<Handled>, sqlx::Error> {
    let Some(next) = sqlx::query!(
        r#"UPDATE appointments SET patient_confirmed_at = $3
           WHERE id = (SELECT a.id FROM appointments a JOIN patients p ON p.id = a.patient_id
                       WHERE a.clinic_id = $1 AND p.phone = $2 AND a.status = 'confirmed'
                         AND lower(a.period) > $3
                       ORDER BY lower(a.period) LIMIT 1)
           RETURNING lower(period) AS "starts!", upper(period) AS "ends!",
                     (SELECT t.name FROM treatments t WHERE t.id = treatment_id) AS "treatment!",
                     (SELECT coalesce(l.time_zone, c.time_zone) FROM locations l JOIN clinics c ON c.id = l.clinic_id
                      WHERE l.id = location_id) AS "time_zone!""#,
        clinic_id,
        phone,
        now
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(None);
    };
    let zone: Tz = next.time_zone.parse().unwrap_or(Tz::UTC);
    Ok(Some(Handled::Confirmed {
        treatment: next.treatment,
        when: when(next.starts, next.ends, zone),
    }))
}

/// The clinic's most recent inbound messages (from one patient, when `patient` says),
/// newest first.
pub async fn inbox(
    pool: &PgPool,
    clinic_id: Uuid,
    patient: Option<Uuid>,
    limit: i64,
) -> Result<Vec<InboxMessage>, sqlx::Error> {
    sqlx::query_as!(
        InboxMessage,
        r#"SELECT m.id, m.channel, m.from_phone, m.patient_id,
                  CASE WHEN p.id IS NOT NULL THEN p.first_name || ' ' || p.last_name END AS patient_name,
                  m.body,
                  to_char(m.received_at AT TIME ZONE c.time_zone, 'DD Mon YYYY, HH24:MI') AS "received!",
                  m.handled_as
           FROM inbound_messages m
           JOIN clinics c ON c.id = m.clinic_id
           LEFT JOIN patients p ON p.id = m.patient_id
           WHERE m.clinic_id = $1 AND ($3::uuid IS NULL OR m.patient_id = $3)
           ORDER BY m.received_at DESC, m.id
           LIMIT $2"#,
        clinic_id,
        limit,
        patient
    )
    .fetch_all(pool)
    .await
}

/// Why a reply from the staff cannot go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffReplyRefusal {
    /// No such message from a patient at this clinic.
    NotFound,
    /// The number replied STOP on this channel.
    OptedOut,
    /// WhatsApp allows free words only within 24 hours of the person's last message.
    WindowClosed,
}

/// Queues the staff's answer to a patient's text, on the channel it came by, with its
/// audit row, in one transaction. The same words to the same message go once, however
/// often the form is sent. Answers the patient the message is from, when known.
pub async fn reply(
    pool: &PgPool,
    clinic_id: Uuid,
    inbound_id: Uuid,
    words: &str,
    by: &crate::backend::auth::principal::Principal,
    now: DateTime<Utc>,
) -> Result<Result<Option<Uuid>, StaffReplyRefusal>, crate::error::AppError> {
    use sha2::{Digest, Sha256};
    let mut tx = pool.begin().await?;
    let Some(inbound) = sqlx::query!(
        "SELECT channel, from_phone, patient_id FROM inbound_messages WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        inbound_id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Err(StaffReplyRefusal::NotFound));
    };
    if opted_out(pool, clinic_id, &inbound.from_phone, &inbound.channel).await? {
        return Ok(Err(StaffReplyRefusal::OptedOut));
    }
    if inbound.channel == "whatsapp"
        && !whatsapp_window_open(pool, clinic_id, &inbound.from_phone, now).await?
    {
        return Ok(Err(StaffReplyRefusal::WindowClosed));
    }
    let digest = Sha256::digest(words.as_bytes());
    let cause = format!(
        "reply:{inbound_id}:{}",
        crate::backend::hex::hex(&digest[..8])
    );
    let text = super::outbox::Text {
        channel: &inbound.channel,
        kind: "reply",
        to: &inbound.from_phone,
        body: words,
        variables: &serde_json::Value::Null,
    };
    let timing = super::outbox::Timing::at_once(now);
    if super::outbox::enqueue_text(&mut tx, clinic_id, text, &cause, timing)
        .await?
        .is_some()
    {
        crate::backend::audit::append_for_request(
            &mut tx,
            by,
            "reply",
            "inbound_message",
            Some(inbound_id),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(Ok(inbound.patient_id))
}
