//! Stored images, served only while something public uses them.

use sqlx::PgPool;

pub struct StoredImage {
    pub content_type: String,
    pub data: Vec<u8>,
}

/// The image with this content hash, if something the public may see shows it: a case with
/// current website consent, or an active provider's portrait. An image of an unpublished,
/// expired or revoked case is not served, even to someone who kept its URL.
#[tracing::instrument(skip(pool))]
pub async fn public_image(
    pool: &PgPool,
    content_hash: &str,
) -> Result<Option<StoredImage>, sqlx::Error> {
    sqlx::query_as!(
        StoredImage,
        r#"SELECT m.content_type, m.data
           FROM media_assets m
           WHERE m.content_hash = $1
             AND (EXISTS (SELECT 1 FROM case_images ci
                          JOIN public_cases pc ON pc.id = ci.case_id
                          WHERE ci.media_asset_id = m.id)
                  OR EXISTS (SELECT 1 FROM providers p
                             WHERE p.photo_asset_id = m.id AND p.active))"#,
        content_hash
    )
    .fetch_optional(pool)
    .await
}
