//! The signaling socket of a video visit's room: `GET /visits/{id}/signal`, upgraded to a
//! WebSocket for the visit's patient (by the booking link's `?link=`, or signed in) and its
//! clinician (signed in), while the room is open. Anyone else gets 404; a page on another
//! site, which would bring the visitor's cookies, gets 403.

use crate::protect::{is_same_origin, session_token};
use app::backend::state::AppState;
use app::backend::video::{access, socket};
use app::domain::video::{Openness, Window, MAX_MESSAGE_BYTES};
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use uuid::Uuid;

pub const PATH: &str = "/visits/{id}/signal";

pub async fn signal(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    let value = |name| headers.get(name).and_then(|v| v.to_str().ok());
    // Browsers send Origin with every WebSocket; a cookie alone proves nothing here.
    if !is_same_origin(value(header::HOST), value(header::ORIGIN), None) {
        return (
            StatusCode::FORBIDDEN,
            "This visit can be joined from the clinic's own site only.",
        )
            .into_response();
    }
    let Ok(id) = Uuid::parse_str(&id) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let session = session_token(&headers);
    let entered = access::participant(
        &state,
        id,
        query.get("link").map(String::as_str),
        session.as_ref(),
    )
    .await;
    let (visit, who) = match entered {
        Ok(Some(entered)) => entered,
        Ok(None) => return StatusCode::NOT_FOUND.into_response(),
        Err(error) => {
            tracing::error!(%error, "looking up a video visit failed");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    let window = Window::of_visit(visit.starts_at, visit.ends_at);
    if window.at(state.clock.now()) != Openness::Open {
        return (StatusCode::FORBIDDEN, "This visit's room is not open now.").into_response();
    }
    // Room above the largest message taken, so that one too large is refused by the room
    // (which says why) rather than by the socket.
    upgrade
        .max_message_size(2 * MAX_MESSAGE_BYTES)
        .on_upgrade(move |ws| socket::serve(state, ws, visit, who))
}
