//! The server function of a visit's page: the room, for its participants only.

use super::types::RoomView;
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::ui::status::answer;

/// The visit's room, by its id (signed in) or by the booking's link; not found for anyone
/// who may not enter it.
#[server(endpoint = "video/room")]
pub async fn fetch_room(
    #[server(default)] visit: String,
    #[server(default)] link: String,
) -> Result<RoomView, AppError> {
    answer(server::room(&visit, &link).await)
}

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::backend::auth::{principal, session::Token};
    use crate::backend::state::app_state;
    use crate::backend::store::{booking, video as store};
    use crate::backend::video::access;
    use crate::domain::video::{Openness, Window};
    use uuid::Uuid;

    pub async fn room(visit: &str, link: &str) -> Result<RoomView, AppError> {
        let state = app_state()?;
        let link = Token::parse(link.trim());
        let entered = match (&link, Uuid::parse_str(visit.trim())) {
            (Some(link), _) => access::by_link(&state, link.as_str()).await?,
            (None, Ok(id)) => {
                let session = principal::request_token();
                access::participant(&state, id, None, session.as_ref()).await?
            }
            (None, Err(_)) => None,
        };
        let Some((visit, who)) = entered else {
            return Err(AppError::NotFound);
        };
        let zone = booking::rules(&state.pool, state.clinic_id).await?.zone();
        let window = Window::of_visit(visit.starts_at, visit.ends_at);
        let openness = window.at(state.clock.now());
        let ice = &state.video.ice;
        Ok(RoomView {
            visit: visit.id.to_string(),
            title: format!("{} with {}", visit.treatment_name, visit.provider_name),
            when: visit
                .starts_at
                .with_timezone(&zone)
                .format("%a %-d %b, %H:%M")
                .to_string(),
            opens: window
                .opens
                .with_timezone(&zone)
                .format("%H:%M")
                .to_string(),
            open: openness == Openness::Open,
            closed: openness == Openness::Closed,
            side: who.side,
            // Credentials of this participant's own, valid until the room closes.
            ice_servers: ice.servers(&format!("{}-{}", visit.id, who.side.code()), window.closes),
            relay_only: store::relay_only(&state.pool, state.clinic_id).await?,
            has_turn: ice.has_turn(),
            socket: match &link {
                Some(link) => format!("/visits/{}/signal?link={}", visit.id, link.as_str()),
                None => format!("/visits/{}/signal", visit.id),
            },
        })
    }
}
