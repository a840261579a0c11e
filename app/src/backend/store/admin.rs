//! The numbers and lists the staff dashboard shows.

use crate::admin::types::{DashboardAppointment, DashboardData};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Today (in the clinic's time zone) at a glance.
pub async fn dashboard(
    pool: &PgPool,
    clinic_id: Uuid,
    now: DateTime<Utc>,
) -> Result<DashboardData, AppError> {
    let today = sqlx::query_as!(
        DashboardAppointment,
        r#"SELECT to_char(lower(a.period) AT TIME ZONE c.time_zone, 'HH24:MI') AS "time!",
                  pa.first_name || ' ' || pa.last_name AS "patient!",
                  t.name AS treatment, p.display_name AS provider, l.name AS location,
                  a.status::text AS "status!"
           FROM appointments a
           JOIN clinics c ON c.id = a.clinic_id
           JOIN patients pa ON pa.id = a.patient_id
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers p ON p.id = a.provider_id
           JOIN locations l ON l.id = a.location_id
           WHERE a.clinic_id = $1
             AND (lower(a.period) AT TIME ZONE c.time_zone)::date = ($2::timestamptz AT TIME ZONE c.time_zone)::date
           ORDER BY lower(a.period), p.display_name"#,
        clinic_id,
        now
    )
    .fetch_all(pool)
    .await?;

    let counts = sqlx::query!(
        r#"SELECT
             to_char($2::timestamptz AT TIME ZONE c.time_zone, 'FMDay DD FMMonth YYYY') AS "date_label!",
             (SELECT count(*) FROM appointments a WHERE a.clinic_id = $1 AND a.status = 'confirmed'
                AND lower(a.period) >= $2 AND lower(a.period) < $2 + interval '7 days') AS "next_seven_days!",
             (SELECT count(*) FROM patients pa WHERE pa.clinic_id = $1) AS "patients!",
             (SELECT count(*) FROM treatments t WHERE t.clinic_id = $1 AND t.active) AS "active_treatments!"
           FROM clinics c WHERE c.id = $1"#,
        clinic_id,
        now
    )
    .fetch_one(pool)
    .await?;

    Ok(DashboardData {
        date_label: counts.date_label,
        today,
        next_seven_days: counts.next_seven_days,
        patients: counts.patients,
        active_treatments: counts.active_treatments,
    })
}
