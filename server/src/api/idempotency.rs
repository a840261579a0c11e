//! Writes through the API: a read-and-write key, a JSON body, and `Idempotency-Key`. A
//! client that lost the answer (a timeout, a dropped connection) sends the same request
//! with the same key and gets the first answer again, not a second booking or patient; the
//! same key with another request is refused, and one sent while the first is still being
//! answered is told to wait.

use super::keys::authorize;
use super::problem::Problem;
use app::backend::state::AppState;
use app::backend::store::api_keys::{self, ApiKey, Claim, Remembered};
use app::domain::api_keys::Scope;
use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use std::future::Future;

pub const HEADER: &str = "idempotency-key";

/// Marks an answer given again from memory.
pub const REPLAYED: &str = "idempotent-replayed";

/// A write: authorizes a read-and-write key, then answers the request `what` (its method
/// and path) with `body` once per idempotency key. Without the header, `answer` simply runs.
pub async fn write<F, Fut>(
    state: &AppState,
    headers: &HeaderMap,
    what: &str,
    body: &[u8],
    answer: F,
) -> Response
where
    F: FnOnce(ApiKey) -> Fut,
    Fut: Future<Output = Result<Response, Problem>>,
{
    let key = match authorize(state, headers, Scope::Write).await {
        Ok(key) => key,
        Err(problem) => return problem.into_response(),
    };
    let Some(value) = headers.get(HEADER) else {
        return answered(answer(key).await);
    };
    let idempotency_key = match value.to_str() {
        Ok(text) if (1..=255).contains(&text.len()) => text.to_owned(),
        _ => {
            return Problem::bad_request(
                "An Idempotency-Key is 1 to 255 visible ASCII characters, for example a UUID.",
            )
            .into_response()
        }
    };
    let mut hasher = Sha256::new();
    hasher.update(what.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    let request_hash = hasher.finalize().to_vec();
    let key_id = key.id;
    let claim = api_keys::claim(
        &state.pool,
        state.clinic_id,
        key_id,
        &idempotency_key,
        &request_hash,
        state.clock.now(),
    )
    .await;
    match claim {
        Err(error) => Problem::from(error).into_response(),
        Ok(Claim::OtherRequest) => Problem::idempotency_conflict().into_response(),
        Ok(Claim::InProgress) => Problem::in_progress().into_response(),
        Ok(Claim::Answered(earlier)) => replay(earlier),
        Ok(Claim::Claimed) => {
            let response = answered(answer(key).await);
            keep(state, key_id, &idempotency_key, response).await
        }
    }
}

/// The body as JSON of `T`, which the request must say it is (the server checks JSON bodies
/// for what PostgreSQL cannot store before they get here).
pub fn json_body<T: DeserializeOwned>(headers: &HeaderMap, body: &[u8]) -> Result<T, Problem> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|kind| kind.starts_with("application/json"));
    if !json {
        return Err(Problem::bad_request(
            "Send the body as JSON, with `Content-Type: application/json`.",
        ));
    }
    serde_json::from_slice(body).map_err(|error| {
        Problem::bad_request(&format!(
            "The body must be a JSON object as documented: {error}."
        ))
    })
}

fn answered(answer: Result<Response, Problem>) -> Response {
    answer.unwrap_or_else(IntoResponse::into_response)
}

/// Keeps the answer for the key, or gives the key up when our side failed (the client may
/// try again with it).
async fn keep(
    state: &AppState,
    key_id: uuid::Uuid,
    idempotency_key: &str,
    response: Response,
) -> Response {
    let status = response.status();
    if status.is_server_error() {
        if let Err(error) = api_keys::release(&state.pool, key_id, idempotency_key).await {
            tracing::warn!(%error, "could not give up an idempotency key after a failure");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, 1 << 20).await else {
        return Problem::unavailable().into_response();
    };
    let kept = Remembered {
        status: status.as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    if let Err(error) = api_keys::answered(&state.pool, key_id, idempotency_key, &kept).await {
        // The change is made; a retry with this key finds the claim and is told to wait
        // until the claim is given up as abandoned.
        tracing::warn!(%error, "could not keep an idempotent answer");
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn replay(earlier: Remembered) -> Response {
    let status = StatusCode::from_u16(earlier.status).unwrap_or(StatusCode::OK);
    let content_type = if status.is_success() {
        "application/json"
    } else {
        "application/problem+json"
    };
    let mut response =
        (status, [(header::CONTENT_TYPE, content_type)], earlier.body).into_response();
    response
        .headers_mut()
        .insert(REPLAYED, HeaderValue::from_static("true"));
    response
}
