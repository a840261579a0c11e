//! What Stripe sends back: events about the checkouts Lumen opened. The `Stripe-Signature`
//! header is checked over the raw body before anything in it is read; a missing, wrong or
//! stale signature is answered 400 and changes nothing. Each event's id is recorded in the
//! transaction that applies it, so a repeat (or the same event five times at once) is a
//! no-op, and a payment's state only moves forward, so the order events arrive in does not
//! matter.

use app::backend::integrations::payments::stripe_signature;
use app::backend::state::AppState;
use app::backend::store::payments::{self, CheckoutState, Settled};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

pub const PATH: &str = "/webhooks/stripe";

#[derive(Deserialize)]
struct Event {
    id: String,
    #[serde(rename = "type")]
    kind: String,
    data: EventData,
}

#[derive(Deserialize)]
struct EventData {
    object: serde_json::Value,
}

/// The checkout a `checkout.session.*` event is about.
#[derive(Deserialize)]
struct Session {
    id: String,
    payment_status: String,
    payment_intent: Option<String>,
}

pub async fn event(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(stripe) = state.payments.stripe() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let signature = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = state.clock.now();
    if let Err(rejection) =
        stripe_signature::verify(signature, &body, stripe.webhook_secrets(), now.timestamp())
    {
        tracing::warn!(
            ?rejection,
            "refused a Stripe webhook without a valid signature"
        );
        return StatusCode::BAD_REQUEST.into_response();
    }
    let Ok(event) = serde_json::from_slice::<Event>(&body) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match apply(&state, &event).await {
        Ok(outcome) => {
            tracing::info!(event = %event.id, kind = %event.kind, ?outcome, "Stripe event handled");
            StatusCode::OK.into_response()
        }
        Err(error) => {
            tracing::error!(%error, event = %event.id, "could not apply a Stripe event");
            // Stripe delivers it again later.
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

/// Applies the event once, in one transaction with its record.
async fn apply(state: &AppState, event: &Event) -> Result<Option<Settled>, app::error::AppError> {
    let mut tx = state.pool.begin().await?;
    if !payments::record_event(&mut tx, state.clinic_id, "stripe", &event.id, &event.kind).await? {
        // Already applied: a repeat, or the same event arriving twice at once.
        return Ok(None);
    }
    let outcome = match event.kind.as_str() {
        "checkout.session.completed"
        | "checkout.session.async_payment_succeeded"
        | "checkout.session.async_payment_failed"
        | "checkout.session.expired" => {
            let Ok(session) = serde_json::from_value::<Session>(event.data.object.clone()) else {
                return Err(app::error::AppError::Invalid(
                    "a checkout event without its session".to_owned(),
                ));
            };
            let checkout = CheckoutState {
                session_id: &session.id,
                paid: session.payment_status == "paid",
                payment_intent: session.payment_intent.as_deref(),
            };
            Some(
                payments::settle_checkout(
                    &mut tx,
                    state.clinic_id,
                    &checkout,
                    &state.public_url,
                    state.clock.now(),
                )
                .await?,
            )
        }
        // Recorded, and nothing else yet: refunds and disputes are read by later work.
        _ => None,
    };
    tx.commit().await?;
    Ok(outcome)
}
