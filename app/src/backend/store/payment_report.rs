//! The clinic's payments for the staff payments screen: each payment in a range of days
//! (when it was taken, or tried), and the money taken and returned on each day. Sums are
//! made in SQL; only the screen's rows are loaded.

use crate::domain::payment_report::PaymentsQuery;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// A payment as the screen lists it.
pub struct Row {
    pub id: Uuid,
    pub appointment_id: Uuid,
    /// When it was taken, or (not taken) when it was tried.
    pub at: DateTime<Utc>,
    pub amount_minor: i64,
    /// Refunds made or on their way.
    pub refunded_minor: i64,
    pub status: String,
    pub processor: String,
    pub purpose: String,
    pub payment_intent_id: Option<String>,
    pub patient: Option<String>,
    pub treatment: String,
    pub provider: String,
}

/// At most this many payments are listed at once; the day totals count them all.
pub const ROWS: i64 = 500;

/// The payments the query asks for, newest first.
pub async fn rows(
    pool: &PgPool,
    clinic_id: Uuid,
    query: &PaymentsQuery,
) -> Result<Vec<Row>, sqlx::Error> {
    sqlx::query_as!(
        Row,
        r#"SELECT p.id, p.appointment_id, coalesce(p.paid_at, p.created_at) AS "at!",
                  p.amount_minor,
                  (SELECT coalesce(sum(r.amount_minor), 0) FROM refunds r
                   WHERE r.payment_id = p.id AND r.status <> 'failed')::bigint AS "refunded_minor!",
                  p.status, p.processor, p.purpose, p.payment_intent_id,
                  pa.first_name || ' ' || pa.last_name AS patient,
                  t.name AS treatment, pr.display_name AS provider
           FROM payments p
           JOIN appointments a ON a.id = p.appointment_id
           JOIN treatments t ON t.id = a.treatment_id
           JOIN providers pr ON pr.id = a.provider_id
           LEFT JOIN patients pa ON pa.id = a.patient_id
           WHERE p.clinic_id = $1
             AND coalesce(p.paid_at, p.created_at) >= $2
             AND coalesce(p.paid_at, p.created_at) < $3
             AND ($4::text IS NULL OR p.status = $4)
             AND ($5::text IS NULL OR p.processor = $5)
             AND ($6::uuid IS NULL OR a.provider_id = $6)
             AND ($7::uuid IS NULL OR a.treatment_id = $7)
           ORDER BY coalesce(p.paid_at, p.created_at) DESC, p.id
           LIMIT $8"#,
        clinic_id,
        query.starts,
        query.ends,
        query.status,
        query.method,
        query.provider,
        query.treatment,
        ROWS
    )
    .fetch_all(pool)
    .await
}

/// The money of one day, in the clinic's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day {
    pub day: NaiveDate,
    pub taken_minor: i64,
    pub refunded_minor: i64,
}

/// Money taken and returned on each day of the query's range that saw any, oldest first,
/// by the method, provider and treatment asked for (every state: a day's money is what was
/// paid).
pub async fn days(
    pool: &PgPool,
    clinic_id: Uuid,
    query: &PaymentsQuery,
    time_zone: &str,
) -> Result<Vec<Day>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"WITH taken AS (
               SELECT (p.paid_at AT TIME ZONE $7)::date AS day, sum(p.amount_minor) AS amount
               FROM payments p JOIN appointments a ON a.id = p.appointment_id
               WHERE p.clinic_id = $1 AND p.status = 'paid'
                 AND p.paid_at >= $2 AND p.paid_at < $3
                 AND ($4::text IS NULL OR p.processor = $4)
                 AND ($5::uuid IS NULL OR a.provider_id = $5)
                 AND ($6::uuid IS NULL OR a.treatment_id = $6)
               GROUP BY 1
           ), returned AS (
               SELECT (r.created_at AT TIME ZONE $7)::date AS day, sum(r.amount_minor) AS amount
               FROM refunds r
               JOIN payments p ON p.id = r.payment_id
               JOIN appointments a ON a.id = p.appointment_id
               WHERE r.clinic_id = $1 AND r.status <> 'failed'
                 AND r.created_at >= $2 AND r.created_at < $3
                 AND ($4::text IS NULL OR p.processor = $4)
                 AND ($5::uuid IS NULL OR a.provider_id = $5)
                 AND ($6::uuid IS NULL OR a.treatment_id = $6)
               GROUP BY 1
           )
           SELECT coalesce(t.day, r.day) AS "day!",
                  coalesce(t.amount, 0)::bigint AS "taken!",
                  coalesce(r.amount, 0)::bigint AS "returned!"
           FROM taken t FULL JOIN returned r ON r.day = t.day
           ORDER BY 1"#,
        clinic_id,
        query.starts,
        query.ends,
        query.method,
        query.provider,
        query.treatment,
        time_zone
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Day {
            day: r.day,
            taken_minor: r.taken,
            refunded_minor: r.returned,
        })
        .collect())
}

/// The clinic's treatments, to filter by (inactive ones too: their payments remain).
pub async fn treatments(
    pool: &PgPool,
    clinic_id: Uuid,
) -> Result<Vec<(Uuid, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT id, name FROM treatments WHERE clinic_id = $1 ORDER BY name",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}
