//! Counting attempts for the rate limits in `domain::rate_limit`.

use crate::domain::rate_limit::{decide, Decision, Limit};
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Decides on an attempt in `bucket` and, when it is allowed, counts it.
pub async fn attempt(
    pool: &PgPool,
    bucket: &str,
    limit: Limit,
    now: DateTime<Utc>,
) -> Result<Decision, sqlx::Error> {
    let mut tx = pool.begin().await?;
    // One decision per bucket at a time, or parallel attempts could all squeeze in.
    sqlx::query!("SELECT pg_advisory_xact_lock(hashtext($1))", bucket)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "DELETE FROM rate_limit_hits WHERE bucket = $1 AND at <= $2",
        bucket,
        now - limit.window
    )
    .execute(&mut *tx)
    .await?;
    let earlier = sqlx::query_scalar!("SELECT at FROM rate_limit_hits WHERE bucket = $1", bucket)
        .fetch_all(&mut *tx)
        .await?;
    let decision = decide(&earlier, now, limit);
    if decision == Decision::Allow {
        sqlx::query!(
            "INSERT INTO rate_limit_hits (bucket, at) VALUES ($1, $2)",
            bucket,
            now
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(decision)
}

/// Forgets a bucket's attempts: after a successful sign-in the account starts afresh.
pub async fn clear(pool: &PgPool, bucket: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("DELETE FROM rate_limit_hits WHERE bucket = $1", bucket)
        .execute(pool)
        .await?;
    Ok(())
}
