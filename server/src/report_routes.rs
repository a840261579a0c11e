//! `GET /admin/reports/{provider|treatment|location}.csv?from=&to=`: a report's table as a
//! spreadsheet file, for the same people and with the same figures as the screen (money
//! only for clinic admins), audited as the screen is; `….svg`: its bookings as a bar chart
//! the screen shows as a picture.

use crate::protect::allowed;
use app::admin::reports::api::server::{range, tables};
use app::backend::audit::{self, Entry};
use app::backend::state::AppState;
use app::domain::access::Action;
use app::domain::charts::bar_chart;
use app::domain::days::DaysFilter;
use app::domain::reports::{table_csv, By};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

pub const PATH: &str = "/admin/reports/{file}";

pub async fn download(
    State(state): State<AppState>,
    Path(file): Path<String>,
    Query(filter): Query<DaysFilter>,
    headers: HeaderMap,
) -> Response {
    let (by, chart) = match file.rsplit_once('.') {
        Some((by, "csv")) => (By::parse(by), false),
        Some((by, "svg")) => (By::parse(by), true),
        _ => (None, false),
    };
    let Some(by) = by else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let viewer = match allowed(&state, &headers, Action::ManageAppointments).await {
        Ok(viewer) => viewer,
        Err(status) => return status.into_response(),
    };
    // Only the one table: not the screen's busy hours, nor the other groupings' rows.
    let (days, currency) = match range(&state, &filter).await {
        Ok(range) => range,
        Err(error) => return failed(&error.to_string()),
    };
    let days = match days {
        Ok(days) => days,
        Err(problems) => {
            let message = problems
                .first()
                .map(|p| p.message.clone())
                .unwrap_or_default();
            return (StatusCode::UNPROCESSABLE_ENTITY, message).into_response();
        }
    };
    let rows = match tables(&state, viewer.role, &days).await {
        Ok(tables) => tables
            .into_iter()
            .find(|table| table.by == by)
            .map(|table| table.rows)
            .unwrap_or_default(),
        Err(error) => return failed(&error.to_string()),
    };
    if chart {
        let title = format!(
            "Booked {}, {} to {}",
            by.title().to_lowercase(),
            days.from,
            days.to
        );
        let bars: Vec<(String, i64)> = rows.into_iter().map(|row| (row.name, row.booked)).collect();
        return (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            bar_chart(&title, &bars),
        )
            .into_response();
    }
    let audited = audit::record(
        &state.pool,
        Entry {
            at: state.clock.now(),
            clinic_id: Some(state.clinic_id),
            actor_user_id: Some(viewer.user_id),
            actor_role: viewer.role.as_str(),
            action: "export",
            subject_type: "reports",
            subject_id: None,
            request_id: "",
        },
    )
    .await;
    if let Err(error) = audited {
        return failed(&error.to_string());
    }
    let name = format!(
        "attachment; filename=\"report-{}-{}-to-{}.csv\"",
        by.code(),
        days.from,
        days.to
    );
    let mut response = table_csv(by, &rows, currency).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(name) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, name);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

fn failed(error: &str) -> Response {
    tracing::error!(%error, "making a report's file failed");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}
