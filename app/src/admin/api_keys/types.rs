use serde::{Deserialize, Serialize};

/// A key as the settings screen lists it; times in the clinic's zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKeyRow {
    pub id: String,
    pub name: String,
    /// "Read only" or "Read and write".
    pub scope: String,
    /// The secret's first characters, so staff can tell which key an integrator holds.
    pub starts: String,
    /// "4 Dec 2026, 10:15 by Dr Ama Okafor".
    pub made: String,
    pub last_used: Option<String>,
    pub revoked: Option<String>,
}

/// A key just made, with the secret the clinic sees this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MadeKey {
    pub name: String,
    pub secret: String,
}
