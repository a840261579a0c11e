//! Bookings through the API: made by holding a time and confirming it, exactly as the
//! booking pages do (the booking boundary, the clinic's notice, horizon, hours and rooms, the
//! treatment's payment rule), read, moved and cancelled as the patient's link would. The
//! patient gets the same emails as for a booking made on the site.

use super::appointments::appointment_json;
use super::idempotency;
use super::keys::{audit, authorize, request_id};
use super::problem::Problem;
use super::types::{Appointment, BookingMade, CancelBooking, MoveBooking, NewBooking, Whose};
use app::backend::auth::session::Token;
use app::backend::integrations::booking::{BookingSystem, LumenCalendar, Wanted};
use app::backend::state::AppState;
use app::backend::store::api_keys::ApiKey;
use app::backend::store::api_reads;
use app::backend::store::booking::{
    self as store, Booked, Booker, Changer, Integration, Notice, Refusal,
};
use app::domain::api_keys::Scope;
use app::domain::booking::{DetailsForm, Offers};
use app::domain::form::FieldProblem;
use app::domain::refunds::CancelledBy;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::de::DeserializeOwned;
use uuid::Uuid;

const PROBLEMS: &str = "application/problem+json";

#[utoipa::path(
    post, path = "/bookings", tag = "bookings",
    summary = "Book a time",
    description = "Holds the time and confirms it for the patient, as the booking pages do: \
                   only a time `GET /treatments/{slug}/availability` offers can be booked. \
                   Where the clinic asks for a payment first, the booking waits for it \
                   (`pending_payment`) and the patient pays from `manage_url`. The patient \
                   is emailed the confirmation. Needs a read-and-write key; honours \
                   `Idempotency-Key`.",
    request_body = NewBooking,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique string of 1 to 255 characters")),
    security(("api_key" = [])),
    responses(
        (status = 201, body = BookingMade),
        (status = 400, body = Problem, content_type = PROBLEMS),
        (status = 401, body = Problem, content_type = PROBLEMS),
        (status = 403, body = Problem, content_type = PROBLEMS),
        (status = 409, body = Problem, content_type = PROBLEMS, description = "The time is not free"),
        (status = 422, body = Problem, content_type = PROBLEMS),
        (status = 429, body = Problem, content_type = PROBLEMS),
        (status = 503, body = Problem, content_type = PROBLEMS),
    )
)]
pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (st, hd, bd) = (state.clone(), headers.clone(), body.clone());
    writing(
        &state,
        &headers,
        "POST /bookings",
        &body,
        |key| async move {
            let (state, headers, body) = (st, hd, bd);
            let asked: NewBooking = json_body(&body)?;
            let made = book(&state, asked).await?;
            audit(
                &state,
                &headers,
                &key,
                "create",
                "appointment",
                Some(made.booking.id),
            )
            .await?;
            Ok((StatusCode::CREATED, Json(made)).into_response())
        },
    )
    .await
}

