//! The payments screen's data. Reading it is reading patient data (names beside amounts),
//! so it needs `TakePayments` (front desk and admins, who take and return money) and is
//! audited.

use super::types::PaymentsPage;
use crate::domain::payment_report::PaymentsFilter;
use crate::error::AppError;
use leptos::prelude::*;

#[server(endpoint = "admin/payments")]
pub async fn fetch_payments(
    #[server(default)] filter: PaymentsFilter,
) -> Result<PaymentsPage, AppError> {
    use crate::backend::auth::principal::require;
    use crate::domain::access::Action;
    let me = require(Action::TakePayments).await?;
    crate::backend::audit::record_for_request(Some(&me), "read", "payments", None).await?;
    crate::ui::status::answer(server::page(filter).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::super::types::{DayTotal, PaymentRow, PaymentsPage};
    use crate::admin::calendar::types::Choice;
    use crate::backend::state::app_state;
    use crate::backend::store::{booking, calendar, clinic, payment_report};
    use crate::domain::money::{Currency, Money};
    use crate::domain::payment_report::{PaymentsFilter, STATUSES};
    use crate::domain::payments::{how_paid, Purpose};
    use crate::error::AppError;
    use uuid::Uuid;

    fn choices(rows: Vec<(Uuid, String)>) -> Vec<Choice> {
        rows.into_iter()
            .map(|(id, name)| Choice {
                id: id.to_string(),
                name,
            })
            .collect()
    }

    pub async fn page(mut filter: PaymentsFilter) -> Result<PaymentsPage, AppError> {
        let state = app_state()?;
        let pool = &state.pool;
        let clinic_id = state.clinic_id;
        let rules = booking::rules(pool, clinic_id).await?;
        let zone = rules.zone();
        let currency = clinic::currency(pool, clinic_id).await?;
        let today = state.clock.now().with_timezone(&zone).date_naive();
        let providers = choices(calendar::providers(pool, clinic_id).await?);
        let treatments = choices(payment_report::treatments(pool, clinic_id).await?);
        let query = match filter.parse(today, zone) {
            Ok(query) => query,
            Err(problems) => {
                return Ok(PaymentsPage {
                    filter,
                    problems,
                    rows: Vec::new(),
                    more: false,
                    days: Vec::new(),
                    total: None,
                    providers,
                    treatments,
                })
            }
        };
        filter.from = query.from.to_string();
        filter.to = query.to.to_string();
        let rows = payment_report::rows(pool, clinic_id, &query).await?;
        let days = payment_report::days(pool, clinic_id, &query, &rules.time_zone).await?;
        let money = |minor| Money::new(minor, currency).to_string();
        let status_label = |code: &str| {
            STATUSES
                .iter()
                .find(|(c, _)| *c == code)
                .map_or(code, |(_, label)| label)
                .to_owned()
        };
        let total = (!days.is_empty()).then(|| {
            let taken = days.iter().map(|d| d.taken_minor).sum();
            let refunded = days.iter().map(|d| d.refunded_minor).sum();
            day_total("Total".to_owned(), taken, refunded, currency)
        });
        Ok(PaymentsPage {
            more: rows.len() as i64 >= payment_report::ROWS,
            rows: rows
                .into_iter()
                .map(|r| PaymentRow {
                    when: r
                        .at
                        .with_timezone(&zone)
                        .format("%a %-d %b %H:%M")
                        .to_string(),
                    patient: r
                        .patient
                        .unwrap_or_else(|| "Being booked online".to_owned()),
                    treatment: r.treatment,
                    provider: r.provider,
                    what: Purpose::from_code(&r.purpose)
                        .map_or("Payment", Purpose::label)
                        .to_owned(),
                    method: how_paid(&r.processor),
                    amount: money(r.amount_minor),
                    refunded: (r.refunded_minor > 0).then(|| money(r.refunded_minor)),
                    status: status_label(&r.status),
                    appointment_href: format!("/admin/appointments/{}", r.appointment_id),
                    dashboard_href: match (r.processor.as_str(), r.payment_intent_id) {
                        ("stripe", Some(intent)) => {
                            state.payments.stripe().map(|s| s.dashboard_url(&intent))
                        }
                        ("razorpay", Some(payment)) => {
                            state.payments.razorpay().map(|r| r.dashboard_url(&payment))
                        }
                        _ => None,
                    },
                })
                .collect(),
            days: days
                .into_iter()
                .map(|d| {
                    day_total(
                        d.day.format("%a %-d %b").to_string(),
                        d.taken_minor,
                        d.refunded_minor,
                        currency,
                    )
                })
                .collect(),
            total,
            filter,
            problems: Vec::new(),
            providers,
            treatments,
        })
    }

    fn day_total(day: String, taken: i64, refunded: i64, currency: Currency) -> DayTotal {
        let money = |minor| Money::new(minor, currency).to_string();
        DayTotal {
            day,
            taken: money(taken),
            refunded: money(refunded),
            net: money(taken - refunded),
        }
    }
}
