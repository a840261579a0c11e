//! `GET /admin/reports/{provider|treatment|location|weeks|peaks}.csv?from=&to=`: a report's
//! table as a spreadsheet file, for the same people and with the same figures as the screen
//! (money only for clinic admins), audited as the screen is; `….svg`: the same as a chart
//! the screen shows as a picture (bars for a grouping, lines for the weeks, a heatmap for
//! the busy hours).

use crate::protect::allowed;
use app::admin::reports::api::server::{range, tables};
use app::backend::audit::{self, Entry};
use app::backend::state::AppState;
use app::backend::store::reports;
use app::domain::access::{Action, Role};
use app::domain::charts::{bar_chart, heatmap, line_chart, Line};
use app::domain::days::Days;
use app::domain::days::DaysFilter;
use app::domain::money::Currency;
use app::domain::reports::{peaks_csv, table_csv, weeks_csv, By};
use app::error::AppError;
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
    let (name, chart) = match file.rsplit_once('.') {
        Some((name, "csv")) => (name, false),
        Some((name, "svg")) => (name, true),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let table = match name {
        "weeks" => Table::Weeks,
        "peaks" => Table::Peaks,
        name => match By::parse(name) {
            Some(by) => Table::By(by),
            None => return StatusCode::NOT_FOUND.into_response(),
        },
    };
    let viewer = match allowed(&state, &headers, Action::ManageAppointments).await {
        Ok(viewer) => viewer,
        Err(status) => return status.into_response(),
    };
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
    let made = match table {
        Table::By(by) => grouped(&state, viewer.role, by, &days, currency, chart).await,
        Table::Weeks => weekly(&state, &days, chart).await,
        Table::Peaks => busy_hours(&state, &days, chart).await,
    };
    let body = match made {
        Ok(body) => body,
        Err(error) => return failed(&error.to_string()),
    };
    if chart {
        return (
            [
                (header::CONTENT_TYPE, "image/svg+xml"),
                (header::CONTENT_SECURITY_POLICY, "default-src 'none'"),
                (header::CACHE_CONTROL, "private, no-store"),
            ],
            body,
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
        "attachment; filename=\"report-{name}-{}-to-{}.csv\"",
        days.from, days.to
    );
    let mut response = body.into_response();
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

/// Which of the screen's tables a file is of.
enum Table {
    By(By),
    Weeks,
    Peaks,
}

/// One grouping's table, or its bookings as bars; only that table is read (not the screen's
/// busy hours, nor the other groupings' rows).
async fn grouped(
    state: &AppState,
    role: Role,
    by: By,
    days: &Days,
    currency: Currency,
    chart: bool,
) -> Result<String, AppError> {
    let rows = tables(state, role, days)
        .await?
        .into_iter()
        .find(|table| table.by == by)
        .map(|table| table.rows)
        .unwrap_or_default();
    if !chart {
        return Ok(table_csv(by, &rows, currency));
    }
    let title = format!(
        "Booked {}, {} to {}",
        by.title().to_lowercase(),
        days.from,
        days.to
    );
    let bars: Vec<(String, i64)> = rows.into_iter().map(|row| (row.name, row.booked)).collect();
    Ok(bar_chart(&title, &bars))
}

/// The weeks of the range as CSV, or as lines of booked and attended.
async fn weekly(state: &AppState, days: &Days, chart: bool) -> Result<String, AppError> {
    let weeks = reports::weeks(&state.pool, state.clinic_id, days).await?;
    if !chart {
        return Ok(weeks_csv(&weeks));
    }
    let labels: Vec<String> = weeks
        .iter()
        .map(|week| week.starts.format("%-d %b").to_string())
        .collect();
    let title = format!("Week by week, {} to {}", days.from, days.to);
    Ok(line_chart(
        &title,
        &labels,
        &[
            Line {
                name: "Booked",
                values: weeks.iter().map(|week| week.booked).collect(),
            },
            Line {
                name: "Attended",
                values: weeks.iter().map(|week| week.attended).collect(),
            },
        ],
    ))
}

/// The busy hours as CSV, or as a heatmap of the hours anything happened in.
async fn busy_hours(state: &AppState, days: &Days, chart: bool) -> Result<String, AppError> {
    let grid: Vec<Vec<i64>> = reports::peak_times(&state.pool, state.clinic_id, days)
        .await?
        .iter()
        .map(|hours| hours.to_vec())
        .collect();
    if !chart {
        return Ok(peaks_csv(&grid));
    }
    let hours: Vec<usize> = (0..24)
        .filter(|hour| grid.iter().any(|day| day[*hour] > 0))
        .collect();
    let title = format!("Busy hours, {} to {}", days.from, days.to);
    Ok(heatmap(&title, &grid, &hours))
}

fn failed(error: &str) -> Response {
    tracing::error!(%error, "making a report's file failed");
    StatusCode::SERVICE_UNAVAILABLE.into_response()
}
