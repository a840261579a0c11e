//! Money returned from payments. A refund is stored, with the idempotency key its call to
//! the processor carries, in the transaction that decides it (a booking cancelled, a late
//! payment found); it is sent after that commits, and sent again with the same key until
//! the processor has answered, so a crash or a timeout can never refund twice or not at all.
//! The patient is emailed once the processor has taken it.

use super::booking::appointment_facts;
use super::templates;
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::backend::templates::Values;
use crate::domain::booking::{may_change_online, when};
use crate::domain::money::{Currency, Money};
use crate::domain::payment_policy::Processor;
use crate::domain::payments::{DeskMethod, Purpose};
use crate::domain::refunds::{
    refund_amount, refund_on_cancel, CancelledBy, RefundReason, RefundRefused, StaffRefund,
};
use crate::domain::templates::PAYMENT_REFUNDED;
use crate::error::AppError;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A refund to be made, and whoever asked for it.
pub struct Asked<'a> {
    pub reason: RefundReason,
    /// In minor units; everything left when `None`.
    pub amount_minor: Option<i64>,
    /// Staff's words for a refund they made.
    pub note: Option<&'a str>,
    pub by: Option<Uuid>,
}

/// Why a refund was not stored.
#[derive(Debug, thiserror::Error)]
pub enum NotRequested {
    #[error(transparent)]
    Refused(#[from] RefundRefused),
    #[error("no such payment")]
    NoPayment,
    #[error(transparent)]
    Failed(#[from] sqlx::Error),
}

/// Stores a refund of `payment_id`. The payment's row is locked first, so two refunds
/// decided at once can never together return more than was paid.
pub async fn request(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    payment_id: Uuid,
    asked: &Asked<'_>,
    now: DateTime<Utc>,
) -> Result<Uuid, NotRequested> {
    let payment = sqlx::query!(
        "SELECT status, amount_minor FROM payments WHERE clinic_id = $1 AND id = $2 FOR UPDATE",
        clinic_id,
        payment_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(NotRequested::NoPayment)?;
    if payment.status != "paid" {
        return Err(RefundRefused::NotPaid.into());
    }
    let refunded = refunded(tx, payment_id).await?;
    let amount = refund_amount(payment.amount_minor, refunded, asked.amount_minor)?;
    let refund_id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO refunds (id, clinic_id, payment_id, amount_minor, reason, note,
                              requested_by, idempotency_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
        refund_id,
        clinic_id,
        payment_id,
        amount,
        asked.reason.code(),
        asked.note,
        asked.by,
        format!("lumen-refund-{refund_id}"),
        now
    )
    .execute(&mut *tx)
    .await?;
    Ok(refund_id)
}

/// What has gone back from a payment, or is on its way: every refund but a failed one.
async fn refunded(tx: &mut PgConnection, payment_id: Uuid) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"SELECT coalesce(sum(amount_minor), 0)::bigint AS "refunded!" FROM refunds
           WHERE payment_id = $1 AND status <> 'failed'"#,
        payment_id
    )
    .fetch_one(&mut *tx)
    .await
}

/// Refunds everything left of a cancelled appointment's payments when the cancellation
/// calls for it: always the clinic's, a patient's as the clinic's policy says and only
/// before the late-cancel window. The ids of the refunds stored; the policy is read only
/// when something was paid.
pub async fn refund_cancelled(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    appointment_id: Uuid,
    by: CancelledBy,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, sqlx::Error> {
    let paid = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE clinic_id = $1 AND appointment_id = $2 AND status = 'paid'
         ORDER BY paid_at",
        clinic_id,
        appointment_id
    )
    .fetch_all(&mut *tx)
    .await?;
    if paid.is_empty() {
        return Ok(Vec::new());
    }
    let policy = sqlx::query!(
        r#"SELECT c.refund_on_time_cancellation,
                  coalesce(t.late_cancel_hours, c.late_cancel_hours) AS "late_cancel_hours!",
                  lower(a.period) AS "starts!"
           FROM appointments a
           JOIN clinics c ON c.id = a.clinic_id
           JOIN treatments t ON t.id = a.treatment_id
           WHERE a.clinic_id = $1 AND a.id = $2"#,
        clinic_id,
        appointment_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let late = !may_change_online(policy.starts, now, policy.late_cancel_hours);
    let Some(reason) = refund_on_cancel(by, policy.refund_on_time_cancellation, late) else {
        return Ok(Vec::new());
    };
    let asked = Asked {
        reason,
        amount_minor: None,
        note: None,
        by: None,
    };
    let mut stored = Vec::new();
    for payment_id in paid {
        match request(tx, clinic_id, payment_id, &asked, now).await {
            Ok(refund_id) => stored.push(refund_id),
            // Already returned in full (by hand, say): nothing more to give back.
            Err(NotRequested::Refused(_) | NotRequested::NoPayment) => {}
            Err(NotRequested::Failed(error)) => return Err(error),
        }
    }
    Ok(stored)
}

/// A stored refund as its call to the processor needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefundOrder {
    pub refund_id: Uuid,
    pub processor: Processor,
    /// The processor's id of the payment the money goes back from.
    pub payment_intent: Option<String>,
    pub amount_minor: i64,
    pub currency: Currency,
    pub idempotency_key: String,
}

/// Refunds stored and not yet taken by the processor, oldest first.
pub async fn unsent(
    pool: &PgPool,
    clinic_id: Uuid,
    limit: i64,
) -> Result<Vec<RefundOrder>, sqlx::Error> {
    let rows = sqlx::query!(
        "SELECT r.id, p.processor, p.payment_intent_id, r.amount_minor, p.currency,
                r.idempotency_key
         FROM refunds r JOIN payments p ON p.id = r.payment_id
         WHERE r.clinic_id = $1 AND r.status = 'requested'
         ORDER BY r.created_at LIMIT $2",
        clinic_id,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(RefundOrder {
                refund_id: row.id,
                processor: Processor::parse(&row.processor)?,
                payment_intent: row.payment_intent_id,
                amount_minor: row.amount_minor,
                currency: Currency::parse(&row.currency).ok()?,
                idempotency_key: row.idempotency_key,
            })
        })
        .collect())
}

