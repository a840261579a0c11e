use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub next_visit: Option<String>,
    pub visits: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientVisit {
    pub id: String,
    pub when: String,
    pub treatment: String,
    pub provider: String,
    pub status_label: String,
    pub upcoming: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientNote {
    pub at: String,
    pub author: String,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientDetail {
    pub id: String,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub has_account: bool,
    /// Made by someone booking online without signing in: the details are as typed.
    pub booked_as_guest: bool,
    pub since: String,
    pub visits: Vec<PatientVisit>,
    pub notes: Vec<PatientNote>,
    /// The clinic's other records with the same email address, which staff may merge
    /// into this one.
    pub same_email: Vec<OtherRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherRecord {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub since: String,
    pub has_account: bool,
    pub booked_as_guest: bool,
}
