//! Clears the cache when the database announces a change to what public pages show, made
//! by this server process or any other; reports what the cache does to the log.

use super::PageCache;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use tokio::task::JoinHandle;

/// Where the database announces a committed change to a table public pages read
/// (migration 38).
pub const CHANNEL: &str = "public_pages";
/// How long to wait before listening again after the connection failed.
const RETRY_AFTER: Duration = Duration::from_secs(5);
/// How often the cache's figures go to the log, when it has been used since.
const REPORT_EVERY: Duration = Duration::from_secs(300);

/// Listens until the task is aborted. Each announcement clears the cache; so does every
/// gap in listening, since an announcement may have been missed.
pub fn clear_on_change(pool: PgPool, cache: Arc<PageCache>) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut report = tokio::time::interval(REPORT_EVERY);
        let mut reported = super::Stats::default();
        loop {
            let mut listener = match listen(&pool).await {
                Ok(listener) => listener,
                Err(error) => {
                    tracing::warn!(%error, "cannot listen for changes to public pages; keeping none meanwhile");
                    cache.clear();
                    tokio::time::sleep(RETRY_AFTER).await;
                    continue;
                }
            };
            cache.clear();
            loop {
                tokio::select! {
                    announced = listener.try_recv() => match announced {
                        Ok(Some(_)) => cache.clear(),
                        // The connection dropped; the next call makes a new one.
                        Ok(None) => cache.clear(),
                        Err(error) => {
                            tracing::warn!(%error, "lost the announcements of changes to public pages");
                            cache.clear();
                            break;
                        }
                    },
                    _ = report.tick() => {
                        let now = cache.stats();
                        if now.hits + now.misses != reported.hits + reported.misses {
                            tracing::info!(
                                hits = now.hits,
                                misses = now.misses,
                                evictions = now.evictions,
                                clears = now.clears,
                                pages = now.entries,
                                bytes = now.bytes,
                                "public pages kept in memory"
                            );
                            reported = now;
                        }
                    }
                }
            }
            tokio::time::sleep(RETRY_AFTER).await;
        }
    })
}

async fn listen(pool: &PgPool) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
