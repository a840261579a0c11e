//! Where Razorpay's answers come in, each believed only after its signature is checked:
//! - the checkout's answer, posted by the clinic's pay page: HMAC of `order_id|payment_id`
//!   with the key secret, over the order Lumen stored;
//! - a payment link's return (the no-JavaScript path), in the address: HMAC of
//!   `link_id|reference_id|status|payment_id` with the key secret;
//! - webhooks: HMAC of the raw body with the webhook secret (`X-Razorpay-Signature`), each
//!   event applied once by its id (`X-Razorpay-Event-Id`) in the transaction that applies
//!   it, so a repeat is harmless.
//!
//! The pay page's link to Razorpay's payment link is here too: the link is made on first use
//! (most patients pay in the checkout and never need one).

use app::backend::integrations::payments::razorpay::{NewLink, NewOrder};
use app::backend::integrations::payments::razorpay_signature::{self, LinkReturn};
use app::backend::settling;
use app::backend::state::AppState;
use app::backend::store::payments::{self, CheckoutState, Settled};
use app::backend::store::refunds::{self, Answer, RefundState};
use app::domain::payment_policy::Processor;
use app::error::AppError;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;
use std::collections::HashMap;

pub const WEBHOOK_PATH: &str = "/webhooks/razorpay";
/// Where the pay page posts the checkout's answer.
pub const CHECKOUT_DONE_PATH: &str = "/book/pay/done";
/// Where the pay page's button leads without JavaScript.
pub const LINK_PATH: &str = "/book/pay/link";
/// Where Razorpay sends the patient back from a payment link.
pub const LINK_RETURN_PATH: &str = "/book/pay/back";

fn paid_page(order: &str) -> Response {
    Redirect::to(&app::booking::paid_href(order)).into_response()
}

/// Said when an answer is not Razorpay's: the patient can see their booking's state from
/// the link in the page they came from, and nothing was changed.
fn not_verified() -> Response {
    (
        StatusCode::BAD_REQUEST,
        "We couldn't confirm this payment with Razorpay, so nothing was changed. If you paid, your booking will show as paid within a few minutes; otherwise please try again.",
    )
        .into_response()
}

/// Razorpay said the patient paid and Lumen could not record it; Razorpay's webhook will.
fn failed(error: AppError) -> Response {
    tracing::error!(%error, "could not settle a Razorpay payment");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "Something went wrong on our side. Your payment is safe: your booking will show as paid within a few minutes.",
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct CheckoutAnswer {
    razorpay_order_id: String,
    razorpay_payment_id: String,
    razorpay_signature: String,
}

/// The checkout's answer, posted from the pay page once the patient has paid.
pub async fn checkout_done(
    State(state): State<AppState>,
    Form(answer): Form<CheckoutAnswer>,
) -> Response {
    let Some(razorpay) = state.payments.razorpay() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // The order must be one Lumen opened; its stored id is what the signature is checked
    // against.
    let stored = match payments::by_checkout(
        &state.pool,
        state.clinic_id,
        &answer.razorpay_order_id,
    )
    .await
    {
        Ok(Some(payment)) if payment.processor == Processor::Razorpay.code() => payment,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return failed(error.into()),
    };
    let order = stored.checkout_session_id;
    if !razorpay_signature::verifies_checkout(
        &order,
        &answer.razorpay_payment_id,
        &answer.razorpay_signature,
        razorpay.key_secret(),
    ) {
        tracing::warn!("refused a Razorpay checkout answer without a valid signature");
        return not_verified();
    }
    // The answer says a payment was made; the booking waits until Razorpay has its money
    // (the return page asks again, and the webhook says so).
    match razorpay
        .captured_payment(&order, &answer.razorpay_payment_id)
        .await
    {
        Ok(Some(_)) => {}
        Ok(None) => return paid_page(&order),
        Err(error) => {
            tracing::warn!(%error, "Razorpay could not say whether a payment was captured");
            return paid_page(&order);
        }
    }
    let paid = CheckoutState {
        session_id: &order,
        paid: true,
        payment_intent: Some(&answer.razorpay_payment_id),
        customer: None,
    };
    match settling::settle(&state, &paid).await {
        Ok(_) => paid_page(&order),
        Err(error) => failed(error),
    }
}

#[derive(Deserialize)]
pub struct LinkAsked {
    #[serde(default)]
    order: String,
}

/// Razorpay's own page for the payment, for a patient without JavaScript: the link made
/// for it before, or a new one. A GET that makes something, so that a plain link works;
/// pressing it again (or a browser fetching it ahead) finds the link made first.
pub async fn link(State(state): State<AppState>, Query(asked): Query<LinkAsked>) -> Response {
    let Some(razorpay) = state.payments.razorpay() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let payment = match payments::by_checkout(&state.pool, state.clinic_id, &asked.order).await {
        Ok(Some(payment)) if payment.processor == Processor::Razorpay.code() => payment,
        Ok(_) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return unavailable(error),
    };
    let order = payment.checkout_session_id.clone();
    let now = state.clock.now();
    let expires_at = match payment.expires_at {
        Some(at) if payment.status == "open" && at > now => at,
        _ => return paid_page(&order),
    };
    if let Some(url) = payment.payment_link_url {
        return Redirect::to(&url).into_response();
    }
    let currency = match app::domain::money::Currency::parse(&payment.currency) {
        Ok(currency) => currency,
        Err(_) => return unavailable(AppError::Unavailable),
    };
    // Razorpay takes a link only if it lasts 15 minutes or more. One made near the end of
    // the booking's wait outlives it: a payment after the release is refunded at once.
    let expire_by = expires_at.max(now + chrono::Duration::minutes(16));
    let payment_id = payment.payment_id.to_string();
    let callback_url = format!("{}{LINK_RETURN_PATH}", state.public_url);
    let made = razorpay
        .create_payment_link(&NewLink {
            order: NewOrder {
                amount_minor: payment.amount_minor,
                currency,
                payment_id: &payment_id,
            },
            description: &payment.treatment_name,
            customer_email: payment.customer_email.as_deref().unwrap_or_default(),
            callback_url: &callback_url,
            expire_by,
        })
        .await;
    let link = match made {
        Ok(link) => link,
        Err(error) => {
            tracing::warn!(%error, payment_id = %payment.payment_id, "Razorpay did not make a payment link");
            let again = format!("{}&problem=link", app::booking::pay_href(&order));
            return Redirect::to(&again).into_response();
        }
    };
    if let Err(error) = payments::record_link(
        &state.pool,
        state.clinic_id,
        payment.payment_id,
        &link.id,
        &link.short_url,
    )
    .await
    {
        return unavailable(error);
    }
    Redirect::to(&link.short_url).into_response()
}

/// Nothing was paid and something failed on Lumen's side: the patient may try again.
fn unavailable(error: impl Into<AppError>) -> Response {
    let error = error.into();
    tracing::error!(%error, "could not open Razorpay's payment link");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "Something went wrong on our side, and nothing was paid. Please go back and try again.",
    )
        .into_response()
}

