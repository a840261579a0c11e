//! Gallery cases the public may see. Every query reads from the `public_cases` view, which
//! holds the consent and publishing rules; none of them selects who the patient is.

use crate::error::AppError;
use crate::gallery::types::{media_url, CaseCard, ImageRef};
use sqlx::PgPool;
use uuid::Uuid;

struct CaseRow {
    slug: String,
    title: String,
    summary: String,
    treatment_slug: Option<String>,
    treatment_name: Option<String>,
    before_hash: String,
    before_type: String,
    before_width: i32,
    before_height: i32,
    before_alt: String,
    before_label: String,
    after_hash: String,
    after_type: String,
    after_width: i32,
    after_height: i32,
    after_alt: String,
    after_label: String,
}

impl From<CaseRow> for CaseCard {
    fn from(r: CaseRow) -> Self {
        CaseCard {
            slug: r.slug,
            title: r.title,
            summary: r.summary,
            treatment_name: r.treatment_name,
            treatment_slug: r.treatment_slug,
            before: ImageRef {
                url: media_url(&r.before_hash, &r.before_type),
                width: r.before_width as u32,
                height: r.before_height as u32,
                alt: r.before_alt,
                label: r.before_label,
            },
            after: ImageRef {
                url: media_url(&r.after_hash, &r.after_type),
                width: r.after_width as u32,
                height: r.after_height as u32,
                alt: r.after_alt,
                label: r.after_label,
            },
        }
    }
}

/// The newest public cases that have both a before and an after image.
#[tracing::instrument(skip(pool))]
pub async fn recent_public_cases(
    pool: &PgPool,
    clinic_id: Uuid,
    limit: i64,
) -> Result<Vec<CaseCard>, AppError> {
    cases(pool, clinic_id, None, limit).await
}

#[tracing::instrument(skip(pool))]
pub async fn public_cases_for_treatment(
    pool: &PgPool,
    clinic_id: Uuid,
    treatment_id: Uuid,
    limit: i64,
) -> Result<Vec<CaseCard>, AppError> {
    cases(pool, clinic_id, Some(treatment_id), limit).await
}

async fn cases(
    pool: &PgPool,
    clinic_id: Uuid,
    treatment_id: Option<Uuid>,
    limit: i64,
) -> Result<Vec<CaseCard>, AppError> {
    let rows = sqlx::query_as!(
        CaseRow,
        r#"SELECT pc.slug AS "slug!", pc.title AS "title!", pc.summary AS "summary!",
                  t.slug AS "treatment_slug?", t.name AS "treatment_name?",
                  b.content_hash AS before_hash, b.content_type AS before_type,
                  b.width AS before_width, b.height AS before_height,
                  b.alt_text AS before_alt, b.label AS before_label,
                  a.content_hash AS after_hash, a.content_type AS after_type,
                  a.width AS after_width, a.height AS after_height,
                  a.alt_text AS after_alt, a.label AS after_label
           FROM public_cases pc
           LEFT JOIN treatments t ON t.id = pc.treatment_id
           JOIN LATERAL (
               SELECT m.content_hash, m.content_type, m.width, m.height, ci.alt_text, ci.label
               FROM case_images ci JOIN media_assets m ON m.id = ci.media_asset_id
               WHERE ci.case_id = pc.id AND ci.kind = 'before'
               ORDER BY ci.position LIMIT 1
           ) b ON true
           JOIN LATERAL (
               SELECT m.content_hash, m.content_type, m.width, m.height, ci.alt_text, ci.label
               FROM case_images ci JOIN media_assets m ON m.id = ci.media_asset_id
               WHERE ci.case_id = pc.id AND ci.kind = 'after'
               ORDER BY ci.position LIMIT 1
           ) a ON true
           WHERE pc.clinic_id = $1 AND ($2::uuid IS NULL OR pc.treatment_id = $2)
           ORDER BY pc.consent_given_on DESC, pc.slug
           LIMIT $3"#,
        clinic_id,
        treatment_id,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(CaseCard::from).collect())
}
