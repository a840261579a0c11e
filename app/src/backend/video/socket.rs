//! A participant's signaling socket: what their browser sends is checked and passed to the
//! other side of the room (once the patient is admitted); what the room says is sent back.
//! A message that is not one closes the socket; so does the room's closing time.

use super::access::Participant;
use super::rooms::{Change, Full, Joined};
use crate::backend::audit::{self, Entry};
use crate::backend::auth::principal::Principal;
use crate::backend::integrations::booking::BookingSystem;
use crate::backend::state::AppState;
use crate::backend::store::booking;
use crate::backend::store::video::{self as store, Visit};
use crate::domain::appointment::Outcome;
use crate::domain::video::{FromPeer, Refused, ToPeer, Window};
use axum::extract::ws::{close_code, CloseFrame, Message, WebSocket};
use leptos::prelude::{provide_context, Owner, ScopedFuture};

/// Closes a socket whose side of the room is already taken.
pub const ROOM_FULL: u16 = 4409;

pub async fn serve(state: AppState, mut socket: WebSocket, visit: Visit, who: Participant) {
    let rooms = state.video.rooms.clone();
    let (Joined { id, mut said }, change) = match rooms.join(visit.id, who.side) {
        Ok(joined) => joined,
        Err(Full) => {
            close(
                &mut socket,
                ROOM_FULL,
                "This visit is already open in another window.",
            )
            .await;
            return;
        }
    };
    record(&state, &visit, &who, "video_joined").await;
    changed(&state, &visit, change).await;

    let window = Window::of_visit(visit.starts_at, visit.ends_at);
    let open_for = (window.closes - state.clock.now())
        .to_std()
        .unwrap_or_default();
    let closing = tokio::time::sleep(open_for);
    tokio::pin!(closing);
    loop {
        tokio::select! {
            incoming = socket.recv() => {
                let text = match incoming {
                    Some(Ok(Message::Text(text))) => text,
                    Some(Ok(Message::Binary(_))) => {
                        close(&mut socket, close_code::UNSUPPORTED, "Text messages only.").await;
                        break;
                    }
                    Some(Ok(Message::Ping(_) | Message::Pong(_))) => continue,
                    Some(Ok(Message::Close(_)) | Err(_)) | None => break,
                };
                match FromPeer::parse(text.as_str(), who.side) {
                    Ok(FromPeer::Leave) => break,
                    Ok(message) => {
                        if !take(&state, &visit, &who, message).await {
                            break;
                        }
                    }
                    Err(refused) => {
                        let (code, why) = match refused {
                            Refused::TooLarge => (close_code::SIZE, "That message is too large."),
                            Refused::Malformed => (close_code::POLICY, "That is not a signaling message."),
                            Refused::NotYours => (close_code::POLICY, "Only the clinician can do that."),
                        };
                        close(&mut socket, code, why).await;
                        break;
                    }
                }
            }
            out = said.recv() => {
                let Some(message) = out else { break };
                let ended = message == ToPeer::Ended;
                let text = serde_json::to_string(&message).unwrap_or_default();
                if socket.send(Message::Text(text.into())).await.is_err() || ended {
                    break;
                }
            }
            () = &mut closing => {
                rooms.end(visit.id);
                changed(&state, &visit, Change::Emptied).await;
                let _ = socket
                    .send(Message::Text(serde_json::to_string(&ToPeer::Ended).unwrap_or_default().into()))
                    .await;
                break;
            }
        }
    }
    // Out of the room first, so that the same person coming straight back finds their
    // place free; then recorded.
    let change = rooms.leave(visit.id, who.side, id);
    record(&state, &visit, &who, "video_left").await;
    changed(&state, &visit, change).await;
}

/// Acts on one message; `false` when the socket is done.
async fn take(state: &AppState, visit: &Visit, who: &Participant, message: FromPeer) -> bool {
    let rooms = &state.video.rooms;
    let passed = match message {
        FromPeer::Description { kind, sdp } => ToPeer::Description { kind, sdp },
        FromPeer::Candidate {
            candidate,
            sdp_mid,
            sdp_m_line_index,
        } => ToPeer::Candidate {
            candidate,
            sdp_mid,
            sdp_m_line_index,
        },
        FromPeer::Chat { text } => ToPeer::Chat {
            from: who.side,
            text: text.trim().to_owned(),
        },
        FromPeer::Admit => {
            let change = rooms.admit(visit.id);
            changed(state, visit, change).await;
            return true;
        }
        FromPeer::Complete => {
            complete(state, visit, who).await;
            return true;
        }
        FromPeer::Leave => return false,
    };
    rooms.relay(visit.id, who.side, passed);
    true
}

/// The clinician marks the visit completed: recorded as the calendar records it, and the
/// call ends for both.
async fn complete(state: &AppState, visit: &Visit, who: &Participant) {
    let Some(user) = who.user.clone() else {
        return;
    };
    let staff = Principal::from(user);
    // As the calendar records it, audit entry included, which reads the clinic from the
    // request's context: the socket's task gives it one.
    let owner = Owner::new();
    owner.with(|| provide_context(state.clone()));
    let recording = async {
        match booking::rules(&state.pool, state.clinic_id).await {
            Ok(rules) => {
                let calendar = state.calendar(state.clock.now(), &rules);
                calendar
                    .record_outcome(visit.id, Outcome::Completed, &staff)
                    .await
                    .map_err(|refusal| format!("{refusal:?}"))
            }
            Err(error) => Err(error.to_string()),
        }
    };
    let recorded = owner.with(|| ScopedFuture::new(recording)).await;
    if let Err(why) = recorded {
        // Already completed (from the calendar, or a second click) ends the call all the same.
        tracing::info!(visit = %visit.id, %why, "the visit was not marked completed");
    }
    state.video.rooms.end(visit.id);
    changed(state, visit, Change::Emptied).await;
}

/// Keeps the call's start and end on the appointment.
async fn changed(state: &AppState, visit: &Visit, change: Change) {
    let now = state.clock.now();
    let stored = match change {
        Change::Nothing => return,
        Change::CallStarted => {
            store::call_started(&state.pool, state.clinic_id, visit.id, now).await
        }
        Change::Emptied => store::call_ended(&state.pool, state.clinic_id, visit.id, now).await,
    };
    if let Err(error) = stored {
        tracing::error!(%error, visit = %visit.id, "the call's times were not stored");
    }
}

/// Every join and leave is audited: who (their account, or the booking link), which visit.
async fn record(state: &AppState, visit: &Visit, who: &Participant, action: &str) {
    let entry = Entry {
        at: state.clock.now(),
        clinic_id: Some(state.clinic_id),
        actor_user_id: who.user.as_ref().map(|u| u.user_id),
        actor_role: who
            .user
            .as_ref()
            .map_or("booking_link", |u| u.role.as_str()),
        action,
        subject_type: "appointment",
        subject_id: Some(visit.id),
        request_id: "-",
    };
    if let Err(error) = audit::record(&state.pool, entry).await {
        tracing::error!(%error, "a video visit's audit entry was not stored");
    }
}

async fn close(socket: &mut WebSocket, code: u16, reason: &'static str) {
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code,
            reason: reason.into(),
        })))
        .await;
}