/// Where a refund stands at the processor, in Lumen's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundState {
    Pending,
    Succeeded,
    Failed,
}

impl RefundState {
    /// Stripe's refund statuses: `requires_action` waits on the customer, `canceled` never
    /// returns the money.
    pub fn from_stripe(status: &str) -> RefundState {
        match status {
            "succeeded" => RefundState::Succeeded,
            "failed" | "canceled" => RefundState::Failed,
            _ => RefundState::Pending,
        }
    }

    /// Razorpay's refund statuses: a refund is `pending` until the bank has it.
    pub fn from_razorpay(status: &str) -> RefundState {
        match status {
            "processed" => RefundState::Succeeded,
            "failed" => RefundState::Failed,
            _ => RefundState::Pending,
        }
    }

    fn code(self) -> &'static str {
        match self {
            RefundState::Pending => "pending",
            RefundState::Succeeded => "succeeded",
            RefundState::Failed => "failed",
        }
    }
}

/// What the processor said of a refund.
pub struct Answer<'a> {
    pub processor_refund_id: Option<&'a str>,
    pub state: RefundState,
    /// The processor's reason, when it refused or could not return the money.
    pub failure: Option<&'a str>,
}

/// Records what the processor said of a refund, identified by Lumen's id; only ever
/// forward (a late `pending` does not undo `succeeded`). The patient is emailed the first
/// time it is taken.
pub async fn record_state(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    refund_id: Uuid,
    answer: &Answer<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let state = answer.state;
    let moved = sqlx::query_scalar!(
        "UPDATE refunds
         SET status = $4, processor_refund_id = coalesce(processor_refund_id, $3),
             failure = $5, updated_at = $6
         WHERE clinic_id = $1 AND id = $2
           AND (status = 'requested' OR (status = 'pending' AND $4 <> 'pending'))
         RETURNING reason",
        clinic_id,
        refund_id,
        answer.processor_refund_id,
        state.code(),
        answer.failure,
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    if moved.is_some() && state != RefundState::Failed {
        tell_patient(tx, clinic_id, refund_id, now).await?;
    }
    Ok(())
}

/// Lumen's id of the refund the processor knows as `processor_refund_id`.
/// Lumen's refund a processor's refund event is about: by Lumen's id, which the refunds
/// Lumen asks for carry (`carried`), else by the processor's id, once its answer was
/// recorded. `None`: a refund made elsewhere (in the processor's dashboard).
pub async fn of_event(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    carried: Option<&str>,
    processor_refund_id: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    match carried {
        Some(id) => Ok(id.parse().ok()),
        None => by_processor_id(tx, clinic_id, processor_refund_id).await,
    }
}

async fn by_processor_id(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    processor_refund_id: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM refunds WHERE clinic_id = $1 AND processor_refund_id = $2",
        clinic_id,
        processor_refund_id
    )
    .fetch_optional(&mut *tx)
    .await
}

