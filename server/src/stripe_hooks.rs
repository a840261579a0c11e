//! What Stripe sends back: events about the checkouts, refunds and fees Lumen started. The
//! `Stripe-Signature` header is checked over the raw body before anything in it is read; a
//! missing, wrong or stale signature is answered 400 and changes nothing. Each event's id is
//! recorded in the transaction that applies it, so a repeat (or the same event five times
//! at once) is a no-op, and a payment's state only moves forward, so the order events
//! arrive in does not matter.

use app::backend::integrations::payments::stripe::lumen_amount;
use app::backend::integrations::payments::stripe_signature;
use app::backend::state::AppState;
use app::backend::store::fees::{self, FeeAnswer};
use app::backend::store::payments::{self, CheckoutState, Settled};
use app::backend::store::refunds::{self, Answer, RefundState};
use app::error::AppError;
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
    /// Set when the card was kept (for later fees).
    customer: Option<String>,
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

/// What applying an event came to, for the log.
#[derive(Debug)]
enum Applied {
    Checkout(Settled),
    Refund,
    /// Refunded at Stripe by more than Lumen knew of.
    RefundedAtStripe,
    Disputed,
    /// A fee's answer arrived before (or instead of) the answer to its call.
    Fee,
}

/// The payment intent a `payment_intent.*` event is about.
#[derive(Deserialize)]
struct Intent {
    id: String,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
    last_payment_error: Option<IntentError>,
}

#[derive(Deserialize)]
struct IntentError {
    message: Option<String>,
}

/// The dispute a `charge.dispute.created` event is about.
#[derive(Deserialize)]
struct Dispute {
    payment_intent: Option<String>,
    reason: String,
}

/// The refund a `refund.*` event is about.
#[derive(Deserialize)]
struct StripeRefund {
    id: String,
    status: String,
    failure_reason: Option<String>,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
}

/// The charge a `charge.refunded` event is about: how much of it has gone back in all, and
/// Lumen's payment it belongs to (the checkout put its id on the payment's metadata, which
/// Stripe copies to the charge).
#[derive(Deserialize)]
struct Charge {
    amount_refunded: i64,
    currency: String,
    #[serde(default)]
    metadata: std::collections::HashMap<String, String>,
}

/// Applies the event once, in one transaction with its record.
async fn apply(state: &AppState, event: &Event) -> Result<Option<Applied>, AppError> {
    let mut tx = state.pool.begin().await?;
    if !payments::record_event(&mut tx, state.clinic_id, "stripe", &event.id, &event.kind).await? {
        // Already applied: a repeat, or the same event arriving twice at once.
        return Ok(None);
    }
    let now = state.clock.now();
    let object = || event.data.object.clone();
    let outcome = match event.kind.as_str() {
        "checkout.session.completed"
        | "checkout.session.async_payment_succeeded"
        | "checkout.session.async_payment_failed"
        | "checkout.session.expired" => {
            let session: Session = serde_json::from_value(object()).map_err(|_| {
                AppError::Invalid("a checkout event without its session".to_owned())
            })?;
            let checkout = CheckoutState {
                session_id: &session.id,
                paid: session.payment_status == "paid",
                payment_intent: session.payment_intent.as_deref(),
                customer: session.customer.as_deref(),
            };
            let settled = payments::settle_checkout(
                &mut tx,
                state.clinic_id,
                &checkout,
                &state.public_url,
                now,
            )
            .await?;
            Some(Applied::Checkout(settled))
        }
        "refund.created" | "refund.updated" | "refund.failed" => {
            let refund: StripeRefund = serde_json::from_value(object())
                .map_err(|_| AppError::Invalid("a refund event without its refund".to_owned()))?;
            // Lumen's own refunds carry its id; any other is learnt from `charge.refunded`.
            let carried = refund.metadata.get("refund_id").map(String::as_str);
            let ours = refunds::of_event(&mut tx, state.clinic_id, carried, &refund.id).await?;
            match ours {
                Some(refund_id) => {
                    let answer = Answer {
                        processor_refund_id: Some(&refund.id),
                        state: RefundState::from_stripe(&refund.status),
                        failure: refund.failure_reason.as_deref(),
                    };
                    refunds::record_state(&mut tx, state.clinic_id, refund_id, &answer, now)
                        .await?;
                    Some(Applied::Refund)
                }
                None => None,
            }
        }
        "charge.refunded" => {
            let charge: Charge = serde_json::from_value(object())
                .map_err(|_| AppError::Invalid("a refund event without its charge".to_owned()))?;
            let payment_id = charge
                .metadata
                .get("payment_id")
                .and_then(|id| id.parse().ok());
            let currency =
                app::domain::money::Currency::parse(&charge.currency.to_ascii_uppercase());
            let learnt = match (payment_id, currency) {
                (Some(payment_id), Ok(currency)) => {
                    refunds::record_at_processor(
                        &mut tx,
                        state.clinic_id,
                        payment_id,
                        lumen_amount(charge.amount_refunded, currency),
                        now,
                    )
                    .await?
                }
                _ => None,
            };
            if let Some(refund_id) = learnt {
                refunds::tell_patient(&mut tx, state.clinic_id, refund_id, now).await?;
            }
            learnt.map(|_| Applied::RefundedAtStripe)
        }
        "payment_intent.succeeded" | "payment_intent.payment_failed" => {
            let intent: Intent = serde_json::from_value(object()).map_err(|_| {
                AppError::Invalid("a payment event without its payment intent".to_owned())
            })?;
            // Only a fee is settled by its intent; a booking's payment by its checkout.
            let payment_id = intent
                .metadata
                .get("payment_id")
                .and_then(|id| id.parse().ok());
            let reason = intent
                .last_payment_error
                .and_then(|e| e.message)
                .unwrap_or_else(|| "The card was declined.".to_owned());
            let answer = match event.kind.as_str() {
                "payment_intent.succeeded" => FeeAnswer::Paid {
                    payment_intent: &intent.id,
                },
                _ => FeeAnswer::Declined {
                    payment_intent: Some(&intent.id),
                    reason: &reason,
                },
            };
            let recorded = match payment_id {
                Some(payment_id) => {
                    fees::record_answer(&mut tx, state.clinic_id, payment_id, answer, now).await?
                }
                None => false,
            };
            recorded.then_some(Applied::Fee)
        }
        "charge.dispute.created" => {
            let dispute: Dispute = serde_json::from_value(object())
                .map_err(|_| AppError::Invalid("a dispute event without its dispute".to_owned()))?;
            let ours = match dispute.payment_intent.as_deref() {
                Some(intent) => {
                    payments::record_dispute(&mut tx, state.clinic_id, intent, &dispute.reason, now)
                        .await?
                }
                None => false,
            };
            ours.then_some(Applied::Disputed)
        }
        // Recorded, and nothing else: a Checkout payment's own events say what these would.
        _ => None,
    };
    tx.commit().await?;
    if matches!(outcome, Some(Applied::Checkout(settled)) if settled.refunds_due()) {
        state.send_refunds_soon();
    }
    Ok(outcome)
}
