//! Background work the server runs beside requests.

use sqlx::PgPool;
use std::time::Duration;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// How often expired holds are released. Bookings never wait for this: an expired hold
/// stops counting the moment it expires; the worker only tidies the rows.
const HOLD_SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Releases this clinic's expired holds every minute until the task is aborted.
pub fn release_expired_holds(pool: PgPool, clinic_id: Uuid) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(HOLD_SWEEP_EVERY);
        loop {
            every.tick().await;
            match app::backend::store::booking::release_expired_holds(
                &pool,
                clinic_id,
                chrono::Utc::now(),
            )
            .await
            {
                Ok(0) => {}
                Ok(released) => tracing::info!(released, "released expired holds"),
                Err(error) => tracing::warn!(%error, "could not release expired holds"),
            }
        }
    })
}

/// How often the outbox is looked at when the last look found nothing to send.
const DELIVERY_IDLE: Duration = Duration::from_secs(1);
/// Messages one round takes.
const DELIVERY_BATCH: i64 = 100;

/// Delivers due messages until the task is aborted: at once while there is work, then
/// every second. With no provider configured it never claims anything.
pub fn deliver_messages(deliverer: app::backend::delivery::Deliverer) -> JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliverer
                .deliver_due(chrono::Utc::now(), DELIVERY_BATCH)
                .await
            {
                Ok(round) if round.handled() > 0 => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "could not read the outbox"),
            }
            tokio::time::sleep(DELIVERY_IDLE).await;
        }
    })
}

/// How often pictures whose consent has run out are looked for.
const CONSENT_SWEEP_EVERY: Duration = Duration::from_secs(60 * 60);

/// Withdraws the public files of pictures whose consent has expired, hourly (and once at
/// start). The pages stop showing such a case the moment its consent runs out; this
/// removes the files themselves, from Cloudinary's CDN too.
pub fn withdraw_expired_pictures(jobs: app::backend::media_jobs::Jobs) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(CONSENT_SWEEP_EVERY);
        loop {
            every.tick().await;
            match jobs.withdraw_expired(chrono::Utc::now().date_naive()).await {
                Ok(0) => {}
                Ok(withdrawn) => {
                    tracing::info!(withdrawn, "withdrew pictures whose consent expired")
                }
                Err(error) => {
                    tracing::warn!(%error, "could not withdraw pictures whose consent expired")
                }
            }
        }
    })
}

/// Earlier versions kept public files in the database; they belong in the media store.
/// Each file is written before its bytes are cleared, so a crash part way loses nothing.
pub async fn move_stored_bytes_to_files(
    owner: &PgPool,
    media: &app::backend::integrations::media::Media,
) -> Result<usize, Box<dyn std::error::Error>> {
    let stored = sqlx::query!(
        r#"SELECT id, content_hash, content_type, data AS "data!" FROM media_assets WHERE data IS NOT NULL"#
    )
    .fetch_all(owner)
    .await?;
    for file in &stored {
        let name = app::gallery::types::file_name(&file.content_hash, &file.content_type);
        media.files().write_public(&name, &file.data).await?;
        sqlx::query!("UPDATE media_assets SET data = NULL WHERE id = $1", file.id)
            .execute(owner)
            .await?;
    }
    Ok(stored.len())
}
