//! Group sessions (workshops, classes): an appointment row with a capacity and no patient
//! of its own, so the no-overlap constraints keep its provider (and room) for it, and the
//! seats its patients hold. Booking a seat locks the session's row first, so however many
//! people press "book" at once, seats never outnumber the capacity.

use crate::backend::store::booking::{find_or_add_patient, Refusal};
use crate::backend::store::booking_emails::{self, Notice, Recipient};
use crate::domain::calendar::PatientChoice;
use crate::domain::templates::SEAT_BOOKED;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// A session as patients choose it.
pub struct Session {
    pub id: Uuid,
    pub treatment_slug: String,
    pub treatment_name: String,
    pub provider: String,
    pub location: String,
    pub time_zone: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub capacity: i32,
    pub seats_taken: i64,
}

/// The treatment's sessions that start between two instants and still take bookings
/// (confirmed, not cancelled, not on a closed day), earliest first; full ones included, so
/// patients see them.
pub async fn upcoming(
    pool: &PgPool,
    clinic_id: Uuid,
    treatment_id: Uuid,
    between: (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Session>, sqlx::Error> {
    find(pool, clinic_id, None, Some(treatment_id), Some(between)).await
}

/// One session that still takes bookings.
pub async fn session(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<Session>, sqlx::Error> {
    Ok(find(pool, clinic_id, Some(id), None, None).await?.pop())
}

/// Confirmed sessions, narrowed by id, treatment and start when those are given.
async fn find(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Option<Uuid>,
    treatment_id: Option<Uuid>,
    between: Option<(DateTime<Utc>, DateTime<Utc>)>,
) -> Result<Vec<Session>, sqlx::Error> {
    sqlx::query_as!(
        Session,
        r#"SELECT a.id, t.slug AS treatment_slug, t.name AS treatment_name,
                  p.display_name AS provider, l.name AS location,
                  coalesce(l.time_zone, c.time_zone) AS "time_zone!",
                  lower(a.period) AS "starts!", upper(a.period) AS "ends!",
                  a.capacity AS "capacity!",
                  (SELECT count(*) FROM session_seats s
                   WHERE s.appointment_id = a.id AND s.status = 'booked') AS "seats_taken!"
           FROM appointments a
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           JOIN locations l ON l.id = a.location_id
           JOIN clinics c ON c.id = a.clinic_id
           WHERE a.clinic_id = $1 AND a.capacity IS NOT NULL AND a.status = 'confirmed'
             AND ($2::uuid IS NULL OR a.id = $2)
             AND ($3::uuid IS NULL OR a.treatment_id = $3)
             AND ($4::timestamptz IS NULL OR lower(a.period) >= $4)
             AND ($5::timestamptz IS NULL OR lower(a.period) < $5)
             -- A session on a day the clinic has since closed takes no more bookings.
             AND NOT closed_on(a.clinic_id, a.location_id,
                 (lower(a.period) AT TIME ZONE coalesce(l.time_zone, c.time_zone))::date)
           ORDER BY lower(a.period)"#,
        clinic_id,
        id,
        treatment_id,
        between.map(|b| b.0),
        between.map(|b| b.1)
    )
    .fetch_all(pool)
    .await
}

/// Why a seat was not booked.
#[derive(Debug)]
pub enum SeatRefusal {
    /// Every seat is taken.
    Full,
    /// This patient already holds a seat at the session.
    AlreadyBooked,
    /// No such session, or it no longer takes bookings (cancelled, begun).
    Closed,
    Other(Refusal),
}

impl From<sqlx::Error> for SeatRefusal {
    fn from(error: sqlx::Error) -> Self {
        let twice = error
            .as_database_error()
            .and_then(|e| e.code())
            .is_some_and(|code| code == "23505");
        if twice {
            SeatRefusal::AlreadyBooked
        } else {
            SeatRefusal::Other(Refusal::Database(error))
        }
    }
}

/// Books a seat at `session_id` for `patient`, and queues `notice` to them, in one
/// transaction. The session's row is locked first: concurrent bookings of one session
/// queue behind each other, and each counts the seats the ones before it took.
pub async fn book_seat(
    pool: &PgPool,
    clinic_id: Uuid,
    session_id: Uuid,
    patient: &PatientChoice,
    notice: Notice<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, SeatRefusal> {
    let mut tx = pool.begin().await?;
    let Some(capacity) = sqlx::query_scalar!(
        r#"SELECT capacity AS "capacity!" FROM appointments
           WHERE clinic_id = $1 AND id = $2 AND capacity IS NOT NULL AND status = 'confirmed'
             AND lower(period) > $3
           FOR UPDATE"#,
        clinic_id,
        session_id,
        now
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Err(SeatRefusal::Closed);
    };
    let taken = sqlx::query_scalar!(
        r#"SELECT count(*) AS "taken!" FROM session_seats
           WHERE appointment_id = $1 AND status = 'booked'"#,
        session_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if taken >= i64::from(capacity) {
        return Err(SeatRefusal::Full);
    }
    // One place per person: a guest gets a record of their own each time, so the person is
    // recognised by their address here (the session's lock makes the check race-free).
    if let PatientChoice::Guest(person) | PatientChoice::New(person) = patient {
        let already = sqlx::query_scalar!(
            r#"SELECT EXISTS (
                   SELECT 1 FROM session_seats s JOIN patients p ON p.id = s.patient_id
                   WHERE s.appointment_id = $1 AND s.status = 'booked'
                     AND lower(p.email) = lower($2)) AS "already!""#,
            session_id,
            person.email.as_str()
        )
        .fetch_one(&mut *tx)
        .await?;
        if already {
            return Err(SeatRefusal::AlreadyBooked);
        }
    }
    let patient_id = find_or_add_patient(&mut tx, clinic_id, patient, now).await?;
    let seat = sqlx::query_scalar!(
        "INSERT INTO session_seats (clinic_id, appointment_id, patient_id, booked_at)
         VALUES ($1, $2, $3, $4) RETURNING id",
        clinic_id,
        session_id,
        patient_id,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    let to = sqlx::query_as!(
        Recipient,
        "SELECT email, first_name FROM patients WHERE id = $1",
        patient_id
    )
    .fetch_one(&mut *tx)
    .await?;
    booking_emails::send(
        &mut tx,
        clinic_id,
        session_id,
        &SEAT_BOOKED,
        &[to],
        &notice,
        None,
        Some(&format!("seat:{seat}:booked")),
        now,
    )
    .await?;
    crate::backend::store::reminders::schedule(&mut tx, clinic_id, session_id, None, now).await?;
    tx.commit().await?;
    Ok(seat)
}

/// Who holds seats at a session, for its staff page: (patient id, name), by name.
pub async fn seat_holders(
    pool: &PgPool,
    clinic_id: Uuid,
    session_id: Uuid,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        r#"SELECT p.id, p.first_name || ' ' || p.last_name AS "name!"
           FROM session_seats s JOIN patients p ON p.id = s.patient_id
           WHERE s.clinic_id = $1 AND s.appointment_id = $2 AND s.status = 'booked'
           ORDER BY lower(p.last_name), lower(p.first_name), s.id"#,
        clinic_id,
        session_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect())
}
