//! `Idempotency-Key` on POSTs: a client that lost the answer (a timeout, a dropped
//! connection) sends the same request with the same key and gets the first answer again,
//! not a second booking or patient. The same key with another request is refused.

use super::problem::Problem;
use app::backend::state::AppState;
use app::backend::store::api_keys::{self, ApiKey, Remembered};
use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::future::Future;

pub const HEADER: &str = "idempotency-key";

/// Marks an answer given again from memory.
pub const REPLAYED: &str = "idempotent-replayed";

/// Answers the request `what` (its method and path) with `body` once per idempotency key:
/// `answer` runs for the first, and its answer is kept a day. Without the header, `answer`
/// simply runs.
pub async fn once<F, Fut>(
    state: &AppState,
    key: &ApiKey,
    headers: &HeaderMap,
    what: &str,
    body: &[u8],
    answer: F,
) -> Response
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Response>,
{
    let Some(value) = headers.get(HEADER) else {
        return answer().await;
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
    match remembered_or_answered(state, key, &idempotency_key, what, body, answer).await {
        Ok(response) => response,
        Err(problem) => problem.into_response(),
    }
}

async fn remembered_or_answered<F, Fut>(
    state: &AppState,
    key: &ApiKey,
    idempotency_key: &str,
    what: &str,
    body: &[u8],
    answer: F,
) -> Result<Response, Problem>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = Response>,
{
    let mut hasher = Sha256::new();
    hasher.update(what.as_bytes());
    hasher.update([0]);
    hasher.update(body);
    let request_hash = hasher.finalize().to_vec();
    let now = state.clock.now();
    let mut tx = state.pool.begin().await?;
    api_keys::lock_idempotency_key(&mut tx, key.id, idempotency_key).await?;
    let earlier =
        api_keys::remembered(&mut tx, state.clinic_id, key.id, idempotency_key, now).await?;
    if let Some(earlier) = earlier {
        if earlier.request_hash != request_hash {
            return Err(Problem::idempotency_conflict());
        }
        return Ok(replay(earlier));
    }
    let response = answer().await;
    let status = response.status();
    if status.is_server_error() {
        // Nothing was stored; the client may try the same key again.
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let bytes = to_bytes(body, 1 << 20)
        .await
        .map_err(|_| Problem::unavailable())?;
    let kept = Remembered {
        request_hash,
        status: status.as_u16(),
        body: String::from_utf8_lossy(&bytes).into_owned(),
    };
    api_keys::remember(
        &mut tx,
        state.clinic_id,
        key.id,
        idempotency_key,
        &kept,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(Response::from_parts(parts, Body::from(bytes)))
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