/// Learns of refunds made at the processor itself (in its dashboard): the processor says
/// `refunded_total` has gone back from the payment, and whatever Lumen does not know of is
/// recorded as made there. A refund Lumen asked for is stored before it is sent, so it is
/// never counted twice.
pub async fn record_at_processor(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    payment_id: Uuid,
    refunded_total: i64,
    now: DateTime<Utc>,
) -> Result<Option<Uuid>, sqlx::Error> {
    let locked = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE clinic_id = $1 AND id = $2 FOR UPDATE",
        clinic_id,
        payment_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if locked.is_none() {
        return Ok(None);
    }
    let known = refunded(tx, payment_id).await?;
    let unknown = refunded_total - known;
    if unknown <= 0 {
        return Ok(None);
    }
    let refund_id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO refunds (id, clinic_id, payment_id, amount_minor, reason, status,
                              idempotency_key, created_at, updated_at)
         VALUES ($1, $2, $3, $4, 'at_processor', 'succeeded', $5, $6, $6)",
        refund_id,
        clinic_id,
        payment_id,
        unknown,
        format!("seen-at-processor-{refund_id}"),
        now
    )
    .execute(&mut *tx)
    .await?;
    Ok(Some(refund_id))
}

/// Emails the patient that `refund_id` went back to them, once.
pub async fn tell_patient(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    refund_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    // The patient's record once booked; before that (a payment that came too late) the
    // details typed while booking, which the appointment keeps.
    let Some(r) = sqlx::query!(
        r#"SELECT r.amount_minor, r.reason, p.currency, p.appointment_id,
                  coalesce(pa.email, a.draft->>'email') AS email,
                  coalesce(pa.first_name, a.draft->>'first_name') AS first_name
           FROM refunds r
           JOIN payments p ON p.id = r.payment_id
           JOIN appointments a ON a.id = p.appointment_id
           LEFT JOIN patients pa ON pa.id = a.patient_id
           WHERE r.clinic_id = $1 AND r.id = $2"#,
        clinic_id,
        refund_id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(());
    };
    let (Some(email), Ok(currency)) = (r.email, Currency::parse(&r.currency)) else {
        return Ok(());
    };
    let Some(a) = appointment_facts(tx, clinic_id, r.appointment_id).await? else {
        return Ok(());
    };
    let reason = RefundReason::from_code(&r.reason).unwrap_or(RefundReason::Staff);
    let zone = a.time_zone.parse::<Tz>().unwrap_or(chrono_tz::UTC);
    let values = Values::from([
        ("first_name", r.first_name.unwrap_or_default()),
        ("amount", Money::new(r.amount_minor, currency).to_string()),
        ("why", reason.to_patient().to_owned()),
        ("treatment", a.treatment),
        ("when", when(a.starts, a.ends, zone)),
        ("phone", a.phone),
        ("clinic", a.clinic),
    ]);
    let cause = format!("refund:{refund_id}");
    templates::enqueue_email_once(
        tx,
        clinic_id,
        &PAYMENT_REFUNDED,
        &email,
        &values,
        Some(&cause),
        now,
    )
    .await?;
    Ok(())
}

/// A payment as the staff appointment page shows it, with what went back.
pub struct PaymentRecord {
    pub id: Uuid,
    pub processor: String,
    pub amount_minor: i64,
    pub status: String,
    pub paid_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    /// The patient's bank's reason, when it disputes the payment.
    pub dispute_reason: Option<String>,
    /// What it was for: the booking, a fee, or money taken at the desk.
    pub purpose: Purpose,
    /// A card was kept from it, for later fees.
    pub kept_card: bool,
    /// Why the service refused it (a fee the card declined).
    pub failure: Option<String>,
    /// Staff's note on a fee, and who charged it.
    pub note: Option<String>,
    pub by: Option<String>,
    pub refunds: Vec<RefundRecord>,
}

impl PaymentRecord {
    /// What has gone back or is on its way.
    pub fn refunded(&self) -> i64 {
        self.refunds
            .iter()
            .filter(|r| r.status != "failed")
            .map(|r| r.amount_minor)
            .sum()
    }

