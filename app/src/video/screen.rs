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

/// A camera or microphone the browser offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Device {
    pub id: String,
    pub label: String,
}

/// The page's signals the call writes to.
#[derive(Clone, Copy)]
pub struct Screen {
    pub stage: RwSignal<Stage>,
    /// The devices to choose from, and the ids of those chosen (empty: the default).
    pub cameras: RwSignal<Vec<Device>>,
    pub microphones: RwSignal<Vec<Device>>,
    pub camera: RwSignal<String>,
    pub microphone: RwSignal<String>,
    /// The microphone's level now, 0 to 100.
    pub level: RwSignal<u8>,
    /// (The clinician.) The patient is waiting to be let in.
    pub waiting: RwSignal<bool>,
    pub chat: RwSignal<Vec<(Side, String)>>,
    pub local: NodeRef<leptos::html::Video>,
    pub remote: NodeRef<leptos::html::Video>,
}

impl Screen {
    /// Before anything has happened: the preview, nothing chosen, nobody waiting.
    pub fn fresh() -> Screen {
        Screen {
            stage: RwSignal::new(Stage::Preview),
            cameras: RwSignal::new(Vec::new()),
            microphones: RwSignal::new(Vec::new()),
            camera: RwSignal::new(String::new()),
            microphone: RwSignal::new(String::new()),
            level: RwSignal::new(0),
            waiting: RwSignal::new(false),
            chat: RwSignal::new(Vec::new()),
            local: NodeRef::new(),
            remote: NodeRef::new(),
        }
    }
}
