//! The one authorization check. Every server function that is not public starts with
//! `require(Action::…)`; pages call the same functions, so page and data access agree.

use super::session::{self, SessionUser};
use crate::backend::state::{app_state, AppState};
use crate::domain::access::{allows, Action, Role};
use crate::error::AppError;
use leptos::prelude::*;
use uuid::Uuid;

/// Someone signed in, with what they may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: Uuid,
    /// The clinic their data belongs to; `None` only for a platform operator.
    pub clinic_id: Option<Uuid>,
    pub role: Role,
    pub display_name: String,
    pub email: String,
}

impl From<SessionUser> for Principal {
    fn from(user: SessionUser) -> Self {
        Principal {
            user_id: user.user_id,
            clinic_id: user.clinic_id,
            role: user.role,
            display_name: user.display_name,
            email: user.email,
        }
    }
}

/// The session token the current request carries, if any.
pub fn request_token() -> Option<session::Token> {
    request_secret(session::COOKIE_NAME)
}

/// The secret the current request's cookie `name` holds (a browser's hold, its conversation
/// with the assistant), when it holds one.
pub fn request_secret(name: &str) -> Option<session::Token> {
    let parts = use_context::<http::request::Parts>()?;
    parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|header| session::cookie_value(header, name))
        .and_then(session::Token::parse)
}

/// Lets this browser keep `token` in the cookie `name` for `max_age_seconds`: sent back to
/// this site only, never readable by script.
pub fn keep_secret(name: &str, token: &session::Token, max_age_seconds: i64) {
    let cookie = format!(
        "{name}={}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={max_age_seconds}",
        token.as_str()
    );
    if let (Some(response), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, value);
    }
}

/// Hands `token` to the browser as its session cookie.
pub fn give_cookie(token: &session::Token) -> Result<(), AppError> {
    let value =
        http::HeaderValue::from_str(&session::cookie(token)).map_err(|_| AppError::Unavailable)?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// Tells the browser to forget its session cookie.
pub fn clear_cookie() -> Result<(), AppError> {
    let value = http::HeaderValue::from_str(&session::clearing_cookie())
        .map_err(|_| AppError::Unavailable)?;
    expect_context::<leptos_axum::ResponseOptions>().append_header(http::header::SET_COOKIE, value);
    Ok(())
}

/// The live session of the current request, if it belongs to this clinic's site.
async fn session_user() -> Result<Option<SessionUser>, AppError> {
    let Some(token) = request_token() else {
        return Ok(None);
    };
    session_here(&app_state()?, &token).await
}

/// The live session `token` opens, if it belongs to this clinic's site.
async fn session_here(
    state: &AppState,
    token: &session::Token,
) -> Result<Option<SessionUser>, AppError> {
    let user = session::resume(&state.pool, token, state.clock.now()).await?;
    // A session only counts on the clinic site it was started on.
    Ok(user.filter(|u| u.clinic_id == Some(state.clinic_id) || u.role == Role::PlatformOperator))
}

/// A session that still owes its second factor does not count: it reaches only the
/// second-factor pages.
fn signed_in(user: SessionUser) -> Option<Principal> {
    (user.second_factor || !user.role.needs_second_factor()).then(|| Principal::from(user))
}

/// The signed-in user of the current request, if any.
pub async fn current() -> Result<Option<Principal>, AppError> {
    Ok(session_user().await?.and_then(signed_in))
}

/// The signed-in user `token` is the session of, as `current` finds them: for the routes
/// that are not server functions (a staff screen's live changes).
pub async fn of_session(
    state: &AppState,
    token: &session::Token,
) -> Result<Option<Principal>, AppError> {
    Ok(session_here(state, token).await?.and_then(signed_in))
}

/// The user whose session has passed the password and still owes the second factor.
pub async fn pending() -> Result<Option<Principal>, AppError> {
    Ok(session_user()
        .await?
        .filter(|u| !u.second_factor && u.role.needs_second_factor())
        .map(Principal::from))
}

/// The caller, if they are signed in and their role allows `action`; otherwise the error
/// that says which (401 to sign in, 403 when signing in would not help), with that status
/// set on the response so a direct API call sees it too.
pub async fn require(action: Action) -> Result<Principal, AppError> {
    let result = match current().await? {
        None => Err(AppError::SignInRequired),
        Some(principal) if allows(principal.role, action) => Ok(principal),
        Some(principal) => {
            tracing::warn!(user_id = %principal.user_id, role = principal.role.as_str(), ?action, "refused");
            Err(AppError::Forbidden)
        }
    };
    if let Err(error) = &result {
        crate::ui::status::set_http_status(error.status());
    }
    result
}
