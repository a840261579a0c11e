//! Treatments as staff manage them: every treatment (active or not), the editor's data,
//! and saving a treatment with its providers and audit row in one transaction.

use super::clinic::{self, stored_currency};
use super::payment_policy::stored_charge;
use super::{refused_by, ConstraintRule};
use crate::admin::treatments::types::{TreatmentEditor, TreatmentRow};
use crate::admin::types::Choice;
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::domain::money::Money;
use crate::domain::payment_policy::Charge;
use crate::domain::treatment::{TreatmentDraft, TreatmentForm};
use crate::error::AppError;
use sqlx::PgPool;
use uuid::Uuid;

/// Every treatment of the clinic, inactive ones included, in the public site's order.
#[tracing::instrument(skip(pool))]
pub async fn list(pool: &PgPool, clinic_id: Uuid) -> Result<Vec<TreatmentRow>, AppError> {
    let rows = sqlx::query!(
        r#"SELECT t.id, t.slug, t.name, c.name AS category, t.duration_minutes, t.price_minor,
                  t.deposit_minor, t.deposit_percent, t.payment_rule, t.active, t.featured,
                  cl.currency,
                  (SELECT count(*) FROM provider_treatments pt WHERE pt.treatment_id = t.id) AS "providers!"
           FROM treatments t
           JOIN treatment_categories c ON c.id = t.category_id
           JOIN clinics cl ON cl.id = t.clinic_id
           WHERE t.clinic_id = $1
           ORDER BY c.position, c.name, t.position, t.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let currency = stored_currency(&r.currency)?;
            Ok(TreatmentRow {
                id: r.id,
                slug: r.slug,
                name: r.name,
                category: r.category,
                duration_minutes: r.duration_minutes as u32,
                price: Money::new(r.price_minor, currency),
                payment: stored_charge(
                    r.payment_rule.as_deref(),
                    r.deposit_minor,
                    r.deposit_percent,
                )?
                .map_or_else(
                    || "The clinic's rule".to_owned(),
                    |rule| rule.summary(currency),
                ),
                active: r.active,
                featured: r.featured,
                providers: r.providers,
            })
        })
        .collect()
}

