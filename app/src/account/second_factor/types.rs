//! What the set-up page shows.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetUp {
    /// The secret for typing into an app by hand, in groups of four.
    pub secret: String,
    /// The QR code of the `otpauth://` address, as an SVG data URL.
    pub qr_code: String,
    pub recovery_codes: Vec<String>,
}
