//! Money taken at the clinic's desk (cash, the card terminal), recorded by staff so the
//! books balance with what was taken online: stored as paid, audited and receipted in one
//! transaction.

use super::receipts;
use crate::backend::audit;
use crate::backend::auth::principal::Principal;
use crate::domain::appointment::AppointmentStatus;
use crate::domain::payments::{DeskPayment, Purpose};
use crate::error::AppError;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

/// Whether money may be taken at the desk for an appointment that is `status`: one that
/// happens or happened, not one cancelled, missed or still being booked.
pub fn takes_payment(status: AppointmentStatus) -> bool {
    matches!(
        status,
        AppointmentStatus::Confirmed | AppointmentStatus::Completed
    )
}

/// Records `payment` taken at the desk for appointment `appointment_id` by `staff`, and
/// emails the patient its receipt.
pub async fn record(
    pool: &PgPool,
    clinic_id: Uuid,
    appointment_id: Uuid,
    payment: &DeskPayment,
    staff: &Principal,
    now: DateTime<Utc>,
) -> Result<Uuid, AppError> {
    let mut tx = pool.begin().await?;
    let appointment = sqlx::query!(
        r#"SELECT a.status::text AS "status!", c.currency, a.capacity
           FROM appointments a JOIN clinics c ON c.id = a.clinic_id
           WHERE a.clinic_id = $1 AND a.id = $2
           FOR UPDATE OF a"#,
        clinic_id,
        appointment_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let open = AppointmentStatus::parse(&appointment.status).is_some_and(takes_payment);
    // A group session's patients each pay for their own place, not the session.
    if !open || appointment.capacity.is_some() {
        return Err(AppError::Invalid(
            "Money is recorded here for a patient's confirmed or completed appointment only."
                .to_owned(),
        ));
    }
    let payment_id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO payments (id, clinic_id, appointment_id, processor, amount_minor, currency,
                               status, paid_at, idempotency_key, purpose, note, taken_by,
                               created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'paid', $7, $8, $9, $10, $11, $7)",
        payment_id,
        clinic_id,
        appointment_id,
        payment.method.code(),
        payment.amount_minor,
        appointment.currency,
        now,
        format!("lumen-desk-{payment_id}"),
        Purpose::AtDesk.code(),
        (!payment.note.is_empty()).then_some(payment.note.as_str()),
        staff.user_id
    )
    .execute(&mut *tx)
    .await?;
    audit::append_for_request(&mut tx, staff, "took_payment", "payment", Some(payment_id)).await?;
    receipts::email(&mut tx, clinic_id, payment_id, now).await?;
    tx.commit().await?;
    Ok(payment_id)
}
