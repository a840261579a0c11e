use serde::{Deserialize, Serialize};

/// A patient waiting, as the staff's list shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WaitingRow {
    pub id: String,
    pub patient_id: String,
    pub patient: String,
    pub treatment: String,
    /// A provider's name, or "Anyone".
    pub provider: String,
    /// "Mondays and Thursdays, 09:00–12:30, until …".
    pub when: String,
    /// When they joined, in the clinic's time.
    pub joined: String,
    /// Times offered to them so far.
    pub offers: i64,
    /// A time is on offer to them now.
    pub offered_now: bool,
}
