//! A local stand-in for a practice-management system's API (modelled on Zenoti's), for the
//! booking tests run against Lumen's second booking backend. It checks what such a system
//! checks (its API key, its own ids, the shape of each request, one booking per
//! `Idempotency-Key`) and answers as it does, from a diary of its own: therapists working
//! 09:00–17:00 (UTC) Tuesday to Saturday, each service followed by its recovery time,
//! starts on a quarter-hour grid, reservations that lapse after ten minutes (of the test's
//! clock, when it keeps one), and appointments moved in one step.

use crate::common;
use app::backend::state::Clock;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

pub const API_KEY: &str = "practice-test-key";
pub const CENTER: &str = "ctr-juniper";

/// A service the system offers: how long, and the recovery time after it.
#[derive(Clone)]
pub struct Service {
    pub minutes: i64,
    pub recovery: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Booking {
    pub id: String,
    pub service: String,
    pub therapist: String,
    pub start: DateTime<Utc>,
    pub guest_email: String,
    pub guest_phone: String,
    pub cancelled: bool,
}

struct Reservation {
    id: String,
    therapist: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

#[derive(Default)]
pub struct Diary {
    services: HashMap<String, Service>,
    therapists: Vec<String>,
    pub bookings: Vec<Booking>,
    reservations: Vec<Reservation>,
    /// The answer to each `Idempotency-Key` already used.
    answered: HashMap<String, Value>,
    next: u32,
    /// The test's clock; the real one when `None`.
    clock: Option<Clock>,
}

/// The stand-in's diary, shared with the test that started it.
#[derive(Clone, Default)]
pub struct StandIn(Arc<Mutex<Diary>>);

impl StandIn {
    pub fn diary(&self) -> std::sync::MutexGuard<'_, Diary> {
        self.0.lock().unwrap()
    }

    pub fn offer(&self, service: &str, minutes: i64, recovery: i64) {
        self.diary()
            .services
            .insert(service.to_owned(), Service { minutes, recovery });
    }

    /// Keeps the test's time, so reservations lapse when the test moves its clock on.
    pub fn keeping_time(&self, clock: Clock) {
        self.diary().clock = Some(clock);
    }

    pub fn employ(&self, therapist: &str) {
        self.diary().therapists.push(therapist.to_owned());
    }

    /// A booking made at the clinic's desk in the system itself, which Lumen never saw.
    pub fn book_at_desk(&self, service: &str, therapist: &str, start: DateTime<Utc>) {
        let mut diary = self.diary();
        let id = diary.new_id("apt");
        diary.bookings.push(Booking {
            id,
            service: service.to_owned(),
            therapist: therapist.to_owned(),
            start,
            guest_email: "walk-in@example.com".to_owned(),
            guest_phone: String::new(),
            cancelled: false,
        });
    }

    /// Reservations not yet lapsed or used.
    pub fn live_reservations(&self) -> usize {
        let diary = self.diary();
        let now = diary.now();
        diary
            .reservations
            .iter()
            .filter(|r| r.expires_at > now)
            .count()
    }

    /// Serves the API on a port of its own; returns its address.
    pub async fn start(&self) -> String {
        let router = Router::new()
            .route("/v1/centers/{center}/services/{service}/slots", get(slots))
            .route("/v1/centers/{center}/reservations", post(reserve))
            .route("/v1/reservations/{id}", delete(release))
            .route("/v1/centers/{center}/appointments", post(book).get(list))
            .route("/v1/appointments/{id}/cancel", post(cancel))
            .route("/v1/appointments/{id}/reschedule", post(reschedule))
            .with_state(self.clone());
        let (listener, address) = common::listener().await;
        common::serve(listener, router);
        address
    }
}

impl Diary {
    fn now(&self) -> DateTime<Utc> {
        self.clock.as_ref().map_or_else(Utc::now, Clock::now)
    }

    fn new_id(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}-{:04}", self.next)
    }