#[utoipa::path(
    get, path = "/bookings/{id}", tag = "bookings",
    summary = "One booking",
    params(("id" = String, Path, description = "The booking's id")),
    security(("api_key" = [])),
    responses(
        (status = 200, body = Appointment),
        (status = 401, body = Problem, content_type = PROBLEMS),
        (status = 404, body = Problem, content_type = PROBLEMS),
        (status = 429, body = Problem, content_type = PROBLEMS),
        (status = 503, body = Problem, content_type = PROBLEMS),
    )
)]
pub async fn read(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Appointment>, Problem> {
    let key = authorize(&state, &headers, Scope::Read).await?;
    let id = booking_id(&id)?;
    let booking = stored(&state, id).await?;
    audit(&state, &headers, &key, "read", "appointment", Some(id)).await?;
    Ok(Json(booking))
}

#[utoipa::path(
    post, path = "/bookings/{id}/move", tag = "bookings",
    summary = "Move a booking to another free time",
    description = "Under the same rules as the patient's own link; the patient is emailed \
                   the new time. Needs a read-and-write key; honours `Idempotency-Key`.",
    request_body = MoveBooking,
    params(("id" = String, Path, description = "The booking's id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Any unique string of 1 to 255 characters")),
    security(("api_key" = [])),
    responses(
        (status = 200, body = Appointment),
        (status = 400, body = Problem, content_type = PROBLEMS),
        (status = 401, body = Problem, content_type = PROBLEMS),
        (status = 403, body = Problem, content_type = PROBLEMS),
        (status = 404, body = Problem, content_type = PROBLEMS),
        (status = 409, body = Problem, content_type = PROBLEMS, description = "The time is not free, or the booking can no longer move"),
        (status = 422, body = Problem, content_type = PROBLEMS),
        (status = 429, body = Problem, content_type = PROBLEMS),
        (status = 503, body = Problem, content_type = PROBLEMS),
    )
)]
pub async fn move_to(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let what = format!("POST /bookings/{id}/move");
    let (st, hd, bd) = (state.clone(), headers.clone(), body.clone());
    writing(&state, &headers, &what, &body, |key| async move {
        let (state, headers, body) = (st, hd, bd);
        let id = booking_id(&id)?;
        let asked: MoveBooking = json_body(&body)?;
        let booking = stored(&state, id).await?;
        let (calendar_rules, now) = rules(&state).await?;
        let treatment = store::treatment(&state.pool, state.clinic_id, &booking.treatment)
            .await?
            .ok_or_else(|| {
                Problem::closed("This treatment is no longer offered, so the booking cannot move.")
            })?;
        let wanted = Wanted {
            treatment: &treatment,
            provider: Some(asked.provider_id.unwrap_or(booking.provider_id)),
            location: None,
            start: asked.start,
            double_book: false,
        };
        let request_id = request_id(&headers);
        let change = Integration {
            key: &key,
            clinic_id: state.clinic_id,
            request_id: &request_id,
            cancelled_by: CancelledBy::Patient,
        };
        calendar(&state, &calendar_rules, now)
            .reschedule(
                id,
                &wanted,
                &Changer::Integration(&change),
                Some(notice(&state)),
            )
            .await
            .map_err(refused)?;
        Ok(Json(stored(&state, id).await?).into_response())
    })
    .await
}

#[utoipa::path(
    post, path = "/bookings/{id}/cancel", tag = "bookings",
    summary = "Cancel a booking",
    description = "`by` says whose cancellation it is: the patient's follows the clinic's \
                   cancellation policy for any payment; the clinic's returns it. Needs a \
                   read-and-write key; honours `Idempotency-Key`.",
    request_body = CancelBooking,
    params(("id" = String, Path, description = "The booking's id"),
           ("Idempotency-Key" = Option<String>, Header, description = "Any unique string of 1 to 255 characters")),
    security(("api_key" = [])),
    responses(
        (status = 200, body = Appointment),
        (status = 400, body = Problem, content_type = PROBLEMS),
        (status = 401, body = Problem, content_type = PROBLEMS),
        (status = 403, body = Problem, content_type = PROBLEMS),
        (status = 404, body = Problem, content_type = PROBLEMS),
        (status = 409, body = Problem, content_type = PROBLEMS, description = "Already cancelled, or past"),
        (status = 422, body = Problem, content_type = PROBLEMS, description = "The Idempotency-Key was used for another request"),
        (status = 429, body = Problem, content_type = PROBLEMS),
        (status = 503, body = Problem, content_type = PROBLEMS),
    )
)]
pub async fn cancel(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let what = format!("POST /bookings/{id}/cancel");
    let (st, hd, bd) = (state.clone(), headers.clone(), body.clone());
    writing(&state, &headers, &what, &body, |key| async move {
        let (state, headers, body) = (st, hd, bd);
        let id = booking_id(&id)?;
        let asked: CancelBooking = json_body(&body)?;
        stored(&state, id).await?;
        let (calendar_rules, now) = rules(&state).await?;
        let request_id = request_id(&headers);
        let change = Integration {
            key: &key,
            clinic_id: state.clinic_id,
            request_id: &request_id,
            cancelled_by: match asked.by {
                Whose::Patient => CancelledBy::Patient,
                Whose::Clinic => CancelledBy::Clinic,
            },
        };
        let tell = asked.tell_patient.then(|| notice(&state));
        calendar(&state, &calendar_rules, now)
            .cancel(id, &Changer::Integration(&change), tell)
            .await
            .map_err(refused)?;
        // What the cancellation returns of the patient's payment is stored; send it.
        state.send_refunds_soon();
        Ok(Json(stored(&state, id).await?).into_response())
    })
    .await
}

