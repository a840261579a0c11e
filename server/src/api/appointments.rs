//! Appointments and payments by a range of days, page by page (read scope).

use super::keys::{audit, authorize};
use super::paging::{DaysQuery, Page};
use super::problem::Problem;
use super::types::{
    Appointment, AppointmentPage, AppointmentStatus, Mode, Money, Payment, PaymentPage,
};
use app::backend::state::AppState;
use app::backend::store::api_reads;
use app::domain::api_keys::Scope;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;

#[utoipa::path(
    get, path = "/appointments", tag = "appointments",
    summary = "Appointments starting within a range of days",
    description = "In start order; holds (a patient still choosing) are not included. Needs a key.",
    params(DaysQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, body = AppointmentPage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn appointments(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<DaysQuery>, QueryRejection>,
) -> Result<Json<AppointmentPage>, Problem> {
    let key = authorize(&state, &headers, Scope::Read).await?;
    let Query(query) = query.map_err(|rejection| Problem::bad_request(&rejection.body_text()))?;
    let page = Page::of(&state, &query).await?;
    let mut rows = api_reads::appointments(
        &state.pool,
        state.clinic_id,
        page.range,
        page.after,
        page.fetch(),
    )
    .await?;
    let next_cursor = page.cut(&mut rows, |a| (a.start, a.id));
    audit(&state, &headers, &key, "read", "appointments", None).await?;
    Ok(Json(AppointmentPage {
        data: rows.into_iter().map(appointment_json).collect(),
        next_cursor,
    }))
}

#[utoipa::path(
    get, path = "/payments", tag = "payments",
    summary = "Payments made within a range of days",
    description = "Every payment the clinic asked for or took (online, at the desk, fees), in \
                   the order they were made, with what has been refunded. Needs a key.",
    params(DaysQuery),
    security(("api_key" = [])),
    responses(
        (status = 200, body = PaymentPage),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn payments(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<DaysQuery>, QueryRejection>,
) -> Result<Json<PaymentPage>, Problem> {
    let key = authorize(&state, &headers, Scope::Read).await?;
    let Query(query) = query.map_err(|rejection| Problem::bad_request(&rejection.body_text()))?;
    let page = Page::of(&state, &query).await?;
    let mut rows = api_reads::payments(
        &state.pool,
        state.clinic_id,
        page.range,
        page.after,
        page.fetch(),
    )
    .await?;
    let next_cursor = page.cut(&mut rows, |p| (p.created_at, p.id));
    audit(&state, &headers, &key, "read", "payments", None).await?;
    Ok(Json(PaymentPage {
        data: rows
            .into_iter()
            .map(|p| Payment {
                id: p.id,
                appointment_id: p.appointment_id,
                processor: p.processor,
                purpose: p.purpose,
                amount: Money {
                    amount_minor: p.amount_minor,
                    currency: p.currency.clone(),
                },
                refunded: Money {
                    amount_minor: p.refunded_minor,
                    currency: p.currency,
                },
                status: p.status,
                created_at: p.created_at,
                paid_at: p.paid_at,
            })
            .collect(),
        next_cursor,
    }))
}

pub fn appointment_json(a: api_reads::AppointmentRead) -> Appointment {
    Appointment {
        id: a.id,
        start: a.start,
        end: a.end,
        status: AppointmentStatus::from_code(&a.status).unwrap_or(AppointmentStatus::Confirmed),
        mode: if a.mode == "video" {
            Mode::Video
        } else {
            Mode::InPerson
        },
        treatment: a.treatment,
        provider_id: a.provider_id,
        location_id: a.location_id,
        patient_id: a.patient_id,
    }
}
