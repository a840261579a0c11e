//! Sends stored refunds to their payment service. Each goes with the idempotency key it was
//! stored with, so sending one again (after a timeout, a crash, or from two places at once)
//! is the same request and returns the money once. What the service answers is recorded;
//! while it cannot be reached the refund waits for the next round.

use crate::backend::integrations::payments::razorpay::RazorpayError;
use crate::backend::integrations::payments::stripe::{NewRefund, StripeError};
use crate::backend::integrations::payments::Payments;
use crate::backend::store::refunds::{self, Answer, RefundOrder, RefundState};
use crate::domain::payment_policy::Processor;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Refunds one round sends.
const BATCH: i64 = 50;

/// What one round did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Taken by the service (on their way or done).
    pub taken: usize,
    /// Refused by the service: staff see why.
    pub refused: usize,
    /// Left for the next round: the service could not be reached.
    pub waiting: usize,
}

/// Sends every refund stored and not yet taken.
pub async fn send_due(
    pool: &PgPool,
    clinic_id: Uuid,
    payments: &Payments,
    now: DateTime<Utc>,
) -> Result<Round, sqlx::Error> {
    let mut round = Round::default();
    for order in refunds::unsent(pool, clinic_id, BATCH).await? {
        let answer = send(payments, &order).await;
        let Some((processor_refund_id, state, failure)) = answer else {
            round.waiting += 1;
            continue;
        };
        match state {
            RefundState::Failed => round.refused += 1,
            _ => round.taken += 1,
        }
        let answer = Answer {
            processor_refund_id: processor_refund_id.as_deref(),
            state,
            failure: failure.as_deref(),
        };
        let mut tx = pool.begin().await?;
        refunds::record_state(&mut tx, clinic_id, order.refund_id, &answer, now).await?;
        tx.commit().await?;
    }
    Ok(round)
}

type Sent = (Option<String>, RefundState, Option<String>);

/// The service's answer for one refund; `None` when it is to be tried again later.
async fn send(payments: &Payments, order: &RefundOrder) -> Option<Sent> {
    match order.processor {
        Processor::Stripe => {
            let Some(stripe) = payments.stripe() else {
                tracing::warn!(refund = %order.refund_id, "a Stripe refund waits: this server has no Stripe key");
                return None;
            };
            let Some(payment_intent) = order.payment_intent.as_deref() else {
                return Some(never_said(order.processor));
            };
            let refund_id = order.refund_id.to_string();
            let asked = NewRefund {
                payment_intent,
                amount_minor: order.amount_minor,
                currency: order.currency,
                refund_id: &refund_id,
            };
            match stripe.create_refund(&order.idempotency_key, &asked).await {
                Ok(refund) => Some((
                    Some(refund.id),
                    RefundState::from_stripe(&refund.status),
                    refund.failure_reason,
                )),
                Err(StripeError::Unavailable(reason)) => {
                    tracing::warn!(refund = %order.refund_id, %reason, "a refund waits: Stripe could not be reached");
                    None
                }
                Err(StripeError::Refused { message, .. }) => {
                    Some((None, RefundState::Failed, Some(message)))
                }
            }
        }
        Processor::Razorpay => {
            let Some(razorpay) = payments.razorpay() else {
                tracing::warn!(refund = %order.refund_id, "a Razorpay refund waits: this server has no Razorpay key");
                return None;
            };
            let Some(payment_id) = order.payment_intent.as_deref() else {
                return Some(never_said(order.processor));
            };
            let refund_id = order.refund_id.to_string();
            let sent = razorpay
                .create_refund(
                    &order.idempotency_key,
                    payment_id,
                    order.amount_minor,
                    &refund_id,
                )
                .await;
            match sent {
                Ok(refund) => Some((
                    Some(refund.id),
                    RefundState::from_razorpay(&refund.status),
                    None,
                )),
                Err(RazorpayError::Unavailable(reason)) => {
                    tracing::warn!(refund = %order.refund_id, %reason, "a refund waits: Razorpay could not be reached");
                    None
                }
                Err(RazorpayError::Refused { description, .. }) => {
                    Some((None, RefundState::Failed, Some(description)))
                }
            }
        }
        // Money taken at the desk is returned at the desk; it is never sent anywhere.
        Processor::Offline => None,
    }
}

/// A refund of a payment whose processor never said which of its payments it was.
fn never_said(processor: Processor) -> Sent {
    (
        None,
        RefundState::Failed,
        Some(format!(
            "{} never said which payment this was",
            processor.label()
        )),
    )
}
