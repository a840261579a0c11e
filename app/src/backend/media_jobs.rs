//! Making a picture's public sizes, off the request path. An upload is answered as soon
//! as its original is safely kept; the sizes are made here, one at a time on the blocking
//! pool, each recorded as it lands so staff see the progress. Withdrawing a picture's
//! public files (consent revoked or expired, privacy changed) happens here too.

use crate::backend::integrations::media::{self, variants, Media, MediaError, Prepared, StoredIn};
use crate::domain::privacy::Privacy;
use sqlx::PgPool;
use std::sync::{Arc, OnceLock};
use tokio::sync::Semaphore;
use uuid::Uuid;

/// What the jobs need: the database, the store, and whose files they are.
#[derive(Clone)]
pub struct Jobs {
    pub pool: PgPool,
    pub media: Media,
    pub clinic_id: Uuid,
}

/// One picture at a time: making sizes of a 12-megapixel photo keeps a core busy, and the
/// site must stay quick while it does.
fn one_at_a_time() -> &'static Semaphore {
    static PERMITS: OnceLock<Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| Semaphore::new(1))
}

#[derive(Debug, thiserror::Error)]
pub enum JobError {
    #[error(transparent)]
    Database(#[from] sqlx::Error),
    #[error(transparent)]
    Media(#[from] MediaError),
    #[error("the original could not be read again: {0}")]
    Original(String),
    #[error("a worker thread stopped")]
    Worker,
}

impl Jobs {
    /// Starts making `image_id`'s public sizes in the background. The job reads the kept
    /// original only once its turn comes, so pictures waiting their turn hold no memory.
    pub fn make_sizes(&self, image_id: Uuid) -> tokio::task::JoinHandle<()> {
        let jobs = self.clone();
        tokio::spawn(async move {
            let _permit = one_at_a_time().acquire().await;
            if let Err(error) = jobs.run(image_id).await {
                tracing::error!(%image_id, %error, "making a picture's sizes failed");
                let _ = sqlx::query!(
                    "UPDATE images SET status = 'failed', problem = $2 WHERE id = $1",
                    image_id,
                    "Its public sizes could not be made. Upload the picture again."
                )
                .execute(&jobs.pool)
                .await;
            }
        })
    }

    async fn run(&self, image_id: Uuid) -> Result<(), JobError> {
        let Some(row) = sqlx::query!(
            r#"SELECT original_key, privacy::text AS "privacy!" FROM images WHERE id = $1 AND status = 'processing'"#,
            image_id
        )
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(()); // removed, or already done
        };
        let privacy: Privacy = serde_json::from_str(&row.privacy).unwrap_or_default();
        let key = row
            .original_key
            .ok_or_else(|| JobError::Original("it has no original".to_owned()))?;
        let bytes = self
            .media
            .files()
            .read_original(&key)
            .await
            .map_err(MediaError::from)?;
        let decoded = blocking(move || media::decode(&bytes))
            .await?
            .map_err(|problem| JobError::Original(problem.to_string()))?;
        let master = Arc::new(blocking(move || variants::public_master(&decoded, &privacy)).await?);
        // The clinic and the picture name its files: the same photo uploaded twice gets
        // files of its own, so withdrawing one never removes the other's.
        let owner = [
            self.clinic_id.as_bytes().as_slice(),
            image_id.as_bytes().as_slice(),
        ]
        .concat();
        // Cloudinary makes every size from one master; here each size is a file of its own.
        let plan: Vec<Option<variants::Variant>> = match self.media.public_store() {
            StoredIn::Cloudinary => vec![None],
            StoredIn::Local => variants::plan(master.width())
                .into_iter()
                .map(Some)
                .collect(),
        };
        sqlx::query!(
            "UPDATE images SET variants_total = $2, variants_done = 0, problem = NULL WHERE id = $1",
            image_id,
            plan.len() as i16
        )
        .execute(&self.pool)
        .await?;
        for variant in plan {
            let (master, owner) = (master.clone(), owner.clone());
            let file = blocking(move || match variant {
                Some(variant) => variants::make(&master, variant, &owner),
                None => variants::cloud_master(&master, &owner),
            })
            .await?;
            let stored_in = self.media.publish(&file).await?;
            if !self
                .record(image_id, &row.privacy, &file, stored_in)
                .await?
            {
                // Withdrawn (or its privacy changed) while this job ran: what it just
                // published must not stay behind.
                self.media
                    .withdraw(&file.content_hash, file.content_type, stored_in)
                    .await?;
                return Ok(());
            }
        }
        sqlx::query!(
            "UPDATE images SET status = 'ready' WHERE id = $1 AND status = 'processing'",
            image_id
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records one public file and the progress it makes, together, if the picture is
    /// still waiting for the sizes this job makes (still processing, with the privacy
    /// choices the job started from). The row lock orders this against [`Self::withdraw`].
    async fn record(
        &self,
        image_id: Uuid,
        privacy: &str,
        file: &Prepared,
        stored_in: StoredIn,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let current = sqlx::query_scalar!(
            r#"SELECT status = 'processing' AND privacy::text = $2 AS "current!"
               FROM images WHERE id = $1 FOR UPDATE"#,
            image_id,
            privacy
        )
        .fetch_optional(&mut *tx)
        .await?;
        if current != Some(true) {
            return Ok(false);
        }
        sqlx::query!(
            r#"INSERT INTO media_assets (clinic_id, content_hash, content_type, width, height, byte_size, image_id, stored_in)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
               ON CONFLICT (content_hash) DO NOTHING"#,
            self.clinic_id,
            file.content_hash,
            file.content_type,
            file.width as i32,
            file.height as i32,
            file.data.len() as i32,
            image_id,
            stored_in.as_str()
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "UPDATE images SET variants_done = least(variants_done + 1, variants_total) WHERE id = $1",
            image_id
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Removes every public file of `images` from wherever it is served (Cloudinary's CDN
    /// included) and forgets them; the originals stay. Each picture is then marked
    /// `status` ("withdrawn", or "processing" to be made again).
    ///
    /// The rows go first, in one transaction that also marks the pictures (so a running
    /// job sees the change and records nothing more), then the files.
    pub async fn withdraw(&self, images: &[Uuid], status: &str) -> Result<(), JobError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "UPDATE images SET status = $2::text::image_status, variants_done = 0, variants_total = 0
             WHERE id = ANY($1)",
            images,
            status
        )
        .execute(&mut *tx)
        .await?;
        let files = sqlx::query!(
            "DELETE FROM media_assets WHERE image_id = ANY($1) RETURNING content_hash, content_type, stored_in",
            images
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        for file in files {
            self.media
                .withdraw(
                    &file.content_hash,
                    &file.content_type,
                    StoredIn::parse(&file.stored_in),
                )
                .await?;
        }
        Ok(())
    }

    /// Pictures whose sizes were being made when the server last stopped: start again.
    pub async fn resume_unfinished(&self) -> Result<usize, sqlx::Error> {
        let unfinished = sqlx::query_scalar!(
            "SELECT id FROM images WHERE clinic_id = $1 AND status = 'processing' ORDER BY created_at",
            self.clinic_id
        )
        .fetch_all(&self.pool)
        .await?;
        for id in &unfinished {
            self.make_sizes(*id);
        }
        Ok(unfinished.len())
    }

    /// Consent that has run out since the last look: withdraw the public files of its
    /// cases' pictures (the pages stopped showing them the moment it ran out).
    pub async fn withdraw_expired(&self, today: chrono::NaiveDate) -> Result<usize, JobError> {
        let images = sqlx::query_scalar!(
            r#"SELECT DISTINCT ci.image_id FROM case_images ci
               JOIN cases c ON c.id = ci.case_id
               JOIN images i ON i.id = ci.image_id AND i.status <> 'withdrawn'
               WHERE c.clinic_id = $1 AND c.consent_expires_on < $2"#,
            self.clinic_id,
            today
        )
        .fetch_all(&self.pool)
        .await?;
        if !images.is_empty() {
            self.withdraw(&images, "withdrawn").await?;
        }
        Ok(images.len())
    }
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, JobError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|_| JobError::Worker)
}

impl From<JobError> for crate::error::AppError {
    fn from(error: JobError) -> Self {
        tracing::error!(%error, "a picture's files could not be changed");
        crate::error::AppError::Unavailable
    }
}
