//! `GET /api/live`: a staff screen's live changes, as server-sent events. Each event names
//! what changed (`appointment`, `conversation`) and its id, and nothing more; `reload`
//! means changes may have been missed. Only this clinic's staff, signed in past the second
//! factor, get a stream, and it carries only what their role may see.

use crate::protect::allowed;
use app::backend::live::Heard;
use app::backend::state::AppState;
use app::domain::access::Action;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;

pub const PATH: &str = "/api/live";

pub async fn stream(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let viewer = match allowed(&state, &headers, Action::ViewAdmin).await {
        Ok(viewer) => viewer,
        Err(status) => return status.into_response(),
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
