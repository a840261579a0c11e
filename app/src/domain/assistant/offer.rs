//! A free time the assistant offers: a button that holds it through the booking steps,
//! under the same rules as the picker.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Offer {
    /// The treatment's slug.
    pub treatment: String,
    pub provider: String,
    /// RFC 3339, as the booking steps take it.
    pub start: String,
    /// "Tue 17 Mar, 10:30 with Dr Amara Okafor".
    pub label: String,
}
