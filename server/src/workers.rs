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