/// What the treatment editor needs: the form (blank for a new treatment) and the
/// categories and providers to choose from. `None` when `id` is not this clinic's.
#[tracing::instrument(skip(pool))]
pub async fn editor(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Option<Uuid>,
) -> Result<Option<TreatmentEditor>, AppError> {
    let currency = clinic::currency(pool, clinic_id).await?;
    let (form, public_slug) = match id {
        None => (TreatmentForm::blank(), None),
        Some(id) => match draft(pool, clinic_id, id).await? {
            None => return Ok(None),
            Some(draft) => (
                TreatmentForm::from_draft(&draft, currency),
                draft.active.then(|| draft.slug.to_string()),
            ),
        },
    };
    let categories = sqlx::query_as!(
        Choice,
        r#"SELECT id::text AS "id!", name AS label FROM treatment_categories
           WHERE clinic_id = $1 ORDER BY position, name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let providers = sqlx::query_as!(
        Choice,
        r#"SELECT id::text AS "id!",
                  display_name || CASE WHEN active THEN '' ELSE ' (inactive)' END AS "label!"
           FROM providers WHERE clinic_id = $1 ORDER BY NOT active, position, display_name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    let rooms = sqlx::query_as!(
        Choice,
        r#"SELECT r.id::text AS "id!", r.name || ' (' || l.name || ')' AS "label!"
           FROM rooms r JOIN locations l ON l.id = r.location_id
           WHERE r.clinic_id = $1 AND r.active ORDER BY l.name, r.name"#,
        clinic_id
    )
    .fetch_all(pool)
    .await?;
    Ok(Some(TreatmentEditor {
        form,
        categories,
        providers,
        rooms,
        currency: currency.code().to_owned(),
        public_slug,
    }))
}

async fn draft(
    pool: &PgPool,
    clinic_id: Uuid,
    id: Uuid,
) -> Result<Option<TreatmentDraft>, AppError> {
    let Some(t) = sqlx::query!(
        r#"SELECT id, name, slug, category_id, summary, description, duration_minutes,
                  price_minor, deposit_minor, buffer_before_minutes, buffer_after_minutes,
                  offers_in_person, offers_video, featured, active, late_cancel_hours, capacity,
                  payment_rule, deposit_percent
           FROM treatments WHERE clinic_id = $1 AND id = $2"#,
        clinic_id,
        id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let provider_ids = sqlx::query_scalar!(
        "SELECT provider_id FROM provider_treatments WHERE clinic_id = $1 AND treatment_id = $2",
        clinic_id,
        id
    )
    .fetch_all(pool)
    .await?;
    let room_ids = sqlx::query_scalar!(
        "SELECT room_id FROM treatment_rooms WHERE clinic_id = $1 AND treatment_id = $2",
        clinic_id,
        id
    )
    .fetch_all(pool)
    .await?;
    let slug = super::stored_slug(&t.slug, "treatment", id)?;
    let payment = stored_charge(
        t.payment_rule.as_deref(),
        t.deposit_minor,
        t.deposit_percent,
    )?;
    Ok(Some(TreatmentDraft {
        id: Some(t.id),
        name: t.name,
        slug,
        category_id: t.category_id,
        summary: t.summary,
        description: t.description,
        duration_minutes: t.duration_minutes,
        price_minor: t.price_minor,
        payment,
        buffer_before_minutes: t.buffer_before_minutes,
        buffer_after_minutes: t.buffer_after_minutes,
        in_person: t.offers_in_person,
        video: t.offers_video,
        featured: t.featured,
        active: t.active,
        provider_ids,
        room_ids,
        late_cancel_hours: t.late_cancel_hours,
        capacity: t.capacity,
    }))
}

const RULES: &[ConstraintRule] = &[
    (
        "treatments_clinic_id_slug_key",
        "slug",
        "Another treatment already uses this web address. Choose a different one.",
    ),
    (
        "treatments_clinic_id_category_id_fkey",
        "category_id",
        "Choose one of the clinic's categories.",
    ),
    (
        "provider_treatments_clinic_id_provider_id_fkey",
        "provider_ids",
        "One of the chosen providers is not part of this clinic. Reload the page and choose again.",
    ),
    (
        "treatment_rooms_clinic_id_room_id_fkey",
        "room_ids",
        "One of the chosen rooms is not part of this clinic. Reload the page and choose again.",
    ),
];

fn mapped(error: sqlx::Error) -> AppError {
    refused_by(error, RULES)
}

/// Creates or updates a treatment, replaces who performs it and records the change in
/// the audit log, all in one transaction. Returns the treatment's id.
#[tracing::instrument(skip_all, fields(treatment_id = ?draft.id))]
pub async fn save(
    pool: &PgPool,
    clinic_id: Uuid,
    draft: &TreatmentDraft,
    actor: &Principal,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let id = match draft.id {
        Some(id) => sqlx::query_scalar!(
            r#"UPDATE treatments SET name = $3, slug = $4, category_id = $5, summary = $6,
                      description = $7, duration_minutes = $8, price_minor = $9,
                      deposit_minor = $10, buffer_before_minutes = $11,
                      buffer_after_minutes = $12, offers_in_person = $13, offers_video = $14,
                      featured = $15, active = $16, late_cancel_hours = $17, capacity = $18,
                      payment_rule = $19, deposit_percent = $20
               WHERE clinic_id = $1 AND id = $2
               RETURNING id"#,
            clinic_id,
            id,
            draft.name,
            draft.slug.as_str(),
            draft.category_id,
            draft.summary,
            draft.description,
            draft.duration_minutes,
            draft.price_minor,
            draft.payment.map_or(0, Charge::deposit_minor),
            draft.buffer_before_minutes,
            draft.buffer_after_minutes,
            draft.in_person,
            draft.video,
            draft.featured,
            draft.active,
            draft.late_cancel_hours,
            draft.capacity,
            draft.payment.map(Charge::kind),
            draft.payment.map_or(0, Charge::percent)
        )
        .fetch_optional(&mut *tx)
        .await
        .map_err(mapped)?
        .ok_or(AppError::NotFound)?,
        None => sqlx::query_scalar!(
            r#"INSERT INTO treatments (clinic_id, name, slug, category_id, summary, description,
                      duration_minutes, price_minor, deposit_minor, buffer_before_minutes,
                      buffer_after_minutes, offers_in_person, offers_video, featured, active,
                      late_cancel_hours, capacity, payment_rule, deposit_percent, position)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,
                      $16, $17, $18, $19,
                      (SELECT coalesce(max(position), 0) + 1 FROM treatments
                       WHERE clinic_id = $1 AND category_id = $4))
               RETURNING id"#,
            clinic_id,
            draft.name,
            draft.slug.as_str(),
            draft.category_id,
            draft.summary,
            draft.description,
            draft.duration_minutes,
            draft.price_minor,
            draft.payment.map_or(0, Charge::deposit_minor),
            draft.buffer_before_minutes,
            draft.buffer_after_minutes,
            draft.in_person,
            draft.video,
            draft.featured,
            draft.active,
            draft.late_cancel_hours,
            draft.capacity,
            draft.payment.map(Charge::kind),
            draft.payment.map_or(0, Charge::percent)
        )
        .fetch_one(&mut *tx)
        .await
        .map_err(mapped)?,
    };
    sqlx::query!(
        "DELETE FROM provider_treatments WHERE clinic_id = $1 AND treatment_id = $2",
        clinic_id,
        id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO provider_treatments (clinic_id, provider_id, treatment_id)
         SELECT $1, provider_id, $3 FROM unnest($2::uuid[]) AS provider_id",
        clinic_id,
        &draft.provider_ids,
        id
    )
    .execute(&mut *tx)
    .await
    .map_err(mapped)?;
    sqlx::query!(
        "DELETE FROM treatment_rooms WHERE clinic_id = $1 AND treatment_id = $2",
        clinic_id,
        id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO treatment_rooms (clinic_id, room_id, treatment_id)
         SELECT $1, room_id, $3 FROM unnest($2::uuid[]) AS room_id",
        clinic_id,
        &draft.room_ids,
        id
    )
    .execute(&mut *tx)
    .await
    .map_err(mapped)?;
    audit::append_for_request(
        &mut tx,
        actor,
        super::save_action(draft.id),
        "treatment",
        Some(id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}
