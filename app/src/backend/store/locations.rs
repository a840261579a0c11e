//! Locations as staff manage them: address and contact, opening hours, and rooms and
//! devices. Every change is one transaction with its audit row.

use super::{refused_by, ConstraintRule};
use crate::admin::locations::types::{LocationEditor, LocationRow};
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::backend::store::clinic_settings::{known_time_zone, UNKNOWN_TIME_ZONE};
use crate::domain::form::FieldProblem;
use crate::domain::hours::{OpeningRange, WeekForm};
use crate::domain::location::{LocationDraft, LocationForm, RoomDraft, RoomForm};
use crate::error::AppError;
use sqlx::PgPool;
use uuid::Uuid;

#[tracing::instrument(skip(pool))]
pub async fn list(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<LocationRow>, AppError> {
    Ok(sqlx::query_as!(
        LocationRow,
        r#"SELECT l.id, l.name, l.city, l.active,
                  (SELECT count(*) FROM rooms r WHERE r.location_id = l.id AND r.active) AS "rooms!"
           FROM locations l WHERE l.clinic_id = $1
           ORDER BY NOT l.active, l.position, l.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?)
}

/// What the location page needs; for `None`, a blank form. `None` back when `id` is not
/// this clinic's location.
#[tracing::instrument(skip(pool))]
pub async fn editor(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Option<Uuid>,
) -> Result<Option<LocationEditor>, AppError> {
    let clinic_time_zone =
        sqlx::query_scalar!("SELECT time_zone FROM clinics WHERE id = $1", clinic_id)
            .fetch_one(pool)
            .await?;
    let Some(id) = id else {
        return Ok(Some(LocationEditor {
            form: LocationForm::blank(),
            hours: WeekForm::default(),
            rooms: Vec::new(),
            clinic_time_zone,
        }));
    };
    let Some(l) = sqlx::query!(
        "SELECT id, name, slug, address_line1, address_line2, city, postcode, country, phone,
                time_zone, active
         FROM locations WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let slug = super::stored_slug(&l.slug, "location", id)?;
    let form = LocationForm::from_draft(&LocationDraft {
        id: Some(l.id),
        name: l.name,
        slug,
        address_line1: l.address_line1,
        address_line2: l.address_line2,
        city: l.city,
        postcode: l.postcode,
        country: l.country,
        phone: l.phone,
        time_zone: l.time_zone,
        active: l.active,
    });
    let hours = sqlx::query!(
        "SELECT weekday, opens, closes FROM opening_hours WHERE clinic_id = $1 AND location_id = $2",
        clinic_id,
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|h| OpeningRange {
        weekday: h.weekday as u8,
        opens: h.opens,
        closes: h.closes,
    })
    .collect::<Vec<_>>();
    let rooms = sqlx::query_as!(
        RoomForm,
        r#"SELECT id::text AS "id!", name, kind, active FROM rooms
           WHERE clinic_id = $1 AND location_id = $2 ORDER BY NOT active, name"#,
        clinic_id,
        id
    )
    .fetch_all(pool)
    .await?;
    Ok(Some(LocationEditor {
        form,
        hours: WeekForm::from_ranges(&hours),
        rooms,
        clinic_time_zone,
    }))
}

const RULES: &[ConstraintRule] = &[
    (
        "locations_clinic_id_slug_key",
        "slug",
        "Another location already uses this web address. Choose a different one.",
    ),
    (
        "rooms_location_id_name_key",
        "name",
        "This location already has a room or device with that name.",
    ),
];

fn mapped(error: sqlx::Error) -> AppError {
    refused_by(error, RULES)
}

/// Creates or updates a location. Returns its id.
#[tracing::instrument(skip_all, fields(location_id = ?draft.id))]
pub async fn save(
    pool: &PgPool,
    clinic_id: Uuid,
    draft: &LocationDraft,
    actor: &Principal,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    if let Some(zone) = &draft.time_zone {
        if !known_time_zone(&mut tx, zone).await? {
            return Err(AppError::Rejected(vec![FieldProblem::new(
                "time_zone",
                UNKNOWN_TIME_ZONE,
            )]));
        }
    }
    let id = match draft.id {
        Some(id) => sqlx::query_scalar!(
            "UPDATE locations SET name = $3, slug = $4, address_line1 = $5, address_line2 = $6,
                    city = $7, postcode = $8, country = $9, phone = $10, time_zone = $11,
                    active = $12
             WHERE clinic_id = $1 AND id = $2 RETURNING id",
            clinic_id,
            id,
            draft.name,
            draft.slug.as_str(),
            draft.address_line1,
            draft.address_line2,
            draft.city,
            draft.postcode,
            draft.country,
            draft.phone,
            draft.time_zone,
            draft.active
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(mapped)?
        .ok_or(AppError::NotFound)?,
        None => sqlx::query_scalar!(
            "INSERT INTO locations (clinic_id, name, slug, address_line1, address_line2, city,
                    postcode, country, phone, time_zone, active, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
                     (SELECT coalesce(max(position), 0) + 1 FROM locations WHERE clinic_id = $1))
             RETURNING id",
            clinic_id,
            draft.name,
            draft.slug.as_str(),
            draft.address_line1,
            draft.address_line2,
            draft.city,
            draft.postcode,
            draft.country,
            draft.phone,
            draft.time_zone,
            draft.active
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(mapped)?,
    };
    audit::append_for_request(
        &mut tx,
        actor,
        super::save_action(draft.id),
        "location",
        Some(id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces a location's opening hours.
#[tracing::instrument(skip(pool, ranges, actor))]
pub async fn save_hours(
    pool: &PgPool,
    clinic_id: Uuid,
    location_id: Uuid,
    ranges: &[OpeningRange],
    actor: &Principal,
) -> Result<(), AppError> {
    let mut tx = pool.begin().await?;
    let known = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM locations WHERE clinic_id = $1 AND id = $2) AS "known!""#,
        clinic_id,
        location_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !known {
        return Err(AppError::NotFound);
    }
    sqlx::query!(
        "DELETE FROM opening_hours WHERE clinic_id = $1 AND location_id = $2",
        clinic_id,
        location_id
    )
    .execute(&mut *tx)
    .await?;
    let weekdays: Vec<i16> = ranges.iter().map(|r| i16::from(r.weekday)).collect();
    let opens: Vec<_> = ranges.iter().map(|r| r.opens).collect();
    let closes: Vec<_> = ranges.iter().map(|r| r.closes).collect();
    sqlx::query!(
        "INSERT INTO opening_hours (clinic_id, location_id, weekday, opens, closes)
         SELECT $1, $2, weekday, opens, closes
         FROM unnest($3::smallint[], $4::time[], $5::time[]) AS r(weekday, opens, closes)",
        clinic_id,
        location_id,
        &weekdays,
        &opens,
        &closes
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, actor, "update", "opening_hours", Some(location_id)).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a room or device to a location, or renames, re-kinds or (de)activates one.
#[tracing::instrument(skip_all, fields(room_id = ?draft.id))]
pub async fn save_room(
    pool: &PgPool,
    clinic_id: Uuid,
    location_id: Uuid,
    draft: &RoomDraft,
    actor: &Principal,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let id = match draft.id {
        Some(id) => sqlx::query_scalar!(
            "UPDATE rooms SET name = $4, kind = $5, active = $6
             WHERE clinic_id = $1 AND location_id = $2 AND id = $3 RETURNING id",
            clinic_id,
            location_id,
            id,
            draft.name,
            draft.kind.as_str(),
            draft.active
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(mapped)?,
        None => sqlx::query_scalar!(
            "INSERT INTO rooms (clinic_id, location_id, name, kind, active)
             SELECT $1, id, $3, $4, $5 FROM locations WHERE clinic_id = $1 AND id = $2
             RETURNING id",
            clinic_id,
            location_id,
            draft.name,
            draft.kind.as_str(),
            draft.active
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(mapped)?,
    }
    .ok_or(AppError::NotFound)?;
    audit::append_for_request(
        &mut tx,
        actor,
        super::save_action(draft.id),
        "room",
        Some(id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
