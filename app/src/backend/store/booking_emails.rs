//! The emails a change to a booking sends: confirmed, moved, cancelled, a place at a group
//! session. Each is worded from the appointment as the change left it, in the clinic's
//! wording for its kind, for each person it concerns by their own first name, and carries
//! the calendar invitation that matches it. All are written in the change's transaction,
//! once per change and person (the cause says which).

use super::booking::{appointment_facts, AppointmentFacts};
use super::outbox;
use super::templates;
use crate::backend::auth::session::Token;
use crate::backend::templates::{compose, Values, Wording};
use crate::domain::booking::when;
use crate::domain::ics::{self, Method};
use crate::domain::templates::{Kind, BOOKING_CANCELLED};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::PgConnection;
use uuid::Uuid;

/// What a booking email needs besides the appointment itself.
#[derive(Clone, Copy)]
pub struct Notice<'a> {
    /// The site's address, for the link to book again.
    pub public_url: &'a str,
    /// The patient's private link to the booking, when the change knows it: a new booking,
    /// or a change made through the link. Staff never hold it (only its hash is stored).
    pub manage_link: Option<&'a str>,
}

/// The patient's private page for a booking, opened by its link's token.
pub fn booking_link(public_url: &str, token: &Token) -> String {
    format!("{public_url}/booking/{}", token.as_str())
}

/// Where the patient joins a video visit: its booking's page, one step on.
pub fn visit_link(booking_link: &str) -> String {
    format!("{booking_link}/visit")
}

/// The values that say how the patient attends: `by_video`, and for a video visit whose
/// booking link the change knows, `visit_link` (secret, so only ever in an email, whose
/// body the outbox redacts once sent).
pub(crate) fn attendance(
    a: &AppointmentFacts,
    manage_link: Option<&str>,
) -> [(&'static str, String); 2] {
    let visit = match manage_link {
        Some(link) if a.by_video => visit_link(link),
        _ => String::new(),
    };
    [
        ("by_video", if a.by_video { "yes" } else { "" }.to_owned()),
        ("visit_link", visit),
    ]
}

/// Someone a booking email goes to.
pub struct Recipient {
    pub email: String,
    pub first_name: String,
}

/// Who hears of a change to an appointment: its patient, or a group session's seat holders.
pub async fn concerned(
    tx: &mut PgConnection,
    appointment_id: Uuid,
) -> Result<Vec<Recipient>, sqlx::Error> {
    sqlx::query_as!(
        Recipient,
        r#"SELECT p.email AS "email!", p.first_name AS "first_name!"
           FROM appointments a JOIN patients p ON p.id = a.patient_id
           WHERE a.id = $1
           UNION ALL
           SELECT p.email, p.first_name FROM session_seats s JOIN patients p ON p.id = s.patient_id
           WHERE s.appointment_id = $1 AND s.status = 'booked'"#,
        appointment_id
    )
    .fetch_all(&mut *tx)
    .await
}

/// One email of `kind` about `appointment_id` to each of `to`. `was` is when a moved
/// appointment was before; `cause` names the event when it is not the appointment's own
/// version (a place at a session is its own event).
#[allow(clippy::too_many_arguments)]
pub async fn send(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    appointment_id: Uuid,
    kind: &Kind,
    to: &[Recipient],
    notice: &Notice<'_>,
    was: Option<(DateTime<Utc>, DateTime<Utc>)>,
    cause: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(a) = appointment_facts(tx, clinic_id, appointment_id).await? else {
        return Err(sqlx::Error::RowNotFound);
    };
    let zone = a.time_zone.parse::<Tz>().unwrap_or(chrono_tz::UTC);
    let custom = templates::custom(tx, clinic_id, kind.kind, "email").await?;
    let method = if kind.kind == BOOKING_CANCELLED.kind {
        Method::Cancel
    } else {
        Method::Request
    };
    let cause = cause.map_or_else(
        || {
            format!(
                "appointment:{appointment_id}:{}:{}",
                kind.kind, a.calendar_sequence
            )
        },
        str::to_owned,
    );
    for person in to {
        let values = values(&a, zone, person, notice, was);
        let Wording { subject, body } = compose(kind, "email", custom.clone(), &values);
        let invitation = invitation(&a, appointment_id, &person.email, method, now);
        outbox::enqueue_email_for(
            tx,
            clinic_id,
            outbox::Email {
                kind: kind.kind,
                to: &person.email,
                subject: &subject,
                body: &body,
            },
            Some(&cause),
            Some(&invitation),
            outbox::Timing::at_once(now),
        )
        .await?;
    }
    Ok(())
}

/// Everything a booking email's wording may use; each kind declares which of these its
/// wording may name.
fn values(
    a: &AppointmentFacts,
    zone: Tz,
    person: &Recipient,
    notice: &Notice<'_>,
    was: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Values {
    let mut values = Values::from([
        ("first_name", person.first_name.clone()),
        ("treatment", a.treatment.clone()),
        ("provider", a.provider.clone()),
        ("when", when(a.starts, a.ends, zone)),
        (
            "was",
            was.map(|(starts, ends)| when(starts, ends, zone))
                .unwrap_or_default(),
        ),
        ("location", a.location.clone()),
        ("address", a.address.clone()),
        ("phone", a.phone.clone()),
        ("clinic", a.clinic.clone()),
        (
            "manage_link",
            notice.manage_link.unwrap_or_default().to_owned(),
        ),
        ("late_cancel_hours", a.late_cancel_hours.to_string()),
        (
            "book_link",
            format!("{}/book?treatment={}", notice.public_url, a.treatment_slug),
        ),
    ]);
    values.extend(attendance(a, notice.manage_link));
    values
}

/// The appointment as a calendar invitation for `attendee` (a request, or a cancellation).
fn invitation(
    a: &AppointmentFacts,
    appointment_id: Uuid,
    attendee: &str,
    method: Method,
    now: DateTime<Utc>,
) -> outbox::Attachment {
    let content = ics::event(&ics::Event {
        uid: &format!("{appointment_id}@lumen"),
        start: a.starts,
        end: a.ends,
        stamp: now,
        summary: &format!("{} with {}", a.treatment, a.provider),
        location: &if a.by_video {
            "Video visit (join from the link in the email)".to_owned()
        } else {
            format!("{}, {}", a.location, a.address)
        },
        description: &format!(
            "{} at {}. To change it, use the link in the email or call {}.",
            a.treatment, a.clinic, a.phone
        ),
        cancelled: method == Method::Cancel,
        method,
        sequence: a.calendar_sequence,
        organizer: Some((&a.clinic, &a.clinic_email)),
        attendee: Some(attendee),
    });
    let name = if method == Method::Cancel {
        "cancelled.ics"
    } else {
        "appointment.ics"
    };
    outbox::Attachment {
        name: name.to_owned(),
        content_type: method.content_type(),
        content,
    }
}
