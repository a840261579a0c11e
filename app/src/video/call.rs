//! The call in the browser: the camera and microphone, a peer connection to the other side
//! (`RTCPeerConnection`), and the room's signaling socket. The clinician's browser makes
//! the offer once the patient is admitted, and again (restarting ICE) when the network
//! path fails; the patient's answers. Only compiled for the browser.

use super::screen::{Screen, Stage};
use super::types::{RoomView, Side};
use crate::domain::video::{DescriptionKind, FromPeer, ToPeer};
use leptos::prelude::*;
use std::cell::RefCell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    HtmlVideoElement, MediaStream, MessageEvent, RtcConfiguration, RtcIceCandidateInit,
    RtcIceConnectionState, RtcIceServer, RtcIceTransportPolicy, RtcOfferOptions, RtcPeerConnection,
    RtcPeerConnectionIceEvent, RtcSdpType, RtcSessionDescriptionInit, RtcTrackEvent, WebSocket,
};

/// A call in progress: what its controls act on.
pub struct Call {
    room: RoomView,
    screen: Screen,
    socket: WebSocket,
    media: MediaStream,
    peer: RefCell<Option<RtcPeerConnection>>,
    /// Candidates that came before the other side's description.
    early: RefCell<Vec<RtcIceCandidateInit>>,
}

