//! Closed days as the clinic keeps them: read by every calendar before it offers a time,
//! and edited on the closed-days screen. Each change is one transaction with its audit row.

use super::{refused_by, ConstraintRule};
use crate::admin::closures::types::{BookingOnClosedDay, ClosureRow};
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::domain::closures::{ClosedDays, Closure};
use crate::domain::public_holidays::Holiday;
use crate::error::AppError;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use chrono_tz::Tz;
use sqlx::PgPool;
use uuid::Uuid;

const RULES: &[ConstraintRule] = &[
    (
        "closures_once",
        "first_day",
        "These days are already closed there.",
    ),
    (
        "closures_clinic_id_location_id_fkey",
        "location_id",
        "Choose one of the clinic's locations.",
    ),
];

/// The holiday form names its location field apart from the closure form's.
const HOLIDAY_RULES: &[ConstraintRule] = &[(
    "closures_clinic_id_location_id_fkey",
    "holiday_location",
    "Choose one of the clinic's locations.",
)];

/// The closures that touch `between`, a day wider on each side: local dates are read in
/// each location's own zone, which may be a day away from UTC's.
pub async fn around(
    pool: &PgPool,
    clinic_id: Uuid,
    between: (DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<ClosedDays>, sqlx::Error> {
    let first = between.0.date_naive() - Duration::days(1);
    let last = between.1.date_naive() + Duration::days(1);
    sqlx::query_as!(
        ClosedDays,
        "SELECT location_id, first_day, last_day FROM closures
         WHERE clinic_id = $1 AND last_day >= $2 AND first_day <= $3",
        clinic_id,
        first,
        last
    )
    .fetch_all(pool)
    .await
}

/// Closures that end today or later, each with the bookings still standing on it.
#[tracing::instrument(skip(pool))]
pub async fn upcoming(
    pool: &PgPool,
    clinic_id: Uuid,
    today: NaiveDate,
) -> Result<Vec<ClosureRow>, AppError> {
    let closures = sqlx::query!(
        r#"SELECT c.id, c.first_day, c.last_day, l.name AS "location?", c.reason
           FROM closures c LEFT JOIN locations l ON l.id = c.location_id
           WHERE c.clinic_id = $1 AND c.last_day >= $2
           ORDER BY c.first_day, l.name NULLS FIRST"#,
        clinic_id,
        today
    )
    .fetch_all(pool)
    .await?;
    let standing = bookings_on(pool, clinic_id, today).await?;
    Ok(closures
        .into_iter()
        .map(|c| ClosureRow {
            bookings: standing
                .iter()
                .filter(|(closure, _)| *closure == c.id)
                .map(|(_, booking)| booking.clone())
                .collect(),
            id: c.id,
            first_day: c.first_day.to_string(),
            days: days_label(c.first_day, c.last_day),
            location: c.location,
            reason: c.reason,
        })
        .collect())
}

/// "Fri 25 Dec 2026", or "Thu 24 Dec – Sat 26 Dec 2026" for several days.
fn days_label(first: NaiveDate, last: NaiveDate) -> String {
    let day = |d: NaiveDate| d.format("%a %-d %b %Y").to_string();
    if first == last {
        day(first)
    } else {
        format!("{} – {}", day(first), day(last))
    }
}

/// Confirmed bookings (and group sessions) on the closed days of closures ending today or
/// later, read in each appointment's location's zone: (closure, booking).
async fn bookings_on(
    pool: &PgPool,
    clinic_id: Uuid,
    today: NaiveDate,
) -> Result<Vec<(Uuid, BookingOnClosedDay)>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT c.id AS closure_id, a.id, lower(a.period) AS "starts!",
                  coalesce(l.time_zone, k.time_zone) AS "time_zone!",
                  t.name AS treatment, p.display_name AS provider,
                  coalesce(pa.first_name || ' ' || pa.last_name, '') AS "patient!"
           FROM closures c
           JOIN appointments a ON a.clinic_id = c.clinic_id
                AND (c.location_id IS NULL OR a.location_id = c.location_id)
           JOIN locations l ON l.id = a.location_id
           JOIN clinics k ON k.id = a.clinic_id
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           LEFT JOIN patients pa ON pa.id = a.patient_id
           WHERE c.clinic_id = $1 AND c.last_day >= $2
             AND a.status IN ('pending_payment', 'confirmed')
             AND (lower(a.period) AT TIME ZONE coalesce(l.time_zone, k.time_zone))::date
                 <= c.last_day
             AND ((upper(a.period) - interval '1 second')
                  AT TIME ZONE coalesce(l.time_zone, k.time_zone))::date >= c.first_day
           ORDER BY lower(a.period), a.id"#,
        clinic_id,
        today
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let zone: Tz = row.time_zone.parse().unwrap_or(Tz::UTC);
            let when = row
                .starts
                .with_timezone(&zone)
                .format("%a %-d %b %Y, %H:%M")
                .to_string();
            let booking = BookingOnClosedDay {
                appointment_id: row.id,
                when,
                treatment: row.treatment,
                provider: row.provider,
                patient: row.patient,
            };
            (row.closure_id, booking)
        })
        .collect())
}

