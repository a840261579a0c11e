//! What the waitlist's pages receive from the server.

use crate::booking::types::ProviderChoice;
use serde::{Deserialize, Serialize};

/// The form to join the waitlist for a treatment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinScreen {
    pub treatment: String,
    pub slug: String,
    pub providers: Vec<ProviderChoice>,
    /// The provider chosen in the picker, or empty for any.
    pub provider: String,
    /// A signed-in patient's own details, filled in (first, last, email, phone).
    pub details: Option<(String, String, String, String)>,
    /// The furthest day bookings open to, `YYYY-MM-DD`: the last day when none is given.
    pub horizon: String,
}

/// What an offered time's page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferScreen {
    pub treatment: String,
    pub provider: String,
    pub location: String,
    /// The day and time, in the location's time zone.
    pub when: String,
    pub state: OfferState,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum OfferState {
    /// Held until this time of day (in the location's time) for whoever takes it first.
    Open { held_until: String },
    /// This patient took it (the booking steps carry on from here).
    Taken,
    /// Another patient took it first.
    Gone,
    /// Nobody took it in time, or the patient left the waitlist.
    Lapsed,
}