/// A write: a read-and-write key, once per `Idempotency-Key`, answered with `answer`'s
/// result or its problem.
async fn writing<F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    what: &str,
    body: &[u8],
    answer: F,
) -> Response
where
    F: FnOnce(ApiKey) -> Fut,
    Fut: std::future::Future<Output = Result<Response, Problem>>,
{
    let key = match authorize(state, headers, Scope::Write).await {
        Ok(key) => key,
        Err(problem) => return problem.into_response(),
    };
    let kept = key.clone();
    idempotency::once(state, &kept, headers, what, body, || async move {
        answer(key)
            .await
            .unwrap_or_else(IntoResponse::into_response)
    })
    .await
}

fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(body).map_err(|error| {
        Problem::bad_request(&format!(
            "The body must be a JSON object as documented: {error}."
        ))
    })
}

fn booking_id(id: &str) -> Result<Uuid, Problem> {
    id.parse()
        .map_err(|_| Problem::not_found("The clinic has no booking with that id."))
}

async fn stored(state: &AppState, id: Uuid) -> Result<Appointment, Problem> {
    api_reads::appointment(&state.pool, state.clinic_id, id)
        .await?
        .map(appointment_json)
        .ok_or_else(|| Problem::not_found("The clinic has no booking with that id."))
}

async fn rules(state: &AppState) -> Result<(store::Rules, chrono::DateTime<chrono::Utc>), Problem> {
    Ok((
        store::rules(&state.pool, state.clinic_id).await?,
        state.clock.now(),
    ))
}

fn calendar<'a>(
    state: &'a AppState,
    rules: &'a store::Rules,
    now: chrono::DateTime<chrono::Utc>,
) -> LumenCalendar<'a> {
    LumenCalendar {
        pool: &state.pool,
        clinic_id: state.clinic_id,
        now,
        rules,
    }
}

fn notice(state: &AppState) -> Notice<'_> {
    Notice {
        public_url: &state.public_url,
        manage_link: None,
    }
}

fn refused(refusal: Refusal) -> Problem {
    match refusal {
        Refusal::Taken => Problem::taken(
            "That time is not free: someone has it, or it is outside the clinic's hours, notice \
             or booking horizon. GET /treatments/{slug}/availability lists the free times.",
        ),
        Refusal::Closed => Problem::closed(
            "This booking can no longer be changed: it is cancelled, past, or a group session.",
        ),
        Refusal::NotFound => Problem::not_found("The clinic has no booking with that id."),
        other => app::error::AppError::from(other).into(),
    }
}

/// Holds the asked time and confirms it for the patient the request names.
async fn book(state: &AppState, asked: NewBooking) -> Result<BookingMade, Problem> {
    let (calendar_rules, now) = rules(state).await?;
    let treatment = store::treatment(&state.pool, state.clinic_id, asked.treatment.trim())
        .await?
        .ok_or_else(|| {
            Problem::invalid(vec![FieldProblem::new(
                "treatment",
                "The clinic has no treatment with that slug: GET /treatments lists them.",
            )])
        })?;
    if treatment.capacity.is_some() {
        return Err(Problem::invalid(vec![FieldProblem::new(
            "treatment",
            "This is a group treatment: patients book a place at one of its sessions on the clinic's site.",
        )]));
    }
    let details = DetailsForm {
        first_name: asked.first_name,
        last_name: asked.last_name,
        email: asked.email,
        phone: asked.phone,
        notes: asked.notes,
        mode: asked.mode.map(|m| m.code().to_owned()).unwrap_or_default(),
    }
    .parse(
        Offers {
            in_person: treatment.offers_in_person,
            video: treatment.offers_video,
        },
        calendar_rules.home(),
    )
    .map_err(Problem::invalid)?;
    let calendar = calendar(state, &calendar_rules, now);
    let hold = Token::generate();
    calendar
        .hold(&treatment, asked.provider_id, asked.start, &hold)
        .await
        .map_err(refused)?;
    let manage = Token::generate();
    let manage_url = format!("{}/booking/{}", state.public_url, manage.as_str());
    let notice = Notice {
        public_url: &state.public_url,
        manage_link: Some(&manage_url),
    };
    let booked = calendar
        .confirm(&hold, &details, Booker::Guest, &manage, notice)
        .await
        .map_err(refused)?;
    let id = match booked {
        Booked::Confirmed(id) => id,
        Booked::AwaitingPayment(_) => {
            store::by_link(&state.pool, state.clinic_id, &manage.hash(), false)
                .await?
                .ok_or_else(Problem::unavailable)?
                .id
        }
    };
    Ok(BookingMade {
        booking: stored(state, id).await?,
        manage_url,
    })
}
