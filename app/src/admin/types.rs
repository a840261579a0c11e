//! Staff-area data as it crosses to the browser.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardAppointment {
    pub time: String,
    pub patient: String,
    pub treatment: String,
    pub provider: String,
    pub location: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardData {
    pub date_label: String,
    pub today: Vec<DashboardAppointment>,
    pub next_seven_days: i64,
    pub patients: i64,
    pub active_treatments: i64,
}

/// A message in the clinic's outbox, as the staff mailbox shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MailboxMessage {
    pub id: uuid::Uuid,
    pub channel: String,
    pub kind: String,
    pub recipient: String,
    pub subject: String,
    pub body: String,
    pub created: String,
    pub sent: bool,
}