    fn end_of(
        &self,
        service: &str,
        start: DateTime<Utc>,
    ) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        let s = self.services.get(service)?;
        Some((
            start + Duration::minutes(s.minutes),
            start + Duration::minutes(s.minutes + s.recovery),
        ))
    }

    /// When a wanted slot's service and recovery end; a 404 naming what the system does
    /// not know.
    fn known(&self, wanted: &SlotBody) -> Result<DateTime<Utc>, Box<Response>> {
        let Some((_, busy_until)) = self.end_of(&wanted.service_id, wanted.start_time) else {
            return Err(Box::new(problem(
                StatusCode::NOT_FOUND,
                "service_not_found",
                "No such service.",
            )));
        };
        if !self.therapists.contains(&wanted.therapist_id) {
            return Err(Box::new(problem(
                StatusCode::NOT_FOUND,
                "therapist_not_found",
                "No such therapist.",
            )));
        }
        Ok(busy_until)
    }

    /// Whether the therapist works all of `start..until` and nothing else has it.
    fn free(&self, therapist: &str, start: DateTime<Utc>, until: DateTime<Utc>) -> bool {
        self.free_but(therapist, start, until, None)
    }

    /// The same, leaving appointment `moving` out of the reckoning.
    fn free_but(
        &self,
        therapist: &str,
        start: DateTime<Utc>,
        until: DateTime<Utc>,
        moving: Option<&str>,
    ) -> bool {
        let day = start.date_naive();
        let works = !matches!(day.weekday(), Weekday::Sun | Weekday::Mon)
            && start >= at(day, 9)
            && until <= at(day, 17);
        let now = self.now();
        let overlaps = |s: DateTime<Utc>, e: DateTime<Utc>| s < until && start < e;
        works
            && !self.bookings.iter().any(|b| {
                !b.cancelled
                    && Some(b.id.as_str()) != moving
                    && b.therapist == therapist
                    && self
                        .end_of(&b.service, b.start)
                        .is_some_and(|(_, busy_until)| overlaps(b.start, busy_until))
            })
            && !self
                .reservations
                .iter()
                .any(|r| r.therapist == therapist && r.expires_at > now && overlaps(r.start, r.end))
    }
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap())
        .and_utc()
}

fn problem(status: StatusCode, code: &str, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": { "code": code, "message": message } })),
    )
        .into_response()
}

/// The key and the centre, as the system checks them before anything else.
fn refused(headers: &HeaderMap, center: Option<&str>) -> Option<Response> {
    let key = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("apikey "));
    if key != Some(API_KEY) {
        return Some(problem(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authorization must be `apikey <key>` with a valid key.",
        ));
    }
    if center.is_some_and(|c| c != CENTER) {
        return Some(problem(
            StatusCode::NOT_FOUND,
            "center_not_found",
            "No such centre.",
        ));
    }
    None
}

#[derive(Deserialize)]
struct SlotsQuery {
    from: NaiveDate,
    to: NaiveDate,
    therapist_id: Option<String>,
}

async fn slots(
    State(stand_in): State<StandIn>,
    Path((center, service)): Path<(String, String)>,
    Query(query): Query<SlotsQuery>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = refused(&headers, Some(&center)) {
        return refusal;
    }
    let diary = stand_in.diary();
    if !diary.services.contains_key(&service) {
        return problem(
            StatusCode::NOT_FOUND,
            "service_not_found",
            "No such service.",
        );
    }
    if query.to < query.from || (query.to - query.from).num_days() > 62 {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid_range",
            "`to` must be on or after `from`, at most 62 days on.",
        );
    }
    let mut found = Vec::new();
    let mut day = query.from;
    while day <= query.to {
        for therapist in &diary.therapists {
            if query.therapist_id.as_ref().is_some_and(|t| t != therapist) {
                continue;
            }
            let mut start = at(day, 9);
            while start < at(day, 17) {
                let (end, busy_until) = diary.end_of(&service, start).unwrap();
                if diary.free(therapist, start, busy_until) {
                    found.push(json!({
                        "therapist_id": therapist,
                        "start_time": start.to_rfc3339(),
                        "end_time": end.to_rfc3339(),
                    }));
                }
                start += Duration::minutes(15);
            }
        }
        day = day.succ_opt().unwrap();
    }
    Json(json!({ "slots": found })).into_response()
}

