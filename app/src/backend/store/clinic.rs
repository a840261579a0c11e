//! The clinic itself: name, contact, locations and their opening hours.

use crate::catalog::types::{ClinicInfo, LocationInfo};
use crate::domain::hours::{summarise, OpeningRange};
use crate::domain::money::Currency;
use crate::error::AppError;
use sqlx::PgPool;
use uuid::Uuid;

/// The clinic's name, as messages and authenticator apps show it.
pub async fn name<'e>(
    db: impl sqlx::PgExecutor<'e>,
    clinic_id: Uuid,
) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("SELECT name FROM clinics WHERE id = $1", clinic_id)
        .fetch_one(db)
        .await
}

/// The currency the clinic's prices are in.
pub async fn currency<'e>(
    db: impl sqlx::PgExecutor<'e>,
    clinic_id: Uuid,
) -> Result<Currency, AppError> {
    let code = sqlx::query_scalar!("SELECT currency FROM clinics WHERE id = $1", clinic_id)
        .fetch_one(db)
        .await?;
    stored_currency(&code)
}

/// A currency code read from the database, whose check admits only valid codes.
pub fn stored_currency(code: &str) -> Result<Currency, AppError> {
    Currency::parse(code).map_err(|error| {
        tracing::error!(%error, "clinic has an invalid currency");
        AppError::Unavailable
    })
}

/// Who the clinic's messages are from: its name, and its own address for replies.
pub struct Sender {
    pub name: String,
    pub email: String,
}

pub async fn sender(pool: &PgPool, clinic_id: Uuid) -> Result<Sender, sqlx::Error> {
    sqlx::query_as!(
        Sender,
        "SELECT name, email FROM clinics WHERE id = $1",
        clinic_id
    )
    .fetch_one(pool)
    .await
}

#[tracing::instrument(skip_all, fields(%clinic_id))]
pub async fn info(pool: &PgPool, clinic_id: Uuid) -> Result<ClinicInfo, AppError> {
    let clinic = sqlx::query!(
        "SELECT name, tagline, phone, email FROM clinics WHERE id = $1",
        clinic_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;

    let locations = sqlx::query!(
        r#"SELECT id, name, address_line1, address_line2, city, postcode, phone
           FROM locations WHERE clinic_id = $1 AND active
           ORDER BY position, name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;

    let hours = sqlx::query!(
        "SELECT location_id, weekday, opens, closes FROM opening_hours WHERE clinic_id = $1",
        clinic_id
    )
    .fetch_all(pool)
    .await?;

    let locations = locations
        .into_iter()
        .map(|location| {
            let ranges: Vec<OpeningRange> = hours
                .iter()
                .filter(|h| h.location_id == location.id)
                .map(|h| OpeningRange {
                    weekday: h.weekday as u8,
                    opens: h.opens,
                    closes: h.closes,
                })
                .collect();
            let address_lines = [
                location.address_line1,
                location.address_line2,
                format!("{} {}", location.city, location.postcode),
            ]
            .into_iter()
            .filter(|line| !line.trim().is_empty())
            .collect();
            LocationInfo {
                name: location.name,
                address_lines,
                phone: location.phone,
                hours: summarise(&ranges),
            }
        })
        .collect();

    Ok(ClinicInfo {
        name: clinic.name,
        tagline: clinic.tagline,
        phone: clinic.phone,
        email: clinic.email,
        locations,
        site_url: String::new(),
    })
}

/// The clinic a site serves: the one with `slug`, or the oldest when none is named.
pub async fn resolve(pool: &PgPool, slug: Option<&str>) -> Result<Option<Uuid>, sqlx::Error> {
    match slug {
        Some(slug) => {
            sqlx::query_scalar!("SELECT id FROM clinics WHERE slug = $1", slug)
                .fetch_optional(pool)
                .await
        }
        None => {
            sqlx::query_scalar!("SELECT id FROM clinics ORDER BY created_at, slug LIMIT 1")
                .fetch_optional(pool)
                .await
        }
    }
}
