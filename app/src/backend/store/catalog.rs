//! Treatments and their categories, as the public site lists them.

use crate::backend::integrations::media::Media;
use crate::catalog::types::{Category, ProviderCard, TreatmentCard, TreatmentDetail};
use crate::domain::money::Money;
use crate::domain::slug::Slug;
use crate::error::AppError;
use crate::gallery::types::media_url;
use sqlx::PgPool;
use uuid::Uuid;

use super::clinic::stored_currency as currency;
use super::payment_policy::stored_charge;
use crate::domain::payment_policy::describe_due;

#[tracing::instrument(skip(pool))]
pub async fn featured(
    pool: &PgPool,
    clinic_id: Uuid,
    limit: i64,
) -> Result<Vec<TreatmentCard>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT t.slug, t.name, t.summary, c.name AS category, t.duration_minutes,
                  t.price_minor, cl.currency
           FROM treatments t
           JOIN treatment_categories c ON c.id = t.category_id
           JOIN clinics cl ON cl.id = t.clinic_id
           WHERE t.clinic_id = $1 AND t.active AND t.featured
           ORDER BY c.position, t.position, t.name
           LIMIT $2"#,
        clinic_id,
        limit
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let currency = currency(&r.currency)?;
            Ok(TreatmentCard {
                slug: r.slug,
                name: r.name,
                summary: r.summary,
                category: r.category,
                duration_minutes: r.duration_minutes as u32,
                price: Money::new(r.price_minor, currency),
            })
        })
        .collect()
}

/// Every active treatment, grouped by category in the clinic's order. Categories without
/// an active treatment are left out.
#[tracing::instrument(skip(pool))]
pub async fn categories(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<Category>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT c.id AS category_id, c.slug AS category_slug, c.name AS category_name,
                  c.description AS category_description,
                  t.slug, t.name, t.summary, t.duration_minutes, t.price_minor, cl.currency
           FROM treatment_categories c
           JOIN treatments t ON t.category_id = c.id AND t.active
           JOIN clinics cl ON cl.id = c.clinic_id
           WHERE c.clinic_id = $1
           ORDER BY c.position, c.name, t.position, t.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;

    let mut categories: Vec<(Uuid, Category)> = Vec::new();
    for r in rows {
        let currency = currency(&r.currency)?;
        if categories.last().map(|(id, _)| *id) != Some(r.category_id) {
            categories.push((
                r.category_id,
                Category {
                    slug: r.category_slug,
                    name: r.category_name.clone(),
                    description: r.category_description,
                    treatments: Vec::new(),
                },
            ));
        }
        if let Some((_, category)) = categories.last_mut() {
            category.treatments.push(TreatmentCard {
                slug: r.slug,
                name: r.name,
                summary: r.summary,
                category: r.category_name,
                duration_minutes: r.duration_minutes as u32,
                price: Money::new(r.price_minor, currency),
            });
        }
    }
    Ok(categories.into_iter().map(|(_, c)| c).collect())
}

/// A treatment page's content, or `None` when the clinic has no active treatment by that slug.
#[tracing::instrument(skip(pool, media))]
pub async fn treatment(
    pool: &PgPool,
    media: &Media,
    clinic_id: Uuid,
    slug: &Slug,
) -> Result<Option<TreatmentDetail>, AppError> {
    let Some(t) = sqlx::query!(
        r#"SELECT t.id, t.slug, t.name, t.summary, t.description, t.duration_minutes,
                  t.price_minor, t.deposit_minor, t.deposit_percent, t.payment_rule,
                  t.offers_in_person, t.offers_video,
                  c.name AS category, c.slug AS category_slug, cl.currency
           FROM treatments t
           JOIN treatment_categories c ON c.id = t.category_id
           JOIN clinics cl ON cl.id = t.clinic_id
           WHERE t.clinic_id = $1 AND t.slug = $2 AND t.active"#,
        clinic_id,
        slug.as_str()
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };

    let providers = sqlx::query!(
        r#"SELECT p.slug, p.display_name AS name, p.title, p.bio,
                  m.content_hash AS "photo_hash?", m.content_type AS "photo_type?"
           FROM provider_treatments pt
           JOIN providers p ON p.id = pt.provider_id AND p.active
           LEFT JOIN media_assets m ON m.id = p.photo_asset_id
           WHERE pt.clinic_id = $1 AND pt.treatment_id = $2
           ORDER BY p.position, p.display_name"#,
        clinic_id,
        t.id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|p| ProviderCard {
        photo: p
            .photo_hash
            .zip(p.photo_type)
            .map(|(hash, kind)| media_url(&hash, &kind)),
        slug: p.slug,
        name: p.name,
        title: p.title,
        bio: p.bio,
    })
    .collect();

    let cases =
        super::gallery::public_cases_for_treatment(pool, media, clinic_id, &t.slug, 4).await?;
    let currency = currency(&t.currency)?;
    let policy = super::payment_policy::load(pool, clinic_id).await?;
    let own = stored_charge(
        t.payment_rule.as_deref(),
        t.deposit_minor,
        t.deposit_percent,
    )?;
    let due = policy.due_online(t.price_minor, own, false);
    let due_first = policy.due_online(t.price_minor, own, true);
    Ok(Some(TreatmentDetail {
        slug: t.slug,
        name: t.name,
        category: t.category,
        category_slug: t.category_slug,
        summary: t.summary,
        description: t.description,
        duration_minutes: t.duration_minutes as u32,
        price: Money::new(t.price_minor, currency),
        paid_when_booking: describe_due(due, t.price_minor, currency),
        paid_when_booking_first: (due_first != due)
            .then(|| describe_due(due_first, t.price_minor, currency)),
        in_person: t.offers_in_person,
        video: t.offers_video,
        providers,
        cases,
    }))
}
