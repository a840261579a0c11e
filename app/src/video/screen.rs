//! What a visit's page shows of its call: the call (in the browser) writes these signals,
//! the page reads them.

use super::types::Side;
use leptos::prelude::*;

/// What the page shows of the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stage {
    /// Before joining: the camera's preview.
    Preview,
    /// The browser refused the camera or microphone.
    NoDevices,
    /// In the room, waiting for the other side (or to be let in).
    Waiting,
    Connecting,
    Connected,
    /// The path failed; trying again.
    Reconnecting,
    Failed,
    /// The other side left; they may come back.
    PeerLeft,
    Ended,
}

/// The page's signals the call writes to.
#[derive(Clone, Copy)]
pub struct Screen {
    pub stage: RwSignal<Stage>,
    /// (The clinician.) The patient is waiting to be let in.
    pub waiting: RwSignal<bool>,
    pub chat: RwSignal<Vec<(Side, String)>>,
    pub local: NodeRef<leptos::html::Video>,
    pub remote: NodeRef<leptos::html::Video>,
}
