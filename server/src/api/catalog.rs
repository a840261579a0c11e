//! The public reads: what the clinic offers, who performs it, where, and when a treatment
//! can be booked (through the booking boundary, under the same rules as the booking pages).
//! No key is needed; the same facts are on the clinic's public pages.

use super::problem::Problem;
use super::types::{
    Availability, FreeTime, Location, LocationList, Money, Provider, ProviderList, Treatment,
    TreatmentList,
};
use app::backend::integrations::booking::{BookingSystem, Search};
use app::backend::state::AppState;
use app::backend::store::{api_reads, booking};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::Json;
use chrono::{Duration, NaiveDate};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

/// The longest span one availability request may ask about.
const MOST_DAYS: i64 = 31;

#[utoipa::path(
    get, path = "/treatments", tag = "catalogue",
    summary = "The clinic's treatments",
    responses(
        (status = 200, body = TreatmentList),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn treatments(State(state): State<AppState>) -> Result<Json<TreatmentList>, Problem> {
    let rows = api_reads::treatments(&state.pool, state.clinic_id).await?;
    Ok(Json(TreatmentList {
        data: rows
            .into_iter()
            .map(|t| Treatment {
                id: t.id,
                slug: t.slug,
                name: t.name,
                summary: t.summary,
                category: t.category,
                duration_minutes: t.duration_minutes,
                price: Money {
                    amount_minor: t.price_minor,
                    currency: t.currency,
                },
                in_person: t.in_person,
                video: t.video,
                group_capacity: t.capacity,
            })
            .collect(),
    }))
}

#[utoipa::path(
    get, path = "/providers", tag = "catalogue",
    summary = "The clinic's practitioners and what each performs",
    responses(
        (status = 200, body = ProviderList),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn providers(State(state): State<AppState>) -> Result<Json<ProviderList>, Problem> {
    let rows = api_reads::providers(&state.pool, state.clinic_id).await?;
    Ok(Json(ProviderList {
        data: rows
            .into_iter()
            .map(|p| Provider {
                id: p.id,
                slug: p.slug,
                name: p.name,
                title: p.title,
                treatments: p.treatments,
            })
            .collect(),
    }))
}

#[utoipa::path(
    get, path = "/locations", tag = "catalogue",
    summary = "Where the clinic sees patients",
    responses(
        (status = 200, body = LocationList),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn locations(State(state): State<AppState>) -> Result<Json<LocationList>, Problem> {
    let rows = api_reads::locations(&state.pool, state.clinic_id).await?;
    Ok(Json(LocationList {
        data: rows
            .into_iter()
            .map(|l| Location {
                id: l.id,
                slug: l.slug,
                name: l.name,
                address_line1: l.address_line1,
                address_line2: l.address_line2,
                city: l.city,
                postcode: l.postcode,
                country: l.country,
                phone: l.phone,
                time_zone: l.time_zone,
            })
            .collect(),
    }))
}

/// Which days to look at, in the clinic's time zone, and whose diary.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AvailabilityQuery {
    /// The first day (default: today).
    from: Option<NaiveDate>,
    /// The last day, at most 31 days after `from` (default: six days after it).
    to: Option<NaiveDate>,
    /// One practitioner's times only (default: anyone who performs the treatment).
    provider: Option<Uuid>,
}

#[utoipa::path(
    get, path = "/treatments/{slug}/availability", tag = "catalogue",
    summary = "Free times for a treatment",
    description = "The times the booking pages would offer: the clinic's notice, horizon, \
                   opening hours, rooms and every other booking are taken into account. \
                   Group treatments are booked by the session and have no free times here.",
    params(("slug" = String, Path, description = "The treatment's slug"), AvailabilityQuery),
    responses(
        (status = 200, body = Availability),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn availability(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    query: Result<Query<AvailabilityQuery>, QueryRejection>,
) -> Result<Json<Availability>, Problem> {
    let Query(query) = query.map_err(|rejection| Problem::bad_request(&rejection.body_text()))?;
    let rules = booking::rules(&state.pool, state.clinic_id).await?;
    let treatment = booking::treatment(&state.pool, state.clinic_id, &slug)
        .await?
        .ok_or_else(|| Problem::not_found("The clinic has no treatment with that slug."))?;
    let now = state.clock.now();
    let zone = rules.zone();
    let from = query
        .from
        .unwrap_or_else(|| now.with_timezone(&zone).date_naive());
    let to = query.to.unwrap_or(from + Duration::days(6));
    check_span(from, to, MOST_DAYS)?;
    if let Some(provider) = query.provider {
        if !treatment.providers.iter().any(|(id, _)| *id == provider) {
            return Err(Problem::not_found(
                "No practitioner with that id performs this treatment.",
            ));
        }
    }
    let found = if treatment.capacity.is_some() {
        Vec::new()
    } else {
        let calendar = state.calendar(now, &rules);
        calendar
            .free_times(&Search {
                treatment: &treatment,
                provider: query.provider,
                first_day: from,
                last_day: to,
                limit: None,
                ignoring: None,
            })
            .await
            .map_err(app::error::AppError::from)?
    };
    Ok(Json(Availability {
        treatment: treatment.slug.clone(),
        from,
        to,
        data: found
            .into_iter()
            .map(|f| FreeTime {
                start: f.slot.start,
                end: f.slot.end,
                provider_id: f.slot.provider,
                location_id: f.location_id,
            })
            .collect(),
    }))
}

/// `to` on or after `from`, and no more than `most` days after it.
pub fn check_span(from: NaiveDate, to: NaiveDate, most: i64) -> Result<(), Problem> {
    use app::domain::form::FieldProblem;
    if to < from {
        return Err(Problem::invalid(vec![FieldProblem::new(
            "to",
            "`to` must be on or after `from`.",
        )]));
    }
    if (to - from).num_days() > most {
        return Err(Problem::invalid(vec![FieldProblem::new(
            "to",
            format!("Ask for at most {most} days at a time."),
        )]));
    }
    Ok(())
}
