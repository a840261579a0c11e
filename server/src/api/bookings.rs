//! Bookings through the API: made by holding a time and confirming it, exactly as the
//! booking pages do (the booking boundary, the clinic's notice, horizon, hours and rooms, the
//! treatment's payment rule), read, moved and cancelled as the patient's link would. The
//! patient gets the same emails as for a booking made on the site.

use super::appointments::appointment_json;
use super::idempotency;
use super::idempotency::json_body;
use super::keys::{audit, authorize, request_id};
use super::problem::Problem;
use super::types::{Appointment, BookingMade, CancelBooking, MoveBooking, NewBooking, Whose};
use app::backend::auth::session::Token;
use app::backend::integrations::booking::{BookingSystem, Wanted};
use app::backend::state::AppState;
use app::backend::store::api_keys::ApiKey;
use app::backend::store::api_reads;
use app::backend::store::booking::{
    self as store, Booked, Booker, Changer, Integration, Notice, Refusal,
};
use app::domain::api_keys::Scope;
use app::domain::booking::may_change_online;
use app::domain::booking::{DetailsForm, Offers};
use app::domain::form::FieldProblem;
use app::domain::refunds::CancelledBy;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use uuid::Uuid;

const PROBLEMS: &str = "application/problem+json";

#[utoipa::path(
    post, path = "/bookings", tag = "bookings",
    summary = "Book a time",
    description = "Holds the time and confirms it for the patient, as the booking pages do: \
                   only a time `GET /treatments/{slug}/availability` offers can be booked. \
                   Where the clinic asks for a payment when booking, which the API cannot \
                   take, the time is given back and the answer is 422 (`payment-required`): \
                   the patient books it on the clinic's site. The patient is emailed the \
                   confirmation. Needs a read-and-write key; honours \
                   `Idempotency-Key`.",
    request_body = NewBooking,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique string of 1 to 255 characters")),
    security(("api_key" = [])),
    responses(
        (status = 201, body = BookingMade),
        (status = 400, body = Problem, content_type = PROBLEMS),
        (status = 401, body = Problem, content_type = PROBLEMS),
        (status = 403, body = Problem, content_type = PROBLEMS),
        (status = 409, body = Problem, content_type = PROBLEMS, description = "The time is not free, or a request with the same Idempotency-Key is still being answered"),
        (status = 422, body = Problem, content_type = PROBLEMS),
        (status = 429, body = Problem, content_type = PROBLEMS),
        (status = 503, body = Problem, content_type = PROBLEMS),
    )
)]
pub async fn create(State(state): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let (state, headers, body) = (&state, &headers, &body);
    idempotency::write(
        state,
        headers,
        "POST /bookings",
        body,
        move |key| async move {
            let asked: NewBooking = json_body(headers, body)?;
            let made = book(state, headers, &key, asked).await?;
            audit(
                state,
                headers,
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
        (status = 409, body = Problem, content_type = PROBLEMS, description = "The time is not free, the booking can no longer move, or a request with the same Idempotency-Key is still being answered"),
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
    let (state, headers, body) = (&state, &headers, &body);
    idempotency::write(state, headers, &what, body, move |key| async move {
        let id = booking_id(&id)?;
        let asked: MoveBooking = json_body(headers, body)?;
        let booking = stored(state, id).await?;
        let (calendar_rules, now) = rules(state).await?;
        may_change(state, id, now).await?;
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
        let request_id = request_id(headers);
        let change = Integration {
            key: &key,
            clinic_id: state.clinic_id,
            request_id: &request_id,
            cancelled_by: CancelledBy::Patient,
        };
        state
            .calendar(now, &calendar_rules)
            .reschedule(
                id,
                &wanted,
                &Changer::Integration(&change),
                Some(notice(state)),
            )
            .await
            .map_err(refused)?;
        Ok(Json(stored(state, id).await?).into_response())
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
        (status = 409, body = Problem, content_type = PROBLEMS, description = "Already cancelled, past, inside the late-cancel window, or a request with the same Idempotency-Key is still being answered"),
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
    let (state, headers, body) = (&state, &headers, &body);
    idempotency::write(state, headers, &what, body, move |key| async move {
        let id = booking_id(&id)?;
        let asked: CancelBooking = json_body(headers, body)?;
        let (calendar_rules, now) = rules(state).await?;
        // Also where a booking that is not the clinic's (or is a hold) is not found.
        may_change(state, id, now).await?;
        let request_id = request_id(headers);
        let change = Integration {
            key: &key,
            clinic_id: state.clinic_id,
            request_id: &request_id,
            cancelled_by: match asked.by {
                Whose::Patient => CancelledBy::Patient,
                Whose::Clinic => CancelledBy::Clinic,
            },
        };
        let tell = asked.tell_patient.then(|| notice(state));
        state
            .calendar(now, &calendar_rules)
            .cancel(id, &Changer::Integration(&change), tell)
            .await
            .map_err(refused)?;
        // What the cancellation returns of the patient's payment is stored; send it.
        state.send_refunds_soon();
        Ok(Json(stored(state, id).await?).into_response())
    })
    .await
}

/// A booking the patient's own link could still change: open, not a group session, and
/// not inside the late-cancel window (then the clinic changes it, in the staff calendar).
async fn may_change(
    state: &AppState,
    id: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), Problem> {
    let rules = api_reads::change_rules(&state.pool, state.clinic_id, id)
        .await?
        .ok_or_else(|| Problem::not_found("The clinic has no booking with that id."))?;
    if rules.group {
        return Err(Problem::closed(
            "This is a group session: its patients change their own places, and the clinic the session.",
        ));
    }
    if !matches!(rules.status.as_str(), "confirmed" | "pending_payment") {
        return Err(Problem::closed("This booking is cancelled or over."));
    }
    if !may_change_online(rules.start, now, rules.late_cancel_hours) {
        return Err(Problem::closed(&format!(
            "It starts in less than {} hours (or has started): the clinic changes it now.",
            rules.late_cancel_hours
        )));
    }
    Ok(())
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
async fn book(
    state: &AppState,
    headers: &HeaderMap,
    key: &ApiKey,
    asked: NewBooking,
) -> Result<BookingMade, Problem> {
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
    let calendar = state.calendar(now, &calendar_rules);
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
        Booked::AwaitingPayment(due) => {
            // The API cannot take the payment (it has no checkout to send the patient
            // to): the waiting booking is given back at once, rather than left to lapse
            // with its time out of reach.
            let request_id = request_id(headers);
            let change = Integration {
                key,
                clinic_id: state.clinic_id,
                request_id: &request_id,
                cancelled_by: CancelledBy::Clinic,
            };
            calendar
                .cancel(due.appointment_id, &Changer::Integration(&change), None)
                .await
                .map_err(refused)?;
            return Err(Problem::payment_required());
        }
    };
    Ok(BookingMade {
        booking: stored(state, id).await?,
        manage_url,
    })
}
