//! The clinic's settings: reading them for the form, and saving them with their audit row.

use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::domain::clinic_settings::{Settings, SettingsForm};
use crate::domain::form::FieldProblem;
use crate::error::AppError;
use sqlx::PgPool;
use uuid::Uuid;

pub async fn load(pool: &PgPool, clinic_id: Uuid) -> Result<SettingsForm, AppError> {
    sqlx::query_as!(
        SettingsForm,
        r#"SELECT name, tagline, email, phone, time_zone,
                  late_cancel_hours::text AS "late_cancel_hours!", cancellation_policy
           FROM clinics WHERE id = $1"#,
        clinic_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

pub async fn save(
    pool: &PgPool,
    clinic_id: Uuid,
    me: &Principal,
    settings: &Settings,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    // The database carries the time zone list; every page and email renders through it.
    let known = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = $1) AS "known!""#,
        settings.time_zone
    )
    .fetch_one(&mut *tx)
    .await?;
    if !known {
        return Err(AppError::Rejected(vec![FieldProblem::new(
            "time_zone",
            "That isn't a time zone we know. Use a name such as Europe/London or America/New_York.",
        )]));
    }
    sqlx::query!(
        "UPDATE clinics SET name = $2, tagline = $3, email = $4, phone = $5, time_zone = $6,
                late_cancel_hours = $7, cancellation_policy = $8
         WHERE id = $1",
        clinic_id,
        settings.name,
        settings.tagline,
        settings.email.as_str(),
        settings.phone,
        settings.time_zone,
        settings.late_cancel_hours,
        settings.cancellation_policy
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, me, "update", "clinic_settings", Some(clinic_id)).await?;
    tx.commit().await?;
    Ok(())
}
