//! Who may enter a visit's room: the appointment's patient (through the booking's private
//! link, or signed in to their account) and its provider or a clinic admin (signed in,
//! past the second factor). Anyone else is told there is no such room.

use crate::backend::auth::session::{self, SessionUser, Token};
use crate::backend::state::AppState;
use crate::backend::store::video::{self as store, Visit};
use crate::domain::access::Role;
use crate::domain::video::Side;
use uuid::Uuid;

/// Someone allowed in a visit's room, and on which side.
#[derive(Debug, Clone)]
pub struct Participant {
    pub side: Side,
    /// Their account, when they came signed in (the booking link needs none).
    pub user: Option<SessionUser>,
}

/// The visit the booking link `link` manages, entered by its patient.
pub async fn by_link(
    state: &AppState,
    link: &str,
) -> Result<Option<(Visit, Participant)>, sqlx::Error> {
    let Some(link) = Token::parse(link.trim()) else {
        return Ok(None);
    };
    let visit = store::visit_by_link(&state.pool, state.clinic_id, &link.hash()).await?;
    Ok(visit.map(|visit| {
        (
            visit,
            Participant {
                side: Side::Patient,
                user: None,
            },
        )
    }))
}

/// The visit `visit_id` and who is asking to enter it (by the booking link `link`, or by
/// the session `session`), when they may.
pub async fn participant(
    state: &AppState,
    visit_id: Uuid,
    link: Option<&str>,
    session: Option<&Token>,
) -> Result<Option<(Visit, Participant)>, sqlx::Error> {
    if let Some(link) = link {
        let entered = by_link(state, link).await?;
        return Ok(entered.filter(|(visit, _)| visit.id == visit_id));
    }
    let Some(token) = session else {
        return Ok(None);
    };
    let Some(user) = session::resume(&state.pool, token, state.clock.now()).await? else {
        return Ok(None);
    };
    if user.clinic_id != Some(state.clinic_id) {
        return Ok(None);
    }
    let Some(visit) = store::visit(&state.pool, state.clinic_id, visit_id).await? else {
        return Ok(None);
    };
    let staff_ready = user.second_factor || !user.role.needs_second_factor();
    let side = if user.role == Role::Patient && visit.patient_user_id == Some(user.user_id) {
        Some(Side::Patient)
    } else if staff_ready
        && (visit.provider_user_id == Some(user.user_id) || user.role == Role::ClinicAdmin)
    {
        Some(Side::Clinician)
    } else {
        None
    };
    Ok(side.map(|side| {
        (
            visit,
            Participant {
                side,
                user: Some(user),
            },
        )
    }))
}
