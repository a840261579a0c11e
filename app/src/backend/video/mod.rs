//! Video visits on the server: who may enter a visit's room, the rooms open in this process
//! with their signaling sockets, and the network paths (STUN, TURN) the browsers are given.
//! The call's media goes from browser to browser (or through the clinic's TURN server),
//! never through Lumen.

pub mod access;
pub mod ice;
pub mod rooms;
pub mod socket;

use std::sync::Arc;

/// What the video visits of this server share: the open rooms and the network settings.
#[derive(Debug, Clone, Default)]
pub struct Video {
    pub rooms: Arc<rooms::Rooms>,
    pub ice: Arc<ice::IceSettings>,
}
