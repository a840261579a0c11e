//! Receipts: every payment a patient made online, with what went back, as the patient's
//! account shows it and as it is emailed when the payment arrives. A patient reads only
//! their own: each query is bound to the account's patient record.

use super::booking::appointment_facts;
use super::templates;
use crate::backend::templates::Values;
use crate::domain::booking::when;
use crate::domain::money::{Currency, Money};
use crate::domain::payments::Purpose;
use crate::domain::templates::PAYMENT_RECEIPT;
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

/// A paid payment, with everything its receipt says.
pub struct Receipt {
    pub payment_id: Uuid,
    pub amount: Money,
    pub processor: String,
    pub paid_at: DateTime<Utc>,
    /// What was paid for: the treatment, or a fee for it.
    pub item: String,
    pub starts: DateTime<Utc>,
    pub ends: DateTime<Utc>,
    pub zone: Tz,
    pub clinic: String,
    /// The clinic's tax registration, when it has one.
    pub tax_id: Option<String>,
    pub clinic_email: String,
    pub location: String,
    pub address: String,
    pub phone: String,
    /// Refunds made or on their way (refused ones returned nothing): when, how much, and
    /// whether the money has arrived back.
    pub refunds: Vec<(DateTime<Utc>, Money, String)>,
}

impl Receipt {
    /// The number a patient quotes: the payment's id, short and upper-case.
    pub fn number(&self) -> String {
        self.payment_id.simple().to_string()[..8].to_ascii_uppercase()
    }

    pub fn refunded(&self) -> i64 {
        self.refunds.iter().map(|(_, m, _)| m.minor).sum()
    }

    /// What is still paid, once refunds are taken off.
    pub fn net(&self) -> Money {
        Money::new(self.amount.minor - self.refunded(), self.amount.currency)
    }

    /// `Tuesday 17 March 2026, 10:00–10:45 (Europe/London)`.
    pub fn when(&self) -> String {
        when(self.starts, self.ends, self.zone)
    }

    pub fn paid_on(&self) -> String {
        paid_on(self.paid_at, self.zone)
    }
}

/// When a payment was made, in the clinic's time: `16 March 2026, 08:05`.
pub fn paid_on(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%-d %B %Y, %H:%M")
        .to_string()
}

/// A receipt as the account page lists it.
pub struct Listed {
    pub payment_id: Uuid,
    pub amount: Money,
    pub paid_at: DateTime<Utc>,
    pub zone: Tz,
    /// What was paid for: the treatment, or a fee for it.
    pub item: String,
}

/// The receipts of the patient whose account is `user_id`, newest first, in one query.
pub async fn of_account(
    pool: &PgPool,
    clinic_id: Uuid,
    user_id: Uuid,
) -> Result<Vec<Listed>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.amount_minor, p.currency, p.paid_at AS "paid_at!", p.purpose,
                  t.name AS treatment,
                  coalesce(l.time_zone, c.time_zone) AS "time_zone!"
           FROM payments p
           JOIN appointments a ON a.id = p.appointment_id
           JOIN patients pa ON pa.id = a.patient_id
           JOIN treatments t ON t.id = a.treatment_id
           JOIN locations l ON l.id = a.location_id
           JOIN clinics c ON c.id = p.clinic_id
           WHERE p.clinic_id = $1 AND pa.user_id = $2 AND p.status = 'paid'
           ORDER BY p.paid_at DESC"#,
        clinic_id,
        user_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Listed {
                payment_id: r.id,
                amount: Money::new(r.amount_minor, Currency::parse(&r.currency).ok()?),
                paid_at: r.paid_at,
                zone: r.time_zone.parse().unwrap_or(chrono_tz::UTC),
                item: item(&r.purpose, &r.treatment),
            })
        })
        .collect())
}

/// Payment `payment_id`'s receipt, if it was paid and (when `owner` is given) is that
/// account's.
pub async fn load(
    conn: &mut PgConnection,
    clinic_id: Uuid,
    payment_id: Uuid,
    owner: Option<Uuid>,
) -> Result<Option<Receipt>, sqlx::Error> {
    let Some(r) = sqlx::query!(
        r#"SELECT p.id, p.amount_minor, p.currency, p.processor, p.paid_at AS "paid_at!",
                  p.appointment_id, p.purpose, c.tax_id
           FROM payments p
           JOIN clinics c ON c.id = p.clinic_id
           JOIN appointments a ON a.id = p.appointment_id
           LEFT JOIN patients pa ON pa.id = a.patient_id
           WHERE p.clinic_id = $1 AND p.id = $2 AND p.status = 'paid'
             AND ($3::uuid IS NULL OR pa.user_id = $3)"#,
        clinic_id,
        payment_id,
        owner
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let Ok(currency) = Currency::parse(&r.currency) else {
        return Ok(None);
    };
    let Some(a) = appointment_facts(conn, clinic_id, r.appointment_id).await? else {
        return Ok(None);
    };
    let refunds = sqlx::query!(
        "SELECT created_at, amount_minor, status FROM refunds
         WHERE payment_id = $1 AND status <> 'failed' ORDER BY created_at, id",
        payment_id
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|f| (f.created_at, Money::new(f.amount_minor, currency), f.status))
    .collect();
    Ok(Some(Receipt {
        payment_id: r.id,
        amount: Money::new(r.amount_minor, currency),
        processor: r.processor,
        paid_at: r.paid_at,
        item: item(&r.purpose, &a.treatment),
        starts: a.starts,
        ends: a.ends,
        zone: a.time_zone.parse().unwrap_or(chrono_tz::UTC),
        clinic: a.clinic,
        tax_id: (!r.tax_id.is_empty()).then_some(r.tax_id),
        clinic_email: a.clinic_email,
        location: a.location,
        address: a.address,
        phone: a.phone,
        refunds,
    }))
}

/// A receipt's line for a payment made for `purpose` (its stored code).
fn item(purpose: &str, treatment: &str) -> String {
    Purpose::from_code(purpose)
        .unwrap_or(Purpose::Booking)
        .item(treatment)
}

/// Emails the receipt of a payment just settled to the patient it booked, once.
pub async fn email(
    tx: &mut PgConnection,
    clinic_id: Uuid,
    payment_id: Uuid,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let Some(receipt) = load(tx, clinic_id, payment_id, None).await? else {
        return Ok(());
    };
    let Some(to) = sqlx::query!(
        "SELECT pa.email, pa.first_name FROM payments p
         JOIN appointments a ON a.id = p.appointment_id
         JOIN patients pa ON pa.id = a.patient_id
         WHERE p.id = $1",
        payment_id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(());
    };
    let values = Values::from([
        ("first_name", to.first_name),
        ("amount", receipt.amount.to_string()),
        ("treatment", receipt.item.clone()),
        ("when", receipt.when()),
        ("paid_on", receipt.paid_on()),
        ("receipt_number", receipt.number()),
        ("clinic", receipt.clinic.clone()),
        ("address", receipt.address.clone()),
    ]);
    let cause = format!("receipt:{payment_id}");
    templates::enqueue_email_once(
        tx,
        clinic_id,
        &PAYMENT_RECEIPT,
        &to.email,
        &values,
        Some(&cause),
        now,
    )
    .await?;
    Ok(())
}
