//! Providers as staff manage them: profile and treatments, weekly hours per location and
//! time off. Every change is one transaction with its audit row.

use super::{refused_by, ConstraintRule};
use crate::admin::providers::types::{LocationWeek, ProviderEditor, ProviderRow, TimeOffRow};
use crate::admin::types::Choice;
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::backend::integrations::media::{Media, Prepared};
use crate::domain::form::FieldProblem;
use crate::domain::hours::{OpeningRange, WeekForm, WEEK_DAYS};
use crate::domain::provider::{ProviderDraft, ProviderForm, TimeOff};
use crate::error::AppError;
use crate::gallery::types::media_url;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

#[tracing::instrument(skip(pool))]
pub async fn list(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<ProviderRow>, AppError> {
    Ok(sqlx::query_as!(
        ProviderRow,
        r#"SELECT p.id, p.display_name, p.title, p.active,
                  (SELECT count(*) FROM provider_treatments pt
                   WHERE pt.provider_id = p.id) AS "treatments!",
                  (SELECT coalesce(sum(extract(epoch FROM s.ends - s.starts))::bigint / 60, 0)
                   FROM provider_schedules s WHERE s.provider_id = p.id) AS "weekly_minutes!"
           FROM providers p
           WHERE p.clinic_id = $1
           ORDER BY NOT p.active, p.position, p.display_name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?)
}

/// What the provider editor needs; for `None`, a blank profile. `None` back when `id` is
/// not this clinic's provider.
#[tracing::instrument(skip(pool))]
pub async fn editor(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Option<Uuid>,
    now: DateTime<Utc>,
) -> Result<Option<ProviderEditor>, AppError> {
    let form = match id {
        None => ProviderForm::blank(),
        Some(id) => match draft(pool, clinic_id, id).await? {
            Some(draft) => ProviderForm::from_draft(&draft),
            None => return Ok(None),
        },
    };
    let treatments = sqlx::query_as!(
        Choice,
        r#"SELECT t.id::text AS "id!",
                  t.name || CASE WHEN t.active THEN '' ELSE ' (inactive)' END AS "label!"
           FROM treatments t JOIN treatment_categories c ON c.id = t.category_id
           WHERE t.clinic_id = $1 ORDER BY c.position, t.position, t.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let time_zone = sqlx::query_scalar!("SELECT time_zone FROM clinics WHERE id = $1", clinic_id)
        .fetch_one(pool)
        .await?;
    let Some(id) = id else {
        return Ok(Some(ProviderEditor {
            form,
            treatments,
            weeks: Vec::new(),
            time_off: Vec::new(),
            upcoming_appointments: 0,
            time_zone,
            photo: None,
        }));
    };
    let locations = sqlx::query!(
        "SELECT id, name FROM locations WHERE clinic_id = $1 ORDER BY NOT active, position, name",
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let hours = sqlx::query!(
        "SELECT location_id, weekday, starts, ends FROM provider_schedules
         WHERE clinic_id = $1 AND provider_id = $2",
        clinic_id,
        id
    )
    .fetch_all(pool)
    .await?;
    let weeks = locations
        .into_iter()
        .map(|location| {
            let ranges: Vec<OpeningRange> = hours
                .iter()
                .filter(|h| h.location_id == location.id)
                .map(|h| OpeningRange {
                    weekday: h.weekday as u8,
                    opens: h.starts,
                    closes: h.ends,
                })
                .collect();
            LocationWeek {
                location_id: location.id.to_string(),
                location: location.name,
                week: WeekForm::from_ranges(&ranges),
            }
        })
        .collect();
    // Past time off is history: only what has not ended yet is listed.
    let time_off = sqlx::query_as!(
        TimeOffRow,
        r#"SELECT o.id,
                  to_char(lower(o.period) AT TIME ZONE c.time_zone, 'Dy DD Mon YYYY, HH24:MI') AS "starts!",
                  to_char(upper(o.period) AT TIME ZONE c.time_zone, 'Dy DD Mon YYYY, HH24:MI') AS "ends!",
                  o.reason
           FROM time_off o JOIN clinics c ON c.id = o.clinic_id
           WHERE o.clinic_id = $1 AND o.provider_id = $2 AND upper(o.period) > $3
           ORDER BY lower(o.period)"#,
        clinic_id,
        id,
        now
    )
    .fetch_all(pool)
    .await?;
    let upcoming_appointments = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM appointments
           WHERE clinic_id = $1 AND provider_id = $2 AND lower(period) > $3
             AND status IN ('pending_payment', 'confirmed')"#,
        clinic_id,
        id,
        now
    )
    .fetch_one(pool)
    .await?;
    let photo = sqlx::query!(
        "SELECT m.content_hash, m.content_type FROM providers p
         JOIN media_assets m ON m.id = p.photo_asset_id
         WHERE p.clinic_id = $1 AND p.id = $2",
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await?
    .map(|m| media_url(&m.content_hash, &m.content_type));
    Ok(Some(ProviderEditor {
        form,
        treatments,
        weeks,
        time_off,
        upcoming_appointments,
        time_zone,
        photo,
    }))
}

async fn draft(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<ProviderDraft>, AppError> {
    let Some(p) = sqlx::query!(
        "SELECT id, display_name, title, slug, bio, active FROM providers
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let treatment_ids = sqlx::query_scalar!(
        "SELECT treatment_id FROM provider_treatments WHERE clinic_id = $1 AND provider_id = $2",
        clinic_id,
        id
    )
    .fetch_all(pool)
    .await?;
    let slug = super::stored_slug(&p.slug, "provider", id)?;
    Ok(Some(ProviderDraft {
        id: Some(p.id),
        display_name: p.display_name,
        title: p.title,
        slug,
        bio: p.bio,
        active: p.active,
        treatment_ids,
    }))
}

const RULES: &[ConstraintRule] = &[
    (
        "providers_clinic_id_slug_key",
        "slug",
        "Another provider already uses this web address. Choose a different one.",
    ),
    (
        "provider_treatments_clinic_id_treatment_id_fkey",
        "treatment_ids",
        "One of the chosen treatments is not part of this clinic. Reload the page and choose again.",
    ),
];

fn mapped(error: sqlx::Error) -> AppError {
    refused_by(error, RULES)
}

/// Creates or updates a provider's profile and replaces the treatments they perform.
#[tracing::instrument(skip_all, fields(provider_id = ?draft.id))]
pub async fn save(
    pool: &PgPool,
    clinic_id: Uuid,
    draft: &ProviderDraft,
    actor: &Principal,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let id = match draft.id {
        Some(id) => sqlx::query_scalar!(
            "UPDATE providers SET display_name = $3, title = $4, slug = $5, bio = $6, active = $7
             WHERE clinic_id = $1 AND id = $2 RETURNING id",
            clinic_id,
            id,
            draft.display_name,
            draft.title,
            draft.slug.as_str(),
            draft.bio,
            draft.active
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(mapped)?
        .ok_or(AppError::NotFound)?,
        None => sqlx::query_scalar!(
            "INSERT INTO providers (clinic_id, display_name, title, slug, bio, active, position)
             VALUES ($1, $2, $3, $4, $5, $6,
                     (SELECT coalesce(max(position), 0) + 1 FROM providers WHERE clinic_id = $1))
             RETURNING id",
            clinic_id,
            draft.display_name,
            draft.title,
            draft.slug.as_str(),
            draft.bio,
            draft.active
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(mapped)?,
    };
    sqlx::query!(
        "DELETE FROM provider_treatments WHERE clinic_id = $1 AND provider_id = $2",
        clinic_id,
        id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO provider_treatments (clinic_id, provider_id, treatment_id)
         SELECT $1, $2, treatment_id FROM unnest($3::uuid[]) AS treatment_id",
        clinic_id,
        id,
        &draft.treatment_ids
    )
    .execute(&mut *tx)
    .await
    .map_err(mapped)?;
    audit::append_for_request(
        &mut tx,
        actor,
        super::save_action(draft.id),
        "provider",
        Some(id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces the provider's weekly hours at one location. Hours that overlap their hours at
/// another location on the same day are refused: nobody works in two places at once.
#[tracing::instrument(skip(pool, ranges, actor))]
pub async fn save_week(
    pool: &PgPool,
    clinic_id: Uuid,
    provider_id: Uuid,
    location_id: Uuid,
    ranges: &[OpeningRange],
    actor: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let known = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM providers WHERE clinic_id = $1 AND id = $2)
              AND EXISTS (SELECT 1 FROM locations WHERE clinic_id = $1 AND id = $3) AS "known!""#,
        clinic_id,
        provider_id,
        location_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !known {
        return Err(AppError::NotFound);
    }
    sqlx::query!(
        "DELETE FROM provider_schedules
         WHERE clinic_id = $1 AND provider_id = $2 AND location_id = $3",
        clinic_id,
        provider_id,
        location_id
    )
    .execute(&mut *tx)
    .await?;
    let weekdays: Vec<i16> = ranges.iter().map(|r| i16::from(r.weekday)).collect();
    let starts: Vec<_> = ranges.iter().map(|r| r.opens).collect();
    let ends: Vec<_> = ranges.iter().map(|r| r.closes).collect();
    sqlx::query!(
        "INSERT INTO provider_schedules (clinic_id, provider_id, location_id, weekday, starts, ends)
         SELECT $1, $2, $3, weekday, starts, ends
         FROM unnest($4::smallint[], $5::time[], $6::time[]) AS r(weekday, starts, ends)",
        clinic_id,
        provider_id,
        location_id,
        &weekdays,
        &starts,
        &ends
    )
    .execute(&mut *tx)
    .await?;
    let clash = sqlx::query!(
        "SELECT a.weekday, l.name AS location
         FROM provider_schedules a
         JOIN provider_schedules b ON b.provider_id = a.provider_id AND b.weekday = a.weekday
              AND b.location_id <> a.location_id AND a.starts < b.ends AND b.starts < a.ends
         JOIN locations l ON l.id = b.location_id
         WHERE a.clinic_id = $1 AND a.provider_id = $2 AND a.location_id = $3
         ORDER BY a.weekday LIMIT 1",
        clinic_id,
        provider_id,
        location_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(clash) = clash {
        let (field, day) = WEEK_DAYS[(clash.weekday - 1) as usize];
        return Err(AppError::Rejected(vec![FieldProblem::new(
            field,
            format!(
                "These hours overlap their {day} hours at {}. Change one of them.",
                clash.location
            ),
        )]));
    }
    audit::append_for_request(
        &mut tx,
        actor,
        "update",
        "provider_schedule",
        Some(provider_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Records time off in the clinic's local time. Returns how many booked appointments fall
/// inside it, so staff know to move them; the booking pages offer no new ones there.
#[tracing::instrument(skip(pool, time_off, actor))]
pub async fn add_time_off(
    pool: &PgPool,
    clinic_id: Uuid,
    provider_id: Uuid,
    time_off: &TimeOff,
    actor: &Principal,
) -> Result<i64, AppError> {
    let mut tx = pool.begin().await?;
    // AT TIME ZONE places the wall-clock times in the clinic's zone, daylight saving
    // included, the same way every page reads them back.
    let inserted = sqlx::query!(
        r#"INSERT INTO time_off (clinic_id, provider_id, period, reason)
           SELECT c.id, p.id,
                  tstzrange($3::timestamp AT TIME ZONE c.time_zone,
                            $4::timestamp AT TIME ZONE c.time_zone),
                  $5
           FROM clinics c JOIN providers p ON p.clinic_id = c.id AND p.id = $2
           WHERE c.id = $1
           RETURNING id, period AS "period!: sqlx::postgres::types::PgRange<DateTime<Utc>>""#,
        clinic_id,
        provider_id,
        time_off.starts,
        time_off.ends,
        time_off.reason
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let affected = sqlx::query_scalar!(
        r#"SELECT count(*) AS "count!" FROM appointments
           WHERE clinic_id = $1 AND provider_id = $2 AND period && $3
             AND status IN ('held', 'pending_payment', 'confirmed')"#,
        clinic_id,
        provider_id,
        inserted.period
    )
    .fetch_one(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, actor, "create", "time_off", Some(inserted.id)).await?;
    tx.commit().await?;
    Ok(affected)
}

#[tracing::instrument(skip(pool, actor))]
pub async fn remove_time_off(
    pool: &PgPool,
    clinic_id: Uuid,
    provider_id: Uuid,
    time_off_id: Uuid,
    actor: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let removed = sqlx::query!(
        "DELETE FROM time_off WHERE clinic_id = $1 AND provider_id = $2 AND id = $3",
        clinic_id,
        provider_id,
        time_off_id
    )
    .execute(&mut *tx)
    .await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::append_for_request(&mut tx, actor, "delete", "time_off", Some(time_off_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Gives the provider a new portrait (already checked and re-encoded). The same picture
/// uploaded twice is stored once.
#[tracing::instrument(skip(pool, media, photo, actor), fields(bytes = photo.data.len()))]
pub async fn set_photo(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    provider_id: Uuid,
    photo: &Prepared,
    actor: &Principal,
) -> Result<(), AppError> {
    // The file first: a file no row names is never served; a row without its file would
    // be a broken picture.
    media.publish_local(photo).await.map_err(|error| {
        tracing::error!(%error, "storing a portrait failed");
        AppError::Unavailable
    })?;
    let mut tx = pool.begin().await?;
    let asset_id = sqlx::query_scalar!(
        r#"INSERT INTO media_assets (clinic_id, content_hash, content_type, width, height, byte_size)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (content_hash) DO UPDATE SET content_hash = EXCLUDED.content_hash
           RETURNING id"#,
        clinic_id,
        photo.content_hash,
        photo.content_type,
        photo.width as i32,
        photo.height as i32,
        photo.data.len() as i32
    )
    .fetch_one(&mut *tx)
    .await?;
    let updated = sqlx::query!(
        "UPDATE providers SET photo_asset_id = $3 WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        provider_id,
        asset_id
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::append_for_request(
        &mut tx,
        actor,
        "update",
        "provider_photo",
        Some(provider_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[tracing::instrument(skip(pool, actor))]
pub async fn remove_photo(
    pool: &PgPool,
    clinic_id: Uuid,
    provider_id: Uuid,
    actor: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let updated = sqlx::query!(
        "UPDATE providers SET photo_asset_id = NULL WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        provider_id
    )
    .execute(&mut *tx)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    audit::append_for_request(
        &mut tx,
        actor,
        "delete",
        "provider_photo",
        Some(provider_id),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