#[derive(Deserialize)]
struct SlotBody {
    service_id: String,
    therapist_id: String,
    start_time: DateTime<Utc>,
}

/// The body as the system reads it: a clear 400 when it will not do.
fn parse<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, Box<Response>> {
    serde_json::from_str(body).map_err(|error| {
        Box::new(problem(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &error.to_string(),
        ))
    })
}

async fn reserve(
    State(stand_in): State<StandIn>,
    Path(center): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(refusal) = refused(&headers, Some(&center)) {
        return refusal;
    }
    let wanted: SlotBody = match parse(&body) {
        Ok(wanted) => wanted,
        Err(refusal) => return *refusal,
    };
    let mut diary = stand_in.diary();
    let busy_until = match diary.known(&wanted) {
        Ok(until) => until,
        Err(refusal) => return *refusal,
    };
    if !diary.free(&wanted.therapist_id, wanted.start_time, busy_until) {
        return problem(
            StatusCode::CONFLICT,
            "slot_unavailable",
            "That slot is not free.",
        );
    }
    let id = diary.new_id("rsv");
    let expires_at = diary.now() + Duration::minutes(10);
    diary.reservations.push(Reservation {
        id: id.clone(),
        therapist: wanted.therapist_id,
        start: wanted.start_time,
        end: busy_until,
        expires_at,
    });
    (
        StatusCode::CREATED,
        Json(json!({ "id": id, "expires_at": expires_at.to_rfc3339() })),
    )
        .into_response()
}

async fn release(
    State(stand_in): State<StandIn>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = refused(&headers, None) {
        return refusal;
    }
    let mut diary = stand_in.diary();
    let before = diary.reservations.len();
    diary.reservations.retain(|r| r.id != id);
    if diary.reservations.len() == before {
        return problem(
            StatusCode::NOT_FOUND,
            "reservation_not_found",
            "No such reservation.",
        );
    }
    StatusCode::NO_CONTENT.into_response()
}

#[derive(Deserialize)]
struct AppointmentBody {
    #[serde(flatten)]
    slot: SlotBody,
    reservation_id: Option<String>,
    guest: GuestBody,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct GuestBody {
    first_name: String,
    last_name: String,
    email: String,
    phone: String,
}

async fn book(
    State(stand_in): State<StandIn>,
    Path(center): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(refusal) = refused(&headers, Some(&center)) {
        return refusal;
    }
    let Some(key) = headers.get("idempotency-key").and_then(|v| v.to_str().ok()) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "idempotency_key_required",
            "Creating an appointment needs an Idempotency-Key.",
        );
    };
    let wanted: AppointmentBody = match parse(&body) {
        Ok(wanted) => wanted,
        Err(refusal) => return *refusal,
    };
    let guest = &wanted.guest;
    if [&guest.first_name, &guest.last_name, &guest.email]
        .iter()
        .any(|field| field.trim().is_empty())
        || !guest.email.contains('@')
    {
        return problem(
            StatusCode::BAD_REQUEST,
            "invalid_guest",
            "A guest needs a first and last name and an email address.",
        );
    }
    let mut diary = stand_in.diary();
    if let Some(first) = diary.answered.get(key) {
        return (StatusCode::CREATED, Json(first.clone())).into_response();
    }
    let busy_until = match diary.known(&wanted.slot) {
        Ok(until) => until,
        Err(refusal) => return *refusal,
    };
    match &wanted.reservation_id {
        Some(reservation) => {
            let now = diary.now();
            let Some(at) = diary.reservations.iter().position(|r| {
                &r.id == reservation
                    && r.expires_at > now
                    && r.therapist == wanted.slot.therapist_id
                    && r.start == wanted.slot.start_time
            }) else {
                return problem(
                    StatusCode::NOT_FOUND,
                    "reservation_not_found",
                    "No such reservation for that slot, or it has lapsed.",
                );
            };
            diary.reservations.remove(at);
        }
        None => {
            if !diary.free(
                &wanted.slot.therapist_id,
                wanted.slot.start_time,
                busy_until,
            ) {
                return problem(
                    StatusCode::CONFLICT,
                    "slot_unavailable",
                    "That slot is not free.",
                );
            }
        }
    }
    let id = diary.new_id("apt");
    diary.bookings.push(Booking {
        id: id.clone(),
        service: wanted.slot.service_id,
        therapist: wanted.slot.therapist_id,
        start: wanted.slot.start_time,
        guest_email: wanted.guest.email,
        guest_phone: wanted.guest.phone,
        cancelled: false,
    });
    let answer = json!({ "id": id, "status": "booked" });
    diary.answered.insert(key.to_owned(), answer.clone());
    (StatusCode::CREATED, Json(answer)).into_response()
}

