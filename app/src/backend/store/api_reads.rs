//! What the REST API reads: the catalogue as integrators see it (ids beside slugs, money in
//! minor units), appointments and payments page by page in time order, one patient's
//! record, and what decides whether a booking may still change.

use chrono::{DateTime, Utc};
use sqlx::postgres::types::PgRange;
use sqlx::PgPool;
use std::ops::Bound;
use uuid::Uuid;

pub struct TreatmentRead {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub summary: String,
    pub category: String,
    pub duration_minutes: i32,
    pub price_minor: i64,
    pub currency: String,
    pub in_person: bool,
    pub video: bool,
    /// Places per session for a group treatment.
    pub capacity: Option<i32>,
}

/// The clinic's active treatments, in the order its site lists them.
pub async fn treatments(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<TreatmentRead>, sqlx::Error> {
    sqlx::query_as!(
        TreatmentRead,
        r#"SELECT t.id, t.slug, t.name, t.summary, c.name AS category, t.duration_minutes,
                  t.price_minor, cl.currency, t.offers_in_person AS in_person,
                  t.offers_video AS video, t.capacity
           FROM treatments t
           JOIN treatment_categories c ON c.id = t.category_id
           JOIN clinics cl ON cl.id = t.clinic_id
           WHERE t.clinic_id = $1 AND t.active
           ORDER BY c.position, c.name, t.position, t.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await
}

pub struct ProviderRead {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub title: String,
    /// The slugs of the active treatments they perform.
    pub treatments: Vec<String>,
}

pub async fn providers(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<ProviderRead>, sqlx::Error> {
    sqlx::query_as!(
        ProviderRead,
        r#"SELECT p.id, p.slug, p.display_name AS name, p.title,
                  array(SELECT t.slug FROM provider_treatments pt
                        JOIN treatments t ON t.id = pt.treatment_id AND t.active
                        WHERE pt.provider_id = p.id ORDER BY t.position, t.name) AS "treatments!"
           FROM providers p
           WHERE p.clinic_id = $1 AND p.active
           ORDER BY p.position, p.display_name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await
}

pub struct LocationRead {
    pub id: Uuid,
    pub slug: String,
    pub name: String,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub postcode: String,
    pub country: String,
    pub phone: String,
    pub time_zone: String,
}

pub async fn locations(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<LocationRead>, sqlx::Error> {
    sqlx::query_as!(
        LocationRead,
        r#"SELECT l.id, l.slug, l.name, l.address_line1, l.address_line2, l.city, l.postcode,
                  l.country, l.phone, coalesce(l.time_zone, c.time_zone) AS "time_zone!"
           FROM locations l JOIN clinics c ON c.id = l.clinic_id
           WHERE l.clinic_id = $1 AND l.active
           ORDER BY l.position, l.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await
}

pub struct AppointmentRead {
    pub id: Uuid,
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    pub status: String,
    pub mode: String,
    pub treatment: String,
    pub provider_id: Uuid,
    pub location_id: Uuid,
    pub patient_id: Option<Uuid>,
}

/// Where a page starts: after the row with this time (an appointment's start, a payment's
/// making) and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct After {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

/// Appointments starting in `[from, to)`, in start order, after `after`, at most `limit`.
/// Only bookings someone has made: holds (a patient still choosing), and the rows they
/// leave when released or while their checkout is open, have no patient yet and are left
/// out. A group session has no patient of its own and is listed.
pub async fn appointments(
    pool: &PgPool,
    clinic_id: Uuid,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: Option<After>,
    limit: i64,
) -> Result<Vec<AppointmentRead>, sqlx::Error> {
    let within = PgRange {
        start: Bound::Included(from),
        end: Bound::Excluded(to),
    };
    let (after_start, after_id) = after.map(|a| (a.at, a.id)).unzip();
    sqlx::query_as!(
        AppointmentRead,
        r#"SELECT a.id, lower(a.period) AS "start!", upper(a.period) AS "end!",
                  a.status::text AS "status!", a.mode::text AS "mode!", t.slug AS treatment,
                  a.provider_id, a.location_id, a.patient_id
           FROM appointments a JOIN treatments t ON t.id = a.treatment_id
           WHERE a.clinic_id = $1 AND (a.patient_id IS NOT NULL OR a.capacity IS NOT NULL)
             AND lower(a.period) <@ $2::tstzrange
             AND ($3::timestamptz IS NULL OR (lower(a.period), a.id) > ($3, $4::uuid))
           ORDER BY lower(a.period), a.id
           LIMIT $5"#,
        clinic_id,
        within,
        after_start,
        after_id,
        limit
    )
    .fetch_all(pool)
    .await
}

/// One appointment someone has made, as the list gives it.
pub async fn appointment(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<AppointmentRead>, sqlx::Error> {
    sqlx::query_as!(
        AppointmentRead,
        r#"SELECT a.id, lower(a.period) AS "start!", upper(a.period) AS "end!",
                  a.status::text AS "status!", a.mode::text AS "mode!", t.slug AS treatment,
                  a.provider_id, a.location_id, a.patient_id
           FROM appointments a JOIN treatments t ON t.id = a.treatment_id
           WHERE a.clinic_id = $1 AND a.id = $2
             AND (a.patient_id IS NOT NULL OR a.capacity IS NOT NULL)"#,
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await
}

pub struct PatientRead {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub created_at: DateTime<Utc>,
}

pub async fn patient(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<PatientRead>, sqlx::Error> {
    sqlx::query_as!(
        PatientRead,
        "SELECT id, first_name, last_name, email, phone, created_at
         FROM patients WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await
}

/// What decides whether a booking may still change as its patient could change it.
pub struct ChangeRules {
    pub start: DateTime<Utc>,
    pub status: String,
    /// A group session: its patients change their own places.
    pub group: bool,
    /// The treatment's late-cancel window, else the clinic's.
    pub late_cancel_hours: i32,
}

pub async fn change_rules(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<ChangeRules>, sqlx::Error> {
    sqlx::query_as!(
        ChangeRules,
        r#"SELECT lower(a.period) AS "start!", a.status::text AS "status!",
                  a.capacity IS NOT NULL AS "group!",
                  coalesce(t.late_cancel_hours, c.late_cancel_hours) AS "late_cancel_hours!"
           FROM appointments a
           JOIN treatments t ON t.id = a.treatment_id
           JOIN clinics c ON c.id = a.clinic_id
           WHERE a.clinic_id = $1 AND a.id = $2
             AND (a.patient_id IS NOT NULL OR a.capacity IS NOT NULL)"#,
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await
}

pub struct PaymentRead {
    pub id: Uuid,
    pub appointment_id: Uuid,
    pub processor: String,
    pub purpose: String,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub paid_at: Option<DateTime<Utc>>,
    /// What has gone back to the patient so far.
    pub refunded_minor: i64,
}

/// Payments made in `[from, to)`, in the order they were made, after `after`, at most
/// `limit`.
pub async fn payments(
    pool: &PgPool,
    clinic_id: Uuid,
    (from, to): (DateTime<Utc>, DateTime<Utc>),
    after: Option<After>,
    limit: i64,
) -> Result<Vec<PaymentRead>, sqlx::Error> {
    let (after_at, after_id) = after.map(|a| (a.at, a.id)).unzip();
    sqlx::query_as!(
        PaymentRead,
        r#"SELECT p.id, p.appointment_id, p.processor, p.purpose, p.amount_minor, p.currency,
                  p.status, p.created_at, p.paid_at,
                  coalesce((SELECT sum(r.amount_minor) FROM refunds r
                            WHERE r.payment_id = p.id AND r.status = 'succeeded'), 0)::bigint
                      AS "refunded_minor!"
           FROM payments p
           WHERE p.clinic_id = $1 AND p.created_at >= $2 AND p.created_at < $3
             AND ($4::timestamptz IS NULL OR (p.created_at, p.id) > ($4, $5::uuid))
           ORDER BY p.created_at, p.id
           LIMIT $6"#,
        clinic_id,
        from,
        to,
        after_at,
        after_id,
        limit
    )
    .fetch_all(pool)
    .await
}
