//! What the staff calendar reads: the appointments in a stretch of days, the providers and
//! rooms to show them by, one appointment with its history, and the choices for booking.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// An appointment as the calendar draws it. Released holds and cancellations are left out;
/// a hold still being filled in shows, so staff see why a time is taken.
pub struct Entry {
    pub id: Uuid,
    pub provider_id: Uuid,
    pub provider: String,
    pub room_id: Option<Uuid>,
    pub room: Option<String>,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub status: String,
    pub patient: Option<String>,
    pub treatment: String,
    pub arrived: bool,
    pub double_booked: bool,
    /// For a group session: its places, and how many are booked.
    pub capacity: Option<i32>,
    pub seats: i64,
}

pub async fn entries(
    pool: &PgPool,
    clinic_id: Uuid,
    between: (DateTime<Utc>, DateTime<Utc>),
    now: DateTime<Utc>,
) -> Result<Vec<Entry>, sqlx::Error> {
    sqlx::query_as!(
        Entry,
        r#"SELECT a.id, a.provider_id, p.display_name AS provider, a.room_id, r.name AS "room?",
                  lower(a.period) AS "starts!", upper(a.period) AS "ends!",
                  a.status::text AS "status!",
                  pa.first_name || ' ' || pa.last_name AS patient,
                  t.name AS treatment, a.arrived_at IS NOT NULL AS "arrived!", a.double_booked,
                  a.capacity,
                  (SELECT count(*) FROM session_seats s
                   WHERE s.appointment_id = a.id AND s.status = 'booked') AS "seats!"
           FROM appointments a
           JOIN providers p ON p.id = a.provider_id
           JOIN treatments t ON t.id = a.treatment_id
           LEFT JOIN rooms r ON r.id = a.room_id
           LEFT JOIN patients pa ON pa.id = a.patient_id
           WHERE a.clinic_id = $1 AND a.period && tstzrange($2, $3)
             AND a.status <> 'cancelled'
             AND (a.status NOT IN ('held', 'pending_payment') OR a.hold_expires_at > $4)
           ORDER BY lower(a.period), p.position"#,
        clinic_id,
        between.0,
        between.1,
        now
    )
    .fetch_all(pool)
    .await
}

/// Active providers, in the clinic's order.
pub async fn providers(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT id, display_name FROM providers WHERE clinic_id = $1 AND active
         ORDER BY position, display_name",
        clinic_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|p| (p.id, p.display_name))
    .collect())
}

/// Active rooms and devices, named with their location.
pub async fn rooms(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT r.id, r.name || ' (' || l.name || ')' AS \"name!\"
         FROM rooms r JOIN locations l ON l.id = r.location_id
         WHERE r.clinic_id = $1 AND r.active AND l.active
         ORDER BY l.name, r.name",
        clinic_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| (r.id, r.name))
    .collect())
}

/// Active locations, for the booking form.
pub async fn locations(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    Ok(sqlx::query!(
        "SELECT id, name FROM locations WHERE clinic_id = $1 AND active ORDER BY name",
        clinic_id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|l| (l.id, l.name))
    .collect())
}

/// An active treatment as the booking forms list it.
pub struct TreatmentOption {
    pub slug: String,
    pub name: String,
    pub duration_minutes: i32,
    /// Set for a group treatment (booked by the seat at sessions).
    pub capacity: Option<i32>,
}

pub async fn treatments(
    pool: &PgPool,
    clinic_id: Uuid,
) -> Result<Vec<TreatmentOption>, sqlx::Error> {
    sqlx::query_as!(
        TreatmentOption,
        "SELECT slug, name, duration_minutes, capacity FROM treatments
         WHERE clinic_id = $1 AND active ORDER BY name",
        clinic_id
    )
    .fetch_all(pool)
    .await
}

/// One appointment as its staff page shows it.
pub struct Appointment {
    pub id: Uuid,
    pub patient_id: Option<Uuid>,
    pub patient_name: Option<String>,
    pub patient_email: Option<String>,
    pub patient_phone: Option<String>,
    pub treatment_slug: String,
    pub treatment: String,
    pub provider_id: Uuid,
    pub provider: String,
    pub location_id: Uuid,
    pub location: String,
    pub room: Option<String>,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub mode: String,
    pub status: String,
    pub arrived_at: Option<DateTime<Utc>>,
    pub patient_confirmed_at: Option<DateTime<Utc>>,
    pub double_booked: bool,
    pub notes: String,
    pub capacity: Option<i32>,
    /// The treatment's price, in minor units.
    pub price_minor: i64,
}

pub async fn appointment(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<Appointment>, sqlx::Error> {
    sqlx::query_as!(
        Appointment,
        r#"SELECT a.id, a.patient_id,
                  pa.first_name || ' ' || pa.last_name AS patient_name,
                  pa.email AS "patient_email?", pa.phone AS "patient_phone?",
                  t.slug AS treatment_slug, t.name AS treatment,
                  a.provider_id, p.display_name AS provider,
                  a.location_id, l.name AS location, r.name AS "room?",
                  lower(a.period) AS "starts!", upper(a.period) AS "ends!",
                  a.mode::text AS "mode!", a.status::text AS "status!",
                  a.arrived_at, a.patient_confirmed_at, a.double_booked, a.notes, a.capacity,
                  t.price_minor
           FROM appointments a
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           JOIN locations l ON l.id = a.location_id
           LEFT JOIN rooms r ON r.id = a.room_id
           LEFT JOIN patients pa ON pa.id = a.patient_id
           WHERE a.clinic_id = $1 AND a.id = $2"#,
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await
}

/// A change in an appointment's history, oldest first.
pub struct Change {
    pub change: String,
    pub changed_at: DateTime<Utc>,
    pub by: Option<String>,
    pub via: String,
}

pub async fn history(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
) -> Result<Vec<Change>, sqlx::Error> {
    sqlx::query_as!(
        Change,
        r#"SELECT c.change, c.changed_at, u.display_name AS "by?", c.via
           FROM appointment_changes c LEFT JOIN users u ON u.id = c.changed_by
           WHERE c.clinic_id = $1 AND c.appointment_id = $2
           ORDER BY c.id"#,
        clinic_id,
        appointment_id
    )
    .fetch_all(pool)
    .await
}
