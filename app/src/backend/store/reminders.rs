//! Reminders before appointments: outbox rows due at their moment, written in the
//! transaction that books (or moves) the appointment and removed by the one that moves or
//! cancels it. The moments come from `domain::reminders` (the location's time zone, the
//! clinic's quiet hours, never late).

use super::booking::appointment_facts;
use super::booking_emails::attendance;
use super::outbox::{self, Email, Text, Timing};
use super::templates;
use crate::backend::templates::{compose, Values, Wording};
use crate::domain::booking::when;
use crate::domain::reminders::{reminder_at, QuietHours};
use crate::domain::templates::REMINDER;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;
use uuid::Uuid;

/// The cause of every reminder of `appointment_id`, whatever its hours and sequence.
fn causes_of(appointment_id: Uuid) -> String {
    format!("reminder:{appointment_id}:%")
}

/// Writes the reminders of a confirmed appointment (or group session) for its patient (or
/// each place holder) by each channel they chose and the clinic's rules allow (texts only
/// to numbers that have not replied STOP). Reminders
/// already written for this version of the appointment are left as they are, so calling
/// it again (a new place at a session) adds only what is missing. `booking_link` is the
/// patient's private link when the change knows it: a video visit's reminder emails then
/// carry the way in. Returns how many it wrote.
pub async fn schedule(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    appointment_id: Uuid,
    booking_link: Option<&str>,
    now: DateTime<Utc>,
) -> Result<usize, sqlx::Error> {
    let Some(a) = appointment_facts(tx, clinic_id, appointment_id)
        .await?
        .filter(|a| a.status == "confirmed")
    else {
        return Ok(0);
    };
    let Ok(zone) = a.time_zone.parse::<Tz>() else {
        tracing::error!(%appointment_id, "stored time zone is unknown; no reminders written");
        return Ok(0);
    };
    let quiet = QuietHours {
        start: a.quiet_hours_start,
        end: a.quiet_hours_end,
    };
    let rules = sqlx::query!(
        "SELECT hours_before, by_email, by_sms, by_whatsapp FROM reminder_rules
         WHERE clinic_id = $1 ORDER BY hours_before DESC",
        clinic_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let people = sqlx::query!(
        r#"WITH booked AS (
               SELECT a.patient_id FROM appointments a WHERE a.id = $1 AND a.patient_id IS NOT NULL
               UNION ALL
               SELECT s.patient_id FROM session_seats s WHERE s.appointment_id = $1 AND s.status = 'booked')
           SELECT p.email, p.first_name, p.phone, p.remind_by_email,
                  p.remind_by_sms AND p.phone <> '' AND NOT EXISTS (
                      SELECT 1 FROM message_opt_outs o
                      WHERE o.clinic_id = p.clinic_id AND o.phone = p.phone AND o.channel = 'sms') AS "by_sms!",
                  p.remind_by_whatsapp AND p.phone <> '' AND NOT EXISTS (
                      SELECT 1 FROM message_opt_outs o
                      WHERE o.clinic_id = p.clinic_id AND o.phone = p.phone AND o.channel = 'whatsapp') AS "by_whatsapp!"
           FROM booked JOIN patients p ON p.id = booked.patient_id"#,
        appointment_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let when = when(a.starts, a.ends, zone);
    // The clinic's wording for each channel, read once for everyone.
    let mut wordings = Vec::new();
    for channel in REMINDER.channels {
        wordings.push((
            *channel,
            templates::custom(tx, clinic_id, REMINDER.kind, channel).await?,
        ));
    }
    // What each person's reminders say; a WhatsApp template is filled from the same values.
    // A text's values are stored with it, and a text is never redacted: no secret link.
    let values_for = |first_name: &str, booking_link: Option<&str>| {
        let mut values = Values::from([
            ("first_name", first_name.to_owned()),
            ("treatment", a.treatment.clone()),
            ("provider", a.provider.clone()),
            ("when", when.clone()),
            ("location", a.location.clone()),
            ("address", a.address.clone()),
            ("phone", a.phone.clone()),
            ("clinic", a.clinic.clone()),
        ]);
        values.extend(attendance(&a, booking_link));
        values
    };
    let wording = |channel: &str, values: &Values| {
        let custom = wordings
            .iter()
            .find(|(c, _)| *c == channel)
            .and_then(|(_, custom)| custom.clone());
        compose(&REMINDER, channel, custom, values)
    };
    let mut written = 0;
    for rule in rules {
        let hours_before = rule.hours_before;
        let Some(due) = reminder_at(a.starts, hours_before, zone, quiet, now) else {
            continue;
        };
        let cause = format!(
            "reminder:{appointment_id}:{hours_before}h:{}",
            a.calendar_sequence
        );
        let timing = Timing { now, due };
        for person in &people {
            let values = values_for(&person.first_name, None);
            for (channel, wanted) in [
                ("sms", rule.by_sms && person.by_sms),
                ("whatsapp", rule.by_whatsapp && person.by_whatsapp),
            ] {
                if !wanted {
                    continue;
                }
                let body = wording(channel, &values).body;
                let variables = serde_json::json!(values);
                let text = Text {
                    channel,
                    kind: "reminder",
                    to: &person.phone,
                    body: &body,
                    variables: &variables,
                };
                if outbox::enqueue_text(tx, clinic_id, text, &cause, timing)
                    .await?
                    .is_some()
                {
                    written += 1;
                }
            }
            if !(rule.by_email && person.remind_by_email) {
                continue;
            }
            let values = values_for(&person.first_name, booking_link);
            let Wording { subject, body } = wording("email", &values);
            let email = Email {
                kind: "reminder",
                to: &person.email,
                subject: &subject,
                body: &body,
            };
            if outbox::enqueue_email_for(tx, clinic_id, email, Some(&cause), None, timing)
                .await?
                .is_some()
            {
                written += 1;
            }
        }
    }
    Ok(written)
}

/// Removes the appointment's reminders that have not gone (one being sent this moment is
/// left to finish). Returns how many it removed.
pub async fn cancel(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    appointment_id: Uuid,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query!(
        "DELETE FROM outbox_messages
         WHERE clinic_id = $1 AND status = 'queued' AND cause LIKE $2
           AND (leased_until IS NULL OR leased_until <= $3)",
        clinic_id,
        causes_of(appointment_id),
        now
    )
    .execute(&mut *tx)
    .await?
    .rows_affected())
}
