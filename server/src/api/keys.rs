//! Who is calling: the API key in `Authorization: Bearer …`, checked against this clinic's
//! live keys (another clinic's key is unknown here), its scope, and its rate limit (120
//! requests a minute unless the key says otherwise). Every
//! request made with a key is audited with the key as its actor.

use super::problem::Problem;
use app::backend::auth::session::Token;
use app::backend::state::AppState;
use app::backend::store::api_keys::{self, ApiKey};
use app::backend::store::rate_limits;
use app::domain::api_keys::{secret_part, Scope};
use app::domain::rate_limit::{Decision, Limit};
use axum::http::{header, HeaderMap};
use uuid::Uuid;

/// The key the request carries, when it may do what needs `needed` and has requests left.
pub async fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    needed: Scope,
) -> Result<ApiKey, Problem> {
    let presented = headers
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .ok_or_else(|| Problem::unauthorized("Send the key as `Authorization: Bearer lumen_…`."))?;
    let secret = secret_part(presented.trim())
        .and_then(Token::parse)
        .ok_or_else(|| Problem::unauthorized("That is not a Lumen API key."))?;
    let now = state.clock.now();
    let key = api_keys::presented(&state.pool, state.clinic_id, &secret.hash(), now)
        .await?
        .ok_or_else(|| {
            Problem::unauthorized(
                "This clinic has no live key like that: it may have been revoked.",
            )
        })?;
    if !key.scope.allows(needed) {
        return Err(Problem::forbidden(
            "This key may only read. Ask the clinic for a read-and-write key.",
        ));
    }
    let limit = Limit {
        attempts: key.per_minute,
        window: chrono::Duration::minutes(1),
    };
    let bucket = format!("api:{}", key.id);
    match rate_limits::attempt(&state.pool, &bucket, limit, now).await? {
        Decision::Allow => Ok(key),
        Decision::RetryAfter(wait) => {
            let seconds = (wait.num_milliseconds().max(0) as u64)
                .div_ceil(1000)
                .max(1);
            Err(Problem::too_many(seconds, key.per_minute))
        }
    }
}

/// Records what a key's request did, for the audit log.
pub async fn audit(
    state: &AppState,
    headers: &HeaderMap,
    key: &ApiKey,
    action: &str,
    subject_type: &str,
    subject_id: Option<Uuid>,
) -> Result<(), Problem> {
    let request_id = request_id(headers);
    let entry = api_keys::entry_for(
        key,
        state.clinic_id,
        action,
        subject_type,
        subject_id,
        state.clock.now(),
        &request_id,
    );
    app::backend::audit::record(&state.pool, entry).await?;
    Ok(())
}

/// The request's id (set by the server's middleware), so an audit row and a log line match.
pub fn request_id(headers: &HeaderMap) -> String {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}
