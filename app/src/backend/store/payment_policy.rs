//! The clinic's payment policy as stored on the clinic.

use crate::domain::payment_policy::{Charge, PaymentPolicy, Processor};
use crate::error::AppError;
use uuid::Uuid;

/// The clinic's rules for taking money when patients book.
pub async fn load<'e>(
    db: impl sqlx::PgExecutor<'e>,
    clinic_id: Uuid,
) -> Result<PaymentPolicy, AppError> {
    let row = sqlx::query!(
        "SELECT payment_processor, payment_rule, payment_deposit_minor, payment_percent,
                first_visit_rule, first_visit_deposit_minor, first_visit_percent,
                keep_card_on_file, refund_on_time_cancellation, pay_within_minutes
         FROM clinics WHERE id = $1",
        clinic_id
    )
    .fetch_one(db)
    .await?;
    let usual = stored_charge(
        Some(&row.payment_rule),
        row.payment_deposit_minor,
        row.payment_percent,
    )?
    .ok_or_else(unreadable)?;
    let first_visit = stored_charge(
        row.first_visit_rule.as_deref(),
        row.first_visit_deposit_minor,
        row.first_visit_percent,
    )?;
    Ok(PaymentPolicy {
        processor: Processor::parse(&row.payment_processor).ok_or_else(unreadable)?,
        usual,
        first_visit,
        keep_card: row.keep_card_on_file,
        refund_on_time_cancellation: row.refund_on_time_cancellation,
        pay_within_minutes: row.pay_within_minutes,
    })
}

/// A rule from its stored columns; `None` when no rule is set.
pub fn stored_charge(
    kind: Option<&str>,
    deposit_minor: i64,
    percent: i16,
) -> Result<Option<Charge>, AppError> {
    kind.map(|kind| Charge::from_stored(kind, deposit_minor, percent).ok_or_else(unreadable))
        .transpose()
}

/// The tables' checks admit only rules this build reads.
fn unreadable() -> AppError {
    tracing::error!("a payment rule this build cannot read");
    AppError::Unavailable
}

/// Saves the policy as part of the settings' transaction.
pub async fn save(
    conn: &mut sqlx::PgConnection,
    clinic_id: Uuid,
    policy: &PaymentPolicy,
) -> Result<(), AppError> {
    let first_visit = policy.first_visit;
    sqlx::query!(
        "UPDATE clinics SET payment_processor = $2, payment_rule = $3,
                payment_deposit_minor = $4, payment_percent = $5, first_visit_rule = $6,
                first_visit_deposit_minor = $7, first_visit_percent = $8,
                keep_card_on_file = $9, refund_on_time_cancellation = $10,
                pay_within_minutes = $11
         WHERE id = $1",
        clinic_id,
        policy.processor.code(),
        policy.usual.kind(),
        policy.usual.deposit_minor(),
        policy.usual.percent(),
        first_visit.map(Charge::kind),
        first_visit.map_or(0, Charge::deposit_minor),
        first_visit.map_or(0, Charge::percent),
        policy.keep_card,
        policy.refund_on_time_cancellation,
        policy.pay_within_minutes
    )
    .execute(conn)
    .await?;
    Ok(())
}
