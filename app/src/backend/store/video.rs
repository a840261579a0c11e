//! Video visits as the database keeps them: the appointment behind a visit's room, who may
//! be in it, and when its call ran (no recording is ever made).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// A video appointment that has a room: confirmed, or completed (its room stays open until
/// its window closes, for the last words).
#[derive(Debug, Clone)]
pub struct Visit {
    pub id: Uuid,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: String,
    pub treatment_name: String,
    pub provider_name: String,
    /// The provider's own account, when they have one.
    pub provider_user_id: Option<Uuid>,
    /// The patient's account, when they have one.
    pub patient_user_id: Option<Uuid>,
    pub started_at: Option<DateTime<Utc>>,
    pub ended_at: Option<DateTime<Utc>>,
}

/// The visit `id` of this clinic, when it is a video appointment with a room.
pub async fn visit(pool: &PgPool, clinic_id: Uuid, id: Uuid) -> Result<Option<Visit>, sqlx::Error> {
    sqlx::query_as!(
        Visit,
        r#"SELECT a.id, lower(a.period) AS "starts_at!", upper(a.period) AS "ends_at!",
                  a.status::text AS "status!", t.name AS treatment_name,
                  p.display_name AS provider_name, p.user_id AS provider_user_id,
                  pa.user_id AS patient_user_id,
                  a.video_started_at AS started_at, a.video_ended_at AS ended_at
           FROM appointments a
           JOIN treatments t ON t.clinic_id = a.clinic_id AND t.id = a.treatment_id
           JOIN providers p ON p.clinic_id = a.clinic_id AND p.id = a.provider_id
           JOIN patients pa ON pa.clinic_id = a.clinic_id AND pa.id = a.patient_id
           WHERE a.clinic_id = $1 AND a.id = $2 AND a.mode = 'video'
             AND a.status IN ('confirmed', 'completed')"#,
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await
}

/// The visit the booking link whose secret hashes to `link_hash` manages.
pub async fn visit_by_link(
    pool: &PgPool,
    clinic_id: Uuid,
    link_hash: &[u8],
) -> Result<Option<Visit>, sqlx::Error> {
    let id = sqlx::query_scalar!(
        "SELECT id FROM appointments WHERE clinic_id = $1 AND access_token_hash = $2",
        clinic_id,
        link_hash
    )
    .fetch_optional(pool)
    .await?;
    match id {
        Some(id) => visit(pool, clinic_id, id).await,
        None => Ok(None),
    }
}

/// The call is on: its start is kept (the first time), and any end cleared.
pub async fn call_started(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE appointments
         SET video_started_at = COALESCE(video_started_at, $3), video_ended_at = NULL
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id,
        now
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The call is over (both left, or the visit was completed): its end is kept.
pub async fn call_ended(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE appointments SET video_ended_at = $3
         WHERE clinic_id = $1 AND id = $2 AND video_started_at IS NOT NULL",
        clinic_id,
        id,
        now
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Whether the clinic sends every call through its TURN server.
pub async fn relay_only(pool: &PgPool, clinic_id: Uuid) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT video_relay_only FROM clinics WHERE id = $1",
        clinic_id
    )
    .fetch_one(pool)
    .await
}
