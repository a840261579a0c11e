//! Rate limits on abuse-prone server functions (signing in, registering): attempts are
//! counted in Postgres per bucket, and a refusal is a 429 with Retry-After.

use crate::backend::{state::app_state, store};
use crate::domain::rate_limit::{Decision, Limit};
use crate::error::AppError;
use leptos::prelude::*;

/// The address the request came from: the connection's, or behind a trusted proxy the
/// visitor's it forwarded (the server puts that one in `ConnectInfo`; see its `client`).
pub fn client_address() -> Option<std::net::IpAddr> {
    use_context::<http::request::Parts>()?
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
}

/// A bucket per client address for `action`, when the address is known.
pub fn per_address(action: &str, limit: Limit) -> Option<(String, Limit)> {
    client_address().map(|address| (format!("{action}:address:{address}"), limit))
}

/// A bucket per email address for `action`. Buckets never hold an address in clear.
pub fn per_email(
    action: &str,
    clinic_id: uuid::Uuid,
    email: &str,
    limit: Limit,
) -> (String, Limit) {
    use sha2::{Digest, Sha256};
    let hash = crate::backend::hex::hex(&Sha256::digest(email.trim().to_lowercase().as_bytes()));
    (format!("{action}:email:{clinic_id}:{hash}"), limit)
}

/// Counts an attempt in every bucket, or refuses it (429, Retry-After) when one is full.
pub async fn attempt(buckets: &[(String, Limit)]) -> Result<(), AppError> {
    let state = app_state()?;
    let now = state.clock.now();
    for (bucket, limit) in buckets {
        if let Decision::RetryAfter(wait) =
            store::rate_limits::attempt(&state.pool, bucket, *limit, now).await?
        {
            let seconds = wait.num_seconds().max(1);
            let error = AppError::TooManyAttempts((seconds + 59) / 60);
            crate::ui::status::set_http_status(error.status());
            if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
                response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
            }
            return Err(error);
        }
    }
    Ok(())
}
