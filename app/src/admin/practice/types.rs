use serde::{Deserialize, Serialize};

/// The section's data: the centre Lumen books at, and the clinic's rows with the system's
/// id for each.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PracticeIdsScreen {
    /// The system's name for the centre (from the configuration).
    pub centre: String,
    pub treatments: Vec<MappedRow>,
    pub providers: Vec<MappedRow>,
    pub locations: Vec<MappedRow>,
}

/// A treatment, provider or location and the system's id for it, empty when it has none
/// (for a location: the centre's id when it is the centre).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedRow {
    pub id: String,
    pub name: String,
    /// No longer offered to patients.
    pub hidden: bool,
    pub practice_id: String,
}
