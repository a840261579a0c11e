//! Late-cancellation and no-show fees charged to the card the patient let the clinic keep.
//! A fee is stored and audited, with the idempotency key of its one charge, before the
//! payment service is called; its answer is recorded after. A fee only moves forward (open,
//! then paid or refused), so the service's answer and its webhook, in either order, agree.

use super::receipts;
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::domain::appointment::AppointmentStatus;
use crate::domain::money::Currency;
use crate::domain::payments::{Fee, Purpose};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A fee stored and not yet answered, as its charge needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeOrder {
    pub payment_id: Uuid,
    pub idempotency_key: String,
    pub amount_minor: i64,
    pub currency: Currency,
    /// Stripe's customer the card was kept for.
    pub customer: String,
    /// The booking's payment the card was kept from: Stripe names the card on it.
    pub kept_from: String,
    /// `No-show fee for HydraFacial`.
    pub description: String,
    /// Whether this is a fee charged earlier that was never answered, sent again.
    pub again: bool,
}

/// Stores the fee `fee` for appointment `appointment_id` (audited as `staff`'s), ready to
/// be charged; an appointment is charged one fee. When its fee is still waiting for an
/// answer, that one is returned instead, to be sent again with its own key: it can never be
/// taken twice.
pub async fn start(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
    fee: &Fee,
    staff: &Principal,
    now: DateTime<Utc>,
) -> Result<FeeOrder, AppError> {
    let mut tx = pool.begin().await?;
    let appointment = sqlx::query!(
        r#"SELECT a.status::text AS "status!", t.name AS treatment, c.currency
           FROM appointments a
           JOIN treatments t ON t.id = a.treatment_id
           JOIN clinics c ON c.id = a.clinic_id
           WHERE a.clinic_id = $1 AND a.id = $2
           FOR UPDATE OF a"#,
        clinic_id,
        appointment_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let purpose = AppointmentStatus::parse(&appointment.status)
        .and_then(Purpose::fee_for)
        .ok_or_else(|| {
            AppError::Invalid(
                "A fee is charged only for an appointment that was cancelled or missed.".to_owned(),
            )
        })?;
    let card = kept_card(&mut tx, clinic_id, appointment_id)
        .await?
        .ok_or_else(|| {
            AppError::Invalid(
                "No card was kept from this booking's payment, so no fee can be charged to it."
                    .to_owned(),
            )
        })?;
    let currency = super::clinic::stored_currency(&appointment.currency)?;
    let description = purpose.item(&appointment.treatment);
    let earlier = sqlx::query!(
        "SELECT id, idempotency_key, amount_minor, status FROM payments
         WHERE appointment_id = $1 AND status IN ('open', 'paid')
           AND purpose IN ('late_cancel_fee', 'no_show_fee')",
        appointment_id
    )
    .fetch_all(&mut *tx)
    .await?;
    if earlier.iter().any(|fee| fee.status == "paid") {
        return Err(AppError::Invalid(
            "This appointment's fee was charged already. To charge a different amount, refund that one first."
                .to_owned(),
        ));
    }
    if let Some(waiting) = earlier.into_iter().next() {
        return Ok(FeeOrder {
            payment_id: waiting.id,
            idempotency_key: waiting.idempotency_key,
            amount_minor: waiting.amount_minor,
            currency,
            customer: card.customer,
            kept_from: card.payment_intent,
            description,
            again: true,
        });
    }
    let payment_id = Uuid::new_v4();
    let idempotency_key = format!("lumen-fee-{payment_id}");
    sqlx::query!(
        "INSERT INTO payments (id, clinic_id, appointment_id, processor, amount_minor, currency,
                               idempotency_key, purpose, customer_id, note, taken_by, created_at)
         VALUES ($1, $2, $3, 'stripe', $4, $5, $6, $7, $8, $9, $10, $11)",
        payment_id,
        clinic_id,
        appointment_id,
        fee.amount_minor,
        currency.code(),
        idempotency_key,
        purpose.code(),
        card.customer,
        (!fee.note.is_empty()).then_some(fee.note.as_str()),
        staff.user_id,
        now
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, staff, "charged_fee", "payment", Some(payment_id)).await?;
    tx.commit().await?;
    Ok(FeeOrder {
        payment_id,
        idempotency_key,
        amount_minor: fee.amount_minor,
        currency,
        customer: card.customer,
        kept_from: card.payment_intent,
        description,
        again: false,
    })
}

