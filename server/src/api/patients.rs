//! Patients: one record by id (read scope), and adding one (write scope, idempotent).

use super::idempotency;
use super::keys::{audit, authorize, request_id};
use super::problem::Problem;
use super::types::{NewPatient, Patient};
use app::backend::state::AppState;
use app::backend::store::{api_keys, api_reads, booking, patients};
use app::domain::api_keys::Scope;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use uuid::Uuid;

#[utoipa::path(
    get, path = "/patients/{id}", tag = "patients",
    summary = "One patient's record",
    params(("id" = String, Path, description = "The patient's id")),
    security(("api_key" = [])),
    responses(
        (status = 200, body = Patient),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn patient(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Patient>, Problem> {
    let key = authorize(&state, &headers, Scope::Read).await?;
    let missing = || Problem::not_found("The clinic has no patient with that id.");
    let id: Uuid = id.parse().map_err(|_| missing())?;
    let found = api_reads::patient(&state.pool, state.clinic_id, id)
        .await?
        .ok_or_else(missing)?;
    audit(&state, &headers, &key, "read", "patient", Some(id)).await?;
    Ok(Json(patient_json(found)))
}

#[utoipa::path(
    post, path = "/patients", tag = "patients",
    summary = "Add a patient",
    description = "Needs a read-and-write key. Send an `Idempotency-Key` header so that a \
                   request sent twice (after a timeout) adds the patient once: the same key \
                   gets the first answer again for a day.",
    request_body = NewPatient,
    params(("Idempotency-Key" = Option<String>, Header, description = "Any unique string of 1 to 255 characters, for example a UUID")),
    security(("api_key" = [])),
    responses(
        (status = 201, body = Patient, description = "The patient's record (an existing one when the clinic already had their email address)"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "A request with the same Idempotency-Key is still being answered"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
        (status = 429, body = Problem, content_type = "application/problem+json"),
        (status = 503, body = Problem, content_type = "application/problem+json"),
    )
)]
pub async fn add_patient(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let (st, hd, bd) = (&state, &headers, &body);
    idempotency::write(
        &state,
        &headers,
        "POST /patients",
        &body,
        move |key| async move {
            let patient = added(st, hd, &key, bd).await?;
            Ok((StatusCode::CREATED, Json(patient)).into_response())
        },
    )
    .await
}

async fn added(
    state: &AppState,
    headers: &HeaderMap,
    key: &api_keys::ApiKey,
    body: &[u8],
) -> Result<Patient, Problem> {
    let form: NewPatient = idempotency::json_body(headers, body)?;
    let home = booking::rules(&state.pool, state.clinic_id).await?.home();
    let mut problems = Vec::new();
    let person = app::domain::calendar::new_patient(
        &mut problems,
        [&form.first_name, &form.last_name, &form.email, &form.phone],
        home,
    );
    let person = match person {
        Some(person) if problems.is_empty() => person,
        _ => return Err(Problem::invalid(problems)),
    };
    let request_id = request_id(headers);
    let entry = api_keys::entry_for(
        key,
        state.clinic_id,
        "create",
        "patient",
        None,
        state.clock.now(),
        &request_id,
    );
    let id = patients::add_patient(&state.pool, state.clinic_id, person, entry).await?;
    let stored = api_reads::patient(&state.pool, state.clinic_id, id)
        .await?
        .ok_or_else(Problem::unavailable)?;
    Ok(patient_json(stored))
}

fn patient_json(p: api_reads::PatientRead) -> Patient {
    Patient {
        id: p.id,
        first_name: p.first_name,
        last_name: p.last_name,
        email: p.email,
        phone: p.phone,
        created_at: p.created_at,
    }
}