#[tracing::instrument(skip(pool, closure, actor))]
pub async fn add(
    pool: &PgPool,
    clinic_id: Uuid,
    closure: &Closure,
    actor: &Principal,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO closures (clinic_id, location_id, first_day, last_day, reason)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
        clinic_id,
        closure.days.location_id,
        closure.days.first_day,
        closure.days.last_day,
        closure.reason
    )
    .fetch_one(&mut *tx)
    .await
    .map_err(|error| refused_by(error, RULES))?;
    audit::append_for_request(&mut tx, actor, "create", "closure", Some(id)).await?;
    tx.commit().await?;
    Ok(id)
}

/// Closes the clinic (or one location) on each of `holidays`; days already closed stay
/// as they are. How many were added.
#[tracing::instrument(skip(pool, holidays, actor), fields(holidays = holidays.len()))]
pub async fn add_holidays(
    pool: &PgPool,
    clinic_id: Uuid,
    location_id: Option<Uuid>,
    holidays: &[Holiday],
    actor: &Principal,
) -> Result<u64, AppError> {
    let days: Vec<NaiveDate> = holidays.iter().map(|h| h.day).collect();
    let names: Vec<String> = holidays.iter().map(|h| h.name.clone()).collect();
    let mut tx = pool.begin().await?;
    let added = sqlx::query!(
        "INSERT INTO closures (clinic_id, location_id, first_day, last_day, reason)
         SELECT $1, $2, day, day, name FROM unnest($3::date[], $4::text[]) AS h(day, name)
         ON CONFLICT DO NOTHING",
        clinic_id,
        location_id,
        &days,
        &names
    )
    .execute(&mut *tx)
    .await
    .map_err(|error| refused_by(error, HOLIDAY_RULES))?
    .rows_affected();
    audit::append_for_request(&mut tx, actor, "create", "closure", None).await?;
    tx.commit().await?;
    Ok(added)
}

/// Opens the days of closure `id` again.
#[tracing::instrument(skip(pool, actor))]
pub async fn remove(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    actor: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let removed = sqlx::query!(
        "DELETE FROM closures WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound);
    }
    audit::append_for_request(&mut tx, actor, "delete", "closure", Some(id)).await?;
    tx.commit().await?;
    Ok(())
}

/// The bookings standing on closure `id`'s days, for cancelling them together.
pub async fn bookings_on_closure(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    today: NaiveDate,
) -> Result<Vec<Uuid>, AppError> {
    Ok(bookings_on(pool, clinic_id, today)
        .await?
        .into_iter()
        .filter(|(closure, _)| *closure == id)
        .map(|(_, booking)| booking.appointment_id)
        .collect())
}