/// Fees stored before `before` that are still waiting for the service's answer (it could
/// not be reached, or the server stopped), oldest first, to be charged again with their
/// own keys.
pub async fn waiting(
    pool: &PgPool,
    clinic_id: Uuid,
    before: DateTime<Utc>,
) -> Result<Vec<FeeOrder>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT f.id, f.idempotency_key, f.amount_minor, f.currency, f.purpose,
                  f.customer_id AS "customer!", t.name AS treatment,
                  (SELECT b.payment_intent_id FROM payments b
                   WHERE b.appointment_id = f.appointment_id AND b.purpose = 'booking'
                     AND b.status = 'paid' AND b.customer_id = f.customer_id
                   ORDER BY b.paid_at DESC LIMIT 1) AS kept_from
           FROM payments f
           JOIN appointments a ON a.id = f.appointment_id
           JOIN treatments t ON t.id = a.treatment_id
           WHERE f.clinic_id = $1 AND f.status = 'open'
             AND f.purpose IN ('late_cancel_fee', 'no_show_fee')
             AND f.customer_id IS NOT NULL AND f.created_at < $2
           ORDER BY f.created_at"#,
        clinic_id,
        before
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(FeeOrder {
                payment_id: r.id,
                idempotency_key: r.idempotency_key,
                amount_minor: r.amount_minor,
                currency: Currency::parse(&r.currency).ok()?,
                customer: r.customer,
                kept_from: r.kept_from?,
                description: Purpose::from_code(&r.purpose)?.item(&r.treatment),
                again: true,
            })
        })
        .collect())
}

/// A card kept from a booking's payment.
pub struct KeptCard {
    pub customer: String,
    pub payment_intent: String,
}

/// The card kept from the appointment's booking payment, if the clinic kept one.
async fn kept_card(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    appointment_id: Uuid,
) -> Result<Option<KeptCard>, sqlx::Error> {
    let row = sqlx::query!(
        r#"SELECT customer_id AS "customer!", payment_intent_id AS "payment_intent!"
           FROM payments
           WHERE clinic_id = $1 AND appointment_id = $2 AND purpose = 'booking'
             AND processor = 'stripe' AND status = 'paid'
             AND customer_id IS NOT NULL AND payment_intent_id IS NOT NULL
           ORDER BY paid_at DESC LIMIT 1"#,
        clinic_id,
        appointment_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    Ok(row.map(|r| KeptCard {
        customer: r.customer,
        payment_intent: r.payment_intent,
    }))
}

/// What the payment service said of a fee.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeeAnswer<'a> {
    /// Taken: the payment intent that took it.
    Paid { payment_intent: &'a str },
    /// Refused, with the service's reason for staff.
    Declined {
        payment_intent: Option<&'a str>,
        reason: &'a str,
    },
}

/// Records the answer to a fee still waiting for one (a later answer changes nothing), and
/// emails the patient a receipt when it was taken. Whether this answer was the one recorded.
pub async fn record_answer(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    payment_id: Uuid,
    answer: FeeAnswer<'_>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let recorded = match answer {
        FeeAnswer::Paid { payment_intent } => sqlx::query!(
            "UPDATE payments SET status = 'paid', paid_at = $3, payment_intent_id = $4
             WHERE clinic_id = $1 AND id = $2 AND status = 'open'
               AND purpose IN ('late_cancel_fee', 'no_show_fee')",
            clinic_id,
            payment_id,
            now,
            payment_intent
        )
        .execute(&mut *tx)
        .await?
        .rows_affected(),
        FeeAnswer::Declined {
            payment_intent,
            reason,
        } => sqlx::query!(
            "UPDATE payments SET status = 'failed', failure = $3,
                    payment_intent_id = coalesce($4, payment_intent_id)
             WHERE clinic_id = $1 AND id = $2 AND status = 'open'
               AND purpose IN ('late_cancel_fee', 'no_show_fee')",
            clinic_id,
            payment_id,
            reason,
            payment_intent
        )
        .execute(&mut *tx)
        .await?
        .rows_affected(),
    } == 1;
    if recorded && matches!(answer, FeeAnswer::Paid { .. }) {
        receipts::email(tx, clinic_id, payment_id, now).await?;
    }
    Ok(recorded)
}