#[derive(Deserialize)]
struct DaysQuery {
    from: NaiveDate,
    to: NaiveDate,
}

async fn list(
    State(stand_in): State<StandIn>,
    Path(center): Path<String>,
    Query(days): Query<DaysQuery>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = refused(&headers, Some(&center)) {
        return refusal;
    }
    let diary = stand_in.diary();
    let listed: Vec<Value> = diary
        .bookings
        .iter()
        .filter(|b| (days.from..=days.to).contains(&b.start.date_naive()))
        .map(|b| {
            let (end, _) = diary.end_of(&b.service, b.start).unwrap();
            json!({
                "id": b.id,
                "service_id": b.service,
                "therapist_id": b.therapist,
                "start_time": b.start.to_rfc3339(),
                "end_time": end.to_rfc3339(),
                "status": if b.cancelled { "cancelled" } else { "booked" },
            })
        })
        .collect();
    Json(json!({ "appointments": listed })).into_response()
}

async fn cancel(
    State(stand_in): State<StandIn>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Some(refusal) = refused(&headers, None) {
        return refusal;
    }
    let mut diary = stand_in.diary();
    let Some(booking) = diary.bookings.iter_mut().find(|b| b.id == id) else {
        return problem(
            StatusCode::NOT_FOUND,
            "appointment_not_found",
            "No such appointment.",
        );
    };
    booking.cancelled = true;
    Json(json!({ "id": id, "status": "cancelled" })).into_response()
}

/// Moves an appointment: the new slot is weighed without the appointment's own old time.
async fn reschedule(
    State(stand_in): State<StandIn>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> Response {
    if let Some(refusal) = refused(&headers, None) {
        return refusal;
    }
    let wanted: SlotBody = match parse(&body) {
        Ok(wanted) => wanted,
        Err(refusal) => return *refusal,
    };
    let mut diary = stand_in.diary();
    let busy_until = match diary.known(&wanted) {
        Ok(until) => until,
        Err(refusal) => return *refusal,
    };
    let Some(index) = diary
        .bookings
        .iter()
        .position(|b| b.id == id && !b.cancelled)
    else {
        return problem(
            StatusCode::NOT_FOUND,
            "appointment_not_found",
            "No such appointment, or it was cancelled.",
        );
    };
    if !diary.free_but(
        &wanted.therapist_id,
        wanted.start_time,
        busy_until,
        Some(&id),
    ) {
        return problem(
            StatusCode::CONFLICT,
            "slot_unavailable",
            "That slot is not free.",
        );
    }
    let booking = &mut diary.bookings[index];
    booking.service = wanted.service_id;
    booking.therapist = wanted.therapist_id;
    booking.start = wanted.start_time;
    Json(json!({ "id": id, "status": "booked" })).into_response()
}
