//! What every request can reach: the pool, the Leptos options, which clinic this site is.

use crate::backend::delivery::Deliverer;
use crate::backend::integrations::media::Media;
use crate::backend::integrations::messaging::Messaging;
use crate::backend::integrations::payments::Payments;
use crate::backend::media_jobs::Jobs;
use crate::error::AppError;
use axum::extract::FromRef;
use chrono::{DateTime, Duration, Utc};
use leptos::prelude::*;
use sqlx::PgPool;
use std::sync::{Arc, Mutex};
use uuid::Uuid;

/// The time as the app sees it: the system clock, or one that tests set and move.
#[derive(Clone, Default)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    pub fn system() -> Self {
        Clock(None)
    }

    pub fn fixed(at: DateTime<Utc>) -> Self {
        Clock(Some(Arc::new(Mutex::new(at))))
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now(),
            Some(at) => *at.lock().unwrap_or_else(|e| e.into_inner()),
        }
    }

    /// Moves a fixed clock forward; the system clock cannot be moved.
    pub fn advance(&self, by: Duration) {
        if let Some(at) = &self.0 {
            *at.lock().unwrap_or_else(|e| e.into_inner()) += by;
        }
    }
}

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    /// The clinic whose public site this server shows.
    pub clinic_id: Uuid,
    pub clock: Clock,
    /// Where the public reaches this site, without a trailing slash, for links in emails.
    /// Configured, never taken from a request's Host header, which a sender controls.
    pub public_url: String,
    /// Uploaded originals and public files.
    pub media: Media,
    /// The providers messages leave by; with none, the development mailbox.
    pub messaging: Messaging,
    /// The payment services this server has keys for.
    pub payments: Payments,
    /// Seals the secrets the server stores and must read back (`LUMEN_SECRET_KEY`).
    pub secret_keys: std::sync::Arc<crate::backend::auth::sealing::SecretKeys>,
    /// Which engine answers patients' questions: the built-in one unless a model is set.
    pub assistant: crate::backend::integrations::assistant::Engine,
    /// The video rooms open in this process, and the STUN and TURN servers calls use.
    pub video: crate::backend::video::Video,
    /// The changes staff screens follow live (`backend::live`); `listen` starts hearing them.
    pub live: crate::backend::live::Live,
    /// The client webhook deliveries leave by, and whether it may reach private addresses.
    pub webhooks: crate::backend::webhooks::Webhooks,
    /// The calendar bookings go through: Lumen's own, or the clinic's practice system.
    pub booking: crate::backend::integrations::booking::BookingBackend,
}

impl AppState {
    /// The background work on pictures, for this clinic.
    pub fn jobs(&self) -> Jobs {
        Jobs {
            pool: self.pool.clone(),
            media: self.media.clone(),
            clinic_id: self.clinic_id,
        }
    }

    /// Sends the refunds just stored, beside the request that stored them; the refund
    /// worker sends any this misses (the server stopped, the service was down).
    pub fn send_refunds_soon(&self) {
        let (pool, clinic_id, payments) =
            (self.pool.clone(), self.clinic_id, self.payments.clone());
        let now = self.clock.now();
        tokio::spawn(async move {
            if let Err(error) =
                crate::backend::refunding::send_due(&pool, clinic_id, &payments, now).await
            {
                tracing::warn!(%error, "could not send refunds");
            }
        });
    }

    /// The delivery of this clinic's outbox.
    /// The clinic's calendar as of `now`, whichever backend it is.
    pub fn calendar<'a>(
        &'a self,
        now: DateTime<Utc>,
        rules: &'a crate::backend::store::booking::Rules,
    ) -> crate::backend::integrations::booking::ClinicCalendar<'a> {
        self.booking
            .calendar(&self.pool, self.clinic_id, now, rules)
    }

    pub fn deliverer(&self) -> Deliverer {
        Deliverer::new(self.pool.clone(), self.clinic_id, self.messaging.clone())
    }

    /// The delivery of this clinic's webhooks.
    pub fn dispatcher(&self) -> crate::backend::webhooks::Dispatcher {
        crate::backend::webhooks::Dispatcher {
            pool: self.pool.clone(),
            clinic_id: self.clinic_id,
            webhooks: self.webhooks.clone(),
            secret_keys: self.secret_keys.clone(),
        }
    }
}

/// The one accessor server functions use to reach the state the server provided.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState was not provided to the Leptos context");
        AppError::Unavailable
    })
}
