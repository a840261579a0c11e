//! Which stored files may be served, and to whom.

use sqlx::PgPool;
use uuid::Uuid;

/// A public file's type, if something the public may see shows it: a picture of a case
/// with current website consent, or an active provider's portrait. A picture of an
/// unpublished, expired or revoked case is not served, even to someone who kept its URL.
#[tracing::instrument(skip(pool))]
pub async fn public_file(pool: &PgPool, content_hash: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT m.content_type
           FROM media_assets m
           WHERE m.content_hash = $1 AND m.stored_in = 'local'
             AND (EXISTS (SELECT 1 FROM case_images ci
                          JOIN public_cases pc ON pc.id = ci.case_id
                          WHERE ci.image_id = m.image_id)
                  OR EXISTS (SELECT 1 FROM providers p
                             WHERE p.photo_asset_id = m.id AND p.active))"#,
        content_hash
    )
    .fetch_optional(pool)
    .await
}

/// A file's type, if it belongs to `clinic_id`: what staff preview before publishing.
#[tracing::instrument(skip(pool))]
pub async fn clinic_file(
    pool: &PgPool,
    clinic_id: Uuid,
    content_hash: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT content_type FROM media_assets
         WHERE clinic_id = $1 AND content_hash = $2 AND stored_in = 'local'",
        clinic_id,
        content_hash
    )
    .fetch_optional(pool)
    .await
}