    /// Whether it was taken at the desk (handed back there too, not through a service).
    pub fn at_desk(&self) -> bool {
        DeskMethod::from_code(&self.processor).is_some()
    }

    /// What may still be refunded through the service that took it.
    pub fn left(&self) -> i64 {
        if self.status == "paid" && !self.at_desk() {
            self.amount_minor - self.refunded()
        } else {
            0
        }
    }
}

pub struct RefundRecord {
    pub amount_minor: i64,
    pub reason: String,
    pub note: Option<String>,
    pub status: String,
    pub failure: Option<String>,
    pub by: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The appointment's payments (those that were paid or are still open, and every fee
/// charged, refused ones too), oldest first.
pub async fn payments_of(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
) -> Result<Vec<PaymentRecord>, sqlx::Error> {
    let payments = sqlx::query!(
        r#"SELECT p.id, p.processor, p.amount_minor, p.status, p.paid_at, p.created_at,
                  p.dispute_reason, p.purpose, p.customer_id IS NOT NULL AS "kept_card!",
                  p.failure, p.note, u.display_name AS "by?"
           FROM payments p
           LEFT JOIN users u ON u.id = p.taken_by
           WHERE p.clinic_id = $1 AND p.appointment_id = $2
             AND (p.status IN ('paid', 'open') OR p.purpose <> 'booking')
           -- Made at the same moment (a test's clock), the booking's own payment comes
           -- before what was added to it.
           ORDER BY p.created_at, p.purpose <> 'booking', p.id"#,
        clinic_id,
        appointment_id
    )
    .fetch_all(pool)
    .await?;
    let refunds = sqlx::query!(
        "SELECT r.payment_id, r.amount_minor, r.reason, r.note, r.status, r.failure,
                u.display_name AS \"by?\", r.created_at
         FROM refunds r
         JOIN payments p ON p.id = r.payment_id
         LEFT JOIN users u ON u.id = r.requested_by
         WHERE r.clinic_id = $1 AND p.appointment_id = $2
         ORDER BY r.created_at, r.id",
        clinic_id,
        appointment_id
    )
    .fetch_all(pool)
    .await?;
    Ok(payments
        .into_iter()
        .map(|p| PaymentRecord {
            refunds: refunds
                .iter()
                .filter(|r| r.payment_id == p.id)
                .map(|r| RefundRecord {
                    amount_minor: r.amount_minor,
                    reason: r.reason.clone(),
                    note: r.note.clone(),
                    status: r.status.clone(),
                    failure: r.failure.clone(),
                    by: r.by.clone(),
                    created_at: r.created_at,
                })
                .collect(),
            id: p.id,
            processor: p.processor,
            amount_minor: p.amount_minor,
            status: p.status,
            paid_at: p.paid_at,
            created_at: p.created_at,
            dispute_reason: p.dispute_reason,
            purpose: Purpose::from_code(&p.purpose).unwrap_or(Purpose::Booking),
            kept_card: p.kept_card,
            failure: p.failure,
            note: p.note,
            by: p.by,
        })
        .collect())
}

/// A refund staff make by hand from an appointment's page: stored and audited in one
/// transaction; not found (and nothing stored) when the payment is not the appointment's.
pub async fn refund_by_staff(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
    payment_id: Uuid,
    refund: &StaffRefund,
    staff: &Principal,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let theirs = sqlx::query_scalar!(
        "SELECT id FROM payments WHERE clinic_id = $1 AND id = $2 AND appointment_id = $3",
        clinic_id,
        payment_id,
        appointment_id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if theirs.is_none() {
        return Err(AppError::NotFound);
    }
    let asked = Asked {
        reason: RefundReason::Staff,
        amount_minor: refund.amount_minor,
        note: Some(&refund.note),
        by: Some(staff.user_id),
    };
    let refund_id = request(&mut tx, clinic_id, payment_id, &asked, now)
        .await
        .map_err(|not| match not {
            // Another refund came first and left less than was asked.
            NotRequested::Refused(refused) => AppError::Invalid(refused.to_string()),
            NotRequested::NoPayment => AppError::NotFound,
            NotRequested::Failed(error) => error.into(),
        })?;
    audit::append_for_request(&mut tx, staff, "refunded", "payment", Some(payment_id)).await?;
    tx.commit().await?;
    Ok(refund_id)
}
