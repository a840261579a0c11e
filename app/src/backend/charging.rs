//! Charges a stored fee to the card the patient let the clinic keep. The charge goes with
//! the idempotency key the fee was stored with, so charging it again (the service did not
//! answer, staff pressed twice, or the retry worker found it waiting) is the same request
//! and takes the money once.

use crate::backend::integrations::payments::stripe::{NewCharge, StripeError};
use crate::backend::integrations::payments::Payments;
use crate::backend::store::fees::{self, FeeAnswer, FeeOrder};
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// What charging a fee came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Charged {
    Paid,
    /// The card was refused, in the service's words; nothing was taken.
    Declined(String),
    /// No answer yet: the fee waits, and charging it again is safe.
    Waiting,
}

/// How long a fee waits for the answer to its first call before it is charged again: the
/// call beside the staff member's press has long finished by then.
pub const RETRY_AFTER_MINUTES: i64 = 1;

/// Charges again every fee still waiting for an answer; how each came out.
pub async fn charge_waiting(
    pool: &PgPool,
    clinic_id: Uuid,
    payments: &Payments,
    now: DateTime<Utc>,
) -> Result<Vec<Charged>, sqlx::Error> {
    let before = now - chrono::Duration::minutes(RETRY_AFTER_MINUTES);
    let mut outcomes = Vec::new();
    for order in fees::waiting(pool, clinic_id, before).await? {
        outcomes.push(charge(pool, clinic_id, payments, &order, now).await?);
    }
    Ok(outcomes)
}

/// Charges the fee `order` and records the answer.
pub async fn charge(
    pool: &PgPool,
    clinic_id: Uuid,
    payments: &Payments,
    order: &FeeOrder,
    now: DateTime<Utc>,
) -> Result<Charged, sqlx::Error> {
    let Some(stripe) = payments.stripe() else {
        tracing::warn!(payment = %order.payment_id, "a fee waits: this server has no Stripe key");
        return Ok(Charged::Waiting);
    };
    let payment_method = match stripe.payment_intent(&order.kept_from).await {
        Ok(kept) => kept.payment_method,
        Err(StripeError::Unavailable(reason)) => {
            tracing::warn!(payment = %order.payment_id, %reason, "a fee waits: Stripe could not be reached");
            return Ok(Charged::Waiting);
        }
        Err(StripeError::Refused { .. }) => None,
    };
    let payment_id = order.payment_id.to_string();
    let outcome = match payment_method.as_deref() {
        None => Charged::Declined(
            "Stripe holds no card from the booking's payment any more.".to_owned(),
        ),
        Some(payment_method) => {
            let charge = NewCharge {
                amount_minor: order.amount_minor,
                currency: order.currency,
                customer: &order.customer,
                payment_method,
                description: &order.description,
                payment_id: &payment_id,
            };
            match stripe
                .charge_kept_card(&order.idempotency_key, &charge)
                .await
            {
                Ok(intent) if intent.status == "succeeded" => {
                    let mut tx = pool.begin().await?;
                    let answer = FeeAnswer::Paid {
                        payment_intent: &intent.id,
                    };
                    fees::record_answer(&mut tx, clinic_id, order.payment_id, answer, now).await?;
                    tx.commit().await?;
                    return Ok(Charged::Paid);
                }
                // Its webhook says how it ends.
                Ok(intent) if intent.status == "processing" => Charged::Waiting,
                Ok(_) => Charged::Declined(
                    "The patient's bank wants them to approve this payment themselves, which they cannot do while they are away. Ask them to pay at the desk."
                        .to_owned(),
                ),
                Err(StripeError::Unavailable(reason)) => {
                    tracing::warn!(payment = %order.payment_id, %reason, "a fee waits: Stripe could not be reached");
                    Charged::Waiting
                }
                Err(StripeError::Refused {
                    message,
                    decline_code,
                    ..
                }) => Charged::Declined(match decline_code {
                    Some(code) => format!("{message} ({})", code.replace('_', " ")),
                    None => message,
                }),
            }
        }
    };
    if let Charged::Declined(reason) = &outcome {
        let mut tx = pool.begin().await?;
        let answer = FeeAnswer::Declined {
            payment_intent: None,
            reason,
        };
        fees::record_answer(&mut tx, clinic_id, order.payment_id, answer, now).await?;
        tx.commit().await?;
    }
    Ok(outcome)
}