#[derive(Deserialize)]
pub struct LinkBack {
    #[serde(default)]
    razorpay_payment_id: String,
    #[serde(default)]
    razorpay_payment_link_id: String,
    #[serde(default)]
    razorpay_payment_link_reference_id: String,
    #[serde(default)]
    razorpay_payment_link_status: String,
    #[serde(default)]
    razorpay_signature: String,
}

/// The patient back from a payment link, with its signed outcome in the address.
pub async fn link_return(State(state): State<AppState>, Query(back): Query<LinkBack>) -> Response {
    let Some(razorpay) = state.payments.razorpay() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let said = LinkReturn {
        link_id: &back.razorpay_payment_link_id,
        reference_id: &back.razorpay_payment_link_reference_id,
        status: &back.razorpay_payment_link_status,
        payment_id: &back.razorpay_payment_id,
    };
    if !razorpay_signature::verifies_link_return(
        &said,
        &back.razorpay_signature,
        razorpay.key_secret(),
    ) {
        tracing::warn!("refused a Razorpay payment link return without a valid signature");
        return not_verified();
    }
    let order = match order_of_link(&state, said.reference_id, said.link_id).await {
        Ok(Some(order)) => order,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => return failed(error.into()),
    };
    let paid = CheckoutState {
        session_id: &order,
        paid: said.status == "paid",
        payment_intent: Some(said.payment_id),
        customer: None,
    };
    match settling::settle(&state, &paid).await {
        Ok(_) => paid_page(&order),
        Err(error) => failed(error),
    }
}

async fn order_of_link(
    state: &AppState,
    reference_id: &str,
    link_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let mut conn = state.pool.acquire().await?;
    payments::checkout_of_link(&mut conn, state.clinic_id, reference_id, link_id).await
}

#[derive(Deserialize)]
struct Event {
    event: String,
    #[serde(default)]
    payload: HashMap<String, Wrapped>,
}

/// Razorpay wraps each object of an event's payload as `{"entity": {…}}`.
#[derive(Deserialize)]
struct Wrapped {
    entity: serde_json::Value,
}

#[derive(Deserialize)]
struct PaymentEntity {
    id: String,
    order_id: Option<String>,
    status: String,
    /// All that has gone back from it, by whoever made the refunds.
    #[serde(default)]
    amount_refunded: i64,
}

#[derive(Deserialize)]
struct LinkEntity {
    id: String,
    reference_id: Option<String>,
}

#[derive(Deserialize)]
struct RefundEntity {
    id: String,
    status: String,
    #[serde(default)]
    notes: serde_json::Value,
}

/// What applying an event came to, for the log.
#[derive(Debug)]
enum Applied {
    Checkout(Settled),
    Refund,
    /// Refunded in Razorpay's dashboard by more than Lumen knew of.
    RefundedAtRazorpay,
}