impl Call {
    /// Enters the room with `media`.
    pub fn join(room: RoomView, screen: Screen, media: MediaStream) -> Option<Rc<Call>> {
        let location = window().location();
        let scheme = match location.protocol().ok().as_deref() {
            Some("https:") => "wss:",
            _ => "ws:",
        };
        let host = location.host().ok()?;
        let socket = WebSocket::new(&format!("{scheme}//{host}{}", room.socket)).ok()?;
        let call = Rc::new(Call {
            room,
            screen,
            socket,
            media,
            peer: RefCell::new(None),
            early: RefCell::new(Vec::new()),
        });
        screen.stage.set(Stage::Waiting);
        let on_message = {
            let call = Rc::clone(&call);
            Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
                let Some(text) = event.data().as_string() else {
                    return;
                };
                if let Ok(said) = serde_json::from_str::<ToPeer>(&text) {
                    let call = Rc::clone(&call);
                    leptos::task::spawn_local(async move { call.hear(said).await });
                }
            })
        };
        call.socket
            .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();
        let on_close = Closure::<dyn FnMut()>::new(move || {
            if screen.stage.get_untracked() != Stage::Ended {
                screen.stage.set(Stage::Ended);
            }
        });
        call.socket
            .set_onclose(Some(on_close.as_ref().unchecked_ref()));
        on_close.forget();
        Some(call)
    }

    fn say(&self, message: &FromPeer) {
        if let Ok(text) = serde_json::to_string(message) {
            let _ = self.socket.send_with_str(&text);
        }
    }

    async fn hear(self: Rc<Self>, said: ToPeer) {
        let screen = self.screen;
        match said {
            ToPeer::Joined { .. } => screen.stage.set(Stage::Waiting),
            ToPeer::Waiting => screen.waiting.set(true),
            ToPeer::Admitted => {
                screen.waiting.set(false);
                screen.stage.set(Stage::Connecting);
                self.fresh_peer();
                if self.room.side == Side::Clinician {
                    self.offer(false).await;
                }
            }
            ToPeer::Description { kind, sdp } => self.described(kind, &sdp).await,
            ToPeer::Candidate {
                candidate,
                sdp_mid,
                sdp_m_line_index,
            } => {
                let init = RtcIceCandidateInit::new(&candidate);
                init.set_sdp_mid(sdp_mid.as_deref());
                init.set_sdp_m_line_index(sdp_m_line_index);
                let peer = self.peer.borrow().clone();
                match peer {
                    Some(peer) if peer.remote_description().is_some() => {
                        let _ = JsFuture::from(
                            peer.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&init)),
                        )
                        .await;
                    }
                    _ => self.early.borrow_mut().push(init),
                }
            }
            ToPeer::Chat { from, text } => screen.chat.update(|lines| lines.push((from, text))),
            ToPeer::PeerLeft => {
                self.close_peer();
                screen.stage.set(Stage::PeerLeft);
            }
            ToPeer::Ended => self.hang_up(),
        }
    }

    /// A new connection to the other side, with this browser's camera and microphone.
    fn fresh_peer(self: &Rc<Self>) {
        self.close_peer();
        let config = RtcConfiguration::new();
        let servers = js_sys::Array::new();
        for server in &self.room.ice_servers {
            let entry = RtcIceServer::new();
            let urls: js_sys::Array = server.urls.iter().map(|u| JsValue::from_str(u)).collect();
            entry.set_urls(&urls);
            if let (Some(username), Some(credential)) = (&server.username, &server.credential) {
                entry.set_username(username);
                entry.set_credential(credential);
            }
            servers.push(&entry);
        }
        config.set_ice_servers(&servers);
        if self.room.relay_only {
            config.set_ice_transport_policy(RtcIceTransportPolicy::Relay);
        }
        let Ok(peer) = RtcPeerConnection::new_with_configuration(&config) else {
            self.screen.stage.set(Stage::Failed);
            return;
        };
        for track in self.media.get_tracks().iter() {
            if let Ok(track) = track.dyn_into() {
                peer.add_track_0(&track, &self.media);
            }
        }
        let screen = self.screen;
        let on_track = Closure::<dyn FnMut(RtcTrackEvent)>::new(move |event: RtcTrackEvent| {
            let stream = event.streams().get(0).dyn_into::<MediaStream>().ok();
            if let (Some(video), Some(stream)) = (screen.remote.get_untracked(), stream) {
                let video: &HtmlVideoElement = &video;
                video.set_src_object(Some(&stream));
            }
        });
        peer.set_ontrack(Some(on_track.as_ref().unchecked_ref()));
        on_track.forget();
        let on_candidate = {
            let call = Rc::downgrade(self);
            Closure::<dyn FnMut(RtcPeerConnectionIceEvent)>::new(
                move |event: RtcPeerConnectionIceEvent| {
                    let (Some(call), Some(found)) = (call.upgrade(), event.candidate()) else {
                        return;
                    };
                    call.say(&FromPeer::Candidate {
                        candidate: found.candidate(),
                        sdp_mid: found.sdp_mid(),
                        sdp_m_line_index: found.sdp_m_line_index(),
                    });
                },
            )
        };
        peer.set_onicecandidate(Some(on_candidate.as_ref().unchecked_ref()));
        on_candidate.forget();
        let on_state = {
            let call = Rc::downgrade(self);
            let watched = peer.clone();
            Closure::<dyn FnMut()>::new(move || {
                let Some(call) = call.upgrade() else { return };
                let stage = match watched.ice_connection_state() {
                    RtcIceConnectionState::Connected | RtcIceConnectionState::Completed => {
                        Stage::Connected
                    }
                    RtcIceConnectionState::Disconnected => Stage::Reconnecting,
                    RtcIceConnectionState::Failed => {
                        // The clinician's side asks for new paths (an ICE restart), as after
                        // a change of network, without leaving the page.
                        if call.room.side == Side::Clinician {
                            let again = Rc::clone(&call);
                            leptos::task::spawn_local(async move { again.offer(true).await });
                        }
                        Stage::Failed
                    }
                    _ => return,
                };
                call.screen.stage.set(stage);
            })
        };
        peer.set_oniceconnectionstatechange(Some(on_state.as_ref().unchecked_ref()));
        on_state.forget();
        *self.peer.borrow_mut() = Some(peer);
    }

    async fn offer(&self, restart: bool) {
        let Some(peer) = self.peer.borrow().clone() else {
            return;
        };
        let options = RtcOfferOptions::new();
        options.set_ice_restart(restart);
        let Ok(offer) = JsFuture::from(peer.create_offer_with_rtc_offer_options(&options)).await
        else {
            return;
        };
        self.send_own(&peer, DescriptionKind::Offer, &offer).await;
    }

    /// Takes `description` (just made) as this side's, and sends it to the other side.
    async fn send_own(
        &self,
        peer: &RtcPeerConnection,
        kind: DescriptionKind,
        description: &JsValue,
    ) {
        let Some(sdp) = sdp_of(description) else {
            return;
        };
        let init = RtcSessionDescriptionInit::new(sdp_type(kind));
        init.set_sdp(&sdp);
        if JsFuture::from(peer.set_local_description(&init))
            .await
            .is_ok()
        {
            self.say(&FromPeer::Description { kind, sdp });
        }
    }

    async fn described(self: &Rc<Self>, kind: DescriptionKind, sdp: &str) {
        if self.peer.borrow().is_none() {
            self.fresh_peer();
        }
        let Some(peer) = self.peer.borrow().clone() else {
            return;
        };
        let init = RtcSessionDescriptionInit::new(sdp_type(kind));
        init.set_sdp(sdp);
        if JsFuture::from(peer.set_remote_description(&init))
            .await
            .is_err()
        {
            return;
        }
        let early: Vec<RtcIceCandidateInit> = self.early.borrow_mut().drain(..).collect();
        for candidate in early {
            let _ = JsFuture::from(
                peer.add_ice_candidate_with_opt_rtc_ice_candidate_init(Some(&candidate)),
            )
            .await;
        }
        if kind == DescriptionKind::Offer {
            let Ok(answer) = JsFuture::from(peer.create_answer()).await else {
                return;
            };
            self.send_own(&peer, DescriptionKind::Answer, &answer).await;
        }
    }

    fn close_peer(&self) {
        if let Some(peer) = self.peer.borrow_mut().take() {
            peer.close();
        }
        self.early.borrow_mut().clear();
    }

    pub fn admit(&self) {
        self.say(&FromPeer::Admit);
    }

    pub fn complete(&self) {
        self.say(&FromPeer::Complete);
    }

    pub fn chat(&self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        self.say(&FromPeer::Chat {
            text: text.to_owned(),
        });
        self.screen
            .chat
            .update(|lines| lines.push((self.room.side, text.to_owned())));
    }

    /// Turns the microphone (`audio`) or the camera off or on again; whether it is on now.
    pub fn toggle(&self, audio: bool) -> bool {
        let tracks = if audio {
            self.media.get_audio_tracks()
        } else {
            self.media.get_video_tracks()
        };
        let mut on = false;
        for track in tracks.iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.set_enabled(!track.enabled());
                on = track.enabled();
            }
        }
        on
    }

    pub fn hang_up(&self) {
        self.say(&FromPeer::Leave);
        self.close_peer();
        let _ = self.socket.close();
        for track in self.media.get_tracks().iter() {
            if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
                track.stop();
            }
        }
        self.screen.stage.set(Stage::Ended);
    }
}

fn sdp_type(kind: DescriptionKind) -> RtcSdpType {
    match kind {
        DescriptionKind::Offer => RtcSdpType::Offer,
        DescriptionKind::Answer => RtcSdpType::Answer,
    }
}

fn sdp_of(description: &JsValue) -> Option<String> {
    js_sys::Reflect::get(description, &JsValue::from_str("sdp"))
        .ok()?
        .as_string()
}
