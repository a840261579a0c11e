//! Money taken online for bookings: a booking waiting for its payment, the checkout it is
//! paid at, and settling it once the processor says it was paid (by its webhook, or when
//! the patient comes back from the checkout, whichever is first; the other finds it done).

use super::booking::{book_in, find_or_add_patient, patient_of_account, Notice, Patient, Refusal};
use super::booking_emails::booking_link;
use super::refunds::{self, NotRequested};
use crate::backend::auth::session::Token;
use crate::domain::booking::{DetailsForm, Offers};
use crate::domain::money::Currency;
use crate::domain::payment_policy::{PaymentPolicy, Processor};
use crate::domain::refunds::RefundReason;
use crate::error::AppError;
use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A payment a booking waits for, with what opening its checkout needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentDue {
    pub payment_id: Uuid,
    pub appointment_id: Uuid,
    pub processor: Processor,
    /// Sent with every call that opens its checkout; stored before the first.
    pub idempotency_key: String,
    pub amount_minor: i64,
    pub currency: Currency,
    /// The booking is released if it is not paid by then.
    pub expires_at: DateTime<Utc>,
    /// The line on the checkout page.
    pub description: String,
    pub customer_email: String,
    pub keep_card: bool,
    /// The processor's checkout page, once it was opened.
    pub checkout_url: Option<String>,
}

/// What a booking is to wait for.
pub struct Awaited<'a> {
    pub appointment_id: Uuid,
    /// The signed-in patient booking it, if any.
    pub booking_account: Option<Uuid>,
    pub policy: &'a PaymentPolicy,
    pub amount_minor: i64,
    pub description: &'a str,
    pub customer_email: &'a str,
}

/// Makes the held appointment wait for its payment (until the policy's limit), with the
/// payment stored before any call to the processor. Confirming again while it waits (the
/// patient came back from the checkout) finds the same payment, and so the same checkout.
pub async fn await_payment(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    awaited: Awaited<'_>,
    now: DateTime<Utc>,
) -> Result<PaymentDue, Refusal> {
    let currency_code =
        sqlx::query_scalar!("SELECT currency FROM clinics WHERE id = $1", clinic_id)
            .fetch_one(&mut *tx)
            .await?;
    let currency = super::clinic::stored_currency(&currency_code).map_err(Refusal::Failed)?;
    let processor = awaited.policy.processor;
    let open = sqlx::query!(
        r#"SELECT id, idempotency_key, amount_minor, expires_at AS "expires_at!", checkout_url
           FROM payments
           WHERE appointment_id = $1 AND status = 'open' AND expires_at > $2"#,
        awaited.appointment_id,
        now
    )
    .fetch_optional(&mut *tx)
    .await?;
    let (payment_id, idempotency_key, expires_at, checkout_url) = match open {
        Some(open) if open.amount_minor == awaited.amount_minor => (
            open.id,
            open.idempotency_key,
            open.expires_at,
            open.checkout_url,
        ),
        _ => {
            expire_open(tx, awaited.appointment_id).await?;
            let payment_id = Uuid::new_v4();
            let key = format!("lumen-checkout-{payment_id}");
            let expires_at = now + Duration::minutes(i64::from(awaited.policy.pay_within_minutes));
            sqlx::query!(
                "INSERT INTO payments (id, clinic_id, appointment_id, processor, amount_minor,
                                       currency, idempotency_key, expires_at, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                payment_id,
                clinic_id,
                awaited.appointment_id,
                processor.code(),
                awaited.amount_minor,
                currency.code(),
                key,
                expires_at,
                now
            )
            .execute(&mut *tx)
            .await?;
            (payment_id, key, expires_at, None)
        }
    };
    sqlx::query!(
        "UPDATE appointments
         SET status = 'pending_payment', hold_expires_at = $2, booking_account = $3,
             status_changed_at = $4
         WHERE id = $1",
        awaited.appointment_id,
        expires_at,
        awaited.booking_account,
        now
    )
    .execute(&mut *tx)
    .await?;
    Ok(PaymentDue {
        payment_id,
        appointment_id: awaited.appointment_id,
        processor,
        idempotency_key,
        amount_minor: awaited.amount_minor,
        currency,
        expires_at,
        description: awaited.description.to_owned(),
        customer_email: awaited.customer_email.to_owned(),
        keep_card: awaited.policy.keep_card,
        checkout_url,
    })
}