pub async fn webhook(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(razorpay) = state.payments.razorpay() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let signature = headers
        .get("x-razorpay-signature")
        .and_then(|v| v.to_str().ok());
    if let Err(rejection) =
        razorpay_signature::verify_webhook(signature, &body, razorpay.webhook_secrets())
    {
        tracing::warn!(
            ?rejection,
            "refused a Razorpay webhook without a valid signature"
        );
        return StatusCode::BAD_REQUEST.into_response();
    }
    let event_id = headers
        .get("x-razorpay-event-id")
        .and_then(|v| v.to_str().ok())
        .filter(|id| !id.is_empty() && id.len() <= 100)
        .map(str::to_owned);
    let (Some(event_id), Ok(event)) = (event_id, serde_json::from_slice::<Event>(&body)) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    match apply(&state, &event_id, &event).await {
        Ok(outcome) => {
            tracing::info!(event = %event_id, kind = %event.event, ?outcome, "Razorpay event handled");
            StatusCode::OK.into_response()
        }
        Err(error) => {
            tracing::error!(%error, event = %event_id, "could not apply a Razorpay event");
            // Razorpay delivers it again later.
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}

fn entity<T: serde::de::DeserializeOwned>(event: &Event, name: &str) -> Result<T, AppError> {
    event
        .payload
        .get(name)
        .and_then(|wrapped| serde_json::from_value(wrapped.entity.clone()).ok())
        .ok_or_else(|| AppError::Invalid(format!("a Razorpay event without its {name}")))
}

/// Settles the payment Lumen opened as `order` with what Razorpay says of its payment.
async fn settle(
    tx: &mut sqlx::PgConnection,
    state: &AppState,
    order: &str,
    payment: &PaymentEntity,
) -> Result<Applied, AppError> {
    let paid = CheckoutState {
        session_id: order,
        paid: payment.status == "captured",
        payment_intent: Some(&payment.id),
        customer: None,
    };
    let settled = payments::settle_checkout(
        tx,
        state.clinic_id,
        &paid,
        &state.public_url,
        state.clock.now(),
    )
    .await?;
    Ok(Applied::Checkout(settled))
}

async fn learn_refund(
    tx: &mut sqlx::PgConnection,
    state: &AppState,
    payment: &PaymentEntity,
) -> Result<Option<Applied>, AppError> {
    let clinic_id = state.clinic_id;
    let Some(ours) =
        payments::by_processor_payment(tx, clinic_id, Processor::Razorpay, &payment.id).await?
    else {
        return Ok(None);
    };
    let now = state.clock.now();
    let learnt =
        refunds::record_at_processor(tx, clinic_id, ours, payment.amount_refunded, now).await?;
    if let Some(refund_id) = learnt {
        refunds::tell_patient(tx, clinic_id, refund_id, now).await?;
    }
    Ok(learnt.map(|_| Applied::RefundedAtRazorpay))
}

/// Applies the event once, in one transaction with its record.
async fn apply(
    state: &AppState,
    event_id: &str,
    event: &Event,
) -> Result<Option<Applied>, AppError> {
    let mut tx = state.pool.begin().await?;
    if !payments::record_event(&mut tx, state.clinic_id, "razorpay", event_id, &event.event).await?
    {
        return Ok(None);
    }
    let now = state.clock.now();
    let outcome = match event.event.as_str() {
        // A payment at the checkout is on the order Lumen opened; one through a payment
        // link is on the link's own order, and is settled by `payment_link.paid`.
        "payment.captured" | "order.paid" => {
            let payment: PaymentEntity = entity(event, "payment")?;
            match payment.order_id.as_deref() {
                Some(order) => Some(settle(&mut tx, state, order, &payment).await?),
                None => None,
            }
        }
        "payment_link.paid" => {
            let link: LinkEntity = entity(event, "payment_link")?;
            let payment: PaymentEntity = entity(event, "payment")?;
            let reference = link.reference_id.unwrap_or_default();
            match payments::checkout_of_link(&mut tx, state.clinic_id, &reference, &link.id).await?
            {
                Some(order) => Some(settle(&mut tx, state, &order, &payment).await?),
                None => None,
            }
        }
        "refund.created" | "refund.processed" | "refund.failed" => {
            let refund: RefundEntity = entity(event, "refund")?;
            // Lumen's own refunds carry its id in their notes.
            let carried = refund.notes.get("refund_id").and_then(|id| id.as_str());
            let ours = refunds::of_event(&mut tx, state.clinic_id, carried, &refund.id).await?;
            match ours {
                Some(refund_id) => {
                    let answer = Answer {
                        processor_refund_id: Some(&refund.id),
                        state: RefundState::from_razorpay(&refund.status),
                        failure: None,
                    };
                    refunds::record_state(&mut tx, state.clinic_id, refund_id, &answer, now)
                        .await?;
                    Some(Applied::Refund)
                }
                // Made in Razorpay's dashboard: learnt, once it is made, from what the payment
                // says has gone back in all, so no refund ever returns more than is left.
                None if event.event == "refund.processed" => {
                    learn_refund(&mut tx, state, &entity(event, "payment")?).await?
                }
                None => None,
            }
        }
        // Recorded, and nothing else: a failed attempt leaves the order open to try again.
        _ => None,
    };
    tx.commit().await?;
    if matches!(outcome, Some(Applied::Checkout(settled)) if settled.refunds_due()) {
        state.send_refunds_soon();
    }
    Ok(outcome)
}
