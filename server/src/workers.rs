//! Background work the server runs beside requests.

use app::backend::state::AppState;
use sqlx::postgres::PgListener;
use sqlx::PgPool;
use std::time::Duration;
use tokio::task::JoinHandle;
use uuid::Uuid;

/// How often expired holds are released. Bookings never wait for this: an expired hold
/// stops counting the moment it expires; the worker only tidies the rows.
const HOLD_SWEEP_EVERY: Duration = Duration::from_secs(60);

/// Releases this clinic's expired holds (and bookings not paid in time) every minute, through
/// its calendar, until the task is aborted.
pub fn release_expired_holds(state: AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(HOLD_SWEEP_EVERY);
        loop {
            every.tick().await;
            let released = release_once(&state).await;
            crate::metrics::job_ran("release_expired_holds", released.is_ok());
            match released {
                Ok(0) => {}
                Ok(released) => tracing::info!(released, "released expired holds"),
                Err(error) => tracing::warn!(%error, "could not release expired holds"),
            }
        }
    })
}

/// One round of the worker: holds whose time ran out are let go through the clinic's
/// calendar, and how many were.
pub async fn release_once(state: &AppState) -> Result<u64, app::error::AppError> {
    use app::backend::integrations::booking::BookingSystem;
    let rules = app::backend::store::booking::rules(&state.pool, state.clinic_id).await?;
    let calendar = state.calendar(state.clock.now(), &rules);
    Ok(calendar.release_expired().await?)
}

/// How often old rows are tidied away: nothing waits for it.
const HOUSEKEEPING_EVERY: Duration = Duration::from_secs(60 * 60);

/// Removes what is no longer of use (see [`app::backend::store::housekeeping`]) at start
/// and every hour until the task is aborted.
pub fn keep_house(
    pool: PgPool,
    clinic_id: Uuid,
    retention: app::backend::store::housekeeping::Retention,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(HOUSEKEEPING_EVERY);
        loop {
            every.tick().await;
            let now = chrono::Utc::now();
            let swept =
                app::backend::store::housekeeping::sweep(&pool, clinic_id, retention, now).await;
            crate::metrics::job_ran("keep_house", swept.is_ok());
            match swept {
                Ok(swept) if swept.total() == 0 => {}
                Ok(swept) => tracing::info!(?swept, "removed rows no longer of use"),
                Err(error) => tracing::warn!(%error, "could not tidy old rows"),
            }
        }
    })
}

/// The longest wait between looks at the outbox when nothing new is announced: a message
/// due later (a reminder, a retry) goes at most this late.
pub const DELIVERY_IDLE: Duration = Duration::from_secs(1);
/// Messages one round takes.
const DELIVERY_BATCH: i64 = 100;
/// Webhook deliveries one round takes: each may wait 10 s for its receiver, and the last
/// must still be sent inside the claim's lease (`delivery::LEASE`, 5 minutes).
const WEBHOOK_BATCH: i64 = 20;
/// Where the outbox announces a new message on commit (its trigger, migration 25).
const OUTBOX_CHANNEL: &str = "outbox_messages";

/// Delivers due messages until the task is aborted: at once while there is work, then as
/// soon as a new message is committed, and at least every `idle`. With no provider
/// configured it never claims anything.
pub fn deliver_messages(
    deliverer: app::backend::delivery::Deliverer,
    idle: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut announcements = listen(&deliverer.pool).await;
        loop {
            let round = deliverer
                .deliver_due(chrono::Utc::now(), DELIVERY_BATCH)
                .await;
            crate::metrics::job_ran("deliver_messages", round.is_ok());
            match round {
                Ok(round) if round.handled() > 0 => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "could not read the outbox"),
            }
            wait_for_news(&mut announcements, idle).await;
        }
    })
}

/// Delivers due webhook deliveries until the task is aborted, as [`deliver_messages`]
/// delivers messages. A task of its own, so a receiver that is slow to answer never holds
/// up a patient's email.
pub fn deliver_webhooks(
    dispatcher: app::backend::webhooks::Dispatcher,
    idle: Duration,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut announcements = listen(&dispatcher.pool).await;
        loop {
            let round = dispatcher
                .deliver_due(chrono::Utc::now(), WEBHOOK_BATCH)
                .await;
            crate::metrics::job_ran("deliver_webhooks", round.is_ok());
            match round {
                Ok(round) => {
                    crate::metrics::webhook_round(&round);
                    if round.handled() > 0 {
                        continue;
                    }
                }
                Err(error) => tracing::warn!(%error, "could not read the webhook deliveries"),
            }
            wait_for_news(&mut announcements, idle).await;
        }
    })
}

