//! What a visit's page is given.

pub use crate::domain::video::{IceServer, Side};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoomView {
    pub visit: String,
    /// "Aesthetic consultation with Dr Amara Okafor".
    pub title: String,
    /// When the visit starts, in the clinic's time: "Mon 1 Jun, 11:00".
    pub when: String,
    /// When the room opens, in the clinic's time: "10:50".
    pub opens: String,
    pub open: bool,
    /// The room's time is over.
    pub closed: bool,
    pub side: Side,
    /// This participant's STUN and TURN servers (TURN with credentials of their own).
    pub ice_servers: Vec<IceServer>,
    /// The clinic sends every call through its TURN server.
    pub relay_only: bool,
    /// Whether a TURN server is configured; without one, some networks cannot connect.
    pub has_turn: bool,
    /// The signaling socket's path.
    pub socket: String,
}
