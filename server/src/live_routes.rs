//! `GET /api/live`: a staff screen's live changes, as server-sent events. Each event names
//! what changed (`appointment`, `conversation`) and its id, and nothing more; `reload`
//! means changes may have been missed. Only this clinic's staff, signed in past the second
//! factor, get a stream, and it carries only what their role may see.

use crate::protect::session_token;
use app::backend::auth::principal;
use app::backend::live::Heard;
use app::backend::state::AppState;
use app::domain::access::{allows, Action};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;

pub const PATH: &str = "/api/live";

pub async fn stream(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let viewer = match session_token(&headers) {
        Some(token) => principal::of_session(&state, &token).await,
        None => Ok(None),
    };
    let viewer = match viewer {
        Ok(Some(viewer)) if allows(viewer.role, Action::ViewAdmin) => viewer,
        Ok(Some(_)) => return StatusCode::FORBIDDEN.into_response(),
        Ok(None) => return StatusCode::UNAUTHORIZED.into_response(),
        Err(error) => {
            tracing::error!(%error, "checking a live stream's session failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let following = state.live.follow(state.clinic_id, viewer.role);
    let events = futures::stream::unfold(following, |mut following| async move {
        let heard = following.next().await?;
        let data = match heard {
            Heard::Change(change) => change.id.to_string(),
            Heard::Gap => String::new(),
        };
        let event = Event::default().event(heard.event()).data(data);
        Some((Ok::<_, Infallible>(event), following))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}
