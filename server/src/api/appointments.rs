//! Appointments by date range, page by page (read scope).

use super::catalog::check_span;
use super::keys::{audit, authorize};
use super::problem::Problem;
use super::types::{Appointment, AppointmentPage, AppointmentStatus, Mode};
use app::backend::hex::{hex, unhex};
use app::backend::state::AppState;
use app::backend::store::{api_reads, booking};
use app::domain::api_keys::Scope;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::Json;
use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

const MOST_DAYS: i64 = 92;
const PAGE: i64 = 50;
const MOST_PER_PAGE: i64 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AppointmentsQuery {
    /// The first day, in the clinic's time zone.
    from: NaiveDate,
    /// The last day (included), at most 92 days after `from`.
    to: NaiveDate,
    /// From the previous page's `next_cursor`.
    cursor: Option<String>,
    /// Appointments per page, 1 to 200 (default 50).
    limit: Option<i64>,
}

#[utoipa::path(
    get, path = "/appointments", tag = "appointments",
    summary = "Appointments starting within a range of days",
    description = "In start order; holds (a patient still choosing) are not included. Needs a key.",
    params(AppointmentsQuery),
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
    query: Result<Query<AppointmentsQuery>, QueryRejection>,
) -> Result<Json<AppointmentPage>, Problem> {
    let key = authorize(&state, &headers, Scope::Read).await?;
    let Query(query) = query.map_err(|rejection| Problem::bad_request(&rejection.body_text()))?;
    check_span(query.from, query.to, MOST_DAYS)?;
    let limit = query.limit.unwrap_or(PAGE);
    if !(1..=MOST_PER_PAGE).contains(&limit) {
        return Err(Problem::invalid(vec![
            app::domain::form::FieldProblem::new(
                "limit",
                format!("Ask for 1 to {MOST_PER_PAGE} appointments a page."),
            ),
        ]));
    }
    let after = match query.cursor.as_deref() {
        None | Some("") => None,
        Some(cursor) => Some(read_cursor(cursor).ok_or_else(|| {
            Problem::bad_request("That cursor is not one this API gave; start again without it.")
        })?),
    };
    let zone = booking::rules(&state.pool, state.clinic_id).await?.zone();
    let start_of = |day: NaiveDate| -> DateTime<Utc> {
        zone.from_local_datetime(&day.and_time(NaiveTime::MIN))
            .earliest()
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&day.and_time(NaiveTime::MIN)))
    };
    let range = (start_of(query.from), start_of(query.to + Duration::days(1)));
    // One more than the page tells whether another page follows.
    let mut rows =
        api_reads::appointments(&state.pool, state.clinic_id, range, after, limit + 1).await?;
    let next_cursor = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|last| write_cursor(last.start, last.id))
    } else {
        None
    };
    audit(&state, &headers, &key, "read", "appointments", None).await?;
    Ok(Json(AppointmentPage {
        data: rows.into_iter().map(appointment_json).collect(),
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

/// The cursor is the last row's start and id, hex-encoded: opaque to clients, and any
/// change to its form is the API's own business.
fn write_cursor(start: DateTime<Utc>, id: uuid::Uuid) -> String {
    hex(format!("{}|{id}", start.timestamp_micros()).as_bytes())
}

fn read_cursor(cursor: &str) -> Option<api_reads::After> {
    let text = String::from_utf8(unhex(cursor)?).ok()?;
    let (micros, id) = text.split_once('|')?;
    Some(api_reads::After {
        start: DateTime::from_timestamp_micros(micros.parse().ok()?)?,
        id: id.parse().ok()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cursor_reads_back_and_anything_else_is_refused() {
        let start = Utc.with_ymd_and_hms(2026, 3, 17, 9, 30, 0).unwrap();
        let id = uuid::Uuid::from_u128(7);
        let cursor = write_cursor(start, id);
        assert_eq!(read_cursor(&cursor), Some(api_reads::After { start, id }));
        assert_eq!(read_cursor("zz"), None);
        assert_eq!(read_cursor(&hex(b"12|not-a-uuid")), None);
    }
}