/// Remembers the checkout the processor opened for the payment.
pub async fn record_checkout(
    pool: &PgPool,
    clinic_id: Uuid,
    payment_id: Uuid,
    session_id: &str,
    url: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE payments SET checkout_session_id = $3, checkout_url = $4
         WHERE clinic_id = $1 AND id = $2",
        clinic_id,
        payment_id,
        session_id,
        url
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The appointment's open payment stops booking it (it moved, or its details changed).
pub async fn expire_open(tx: &mut PgConnection, appointment_id: Uuid) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE payments SET status = 'expired' WHERE appointment_id = $1 AND status = 'open'",
        appointment_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Payments not made in time, as their bookings are released.
pub async fn expire_due(
    pool: &PgPool,
    clinic_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE payments SET status = 'expired'
         WHERE clinic_id = $1 AND status = 'open' AND expires_at <= $2",
        clinic_id,
        now
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// A payment as the pages around its checkout show it.
pub struct ByCheckout {
    pub payment_id: Uuid,
    pub processor: String,
    pub status: String,
    pub checkout_session_id: String,
    pub amount_minor: i64,
    pub currency: String,
    pub expires_at: Option<DateTime<Utc>>,
    /// As the patient typed it while booking.
    pub customer_email: Option<String>,
    /// Razorpay's own page for it, once one was made.
    pub payment_link_url: Option<String>,
    pub appointment_status: String,
    pub treatment_name: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub time_zone: String,
}

/// The payment opened with checkout `session_id`, with the booking it is for.
pub async fn by_checkout(
    pool: &PgPool,
    clinic_id: Uuid,
    session_id: &str,
) -> Result<Option<ByCheckout>, sqlx::Error> {
    sqlx::query_as!(
        ByCheckout,
        r#"SELECT p.id AS payment_id, p.processor, p.status,
                  p.checkout_session_id AS "checkout_session_id!", p.amount_minor, p.currency,
                  p.expires_at,
                  a.draft->>'email' AS customer_email, p.payment_link_url,
                  a.status::text AS "appointment_status!", t.name AS treatment_name,
                  lower(a.period) AS "starts!", upper(a.period) AS "ends!",
                  coalesce(l.time_zone, c.time_zone) AS "time_zone!"
           FROM payments p
           JOIN appointments a ON a.id = p.appointment_id
           JOIN treatments t ON t.id = a.treatment_id
           JOIN locations l ON l.id = a.location_id
           JOIN clinics c ON c.id = p.clinic_id
           WHERE p.clinic_id = $1 AND p.checkout_session_id = $2"#,
        clinic_id,
        session_id
    )
    .fetch_optional(pool)
    .await
}

/// Remembers the payment link Razorpay made for the payment; the first one made stays (two
/// presses at once may each make one, and the patient may pay either).
pub async fn record_link(
    pool: &PgPool,
    clinic_id: Uuid,
    payment_id: Uuid,
    link_id: &str,
    url: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "UPDATE payments SET payment_link_id = $3, payment_link_url = $4
         WHERE clinic_id = $1 AND id = $2 AND payment_link_id IS NULL",
        clinic_id,
        payment_id,
        link_id,
        url
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// The checkout (Razorpay's order) of the payment a payment link was made for: its
/// reference is the payment's id, and the link must be the one stored with it.
pub async fn checkout_of_link(
    conn: &mut PgConnection,
    clinic_id: Uuid,
    reference_id: &str,
    link_id: &str,
) -> Result<Option<String>, sqlx::Error> {
    let Ok(payment_id) = reference_id.parse::<Uuid>() else {
        return Ok(None);
    };
    sqlx::query_scalar!(
        r#"SELECT checkout_session_id AS "checkout_session_id!" FROM payments
           WHERE clinic_id = $1 AND id = $2 AND payment_link_id = $3
             AND checkout_session_id IS NOT NULL"#,
        clinic_id,
        payment_id,
        link_id
    )
    .fetch_optional(conn)
    .await
}

/// Lumen's payment that `processor` knows as `processor_payment_id`.
pub async fn by_processor_payment(
    conn: &mut PgConnection,
    clinic_id: Uuid,
    processor: Processor,
    processor_payment_id: &str,
) -> Result<Option<Uuid>, sqlx::Error> {
    sqlx::query_scalar!(
        "SELECT id FROM payments
         WHERE clinic_id = $1 AND processor = $2 AND payment_intent_id = $3",
        clinic_id,
        processor.code(),
        processor_payment_id
    )
    .fetch_optional(conn)
    .await
}

/// Records a processor's event as applied; `false` when it already was (the caller then
/// does nothing). A second delivery of the same event waits here for the first's
/// transaction, and then finds it recorded.
pub async fn record_event(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    processor: &str,
    event_id: &str,
    kind: &str,
) -> Result<bool, sqlx::Error> {
    let inserted = sqlx::query!(
        "INSERT INTO payment_events (processor, event_id, clinic_id, kind)
         VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        processor,
        event_id,
        clinic_id,
        kind
    )
    .execute(&mut *tx)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// What the processor says of a checkout.
pub struct CheckoutState<'a> {
    pub session_id: &'a str,
    pub paid: bool,
    pub payment_intent: Option<&'a str>,
    /// The customer the card was kept for, when the clinic keeps cards.
    pub customer: Option<&'a str>,
}

/// What settling a checkout came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    /// No payment of this clinic's was opened with that checkout.
    Unknown,
    /// Not paid (yet): nothing changed.
    Unpaid,
    /// Paid now: the booking is confirmed and the patient told.
    Confirmed,
    /// Paid earlier; nothing more to do.
    AlreadyPaid,
    /// Paid after the booking was released (or moved on): a refund of all of it is stored,
    /// to be sent once this commits.
    PaidAfterRelease,
    /// A second payment for a booking already paid: kept as a payment of its own, with a
    /// refund of all of it stored, to be sent once this commits.
    PaidTwice,
}

impl Settled {
    /// Whether a refund was stored that is to be sent once the settling commits.
    pub fn refunds_due(self) -> bool {
        matches!(self, Settled::PaidAfterRelease | Settled::PaidTwice)
    }
}

/// Records that a checkout was paid and books the appointment it was for, once: the
/// payment row is locked and moves only forward, so the webhook and the patient's return
/// (or the same event five times at once) confirm and email exactly once.
pub async fn settle_checkout(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    checkout: &CheckoutState<'_>,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Settled, AppError> {
    let Some(payment) = sqlx::query!(
        "SELECT id, appointment_id, status, payment_intent_id FROM payments
         WHERE clinic_id = $1 AND checkout_session_id = $2 FOR UPDATE",
        clinic_id,
        checkout.session_id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(Settled::Unknown);
    };
    if payment.status == "paid" {
        return match checkout.payment_intent {
            Some(second)
                if checkout.paid && payment.payment_intent_id.as_deref() != Some(second) =>
            {
                refund_second_payment(tx, clinic_id, payment.id, second, now).await
            }
            _ => Ok(Settled::AlreadyPaid),
        };
    }
    if !checkout.paid {
        return Ok(Settled::Unpaid);
    }
    let was_open = payment.status == "open";
    sqlx::query!(
        "UPDATE payments SET status = 'paid', paid_at = $2, payment_intent_id = $3,
                customer_id = $4
         WHERE id = $1",
        payment.id,
        now,
        checkout.payment_intent,
        checkout.customer
    )
    .execute(&mut *tx)
    .await?;
    let booking = sqlx::query!(
        r#"SELECT a.status::text AS "status!", a.draft::text AS draft, a.booking_account,
                  t.offers_in_person, t.offers_video, c.phone AS clinic_phone
           FROM appointments a
           JOIN treatments t ON t.id = a.treatment_id
           JOIN clinics c ON c.id = a.clinic_id
           WHERE a.id = $1 FOR UPDATE OF a"#,
        payment.appointment_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if !was_open || booking.status != "pending_payment" {
        let asked = refunds::Asked {
            reason: RefundReason::PaidLate,
            amount_minor: None,
            note: None,
            by: None,
        };
        match refunds::request(tx, clinic_id, payment.id, &asked, now).await {
            Ok(_) | Err(NotRequested::Refused(_)) => {}
            Err(NotRequested::NoPayment) => return Err(AppError::NotFound),
            Err(NotRequested::Failed(error)) => return Err(error.into()),
        }
        return Ok(Settled::PaidAfterRelease);
    }
    let offers = Offers {
        in_person: booking.offers_in_person,
        video: booking.offers_video,
    };
    let home = crate::domain::phone::CallingCode::of(&booking.clinic_phone);
    // The details were checked when the patient confirmed, and changing them since would
    // have ended this payment's claim on the booking.
    let details = booking
        .draft
        .as_deref()
        .and_then(|json| serde_json::from_str::<DetailsForm>(json).ok())
        .and_then(|form| form.parse(offers, home).ok())
        .ok_or_else(|| {
            tracing::error!(payment_id = %payment.id, "a paid booking's details no longer read");
            AppError::Unavailable
        })?;
    let patient_id = match booking.booking_account {
        Some(user_id) => patient_of_account(&mut *tx, clinic_id, user_id)
            .await?
            .ok_or(AppError::NotFound)?,
        None => find_or_add_patient(tx, clinic_id, &details.as_guest(), now).await?,
    };
    let manage = Token::generate();
    let manage_link = booking_link(public_url, &manage);
    book_in(
        tx,
        clinic_id,
        payment.appointment_id,
        Patient {
            id: patient_id,
            account: booking.booking_account,
            details: &details,
        },
        &manage.hash(),
        &Notice {
            public_url,
            manage_link: Some(&manage_link),
        },
        now,
    )
    .await
    .map_err(AppError::from)?;
    super::receipts::email(tx, clinic_id, payment.id, now).await?;
    Ok(Settled::Confirmed)
}

/// A second payment (`second`, the processor's id) for Lumen's payment `paid_id`, which
/// was paid already: Razorpay's checkout and its payment link for the same payment can each
/// be paid once. It is stored as a payment of its own (once: a repeat finds it) and a
/// refund of all of it is stored with it. The paid payment's row is locked by the caller,
/// so two reports of the same second payment store it once.
async fn refund_second_payment(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    paid_id: Uuid,
    second: &str,
    now: DateTime<Utc>,
) -> Result<Settled, AppError> {
    let id = Uuid::new_v4();
    let stored = sqlx::query!(
        "INSERT INTO payments (id, clinic_id, appointment_id, processor, amount_minor, currency,
                               status, idempotency_key, payment_intent_id, expires_at, paid_at,
                               purpose, created_at)
         SELECT $3, clinic_id, appointment_id, processor, amount_minor, currency, 'paid', $4, $5,
                expires_at, $6, purpose, $6
         FROM payments WHERE clinic_id = $1 AND id = $2
         ON CONFLICT (processor, payment_intent_id) WHERE payment_intent_id IS NOT NULL
         DO NOTHING",
        clinic_id,
        paid_id,
        id,
        format!("lumen-second-{id}"),
        second,
        now
    )
    .execute(&mut *tx)
    .await?;
    if stored.rows_affected() == 0 {
        return Ok(Settled::AlreadyPaid);
    }
    tracing::warn!(payment_id = %paid_id, "a booking already paid was paid again; refunding the second payment");
    let asked = refunds::Asked {
        reason: RefundReason::PaidTwice,
        amount_minor: None,
        note: None,
        by: None,
    };
    match refunds::request(tx, clinic_id, id, &asked, now).await {
        Ok(_) => Ok(Settled::PaidTwice),
        Err(NotRequested::NoPayment) => Err(AppError::NotFound),
        Err(NotRequested::Refused(_)) => Ok(Settled::PaidTwice),
        Err(NotRequested::Failed(error)) => Err(error.into()),
    }
}

/// Records that the patient's bank disputes the payment Stripe knows as `payment_intent`
/// (the first report counts; a repeat changes nothing). Whether it was this clinic's.
pub async fn record_dispute(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    payment_intent: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let found = sqlx::query!(
        "UPDATE payments SET disputed_at = coalesce(disputed_at, $3),
                dispute_reason = coalesce(dispute_reason, $4)
         WHERE clinic_id = $1 AND payment_intent_id = $2",
        clinic_id,
        payment_intent,
        now,
        reason
    )
    .execute(&mut *tx)
    .await?;
    Ok(found.rows_affected() > 0)
}