/// A connection listening for new messages; without one, the worker only looks every
/// `idle`, which is slower but loses nothing.
async fn listen(pool: &PgPool) -> Option<PgListener> {
    let listening = async {
        let mut listener = PgListener::connect_with(pool).await?;
        listener.listen(OUTBOX_CHANNEL).await?;
        Ok::<_, sqlx::Error>(listener)
    };
    match listening.await {
        Ok(listener) => Some(listener),
        Err(error) => {
            tracing::warn!(%error, "cannot listen for new messages; looking every second instead");
            None
        }
    }
}

/// Until a new message is announced or `idle` passes. A lost connection is re-made by the
/// next `recv`; meanwhile the worker waits `idle` rather than spinning.
async fn wait_for_news(announcements: &mut Option<PgListener>, idle: Duration) {
    let Some(listener) = announcements else {
        tokio::time::sleep(idle).await;
        return;
    };
    if let Ok(Err(error)) = tokio::time::timeout(idle, listener.recv()).await {
        tracing::warn!(%error, "lost the outbox's announcements; listening again");
        tokio::time::sleep(idle).await;
    }
}

/// How often refunds and fees that could not be sent at once (the payment service was
/// down, the server stopped) are tried again.
const PAYMENT_RETRY_EVERY: Duration = Duration::from_secs(60);

/// Sends stored refunds, and charges fees still waiting for an answer, every minute (and
/// once at start) until the task is aborted. Most go at once, beside the request that
/// stores them; this sends the rest, each with the key it was stored with.
pub fn send_waiting_payments(state: app::backend::state::AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(PAYMENT_RETRY_EVERY);
        loop {
            every.tick().await;
            let now = state.clock.now();
            let refunds = app::backend::refunding::send_due(
                &state.pool,
                state.clinic_id,
                &state.payments,
                now,
            )
            .await;
            crate::metrics::job_ran("send_refunds", refunds.is_ok());
            match refunds {
                Ok(round) if round == Default::default() => {}
                Ok(round) => tracing::info!(?round, "sent refunds"),
                Err(error) => tracing::warn!(%error, "could not send refunds"),
            }
            let fees = app::backend::charging::charge_waiting(
                &state.pool,
                state.clinic_id,
                &state.payments,
                now,
            )
            .await;
            crate::metrics::job_ran("charge_waiting_fees", fees.is_ok());
            match fees {
                Ok(charged) if charged.is_empty() => {}
                Ok(charged) => tracing::info!(?charged, "charged waiting fees again"),
                Err(error) => tracing::warn!(%error, "could not charge waiting fees"),
            }
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
            let withdrawn = jobs.withdraw_expired(chrono::Utc::now().date_naive()).await;
            crate::metrics::job_ran("withdraw_expired_pictures", withdrawn.is_ok());
            match withdrawn {
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

/// The longest wait between waitlist rounds when nothing changes: new working hours, or a
/// time coming within the booking horizon, are offered at most this late.
const WAITLIST_EVERY: Duration = Duration::from_secs(60);
/// A burst of changes (a move is several) makes one round, this long after the first.
const WAITLIST_SETTLE: Duration = Duration::from_millis(500);

/// Offers freed times to the waitlist (see [`app::backend::waitlist`]) whenever one of the
/// clinic's appointments changes, and every minute besides, until the task is aborted or
/// the process stops.
pub fn offer_waitlist_times(state: app::backend::state::AppState) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut changes = state
            .live
            .follow(state.clinic_id, app::domain::access::Role::ClinicAdmin);
        let mut every = tokio::time::interval(WAITLIST_EVERY);
        loop {
            tokio::select! {
                _ = every.tick() => {}
                heard = changes.next() => {
                    if heard.is_none() {
                        return;
                    }
                    tokio::time::sleep(WAITLIST_SETTLE).await;
                    changes.skip_heard();
                }
            }
            let round = app::backend::waitlist::offer_free_times(&state, state.clock.now()).await;
            crate::metrics::job_ran("offer_waitlist_times", round.is_ok());
            match round {
                Ok(round) if round == Default::default() => {}
                Ok(round) => tracing::info!(?round, "offered freed times to the waitlist"),
                Err(error) => tracing::warn!(%error, "could not offer times to the waitlist"),
            }
        }
    })
}
